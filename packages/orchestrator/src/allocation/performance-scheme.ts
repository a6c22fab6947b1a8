import type { ConfigIssue } from '@ensemble/protocol';
import { allFinite, mean } from './internal/moments';
import type { ReturnHistoryInput } from './return-history';
import { DEFAULT_ALLOCATION_PERIODS_PER_YEAR, fail, prepare, schemeResult, unusable, windowVolatilities } from './schemes';
import type { AllocationResult, PerformanceOptions, UnestimatedReason } from './schemes';

/**
 * Performance weights: `wᵢ ∝ max(scoreᵢ, floor)`, the score being the trailing Sharpe ratio
 * (`mean/std·√P` of per-bar returns, ddof 1, no risk-free rate) or the compounded return
 * `Π(1 + r) − 1` over the last `lookback` bars. A sleeve without a usable score — a non-finite
 * return in the window (a sleeve emptied by an earlier rebalance has none but NaN); for Sharpe
 * also fewer than 2 returns, non-zero returns on fewer than `minInvested` of the window, or σ ≤
 * 1e-13 — gets the neutral share `1/n`, as in the σ schemes, and the others split the rest
 * ∝ max(score, floor); if every one of them is at the floor, they split it equally. Sums to 1.
 * The neutral share is what brings a sleeve back: at the floor it gets nothing, and an emptied
 * sleeve has no returns to score again. A Sharpe score from a window spent mostly in cash is
 * about `√(P/n)` for one positive return among n bars however small that return (3.5 for 20
 * daily bars), which `minInvested` keeps out. Warm-up rule: see {@link WindowOptions.minHistory}.
 */
export function performanceWeights(input: ReturnHistoryInput, options: PerformanceOptions): AllocationResult {
  const metric = options.metric ?? 'sharpe';
  const floor = options.floor ?? 0;
  const periodsPerYear = options.periodsPerYear ?? DEFAULT_ALLOCATION_PERIODS_PER_YEAR;
  const issues: ConfigIssue[] = [];
  if (!(Number.isFinite(floor) && floor >= 0)) issues.push({ path: 'floor', message: `must be a finite number ≥ 0, got ${floor}` });
  if (!(Number.isFinite(periodsPerYear) && periodsPerYear > 0))
    issues.push({ path: 'periodsPerYear', message: `must be a finite number > 0, got ${periodsPerYear}` });
  if (issues.length > 0) fail(issues, 'performanceWeights');
  const { history, window, warmup, minInvested } = prepare('performance', input, options, 'performanceWeights');
  if (warmup !== null) return warmup;
  const n = history.returns.length;
  const { start, end } = window;
  const length = end - start;
  const { sigmas, invested } = windowVolatilities(history, window);
  const unestimated: number[] = [];
  const unestimatedReasons: UnestimatedReason[] = [];
  const scores = history.returns.map((column, i): number | null => {
    let reason: UnestimatedReason | null;
    let score: number | null = null;
    if (metric === 'return') {
      reason = length < 1 ? 'too-few-returns' : allFinite(column, start, end) ? null : 'non-finite';
      if (reason === null) {
        let growth = 1;
        for (let t = start; t < end; t++) growth *= 1 + (column[t] ?? 0);
        score = growth - 1;
      }
    } else {
      const sigma = sigmas[i] ?? null;
      reason = unusable(sigma, invested[i] ?? 0, length, minInvested);
      if (reason === null && sigma !== null) score = (mean(column, start, end) / sigma) * Math.sqrt(periodsPerYear);
    }
    if (reason !== null) {
      unestimated.push(i);
      unestimatedReasons.push(reason);
    }
    return score;
  });
  const weights = new Float64Array(n);
  let sum = 0;
  let aboveFloor = false;
  scores.forEach((score) => {
    if (score === null) return;
    const value = Math.max(score, floor);
    if (value > floor) aboveFloor = true;
    sum += value;
  });
  const share = (n - unestimated.length) / n;
  scores.forEach((score, i) => {
    if (score === null) weights[i] = 1 / n;
    else weights[i] = aboveFloor ? (share * Math.max(score, floor)) / sum : 1 / n;
  });
  return schemeResult('performance', weights, {
    window: length,
    estimates: scores,
    unestimated,
    unestimatedReasons,
    invested: metric === 'sharpe' ? invested : null,
  });
}
