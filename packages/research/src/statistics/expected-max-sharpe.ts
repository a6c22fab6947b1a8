import { IssueList, describe, isIntegerAtLeast } from './input-checks';
import { normalQuantile } from './normal-distribution';
import { checkArguments, objectIssue } from '@ensemble/protocol';

/** The Euler–Mascheroni constant γ. */
export const EULER_MASCHERONI = 0.5772156649015329;

/** The number of trials and the spread of their Sharpe ratios. */
export interface TrialSharpeSpread {
  /** Number of independent trials `N` (backtests, parameter sets, strategies) the best one was chosen from. */
  readonly trials: number;
  /** Variance `V[SR̂ₙ]` of the trials' per-period Sharpe ratios. */
  readonly sharpeVariance: number;
}

/**
 * The expected maximum of `N` per-period Sharpe ratio estimates whose true Sharpe ratio is zero
 * (the "false strategy" theorem of Bailey & López de Prado, 2014):
 * `SR₀ = √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)))`, γ the Euler–Mascheroni constant.
 * One trial has no selection to correct for: 0 (the formula itself diverges there). An
 * approximation of `√V · E[max of N standard normals]`, about 2% high at N = 10 and 0.4% at
 * N = 1000. Throws a `ConfigError` unless `trials` is an integer ≥ 1 and `sharpeVariance` a
 * finite number ≥ 0.
 */
export function expectedMaxSharpe(spread: TrialSharpeSpread): number {
  checkArguments('expectedMaxSharpe', [objectIssue(spread, 'spread', 'an object with trials and sharpeVariance')]);
  const issues = new IssueList('expected maximum Sharpe ratio');
  checkTrialSharpeSpread(spread, issues);
  issues.throwIfAny();
  return falseStrategyMaximum(spread);
}

/** Records the problems of `spread` in `issues`. */
export function checkTrialSharpeSpread(spread: TrialSharpeSpread, issues: IssueList): void {
  if (!isIntegerAtLeast(spread.trials, 1)) {
    issues.add('trials', `must be the number of trials, an integer of at least 1, got ${describe(spread.trials)}`);
  }
  if (!(Number.isFinite(spread.sharpeVariance) && spread.sharpeVariance >= 0)) {
    issues.add('sharpeVariance', `must be a finite variance of per-period Sharpe ratios, at least 0, got ${describe(spread.sharpeVariance)}`);
  }
}

/** {@link expectedMaxSharpe} on checked input; `Φ⁻¹(1 − q)` is taken as `−Φ⁻¹(q)` to keep q's precision. */
export function falseStrategyMaximum({ trials, sharpeVariance }: TrialSharpeSpread): number {
  if (trials === 1) return 0;
  const z =
    -(1 - EULER_MASCHERONI) * normalQuantile(1 / trials) - EULER_MASCHERONI * normalQuantile(1 / (trials * Math.E));
  return Math.sqrt(sharpeVariance) * z;
}
