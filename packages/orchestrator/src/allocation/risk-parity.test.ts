import { ConfigError } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { riskContributions, solveRiskParity } from './risk-parity';
import type { RiskParityMethod } from './risk-parity';
import { dow6Returns } from './__fixtures__/dow6';
import { riskParityWeights } from './schemes';

/** Relative risk contributions computed here, independently of the module under test. */
function naiveContributions(weights: ArrayLike<number>, covariance: readonly number[][]): number[] {
  const products = covariance.map((row) => row.reduce((sum, value, j) => sum + value * (weights[j] ?? 0), 0));
  const parts = products.map((product, i) => (weights[i] ?? 0) * product);
  const total = parts.reduce((sum, value) => sum + value, 0);
  return parts.map((part) => part / total);
}

function inverseVolatility(vols: readonly number[]): number[] {
  const inverse = vols.map((sigma) => 1 / sigma);
  const sum = inverse.reduce((a, b) => a + b, 0);
  return inverse.map((value) => value / sum);
}

/** Σ = D·C·D from a correlation matrix and volatilities. */
function covarianceFrom(correlation: readonly number[][], vols: readonly number[]): number[][] {
  return correlation.map((row, i) => row.map((rho, j) => rho * (vols[i] ?? 0) * (vols[j] ?? 0)));
}

const unit = fc.integer({ min: -1000, max: 1000 }).map((value) => value / 1000);
const volatility = fc.integer({ min: 1, max: 500 }).map((value) => value / 1000);

/**
 * Random positive-definite covariances: a correlation from A·Aᵀ + ridge·I (normalised to a unit
 * diagonal), scaled by random volatilities between 0.001 and 0.5. A small ridge gives correlations
 * near ±1 (ill-conditioned).
 */
const covariance = (maxSleeves: number, minRidge: number) =>
  fc.integer({ min: 2, max: maxSleeves }).chain((n) =>
    fc
      .record({
        a: fc.array(unit, { minLength: n * n, maxLength: n * n }),
        ridge: fc.integer({ min: Math.round(minRidge * 1000), max: 1000 }).map((value) => value / 1000),
        vols: fc.array(volatility, { minLength: n, maxLength: n }),
      })
      .map(({ a, ridge, vols }) => {
        const m = Array.from({ length: n }, (_, i) =>
          Array.from({ length: n }, (_, j) => {
            let sum = i === j ? ridge : 0;
            for (let k = 0; k < n; k++) sum += (a[i * n + k] ?? 0) * (a[j * n + k] ?? 0);
            return sum;
          }),
        );
        const scale = m.map((row, i) => Math.sqrt(row[i] ?? 1));
        const correlation = m.map((row, i) => row.map((value, j) => value / ((scale[i] ?? 1) * (scale[j] ?? 1))));
        return covarianceFrom(correlation, vols);
      }),
  );

