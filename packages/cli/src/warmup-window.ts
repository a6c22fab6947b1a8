import type { BacktestResult } from '@ensemble/engine';
import { InvariantError } from '@ensemble/protocol';

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
  // The first step at or after `start` (the curve's end when none is).
  let first = curve.time.findIndex((time) => time >= start);
  if (first < 0) first = curve.time.length;
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

