import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { bisectionNormalQuantile, normalDraws } from '../../test/helpers';
import { EULER_MASCHERONI, expectedMaxSharpe } from './expected-max-sharpe';

describe('expectedMaxSharpe', () => {
  it('matches the formula evaluated with high precision (mpmath) and by an independent quantile', () => {
    // mpmath, 40 digits: (1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))
    const mpmath: readonly (readonly [number, number])[] = [
      [2, 0.5197553442805939],
      [10, 1.57459830134575],
      [100, 2.530602893201682],
      [1000, 3.2551215136527256],
    ];
    for (const [trials, z] of mpmath) {
      expect(Math.abs(expectedMaxSharpe({ trials, sharpeVariance: 1 }) / z - 1), `N = ${trials}`).toBeLessThan(1e-14);
      const independent =
        (1 - EULER_MASCHERONI) * bisectionNormalQuantile(1 - 1 / trials) +
        EULER_MASCHERONI * bisectionNormalQuantile(1 - 1 / (trials * Math.E));
      expect(Math.abs(expectedMaxSharpe({ trials, sharpeVariance: 1 }) - independent)).toBeLessThan(1e-11);
    }
  });

  it('scales with the standard deviation of the trial Sharpe ratios', () => {
    expect(expectedMaxSharpe({ trials: 50, sharpeVariance: 4 })).toBeCloseTo(2 * expectedMaxSharpe({ trials: 50, sharpeVariance: 1 }), 14);
    expect(expectedMaxSharpe({ trials: 50, sharpeVariance: 0 })).toBe(0);
  });

  it('is 0 for a single trial: nothing was selected', () => {
    expect(expectedMaxSharpe({ trials: 1, sharpeVariance: 0.3 })).toBe(0);
  });

  it('approximates the mean maximum of N standard normal draws (Monte Carlo, fixed seed)', () => {
    // The formula is an approximation: 2.3% above the exact E[max] at N = 10, 0.9% at 100 and
    // 0.4% at 1000 (numerical integration). The Monte Carlo standard errors are about 0.1–0.25%.
    const cases = [
      { trials: 10, repetitions: 100_000, tolerance: 0.03 },
      { trials: 100, repetitions: 20_000, tolerance: 0.015 },
      { trials: 1000, repetitions: 2_000, tolerance: 0.01 },
    ];
    for (const [k, { trials, repetitions, tolerance }] of cases.entries()) {
      const draws = normalDraws(1234 + k, trials * repetitions);
      let total = 0;
      for (let r = 0; r < repetitions; r++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let i = r * trials; i < (r + 1) * trials; i++) max = Math.max(max, draws[i] ?? max);
        total += max;
      }
      const simulated = total / repetitions;
      expect(Math.abs(expectedMaxSharpe({ trials, sharpeVariance: 1 }) / simulated - 1), `N = ${trials}`).toBeLessThan(tolerance);
    }
  });

  it('rejects a non-integer or zero trial count and a negative variance, listing both', () => {
    let error: unknown;
    try {
      expectedMaxSharpe({ trials: 2.5, sharpeVariance: -1 });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['trials', 'sharpeVariance']);
    expect(() => expectedMaxSharpe({ trials: 0, sharpeVariance: 1 })).toThrow(/trials: must be the number of trials/);
  });
});
