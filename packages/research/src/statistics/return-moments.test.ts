import { DataValidationError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { perPeriodSharpe, returnMoments } from './return-moments';

describe('returnMoments', () => {
  it('computes a skewed sample by hand: [0, 0, 0, 1]', () => {
    // mean 1/4; deviations −1/4 ×3, 3/4; Σd² = 3/4 → std = √(3/4 / 3) = 1/2, Sharpe = 1/2;
    // m₂ = 3/16, m₃ = 3/32 → γ₃ = (3/32) / (3/16)^{3/2} = 2/√3; m₄ = 21/256 → γ₄ = (21/256) / (9/256) = 7/3.
    const m = returnMoments([0, 0, 0, 1]);
    expect(m.observations).toBe(4);
    expect(m.mean).toBe(0.25);
    expect(m.std).toBe(0.5);
    expect(m.sharpe).toBe(0.5);
    expect(m.skewness).toBeCloseTo(2 / Math.sqrt(3), 14);
    expect(m.kurtosis).toBeCloseTo(7 / 3, 14);
  });

  it('computes a symmetric sample by hand: [0.01, −0.02, 0.03, 0]', () => {
    // mean 0.005; deviations ±0.005, ±0.025 → Σd² = 1.3e−3, Σd³ = 0, Σd⁴ = 7.825e−7.
    const m = returnMoments([0.01, -0.02, 0.03, 0]);
    expect(m.mean).toBeCloseTo(0.005, 16);
    expect(m.sharpe).toBeCloseTo(0.005 / Math.sqrt(1.3e-3 / 3), 13);
    expect(m.skewness).toBeCloseTo(0, 12);
    expect(m.kurtosis).toBeCloseTo(7.825e-7 / 4 / (1.3e-3 / 4) ** 2, 12); // 1.852071…
  });

  it('is null where the moments cannot be computed', () => {
    expect(returnMoments([])).toEqual({ observations: 0, mean: null, std: null, sharpe: null, skewness: null, kurtosis: null });
    expect(returnMoments([0.01])).toMatchObject({ observations: 1, mean: 0.01, sharpe: null, kurtosis: null });
    // Flat returns: a standard deviation of floating-point noise is no dispersion.
    expect(returnMoments([0.001, 0.001, 0.001]).sharpe).toBeNull();
    expect(perPeriodSharpe([0.001, 0.001, 0.001, 0.001 + 1e-17])).toBeNull();
  });

  it('names the first non-finite return', () => {
    let error: unknown;
    try {
      returnMoments([0.01, 0.02, Number.NaN]);
    } catch (caught) {
      error = caught;
    }
    expect(DataValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'returns', row: 3 });
    expect(String(error)).toMatch(/returns\[2\] is NaN/);
  });
});
