import { ConfigError, checkArguments, describeGiven, noopLogger, nullAsAbsent, optionsIssue, periodsPerYearProblem } from '@ensemble/protocol';
import { columnIssue, optionalNumberIssue, performanceInputIssue, performanceOptionsIssues } from './internal/arguments';
import type { ConfigIssue, Logger } from '@ensemble/protocol';
import { exposureMetrics, fillMetrics, tradeMetrics } from './book-metrics';
import type { Writable } from './book-metrics';
import { calendarReturns } from './calendar-returns';
import { scanDrawdowns } from './drawdowns';
import type { DrawdownAnalysis } from './drawdowns';
import { benchmarkColumn, checkColumn, checkTime, toColumns } from './internal/input-checks';
import { orderStatisticInPlace, quantilePosition } from './internal/select';
import { centralSums, compensatedSum, crossDeviationSum } from './internal/stats';
import { inferPeriodsPerYear } from './periods';
import type {
  BenchmarkSeries,
  DrawdownPeriod,
  PerformanceInput,
  PerformanceMetrics,
  PerformanceOptions,
  PerformanceResult,
} from './types';

/**
 * A per-period standard deviation of returns below this is floating-point noise (returns computed
 * from prices carry errors of about 1e-16) and counts as zero, so that a steadily compounding
 * curve has a null Sharpe ratio instead of an astronomically large one.
 */
export const RETURN_STD_NOISE = 1e-13;

const DEFAULT_VAR_CONFIDENCE = 0.95;

/**
 * Simple returns `r_t = V_t / V_{t−1} − 1` of an equity curve: `length − 1` of them (NaN where
 * V_{t−1} ≤ 0). With `start` (the `startEquity` of {@link PerformanceInput}: the equity before the
 * first point), `length` of them, the first `V_0 / start − 1`: the returns the metrics read.
 */
export function returnsFromEquity(equity: ArrayLike<number>, start?: number): Float64Array {
  checkArguments('returnsFromEquity', [columnIssue(equity, 'equity', 'an equity curve'), optionalNumberIssue(start, 'start', 'the equity before the first point')]);
  if (start === undefined || equity.length === 0) return writeReturns(equity, new Float64Array(Math.max(0, equity.length - 1)));
  const out = new Float64Array(equity.length);
  out[0] = start > 0 ? (equity[0] ?? Number.NaN) / start - 1 : Number.NaN;
  writeReturns(equity, out.subarray(1));
  return out;
}

/** {@link returnsFromEquity} of `equity` written into `returns` (`equity.length − 1` long). */
function writeReturns(equity: ArrayLike<number>, returns: Float64Array): Float64Array {
  const n = returns.length;
  for (let t = 0; t < n; t++) {
    const base = equity[t] ?? Number.NaN;
    returns[t] = base > 0 ? (equity[t + 1] ?? Number.NaN) / base - 1 : Number.NaN;
  }
  return returns;
}

/**
 * Columns the metrics compute returns into and never hand out, taken and given back within one
 * call: a research sweep measures thousands of curves, and three fresh return columns per curve
 * were most of the array memory a job allocated — memory outside the JS heap, whose growth makes
 * V8 collect early. Only columns up to {@link SCRATCH_MAX} values are kept for reuse, at most
 * {@link SCRATCH_KEPT} of them, so a long curve measured once holds no memory afterwards.
 */
const scratchColumns: Float64Array[] = [];
const SCRATCH_MAX = 1 << 17;
const SCRATCH_KEPT = 4;

/** The returns of `equity` in a scratch column (see {@link scratchColumns}); give it back with {@link releaseReturns}. */
function scratchReturns(equity: ArrayLike<number>): Float64Array {
  const n = Math.max(0, equity.length - 1);
  let column = scratchColumns.pop();
  if (column === undefined || column.length < n) column = new Float64Array(n);
  return writeReturns(equity, column.length === n ? column : column.subarray(0, n));
}

