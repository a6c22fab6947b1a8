import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simpsonNormalCdf } from '../../test/helpers';
import { normalCdf, normalDensity, normalQuantile } from './normal-distribution';

// Reference values from mpmath at 40 significant digits (ncdf, and findroot on it for quantiles).
const CDF: readonly (readonly [number, number])[] = [
  [0, 0.5],
  [1, 0.8413447460685429],
  [-1, 0.15865525393145705],
  [1.96, 0.9750021048517795],
  [-1.5, 0.06680720126885807],
  [1.5, 0.9331927987311419],
  [-0.3, 0.3820885778110474],
  [3, 0.9986501019683699],
  [-5, 2.866515718791939e-07],
  [-10, 7.619853024160525e-24],
  [-20, 2.7536241186062337e-89],
  [-37.5, 4.605353009581955e-308],
  [8, 0.9999999999999993],
];

const QUANTILE: readonly (readonly [number, number])[] = [
  [0.975, 1.9599639845400543],
  [0.01, -2.326347874040841],
  [0.99, 2.326347874040841],
  [0.9, 1.2815515655446006],
  [0.3, -0.5244005127080408],
  [0.02425, -1.972961051311885], // Acklam's region boundary
  [1e-5, -4.264890793922825],
  [1e-10, -6.361340902404057],
  [1e-300, -37.0470962993612],
];

describe('normalCdf', () => {
  it('matches high-precision values to 1e-15 absolute and 5e-15 relative', () => {
    for (const [x, expected] of CDF) {
      const got = normalCdf(x);
      expect(Math.abs(got - expected), `Φ(${x})`).toBeLessThanOrEqual(1e-15);
      expect(Math.abs(got - expected) / expected, `Φ(${x}) relative`).toBeLessThanOrEqual(5e-15);
    }
  });

  it('is continuous where the series hands over to the continued fraction (|x| = 1.5)', () => {
    for (const x of [1.5, -1.5]) {
      const below = normalCdf(x - Math.sign(x) * 1e-12);
      expect(Math.abs(normalCdf(x) - below)).toBeLessThan(1e-12);
    }
  });

  it('handles the edges: ±Infinity, NaN, underflow', () => {
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.NaN)).toBeNaN();
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it('agrees with an independent Simpson-rule integration of the density', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        expect(Math.abs(normalCdf(x) - simpsonNormalCdf(x))).toBeLessThan(1e-13);
      }),
      { numRuns: 200 },
    );
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThanOrEqual(2.3e-16);
      }),
      { numRuns: 500 },
    );
  });
});

describe('normalDensity', () => {
  it('is exp(−x²/2)/√(2π), accurate deep in the tail', () => {
    // mpmath npdf at 40 digits
    expect(Math.abs(normalDensity(0) / 0.3989422804014327 - 1)).toBeLessThanOrEqual(2.3e-16);
    expect(Math.abs(normalDensity(-1) / 0.24197072451914334 - 1)).toBeLessThanOrEqual(2.3e-16);
    expect(Math.abs(normalDensity(30) / 1.4736461348785476e-196 - 1)).toBeLessThan(1e-15);
  });
});

describe('normalQuantile', () => {
  it('matches high-precision values to 2e-15 relative', () => {
    for (const [p, expected] of QUANTILE) {
      expect(Math.abs(normalQuantile(p) / expected - 1), `Φ⁻¹(${p})`).toBeLessThanOrEqual(2e-15);
    }
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('inverts normalCdf across the lower tail and the body', () => {
    fc.assert(
      fc.property(fc.double({ min: -37, max: 3, noNaN: true }), (x) => {
        const back = normalQuantile(normalCdf(x));
        expect(Math.abs(back - x)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(x)));
      }),
      { numRuns: 500 },
    );
  });

  it('is odd: Φ⁻¹(1 − p) = −Φ⁻¹(p) for p ≥ 1/2 exactly', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 1, noNaN: true }), (p) => {
        expect(normalQuantile(p) + 0).toBe(-normalQuantile(1 - p) + 0); // + 0: −0 and 0 are equal here
      }),
      { numRuns: 200 },
    );
  });

  it('gives the infinities at 0 and 1 and NaN outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
  });
});
