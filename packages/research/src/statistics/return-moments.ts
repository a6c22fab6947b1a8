import { centralSums } from '@ensemble/performance';
import { checkFinite } from './input-checks';
import { sharpeFromSums } from './sharpe-ratio';
import { checkArguments } from '@ensemble/protocol';
import { returnsIssue } from './input-checks';

/** What the deflated Sharpe ratio needs to know about one return series. Null: cannot be computed. */
export interface ReturnMoments {
  /** Number of returns `T`. */
  readonly observations: number;
  /** Arithmetic mean return per period; null without returns. */
  readonly mean: number | null;
  /** Sample standard deviation (ddof = 1); null with fewer than 2 returns or below 1e−13 (noise). */
  readonly std: number | null;
  /** Per-period (not annualised) Sharpe ratio `mean / std`; null when `std` is. */
  readonly sharpe: number | null;
  /** Population skewness `γ₃ = m₃ / m₂^{3/2}` (central moments divided by T); null when `std` is. */
  readonly skewness: number | null;
  /** Population kurtosis `γ₄ = m₄ / m₂²`, **not** excess (3 for a normal distribution); null when `std` is. */
  readonly kurtosis: number | null;
}

/**
 * Mean, standard deviation, per-period Sharpe ratio, skewness and kurtosis of per-period
 * `returns` (`centralSums` of `@ensemble/performance`: two passes around the compensated mean). The skewness and kurtosis are the plain (biased)
 * sample moments the probabilistic Sharpe ratio is derived with — unlike `@ensemble/performance`'s
 * bias-corrected `skew` and excess `kurtosis` metrics. Throws a `DataValidationError` naming the
 * first non-finite return.
 */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  checkArguments('returnMoments', [returnsIssue(returns, 'returns')]);
  checkFinite('returns', returns);
  const n = returns.length;
  if (n === 0) return { observations: 0, mean: null, std: null, sharpe: null, skewness: null, kurtosis: null };
  const { mean, s2, s3, s4 } = centralSums(returns);
  const sharpe = sharpeFromSums(n, mean, s2);
  if (Number.isNaN(sharpe)) return { observations: n, mean, std: null, sharpe: null, skewness: null, kurtosis: null };
  const m2 = s2 / n;
  return {
    observations: n,
    mean,
    std: Math.sqrt(s2 / (n - 1)),
    sharpe,
    skewness: s3 / n / Math.pow(m2, 1.5),
    kurtosis: s4 / n / (m2 * m2),
  };
}

/**
 * The per-period (not annualised) Sharpe ratio `mean / std` of `returns`, sample std (ddof = 1);
 * null with fewer than 2 returns or a std below 1e−13. Multiply by `√P` for `@ensemble/performance`'s
 * annualised `sharpe` (with a zero risk-free rate); pass excess returns for another risk-free rate.
 */
export function perPeriodSharpe(returns: ArrayLike<number>): number | null {
  checkArguments('perPeriodSharpe', [returnsIssue(returns, 'returns')]);
  return returnMoments(returns).sharpe;
}
