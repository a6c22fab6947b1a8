import type { StrategyRegistry } from '@ensemble/orchestrator';
import { isPortfolioStrategy } from '@ensemble/protocol';
import type { AnyStrategy, Strategy } from '@ensemble/protocol';

/**
 * `strategy` unable to trade before `start` (epoch ms): a signal strategy enters nothing and a
 * portfolio strategy targets no weights on earlier bars, while its indicators and history still
 * see them (the warm-up of a walk-forward test window). From `start` on it decides as before.
 */
export function holdUntil(strategy: AnyStrategy, start: number): AnyStrategy {
  if (isPortfolioStrategy(strategy)) {
    return {
      kind: 'portfolio',
      id: strategy.id,
      warmup: strategy.warmup,
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

/** `registry` with every strategy it creates held until `start` (see {@link holdUntil}). */
export function registryHeldUntil(registry: StrategyRegistry, start: number): StrategyRegistry {
  return Object.fromEntries(
    Object.entries(registry).map(([name, definition]) => [
      name,
      { ...definition, create: (params: unknown, id: string) => holdUntil(definition.create(params, id), start) },
    ]),
  );
}
