/**
 * Rearranges `values[lo..hi]` so that `values[k]` holds the value it would have if the range were
 * sorted ascending, everything before it is ≤ it and everything after it is ≥ it (Hoare
 * partitioning with a median-of-three pivot; falls back to a sort if partitioning degenerates).
 * Linear time on average, no allocation.
 */
export function selectInPlace(values: Float64Array, k: number, lo = 0, hi = values.length - 1): void {
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi > lo) {
    if (budget-- <= 0) {
      values.subarray(lo, hi + 1).sort();
      return;
    }
    const mid = lo + ((hi - lo) >> 1);
    const a = values[lo] ?? 0;
    const b = values[mid] ?? 0;
    const c = values[hi] ?? 0;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] ?? 0) < pivot) i++;
      while ((values[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const swap = values[i] ?? 0;
        values[i] = values[j] ?? 0;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** The smallest value of `values[lo..hi]`. */
export function minOfRange(values: Float64Array, lo: number, hi: number): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = lo; i <= hi; i++) {
    const v = values[i] ?? 0;
    if (v < min) min = v;
  }
  return min;
}

/**
 * The value at fractional order-statistic `position` (0-based, in [0, n − 1]) of `values`, with
 * linear interpolation between the two neighbouring order statistics (numpy's default
 * `percentile`, R type 7, at position `(n − 1)·p`). Reorders `values` so that the
 * `floor(position) + 1` smallest come first; `values` must not be empty.
 */
export function orderStatisticInPlace(values: Float64Array, position: number): number {
  const n = values.length;
  const lower = Math.floor(position);
  selectInPlace(values, lower);
  const low = values[lower] ?? 0;
  const fraction = position - lower;
  if (fraction === 0 || lower + 1 >= n) return low;
  const high = minOfRange(values, lower + 1, n - 1);
  return low + fraction * (high - low);
}

/**
 * `(n − 1)·p`, snapped to the nearest integer when within 1e-9 of it, so that `1 − 0.8`
 * (0.19999999999999996) selects the same order statistics as 0.2.
 */
export function quantilePosition(n: number, p: number): number {
  const position = (n - 1) * p;
  const nearest = Math.round(position);
  return Math.abs(position - nearest) <= 1e-9 * Math.max(1, nearest) ? nearest : position;
}
