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

function mergeUnique(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++] ?? 0;
  while (j < b.length) out[n++] = b[j++] ?? 0;
  return out.subarray(0, n);
}

function sameTimes(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Merges the timestamps of `series` into one timeline: the union of their times, sorted, with each
 * symbol's bar index per step (-1 when it has no bar). The already-sorted time columns are merged
 * pairwise (O(N log S) for N bars over S series), in O(N) when every series has the same times.
 * Each series must have strictly increasing times (as the data loaders guarantee); symbols must be
 * unique (a `RangeError` otherwise). The result owns its memory.
 */
export function createTimeline(series: readonly BarSeries[]): Timeline {
  const symbols = series.map((s) => s.symbol);
  const seen = new Set<string>();
  for (const symbol of symbols) {
    if (seen.has(symbol)) throw new RangeError(`symbol "${symbol}" appears twice in the timeline`);
    seen.add(symbol);
  }
  const first = series[0]?.time ?? new Float64Array(0);
  if (series.every((s) => sameTimes(s.time, first))) {
    const identity = new Int32Array(first.length);
    for (let i = 0; i < identity.length; i++) identity[i] = i;
    return { length: first.length, time: first.slice(), symbols, barIndex: series.map(() => identity.slice()) };
  }
  let columns: Float64Array[] = series.map((s) => s.time);
  while (columns.length > 1) {
    const next: Float64Array[] = [];
    for (let k = 0; k < columns.length; k += 2) {
      const a = columns[k] ?? new Float64Array(0);
      const b = columns[k + 1];
      next.push(b === undefined ? a : mergeUnique(a, b));
    }
    columns = next;
  }
  const time = (columns[0] ?? new Float64Array(0)).slice();
  const barIndex = series.map((s) => {
    const map = new Int32Array(time.length).fill(-1);
    let j = 0;
    for (let t = 0; t < time.length && j < s.length; t++) {
      if (s.time[j] === time[t]) map[t] = j++;
    }
    return map;
  });
  return { length: time.length, time, symbols, barIndex };
}
