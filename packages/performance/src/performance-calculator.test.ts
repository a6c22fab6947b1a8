import { ConfigError, DataValidationError, createMemoryLogger } from '@ensemble/protocol';
import type { EquityCurve, EquityPoint } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { PerformanceCalculator, computeMetrics, returnsFromEquity } from './performance-calculator';

const DAY = 86_400_000;

/** Asserts `actual` equals `expected` to `tolerance` relative (absolute when `expected` is 0). */
function close(actual: number | null | undefined, expected: number, tolerance = 1e-12): void {
  expect(actual).toBeTypeOf('number');
  const error = Math.abs(actual! - expected);
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance * (expected === 0 ? 1 : Math.abs(expected)));
}

/*
 * The hand-worked series: month-end closes from 2020-12-31 to 2021-06-30 (7 points, 6 returns).
 *
 *   returns r      = 0.10, −0.05, 0.02, −0.10, 0.20, 0.03
 *   equity V       = 100, 110, 104.5, 106.59, 95.931, 115.1172, 118.570716
 *   spacings (d)   = 31, 28, 31, 30, 31, 30 → median 30.5 → monthly, P = 12
 *   Σr = 0.2, mean = 1/30
 *   deviations d·30 = 2, −2.5, −0.4, −4, 5, −0.1
 *   Σd² = 51.42/900, Σd³ = 53.31/27000, Σd⁴ = 936.0882/810000
 *   sample variance = Σd²/5 = 51.42/4500
 *   total return   = 1.1·0.95·1.02·0.9·1.2·1.03 − 1 = 0.18570716
 *   CAGR           = 1.18570716^(12/6) − 1 = 1.4059014692752656 − 1 (1.18570716² = 1.4059014692...)
 *   volatility     = sqrt(51.42/4500)·√12
 *   Sharpe         = (1/30) / sqrt(51.42/4500) · √12
 *   Sortino        = (1/30) / sqrt((0.05² + 0.10²)/6) · √12 = (1/30)/sqrt(0.0125/6)·√12
 *   drawdown       = one episode: peak 110 (2021-01-31, i=1), trough 95.931 (2021-04-30, i=4),
 *                    recovery 115.1172 ≥ 110 (2021-05-31, i=5); depth 95.931/110 − 1 = −0.1279;
 *                    4 bars, 28 + 31 + 30 + 31 = 120 days
 *   Calmar         = 0.4059014692752656 / 0.1279
 *   sorted r       = −0.10, −0.05, 0.02, 0.03, 0.10, 0.20
 *   VaR 95 %       = position 5·0.05 = 0.25 → −0.10 + 0.25·(−0.05 − (−0.10)) = −0.0875
 *   CVaR 95 %      = k = floor(0.25) = 0 → mean of {−0.10} = −0.10
 *   skew (G1)      = 6·Σd³ / (5·4·s³), s = sqrt(51.42/4500)
 *   kurtosis (G2)  = 5/(4·3) · (6·7·Σd⁴/(Σd²)² − 3·5) = 5/12 · (42·936.0882/2644.0164 − 15)
 */
const monthEnds = ['2020-12-31', '2021-01-31', '2021-02-28', '2021-03-31', '2021-04-30', '2021-05-31', '2021-06-30'].map(
  (date) => Date.parse(`${date}T00:00:00Z`),
);
const handEquity = [100, 110, 104.5, 106.59, 95.931, 115.1172, 118.570716];
const std = Math.sqrt(51.42 / 4500);