/** Gives a column of {@link scratchReturns} back for reuse. */
function releaseReturns(column: Float64Array): void {
  const whole = column.buffer.byteLength / Float64Array.BYTES_PER_ELEMENT;
  if (whole <= SCRATCH_MAX && scratchColumns.length < SCRATCH_KEPT) scratchColumns.push(column.length === whole ? column : new Float64Array(column.buffer));
}

/** Finite numbers pass (−0 becomes 0); NaN, ±Infinity and null become null. */
const finite = (value: number | null): number | null =>
  value === null || !Number.isFinite(value) ? null : value === 0 ? 0 : value;

const snapStd = (std: number): number => (std < RETURN_STD_NOISE ? 0 : std);

function emptyMetrics(): Writable<PerformanceMetrics> {
  return {
    bars: null,
    startEquity: null,
    endEquity: null,
    totalReturn: null,
    cagr: null,
    volatility: null,
    sharpe: null,
    sortino: null,
    maxDrawdown: null,
    maxDrawdownBars: null,
    maxDrawdownDays: null,
    longestDrawdownBars: null,
    longestDrawdownDays: null,
    calmar: null,
    bestReturn: null,
    worstReturn: null,
    valueAtRisk: null,
    conditionalValueAtRisk: null,
    skew: null,
    kurtosis: null,
    tradeCount: null,
    winRate: null,
    profitFactor: null,
    expectancy: null,
    averageWin: null,
    averageLoss: null,
    bestTrade: null,
    worstTrade: null,
    averageBarsHeld: null,
    sqn: null,
    exposure: null,
    timeInMarket: null,
    turnover: null,
    annualTurnover: null,
    totalCommission: null,
    totalSlippage: null,
    totalCosts: null,
    benchmarkReturn: null,
    alpha: null,
    beta: null,
    correlation: null,
    trackingError: null,
    informationRatio: null,
  };
}

/**
 * The curve `time`/`equity` after a first point worth `start` at the first point's time: the
 * run's starting equity (`startEquity`), before that bar's fills. (Only returns, drawdowns and
 * the calendar tables read it; the benchmark is aligned with the points.)
 */
function withStart(time: ArrayLike<number>, equity: ArrayLike<number>, start: number): { time: Float64Array; equity: Float64Array } {
  const bars = time.length;
  const outTime = new Float64Array(bars + 1);
  const outEquity = new Float64Array(bars + 1);
  outTime[0] = time[0] ?? Number.NaN;
  outEquity[0] = start;
  for (let t = 0; t < bars; t++) {
    outTime[t + 1] = time[t] ?? Number.NaN;
    outEquity[t + 1] = equity[t] ?? Number.NaN;
  }
  return { time: outTime, equity: outEquity };
}

/** A drawdown found on a curve led by the starting equity, its indices put back on the points (the start as the first bar's). */
function onPoints(period: DrawdownPeriod): DrawdownPeriod {
  return {
    ...period,
    peakIndex: Math.max(0, period.peakIndex - 1),
    troughIndex: Math.max(0, period.troughIndex - 1),
    recoveryIndex: period.recoveryIndex === null ? null : period.recoveryIndex - 1,
  };
}

/** What `compute` and `metrics` share: the curve's columns, its metrics and its drawdowns. */
interface Measured {
  /** The curve the returns were read from: the points, after the starting equity when given. */
  readonly time: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  /** The time of the first point. */
  readonly first: number;
  readonly bars: number;
  readonly P: number;
  readonly inferred: boolean;
  readonly metrics: PerformanceMetrics;
  readonly drawdowns: DrawdownAnalysis | null;
}

/**
 * Computes performance metrics from equity curves, trades and fills with empyrical/quantstats
 * conventions (see {@link PerformanceMetrics} for each formula). Holds the options, so one
 * calculator can measure a portfolio and each of its sleeves the same way (same `P`, rf and
 * benchmark). Pure: no I/O, and the inputs are never modified.
 */
