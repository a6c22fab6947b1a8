import { ConfigError } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import type { ALLOCATION_SCHEMES } from './config';
import { VOLATILITY_NOISE, sampleStd, windowCovariance } from './internal/moments';
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

/**
 * Default {@link WindowOptions.minInvested}: a sleeve needs a non-zero return on at least half of
 * its window for a volatility estimate.
 */
export const DEFAULT_MIN_INVESTED = 0.5;

/**
 * Why a sleeve has no usable estimate: `too-few-returns` (fewer than 2 in the window),
 * `non-finite` (a return in the window is not finite), `rarely-invested` (non-zero returns on
 * fewer than `minInvested` of the window: it sat in cash for most of it) or `no-risk` (σ ≤ 1e-13
 * per bar).
 */
export type UnestimatedReason = 'too-few-returns' | 'non-finite' | 'rarely-invested' | 'no-risk';

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
   * (`inverse-volatility`, `risk-parity`, `performance`).
   */
  readonly unestimated: readonly number[];
  /** Why each sleeve of `unestimated` has no estimate, in the same order. */
  readonly unestimatedReasons: readonly UnestimatedReason[];
  /**
   * Per sleeve, how many returns of the window are non-zero (|r| > 1e-13: bars it held a
   * position), for the schemes that apply `minInvested` (`inverse-volatility`, `risk-parity`,
   * `performance` with its Sharpe score); `null` otherwise.
   */
  readonly invested: readonly number[] | null;
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
  /**
   * Smallest fraction of the window's returns that must be non-zero (|r| > 1e-13: the sleeve held
   * a position) for a volatility estimate (`inverse-volatility`, `risk-parity`) or a Sharpe score
   * (`performance`); a sleeve below it has none (`rarely-invested`). In [0, 1]; default
   * {@link DEFAULT_MIN_INVESTED} (0.5); 0 turns the rule off.
   */
  readonly minInvested?: number | undefined;
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
  /**
   * Sleeve returns up to the previous bar: every column is cut at `history.length`. Read-only:
   * in a run the columns are views of the sleeves' recorded returns, and the orchestrator fails
   * the run (a `RunError`) when one was written to; copy a column to change it.
   */
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

export function fail(issues: ConfigIssue[], source: string): never {
  throw new ConfigError(issues, { source });
}

function checkWindow(options: WindowOptions, sleeveCount: number, source: string): { lookback: number; minHistory: number; minInvested: number } {
  const issues: ConfigIssue[] = [];
  const { lookback } = options;
  const minHistory = options.minHistory ?? lookback;
  const minInvested = options.minInvested ?? DEFAULT_MIN_INVESTED;
  if (!Number.isInteger(lookback) || lookback < 2)
    issues.push({ path: 'lookback', message: `must be an integer ≥ 2 (bars of returns), got ${lookback}` });
  if (!Number.isInteger(minHistory) || minHistory < 0)
    issues.push({ path: 'minHistory', message: `must be an integer ≥ 0, got ${minHistory}` });
  if (!(minInvested >= 0 && minInvested <= 1))
    issues.push({ path: 'minInvested', message: `must be a fraction of the window in [0, 1], got ${minInvested}` });
  if (options.warmupWeights !== undefined) issues.push(...weightIssues(options.warmupWeights, sleeveCount, 'warmupWeights'));
  if (issues.length > 0) fail(issues, source);
  return { lookback, minHistory, minInvested };
}

export function weightIssues(weights: ArrayLike<number>, sleeveCount: number, path: string): ConfigIssue[] {
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
    unestimatedReasons: extra.unestimatedReasons ?? [],
    invested: extra.invested ?? null,
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
  /** The checked {@link WindowOptions.minInvested}. */
  readonly minInvested: number;
}

export function prepare(
  scheme: AllocationScheme,
  input: ReturnHistoryInput,
  options: WindowOptions,
  source: string,
): WarmupCheck {
  const history = toReturnHistory(input);
  const n = history.returns.length;
  const { lookback, minHistory, minInvested } = checkWindow(options, n, source);
  const window = trailingWindow(history, lookback);
  if ((history.observed ?? history.length) >= minHistory) return { history, window, warmup: null, minInvested };
  const fallback = options.warmupWeights === undefined ? equalWeights(n) : Float64Array.from(options.warmupWeights);
  return { history, window, warmup: schemeResult(scheme, fallback, { warmup: true }), minInvested };
}

/** Per sleeve, σ over the window and how many of its returns are non-zero. */
interface WindowVolatilities {
  /** σ (ddof 1), or null when a return is not finite or there are fewer than 2. */
  readonly sigmas: (number | null)[];
  /** Returns with |r| > 1e-13 (the sleeve held a position; a sleeve in cash has none, or rounding dust). */
  readonly invested: number[];
}

/**
 * Per-sleeve σ over the window, and its count of non-zero returns. One pass sums the window (as
 * `mean` does), tallies `v × 0`, which is NaN as soon as a value is not finite (what `allFinite`
 * tells), and counts the returns above the noise; then `sampleStd` makes the second.
 */
export function windowVolatilities(history: ReturnHistory, window: ReturnWindow): WindowVolatilities {
  const { start, end } = window;
  const invested: number[] = [];
  const sigmas = history.returns.map((column) => {
    let sum = 0;
    let finite = 0;
    let nonZero = 0;
    for (let t = start; t < end; t++) {
      const value = column[t] ?? Number.NaN;
      sum += value;
      finite += value * 0;
      if (Math.abs(value) > VOLATILITY_NOISE) nonZero++;
    }
    invested.push(nonZero);
    if (end - start < 2 || finite !== 0) return null;
    return sampleStd(column, start, end, sum / (end - start));
  });
  return { sigmas, invested };
}

