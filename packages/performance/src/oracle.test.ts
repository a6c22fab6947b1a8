/*
 * The metrics against an independent implementation: simple-statistics (dev-only), whose
 * conventions are — mean: Neumaier-compensated sum / n; sampleStandardDeviation: ddof = 1;
 * quantile: linear interpolation at (n − 1)·p (R type 7, numpy default); sampleSkewness:
 * adjusted Fisher–Pearson G1 (pandas skew(), scipy bias=False); sampleKurtosis: bias-corrected
 * excess kurtosis G2 (pandas kurt(), scipy fisher=True bias=False); sampleCorrelation: Pearson;
 * linearRegression: ordinary least squares slope `m` and intercept `b`.
 * Drawdown episodes and calendar tables are checked against brute-force re-implementations.
 */
import {
  linearRegression,
  max,
  mean,
  min,
  quantile,
  rootMeanSquare,
  sampleCorrelation,
  sampleKurtosis,
  sampleSkewness,
  sampleStandardDeviation,
} from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { IBM_2000, MSFT_2000 } from '../test/fixtures/dow-jones';
import { SP500_2000, SP500_2007_2009 } from '../test/fixtures/sp500';
import { computeMetrics } from './performance-calculator';
import type { DrawdownPeriod, PerformanceResult } from './types';

const DAY = 86_400_000;

function close(actual: number | null | undefined, expected: number, tolerance = 1e-12): void {
  expect(actual).toBeTypeOf('number');
  const error = Math.abs(actual! - expected);
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance * (expected === 0 ? 1 : Math.abs(expected)));
}

/** mulberry32: a small seeded generator, so every run tests the same series. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** Business days (Mon–Fri) from 2015-01-02, UTC midnight. */
function businessDays(count: number): number[] {
  const out: number[] = [];
  for (let t = Date.UTC(2015, 0, 2); out.length < count; t += DAY) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(t);
  }
  return out;
}

/** A geometric random walk: daily drift `mu`, volatility `sigma`, fat tails from a t-ish mixture. */
function randomCurve(seed: number, count: number, mu = 0.0004, sigma = 0.012): number[] {
  const next = random(seed);
  const equity = [100_000];
  for (let i = 1; i < count; i++) {
    const shock = next() < 0.05 ? 3 * gaussian(next) : gaussian(next);
    equity.push((equity[i - 1] ?? 0) * (1 + mu + sigma * shock));
  }
  return equity;
}

const fromFixture = (rows: readonly (readonly [string, number])[]) => ({
  time: rows.map(([date]) => Date.parse(`${date}T00:00:00Z`)),
  values: rows.map(([, value]) => value),
});

const simpleReturns = (values: readonly number[]) => values.slice(1).map((v, i) => v / (values[i] ?? 0) - 1);

/** Drawdown episodes by brute force: underwater from prefix maxima, then maximal runs below 0. */
function bruteForceDrawdowns(time: readonly number[], values: readonly number[]): Omit<DrawdownPeriod, 'days'>[] {
  const underwater = values.map((v, t) => v / max(values.slice(0, t + 1)) - 1);
  const episodes: Omit<DrawdownPeriod, 'days'>[] = [];
  let t = 0;
  while (t < values.length) {
    if ((underwater[t] ?? 0) >= 0) {
      t++;
      continue;
    }
    const start = t;
    while (t < values.length && (underwater[t] ?? 0) < 0) t++;
    const run = underwater.slice(start, t);
    const depth = min(run);
    const troughIndex = start + run.indexOf(depth);
    const recoveryIndex = t < values.length ? t : null;
    episodes.push({
      peak: time[start - 1] ?? Number.NaN,
      trough: time[troughIndex] ?? Number.NaN,
      recovery: recoveryIndex === null ? null : (time[recoveryIndex] ?? Number.NaN),
      peakIndex: start - 1,
      troughIndex,
      recoveryIndex,
      depth,
      bars: (recoveryIndex ?? values.length - 1) - (start - 1),
    });
  }
  return episodes;
}

/** Compounded calendar returns by grouping each return under its bar's ISO month or year. */
function bruteForceCalendar(time: readonly number[], values: readonly number[], width: 4 | 7): Map<string, number> {
  const groups = new Map<string, number>();
  simpleReturns(values).forEach((r, i) => {
    const label = new Date(time[i + 1] ?? 0).toISOString().slice(0, width);
    groups.set(label, (groups.get(label) ?? 1) * (1 + r));
  });
  return new Map([...groups].map(([label, growth]) => [label, growth - 1]));
}

