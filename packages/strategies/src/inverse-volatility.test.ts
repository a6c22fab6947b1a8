import { checkLookahead } from '@ensemble/protocol/testing';
import { testStrategyContract } from '@ensemble/protocol/testing/vitest';
import { describe, expect, it } from 'vitest';
import { portfolioContextAt, stepAt } from './__fixtures__/portfolio';
import { stocksSeries } from './__fixtures__/series';
import { closes, randomWalk } from './__fixtures__/synthetic';
import { rollingStdDev, simpleReturns } from './indicators';
import { InverseVolatilityStrategy } from './inverse-volatility';

const stocks = stocksSeries();
const daily = [randomWalk('A', 250, 1, 0, 0.005), randomWalk('B', 250, 2, 0, 0.02), randomWalk('C', 200, 3, 50, 0.01)];

testStrategyContract({
  name: 'inverse-volatility (lookback 12) on AAPL, AMZN, GOOG, IBM, MSFT monthly, 2000-2010',
  create: () => new InverseVolatilityStrategy({ lookback: 12 }),
  series: stocks,
});

testStrategyContract({
  name: 'inverse-volatility (lookback 20) on three daily random walks, one starting late',
  create: () => new InverseVolatilityStrategy({ lookback: 20, rebalance: 5 }),
  series: daily,
});

describe('inverse-volatility', () => {
  it('weights are 1/σ normalised, σ from rollingStdDev of simple returns', () => {
    const strategy = new InverseVolatilityStrategy({ lookback: 12 });
    const time = Date.UTC(2007, 5, 1);
    const weights = strategy.targetWeights(portfolioContextAt(stocks, stepAt(stocks, time)));
    const inverse = new Map<string, number>();
    for (const s of stocks) {
      const index = s.time.indexOf(time);
      inverse.set(s.symbol, 1 / rollingStdDev(simpleReturns(s.close), 12)[index]!);
    }
    const total = [...inverse.values()].reduce((sum, v) => sum + v, 0);
    expect(Object.keys(weights).sort()).toEqual(['AAPL', 'AMZN', 'GOOG', 'IBM', 'MSFT']);
    for (const [symbol, value] of inverse) expect(weights[symbol]).toBeCloseTo(value / total, 12);
    expect(Object.values(weights).reduce((sum, w) => sum + w, 0)).toBeCloseTo(1, 12);
  });

  it('gives no weight to a symbol with fewer than lookback + 1 bars (GOOG before Aug 2005)', () => {
    const strategy = new InverseVolatilityStrategy({ lookback: 12 });
    const july = strategy.targetWeights(portfolioContextAt(stocks, stepAt(stocks, Date.UTC(2005, 6, 1))));
    expect(july.GOOG).toBeUndefined();
    expect(Object.keys(july)).toHaveLength(4);
    const august = strategy.targetWeights(portfolioContextAt(stocks, stepAt(stocks, Date.UTC(2005, 7, 1))));
    expect(august.GOOG).toBeGreaterThan(0);
  });

  it('gives the calmer symbol the larger weight, in the ratio of the volatilities', () => {
    const strategy = new InverseVolatilityStrategy({ lookback: 30 });
    const weights = strategy.targetWeights(portfolioContextAt(daily.slice(0, 2), 120));
    const sigmaA = rollingStdDev(simpleReturns(daily[0]!.close), 30)[120]!;
    const sigmaB = rollingStdDev(simpleReturns(daily[1]!.close), 30)[120]!;
    expect(weights.A!).toBeGreaterThan(weights.B!);
    expect(weights.A! / weights.B!).toBeCloseTo(sigmaB / sigmaA, 10);
  });

  it('falls back to equal weights when no tradable symbol has enough history', () => {
    const strategy = new InverseVolatilityStrategy({ lookback: 60 });
    const weights = strategy.targetWeights(portfolioContextAt(stocks, 10));
    expect(weights).toEqual({ AAPL: 0.25, AMZN: 0.25, IBM: 0.25, MSFT: 0.25 });
  });

  it('gives all the weight to flat-priced symbols (σ = 0, the limit of 1/σ)', () => {
    const flat = closes('FLAT', Array.from({ length: 30 }, () => 50));
    const moving = closes('MOVE', Array.from({ length: 30 }, (_, i) => 50 + (i % 3)));
    const weights = new InverseVolatilityStrategy({ lookback: 10 }).targetWeights(portfolioContextAt([flat, moving], 29));
    expect(weights).toEqual({ FLAT: 1 });
  });

  it('defaults: lookback 60, monthly, warm-up lookback + 1; rejects lookback < 2', () => {
    const strategy = new InverseVolatilityStrategy();
    expect(strategy.params).toEqual({ lookback: 60, rebalance: 'month' });
    expect(strategy.rebalance).toEqual({ kind: 'calendar', period: 'month' });
    expect(strategy.warmup).toBe(61);
    expect(() => new InverseVolatilityStrategy({ lookback: 1 })).toThrow(/params\.lookback/);
  });

  it('passes checkLookahead on daily data', () => {
    expect(checkLookahead(new InverseVolatilityStrategy({ lookback: 20 }), daily).ok).toBe(true);
  });
});
