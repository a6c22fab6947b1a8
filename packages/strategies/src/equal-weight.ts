import type { PortfolioContext, PortfolioStrategy, RebalanceRule, TargetWeights } from '@ensemble/protocol';
import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { heldWithoutBar, waitingForBar } from './internal/held-without-bar';
import { parseStrategyParams } from './internal/params';
import { rebalanceParameter, toRebalanceRule } from './internal/rebalance';
import { setWeight } from './internal/set-weight';

/** Parameters of {@link EqualWeightStrategy}. */
export const EqualWeightSchema = z.strictObject({
  rebalance: rebalanceParameter,
});

/** Input accepted by {@link EqualWeightStrategy}; every field has a default. */
export type EqualWeightConfig = z.input<typeof EqualWeightSchema>;

/**
 * Equal weight (portfolio kind): on each rebalance, `1 / k` of the sleeve's equity in each of the
 * `k` symbols tradable at that step, and in each symbol whose market is closed that day (no bar
 * now, but a bar at the last step the tradable symbols traded before this one: its order waits for
 * its next bar). Another symbol with no bar at the step gets no new weight, so a symbol whose
 * history starts later (GOOG in 2004) joins at the first rebalance once it has prices; a position
 * in a symbol with no bar (its exchange closed that day, a gap in its data, its data ended) keeps
 * its value, which cannot trade now, and the others share the rest equally. Rebalances monthly by
 * default; warm-up 1 step.
 */
export class EqualWeightStrategy implements PortfolioStrategy {
  readonly kind = 'portfolio';
  /** One step: the first bar with prices. */
  readonly warmup = 1;
  /** The default schedule, from the `rebalance` parameter. */
  readonly rebalance: RebalanceRule;
  /** The parsed parameters, defaults applied. */
  readonly params: z.output<typeof EqualWeightSchema>;

  constructor(
    config: EqualWeightConfig = {},
    readonly id = 'equal-weight',
  ) {
    this.params = parseStrategyParams('equal-weight', EqualWeightSchema, config);
    this.rebalance = toRebalanceRule(this.params.rebalance);
  }

  /**
   * `1 / k` for each of the `k` tradable symbols and symbols closed today, less what positions
   * without a bar now keep (see the class notes); `{}` (all cash) when nothing is tradable or held.
   */
  targetWeights(context: PortfolioContext): TargetWeights {
    const held = heldWithoutBar(context);
    const waiting = waitingForBar(context);
    const weights: Record<string, number> = { ...held.weights };
    const k = context.tradable.length + waiting.length;
    const share = held.total === 0 ? 1 / k : Math.max(0, 1 - held.total) / k;
    for (const symbol of context.tradable) setWeight(weights, symbol, share);
    for (const symbol of waiting) setWeight(weights, symbol, share);
    return weights;
  }
}

/** Registry entry of {@link EqualWeightStrategy}: what `ensemble strategies` lists and run configs name. */
export const equalWeightDefinition = defineStrategy({
  name: 'equal-weight',
  kind: 'portfolio',
  description: 'Allocation: equal weights over the symbols tradable at each rebalance (monthly by default).',
  params: EqualWeightSchema,
  create: (params, id) => new EqualWeightStrategy(params, id),
});
