import { checkArguments } from '@ensemble/protocol';
import { columnIssue } from './arguments';
/** Sum with Neumaier's compensation: exact to about one rounding for any n. */
export function compensatedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let correction = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i] ?? 0;
    const t = sum + v;
    correction += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + correction;
}

/** Arithmetic mean (compensated sum / n); NaN for an empty input. */
export function mean(values: ArrayLike<number>): number {
  return values.length === 0 ? Number.NaN : compensatedSum(values) / values.length;
}

/** Central sums of a sample, from a two-pass computation around the (compensated) mean. */
export interface CentralSums {
  readonly n: number;
  readonly mean: number;
  /** Σ (x − mean)² */
  readonly s2: number;
  /** Σ (x − mean)³ */
  readonly s3: number;
  /** Σ (x − mean)⁴ */
  readonly s4: number;
}

/** Two-pass central sums of `values` (mean first, then the powers of the deviations). */
export function centralSums(values: ArrayLike<number>): CentralSums {
  checkArguments('centralSums', [columnIssue(values, 'values', 'numbers')]);
  const n = values.length;
  const m = mean(values);
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] ?? 0) - m;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return { n, mean: m, s2, s3, s4 };
}

/** Sample standard deviation (ddof = 1) from central sums; NaN when n < 2. */
export function sampleStd(sums: CentralSums): number {
  return sums.n < 2 ? Number.NaN : Math.sqrt(sums.s2 / (sums.n - 1));
}

/** Σ (x − mean_x)(y − mean_y) over two equally long samples with known means. */
export function crossDeviationSum(x: ArrayLike<number>, y: ArrayLike<number>, meanX: number, meanY: number): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += ((x[i] ?? 0) - meanX) * ((y[i] ?? 0) - meanY);
  return sum;
}
