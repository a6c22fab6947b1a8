/**
 * Indices of a curve to keep for a chart of about `maxPoints` points. A curve that short is kept
 * whole; a longer one is cut into `⌊maxPoints / 2⌋ − 1` equal buckets of bars, and each bucket
 * keeps the bars of its lowest and highest value, in time order, plus the first and last bar of
 * the curve — so peaks, troughs and the drawdowns between them survive. Indices are increasing
 * and unique; at most `maxPoints` of them.
 */
export function downsampleIndices(values: ArrayLike<number>, maxPoints: number): number[] {
  const length = values.length;
  if (length <= maxPoints) return Array.from({ length }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxPoints / 2) - 1);
  const indices: number[] = [0];
  const inner = length - 2;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (to <= from) continue;
    let low = from;
    let high = from;
    for (let i = from + 1; i < to; i++) {
      const value = values[i] ?? Number.NaN;
      if (value < (values[low] ?? Number.NaN)) low = i;
      if (value > (values[high] ?? Number.NaN)) high = i;
    }
    if (low === high) indices.push(low);
    else indices.push(Math.min(low, high), Math.max(low, high));
  }
  indices.push(length - 1);
  return indices;
}

/** Simple returns `r_t = V_t / V_{t−1} − 1` for t ≥ 1, at index t (index 0 is NaN). */
export function simpleReturns(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length).fill(Number.NaN);
  for (let t = 1; t < equity.length; t++) {
    const previous = equity[t - 1] ?? Number.NaN;
    out[t] = previous > 0 ? (equity[t] ?? Number.NaN) / previous - 1 : Number.NaN;
  }
  return out;
}

/**
 * Rolling annualised Sharpe ratio over the last `window` returns, at each bar:
 * `mean(r − rf) / std(r − rf, ddof=1) · √P` with the per-period `rf = (1 + rfAnnual)^(1/P) − 1`
 * (the convention of performance's `sharpe`). NaN until `window` returns exist, where a return in
 * the window is undefined, or where the window has (numerically) zero dispersion.
 */
export function rollingSharpe(
  equity: ArrayLike<number>,
  window: number,
  periodsPerYear: number,
  riskFreeRate = 0,
): Float64Array {
  const length = equity.length;
  const out = new Float64Array(length).fill(Number.NaN);
  if (window < 2) return out;
  const returns = simpleReturns(equity);
  const rf = (1 + riskFreeRate) ** (1 / periodsPerYear) - 1;
  const scale = Math.sqrt(periodsPerYear);
  // Running sums over the window, recomputed from scratch every `window` bars to bound drift.
  // Their rounding error is a few ulps of the largest sum of squares they held since (`peak`): a
  // window whose dispersion is not well above that (returns at the level of rounding noise after
  // a large one left the window) is recomputed exactly, in two passes.
  let sum = 0;
  let squares = 0;
  let invalid = 0;
  let peak = 0;
  const add = (k: number, sign: 1 | -1) => {
    const x = (returns[k] ?? Number.NaN) - rf;
    if (Number.isFinite(x)) {
      sum += sign * x;
      squares += sign * x * x;
    } else {
      invalid += sign;
    }
  };
  for (let t = 1; t < length; t++) {
    if ((t - 1) % window === 0 && t > window) {
      sum = 0;
      squares = 0;
      invalid = 0;
      peak = 0;
      for (let k = t - window + 1; k < t; k++) add(k, 1);
    } else if (t > window) {
      add(t - window, -1);
    }
    add(t, 1);
    if (squares > peak) peak = squares;
    if (t < window || invalid > 0) continue;
    let mean = sum / window;
    let deviations = squares - sum * mean;
    let level = squares;
    if (!(deviations > 1e-6 * peak)) {
      mean = 0;
      for (let k = t - window + 1; k <= t; k++) mean += (returns[k] ?? Number.NaN) - rf;
      mean /= window;
      deviations = 0;
      level = 0;
      for (let k = t - window + 1; k <= t; k++) {
        const x = (returns[k] ?? Number.NaN) - rf;
        deviations += (x - mean) * (x - mean);
        level += x * x;
      }
    }
    const std = Math.sqrt(Math.max(deviations / (window - 1), 0));
    if (std > 1e-7 * Math.sqrt(level / window)) out[t] = (mean / std) * scale;
  }
  return out;
}

/**
 * A benchmark rebased to the portfolio: the benchmark points inside the portfolio's time range,
 * scaled so that the first of them equals the portfolio's starting equity. Empty when the series
 * do not overlap or the first benchmark value there is not positive.
 */
export function rebaseBenchmark(
  portfolioTime: ArrayLike<number>,
  startEquity: number,
  benchmarkTime: ArrayLike<number>,
  benchmarkValue: ArrayLike<number>,
): { time: number[]; value: number[] } {
  const first = portfolioTime[0];
  const last = portfolioTime[portfolioTime.length - 1];
  const time: number[] = [];
  const value: number[] = [];
  if (first === undefined || last === undefined) return { time, value };
  let base = Number.NaN;
  for (let i = 0; i < benchmarkTime.length; i++) {
    const t = benchmarkTime[i] ?? Number.NaN;
    if (t < first || t > last) continue;
    const v = benchmarkValue[i] ?? Number.NaN;
    if (Number.isNaN(base)) {
      if (!(v > 0)) return { time, value };
      base = v;
    }
    time.push(t);
    value.push((v / base) * startEquity);
  }
  return { time, value };
}
