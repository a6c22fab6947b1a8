import { ConfigError, EnsembleError, RunError, formatValue, isoTime } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import type { ALLOCATION_SCHEMES } from './config';
import { VOLATILITY_NOISE, allFinite, mean, sampleStd, windowCovariance } from './internal/moments';
import { toReturnHistory, trailingWindow } from './return-history';
import type { ReturnHistory, ReturnHistoryInput, ReturnWindow } from './return-history';
import { solveRiskParity } from './risk-parity';
import type { RiskParityConvergence, RiskParityOptions } from './risk-parity';

/** Every allocation scheme: the five a run config can name, plus `custom` (a function, API only). */
export type AllocationScheme = (typeof ALLOCATION_SCHEMES)[number] | 'custom';

/** Score of the `performance` scheme. */
export type PerformanceMetric = 'sharpe' | 'return';

/** Default periods per year for annualising the Sharpe score (daily bars). */
export const DEFAULT_ALLOCATION_PERIODS_PER_YEAR = 252;

/** Raw weights from a scheme, before constraints, with what the orchestrator should log. */
export interface AllocationResult {
  readonly scheme: AllocationScheme;
  /**
   * One weight per sleeve, ≥ 0. Data-driven and equal schemes sum to 1; `fixed`, `custom` and
   * warm-up fixed weights are as given. `applyWeightConstraints` scales them to the target.
   */
  readonly weights: Float64Array;
  /** True when the warm-up rule applied: fewer than `minHistory` returns, so fallback weights. */
  readonly warmup: boolean;
  /** Bars in the estimation window (0 when no data was read). */
  readonly window: number;
  /**
   * Per sleeve, the estimate the weights came from: per-bar σ (`inverse-volatility`,
   * `risk-parity`) or the score (`performance`), `null` where it could not be computed; `null`
   * for the other schemes and during warm-up.
   */
  readonly estimates: readonly (number | null)[] | null;
  /**
   * Sleeves without a usable estimate (see each scheme): they got the neutral share `1/n`
   * (`inverse-volatility`, `risk-parity`) or the floor score (`performance`).
   */
  readonly unestimated: readonly number[];
  /** How the risk-parity solve converged; `null` for other schemes, warm-up, or fewer than 2 estimated sleeves. */
  readonly convergence: RiskParityConvergence | null;
}

/** Window and warm-up options shared by the data-driven schemes. */
export interface WindowOptions {
  /** Bars of returns (ending at the last valid bar) the estimate uses; an integer ≥ 2. */
  readonly lookback: number;
  /**
   * Warm-up: with fewer valid returns than this, the scheme returns `warmupWeights` instead of
   * reading data. Integer ≥ 0; default `lookback`. With fewer than `lookback` but at least
   * `minHistory` returns, the window is what exists.
   */
  readonly minHistory?: number | undefined;
  /** Weights during warm-up (e.g. the configured fixed weights). Default: equal weights. */
  readonly warmupWeights?: ArrayLike<number> | undefined;
}

/** Options of {@link performanceWeights}. */
export interface PerformanceOptions extends WindowOptions {
  /** Default `sharpe`. */
  readonly metric?: PerformanceMetric;
  /** Scores below this count as this; ≥ 0, default 0 (annualised Sharpe units, or a return fraction). */
  readonly floor?: number;
  /** Periods per year P for the Sharpe score `mean/std·√P`; default 252. */
  readonly periodsPerYear?: number;
}

/** What a custom allocation function receives. */
export interface CustomAllocationInput {
  /** Sleeve returns up to the previous bar: every column is cut at `history.length`. */
  readonly history: ReturnHistory;
  /** The trailing `lookback` window of `history`. */
  readonly window: ReturnWindow;
  /** Sleeve ids, in column order, when the caller supplied them. */
  readonly sleeveIds: readonly string[] | undefined;
  /** Epoch ms of the bar being allocated, when the caller supplied it. */
  readonly time: number | undefined;
}

/**
 * A user allocation: returns one raw weight per sleeve (finite, ≥ 0, not all 0), to be
 * constrained like any scheme's. It sees the history up to the previous bar only.
 */
export type CustomAllocation = (input: CustomAllocationInput) => ArrayLike<number>;

/** Options of {@link customWeights}. */
export interface CustomOptions extends WindowOptions {
  readonly sleeveIds?: readonly string[] | undefined;
  readonly time?: number | undefined;
}