describe('computeMetrics on a hand-worked monthly series', () => {
  const result = computeMetrics({ equity: { time: monthEnds, equity: handEquity } });
  const m = result.metrics;

  it('infers monthly bars and reports it', () => {
    expect(result.periodsPerYear).toBe(12);
    expect(result.periodsPerYearInferred).toBe(true);
    expect(result.start).toBe(monthEnds[0]);
    expect(result.end).toBe(monthEnds[6]);
    expect(m.bars).toBe(7);
    expect(m.startEquity).toBe(100);
    expect(m.endEquity).toBe(118.570716);
  });

  it('computes return and risk metrics', () => {
    close(m.totalReturn, 0.18570716);
    close(m.cagr, 0.4059014692752656);
    close(m.volatility, std * Math.sqrt(12));
    close(m.sharpe, (1 / 30 / std) * Math.sqrt(12));
    close(m.sortino, (1 / 30 / Math.sqrt(0.0125 / 6)) * Math.sqrt(12));
    close(m.bestReturn, 0.2);
    close(m.worstReturn, -0.1);
    close(m.valueAtRisk, -0.0875);
    close(m.conditionalValueAtRisk, -0.1);
    close(m.skew, (6 * (53.31 / 27000)) / (5 * 4 * std ** 3));
    close(m.kurtosis, (5 / 12) * ((42 * 936.0882) / 2644.0164 - 15));
  });

  it('finds the drawdown, its dates and duration', () => {
    close(m.maxDrawdown, -0.1279);
    expect(m.maxDrawdownBars).toBe(4);
    expect(m.maxDrawdownDays).toBe(120);
    expect(m.longestDrawdownBars).toBe(4);
    expect(m.longestDrawdownDays).toBe(120);
    close(m.calmar, 0.4059014692752656 / 0.1279);
    expect(result.drawdowns).toHaveLength(1);
    const period = result.maxDrawdownPeriod;
    expect(period).toEqual(result.drawdowns[0]);
    expect(period).toMatchObject({
      peak: Date.parse('2021-01-31T00:00:00Z'),
      trough: Date.parse('2021-04-30T00:00:00Z'),
      recovery: Date.parse('2021-05-31T00:00:00Z'),
      peakIndex: 1,
      troughIndex: 4,
      recoveryIndex: 5,
      bars: 4,
      days: 120,
    });
    close(period?.depth, -0.1279);
  });

  it('compounds monthly and yearly returns', () => {
    expect(result.monthlyReturns.map((row) => row.label)).toEqual(['2021-01', '2021-02', '2021-03', '2021-04', '2021-05', '2021-06']);
    [0.1, -0.05, 0.02, -0.1, 0.2, 0.03].forEach((r, i) => {
      const row = result.monthlyReturns[i];
      close(row?.return, r);
      expect(row).toMatchObject({ year: 2021, month: i + 1, bars: 1, start: monthEnds[i + 1], end: monthEnds[i + 1] });
    });
    expect(result.yearlyReturns).toHaveLength(1);
    expect(result.yearlyReturns[0]).toMatchObject({ label: '2021', year: 2021, month: null, bars: 6 });
    close(result.yearlyReturns[0]?.return, 0.18570716);
  });

  it('uses the risk-free rate per period as (1 + rf)^(1/P) − 1', () => {
    // rf annual = 1.01^12 − 1 → 0.01 per month. Excess returns r − 0.01 = 0.09, −0.06, 0.01, −0.11,
    // 0.19, 0.02: mean 1/30 − 0.01, same std; downside Σ = 0.06² + 0.11² = 0.0157.
    const withRf = computeMetrics({ equity: { time: monthEnds, equity: handEquity } }, { riskFreeRate: 1.01 ** 12 - 1 });
    expect(withRf.riskFreeRate).toBe(1.01 ** 12 - 1);
    close(withRf.metrics.sharpe, ((1 / 30 - 0.01) / std) * Math.sqrt(12));
    close(withRf.metrics.sortino, ((1 / 30 - 0.01) / Math.sqrt(0.0157 / 6)) * Math.sqrt(12));
    close(withRf.metrics.volatility, std * Math.sqrt(12));
  });

  it('uses the VaR confidence level', () => {
    // 1 − 0.8 = 0.2: position 5·0.2 = 1 (exactly, despite 1 − 0.8 = 0.19999999999999996) → −0.05;
    // CVaR: k = 1 → mean(−0.10, −0.05) = −0.075.
    const at80 = computeMetrics({ equity: { time: monthEnds, equity: handEquity } }, { varConfidence: 0.8 });
    expect(at80.varConfidence).toBe(0.8);
    close(at80.metrics.valueAtRisk, -0.05);
    close(at80.metrics.conditionalValueAtRisk, -0.075);
    // 0.5: position 2.5 → 0.02 + 0.5·(0.03 − 0.02) = 0.025; k = 2 → mean(−0.1, −0.05, 0.02) = −0.13/3.
    const at50 = computeMetrics({ equity: { time: monthEnds, equity: handEquity } }, { varConfidence: 0.5 });
    close(at50.metrics.valueAtRisk, 0.025);
    close(at50.metrics.conditionalValueAtRisk, -0.13 / 3);
  });
});

