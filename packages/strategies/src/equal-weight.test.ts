import { checkLookahead } from '@ensemble/protocol/testing';
import { testStrategyContract } from '@ensemble/protocol/testing/vitest';
import { describe, expect, it } from 'vitest';
import { portfolioContextAt, stepAt } from './__fixtures__/portfolio';
import { stocksSeries } from './__fixtures__/series';
import { EqualWeightStrategy } from './equal-weight';

const stocks = stocksSeries();

testStrategyContract({
  name: 'equal-weight on AAPL, AMZN, GOOG, IBM, MSFT monthly, 2000-2010',
  create: () => new EqualWeightStrategy(),
  series: stocks,
});

describe('equal-weight', () => {
  it('splits equally over the tradable symbols: GOOG only once it has prices', () => {
    const strategy = new EqualWeightStrategy();
    const before = strategy.targetWeights(portfolioContextAt(stocks, stepAt(stocks, Date.UTC(2004, 6, 1))));
    expect(before).toEqual({ AAPL: 0.25, AMZN: 0.25, IBM: 0.25, MSFT: 0.25 });
    const after = strategy.targetWeights(portfolioContextAt(stocks, stepAt(stocks, Date.UTC(2004, 7, 1))));
    expect(after).toEqual({ AAPL: 0.2, AMZN: 0.2, GOOG: 0.2, IBM: 0.2, MSFT: 0.2 });
  });

  it('returns no weights when nothing is tradable', () => {
    const context = { ...portfolioContextAt(stocks, 0), tradable: [] };
    expect(new EqualWeightStrategy().targetWeights(context)).toEqual({});
  });

  it('rebalances monthly by default; the rebalance parameter takes a period or a bar count', () => {
    expect(new EqualWeightStrategy().rebalance).toEqual({ kind: 'calendar', period: 'month' });
    expect(new EqualWeightStrategy({ rebalance: 'quarter' }).rebalance).toEqual({ kind: 'calendar', period: 'quarter' });
    expect(new EqualWeightStrategy({ rebalance: 'week' }).rebalance).toEqual({ kind: 'calendar', period: 'week' });
    expect(new EqualWeightStrategy({ rebalance: 21 }).rebalance).toEqual({ kind: 'bars', every: 21 });
    expect(new EqualWeightStrategy().warmup).toBe(1);
    expect(() => new EqualWeightStrategy({ rebalance: 'daily' as never })).toThrow(/params\.rebalance/);
    expect(() => new EqualWeightStrategy({ rebalance: 0 })).toThrow(/params\.rebalance/);
  });

  it('passes checkLookahead', () => {
    expect(checkLookahead(new EqualWeightStrategy(), stocks).ok).toBe(true);
  });
});
