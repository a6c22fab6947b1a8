import fc from 'fast-check';
import { MAX_QUANTITY } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import type { CommissionModel } from './costs';
import { affordableQuantity, buyCost, commissionFor, roundQuantity, slippedPrice } from './costs';
import { entryQuantity } from './sizing';

describe('commissionFor', () => {
  it('charges a percent of traded value: 0.1 % of 90 × 11 = 0.99', () => {
    expect(commissionFor({ kind: 'percent', rate: 0.001 }, 90, 11)).toBeCloseTo(0.99, 12);
  });

  it('charges per unit: 90 units × 0.05 = 4.5', () => {
    expect(commissionFor({ kind: 'per-unit', amount: 0.05 }, 90, 11)).toBeCloseTo(4.5, 12);
  });

  it('charges a fixed amount per order, whatever the size', () => {
    expect(commissionFor({ kind: 'fixed', amount: 5 }, 1, 11)).toBe(5);
    expect(commissionFor({ kind: 'fixed', amount: 5 }, 1000, 11)).toBe(5);
  });

  it('applies the minimum when the commission would be smaller, and only then', () => {
    // 0.1 % of 90 × 11 = 0.99 < 2 → 2; 0.1 % of 900 × 11 = 9.9 > 2 → 9.9
    expect(commissionFor({ kind: 'percent', rate: 0.001, minimum: 2 }, 90, 11)).toBe(2);
    expect(commissionFor({ kind: 'percent', rate: 0.001, minimum: 2 }, 900, 11)).toBeCloseTo(9.9, 12);
    expect(commissionFor({ kind: 'per-unit', amount: 0.01, minimum: 1 }, 10, 11)).toBe(1);
  });

  it('charges nothing, not even the minimum, for zero units', () => {
    expect(commissionFor({ kind: 'fixed', amount: 5, minimum: 7 }, 0, 11)).toBe(0);
  });
});

describe('slippedPrice', () => {
  it('moves bps against the trader: 10 bps on 11 → 11.011 to buy, 10.989 to sell', () => {
    expect(slippedPrice({ kind: 'bps', bps: 10 }, 'buy', 11)).toBeCloseTo(11.011, 12);
    expect(slippedPrice({ kind: 'bps', bps: 10 }, 'sell', 11)).toBeCloseTo(10.989, 12);
  });

  it('moves a fixed amount per unit against the trader, never below 0', () => {
    expect(slippedPrice({ kind: 'fixed', amount: 0.05 }, 'buy', 11)).toBeCloseTo(11.05, 12);
    expect(slippedPrice({ kind: 'fixed', amount: 0.05 }, 'sell', 11)).toBeCloseTo(10.95, 12);
    expect(slippedPrice({ kind: 'fixed', amount: 20 }, 'sell', 11)).toBe(0);
  });
});

