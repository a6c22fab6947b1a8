import type { Sleeve } from './sleeves';

/**
 * When a sleeve can trade: from the first bar of any of its symbols to the last bar of all of
 * them. A sleeve not started yet or finished takes part in no allocation (see
 * `run/allocation-inputs.ts`), and the steps where one starts or finishes rebalance.
 */

/**
 * The time of the first bar of any of `sleeve`'s symbols (epoch ms; +∞ when none has a bar): from
 * then on its strategy can trade.
 */
export function sleeveStart(sleeve: Sleeve): number {
  let first = Number.POSITIVE_INFINITY;
  for (const bars of sleeve.runner.series) if (bars.length > 0) first = Math.min(first, bars.time[0] ?? Number.POSITIVE_INFINITY);
  return first;
}

/**
 * The time of the last bar of all of `sleeve`'s symbols (epoch ms; −∞ when none has a bar): after
 * it its strategy can trade no more.
 */
export function sleeveEnd(sleeve: Sleeve): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const bars of sleeve.runner.series) if (bars.length > 0) last = Math.max(last, bars.time[bars.length - 1] ?? Number.NEGATIVE_INFINITY);
  return last;
}

/**
 * Whether `sleeve` can never trade again at `time`: every one of its symbols had its last bar
 * before, and it holds no position (see `AllocationInputs`).
 */
export function endedFlat(sleeve: Sleeve, time: number): boolean {
  const { series, account } = sleeve.runner;
  if (series.length === 0) return false;
  for (let k = 0; k < series.length; k++) {
    const bars = series[k];
    if (bars === undefined || (account.quantity[k] ?? 0) !== 0 || !((bars.time[bars.length - 1] ?? Number.POSITIVE_INFINITY) < time)) return false;
  }
  return true;
}

/**
 * Per step of `time`: 1 at the steps after the first where an active sleeve whose symbols had no
 * bar before has its first bar (it is funded there, `sleeve-started`), else 0.
 */
export function startSteps(sleeves: readonly Sleeve[], time: Float64Array): Uint8Array {
  const steps = new Uint8Array(time.length);
  for (const sleeve of sleeves) {
    const start = sleeveStart(sleeve);
    if (!sleeve.active || !(start > (time[0] ?? Number.NaN))) continue;
    const step = time.indexOf(start);
    if (step > 0) steps[step] = 1;
  }
  return steps;
}

/**
 * Per step of `time`: 1 at the step after the last bar of every symbol of some active sleeve, else
 * 0. If that sleeve then holds no position it has finished, and the step rebalances
 * (`sleeve-finished`).
 */
export function finishSteps(sleeves: readonly Sleeve[], time: Float64Array): Uint8Array {
  const steps = new Uint8Array(time.length);
  for (const sleeve of sleeves) {
    const end = sleeveEnd(sleeve);
    if (!sleeve.active || !Number.isFinite(end)) continue;
    const step = time.indexOf(end) + 1;
    if (step > 0 && step < time.length) steps[step] = 1;
  }
  return steps;
}
