import { describe, expect, it } from 'vitest';
import { timeWeightedIndex, turnoverOf, weightTurnover } from './time-weighted';

describe('timeWeightedIndex', () => {
  it('compounds the returns from the start level, skipping returns that are not finite', () => {
    // By hand: 1000 · 1.1 = 1100; NaN skipped; 1100 · 0.9 = 990; 990 · 1.5 = 1485.
    const index = timeWeightedIndex([Number.NaN, 0.1, Number.NaN, -0.1, 0.5], 1000);
    expect(Array.from(index)).toEqual([1000, 1100, 1100, 990, 1485]);
  });

  it('is empty for no returns', () => {
    expect(timeWeightedIndex([], 5).length).toBe(0);
  });
});

describe('turnoverOf', () => {
  it('divides the traded value by the mean equity and annualises by points − 1', () => {
    // Traded |10 × 20| + |−5 × 40| = 400; mean equity (900 + 1000 + 1100) / 3 = 1000;
    // turnover 0.4; annual 0.4 · 252 / 2 = 50.4.
    const fills = [
      { quantity: 10, price: 20, commission: 1, slippage: 0 },
      { quantity: 5, price: 40, commission: 1, slippage: 0 },
    ];
    const result = turnoverOf(fills, [900, 1000, 1100], 252);
    expect(result.turnover).toBeCloseTo(0.4, 15);
    expect(result.annualTurnover).toBeCloseTo(50.4, 12);
  });

  it('is null without positive mean equity, and has no annual figure with one point', () => {
    expect(turnoverOf([{ quantity: 1, price: 1, commission: 0, slippage: 0 }], [0, 0], 252)).toEqual({ turnover: null, annualTurnover: null });
    expect(turnoverOf([], [], 252)).toEqual({ turnover: null, annualTurnover: null });
    expect(turnoverOf([{ quantity: 2, price: 5, commission: 0, slippage: 0 }], [100], 252)).toEqual({ turnover: 0.1, annualTurnover: null });
  });
});

describe('weightTurnover', () => {
  it('is half the summed absolute weight changes over the keys of either side', () => {
    // By hand: |0.3 − 0.5| + |0.5 − 0.5| + |0.2 − 0| = 0.4; one-way 0.2.
    expect(weightTurnover({ a: 0.5, b: 0.5 }, { a: 0.3, b: 0.5, c: 0.2 })).toBeCloseTo(0.2, 15);
    // Everything sold to buy something else: (1 + 1) / 2 = 1.
    expect(weightTurnover({ a: 1 }, { b: 1 })).toBe(1);
    expect(weightTurnover({}, {})).toBe(0);
  });
});
