import type { ConfigIssue } from '@ensemble/protocol';
import { METRIC_DESCRIPTIONS, computeMetrics } from '@ensemble/performance';
import type { DrawdownPeriod, PerformanceResult, PeriodReturn } from '@ensemble/performance';
import type { ReportInput } from './report-input';

/**
 * Checks of a saved result's derived figures against what its own curves give: the report shows
 * the metrics, drawdowns, calendar returns, weights and correlations a result file holds, so a
 * file whose figures were edited (a total return of 500 % over a curve that gained 37 %) would
 * make a report that contradicts itself. The run computed them from these very curves with the
 * performance package, so they agree to the last digit; a figure off by more than
 * {@link RELATIVE} is an issue named by its path.
 */

/** How far apart two figures may be (relative, and absolute below 1) before they differ. */
const RELATIVE = 1e-9;

/** Metrics that need the benchmark's prices, which a result file does not hold. */
const BENCHMARK_METRICS = new Set<string>(METRIC_DESCRIPTIONS.filter((description) => description.group === 'benchmark').map((description) => description.name));

function differs(saved: number | null | undefined, derived: number): boolean {
  if (typeof saved !== 'number') return true;
  return !(Math.abs(saved - derived) <= RELATIVE * Math.max(1, Math.abs(derived)));
}

function shown(value: number | null | undefined): string {
  return value === null || value === undefined ? 'null' : String(value);
}

/**
 * The portfolio's metrics, drawdown episodes and calendar returns against the ones its equity
 * curve, trades and fills give (with the `P`, risk-free rate, VaR confidence and start equity the
 * result used). Metrics the curve cannot give — the benchmark's, and any the recomputation leaves
 * without a value (exposure without the gross exposure column) — are left as saved.
 */
function metricsIssues(input: ReportInput, at: string, advice: string): ConfigIssue[] {
  const { equity, metrics: saved } = input.portfolio;
  if (equity.time.length === 0) return [];
  // With close fills the returns run from the cash before the first bar (the start equity given),
  // otherwise from the first point; the file does not say which, so the closer of the two counts.
  const start = saved.metrics.startEquity;
  const plain = derivedIssues(input, undefined, at, advice);
  if (plain.length === 0 || typeof start !== 'number') return plain;
  const fromStart = derivedIssues(input, start, at, advice);
  return fromStart.length < plain.length ? fromStart : plain;
}

function derivedIssues(input: ReportInput, startEquity: number | undefined, at: string, advice: string): ConfigIssue[] {
  const { equity, metrics: saved, trades, fills } = input.portfolio;
  const grossExposure = (equity as { readonly grossExposure?: ArrayLike<number> }).grossExposure;
  let derived: PerformanceResult;
  try {
    derived = computeMetrics(
      { equity: { time: equity.time, equity: equity.equity, ...(grossExposure === undefined ? {} : { grossExposure }) }, trades, fills, ...(startEquity === undefined ? {} : { startEquity }) },
      { periodsPerYear: saved.periodsPerYear, riskFreeRate: saved.riskFreeRate, varConfidence: saved.varConfidence },
    );
  } catch {
    // A curve the performance package refuses is named by the other checks.
    return [];
  }
  const issues: ConfigIssue[] = [];
  const savedMetrics = saved.metrics as unknown as Readonly<Record<string, number | null>>;
  for (const [name, value] of Object.entries(derived.metrics as unknown as Readonly<Record<string, number | null>>)) {
    if (BENCHMARK_METRICS.has(name) || value === null || !Number.isFinite(value)) continue;
    const given = savedMetrics[name];
    if (differs(given, value)) issues.push({ path: `${at}.metrics.${name}`, message: `is ${shown(given)}, but the equity curve, trades and fills give ${String(value)}: ${advice}` });
  }
  issues.push(...episodeIssues(saved.drawdowns, derived.drawdowns, `${at}.drawdowns`, advice));
  issues.push(...periodIssues(`${at}.monthlyReturns`, saved.monthlyReturns, derived.monthlyReturns, advice));
  issues.push(...periodIssues(`${at}.yearlyReturns`, saved.yearlyReturns, derived.yearlyReturns, advice));
  return issues;
}

