import { RunError } from '@ensemble/protocol';

function isoTime(time: number): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? `time ${time}` : date.toISOString().slice(0, 10);
}

/**
 * Checks the columns a run recorded (equity, cash, gross exposure, …; one value per bar of `time`)
 * once, after the run, and throws a protocol `RunError` at the first value that is not finite,
 * naming `owner` (e.g. `strategy "trend"`, `the portfolio`), the column, the bar and the likely
 * cause. Values that large come from cash or quantities grown past the documented limits — prices
 * above 1e12, cash above 1e13, quantities above 2^53 − 1 — by prices far apart (each within
 * them), or from series built without `@ensemble/data`, which rejects prices out of range.
 */
export function checkFiniteRun(
  owner: { readonly label: string; readonly strategyId?: string },
  time: ArrayLike<number>,
  columns: Readonly<Record<string, ArrayLike<number>>>,
): void {
  let first = time.length;
  let what = '';
  for (const [name, values] of Object.entries(columns)) {
    for (let t = 0; t < first; t++) {
      if (Number.isFinite(values[t] ?? 0)) continue;
      first = t;
      what = name;
      break;
    }
  }
  if (first === time.length) return;
  const value = columns[what]?.[first];
  const at = time[first] ?? Number.NaN;
  throw new RunError(
    `The ${what} of ${owner.label} is ${String(value)} at ${isoTime(at)} (bar ${first + 1}): the simulation overflowed. ` +
      'Cash or quantities grew beyond what Ensemble counts (prices ≤ 1e12 per unit, cash ≤ 1e13, quantities ≤ 2^53 − 1): ' +
      'prices within those limits but far apart (a unit bought at 1e-12 and sold at 1e12) multiply the cash past them in a few trades, ' +
      'and series built without @ensemble/data, which refuses prices out of range, can hold larger ones. ' +
      'Check the prices at and before that bar, the cash and the sizing (whole units cap the quantity a cheap price buys).',
    { what, time: at, ...(owner.strategyId === undefined ? {} : { strategyId: owner.strategyId }) },
  );
}
