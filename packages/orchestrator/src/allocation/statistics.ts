import { ConfigError } from '@ensemble/protocol';
import { VOLATILITY_NOISE } from './internal/moments';
import { toReturnHistory, trailingWindow } from './return-history';
import type { ReturnHistory, ReturnHistoryInput } from './return-history';

/** Which bars the diagnostics read. */
export interface StatisticsOptions {
  /** Use only the last `lookback` valid bars. Default: every valid bar. */
  readonly lookback?: number;
}

/** A symmetric matrix of statistics between sleeves; `null` where a value cannot be computed. */
export type SleeveMatrix = (number | null)[][];

function resolveWindow(history: ReturnHistory, options: StatisticsOptions | undefined): { start: number; end: number } {
  const lookback = options?.lookback;
  if (lookback === undefined) return { start: 0, end: history.length };
  if (!Number.isInteger(lookback) || lookback < 1) {
    throw new ConfigError([{ path: 'lookback', message: `must be a positive integer, got ${lookback}` }], {
      source: 'sleeve statistics',
    });
  }
  return trailingWindow(history, lookback);
}

interface PairMoments {
  count: number;
  covariance: number;
  stdX: number;
  stdY: number;
}

/** Sample moments (ddof 1, two-pass) of `x` and `y` over the bars of `[start, end)` where both are finite. */
function pairMoments(x: ArrayLike<number>, y: ArrayLike<number>, start: number, end: number): PairMoments {
  let count = 0;
  let sumX = 0;
  let sumY = 0;
  for (let t = start; t < end; t++) {
    const a = x[t] ?? Number.NaN;
    const b = y[t] ?? Number.NaN;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      count++;
      sumX += a;
      sumY += b;
    }
  }
  if (count < 2) return { count, covariance: Number.NaN, stdX: Number.NaN, stdY: Number.NaN };
  const meanX = sumX / count;
  const meanY = sumY / count;
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let t = start; t < end; t++) {
    const a = x[t] ?? Number.NaN;
    const b = y[t] ?? Number.NaN;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      xy += (a - meanX) * (b - meanY);
      xx += (a - meanX) * (a - meanX);
      yy += (b - meanY) * (b - meanY);
    }
  }
  return {
    count,
    covariance: xy / (count - 1),
    stdX: Math.sqrt(xx / (count - 1)),
    stdY: Math.sqrt(yy / (count - 1)),
  };
}

/**
 * Per-bar sample volatility (standard deviation, ddof 1) of each sleeve's finite returns in the
 * window; `null` with fewer than two finite returns. Not annualised: multiply by √P for that.
 */
export function sampleVolatilities(input: ReturnHistoryInput, options?: StatisticsOptions): (number | null)[] {
  const history = toReturnHistory(input);
  const { start, end } = resolveWindow(history, options);
  return history.returns.map((column) => {
    const moments = pairMoments(column, column, start, end);
    return moments.count < 2 ? null : moments.stdX;
  });
}

/** The symmetric matrix of `value(moments of sleeves i and j over the window, i, j)` for i ≤ j. */
function pairMatrix(
  input: ReturnHistoryInput,
  options: StatisticsOptions | undefined,
  value: (moments: PairMoments, i: number, j: number) => number | null,
): SleeveMatrix {
  const history = toReturnHistory(input);
  const { start, end } = resolveWindow(history, options);
  const n = history.returns.length;
  const matrix: SleeveMatrix = Array.from({ length: n }, () => new Array<number | null>(n).fill(null));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const entry = value(pairMoments(history.returns[i] ?? [], history.returns[j] ?? [], start, end), i, j);
      (matrix[i] ?? [])[j] = entry;
      (matrix[j] ?? [])[i] = entry;
    }
  }
  return matrix;
}

/**
 * Sample covariance matrix (ddof 1) of per-bar sleeve returns, each pair over the bars of the
 * window where both returns are finite (pairwise deletion); `null` for a pair with fewer than two
 * such bars. With missing values the matrix need not be positive semi-definite.
 */
export function sampleCovariance(input: ReturnHistoryInput, options?: StatisticsOptions): SleeveMatrix {
  return pairMatrix(input, options, (moments) => (moments.count < 2 ? null : moments.covariance));
}

/**
 * Pearson correlation matrix of per-bar sleeve returns, each pair over the bars of the window
 * where both are finite. `null` where a pair has fewer than two common bars or either sleeve's
 * standard deviation over them is below 1e-13 (a sleeve sitting in cash has no correlation); the
 * diagonal is 1 wherever the sleeve's own volatility is defined. Values are clamped to [−1, 1].
 */
export function correlationMatrix(input: ReturnHistoryInput, options?: StatisticsOptions): SleeveMatrix {
  return pairMatrix(input, options, (moments, i, j) =>
    moments.count >= 2 && moments.stdX > VOLATILITY_NOISE && moments.stdY > VOLATILITY_NOISE
      ? i === j
        ? 1
        : Math.max(-1, Math.min(1, moments.covariance / (moments.stdX * moments.stdY)))
      : null,
  );
}

/**
 * Diversification ratio `Σ wᵢσᵢ / √(wᵀΣw)` (Choueifaty): 1 for a single sleeve or perfectly
 * correlated ones, above 1 when sleeves diversify each other. `volatilities` and `covariance` must
 * be in the same units (e.g. both per bar). Sleeves with weight 0 are ignored, so their entries
 * may be `null`; returns `null` when a needed entry is missing or not finite, a weight is below 0
 * (a sleeve in debt), or the portfolio variance is not positive.
 */
export function diversificationRatio(
  weights: ArrayLike<number>,
  volatilities: ArrayLike<number | null>,
  covariance: readonly ArrayLike<number | null>[],
): number | null {
  const n = weights.length;
  if (volatilities.length !== n || covariance.length !== n || covariance.some((row) => row.length !== n)) {
    throw new ConfigError(
      [
        {
          path: 'covariance',
          message: `weights have ${n} entries, volatilities ${volatilities.length} and the covariance is ${covariance.length}×${covariance[0]?.length ?? 0}; pass one entry per sleeve and an n×n matrix`,
        },
      ],
      { source: 'diversificationRatio' },
    );
  }
  let weighted = 0;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights[i] ?? Number.NaN;
    // A negative share is a sleeve in debt, not an allocation: the ratio has no meaning then (it read −1).
    if (!Number.isFinite(wi) || wi < 0) return null;
    if (wi === 0) continue;
    const sigma = volatilities[i] ?? null;
    if (sigma === null || !Number.isFinite(sigma)) return null;
    weighted += wi * sigma;
    const row = covariance[i] ?? [];
    for (let j = 0; j < n; j++) {
      const wj = weights[j] ?? 0;
      if (wj === 0) continue;
      const value = row[j] ?? null;
      if (value === null || !Number.isFinite(value)) return null;
      variance += wi * value * wj;
    }
  }
  if (!(variance > 0)) return null;
  return weighted / Math.sqrt(variance);
}