function fail(issues: ConfigIssue[], source: string): never {
  throw new ConfigError(issues, { source });
}

function checkWindow(options: WindowOptions, sleeveCount: number, source: string): { lookback: number; minHistory: number } {
  const issues: ConfigIssue[] = [];
  const { lookback } = options;
  const minHistory = options.minHistory ?? lookback;
  if (!Number.isInteger(lookback) || lookback < 2)
    issues.push({ path: 'lookback', message: `must be an integer ≥ 2 (bars of returns), got ${lookback}` });
  if (!Number.isInteger(minHistory) || minHistory < 0)
    issues.push({ path: 'minHistory', message: `must be an integer ≥ 0, got ${minHistory}` });
  if (options.warmupWeights !== undefined) issues.push(...weightIssues(options.warmupWeights, sleeveCount, 'warmupWeights'));
  if (issues.length > 0) fail(issues, source);
  return { lookback, minHistory };
}

function weightIssues(weights: ArrayLike<number>, sleeveCount: number, path: string): ConfigIssue[] {
  if (weights.length !== sleeveCount) {
    return [{ path, message: `has ${weights.length} weights for ${sleeveCount} sleeves; give exactly one per sleeve, in sleeve order` }];
  }
  const issues: ConfigIssue[] = [];
  let sum = 0;
  for (let i = 0; i < sleeveCount && issues.length < 10; i++) {
    const value = weights[i];
    if (typeof value !== 'number' || !Number.isFinite(value))
      issues.push({ path: `${path}.${i}`, message: `must be a finite number, got ${String(value)}` });
    else if (value < 0) issues.push({ path: `${path}.${i}`, message: `must be ≥ 0 (sleeve weights are long-only), got ${value}` });
    else sum += value;
  }
  if (issues.length === 0 && sleeveCount > 0 && !(sum > 0))
    issues.push({ path, message: 'all weights are 0; give at least one sleeve a positive weight (hold cash with cashBuffer)' });
  return issues;
}

/** An {@link AllocationResult} of `scheme` with `weights` (the other fields defaulted). */
export function schemeResult(
  scheme: AllocationScheme,
  weights: Float64Array,
  extra: Partial<Omit<AllocationResult, 'scheme' | 'weights'>> = {},
): AllocationResult {
  return {
    scheme,
    weights,
    warmup: extra.warmup ?? false,
    window: extra.window ?? 0,
    estimates: extra.estimates ?? null,
    unestimated: extra.unestimated ?? [],
    convergence: extra.convergence ?? null,
  };
}

/** `1/n` for each of `sleeveCount` sleeves. */
export function equalWeights(sleeveCount: number): Float64Array {
  if (!Number.isInteger(sleeveCount) || sleeveCount < 0) {
    fail([{ path: 'sleeveCount', message: `must be a non-negative integer, got ${sleeveCount}` }], 'equalWeights');
  }
  return new Float64Array(sleeveCount).fill(1 / sleeveCount);
}

/**
 * The configured weights as given, copied: one per sleeve, finite, ≥ 0, not all 0 (`sleeveCount`
 * defaults to their number). They are not normalised; `applyWeightConstraints` does that.
 * Throws `ConfigError` naming the offending entry otherwise.
 */
export function fixedWeights(weights: ArrayLike<number>, sleeveCount: number = weights.length): Float64Array {
  const issues = weightIssues(weights, sleeveCount, 'weights');
  if (issues.length > 0) fail(issues, 'fixed weights');
  return Float64Array.from(weights);
}

interface WarmupCheck {
  readonly history: ReturnHistory;
  readonly window: ReturnWindow;
  readonly warmup: AllocationResult | null;
}

function prepare(
  scheme: AllocationScheme,
  input: ReturnHistoryInput,
  options: WindowOptions,
  source: string,
): WarmupCheck {
  const history = toReturnHistory(input);
  const n = history.returns.length;
  const { lookback, minHistory } = checkWindow(options, n, source);
  const window = trailingWindow(history, lookback);
  if ((history.observed ?? history.length) >= minHistory) return { history, window, warmup: null };
  const fallback = options.warmupWeights === undefined ? equalWeights(n) : Float64Array.from(options.warmupWeights);
  return { history, window, warmup: schemeResult(scheme, fallback, { warmup: true }) };
}