export class PerformanceCalculator {
  /** The given periods per year, or undefined to infer them from each curve's bar spacing. */
  readonly periodsPerYear: number | undefined;
  /** Annual risk-free rate, a fraction. */
  readonly riskFreeRate: number;
  /** VaR/CVaR confidence level in (0, 1). */
  readonly varConfidence: number;
  /** The series the benchmark metrics compare against, if any. */
  readonly benchmark: BenchmarkSeries | undefined;
  private readonly logger: Logger;

  /**
   * Validates `options`: throws a `ConfigError` listing every invalid option, or a
   * `DataValidationError` naming the column and index of a bad benchmark value or timestamp.
   */
  constructor(given: PerformanceOptions = {}) {
    // From JavaScript the options can be anything: a wrong kind failed inside as a TypeError.
    checkArguments('PerformanceCalculator', [optionsIssue(given)]);
    const options = nullAsAbsent(given, {});
    checkArguments('PerformanceCalculator', performanceOptionsIssues(options));
    const issues: ConfigIssue[] = [];
    const { periodsPerYear, riskFreeRate = 0, varConfidence = DEFAULT_VAR_CONFIDENCE } = options;
    const periodsProblem = periodsPerYear === undefined ? null : periodsPerYearProblem(periodsPerYear);
    if (periodsProblem !== null) issues.push({ path: 'periodsPerYear', message: `${periodsProblem}, got ${typeof periodsPerYear === 'number' ? String(periodsPerYear) : describeGiven(periodsPerYear)}` });
    if (!(Number.isFinite(riskFreeRate) && riskFreeRate > -1)) {
      issues.push({ path: 'riskFreeRate', message: `must be an annual rate as a finite fraction above -1 (e.g. 0.02 for 2 %), got ${riskFreeRate}` });
    }
    if (!(varConfidence > 0 && varConfidence < 1)) {
      issues.push({ path: 'varConfidence', message: `must be strictly between 0 and 1 (e.g. 0.95), got ${varConfidence}` });
    }
    if (issues.length > 0) throw new ConfigError(issues, { source: 'performance options' });
    if (options.benchmark !== undefined) {
      const { field, values } = benchmarkColumn(options.benchmark);
      checkTime('benchmark', options.benchmark.time);
      checkColumn('benchmark', field, values, options.benchmark.time.length);
    }
    this.periodsPerYear = periodsPerYear;
    this.riskFreeRate = riskFreeRate;
    this.varConfidence = varConfidence;
    this.benchmark = options.benchmark;
    this.logger = (options.logger ?? noopLogger).child({ component: 'performance' });
  }

  /**
   * Measures one equity curve (with its trades and fills, if given). Throws a
   * `DataValidationError` naming the column and index of a non-finite value, a timestamp that is
   * not strictly increasing, or a column whose length differs from `time`.
   */
  compute(input: PerformanceInput): PerformanceResult {
    checkArguments('PerformanceCalculator.compute', [performanceInputIssue(input)]);
    const { time, equity, first, bars, P, inferred, metrics, drawdowns } = this.measure(input);
    return {
      periodsPerYear: P,
      periodsPerYearInferred: inferred,
      riskFreeRate: this.riskFreeRate,
      varConfidence: this.varConfidence,
      start: bars > 0 ? first : null,
      end: bars > 0 ? (time[time.length - 1] ?? null) : null,
      metrics,
      maxDrawdownPeriod: drawdowns?.top[0] ?? null,
      drawdowns: drawdowns?.top ?? [],
      monthlyReturns: calendarReturns(time, equity, 'month'),
      yearlyReturns: calendarReturns(time, equity, 'year'),
    };
  }

  /**
   * The metrics of one equity curve alone: `compute(input).metrics` without the monthly and
   * yearly tables (for callers that rank many runs by a metric). Throws as `compute` does.
   */
  metrics(input: PerformanceInput): PerformanceMetrics {
    checkArguments('PerformanceCalculator.metrics', [performanceInputIssue(input)]);
    return this.measure(input).metrics;
  }

