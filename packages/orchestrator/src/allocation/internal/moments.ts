/**
 * A per-bar standard deviation below this counts as zero: sample moments of constant returns
 * carry rounding errors of about 1e-17, and 1e-13 per bar is far below any real sleeve's risk.
 * Same threshold as `RETURN_STD_NOISE` of `@ensemble/performance`.
 */
export const VOLATILITY_NOISE = 1e-13;

/** True when every entry of `column` in `[start, end)` is finite. */
export function allFinite(column: ArrayLike<number>, start: number, end: number): boolean {
  for (let t = start; t < end; t++) if (!Number.isFinite(column[t] ?? Number.NaN)) return false;
  return true;
}

/** Mean of `column[start, end)` (assumed finite). NaN for an empty range. */
export function mean(column: ArrayLike<number>, start: number, end: number): number {
  let sum = 0;
  for (let t = start; t < end; t++) sum += column[t] ?? 0;
  return sum / (end - start);
}

/** Sample standard deviation (ddof 1, two-pass) of `column[start, end)`; NaN with fewer than 2 values. */
export function sampleStd(column: ArrayLike<number>, start: number, end: number, average: number): number {
  const count = end - start;
  if (count < 2) return Number.NaN;
  let squares = 0;
  for (let t = start; t < end; t++) {
    const deviation = (column[t] ?? 0) - average;
    squares += deviation * deviation;
  }
  return Math.sqrt(squares / (count - 1));
}

/**
 * Sample covariance matrix (ddof 1, two-pass) of the columns `indices` over `[start, end)`, all
 * entries assumed finite; row-major `k × k` in a `Float64Array`.
 */
export function windowCovariance(
  returns: readonly ArrayLike<number>[],
  indices: readonly number[],
  start: number,
  end: number,
): Float64Array {
  const k = indices.length;
  const count = end - start;
  const means = new Float64Array(k);
  indices.forEach((sleeve, a) => {
    means[a] = mean(returns[sleeve] ?? [], start, end);
  });
  const covariance = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    const x = returns[indices[a] ?? 0] ?? [];
    const meanX = means[a] ?? 0;
    for (let b = a; b < k; b++) {
      const y = returns[indices[b] ?? 0] ?? [];
      const meanY = means[b] ?? 0;
      let sum = 0;
      for (let t = start; t < end; t++) sum += ((x[t] ?? 0) - meanX) * ((y[t] ?? 0) - meanY);
      const value = sum / (count - 1);
      covariance[a * k + b] = value;
      covariance[b * k + a] = value;
    }
  }
  return covariance;
}