describe('trade, exposure and cost metrics', () => {
  /*
   * pnl = 100, −50, 30, −20, 0 (bars held 5, 3, 8, 2, 1)
   *   wins 2 of 5 → win rate 0.4; gross profit 130, gross loss 70 → profit factor 130/70
   *   expectancy 60/5 = 12; average win 65; average loss −35; best 100; worst −50; bars 19/5
   *   deviations 88, −62, 18, −32, −12 → Σ² = 13080 → std = sqrt(3270) → SQN = √5·12/sqrt(3270)
   * fills: 10 @ 100 (commission 1, slippage 0.5), 10 @ 110 (1.1, 0.55) → traded 2100,
   *   commission 2.1, slippage 1.05, costs 3.15; mean equity = 750.708916/7 →
   *   turnover = 2100·7/750.708916; annual = turnover·12/6
   * gross exposure 0, 110, 104.5, 0, 0, 57.5586, 0 → ratios 0, 1, 1, 0, 0, 0.5, 0 → mean 2.5/7;
   *   3 of 7 bars invested
   */
  const trades = [100, -50, 30, -20, 0].map((pnl, i) => ({ pnl, barsHeld: [5, 3, 8, 2, 1][i] ?? 0 }));
  const fills = [
    { quantity: 10, price: 100, commission: 1, slippage: 0.5 },
    { quantity: 10, price: 110, commission: 1.1, slippage: 0.55 },
  ];
  const curve: EquityCurve = {
    time: Float64Array.from(monthEnds),
    equity: Float64Array.from(handEquity),
    cash: Float64Array.from(handEquity),
    grossExposure: Float64Array.from([0, 110, 104.5, 0, 0, 57.5586, 0]),
  };
  const m = computeMetrics({ equity: curve, trades, fills }).metrics;

  it('computes trade statistics', () => {
    expect(m.tradeCount).toBe(5);
    close(m.winRate, 0.4);
    close(m.profitFactor, 130 / 70);
    close(m.expectancy, 12);
    close(m.averageWin, 65);
    close(m.averageLoss, -35);
    expect(m.bestTrade).toBe(100);
    expect(m.worstTrade).toBe(-50);
    close(m.averageBarsHeld, 19 / 5);
    close(m.sqn, (Math.sqrt(5) * 12) / Math.sqrt(3270));
  });

  it('computes exposure, turnover and costs', () => {
    close(m.exposure, 2.5 / 7);
    close(m.timeInMarket, 3 / 7);
    close(m.turnover, (2100 * 7) / 750.708916);
    close(m.annualTurnover, ((2100 * 7) / 750.708916) * 2);
    close(m.totalCommission, 2.1);
    close(m.totalSlippage, 1.05);
    close(m.totalCosts, 3.15);
  });

  it('returns null profit factor without a losing trade and null SQN for equal P&L', () => {
    const winners = computeMetrics({ equity: curve, trades: [{ pnl: 5, barsHeld: 1 }, { pnl: 5, barsHeld: 2 }] }).metrics;
    expect(winners.profitFactor).toBeNull();
    expect(winners.averageLoss).toBeNull();
    expect(winners.sqn).toBeNull();
    expect(winners.winRate).toBe(1);
    const losers = computeMetrics({ equity: curve, trades: [{ pnl: -5, barsHeld: 1 }, { pnl: -3, barsHeld: 2 }] }).metrics;
    expect(losers.profitFactor).toBe(0);
    expect(losers.averageWin).toBeNull();
    expect(losers.winRate).toBe(0);
  });

  it('leaves trades closed by a transfer out of every trade statistic', () => {
    // A sleeve's strategy closed two trades (+100, −50); the allocator's transfers sold parts of
    // its positions three times (+7, +9, −1). The statistics are the strategy's: 2 trades, 1 win.
    const trades = [
      { pnl: 7, barsHeld: 4, exitReason: 'transfer' as const },
      { pnl: 100, barsHeld: 10, exitReason: 'exit' as const },
      { pnl: 9, barsHeld: 2, exitReason: 'transfer' as const },
      { pnl: -50, barsHeld: 6, exitReason: 'stop-loss' as const },
      { pnl: -1, barsHeld: 1, exitReason: 'transfer' as const },
    ];
    const m = computeMetrics({ equity: curve, trades }).metrics;
    expect(m.tradeCount).toBe(2);
    expect(m.winRate).toBe(0.5);
    expect(m.profitFactor).toBe(2);
    expect(m.expectancy).toBe(25);
    expect(m.bestTrade).toBe(100);
    expect(m.worstTrade).toBe(-50);
    expect(m.averageBarsHeld).toBe(8);
    // Only transfers: no strategy trade.
    expect(computeMetrics({ equity: curve, trades: [{ pnl: 3, barsHeld: 1, exitReason: 'transfer' as const }] }).metrics.tradeCount).toBe(0);
  });

  // Regression: a buy-and-hold sleeve under an exposure cap reported a trade, with a win rate, for
  // every trim of the cap.
  it('leaves trades closed by a risk limit out of every trade statistic', () => {
    // The strategy closed +30 and −10; the cap trimmed three times (−2, −4, +1).
    const trades = [
      { pnl: -2, barsHeld: 3, exitReason: 'risk' as const },
      { pnl: 30, barsHeld: 5, exitReason: 'exit' as const },
      { pnl: -4, barsHeld: 7, exitReason: 'risk' as const },
      { pnl: 1, barsHeld: 2, exitReason: 'risk' as const },
      { pnl: -10, barsHeld: 9, exitReason: 'take-profit' as const },
    ];
    const m = computeMetrics({ equity: curve, trades }).metrics;
    expect(m.tradeCount).toBe(2);
    expect(m.winRate).toBe(0.5);
    expect(m.profitFactor).toBe(3);
    expect(m.expectancy).toBe(10);
    expect(m.worstTrade).toBe(-10);
    expect(m.averageBarsHeld).toBe(7);
  });
});

