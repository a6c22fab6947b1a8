import type { BarSeries, EntrySignal, IndicatorColumns, Position, Strategy, StrategyContext } from '@ensemble/protocol';
import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { rsi } from './indicators';
import { ENTER_LONG, MAX_PERIOD } from './internal/constants';
import { parseStrategyParams } from './internal/params';

const level = z.number().min(0).max(100);

/** Parameters of {@link RsiMeanReversionStrategy}; `oversold` must be below `overbought`. */
export const RsiMeanReversionSchema = z
  .strictObject({
    period: z
      .number()
      .int()
      .min(1)
      .max(MAX_PERIOD)
      .default(14)
      .describe("RSI window in bars (Wilder's smoothing)"),
    oversold: level.default(30).describe('Enter long while RSI is below this level (0..100); must be below overbought'),
    overbought: level.default(70).describe('Exit the long once RSI is above this level (0..100); must be above oversold'),
  })
  .superRefine((params, context) => {
    if (params.oversold >= params.overbought) {
      context.addIssue({
        code: 'custom',
        path: ['oversold'],
        message: `oversold (${params.oversold}) must be less than overbought (${params.overbought})`,
      });
    }
  });

/** Input accepted by {@link RsiMeanReversionStrategy}; every field has a default. */
export type RsiMeanReversionConfig = z.input<typeof RsiMeanReversionSchema>;

/**
 * RSI mean reversion, long only, on closes: enters long on a bar whose RSI (Wilder's smoothing)
 * is strictly **below** `oversold` — a level, not a cross, so a first decision already deep in
 * oversold territory buys — and exits once RSI is strictly **above** `overbought`. A short
 * position opened by someone else is exited by the mirror rule (RSI below `oversold`). Warm-up
 * `period + 1` bars: the first RSI value is at index `period`.
 */
export class RsiMeanReversionStrategy implements Strategy {
  readonly kind = 'signal';
  /** `period + 1` bars: `period` price changes for the first RSI value. */
  readonly warmup: number;
  /** The parsed parameters, defaults applied. */
  readonly params: z.output<typeof RsiMeanReversionSchema>;

  constructor(
    config: RsiMeanReversionConfig = {},
    readonly id = 'rsi-mean-reversion',
  ) {
    this.params = parseStrategyParams('rsi-mean-reversion', RsiMeanReversionSchema, config);
    this.warmup = this.params.period + 1;
  }

  /** Column `rsi` of the closes (0..100, NaN before index `period`), causal. */
  indicators(series: BarSeries): IndicatorColumns {
    return { rsi: rsi(series.close, this.params.period) };
  }

  /** Long while RSI < oversold. */
  shouldEnter(context: StrategyContext): EntrySignal | null {
    return context.indicator('rsi') < this.params.oversold ? ENTER_LONG : null;
  }

  /** A long exits when RSI > overbought; a short when RSI < oversold. */
  shouldExit(context: StrategyContext, position: Position): boolean {
    const value = context.indicator('rsi');
    return position.side === 'long' ? value > this.params.overbought : value < this.params.oversold;
  }
}

/** Registry entry of {@link RsiMeanReversionStrategy}: what `ensemble strategies` lists and run configs name. */
export const rsiMeanReversionDefinition = defineStrategy({
  name: 'rsi-mean-reversion',
  kind: 'signal',
  description: "Mean reversion: long while Wilder's RSI is below oversold, out once it rises above overbought.",
  params: RsiMeanReversionSchema,
  create: (params, id) => new RsiMeanReversionStrategy(params, id),
});