/**
 * Per-sleeve σ over the window, or null when a return is not finite or there are fewer than 2.
 * One pass sums the window (as `mean` does) and tallies `v × 0`, which is NaN as soon as a value
 * is not finite (what `allFinite` tells), then `sampleStd` makes the second.
 */
function windowVolatilities(history: ReturnHistory, window: ReturnWindow): (number | null)[] {
  const { start, end } = window;
  return history.returns.map((column) => {
    if (end - start < 2) return null;
    let sum = 0;
    let finite = 0;
    for (let t = start; t < end; t++) {
      const value = column[t] ?? Number.NaN;
      sum += value;
      finite += value * 0;
    }
    if (finite !== 0) return null;
    return sampleStd(column, start, end, sum / (end - start));
  });
}

const usable = (sigma: number | null): sigma is number => sigma !== null && sigma > VOLATILITY_NOISE;

/**
 * Inverse-volatility weights: `wᵢ ∝ 1/σᵢ`, σ the sample standard deviation (ddof 1) of the
 * sleeve's per-bar returns over the last `lookback` bars. A sleeve without a usable σ — a
 * non-finite return in the window, fewer than 2 returns, or σ ≤ 1e-13 (a sleeve in cash) — gets
 * the neutral share `1/n`, and the others split the rest ∝ 1/σ; if no sleeve has one, weights are
 * equal. Sums to 1. Warm-up rule: see {@link WindowOptions.minHistory}.
 */
export function inverseVolatilityWeights(input: ReturnHistoryInput, options: WindowOptions): AllocationResult {
  const { history, window, warmup } = prepare('inverse-volatility', input, options, 'inverseVolatilityWeights');
  if (warmup !== null) return warmup;
  const n = history.returns.length;
  const sigmas = windowVolatilities(history, window);
  const unestimated: number[] = [];
  let inverseSum = 0;
  sigmas.forEach((sigma, i) => {
    if (usable(sigma)) inverseSum += 1 / sigma;
    else unestimated.push(i);
  });
  const estimatedShare = (n - unestimated.length) / n;
  const weights = new Float64Array(n);
  sigmas.forEach((sigma, i) => {
    weights[i] = usable(sigma) ? (estimatedShare * (1 / sigma)) / inverseSum : 1 / n;
  });
  return schemeResult('inverse-volatility', weights, { window: window.end - window.start, estimates: sigmas, unestimated });
}

/**
 * Risk-parity (equal risk contribution) weights from the sample covariance (ddof 1) of the
 * sleeves' per-bar returns over the last `lookback` bars, solved by `solveRiskParity` (damped
 * Newton by default; `tolerance`, `maxIterations` and `method` pass through). Sleeves without a
 * usable σ (as in {@link inverseVolatilityWeights}) get `1/n` and are left out of the solve; the
 * others share the rest with equal risk contributions among themselves. Sums to 1. If the solve
 * does not converge (only possible when some long-only mix of sleeves has zero variance), the last
 * iterate is returned and `convergence.converged` is false: log it.
 */
export function riskParityWeights(input: ReturnHistoryInput, options: WindowOptions & RiskParityOptions): AllocationResult {
  const { history, window, warmup } = prepare('risk-parity', input, options, 'riskParityWeights');
  if (warmup !== null) return warmup;
  const n = history.returns.length;
  const sigmas = windowVolatilities(history, window);
  const estimated: number[] = [];
  const unestimated: number[] = [];
  sigmas.forEach((sigma, i) => (usable(sigma) ? estimated : unestimated).push(i));
  const weights = new Float64Array(n).fill(1 / n);
  const extra = { window: window.end - window.start, estimates: sigmas, unestimated };
  if (estimated.length < 2) return schemeResult('risk-parity', weights, extra);

  const k = estimated.length;
  const flat = windowCovariance(history.returns, estimated, window.start, window.end);
  const rows = Array.from({ length: k }, (_, a) => flat.subarray(a * k, (a + 1) * k));
  const solution = solveRiskParity(rows, options);
  const share = k / n;
  estimated.forEach((sleeve, a) => {
    weights[sleeve] = share * (solution.weights[a] ?? 0);
  });
  const { method, iterations, maxDeviation, converged } = solution;
  return schemeResult('risk-parity', weights, { ...extra, convergence: { method, iterations, maxDeviation, converged } });
}