describe('benchmark metrics', () => {
  /*
   * Benchmark returns b = 0.05, −0.02, 0.03, −0.08, 0.10, 0.02 on the same dates
   *   (values 100, 105, 102.9, 105.987, 97.50804, 107.258844, 109.40402088)
   *   mean b = 1/60; deviations·60 = 2, −2.2, 0.8, −5.8, 5, 0.2 → Σdb² = 68.16/3600
   *   Σ dr·db = (2·2 + 2.5·2.2 − 0.4·0.8 + 4·5.8 + 5·5 − 0.1·0.2)/1800 = 57.36/1800
   *   beta = (57.36/1800)/(68.16/3600) = 114.72/68.16
   *   alpha (rf = 0) = (1 + 1/30 − beta/60)^12 − 1
   *   correlation = 57.36 / sqrt(51.42·68.16)
   *   active a = r − b = 0.05, −0.03, −0.01, −0.02, 0.10, 0.01: mean 1/60;
   *     deviations·60 = 2, −2.8, −1.6, −2.2, 5, −0.4 → Σ² = 44.4/3600 → var = 44.4/18000
   *   tracking error = sqrt(44.4/18000)·√12; information ratio = (1/60)/sqrt(44.4/18000)·√12
   */
  const benchmarkValues = [100, 105, 102.9, 105.987, 97.50804, 107.258844, 109.40402088];
  const beta = 114.72 / 68.16;

  it('computes alpha, beta, correlation, tracking error and information ratio', () => {
    const m = computeMetrics(
      { equity: { time: monthEnds, equity: handEquity } },
      { benchmark: { time: monthEnds, values: benchmarkValues } },
    ).metrics;
    close(m.benchmarkReturn, 0.0940402088);
    close(m.beta, beta);
    close(m.alpha, (1 + 1 / 30 - beta / 60) ** 12 - 1);
    close(m.correlation, 57.36 / Math.sqrt(51.42 * 68.16));
    close(m.trackingError, Math.sqrt(44.4 / 18000) * Math.sqrt(12));
    close(m.informationRatio, (1 / 60 / Math.sqrt(44.4 / 18000)) * Math.sqrt(12));
  });

  it('subtracts the risk-free rate in alpha as empyrical does', () => {
    // rf 0.01 per month: alpha = (1 + (1/30 − 0.01) − beta·(1/60 − 0.01))^12 − 1; beta unchanged.
    const m = computeMetrics(
      { equity: { time: monthEnds, equity: handEquity } },
      { benchmark: { time: monthEnds, values: benchmarkValues }, riskFreeRate: 1.01 ** 12 - 1 },
    ).metrics;
    close(m.beta, beta);
    close(m.alpha, (1 + (1 / 30 - 0.01) - beta * (1 / 60 - 0.01)) ** 12 - 1);
  });

  it('aligns on common timestamps and accepts close or equity columns', () => {
    // A benchmark with an extra timestamp in the middle and one before the start: only the 7 shared
    // timestamps count.
    const extraTime = [monthEnds[0]! - 10 * DAY, ...monthEnds.slice(0, 3), monthEnds[2]! + DAY, ...monthEnds.slice(3)];
    const extraValues = [90, ...benchmarkValues.slice(0, 3), 1, ...benchmarkValues.slice(3)];
    const asClose = computeMetrics(
      { equity: { time: monthEnds, equity: handEquity } },
      { benchmark: { time: extraTime, close: extraValues } },
    ).metrics;
    close(asClose.beta, beta);
    close(asClose.benchmarkReturn, 0.0940402088);
    const asEquity = computeMetrics(
      { equity: { time: monthEnds, equity: handEquity } },
      { benchmark: { time: monthEnds, equity: benchmarkValues } },
    ).metrics;
    close(asEquity.informationRatio, (1 / 60 / Math.sqrt(44.4 / 18000)) * Math.sqrt(12));
  });

  it('a benchmark on the same timestamps (same array, a copy, or merged with extra ones) gives the same metrics', () => {
    const keys = ['benchmarkReturn', 'alpha', 'beta', 'correlation', 'trackingError', 'informationRatio'] as const;
    const sameArray = computeMetrics({ equity: { time: monthEnds, equity: handEquity } }, { benchmark: { time: monthEnds, values: benchmarkValues } }).metrics;
    const copied = computeMetrics(
      { equity: { time: Float64Array.from(monthEnds), equity: handEquity } },
      { benchmark: { time: [...monthEnds], values: Float64Array.from(benchmarkValues) } },
    ).metrics;
    const merged = computeMetrics(
      { equity: { time: monthEnds, equity: handEquity } },
      { benchmark: { time: [...monthEnds.slice(0, 2), monthEnds[1]! + DAY, ...monthEnds.slice(2)], values: [...benchmarkValues.slice(0, 2), 7, ...benchmarkValues.slice(2)] } },
    ).metrics;
    for (const key of keys) {
      expect(copied[key], key).toBe(sameArray[key]);
      expect(merged[key], key).toBe(sameArray[key]);
    }
  });

  it('is null without a benchmark, with too few common timestamps, or a flat benchmark', () => {
    const keys = ['benchmarkReturn', 'alpha', 'beta', 'correlation', 'trackingError', 'informationRatio'] as const;
    const none = computeMetrics({ equity: { time: monthEnds, equity: handEquity } }).metrics;
    for (const key of keys) expect(none[key]).toBeNull();

    const logger = createMemoryLogger();
    const disjoint = computeMetrics(
      { equity: { time: monthEnds, equity: handEquity } },
      { benchmark: { time: [1, 2, 3], values: [1, 2, 3] }, logger },
    ).metrics;
    for (const key of keys) expect(disjoint[key]).toBeNull();
    expect(logger.records.some((record) => record.level === 'warn' && record.fields.commonTimestamps === 0)).toBe(true);

    const flat = computeMetrics(
      { equity: { time: monthEnds, equity: handEquity } },
      { benchmark: { time: monthEnds, values: monthEnds.map(() => 50) } },
    ).metrics;
    expect(flat.benchmarkReturn).toBe(0);
    expect(flat.beta).toBeNull();
    expect(flat.alpha).toBeNull();
    expect(flat.correlation).toBeNull();
    expect(flat.trackingError).not.toBeNull();
  });
});