describe('solveRiskParity', () => {
  it('solves a hand-worked 3×3 case', () => {
    // Sleeves 1 and 2 correlate at ρ = 0.44, sleeve 3 is uncorrelated with both. In correlation units
    // y₁ = y₂ = a, y₃ = b with y₁(Cy)₁ = a²(1 + ρ) = y₃(Cy)₃ = b² → b = a·√1.44 = 1.2a. Weights ∝ y/σ:
    // with σ = (0.1, 0.1, 0.2): (10a, 10a, 6a) → 10/26, 10/26, 6/26 = 5/13, 5/13, 3/13.
    const cov = covarianceFrom(
      [
        [1, 0.44, 0],
        [0.44, 1, 0],
        [0, 0, 1],
      ],
      [0.1, 0.1, 0.2],
    );
    for (const method of ['newton', 'coordinate-descent'] as const) {
      const solution = solveRiskParity(cov, { method });
      expect(solution.converged).toBe(true);
      const expected = [5 / 13, 5 / 13, 3 / 13];
      expected.forEach((value, i) => { expect(Math.abs((solution.weights[i] ?? 0) - value)).toBeLessThan(1e-10); });
    }
  });

  it('gives equal risk contributions to 1e-8 on random positive-definite covariances (Newton, within the cap)', () => {
    fc.assert(
      fc.property(covariance(12, 0.01), (cov) => {
        const solution = solveRiskParity(cov);
        expect(solution.converged).toBe(true);
        expect(solution.iterations).toBeLessThanOrEqual(500);
        expect(solution.maxDeviation).toBeLessThanOrEqual(1e-10);
        const n = cov.length;
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const w = solution.weights[i] ?? Number.NaN;
          expect(w).toBeGreaterThan(0);
          sum += w;
        }
        expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
        for (const rc of naiveContributions(solution.weights, cov)) expect(Math.abs(rc - 1 / n)).toBeLessThan(1e-8);
      }),
      { numRuns: 200 },
    );
  });

  it('coordinate descent converges within the cap on moderately correlated sleeves and matches Newton', () => {
    fc.assert(
      fc.property(covariance(8, 0.3), (cov) => {
        const ccd = solveRiskParity(cov, { method: 'coordinate-descent' });
        expect(ccd.converged).toBe(true);
        expect(ccd.iterations).toBeLessThanOrEqual(500);
        const newton = solveRiskParity(cov, { method: 'newton' });
        cov.forEach((_, i) => { expect(Math.abs((ccd.weights[i] ?? 0) - (newton.weights[i] ?? 0))).toBeLessThan(1e-8); });
        for (const rc of naiveContributions(ccd.weights, cov)) expect(Math.abs(rc - 1 / cov.length)).toBeLessThan(1e-8);
      }),
      { numRuns: 150 },
    );
  });

  it('equals inverse volatility when correlations are zero or all equal (closed form)', () => {
    const correlations = fc.integer({ min: 2, max: 10 }).chain((n) =>
      fc.record({
        vols: fc.array(volatility, { minLength: n, maxLength: n }),
        // Equal correlations must exceed −1/(n−1) to be positive definite.
        rho: fc.integer({ min: Math.ceil((-1000 / (n - 1)) * 0.9), max: 950 }).map((value) => value / 1000),
        zero: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(correlations, ({ vols, rho, zero }) => {
        const n = vols.length;
        const correlation = Array.from({ length: n }, (_, i) =>
          Array.from({ length: n }, (_, j) => (i === j ? 1 : zero ? 0 : rho)),
        );
        const expected = inverseVolatility(vols);
        for (const method of ['newton', 'coordinate-descent'] as RiskParityMethod[]) {
          const solution = solveRiskParity(covarianceFrom(correlation, vols), { method });
          expect(solution.converged).toBe(true);
          expected.forEach((value, i) => { expect(Math.abs((solution.weights[i] ?? 0) - value)).toBeLessThan(1e-10); });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('equals inverse volatility for two sleeves at any correlation', () => {
    fc.assert(
      fc.property(volatility, volatility, fc.integer({ min: -990, max: 990 }), (s1, s2, rho) => {
        const solution = solveRiskParity(covarianceFrom([[1, rho / 1000], [rho / 1000, 1]], [s1, s2]));
        const expected = inverseVolatility([s1, s2]);
        expect(Math.abs((solution.weights[0] ?? 0) - (expected[0] ?? 0))).toBeLessThan(1e-10);
      }),
      { numRuns: 100 },
    );
  });

  it('starts at the solution when correlations are equal (0 iterations) and handles 0 and 1 sleeves', () => {
    expect(solveRiskParity([[0.04, 0.01], [0.01, 0.04]]).iterations).toBe(0);
    expect(solveRiskParity([[0.09]])).toMatchObject({ iterations: 0, converged: true, weights: new Float64Array([1]) });
    expect(solveRiskParity([])).toMatchObject({ iterations: 0, converged: true });
  });

  it('reports non-convergence when a long-only mix of sleeves has zero variance', () => {
    // Sleeves 1 and 2 hedge each other perfectly (ρ = −1), sleeve 3 is independent: any mix of 1 and 2
    // in equal parts has zero risk, so their contributions are 0 while sleeve 3's is not, and pushing
    // y₁ = y₂ → ∞ lowers the objective without end. No equal-risk solution; the solver stops at the cap.
    const cov = [
      [1, -1, 0],
      [-1, 1, 0],
      [0, 0, 1],
    ];
    for (const method of ['newton', 'coordinate-descent'] as const) {
      const solution = solveRiskParity(cov, { maxIterations: 40, method });
      expect(solution.converged).toBe(false);
      expect(solution.iterations).toBe(40);
      expect(solution.maxDeviation).toBeGreaterThan(0.5);
      for (const w of solution.weights) expect(Number.isFinite(w)).toBe(true);
    }
  });

  it('rejects an invalid matrix or options, naming the entry', () => {
    expect(() => solveRiskParity([[1, 0]])).toThrow(/covariance\.0: has 2 entries; the matrix must be 1×1/);
    expect(() => solveRiskParity([[1, 0.5], [0.4, 1]])).toThrow(/covariance\.1\.0: is 0\.4 but entry 0\.1 is 0\.5/);
    expect(() => solveRiskParity([[1, 0], [0, 0]])).toThrow(/covariance\.1\.1: variance must be finite and > 0/);
    expect(() => solveRiskParity([[1, Number.NaN], [Number.NaN, 1]])).toThrow(/covariance\.1\.0: must be finite/);
    expect(() => solveRiskParity([[1]], { tolerance: 0 })).toThrow(ConfigError);
    expect(() => solveRiskParity([[1]], { maxIterations: 1.5 })).toThrow(/maxIterations/);
  });
});

describe('riskContributions', () => {
  it('computes wᵢ(Σw)ᵢ / wᵀΣw (hand-worked) and NaN without variance', () => {
    // w = (0.5, 0.5), Σ = [[0.01, 0.01], [0.01, 0.04]]: Σw = (0.01, 0.025); parts 0.005, 0.0125; total 0.0175.
    const rc = riskContributions([0.5, 0.5], [[0.01, 0.01], [0.01, 0.04]]);
    expect(Math.abs((rc[0] ?? 0) - 0.005 / 0.0175)).toBeLessThan(1e-15);
    expect(Math.abs((rc[1] ?? 0) - 0.0125 / 0.0175)).toBeLessThan(1e-15);
    expect(Number.isNaN(riskContributions([0, 0], [[1, 0], [0, 1]])[0])).toBe(true);
    expect(() => riskContributions([1, 0], [[1]])).toThrow(/must be 2×2/);
  });
});

describe('risk parity on real data (six Dow 30 stocks, 1996–1998 daily)', () => {
  it('converges on a year of daily returns at every month-like step and equalises risk', () => {
    const returns = dow6Returns().map((column) => Float64Array.from(column));
    const bars = returns[0]?.length ?? 0;
    let solves = 0;
    for (let length = 252; length <= bars; length += 21) {
      const result = riskParityWeights({ returns, length }, { lookback: 252 });
      expect(result.convergence?.converged).toBe(true);
      // Independent check: covariance of the window computed here (one-pass formula), then RC.
      const start = length - 252;
      const cov = returns.map((x) =>
        returns.map((y) => {
          let sx = 0;
          let sy = 0;
          let sxy = 0;
          for (let t = start; t < length; t++) {
            sx += x[t] ?? 0;
            sy += y[t] ?? 0;
            sxy += (x[t] ?? 0) * (y[t] ?? 0);
          }
          return (sxy - (sx * sy) / 252) / 251;
        }),
      );
      for (const rc of naiveContributions(result.weights, cov)) expect(Math.abs(rc - 1 / 6)).toBeLessThan(1e-8);
      solves++;
    }
    expect(solves).toBe(25);
  });
});
