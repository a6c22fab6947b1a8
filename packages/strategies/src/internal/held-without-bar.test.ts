import { barSeriesFromCloses } from '@ensemble/protocol';
import type { PortfolioContext, Position } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { portfolioContextAt } from '../__fixtures__/portfolio';
import { EqualWeightStrategy } from '../equal-weight';
import { InverseVolatilityStrategy } from '../inverse-volatility';
import { heldWithoutBar } from './held-without-bar';

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
    // Without the position, B (no bar now) gets nothing and A everything, as before.
    expect(new EqualWeightStrategy().targetWeights(contextHolding([]))).toEqual({ A: 1 });
  });
});