describe('null cases', () => {
  const days = (count: number) => Array.from({ length: count }, (_, i) => Date.UTC(2021, 0, 4) + i * DAY);

  it('a constant curve has zero volatility and drawdown but no Sharpe, Sortino, Calmar, skew or kurtosis', () => {
    const m = computeMetrics({ equity: { time: days(10), equity: Array<number>(10).fill(1000) } }).metrics;
    expect(m.totalReturn).toBe(0);
    expect(m.cagr).toBe(0);
    expect(m.volatility).toBe(0);
    expect(m.maxDrawdown).toBe(0);
    expect(m.maxDrawdownBars).toBe(0);
    expect(m.longestDrawdownBars).toBe(0);
    for (const key of ['sharpe', 'sortino', 'calmar', 'skew', 'kurtosis'] as const) expect(m[key]).toBeNull();
    expect(m.valueAtRisk).toBe(0);
  });

  it('a steadily compounding curve has a null Sharpe, not one inflated by rounding noise', () => {
    const equity = Array.from({ length: 50 }, (_, i) => 100 * 1.001 ** i);
    const m = computeMetrics({ equity: { time: days(50), equity } }).metrics;
    expect(m.volatility).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.maxDrawdown).toBe(0);
    expect(m.calmar).toBeNull();
  });

  it('a single point has its equity and nothing else', () => {
    const result = computeMetrics({ equity: { time: [Date.UTC(2021, 0, 4)], equity: [500] }, trades: [], fills: [] });
    const m = result.metrics;
    expect(m.bars).toBe(1);
    expect(m.startEquity).toBe(500);
    expect(m.endEquity).toBe(500);
    const numbers = new Set(['bars', 'startEquity', 'endEquity', 'tradeCount', 'totalCommission', 'totalSlippage', 'totalCosts', 'turnover']);
    for (const [key, value] of Object.entries(m)) {
      if (!numbers.has(key)) expect(value, key).toBeNull();
    }
    expect(m.tradeCount).toBe(0);
    expect(m.turnover).toBe(0);
    expect(m.annualTurnover).toBeNull();
    expect(result.periodsPerYear).toBe(252);
    expect(result.drawdowns).toEqual([]);
    expect(result.maxDrawdownPeriod).toBeNull();
    expect(result.monthlyReturns).toEqual([]);
  });

  it('an empty curve gives nulls and no start or end', () => {
    const result = computeMetrics({ equity: { time: [], equity: [] } });
    expect(result.start).toBeNull();
    expect(result.end).toBeNull();
    expect(result.metrics.bars).toBe(0);
    expect(result.metrics.startEquity).toBeNull();
    expect(result.metrics.totalReturn).toBeNull();
  });

  it('without trades, fills or exposure those metrics are null; with empty lists counts are 0', () => {
    const none = computeMetrics({ equity: { time: days(5), equity: [1, 2, 3, 2, 4] } }).metrics;
    for (const key of ['tradeCount', 'winRate', 'profitFactor', 'sqn', 'exposure', 'timeInMarket', 'turnover', 'totalCosts'] as const) {
      expect(none[key]).toBeNull();
    }
    const empty = computeMetrics({ equity: { time: days(5), equity: [1, 2, 3, 2, 4] }, trades: [], fills: [] }).metrics;
    expect(empty.tradeCount).toBe(0);
    expect(empty.winRate).toBeNull();
    expect(empty.expectancy).toBeNull();
    expect(empty.totalCosts).toBe(0);
    expect(empty.turnover).toBe(0);
    expect(empty.annualTurnover).toBe(0);
  });

  it('two returns give a Sharpe and a Sortino ratio but no skew; three give skew but no kurtosis; one gives neither ratio', () => {
    const two = computeMetrics({ equity: { time: days(3), equity: [100, 110, 99] } }).metrics;
    expect(two.sharpe).not.toBeNull();
    // Returns 0.1 and −0.1: mean 0, so 0 whatever the downside deviation (√(0.01 / 2)).
    close(two.sortino, 0);
    expect(two.skew).toBeNull();
    const three = computeMetrics({ equity: { time: days(4), equity: [100, 110, 99, 120] } }).metrics;
    expect(three.skew).not.toBeNull();
    expect(three.kurtosis).toBeNull();
    const one = computeMetrics({ equity: { time: days(2), equity: [100, 90] } }).metrics;
    expect(one.volatility).toBeNull();
    expect(one.sharpe).toBeNull();
    // One return is no sample of a deviation: a single loss read −√252 whatever its size (empyrical: NaN below 2 returns).
    expect(one.sortino).toBeNull();
  });

  it('equity that is not positive makes returns undefined: return metrics null, a warning logged', () => {
    const logger = createMemoryLogger();
    const result = computeMetrics({ equity: { time: days(5), equity: [100, 50, 0, 10, 20] } }, { logger });
    const m = result.metrics;
    expect(m.sharpe).toBeNull();
    expect(m.volatility).toBeNull();
    expect(m.valueAtRisk).toBeNull();
    close(m.totalReturn, -0.8);
    close(m.maxDrawdown, -1);
    expect(result.monthlyReturns[0]?.return).toBeCloseTo(-0.8, 12);
    expect(logger.records.some((record) => record.level === 'warn' && record.fields.index === 2)).toBe(true);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('a CAGR that overflows is null, not Infinity', () => {
    // Two one-minute bars doubling: (2)^(98280) overflows.
    const m = computeMetrics({ equity: { time: [0, 60_000], equity: [1, 2] } }).metrics;
    expect(m.totalReturn).toBe(1);
    expect(m.cagr).toBeNull();
  });
});

describe('inputs', () => {
  it('accepts equity points and gives the same metrics as columns', () => {
    const points: EquityPoint[] = monthEnds.map((time, i) => ({ time, equity: handEquity[i] ?? 0, cash: 0 }));
    expect(computeMetrics({ equity: points })).toEqual(computeMetrics({ equity: { time: monthEnds, equity: handEquity } }));
  });

  it('refuses periodsPerYear outside 0.01 to 31,536,000,000, where annualised figures describe no data', () => {
    // 1e300 turned a Sharpe ratio of about 0.17 into 1.7e148 and 1e-300 every annualised figure into 0.
    for (const periodsPerYear of [1e300, 31_536_000_001, 1e-300, 0.0099, 0, -1, Number.NaN]) {
      expect(() => computeMetrics({ equity: { time: monthEnds, equity: handEquity } }, { periodsPerYear })).toThrow(/periodsPerYear: must be a number from 0\.01/);
    }
    for (const periodsPerYear of [0.01, 31_536_000_000]) {
      expect(computeMetrics({ equity: { time: monthEnds, equity: handEquity } }, { periodsPerYear }).periodsPerYear).toBe(periodsPerYear);
    }
  });

  it('uses an explicit periodsPerYear for annualisation and reports it', () => {
    const result = computeMetrics({ equity: { time: monthEnds, equity: handEquity } }, { periodsPerYear: 52 });
    expect(result.periodsPerYear).toBe(52);
    expect(result.periodsPerYearInferred).toBe(false);
    close(result.metrics.volatility, std * Math.sqrt(52));
    close(result.metrics.cagr, 1.18570716 ** (52 / 6) - 1);
  });

  it('does not modify its inputs', () => {
    const equity = Float64Array.from(handEquity);
    const time = Float64Array.from(monthEnds);
    computeMetrics({ equity: { time, equity } });
    expect(Array.from(equity)).toEqual(handEquity);
    expect(Array.from(time)).toEqual(monthEnds);
  });

  it('returns JSON-serialisable results', () => {
    const result = computeMetrics(
      { equity: { time: monthEnds, equity: handEquity }, trades: [{ pnl: 1, barsHeld: 1 }] },
      { benchmark: { time: monthEnds, values: handEquity.map((v) => v * 2 + 1) } },
    );
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    for (const value of Object.values(result.metrics)) expect(value === null || Number.isFinite(value)).toBe(true);
  });

  it('rejects unsorted or duplicate timestamps, non-finite values and ragged columns', () => {
    const attempt = (time: number[], equity: number[], grossExposure?: number[]) => () =>
      computeMetrics({ equity: grossExposure === undefined ? { time, equity } : { time, equity, grossExposure } });
    expect(attempt([1, 3, 2], [1, 1, 1])).toThrow(DataValidationError);
    try {
      attempt([1, 3, 2], [1, 1, 1])();
    } catch (error) {
      expect(DataValidationError.isInstance(error)).toBe(true);
      const problem = (error as DataValidationError).problems[0];
      expect(problem).toMatchObject({ file: 'equity curve', field: 'time', row: 3, rule: 'unsorted-dates' });
      // An equity curve is not market data: the error says what it validated.
      expect((error as DataValidationError).subject).toBe('equity curve');
      expect((error as Error).message).toMatch(/^Invalid equity curve:/);
    }
    expect(attempt([1, 2, 2], [1, 1, 1])).toThrow(/strictly increasing/);
    expect(attempt([1, 2, 3], [1, Number.NaN, 1])).toThrow(/equity at index 1 is not a finite number/);
    expect(attempt([1, 2, 3], [1, 1])).toThrow(/equity has 2 values but time has 3/);
    expect(attempt([1, 2, 3], [1, 1, 1], [0, 0])).toThrow(/grossExposure has 2 values/);
    expect(() => computeMetrics({ equity: { time: [1, 2] , equity: [1, 2] } }, { benchmark: { time: [2, 1], values: [1, 1] } })).toThrow(
      /benchmark/,
    );
  });

  it('rejects invalid options with every problem listed', () => {
    try {
      new PerformanceCalculator({ periodsPerYear: 0, riskFreeRate: -2, varConfidence: 1 });
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['periodsPerYear', 'riskFreeRate', 'varConfidence']);
    }
    expect(() => new PerformanceCalculator({ periodsPerYear: Number.NaN })).toThrow(/periodsPerYear/);
  });

  it('a calculator applies its options to every curve it measures', () => {
    const calculator = new PerformanceCalculator({ periodsPerYear: 12, riskFreeRate: 0.02, varConfidence: 0.9 });
    const a = calculator.compute({ equity: { time: monthEnds, equity: handEquity } });
    const b = calculator.compute({ equity: { time: monthEnds, equity: handEquity.map((v) => v * 3) } });
    expect(a.periodsPerYear).toBe(12);
    expect(b.varConfidence).toBe(0.9);
    close(b.metrics.sharpe, a.metrics.sharpe ?? Number.NaN, 1e-10);
  });

  it('metrics(input) is compute(input).metrics without the calendar tables', () => {
    const calculator = new PerformanceCalculator({ benchmark: { time: monthEnds, values: [100, 105, 102.9, 105.987, 97.50804, 107.258844, 109.40402088] } });
    const input = { equity: { time: monthEnds, equity: handEquity } };
    expect(calculator.metrics(input)).toEqual(calculator.compute(input).metrics);
    expect(() => calculator.metrics({ equity: { time: [2, 1], equity: [1, 1] } })).toThrow(/strictly increasing/);
  });

  it('logs a debug summary through a child logger and is otherwise silent', () => {
    const logger = createMemoryLogger();
    computeMetrics({ equity: { time: monthEnds, equity: handEquity } }, { logger });
    expect(logger.records).toHaveLength(1);
    expect(logger.records[0]).toMatchObject({ level: 'debug', fields: { component: 'performance', bars: 7, periodsPerYear: 12 } });
  });
});

