import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dow6Returns } from './__fixtures__/dow6';
import { correlationMatrix, diversificationRatio, sampleCovariance, sampleVolatilities } from './statistics';

/** Naive second implementation: collect the common finite pairs, then the one-pass textbook formulas. */
function naive(x: readonly number[], y: readonly number[]): { cov: number | null; corr: number | null } {
  const pairs: [number, number][] = [];
  x.forEach((a, t) => {
    const b = y[t] ?? Number.NaN;
    if (Number.isFinite(a) && Number.isFinite(b)) pairs.push([a, b]);
  });
  const n = pairs.length;
  if (n < 2) return { cov: null, corr: null };
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [a, b] of pairs) {
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  const cov = (sxy - (sx * sy) / n) / (n - 1);
  const varX = (sxx - (sx * sx) / n) / (n - 1);
  const varY = (syy - (sy * sy) / n) / (n - 1);
  return { cov, corr: varX > 1e-20 && varY > 1e-20 ? cov / Math.sqrt(varX * varY) : null };
}

const returnValue = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: -500, max: 500 }).map((value) => value / 10_000) },
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
);
const matrix = fc
  .record({ sleeves: fc.integer({ min: 1, max: 5 }), bars: fc.integer({ min: 0, max: 40 }) })
  .chain(({ sleeves, bars }) =>
    fc.array(fc.array(returnValue, { minLength: bars, maxLength: bars }), { minLength: sleeves, maxLength: sleeves }),
  );

