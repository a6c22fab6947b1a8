import type { BacktestResult } from '@ensemble/engine';
import { InvariantError } from '@ensemble/protocol';

/** First index of sorted `time` at or after `at` (`time.length` when none is). */
function firstAtOrAfter(time: ArrayLike<number>, at: number): number {
  let low = 0;
  let high = time.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((time[middle] ?? Number.POSITIVE_INFINITY) < at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * `result` (of a run over warm-up bars and then the measured ones, its strategy held until
 * `start`: see `holdUntil` of `@ensemble/research`) from `start` on, as a run that started there
 * would report it: its equity curve, bars, start time and rebalances from the first step at or
 * after `start`. Nothing traded before `start`, so the fills, trades, positions, costs and order
 * counts are the run's own, and the cash before the first measured step is the initial cash (a
 * fill before it is an invariant broken, thrown).
 */
export function measuredFrom(result: BacktestResult, start: number): BacktestResult {
  const curve = result.equity;
  const first = firstAtOrAfter(curve.time, start);
  const early = result.fills.find((fill) => fill.time < start);
  if (early !== undefined) throw new InvariantError(`a fill on ${new Date(early.time).toISOString()}, before the first measured bar: the warm-up traded`);
  return {
    ...result,
    bars: curve.time.length - first,
    startTime: curve.time[first] ?? null,
    equity: {
      time: curve.time.subarray(first),
      equity: curve.equity.subarray(first),
      cash: curve.cash.subarray(first),
      grossExposure: curve.grossExposure.subarray(first),
    },
    rebalances: result.rebalances.filter((time) => time >= start),
  };
}

