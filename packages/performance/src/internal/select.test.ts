import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderStatisticInPlace, quantilePosition, selectInPlace } from './select';

describe('selectInPlace', () => {
  it('puts the k-th smallest at k with smaller values before and larger after', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 200 }).chain((values) =>
          fc.tuple(fc.constant(values), fc.nat(values.length - 1)),
        ),
        ([values, k]) => {
          const array = Float64Array.from(values);
          selectInPlace(array, k);
          const sorted = [...values].sort((a, b) => a - b);
          expect(array[k]).toBe(sorted[k]);
          for (let i = 0; i < k; i++) expect(array[i]).toBeLessThanOrEqual(array[k] ?? 0);
          for (let i = k + 1; i < array.length; i++) expect(array[i]).toBeGreaterThanOrEqual(array[k] ?? 0);
          expect([...array].sort((a, b) => a - b)).toEqual(sorted);
        },
      ),
    );
  });

  it('handles sorted, reversed and constant inputs', () => {
    for (const values of [
      Array.from({ length: 1000 }, (_, i) => i),
      Array.from({ length: 1000 }, (_, i) => 1000 - i),
      Array.from({ length: 1000 }, () => 7),
    ]) {
      const array = Float64Array.from(values);
      selectInPlace(array, 500);
      expect(array[500]).toBe([...values].sort((a, b) => a - b)[500]);
    }
  });
});

describe('orderStatisticInPlace and quantilePosition', () => {
  it('interpolates linearly between order statistics (type 7)', () => {
    const values = [3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20];
    expect(orderStatisticInPlace(Float64Array.from(values), quantilePosition(values.length, 0.5))).toBe(9);
    // position 10·0.25 = 2.5 → 7 + 0.5·(8 − 7)
    expect(orderStatisticInPlace(Float64Array.from(values), quantilePosition(values.length, 0.25))).toBe(7.5);
    expect(orderStatisticInPlace(Float64Array.from(values), quantilePosition(values.length, 1))).toBe(20);
    expect(orderStatisticInPlace(Float64Array.from(values), 0)).toBe(3);
  });

  it('snaps positions within 1e-9 of an integer', () => {
    expect(quantilePosition(6, 1 - 0.8)).toBe(1);
    expect(quantilePosition(21, 1 - 0.95)).toBe(1);
    expect(quantilePosition(6, 0.05)).toBe(0.25);
  });
});