function episodeIssues(saved: readonly DrawdownPeriod[], derived: readonly DrawdownPeriod[], at: string, advice: string): ConfigIssue[] {
  if (saved.length !== derived.length) {
    return [{ path: at, message: `lists ${String(saved.length)} drawdown${saved.length === 1 ? '' : 's'}, but the equity curve has ${String(derived.length)} among its deepest: ${advice}` }];
  }
  for (let k = 0; k < derived.length; k++) {
    const [given, expected] = [saved[k], derived[k]];
    if (given === undefined || expected === undefined) continue;
    const path = `${at}.${String(k)}`;
    if (differs(given.depth, expected.depth)) return [{ path: `${path}.depth`, message: `is ${String(given.depth)}, but the equity curve gives ${String(expected.depth)}: ${advice}` }];
    for (const field of ['bars', 'days'] as const) {
      if (given[field] !== expected[field]) return [{ path: `${path}.${field}`, message: `is ${String(given[field])}, but the equity curve gives ${String(expected[field])}: ${advice}` }];
    }
    if (given.peak !== expected.peak || given.trough !== expected.trough || given.recovery !== expected.recovery) {
      return [{ path, message: `runs from ${shownTime(given.peak)} through ${shownTime(given.trough)} to ${shownTime(given.recovery)}, but the equity curve's runs from ${shownTime(expected.peak)} through ${shownTime(expected.trough)} to ${shownTime(expected.recovery)}: ${advice}` }];
    }
  }
  return [];
}

function shownTime(time: number | null): string {
  return time === null ? 'no recovery' : new Date(time).toISOString();
}

function periodIssues(path: string, saved: readonly PeriodReturn[], derived: readonly PeriodReturn[], advice: string): ConfigIssue[] {
  if (saved.length !== derived.length) return [{ path, message: `has ${String(saved.length)} periods, but the equity curve spans ${String(derived.length)}: ${advice}` }];
  for (let k = 0; k < derived.length; k++) {
    const [given, expected] = [saved[k], derived[k]];
    if (given === undefined || expected === undefined) continue;
    if (given.label !== expected.label) return [{ path: `${path}.${String(k)}.label`, message: `is ${given.label}, but the equity curve's period there is ${expected.label}: ${advice}` }];
    if (expected.return === null ? given.return !== null : differs(given.return, expected.return)) return [{ path: `${path}.${String(k)}.return`, message: `is ${String(given.return)} (${given.label}), but the equity curve gives ${String(expected.return)}: ${advice}` }];
  }
  return [];
}

/**
 * Each sleeve's weight against its equity over the portfolio's (sleeves mode) or over the sleeves'
 * sum (a shared run's shadows), the first step where neither holds named; null where that whole is
 * zero or below.
 */
function weightIssues(input: ReportInput, advice: string): ConfigIssue[] {
  const portfolio = input.portfolio.equity.equity;
  const steps = portfolio.length;
  const sleeves = input.sleeves;
  if (sleeves.length === 0 || sleeves.some((sleeve) => sleeve.equity.equity.length !== steps || sleeve.weight.length !== steps)) return [];
  // The sleeves' sum at every step, once (in sleeve order, as the run adds them).
  const sums = new Float64Array(steps);
  for (const sleeve of sleeves) for (let t = 0; t < steps; t++) sums[t] = (sums[t] ?? 0) + (sleeve.equity.equity[t] ?? Number.NaN);
  const issues: ConfigIssue[] = [];
  for (const [i, sleeve] of sleeves.entries()) {
    for (let t = 0; t < steps; t++) {
      const sum = sums[t] ?? Number.NaN;
      const value = sleeve.equity.equity[t] ?? Number.NaN;
      const total = portfolio[t] ?? Number.NaN;
      const given = sleeve.weight[t];
      if (weightFits(given, value, total) || weightFits(given, value, sum)) continue;
      const expected = total > 0 ? String(value / total) : 'null (the portfolio is worth nothing)';
      issues.push({ path: `sleeves.${String(i)}.weight`, message: `is ${shown(given)} at ${new Date(input.portfolio.equity.time[t] ?? Number.NaN).toISOString()}, but the sleeve's equity over the portfolio's is ${expected}: ${advice}` });
      break;
    }
  }
  return issues;
}

/** Whether `given` is `value`'s share of `whole`, or null where the whole is zero or below. */
function weightFits(given: number | null | undefined, value: number, whole: number): boolean {
  return whole > 0 ? given !== null && given !== undefined && !differs(given, value / whole) : given === null || given === undefined;
}

