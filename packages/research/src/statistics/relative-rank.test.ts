import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PBO_TIE_TOLERANCE, bestIndex, isTie, midRank } from './relative-rank';

/** The definitions, written as plainly as possible. */
function naiveRank(values: readonly number[], index: number): number {
  const v = values[index] ?? Number.NaN;
  if (Number.isNaN(v)) return (values.filter((w) => Number.isNaN(w)).length + 1) / 2;
  const below = values.filter((w) => Number.isNaN(w) || (w < v && !isTie(w, v))).length;
  const tied = values.filter((w) => !Number.isNaN(w) && isTie(w, v)).length;
  return below + (tied + 1) / 2;
}

function naiveBest(values: readonly number[]): number {
  const defined = values.filter((v) => !Number.isNaN(v));
  if (defined.length === 0) return 0;
  const max = Math.max(...defined);
  return values.findIndex((v) => !Number.isNaN(v) && isTie(v, max));
}

// Values that collide often: a few bases nudged by multiples of the tolerance, zeros, infinities, NaN.
const collidingValue = fc.oneof(
  fc.tuple(fc.constantFrom(1, -1, 0.5, -3e-4, 2e6), fc.integer({ min: -4, max: 4 })).map(([base, k]) => base * (1 + (k * PBO_TIE_TOLERANCE) / 2)),
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-300),
  fc.double({ min: -10, max: 10, noNaN: true }),
);

describe('isTie', () => {
  it('ties equal values and values within 1e-12 relative, never a number with an infinity', () => {
    expect(isTie(1, 1 + 5e-13)).toBe(true);
    expect(isTie(1, 1 + 2e-12)).toBe(false);
    expect(isTie(0, 0)).toBe(true);
    expect(isTie(0, 1e-300)).toBe(false);
    expect(isTie(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(true);
    expect(isTie(Number.POSITIVE_INFINITY, 1e308)).toBe(false);
    expect(isTie(Number.NaN, Number.NaN)).toBe(false);
  });
});

describe('midRank and bestIndex', () => {
  it('rank 1 to N with mid-ranks for ties, NaN last', () => {
    const values = Float64Array.from([0.3, Number.NaN, 0.1, 0.3, 0.2]);
    expect([0, 1, 2, 3, 4].map((i) => midRank(values, i))).toEqual([4.5, 1, 2, 4.5, 3]);
    expect(bestIndex(values)).toBe(0);
    expect(bestIndex(Float64Array.from([Number.NaN, Number.NaN]))).toBe(0);
    expect(bestIndex(Float64Array.from([1, 5, 5 * (1 + 1e-13), 4]))).toBe(1);
  });

  it('agree with the plain definitions on values full of near-ties', () => {
    fc.assert(
      fc.property(fc.array(collidingValue, { minLength: 1, maxLength: 30 }), (values) => {
        const array = Float64Array.from(values);
        expect(bestIndex(array)).toBe(naiveBest(values));
        for (let i = 0; i < values.length; i++) expect(midRank(array, i)).toBe(naiveRank(values, i));
      }),
      { numRuns: 500 },
    );
  });
});
