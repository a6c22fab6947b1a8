import type { BarSeries, EntrySignal, IndicatorColumns, Position, Strategy, StrategyContext } from '@ensemble/protocol';
import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { rollingMax, rollingMin } from './indicators';
import { ENTER_LONG, MAX_PERIOD } from './internal/constants';
import { parseStrategyParams } from './internal/params';

const period = z.number().int().min(1).max(MAX_PERIOD);

/** Parameters of {@link DonchianBreakoutStrategy}. */
export const DonchianBreakoutSchema = z.strictObject({
  entry: period.default(20).describe('Entry channel in bars: buy when the close exceeds the highest high of the previous `entry` bars'),
  exit: period.default(10).describe('Exit channel in bars: sell when the close falls below the lowest low of the previous `exit` bars'),
});

/** Input accepted by {@link DonchianBreakoutStrategy}; every field has a default. */
export type DonchianBreakoutConfig = z.input<typeof DonchianBreakoutSchema>;

/** Shifts a fresh column one bar later, in place: `column[i]` becomes `column[i - 1]`, NaN at 0. Still causal. */
function previous(column: Float64Array): Float64Array {
  if (column.length > 0) {
    column.copyWithin(1, 0, column.length - 1);
    column[0] = Number.NaN;
  }
  return column;
}

/**
 * Donchian channel breakout (turtle style), long only: enters long when the close is strictly
 * above the highest high of the previous `entry` bars (the current bar excluded), exits when the
 * close is strictly below the lowest low of the previous `exit` bars. A short position opened by
 * someone else is exited by the mirror rule (close above the highest high of the previous `exit`
 * bars). Warm-up `max(entry, exit) + 1` bars. On close-only data high = low = close.
 */
export class DonchianBreakoutStrategy implements Strategy {
  readonly kind = 'signal';
  /** `max(entry, exit) + 1` bars: both channels of the previous bars exist. */
  readonly warmup: number;
  /** The parsed parameters, defaults applied. */
  readonly params: z.output<typeof DonchianBreakoutSchema>;

  constructor(
    config: DonchianBreakoutConfig = {},
    readonly id = 'donchian-breakout',
  ) {
    this.params = parseStrategyParams('donchian-breakout', DonchianBreakoutSchema, config);
    this.warmup = Math.max(this.params.entry, this.params.exit) + 1;
  }

  /**
   * Columns, each at bar i over bars before i: `upper` (highest high of the previous `entry`
   * bars), `lower` (lowest low of the previous `exit` bars) and `exitUpper` (highest high of the
   * previous `exit` bars, for shorts).
   */
  indicators(series: BarSeries): IndicatorColumns {
    return {
      upper: previous(rollingMax(series.high, this.params.entry)),
      lower: previous(rollingMin(series.low, this.params.exit)),
      exitUpper: previous(rollingMax(series.high, this.params.exit)),
    };
  }

  /** Long on a close above the upper channel. */
  shouldEnter(context: StrategyContext): EntrySignal | null {
    return context.close() > context.indicator('upper') ? ENTER_LONG : null;
  }

  /** A long exits on a close below the lower exit channel; a short above the upper one. */
  shouldExit(context: StrategyContext, position: Position): boolean {
    return position.side === 'long'
      ? context.close() < context.indicator('lower')
      : context.close() > context.indicator('exitUpper');
  }
}

/** Registry entry of {@link DonchianBreakoutStrategy}: what `ensemble strategies` lists and run configs name. */
export const donchianBreakoutDefinition = defineStrategy({
  name: 'donchian-breakout',
  kind: 'signal',
  description: 'Breakout: long when the close beats the highest high of the previous N bars, out below the lowest low of the previous M.',
  params: DonchianBreakoutSchema,
  create: (params, id) => new DonchianBreakoutStrategy(params, id),
});