/**
 * Performance weights: `wᵢ ∝ max(scoreᵢ, floor)`, the score being the trailing Sharpe ratio
 * (`mean/std·√P` of per-bar returns, ddof 1, no risk-free rate) or the compounded return
 * `Π(1 + r) − 1` over the last `lookback` bars. A sleeve whose score cannot be computed (a
 * non-finite return in the window; for Sharpe also fewer than 2 returns or σ ≤ 1e-13) scores the
 * floor. If every sleeve is at the floor, weights are equal. Sums to 1. Warm-up rule: see
 * {@link WindowOptions.minHistory}.
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
  const { history, window, warmup } = prepare('performance', input, options, 'performanceWeights');
  if (warmup !== null) return warmup;
  const n = history.returns.length;
  const { start, end } = window;
  const scores = history.returns.map((column): number | null => {
    if (end - start < 1 || !allFinite(column, start, end)) return null;
    if (metric === 'return') {
      let growth = 1;
      for (let t = start; t < end; t++) growth *= 1 + (column[t] ?? 0);
      return growth - 1;
    }
    const average = mean(column, start, end);
    const std = sampleStd(column, start, end, average);
    return std > VOLATILITY_NOISE ? (average / std) * Math.sqrt(periodsPerYear) : null;
  });
  const unestimated: number[] = [];
  const weights = new Float64Array(n);
  let sum = 0;
  let aboveFloor = false;
  for (let i = 0; i < n; i++) {
    const score = scores[i] ?? null;
    if (score === null) unestimated.push(i);
    const value = score === null ? floor : Math.max(score, floor);
    if (value > floor) aboveFloor = true;
    weights[i] = value;
    sum += value;
  }
  if (aboveFloor) for (let i = 0; i < n; i++) weights[i] = (weights[i] ?? 0) / sum;
  else weights.fill(1 / n);
  return schemeResult('performance', weights, { window: end - start, estimates: scores, unestimated });
}

/**
 * Weights from a user function, validated: one finite, non-negative weight per sleeve, not all 0
 * (a `ConfigError` naming the entry otherwise). Returned as given (constraints normalise). The
 * function sees columns cut at the history length (zero-copy `subarray` views of `Float64Array`
 * columns, copies of others). The warm-up rule applies as for the data-driven schemes; an error
 * the function throws becomes a `RunError` naming the bar (its `cause`), an Ensemble error passes as it is.
 */
export function customWeights(allocate: CustomAllocation, input: ReturnHistoryInput, options: CustomOptions): AllocationResult {
  const { history, window, warmup } = prepare('custom', input, options, 'customWeights');
  if (warmup !== null) return warmup;
  const n = history.returns.length;
  const length = history.length;
  // Cut every column at `length`: zero-copy for typed arrays, a copy otherwise. The future is out of reach.
  const visible: ReturnHistory = {
    returns: history.returns.map((column) =>
      column instanceof Float64Array ? column.subarray(0, length) : Array.prototype.slice.call(column, 0, length) as number[],
    ),
    length,
  };
  // Its errors name the bar it was asked about, when known: a function can be right for months and wrong once.
  const source = options.time === undefined ? 'custom allocation function' : `custom allocation function at ${isoTime(options.time)}`;
  let output: unknown;
  try {
    output = allocate({ history: visible, window, sleeveIds: options.sleeveIds, time: options.time });
  } catch (error) {
    // The project's own errors (a nested check's ConfigError) pass as they are.
    if (EnsembleError.isInstance(error)) throw error;
    throw new RunError(`The ${source} threw: ${thrownMessage(error)}`, { what: 'custom allocation', ...(options.time === undefined ? {} : { time: options.time }), cause: error });
  }
  if (typeof output !== 'object' || output === null || typeof (output as { length?: unknown }).length !== 'number') {
    fail([{ path: 'weights', message: `the custom allocation function returned ${String(output)}; return an array of ${n} weights` }], source);
  }
  const weights = output as ArrayLike<number>;
  const issues = weightIssues(weights, n, 'weights');
  if (issues.length > 0) fail(issues, source);
  return schemeResult('custom', Float64Array.from(weights), { window: window.end - window.start });
}

/** What a user function threw, as text: an error's message (even when its getter throws), else the value. */
function thrownMessage(error: unknown): string {
  if (!(error instanceof Error)) return formatValue(error);
  try {
    return error.message;
  } catch {
    return 'an error whose message cannot be read';
  }
}