describe('sampleCovariance / correlationMatrix', () => {
  it('match a naive second implementation, pairwise over common valid bars (property)', () => {
    fc.assert(
      fc.property(matrix, (columns) => {
        const cov = sampleCovariance(columns);
        const corr = correlationMatrix(columns);
        const vols = sampleVolatilities(columns);
        columns.forEach((x, i) => {
          columns.forEach((y, j) => {
            const expected = naive(x, y);
            const gotCov = cov[i]?.[j] ?? null;
            if (expected.cov === null) expect(gotCov).toBeNull();
            else expect(Math.abs((gotCov ?? Number.NaN) - expected.cov)).toBeLessThan(1e-12);
            const gotCorr = corr[i]?.[j] ?? null;
            if (expected.corr === null) expect(gotCorr).toBeNull();
            else expect(Math.abs((gotCorr ?? Number.NaN) - expected.corr)).toBeLessThan(1e-8);
            expect(cov[j]?.[i]).toBe(gotCov);
          });
          const own = naive(x, x).cov;
          if (own === null) expect(vols[i]).toBeNull();
          // The one-pass textbook variance cancels catastrophically on a constant column and can
          // come out a hair below 0 (fuzz seed 609954237); a variance is never negative.
          else expect(Math.abs((vols[i] ?? Number.NaN) - Math.sqrt(Math.max(0, own)))).toBeLessThan(1e-10);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('gives a constant column zero volatility and no correlation (fuzz regression)', () => {
    const columns = [
      [0.0006, 0.0006, 0.0006, Number.NaN],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ];
    expect(sampleVolatilities(columns)).toEqual([0, 0, 0]);
    expect(correlationMatrix(columns)).toEqual([
      [null, null, null],
      [null, null, null],
      [null, null, null],
    ]);
  });

  it('works by hand on two sleeves, over a lookback and a history view', () => {
    // x = [0.01, −0.01, 0.03], y = [0.05, −0.03, 0.01]: cov = 0.0004, σx = 0.02, σy = 0.04, ρ = 0.5.
    const x = new Float64Array([0.9, 0.01, -0.01, 0.03, 7]);
    const y = new Float64Array([-0.9, 0.05, -0.03, 0.01, 7]);
    const history = { returns: [x, y], length: 4 };
    const cov = sampleCovariance(history, { lookback: 3 });
    expect(Math.abs((cov[0]?.[1] ?? 0) - 0.0004)).toBeLessThan(1e-15);
    expect(Math.abs((cov[0]?.[0] ?? 0) - 0.0004)).toBeLessThan(1e-15);
    expect(Math.abs((cov[1]?.[1] ?? 0) - 0.0016)).toBeLessThan(1e-15);
    const corr = correlationMatrix(history, { lookback: 3 });
    expect(Math.abs((corr[0]?.[1] ?? 0) - 0.5)).toBeLessThan(1e-12);
    expect(corr[0]?.[0]).toBe(1);
    const vols = sampleVolatilities(history, { lookback: 3 });
    expect(Math.abs((vols[0] ?? 0) - 0.02)).toBeLessThan(1e-15);
    expect(() => sampleCovariance(history, { lookback: 0 })).toThrow(/lookback: must be a positive integer/);
  });

  it('gives null correlation for a sleeve sitting in cash', () => {
    const corr = correlationMatrix([
      [0.01, 0.02, -0.01],
      [0, 0, 0],
    ]);
    expect(corr[0]?.[1]).toBeNull();
    expect(corr[1]?.[1]).toBeNull();
    expect(corr[0]?.[0]).toBe(1);
  });
});

describe('diversificationRatio', () => {
  it('is 3/√7 for the hand-worked 2×2 case', () => {
    // w = (0.5, 0.5), σ = (0.1, 0.2), ρ = 0.5 → Σ = [[0.01, 0.01], [0.01, 0.04]].
    // Σwσ = 0.15; wᵀΣw = 0.0025 + 2·0.0025 + 0.01 = 0.0175 = 7/400 → √ = √7/20; DR = 0.15·20/√7 = 3/√7.
    const ratio = diversificationRatio([0.5, 0.5], [0.1, 0.2], [[0.01, 0.01], [0.01, 0.04]]);
    expect(Math.abs((ratio ?? 0) - 3 / Math.sqrt(7))).toBeLessThan(1e-12);
  });

  it('is 1 for a single sleeve and for perfectly correlated sleeves, > 1 for imperfect correlation', () => {
    expect(diversificationRatio([1], [0.2], [[0.04]])).toBeCloseTo(1, 14);
    expect(diversificationRatio([0.3, 0.7], [0.1, 0.2], [[0.01, 0.02], [0.02, 0.04]])).toBeCloseTo(1, 14);
    expect(diversificationRatio([0.3, 0.7], [0.1, 0.2], [[0.01, 0.019], [0.019, 0.04]]) ?? 0).toBeGreaterThan(1);
  });

  it('ignores sleeves at weight 0 and is null when it cannot be computed', () => {
    expect(diversificationRatio([1, 0], [0.2, null], [[0.04, null], [null, null]])).toBeCloseTo(1, 14);
    expect(diversificationRatio([0.5, 0.5], [0.2, null], [[0.04, 0], [0, 0.01]])).toBeNull();
    expect(diversificationRatio([0, 0], [0.2, 0.1], [[0.04, 0], [0, 0.01]])).toBeNull();
    // A sleeve in debt has a negative share of the whole: −4/3 and 7/3 read as a ratio of −0.094.
    expect(diversificationRatio([-4 / 3, 7 / 3], [0.2, 0.1], [[0.04, 0], [0, 0.01]])).toBeNull();
    expect(() => diversificationRatio([1, 0], [0.2], [[0.04]])).toThrow(/weights have 2 entries/);
  });

  it('is > 1 for long-only mixes of real, imperfectly correlated returns (six Dow 30 stocks)', () => {
    const returns = dow6Returns();
    const cov = sampleCovariance(returns, { lookback: 500 });
    const vols = sampleVolatilities(returns, { lookback: 500 });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 6, maxLength: 6 }), (raw) => {
        const sum = raw.reduce((a, b) => a + b, 0);
        const ratio = diversificationRatio(raw.map((value) => value / sum), vols, cov);
        expect(ratio ?? 0).toBeGreaterThan(1);
      }),
      { numRuns: 50 },
    );
  });
});