  private measure(input: PerformanceInput): Measured {
    const points = toColumns(input.equity);
    const { grossExposure } = points;
    checkTime('equity curve', points.time);
    checkColumn('equity curve', 'equity', points.equity, points.time.length);
    if (grossExposure !== undefined) checkColumn('equity curve', 'grossExposure', grossExposure, points.time.length);
    const start = input.startEquity;
    if (start !== undefined && !Number.isFinite(start)) {
      throw new ConfigError([{ path: 'startEquity', message: `must be a finite number (the run's initial cash), got ${typeof start === 'number' ? String(start) : describeGiven(start)}` }], { source: 'performance input' });
    }

    const bars = points.time.length;
    const inferred = this.periodsPerYear === undefined;
    const P = this.periodsPerYear ?? inferPeriodsPerYear(points.time);
    // The curve the returns are read from: the points, after the starting equity when given.
    const { time, equity } = start === undefined || bars === 0 ? points : withStart(points.time, points.equity, start);
    const n = Math.max(0, time.length - 1);
    const sqrtP = Math.sqrt(P);
    const rf = Math.pow(1 + this.riskFreeRate, 1 / P) - 1;
    const m = emptyMetrics();
    m.bars = bars;

    const first = equity[0] ?? Number.NaN;
    const last = equity[time.length - 1] ?? Number.NaN;
    if (bars > 0) {
      m.startEquity = first;
      m.endEquity = last;
    }

    let returnsDefined = n >= 1;
    for (let t = 0; t < n; t++) {
      if (!((equity[t] ?? 0) > 0)) {
        returnsDefined = false;
        this.logger.warn(
          { index: t, time: time[t], equity: equity[t] },
          'equity is not positive: returns after it are undefined, return-based metrics are null',
        );
        break;
      }
    }

    if (n >= 1 && first > 0) {
      const growth = last / first;
      m.totalReturn = growth - 1;
      m.cagr = growth >= 0 ? Math.pow(growth, P / n) - 1 : null;
    }

    if (returnsDefined) {
      const returns = scratchReturns(equity);
      this.returnMetrics(m, returns, rf, sqrtP);
      releaseReturns(returns);
    }

    // Led by the start, the curve's first bar is its second point: a peak at the start is the first bar's.
    const found = n >= 1 ? scanDrawdowns(time, equity, 5, time === points.time ? 0 : 1) : null;
    const analysis = found === null || time === points.time ? found : { ...found, top: found.top.map(onPoints) };
    // A depth can only overflow for a subnormal peak over a negative trough: then it is undefined.
    const drawdowns = analysis !== null && Number.isFinite(analysis.maxDepth) ? analysis : null;
    if (drawdowns !== null) {
      const deepest = drawdowns.top[0];
      m.maxDrawdown = drawdowns.maxDepth;
      m.maxDrawdownBars = deepest?.bars ?? 0;
      m.maxDrawdownDays = deepest?.days ?? 0;
      m.longestDrawdownBars = drawdowns.longestBars;
      m.longestDrawdownDays = drawdowns.longestDays;
      m.calmar = m.cagr !== null && drawdowns.maxDepth < 0 ? m.cagr / -drawdowns.maxDepth : null;
    }

    if (input.trades !== undefined) tradeMetrics(m, input.trades);
    if (grossExposure !== undefined && bars > 0) exposureMetrics(m, points.equity, grossExposure);
    if (input.fills !== undefined) fillMetrics(m, input.fills, points.equity, P);
    if (this.benchmark !== undefined) this.benchmarkMetrics(m, points.time, points.equity, rf, P);

    for (const key of Object.keys(m) as (keyof PerformanceMetrics)[]) m[key] = finite(m[key]);

    this.logger.debug(
      { bars, periodsPerYear: P, periodsPerYearInferred: inferred, trades: input.trades?.length, fills: input.fills?.length },
      'performance metrics computed',
    );
    return { time, equity, first: points.time[0] ?? Number.NaN, bars, P, inferred, metrics: m, drawdowns };
  }

