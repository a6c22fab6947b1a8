import { checkArguments } from '@ensemble/protocol';
import { columnIssue, numberIssue, optionalNumberIssue } from './internal/arguments';
import { returnsFromEquity } from './performance-calculator';

/**
 * Rolling annualised Sharpe ratio over the last `window` returns, at each bar:
 * `mean(r − rf) / std(r − rf, ddof=1) · √P` with the per-period `rf = (1 + rfAnnual)^(1/P) − 1`
 * (the convention of `sharpe`). NaN until `window` returns exist, where a return in
 * the window is undefined, or where the window has (numerically) zero dispersion. With `start`
 * (the `startEquity` the metrics were measured from: close fills), the first bar has a return
 * too, `V_0 / start − 1`, as in `returnsFromEquity(equity, start)`, and the windows read it: the
 * value at the last bar of a window covering the whole run is then the run's `sharpe`.
 */
export function rollingSharpe(
  equity: ArrayLike<number>,
  window: number,
  periodsPerYear: number,
  riskFreeRate = 0,
  start?: number,
): Float64Array {
  checkArguments('rollingSharpe', [
    columnIssue(equity, 'equity', 'an equity curve'),
    numberIssue(window, 'window', 'the number of returns in each window'),
    numberIssue(periodsPerYear, 'periodsPerYear', 'return periods per year'),
    numberIssue(riskFreeRate, 'riskFreeRate', 'the annual risk-free rate as a fraction'),
    optionalNumberIssue(start, 'start', 'the equity before the first point (a startEquity), or left out'),
  ]);
  if (start !== undefined) {
    // The curve led by the start: its values from index 1 on are those of the points.
    const led = new Float64Array(equity.length + 1);
    led[0] = start;
    for (let t = 0; t < equity.length; t++) led[t + 1] = equity[t] ?? Number.NaN;
    return rollingSharpe(led, window, periodsPerYear, riskFreeRate).slice(1);
  }
  const length = equity.length;
  const out = new Float64Array(length).fill(Number.NaN);
  if (window < 2) return out;
  // returns[k − 1] is the return at bar k (k ≥ 1 below).
  const returns = returnsFromEquity(equity);
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
  // The last bar whose return differs from the one before: a window after it holds one value
  // repeated (a flat stretch, in cash), whose dispersion is zero — said at once, where the exact
  // pass below took the whole window at every bar (minutes for a year of minute bars in cash).
  let lastChange = 0;
  const recompute = (t: number) => {
    sum = 0;
    squares = 0;
    invalid = 0;
    for (let k = t - window + 1; k <= t; k++) add(k, 1);
    peak = squares;
  };
  const add = (k: number, sign: 1 | -1) => {
    const x = (returns[k - 1] ?? Number.NaN) - rf;
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
    if (t === 1 || !Object.is(returns[t - 1], returns[t - 2])) lastChange = t;
    if (t < window || invalid > 0 || lastChange <= t - window + 1) continue;
    let mean = sum / window;
    let deviations = squares - sum * mean;
    let level = squares;
    if (!(deviations > 1e-6 * peak)) {
      mean = 0;
      for (let k = t - window + 1; k <= t; k++) mean += (returns[k - 1] ?? Number.NaN) - rf;
      mean /= window;
      deviations = 0;
      level = 0;
      for (let k = t - window + 1; k <= t; k++) {
        const x = (returns[k - 1] ?? Number.NaN) - rf;
        deviations += (x - mean) * (x - mean);
        level += x * x;
      }
      // The sums start again from this window, so that the rounding left by larger returns gone
      // from it does not send every later bar here too (each pass takes the whole window).
      recompute(t);
    }
    const std = Math.sqrt(Math.max(deviations / (window - 1), 0));
    if (std > 1e-7 * Math.sqrt(level / window)) out[t] = (mean / std) * scale;
  }
  return out;
}