describe('returnsFromEquity', () => {
  it('gives V_t / V_{t−1} − 1, NaN after a non-positive value', () => {
    const r = returnsFromEquity([100, 110, 0, 5]);
    expect(r).toHaveLength(3);
    close(r[0], 0.1);
    expect(r[1]).toBe(-1);
    expect(r[2]).toBeNaN();
    expect(returnsFromEquity([])).toHaveLength(0);
  });
});

describe('startEquity: the equity before the first point', () => {
  const day = 86_400_000;
  const time = [0, 1, 2, 3, 4].map((d) => Date.UTC(2021, 0, 4) + d * day);
  // Bought on the first bar at its close, 2 of costs: the first point already holds them.
  const equity = [98, 101, 99.5, 103, 102];

  it('measures returns, total return, CAGR and drawdowns from it, as a point one bar before the first', () => {
    const given = computeMetrics({ equity: { time, equity }, startEquity: 100 }, { periodsPerYear: 252 });
    // The same curve written out by hand, the start a day before the first bar.
    const written = computeMetrics({ equity: { time: [(time[0] ?? 0) - day, ...time], equity: [100, ...equity] } }, { periodsPerYear: 252 });
    expect(given.metrics.totalReturn).toBeCloseTo(102 / 100 - 1, 15);
    expect(given.metrics.cagr).toBeCloseTo((102 / 100) ** (252 / 5) - 1, 12);
    expect(given.metrics.startEquity).toBe(100);
    expect(given.metrics.endEquity).toBe(102);
    for (const key of ['totalReturn', 'cagr', 'volatility', 'sharpe', 'sortino', 'maxDrawdown', 'calmar', 'bestReturn', 'worstReturn'] as const) {
      expect(given.metrics[key], key).toBe(written.metrics[key]);
    }
    // The first period's return is the costs: −2%.
    expect(given.metrics.worstReturn).toBeCloseTo(-0.02, 15);
    // Bars, and the first and last times, are those of the points.
    expect(given.metrics.bars).toBe(5);
    expect(given.start).toBe(time[0]);
    expect(given.end).toBe(time[4]);
    expect(given.monthlyReturns[0]?.return).toBeCloseTo(102 / 100 - 1, 15);
    expect(given.monthlyReturns[0]?.bars).toBe(5);
  });

  it('dates and indexes its drawdowns on the points (a peak at the start is the first bar\'s), and aligns the benchmark with the points only', () => {
    const benchmark = { time: [(time[0] ?? 0) - day, ...time], values: [50, 100, 104, 101, 107, 110] };
    const result = computeMetrics({ equity: { time, equity }, startEquity: 100 }, { periodsPerYear: 252, benchmark });
    // The deepest fall is the first bar's costs: from the start (100) to 98.
    expect(result.maxDrawdownPeriod).toMatchObject({ peak: time[0], peakIndex: 0, trough: time[0], troughIndex: 0, recovery: time[1], recoveryIndex: 1 });
    expect(result.metrics.maxDrawdown).toBeCloseTo(98 / 100 - 1, 15);
    for (const period of result.drawdowns) expect(period.peak).toBeGreaterThanOrEqual(time[0] ?? 0);
    // The benchmark's bar before the run is not used: its return runs from the first bar's 100.
    expect(result.metrics.benchmarkReturn).toBeCloseTo(110 / 100 - 1, 15);
    const onPoints = computeMetrics({ equity: { time, equity } }, { periodsPerYear: 252, benchmark });
    expect(result.metrics.beta).toBe(onPoints.metrics.beta);
  });

  it('counts the bars of a drawdown from the start from the first bar, as its dates and days are', () => {
    const result = computeMetrics({ equity: { time, equity }, startEquity: 100 }, { periodsPerYear: 252 });
    // By hand, daily bars: 100 (start, at the first bar) → 98 (bar 0) → 101 (bar 1): peak bar 0,
    // recovery bar 1, 1 bar and 1 day. 101 (bar 1) → 99.5 → 103 (bar 3): 2 bars, 2 days.
    // 103 (bar 3) → 102 (bar 4), not recovered: 1 bar, 1 day.
    expect(result.drawdowns.map((period) => [period.peakIndex, period.recoveryIndex, period.bars, period.days])).toEqual([
      [0, 1, 1, 1],
      [1, 3, 2, 2],
      [3, null, 1, 1],
    ]);
    expect(result.metrics.maxDrawdown).toBeCloseTo(98 / 100 - 1, 15);
    expect(result.metrics.maxDrawdownBars).toBe(1);
    expect(result.metrics.maxDrawdownDays).toBe(1);
    // The longest is the second episode (2 bars); the first is 1 bar, not a tie at 2.
    expect(result.metrics.longestDrawdownBars).toBe(2);
    expect(result.metrics.longestDrawdownDays).toBe(2);
  });

  it('changes nothing when the first point is the start and no costs were paid but its own', () => {
    const flat = computeMetrics({ equity: { time, equity: [100, ...equity.slice(1)] } }, { periodsPerYear: 252 });
    expect(flat.metrics.totalReturn).toBeCloseTo(102 / 100 - 1, 15);
    expect(() => computeMetrics({ equity: { time, equity }, startEquity: Number.NaN })).toThrow(ConfigError);
  });
});

describe('returnsFromEquity with a start', () => {
  it('puts the return from the start first, and agrees with the metrics that read it', () => {
    const equity = [98, 101, 99.5];
    const returns = returnsFromEquity(equity, 100);
    expect(Array.from(returns)).toEqual([98 / 100 - 1, 101 / 98 - 1, 99.5 / 101 - 1]);
    expect(Array.from(returnsFromEquity(equity))).toEqual([101 / 98 - 1, 99.5 / 101 - 1]);
    expect(Array.from(returnsFromEquity([], 100))).toEqual([]);
    expect(Number.isNaN(returnsFromEquity([5], 0)[0])).toBe(true);
    const time = [0, 1, 2].map((d) => Date.UTC(2021, 0, 4) + d * 86_400_000);
    const best = computeMetrics({ equity: { time, equity }, startEquity: 100 }, { periodsPerYear: 252 }).metrics.bestReturn;
    expect(best).toBe(Math.max(...returns));
  });
});