  private returnMetrics(m: Writable<PerformanceMetrics>, returns: Float64Array, rf: number, sqrtP: number): void {
    const n = returns.length;
    const sums = centralSums(returns);
    const std = n >= 2 ? snapStd(Math.sqrt(sums.s2 / (n - 1))) : Number.NaN;
    const excessMean = sums.mean - rf;

    let best = Number.NEGATIVE_INFINITY;
    let worst = Number.POSITIVE_INFINITY;
    let downside = 0;
    for (let t = 0; t < n; t++) {
      const r = returns[t] ?? 0;
      if (r > best) best = r;
      if (r < worst) worst = r;
      const below = r - rf;
      if (below < 0) downside += below * below;
    }
    const downsideDeviation = Math.sqrt(downside / n);

    // One return is no sample of either deviation: a single loss gave a Sortino ratio of −√P,
    // whatever its size (empyrical returns NaN below 2 returns for both ratios).
    if (n >= 2) {
      m.volatility = std * sqrtP;
      m.sharpe = std > 0 ? (excessMean / std) * sqrtP : null;
      m.sortino = downsideDeviation > 0 ? (excessMean / downsideDeviation) * sqrtP : null;
    }
    m.bestReturn = best;
    m.worstReturn = worst;
    if (n >= 3 && std > 0) {
      m.skew = (n * sums.s3) / ((n - 1) * (n - 2) * Math.pow(Math.sqrt(sums.s2 / (n - 1)), 3));
    }
    if (n >= 4 && std > 0) {
      m.kurtosis = ((n - 1) / ((n - 2) * (n - 3))) * ((n * (n + 1) * sums.s4) / (sums.s2 * sums.s2) - 3 * (n - 1));
    }

    // VaR/CVaR: select in place (returns is our own copy); the k + 1 smallest end up first.
    const position = quantilePosition(n, 1 - this.varConfidence);
    m.valueAtRisk = orderStatisticInPlace(returns, position);
    const k = Math.floor(position);
    m.conditionalValueAtRisk = compensatedSum(returns.subarray(0, k + 1)) / (k + 1);
  }

  private benchmarkMetrics(
    m: Writable<PerformanceMetrics>,
    time: ArrayLike<number>,
    equity: ArrayLike<number>,
    rf: number,
    P: number,
  ): void {
    const benchmark = this.benchmark;
    if (benchmark === undefined) return;
    const benchmarkTime = benchmark.time;
    const { values } = benchmarkColumn(benchmark);

    const aligned = alignBenchmark(time, equity, benchmarkTime, values);
    if (aligned === null) {
      this.logger.warn({ commonTimestamps: commonCount(time, benchmarkTime) }, 'benchmark shares fewer than 2 timestamps with the equity curve: benchmark metrics are null');
      return;
    }
    const { strategyValues, benchmarkValues } = aligned;
    const common = strategyValues.length;

    const benchmarkFirst = benchmarkValues[0] ?? Number.NaN;
    if (benchmarkFirst > 0) m.benchmarkReturn = (benchmarkValues[common - 1] ?? Number.NaN) / benchmarkFirst - 1;

    for (let k = 0; k < common - 1; k++) {
      if (!((strategyValues[k] ?? 0) > 0 && (benchmarkValues[k] ?? 0) > 0)) {
        this.logger.warn({ index: k }, 'non-positive value in the aligned equity or benchmark: benchmark metrics are null');
        return;
      }
    }
    const strategyReturns = scratchReturns(strategyValues);
    const benchmarkReturns = scratchReturns(benchmarkValues);
    try {
      this.activeMetrics(m, strategyReturns, benchmarkReturns, rf, P);
    } finally {
      releaseReturns(strategyReturns);
      releaseReturns(benchmarkReturns);
    }
  }