function checkAgainstOracle(time: number[], values: number[], options: { riskFreeRate?: number; varConfidence?: number } = {}) {
  const result: PerformanceResult = computeMetrics({ equity: { time, equity: values } }, options);
  const m = result.metrics;
  const P = result.periodsPerYear;
  const rf = (1 + (options.riskFreeRate ?? 0)) ** (1 / P) - 1;
  const c = options.varConfidence ?? 0.95;
  const r = simpleReturns(values);
  const excess = r.map((x) => x - rf);
  const n = r.length;

  close(m.volatility, sampleStandardDeviation(r) * Math.sqrt(P));
  close(m.sharpe, (mean(excess) / sampleStandardDeviation(excess)) * Math.sqrt(P));
  close(m.sortino, (mean(excess) / rootMeanSquare(excess.map((x) => Math.min(x, 0)))) * Math.sqrt(P));
  close(m.skew, sampleSkewness(r));
  close(m.kurtosis, sampleKurtosis(r));
  close(m.valueAtRisk, quantile(r, 1 - c));
  const sorted = [...r].sort((a, b) => a - b);
  close(m.conditionalValueAtRisk, mean(sorted.slice(0, Math.floor((n - 1) * (1 - c)) + 1)));
  close(m.bestReturn, max(r));
  close(m.worstReturn, min(r));
  close(m.totalReturn, (values[n] ?? 0) / (values[0] ?? 0) - 1);
  close(m.cagr, ((values[n] ?? 0) / (values[0] ?? 0)) ** (P / n) - 1);

  const episodes = bruteForceDrawdowns(time, values);
  const deepestFirst = [...episodes].sort((a, b) => a.depth - b.depth);
  close(m.maxDrawdown, deepestFirst[0]?.depth ?? 0);
  expect(result.drawdowns.map(({ days: _days, ...rest }) => rest)).toEqual(deepestFirst.slice(0, 5));
  const longest = episodes.reduce((best, e) => (e.bars > best.bars ? e : best), episodes[0] ?? { bars: 0 });
  expect(m.longestDrawdownBars).toBe(longest.bars);
  close(m.calmar, (m.cagr ?? 0) / Math.abs(deepestFirst[0]?.depth ?? Number.NaN));

  for (const [rows, width] of [
    [result.monthlyReturns, 7],
    [result.yearlyReturns, 4],
  ] as const) {
    const expected = bruteForceCalendar(time, values, width);
    expect(rows.map((row) => row.label)).toEqual([...expected.keys()]);
    // Compared as growth factors 1 + r: the oracle's product of ~21 daily factors carries ~1e-15 of
    // rounding, which is more than 1e-12 of a monthly return near zero.
    for (const row of rows) close(1 + (row.return ?? Number.NaN), 1 + (expected.get(row.label) ?? Number.NaN));
  }
  return result;
}

describe('metrics against simple-statistics and brute force', () => {
  it.each([1, 2, 3])('random business-day curve (seed %i)', (seed) => {
    const values = randomCurve(seed, 1500);
    const result = checkAgainstOracle(businessDays(values.length), values);
    expect(result.periodsPerYear).toBe(252);
  });

  it('random curve with a risk-free rate and another VaR level', () => {
    const values = randomCurve(7, 800, 0.0002, 0.02);
    checkAgainstOracle(businessDays(values.length), values, { riskFreeRate: 0.035, varConfidence: 0.99 });
  });

  it('S&P 500 closes 2007–2009, with the 2008 crash', () => {
    const { time, values } = fromFixture(SP500_2007_2009);
    const result = checkAgainstOracle(time, values);
    // The crash: the close of 2007-10-09 (1565.15) is the peak, 2009-03-09 (676.53) the trough,
    // and the index had not recovered by the end of 2009.
    expect(result.maxDrawdownPeriod).toMatchObject({
      peak: Date.parse('2007-10-09T00:00:00Z'),
      trough: Date.parse('2009-03-09T00:00:00Z'),
      recovery: null,
    });
    close(result.metrics.maxDrawdown, 676.530029 / 1565.150024 - 1);
    expect(result.monthlyReturns).toHaveLength(36);
  });
});

describe('benchmark metrics against simple-statistics', () => {
  function checkBenchmark(
    strategy: { time: number[]; values: number[] },
    benchmark: { time: number[]; values: number[] },
    riskFreeRate = 0,
  ) {
    const m = computeMetrics({ equity: { time: strategy.time, equity: strategy.values } }, { benchmark, riskFreeRate, periodsPerYear: 252 }).metrics;
    const common = strategy.time.filter((t) => benchmark.time.includes(t));
    const s = common.map((t) => strategy.values[strategy.time.indexOf(t)] ?? Number.NaN);
    const b = common.map((t) => benchmark.values[benchmark.time.indexOf(t)] ?? Number.NaN);
    const rs = simpleReturns(s);
    const rb = simpleReturns(b);
    const rf = (1 + riskFreeRate) ** (1 / 252) - 1;
    const fit = linearRegression(rb.map((x, i) => [x - rf, (rs[i] ?? 0) - rf]));
    const active = rs.map((x, i) => x - (rb[i] ?? 0));
    close(m.beta, fit.m);
    close(m.alpha, (1 + fit.b) ** 252 - 1);
    close(m.correlation, sampleCorrelation(rs, rb));
    close(m.trackingError, sampleStandardDeviation(active) * Math.sqrt(252));
    close(m.informationRatio, (mean(active) / sampleStandardDeviation(active)) * Math.sqrt(252));
    close(m.benchmarkReturn, (b[b.length - 1] ?? 0) / (b[0] ?? 0) - 1);
  }

  it('IBM against the S&P 500 in 2000, benchmark missing every seventh day', () => {
    const sp = fromFixture(SP500_2000);
    const sparse = { time: sp.time.filter((_, i) => i % 7 !== 3), values: sp.values.filter((_, i) => i % 7 !== 3) };
    checkBenchmark(fromFixture(IBM_2000), sparse);
  });

  it('MSFT against the S&P 500 in 2000 with a risk-free rate', () => {
    checkBenchmark(fromFixture(MSFT_2000), fromFixture(SP500_2000), 0.06);
  });

  it('a random curve against a correlated random benchmark', () => {
    const next = random(11);
    const time = businessDays(1000);
    const benchmark = [100];
    const strategy = [100];
    for (let i = 1; i < time.length; i++) {
      const market = 0.0003 + 0.01 * gaussian(next);
      benchmark.push((benchmark[i - 1] ?? 0) * (1 + market));
      strategy.push((strategy[i - 1] ?? 0) * (1 + 0.0002 + 1.3 * market + 0.006 * gaussian(next)));
    }
    checkBenchmark({ time, values: strategy }, { time, values: benchmark }, 0.02);
  });
});
