import { barSeriesFromCloses } from '@ensemble/protocol';
import type { PortfolioContext, Position } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { portfolioContextAt } from '../__fixtures__/portfolio';
import { EqualWeightStrategy } from '../equal-weight';
import { InverseVolatilityStrategy } from '../inverse-volatility';
import { heldWithoutBar, waitingForBar } from './held-without-bar';

const DAY = 86_400_000;
const T0 = Date.UTC(2021, 0, 4);
const times = (count: number) => Array.from({ length: count }, (_, i) => T0 + i * DAY);

// A trades on 8 days; B on the first 7 only (no bar on the last day, a holiday of its exchange),
// its last close 10.6. The account is worth 100,000 / 3 and holds 99 units of B (long) or 40 (short).
const a = barSeriesFromCloses('A', times(8), [20, 21, 20.5, 22, 21, 23, 22.5, 24]);
const b = barSeriesFromCloses('B', times(7), [10, 10.2, 10.1, 10.4, 10.3, 10.5, 10.6]);
const EQUITY = 100_000 / 3;

function position(symbol: string, side: 'long' | 'short', quantity: number): Position {
  return { strategyId: 's', symbol, side, quantity, entryPrice: 10, entryTime: T0, entryCommission: 0 };
}

function contextHolding(positions: readonly Position[]): PortfolioContext {
  return { ...portfolioContextAt([a, b], 7), account: { cash: 0, equity: EQUITY }, positions: new Map(positions.map((p) => [p.symbol, p])) };
}

describe('heldWithoutBar', () => {
  it('gives a position with no bar now the weight that keeps every unit, as the engine reads a weight', () => {
    const context = contextHolding([position('B', 'long', 99)]);
    expect(context.tradable).toEqual(['A']);
    const { weights, total } = heldWithoutBar(context);
    const weight = weights.B ?? Number.NaN;
    // 99 × 10.6 / (100,000 / 3) = 0.031482; computed in doubles it reads back as units as
    // 98.99999999999999, which whole units truncate to 98: the weight given reads back as 99.
    const naive = (99 * 10.6) / EQUITY;
    expect((naive * EQUITY) / 10.6).toBeLessThan(99);
    expect(weight).toBeCloseTo(0.031482, 15);
    expect(Math.trunc((weight * EQUITY) / 10.6)).toBe(99);
    expect(total).toBe(weight);
  });

  it('is negative for a short, nothing for tradable symbols or an empty book', () => {
    const { weights } = heldWithoutBar(contextHolding([position('B', 'short', 40), position('A', 'long', 5)]));
    expect(Object.keys(weights)).toEqual(['B']);
    expect(weights.B).toBeCloseTo((-40 * 10.6) / EQUITY, 15);
    expect(Math.trunc(((weights.B ?? 0) * EQUITY) / 10.6)).toBe(-40);
    expect(heldWithoutBar(contextHolding([]))).toEqual({ weights: {}, total: 0 });
  });

  it('equal-weight and inverse-volatility keep that position and give the tradable symbols the rest', () => {
    const context = contextHolding([position('B', 'long', 99)]);
    const held = heldWithoutBar(context).weights.B ?? Number.NaN;
    const equal = new EqualWeightStrategy().targetWeights(context);
    expect(equal).toEqual({ B: held, A: 1 - held });
    const inverse = new InverseVolatilityStrategy({ lookback: 3 }).targetWeights(context);
    expect(inverse).toEqual({ B: held, A: 1 - held });
  });
});

describe('waitingForBar: a symbol whose market is closed today gets its share', () => {
  // B's last bar (day 6) is A's previous one: B traded at the last step A traded before this one.
  it('names B without a position, and both strategies give it its share', () => {
    const context = contextHolding([]);
    expect(waitingForBar(context)).toEqual(['B']);
    expect(new EqualWeightStrategy().targetWeights(context)).toEqual({ A: 0.5, B: 0.5 });
    // 1/σ of A's last 3 returns (23/21, 22.5/23, 24/22.5) and of B's, ending at its last bar
    // (10.3/10.4, 10.5/10.3, 10.6/10.5), sample std: numpy gives 0.1948596588986508 and 0.8051403411013492.
    const inverse = new InverseVolatilityStrategy({ lookback: 3 }).targetWeights(context);
    expect(inverse.A).toBeCloseTo(0.1948596588986508, 14);
    expect(inverse.B).toBeCloseTo(0.8051403411013492, 14);
  });

  it('names nothing held, nothing whose last bar is older (data ended, a longer closure) and nothing with no bar yet', () => {
    expect(waitingForBar(contextHolding([position('B', 'long', 99)]))).toEqual([]);
    // B's last bar is day 5, A's previous day 6: B is not taken to be closed for the day.
    const ended = barSeriesFromCloses('B', times(6), [10, 10.2, 10.1, 10.4, 10.3, 10.5]);
    const context = portfolioContextAt([a, ended], 7);
    expect(waitingForBar(context)).toEqual([]);
    expect(new EqualWeightStrategy().targetWeights(context)).toEqual({ A: 1 });
    // C starts on day 7 (no bar yet at day 6), while A and B trade: nothing waits.
    const late = barSeriesFromCloses('C', [T0 + 7 * DAY], [5]);
    expect(waitingForBar(portfolioContextAt([a, b, late], 6))).toEqual([]);
    // Every symbol tradable: nothing waits, the weights are the old ones.
    expect(waitingForBar(portfolioContextAt([a, b], 6))).toEqual([]);
    expect(new EqualWeightStrategy().targetWeights(portfolioContextAt([a, b], 6))).toEqual({ A: 0.5, B: 0.5 });
  });
});