  /** Beta, alpha, correlation, tracking error and information ratio from aligned returns (`strategyReturns` is overwritten). */
  private activeMetrics(m: Writable<PerformanceMetrics>, strategyReturns: Float64Array, benchmarkReturns: Float64Array, rf: number, P: number): void {
    const n = strategyReturns.length;
    if (n < 2) return;
    const sqrtP = Math.sqrt(P);

    const s = centralSums(strategyReturns);
    const b = centralSums(benchmarkReturns);
    const covariance = crossDeviationSum(strategyReturns, benchmarkReturns, s.mean, b.mean) / (n - 1);
    const strategyStd = snapStd(Math.sqrt(s.s2 / (n - 1)));
    const benchmarkStd = snapStd(Math.sqrt(b.s2 / (n - 1)));
    if (benchmarkStd > 0) {
      const beta = covariance / (b.s2 / (n - 1));
      m.beta = beta;
      m.alpha = Math.pow(1 + (s.mean - rf) - beta * (b.mean - rf), P) - 1;
    }
    if (strategyStd > 0 && benchmarkStd > 0) m.correlation = covariance / strategyStd / benchmarkStd;

    for (let t = 0; t < n; t++) strategyReturns[t] = (strategyReturns[t] ?? 0) - (benchmarkReturns[t] ?? 0);
    const active = centralSums(strategyReturns);
    const activeStd = snapStd(Math.sqrt(active.s2 / (n - 1)));
    m.trackingError = activeStd * sqrtP;
    m.informationRatio = activeStd > 0 ? (active.mean / activeStd) * sqrtP : null;
  }
}

/** How many timestamps `time` and `other` (both strictly increasing) share. */
function commonCount(time: ArrayLike<number>, other: ArrayLike<number>): number {
  let common = 0;
  for (let i = 0, j = 0; i < time.length && j < other.length; ) {
    const a = time[i] ?? 0;
    const b = other[j] ?? 0;
    if (a === b) {
      common++;
      i++;
      j++;
    } else if (a < b) i++;
    else j++;
  }
  return common;
}

/** Whether `a` and `b` hold the same timestamps. */
function sameTimes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The equity and benchmark values at the timestamps both have, in time order, or null when they
 * share fewer than 2. When the benchmark has exactly the curve's timestamps (a benchmark from the
 * same data, the usual case) the columns are used as they are, not copied.
 */
function alignBenchmark(
  time: ArrayLike<number>,
  equity: ArrayLike<number>,
  benchmarkTime: ArrayLike<number>,
  values: ArrayLike<number>,
): { strategyValues: ArrayLike<number>; benchmarkValues: ArrayLike<number> } | null {
  if (sameTimes(time, benchmarkTime)) return time.length < 2 ? null : { strategyValues: equity, benchmarkValues: values };
  const common = commonCount(time, benchmarkTime);
  if (common < 2) return null;
  const strategyValues = new Float64Array(common);
  const benchmarkValues = new Float64Array(common);
  for (let i = 0, j = 0, k = 0; i < time.length && j < benchmarkTime.length; ) {
    const a = time[i] ?? 0;
    const b = benchmarkTime[j] ?? 0;
    if (a === b) {
      strategyValues[k] = equity[i] ?? Number.NaN;
      benchmarkValues[k] = values[j] ?? Number.NaN;
      k++;
      i++;
      j++;
    } else if (a < b) i++;
    else j++;
  }
  return { strategyValues, benchmarkValues };
}

/**
 * Computes every metric of {@link PerformanceResult} for one equity curve — shorthand for
 * `new PerformanceCalculator(options).compute(input)`.
 */
export function computeMetrics(input: PerformanceInput, options: PerformanceOptions = {}): PerformanceResult {
  checkArguments('computeMetrics', [performanceInputIssue(input), optionsIssue(options)]);
  return new PerformanceCalculator(options).compute(input);
}
