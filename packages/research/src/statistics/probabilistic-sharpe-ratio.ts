import { IssueList, describe, isIntegerAtLeast } from './input-checks';
import { normalCdf } from './normal-distribution';
import { checkArguments, objectIssue } from '@ensemble/protocol';

/** A per-period Sharpe ratio estimate and the shape of the returns it came from. */
export interface SharpeEstimate {
  /** Per-period (not annualised) Sharpe ratio `SR̂`. */
  readonly sharpe: number;
  /** Number of returns `T` the estimate used. */
  readonly observations: number;
  /** Skewness `γ₃` of the returns (population moment; 0 for a normal distribution). */
  readonly skewness: number;
  /** Kurtosis `γ₄` of the returns, **not** excess (3 for a normal distribution; always ≥ 1 + γ₃²). */
  readonly kurtosis: number;
}

/** Kurtosis below `1 + skewness²` by more than this is impossible, not rounding. */
const PEARSON_SLACK = 1e-9;

/**
 * Records in `issues` every field of `estimate` that is not a possible value: a non-finite number,
 * fewer than 1 observation, or a kurtosis below Pearson's bound `1 + γ₃²` (the usual cause: an
 * excess kurtosis passed where the plain one belongs).
 */
export function checkSharpeEstimate(estimate: SharpeEstimate, issues: IssueList): void {
  const { sharpe, observations, skewness, kurtosis } = estimate;
  if (!Number.isFinite(sharpe)) issues.add('sharpe', `must be a finite per-period Sharpe ratio, got ${describe(sharpe)}`);
  if (!isIntegerAtLeast(observations, 1)) {
    issues.add('observations', `must be the number of returns, an integer of at least 1, got ${describe(observations)}`);
  }
  if (!Number.isFinite(skewness)) issues.add('skewness', `must be a finite number, got ${describe(skewness)}`);
  if (!Number.isFinite(kurtosis)) {
    issues.add('kurtosis', `must be a finite number, got ${describe(kurtosis)}`);
  } else if (Number.isFinite(skewness) && kurtosis < 1 + skewness * skewness - PEARSON_SLACK) {
    issues.add(
      'kurtosis',
      `must be the plain (non-excess) kurtosis, at least 1 + skewness² = ${1 + skewness * skewness}, got ${kurtosis}; add 3 to an excess kurtosis`,
    );
  }
}

/**
 * The probabilistic Sharpe ratio (Bailey & López de Prado, 2012): the probability that the true
 * Sharpe ratio exceeds `benchmarkSharpe` given the estimate,
 * `PSR(SR*) = Φ((SR̂ − SR*)·√(T − 1) / √(1 − γ₃·SR̂ + (γ₄ − 1)/4·SR̂²))`. Every Sharpe ratio is per
 * period (divide an annualised one by `√P`). Null when it cannot be computed: fewer than 2
 * observations, or a non-positive variance term (only a two-valued sample can reach it). Throws a
 * `ConfigError` listing impossible inputs (see {@link checkSharpeEstimate}).
 */
export function probabilisticSharpeRatio(estimate: SharpeEstimate, benchmarkSharpe = 0): number | null {
  checkArguments('probabilisticSharpeRatio', [objectIssue(estimate, 'estimate', 'an object with sharpe, observations, skewness and kurtosis (e.g. from returnMoments)')]);
  const issues = new IssueList('probabilistic Sharpe ratio');
  if (!Number.isFinite(benchmarkSharpe)) issues.add('benchmarkSharpe', `must be a finite per-period Sharpe ratio, got ${describe(benchmarkSharpe)}`);
  checkSharpeEstimate(estimate, issues);
  issues.throwIfAny();
  return psr(estimate, benchmarkSharpe);
}

/** {@link probabilisticSharpeRatio} on an already checked estimate. */
export function psr(estimate: SharpeEstimate, benchmarkSharpe: number): number | null {
  const { sharpe, observations, skewness, kurtosis } = estimate;
  if (observations < 2) return null;
  const variance = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(variance > 0)) return null;
  return normalCdf(((sharpe - benchmarkSharpe) * Math.sqrt(observations - 1)) / Math.sqrt(variance));
}
