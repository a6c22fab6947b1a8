import type { BarSeries } from './bars';

/**
 * The union of several series' timestamps, sorted, with each symbol's bar index at every step.
 * `barIndex[s][t]` is the index of symbol `s`'s bar at `time[t]`, or -1 when it has no bar then
 * (not tradable at that step).
 */
export interface Timeline {
  readonly length: number;
  readonly time: Float64Array;
  readonly symbols: readonly string[];
  readonly barIndex: readonly Int32Array[];
}

/**
 * Merges the timestamps of `series` into one timeline. Each series must already be sorted with
 * unique times (as the data loaders guarantee). Symbols must be unique.
 */
export function createTimeline(series: readonly BarSeries[]): Timeline {
  const symbols = series.map((s) => s.symbol);
  const seen = new Set<string>();
  for (const symbol of symbols) {
    if (seen.has(symbol)) throw new RangeError(`symbol "${symbol}" appears twice in the timeline`);
    seen.add(symbol);
  }
  let total = 0;
  for (const s of series) total += s.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const s of series) {
    all.set(s.time, k);
    k += s.length;
  }
  all.sort();
  let unique = 0;
  for (let i = 0; i < all.length; i++) {
    if (i === 0 || all[i] !== all[i - 1]) all[unique++] = all[i] ?? 0;
  }
  const time = all.slice(0, unique);
  const barIndex = series.map((s) => {
    const map = new Int32Array(unique).fill(-1);
    let j = 0;
    for (let t = 0; t < unique && j < s.length; t++) {
      if (s.time[j] === time[t]) map[t] = j++;
    }
    return map;
  });
  return { length: unique, time, symbols, barIndex };
}