describe('affordableQuantity', () => {
  it('is floor(budget / (price × (1 + rate))) with a percent commission', () => {
    // 1000 / (10 × 1.001) = 99.9001 → 99 (100 units would cost 1001)
    expect(affordableQuantity(1000, 10, { kind: 'percent', rate: 0.001 }, false)).toBe(99);
    expect(affordableQuantity(1000, 10, { kind: 'percent', rate: 0 }, false)).toBe(100);
  });

  it('accounts for per-unit, fixed and minimum commissions', () => {
    // per unit: 1000 / (11 + 0.05) = 90.497 → 90
    expect(affordableQuantity(1000, 11, { kind: 'per-unit', amount: 0.05 }, false)).toBe(90);
    // fixed: (1000 − 5) / 11 = 90.45 → 90
    expect(affordableQuantity(1000, 11, { kind: 'fixed', amount: 5 }, false)).toBe(90);
    // minimum binds: (1000 − 9) / 11 = 90.09 → 90; 91 units would cost 1001 + 9
    expect(affordableQuantity(1000, 11, { kind: 'percent', rate: 0.001, minimum: 9 }, false)).toBe(90);
    // a budget below the minimum affords nothing
    expect(affordableQuantity(5, 1, { kind: 'fixed', amount: 6 }, false)).toBe(0);
  });

  it('returns fractional units on request', () => {
    expect(affordableQuantity(1000, 8, { kind: 'percent', rate: 0 }, true)).toBe(125);
    expect(affordableQuantity(1000, 3, { kind: 'percent', rate: 0 }, true)).toBeCloseTo(333.333333333, 8);
  });

  it('never exceeds the budget and leaves less than one more unit', () => {
    const commission = fc.oneof(
      fc.record({ kind: fc.constant('percent' as const), rate: fc.double({ min: 0, max: 0.05, noNaN: true }) }),
      fc.record({ kind: fc.constant('per-unit' as const), amount: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('fixed' as const), amount: fc.double({ min: 0, max: 10, noNaN: true }) }),
    );
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e7, noNaN: true }),
        fc.double({ min: 0.01, max: 1e4, noNaN: true }),
        commission,
        fc.option(fc.double({ min: 0, max: 20, noNaN: true }), { nil: undefined }),
        fc.boolean(),
        (budget, price, base, minimum, fractional) => {
          const model: CommissionModel = { ...base, minimum };
          const q = affordableQuantity(budget, price, model, fractional);
          expect(q).toBeGreaterThanOrEqual(0);
          if (q > 0) expect(buyCost(model, q, price)).toBeLessThanOrEqual(budget);
          if (!fractional) {
            expect(Number.isInteger(q)).toBe(true);
            expect(buyCost(model, q + 1, price)).toBeGreaterThan(budget);
          } else if (q > 0) {
            expect(buyCost(model, q * (1 + 1e-9), price)).toBeGreaterThan(budget * (1 - 1e-6));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  // Regression: floor(1e19 / 16.77) is above 2^53 and costs more than 1e19; the old correction
  // stepped q − 1, which no longer changes q up there, and `backtest --cash 1e19` never returned.
  it('returns at once where q − 1 = q (budgets of 1e19 and 1.8e308); fractional units are not capped', () => {
    const none: CommissionModel = { kind: 'percent', rate: 0 };
    expect(Math.floor(1e19 / 16.77) * 16.77).toBeGreaterThan(1e19);
    expect(affordableQuantity(1e19, 16.77, none, false)).toBe(MAX_QUANTITY);
    expect(affordableQuantity(Number.MAX_VALUE, 1.04, none, false)).toBe(MAX_QUANTITY);
    // Fractional units are not capped: 1e300 / 1.14 is 8.77e299, the budget's worth to 4 ulps.
    const fractional = affordableQuantity(1e300, 1.14, none, true);
    expect(fractional).toBeGreaterThan(8.77e299);
    expect(fractional * 1.14).toBeLessThanOrEqual(1e300);
    expect(fractional * (1 + 4 * Number.EPSILON) * 1.14).toBeGreaterThan(1e300);
    // Below the cap the answer is exact: 2^52 units at 2 cost 2^53.
    expect(affordableQuantity(2 ** 53, 2, none, false)).toBe(2 ** 52);
  });

  it('property: over every magnitude and commission model, never over budget and maximal', () => {
    // Log-uniform magnitudes: a mantissa in [1, 10) times 10^k.
    const magnitude = (lowest: number, highest: number) =>
      fc.tuple(fc.double({ min: 1, max: 10, maxExcluded: true, noNaN: true }), fc.integer({ min: lowest, max: highest })).map(([m, k]) => m * 10 ** k);
    const minimum = fc.option(magnitude(-4, 13), { nil: undefined });
    const commission: fc.Arbitrary<CommissionModel> = fc.oneof(
      fc.record({ kind: fc.constant('percent' as const), rate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), minimum }),
      fc.record({ kind: fc.constant('per-unit' as const), amount: fc.oneof(fc.constant(0), magnitude(-6, 6)), minimum }),
      fc.record({ kind: fc.constant('fixed' as const), amount: fc.oneof(fc.constant(0), magnitude(-4, 13)), minimum }),
    );
    fc.assert(
      fc.property(magnitude(-2, 20), magnitude(-8, 15), commission, fc.boolean(), (budget, price, model, fractional) => {
        const q = affordableQuantity(budget, price, model, fractional);
        expect(q).toBeGreaterThanOrEqual(0);
        if (!fractional) expect(q).toBeLessThanOrEqual(MAX_QUANTITY);
        expect(buyCost(model, q, price)).toBeLessThanOrEqual(budget);
        if (!fractional && q === MAX_QUANTITY) return;
        if (!fractional) {
          expect(Number.isInteger(q)).toBe(true);
          expect(buyCost(model, q + 1, price)).toBeGreaterThan(budget);
        } else if (q > 0) {
          expect(buyCost(model, q * (1 + 4 * Number.EPSILON), price)).toBeGreaterThan(budget);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('roundQuantity', () => {
  it('floors whole units and keeps fractions on request; never negative', () => {
    expect(roundQuantity(9.99, false)).toBe(9);
    expect(roundQuantity(9.99, true)).toBe(9.99);
    expect(roundQuantity(-3, true)).toBe(0);
  });
});

describe('entryQuantity', () => {
  const base = { cash: 1000, equity: 4000, price: 11, commission: { kind: 'percent', rate: 0 } as const, strength: 1, fractional: false };

  it('percent-of-cash 100: floor(1000 / 11) = 90', () => {
    expect(entryQuantity({ kind: 'percent-of-cash', percent: 100 }, base)).toBe(90);
  });

  it('scales the budget by percent and strength: 1000 × 50 % × 0.5 = 250 → floor(250 / 11) = 22', () => {
    expect(entryQuantity({ kind: 'percent-of-cash', percent: 50 }, { ...base, strength: 0.5 })).toBe(22);
  });

  it('percent-of-equity uses equity: 4000 × 25 % = 1000 → 90', () => {
    expect(entryQuantity({ kind: 'percent-of-equity', percent: 25 }, base)).toBe(90);
  });

  it('fixed-cash: floor(500 / 11) = 45; fixed-quantity: 10 × 0.55 = 5.5 → 5', () => {
    expect(entryQuantity({ kind: 'fixed-cash', amount: 500 }, base)).toBe(45);
    expect(entryQuantity({ kind: 'fixed-quantity', quantity: 10 }, { ...base, strength: 0.55 })).toBe(5);
    expect(entryQuantity({ kind: 'fixed-quantity', quantity: 10 }, { ...base, strength: 0.55, fractional: true })).toBeCloseTo(5.5, 12);
  });

  it('may ask for more than cash affords (the broker shrinks it)', () => {
    expect(entryQuantity({ kind: 'fixed-quantity', quantity: 200 }, base)).toBe(200);
  });
});