/** The correlation matrix: symmetric, with 1 on the diagonal where a sleeve has a value. */
function correlationIssues(input: ReportInput, advice: string): ConfigIssue[] {
  const correlation = input.correlation;
  if (correlation === undefined) return [];
  const { matrix, ids } = correlation;
  for (let i = 0; i < matrix.length; i++) {
    const diagonal = matrix[i]?.[i];
    if (diagonal !== null && diagonal !== undefined && differs(diagonal, 1)) {
      return [{ path: `correlation.matrix.${String(i)}.${String(i)}`, message: `is ${String(diagonal)}, but a sleeve's correlation with itself (${ids[i] ?? '?'}) is 1: ${advice}` }];
    }
    for (let j = 0; j < i; j++) {
      const [a, b] = [matrix[i]?.[j] ?? null, matrix[j]?.[i] ?? null];
      if (a === b || (a !== null && b !== null && !differs(a, b))) continue;
      return [{ path: `correlation.matrix.${String(i)}.${String(j)}`, message: `is ${shown(a)}, but correlation.matrix.${String(j)}.${String(i)} is ${shown(b)} (${ids[i] ?? '?'} and ${ids[j] ?? '?'}): a correlation matrix is symmetric: ${advice}` }];
    }
  }
  return [];
}

/**
 * The sum of `contributions` when it misses `target` by more than {@link RELATIVE} of the larger
 * of 1 and the figures' sizes, else null (what a sum of those figures rounds to).
 */
function sumMissing(contributions: readonly number[], target: number): number | null {
  let sum = 0;
  let scale = Math.abs(target);
  for (const value of contributions) {
    sum += value;
    scale += Math.abs(value);
  }
  return Math.abs(sum - target) > RELATIVE * Math.max(1, scale) ? sum : null;
}

/**
 * Sleeves mode's attribution: each period's contributions sum to the portfolio's return over it,
 * which is the compounded calendar return of the same label, and the sleeves' total
 * contributions to the portfolio's total return. (A shared run's shadow sleeves leave a residual.)
 * `path` is where the file keeps the periods.
 */
function attributionIssues(input: ReportInput, path: string, advice: string): ConfigIssue[] {
  const config = input.config;
  if (input.sleeves.length === 0 || (typeof config === 'object' && config !== null && (config as { mode?: unknown }).mode === 'shared')) return [];
  const issues: ConfigIssue[] = [];
  const monthly = new Map(input.portfolio.metrics.monthlyReturns.map((period) => [period.label, period.return]));
  for (const [k, period] of (input.attribution?.periods ?? []).entries()) {
    const portfolioReturn = period.portfolioReturn;
    if (typeof portfolioReturn !== 'number') continue;
    const compounded = monthly.get(period.label);
    if (typeof compounded === 'number' && differs(portfolioReturn, compounded)) {
      issues.push({ path: `${path}.${String(k)}.portfolioReturn`, message: `is ${String(portfolioReturn)} (${period.label}), but the equity curve gives ${String(compounded)}: ${advice}` });
      break;
    }
    const contributions = Object.values(period.bySleeve);
    if (contributions.some((value) => typeof value !== 'number')) continue;
    const sum = sumMissing(contributions as number[], portfolioReturn);
    if (sum !== null) {
      issues.push({ path: `${path}.${String(k)}.bySleeve`, message: `sums to ${String(sum)} (${period.label}), but the portfolio's return over the period is ${String(portfolioReturn)}, which the sleeves' contributions add up to: ${advice}` });
      break;
    }
  }
  const total = input.portfolio.metrics.metrics.totalReturn;
  if (typeof total === 'number') {
    const sum = sumMissing(input.sleeves.map((sleeve) => sleeve.contribution), total);
    if (sum !== null) {
      issues.push({ path: 'attribution.total.bySleeve', message: `sums to ${String(sum)}, but the portfolio's total return is ${String(total)}, which the sleeves' contributions add up to: ${advice}` });
    }
  }
  return issues;
}

/**
 * Every derived figure of `input` (read from a saved result) its curves contradict: the
 * portfolio's metrics, drawdowns and calendar returns, the sleeves' weights, the correlation
 * matrix and the attribution; `paths` say where the file keeps the portfolio's metrics and the
 * attribution's periods, `remake` what writes the file again.
 */
export function derivedFigureIssues(input: ReportInput, remake: string, paths: { readonly metrics: string; readonly attribution: string }): ConfigIssue[] {
  const advice = `the file was edited, is corrupt or was written by a release that computed it otherwise; write it again with ${remake}`;
  const metrics = metricsIssues(input, paths.metrics, advice);
  // The attribution is checked against the calendar returns once those are sound.
  return [...metrics, ...weightIssues(input, advice), ...correlationIssues(input, advice), ...(metrics.length === 0 ? attributionIssues(input, paths.attribution, advice) : [])];
}
