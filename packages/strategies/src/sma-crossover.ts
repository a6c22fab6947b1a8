import type { BarSeries, EntrySignal, IndicatorColumns, Position, Strategy, StrategyContext } from '@ensemble/protocol';
import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { crossoverInto, sma } from './indicators';
import { ENTER_LONG, ENTER_SHORT, MAX_PERIOD } from './internal/constants';
import { parseStrategyParams } from './internal/params';

const period = z.number().int().min(1).max(MAX_PERIOD);

/** Parameters of {@link SmaCrossoverStrategy}; `fast` must be less than `slow`. */
export const SmaCrossoverSchema = z
  .strictObject({
    fast: period.default(10).describe('Fast SMA window of closes, in bars; must be less than slow'),
    slow: period.default(30).describe('Slow SMA window of closes, in bars; must be greater than fast'),
    allowShort: z
      .boolean()
      .default(false)
      .describe('Trade both sides, stop and reverse: a cross exits the position and the next bar enters the other side (the engine asks for an entry only when flat, so a reversal takes one bar); without it, long only'),
  })
  .superRefine((params, context) => {
    if (params.fast >= params.slow) {
      context.addIssue({
        code: 'custom',
        path: ['fast'],
        message: `fast (${params.fast}) must be less than slow (${params.slow}): the fast SMA uses the shorter window`,
      });
    }
  });

/** Input accepted by {@link SmaCrossoverStrategy}; every field has a default. */
export type SmaCrossoverConfig = z.input<typeof SmaCrossoverSchema>;

/**
 * SMA crossover momentum on closes. With `d[i] = SMA(fast)[i] - SMA(slow)[i]`, a cross up is
 * `d[i] > 0` while the **last non-zero** difference before bar i was negative, a cross down the
 * mirror image; a tie (`d[i] = 0`) never triggers, and `+, 0, -` is a cross down at the `-`.
 * Enters long on a cross up and exits on a cross down. With `allowShort` it is a stop-and-reverse
 * system on both sides: a cross exits the position, and while flat a cross on this bar or the one
 * before enters its side — so the bar after an exit enters the other side (entries are asked only
 * when flat: the reversal takes one bar). Warm-up `slow + 1`: the first cross can be seen at index
 * `slow`. The crosses are precomputed once per series (`indicators()`), so a decision is O(1).
 */
export class SmaCrossoverStrategy implements Strategy {
  readonly kind = 'signal';
  /** `slow + 1` bars: one slow SMA value and the one before it to compare with. */
  readonly warmup: number;
  /** The parsed parameters, defaults applied. */
  readonly params: z.output<typeof SmaCrossoverSchema>;

  constructor(
    config: SmaCrossoverConfig = {},
    readonly id = 'sma-crossover',
  ) {
    this.params = parseStrategyParams('sma-crossover', SmaCrossoverSchema, config);
    this.warmup = this.params.slow + 1;
  }

  /**
   * One column, `cross` (+1 cross up, -1 cross down, 0 none, NaN before index `slow`), causal.
   * The two SMAs it is computed from are not kept: decisions read only the crosses, and a run of
   * 1,000 sleeves would hold 10 MB of them.
   */
  indicators(series: BarSeries): IndicatorColumns {
    // The crossings are written over the fast average, which nothing reads afterwards.
    const fast = sma(series.close, this.params.fast);
    return { cross: crossoverInto(fast, sma(series.close, this.params.slow), fast) };
  }

  /**
   * Long on a cross up. With `allowShort`, the side of a cross on this bar or, failing one, on the
   * bar before (the cross that closed the previous position: the reversal).
   */
  shouldEnter(context: StrategyContext): EntrySignal | null {
    const cross = context.indicator('cross');
    if (!this.params.allowShort) return cross > 0 ? ENTER_LONG : null;
    const side = cross === 0 && context.length > 1 ? context.indicator('cross', 1) : cross;
    return side > 0 ? ENTER_LONG : side < 0 ? ENTER_SHORT : null;
  }

  /** A long exits on a cross down, a short on a cross up. */
  shouldExit(context: StrategyContext, position: Position): boolean {
    const cross = context.indicator('cross');
    return position.side === 'long' ? cross < 0 : cross > 0;
  }
}

/** Registry entry of {@link SmaCrossoverStrategy}: what `ensemble strategies` lists and run configs name. */
export const smaCrossoverDefinition = defineStrategy({
  name: 'sma-crossover',
  kind: 'signal',
  description: 'Momentum: long when the fast SMA of closes crosses above the slow one, out when it crosses below.',
  params: SmaCrossoverSchema,
  create: (params, id) => new SmaCrossoverStrategy(params, id),
});