/**
 * Why a σ over a window of `length` returns, `invested` of them non-zero, is not usable (null when
 * it is): fewer than 2 returns, a non-finite one (`sigma` null), non-zero returns on fewer than
 * `minInvested` of the window, or σ ≤ 1e-13. A σ from a window spent mostly in cash describes the
 * cash, not the sleeve's risk: one return of 7e-6 and nineteen zeros read σ = 1.6e-6, and 1/σ gave
 * that sleeve nearly all the capital.
 */
export function unusable(sigma: number | null, invested: number, length: number, minInvested: number): UnestimatedReason | null {
  if (length < 2) return 'too-few-returns';
  if (sigma === null) return 'non-finite';
  if (invested < investedNeeded(minInvested, length)) return 'rarely-invested';
  if (!(sigma > VOLATILITY_NOISE)) return 'no-risk';
  return null;
}

/**
 * Non-zero returns a window of `length` returns needs for an estimate: `⌈minInvested × length⌉`,
 * the product's rounding error aside (0.7 × 10 is 7.000000000000001, and needs 7).
 */
export function investedNeeded(minInvested: number, length: number): number {
  return Math.max(0, Math.ceil(minInvested * length - 1e-9));
}

/** Every sleeve's usable σ (null where it has none) and what the result reports about them. */
function estimatedVolatilities(history: ReturnHistory, window: ReturnWindow, minInvested: number) {
  const { sigmas, invested } = windowVolatilities(history, window);
  const length = window.end - window.start;
  const usable: (number | null)[] = [];
  const unestimated: number[] = [];
  const unestimatedReasons: UnestimatedReason[] = [];
  sigmas.forEach((sigma, i) => {
    const reason = unusable(sigma, invested[i] ?? 0, length, minInvested);
    usable.push(reason === null ? sigma : null);
    if (reason !== null) {
      unestimated.push(i);
      unestimatedReasons.push(reason);
    }
  });
  return { usable, extra: { window: length, estimates: sigmas, unestimated, unestimatedReasons, invested } };
}

/**
 * Inverse-volatility weights: `wᵢ ∝ 1/σᵢ`, σ the sample standard deviation (ddof 1) of the
 * sleeve's per-bar returns over the last `lookback` bars. A sleeve without a usable σ — fewer
 * than 2 returns, a non-finite return in the window, non-zero returns on fewer than `minInvested`
 * of the window (it sat in cash for most of it), or σ ≤ 1e-13 — gets the neutral share `1/n`, and
 * the others split the rest ∝ 1/σ; if no sleeve has one, weights are equal. Sums to 1. Warm-up
 * rule: see {@link WindowOptions.minHistory}.
 */
export function inverseVolatilityWeights(input: ReturnHistoryInput, options: WindowOptions): AllocationResult {
  const { history, window, warmup, minInvested } = prepare('inverse-volatility', input, options, 'inverseVolatilityWeights');
  if (warmup !== null) return warmup;
  const n = history.returns.length;
  const { usable, extra } = estimatedVolatilities(history, window, minInvested);
  let inverseSum = 0;
  for (const sigma of usable) if (sigma !== null) inverseSum += 1 / sigma;
  const estimatedShare = (n - extra.unestimated.length) / n;
  const weights = new Float64Array(n);
  usable.forEach((sigma, i) => {
    weights[i] = sigma === null ? 1 / n : (estimatedShare * (1 / sigma)) / inverseSum;
  });
  return schemeResult('inverse-volatility', weights, extra);
}

/**
 * Risk-parity (equal risk contribution) weights from the sample covariance (ddof 1) of the
 * sleeves' per-bar returns over the last `lookback` bars, solved by `solveRiskParity` (damped
 * Newton by default; `tolerance`, `maxIterations` and `method` pass through). Sleeves without a
 * usable σ (as in {@link inverseVolatilityWeights}, `minInvested` included) get `1/n` and are left
 * out of the solve; the others share the rest with equal risk contributions among themselves. Sums
 * to 1. If the solve does not converge (only possible when some long-only mix of sleeves has zero
 * variance over the window — a window of fewer returns than sleeves always has one), its last
 * iterate is no answer (its risk contributions can be negative), so the estimated sleeves share
 * their part by inverse volatility, the solve's own start (risk parity when all correlations are
 * equal), and `convergence.converged` is false: log it.
 */
export function riskParityWeights(input: ReturnHistoryInput, options: WindowOptions & RiskParityOptions): AllocationResult {
  const { history, window, warmup, minInvested } = prepare('risk-parity', input, options, 'riskParityWeights');
  if (warmup !== null) return warmup;
  const n = history.returns.length;
  const { usable, extra } = estimatedVolatilities(history, window, minInvested);
  const estimated: number[] = [];
  usable.forEach((sigma, i) => {
    if (sigma !== null) estimated.push(i);
  });
  const weights = new Float64Array(n).fill(1 / n);
  if (estimated.length < 2) return schemeResult('risk-parity', weights, extra);

  const k = estimated.length;
  const flat = windowCovariance(history.returns, estimated, window.start, window.end);
  const rows = Array.from({ length: k }, (_, a) => flat.subarray(a * k, (a + 1) * k));
  const solution = solveRiskParity(rows, options);
  const share = k / n;
  const { method, iterations, maxDeviation, converged } = solution;
  let inverseSum = 0;
  if (!converged) for (const sleeve of estimated) inverseSum += 1 / (usable[sleeve] ?? Number.NaN);
  estimated.forEach((sleeve, a) => {
    weights[sleeve] = share * (converged ? (solution.weights[a] ?? 0) : 1 / (usable[sleeve] ?? Number.NaN) / inverseSum);
  });
  return schemeResult('risk-parity', weights, { ...extra, convergence: { method, iterations, maxDeviation, converged } });
}
