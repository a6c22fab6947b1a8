import { checkTrialSharpeSpread, falseStrategyMaximum } from './expected-max-sharpe';
import { IssueList, checkFinite, describe } from './input-checks';
import { psr } from './probabilistic-sharpe-ratio';
import { returnMoments } from './return-moments';
import { checkArguments, objectIssue } from '@ensemble/protocol';
import { returnsIssue } from './input-checks';

/**
 * The selected strategy's per-period returns, and the trials it was selected from: either every
 * trial's per-period Sharpe ratio (the selected one included), or their number and the variance
 * of their Sharpe ratios.
 */
export type DeflatedSharpeInput =
  | {
      /** Per-period returns of the selected strategy (excess returns for a non-zero risk-free rate). */
      readonly returns: ArrayLike<number>;
      /** Per-period (not annualised) Sharpe ratio of every trial, the selected one included. */
      readonly trialSharpes: ArrayLike<number>;
    }
  | {
      readonly returns: ArrayLike<number>;
      /** Number of independent trials `N`. */
      readonly trials: number;
      /** Variance of the trials' per-period Sharpe ratios. */
      readonly sharpeVariance: number;
    };

/** The deflated Sharpe ratio and what went into it. Null: cannot be computed (see each field). */
export interface DeflatedSharpeResult {
  /** `PSR(SR₀)`: probability that the true Sharpe ratio exceeds the best of `trials` skill-less trials. */
  readonly dsr: number | null;
  /** `PSR(0)`: probability that the true Sharpe ratio is positive, with no correction for selection. */
  readonly psr: number | null;
  /** `SR₀`, the expected maximum per-period Sharpe ratio of `trials` trials with no skill. */
  readonly expectedMaxSharpe: number;
  /** Per-period Sharpe ratio of `returns` (sample std); null with fewer than 2 returns or flat returns. */
  readonly sharpe: number | null;
  /** Population skewness `γ₃` of `returns`; null when `sharpe` is. */
  readonly skewness: number | null;
  /** Population kurtosis `γ₄` of `returns`, not excess; null when `sharpe` is. */
  readonly kurtosis: number | null;
  /** Number of returns `T`. */
  readonly observations: number;
  /** Number of trials `N`. */
  readonly trials: number;
  /** `V[SR̂ₙ]`: as given, or the sample variance (ddof = 1) of `trialSharpes`; null from one trial Sharpe. */
  readonly sharpeVariance: number | null;
}

function trialSpread(input: DeflatedSharpeInput, issues: IssueList): { trials: number; sharpeVariance: number | null } {
  if ('trialSharpes' in input) {
    if ('trials' in input || 'sharpeVariance' in input) {
      issues.add('trialSharpes', 'give either trialSharpes or trials with sharpeVariance, not both');
    }
    const sharpes = input.trialSharpes;
    if (sharpes.length === 0) issues.add('trialSharpes', 'must hold the Sharpe ratio of at least one trial (the selected one)');
    issues.throwIfAny();
    checkFinite('trialSharpes', sharpes);
    const n = sharpes.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += sharpes[i] ?? 0;
    const mean = total / n;
    let s2 = 0;
    for (let i = 0; i < n; i++) s2 += ((sharpes[i] ?? 0) - mean) ** 2;
    return { trials: n, sharpeVariance: n < 2 ? null : s2 / (n - 1) };
  }
  if (!('trials' in input) || !('sharpeVariance' in input)) {
    issues.add('trialSharpes', `give trialSharpes, or trials with sharpeVariance; got ${describe(Object.keys(input))}`);
    issues.throwIfAny();
  }
  checkTrialSharpeSpread(input, issues);
  issues.throwIfAny();
  return { trials: input.trials, sharpeVariance: input.sharpeVariance };
}

/**
 * The deflated Sharpe ratio (Bailey & López de Prado, 2014): the probabilistic Sharpe ratio of the
 * selected strategy's returns against `SR₀`, the Sharpe ratio the best of `N` trials reaches by
 * luck alone — `DSR = PSR(SR₀)`, with the per-period Sharpe ratio, skewness and (non-excess)
 * kurtosis of `returns`. A DSR of 0.95 or more is the paper's bar for a discovery at 95%
 * confidence. Throws a `DataValidationError` naming a non-finite return or trial Sharpe, and a
 * `ConfigError` for a bad `trials` / `sharpeVariance`.
 */
export function deflatedSharpeRatio(input: DeflatedSharpeInput): DeflatedSharpeResult {
  checkArguments('deflatedSharpeRatio', [
    objectIssue(input, 'input', 'an object with returns and either trialSharpes or trials with sharpeVariance') ??
      returnsIssue(input.returns, 'returns') ??
      ('trialSharpes' in input ? returnsIssue(input.trialSharpes, 'trialSharpes') : null),
  ]);
  const issues = new IssueList('deflated Sharpe ratio');
  const { trials, sharpeVariance } = trialSpread(input, issues);
  const moments = returnMoments(input.returns);
  const expected = sharpeVariance === null ? 0 : falseStrategyMaximum({ trials, sharpeVariance });
  const { sharpe, skewness, kurtosis, observations } = moments;
  const estimate = sharpe === null || skewness === null || kurtosis === null ? null : { sharpe, skewness, kurtosis, observations };
  return {
    dsr: estimate === null ? null : psr(estimate, expected),
    psr: estimate === null ? null : psr(estimate, 0),
    expectedMaxSharpe: expected,
    sharpe,
    skewness,
    kurtosis,
    observations,
    trials,
    sharpeVariance,
  };
}
