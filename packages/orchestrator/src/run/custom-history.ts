import type { Logger } from '@ensemble/protocol';
import { RunError, formatValue, isoTime } from '@ensemble/protocol';
import type { RunConfig } from '../config';
import { sleeveReturns } from '../internal/analytics';
import type { RebalanceEvent } from '../result';
import type { Sleeve } from './sleeves';

/**
 * A `custom` allocation function is given the sleeves' recorded returns themselves (views, no
 * copy: a copy per rebalance of every sleeve's whole history would make a long run quadratic),
 * and those records are what the result reports — the sleeves' returns, metrics and the
 * correlation matrix. So after the run every kept return is worked out again from the sleeve's
 * equity and transfers, which the function cannot reach: one that differs was written by the
 * function, and the run fails naming the sleeve and the bar rather than report returns the
 * sleeve never made (and weights decided on them).
 */
export function verifyCustomHistory(time: Float64Array, sleeves: readonly Sleeve[]): void {
  for (const sleeve of sleeves) {
    const kept = sleeve.returns;
    if (kept === null) continue;
    const actual = sleeveReturns(sleeve);
    const steps = Math.min(kept.length, actual.length);
    for (let t = 0; t < steps; t++) {
      const now = kept[t] ?? Number.NaN;
      const was = actual[t] ?? Number.NaN;
      if (now === was || (Number.isNaN(now) && Number.isNaN(was))) continue;
      const at = time[t] ?? Number.NaN;
      throw new RunError(
        `The custom allocation function changed the return history it was given: sleeve "${sleeve.entry.id}"'s return at ${isoTime(at)} was ${formatValue(was)} and is now ${formatValue(now)}. ` +
          'Its columns are the run\'s own records of the sleeves\' returns and must not be written: copy a column first (Float64Array.from(column)) to change it',
        { what: 'custom allocation', strategyId: sleeve.entry.id, time: at },
      );
    }
  }
}

/**
 * Warns when a `custom` allocation function was asked at no rebalance: every one fell in the
 * scheme's warm-up (fewer than `minHistory` returns, the lookback by default, 63), so its weights
 * were never used, which nothing else would say.
 */
export function warnIfCustomNeverCalled(scheme: string, events: readonly RebalanceEvent[], allocation: RunConfig['allocation'], bars: number, logger: Logger): void {
  if (scheme !== 'custom' || events.length === 0 || !events.every((event) => event.warmup)) return;
  logger.warn(
    { event: 'custom-allocation-never-called', rebalances: events.length, lookback: allocation.lookback, minHistory: allocation.minHistory ?? allocation.lookback, bars },
    `the custom allocation function was never called: each of the ${String(events.length)} rebalances fell in the warm-up (fewer than minHistory returns), so the warm-up weights applied throughout; lower allocation.minHistory (or lookback) to call it sooner`,
  );
}
