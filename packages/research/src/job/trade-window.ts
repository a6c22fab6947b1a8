import type { StrategyRegistry } from '@ensemble/orchestrator';
import { isPortfolioStrategy, checkArguments, objectIssue, registryIssue } from '@ensemble/protocol';
import type { AnyStrategy, Strategy } from '@ensemble/protocol';
import { numberIssue } from '../argument-checks';

/**
 * `strategy` unable to trade before `start` (epoch ms): a signal strategy enters nothing and a
 * portfolio strategy targets no weights on earlier bars, while its indicators and history still
 * see them (the warm-up of a walk-forward test window). From `start` on it decides as before.
 * A portfolio strategy is first asked on step `firstStep`, the run's first step at or after
 * `start` (its warm-up covers the steps before): it rebalances there, as a run starting at `start`
 * does on its first bar, and follows its schedule from there — rather than answering no weights
 * to a rebalance before `start` and waiting for the next one the schedule brings.
 */
export function holdUntil(strategy: AnyStrategy, start: number, firstStep = 0): AnyStrategy {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('holdUntil', [
    objectIssue(strategy, 'strategy', 'a strategy instance (an object)'),
    numberIssue(start, 'start', 'the first step to trade'),
    numberIssue(firstStep, 'firstStep', 'the step the run starts at', true),
  ]);
  if (isPortfolioStrategy(strategy)) {
    return {
      kind: 'portfolio',
      id: strategy.id,
      warmup: Math.max(strategy.warmup, firstStep + 1),
      rebalance: strategy.rebalance,
      targetWeights: (context) => (context.time < start ? {} : strategy.targetWeights(context)),
    };
  }
  const held: Strategy = {
    kind: 'signal',
    id: strategy.id,
    warmup: strategy.warmup,
    shouldEnter: (context) => (context.time < start ? null : strategy.shouldEnter(context)),
    shouldExit: (context, position) => strategy.shouldExit(context, position),
  };
  if (strategy.indicators === undefined) return held;
  return { ...held, indicators: (series) => strategy.indicators?.(series) ?? {} };
}

/** `registry` with every strategy it creates held until `start`, step `firstStep` (see {@link holdUntil}). */
export function registryHeldUntil(registry: StrategyRegistry, start: number, firstStep = 0): StrategyRegistry {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('registryHeldUntil', [
    registryIssue(registry),
    numberIssue(start, 'start', 'the first step to trade'),
    numberIssue(firstStep, 'firstStep', 'the step the run starts at', true),
  ]);
  return Object.fromEntries(
    Object.entries(registry).map(([name, definition]) => [
      name,
      { ...definition, create: (params: unknown, id: string) => holdUntil(definition.create(params, id), start, firstStep) },
    ]),
  );
}

/** Steps of the timeline of `series` (every distinct bar time) before `start`: the index of its first step at or after `start`. */
export function stepsBefore(series: readonly { readonly time: ArrayLike<number>; readonly length: number }[], start: number): number {
  const times = new Set<number>();
  for (const { time, length } of series) {
    for (let i = 0; i < length; i++) {
      const at = time[i] ?? Number.NaN;
      if (!(at < start)) break;
      times.add(at);
    }
  }
  return times.size;
}
