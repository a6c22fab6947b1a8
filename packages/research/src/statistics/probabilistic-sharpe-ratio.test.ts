import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { simpsonNormalCdf } from '../../test/helpers';
import { probabilisticSharpeRatio } from './probabilistic-sharpe-ratio';

describe('probabilisticSharpeRatio', () => {
  it('evaluates the formula: normal returns, SR 0.1 over 101 periods', () => {
    // z = (0.1 − 0)·√100 / √(1 − 0 + (3 − 1)/4 · 0.01) = 1 / √1.005
    const expected = simpsonNormalCdf(1 / Math.sqrt(1.005));
    const got = probabilisticSharpeRatio({ sharpe: 0.1, observations: 101, skewness: 0, kurtosis: 3 });
    expect(Math.abs((got ?? Number.NaN) - expected)).toBeLessThan(1e-13);
  });

  it('penalises negative skew and fat tails, against a benchmark', () => {
    // z = (0.15 − 0.05)·√499 / √(1 + 2·0.15 + (9 − 1)/4 · 0.0225)
    const z = (0.1 * Math.sqrt(499)) / Math.sqrt(1 + 0.3 + 2 * 0.0225);
    const got = probabilisticSharpeRatio({ sharpe: 0.15, observations: 500, skewness: -2, kurtosis: 9 }, 0.05);
    expect(Math.abs((got ?? Number.NaN) - simpsonNormalCdf(z))).toBeLessThan(1e-13);
    const normal = probabilisticSharpeRatio({ sharpe: 0.15, observations: 500, skewness: 0, kurtosis: 3 }, 0.05);
    expect(got).toBeLessThan(normal ?? 0);
  });

  it('is 1/2 when the estimate equals the benchmark', () => {
    expect(probabilisticSharpeRatio({ sharpe: 0.2, observations: 50, skewness: 1, kurtosis: 6 }, 0.2)).toBe(0.5);
  });

  it('is null with fewer than 2 observations or a zero variance term', () => {
    expect(probabilisticSharpeRatio({ sharpe: 0.2, observations: 1, skewness: 0, kurtosis: 3 })).toBeNull();
    // Two-valued returns on Pearson's bound γ₄ = 1 + γ₃² with SR̂ = 2/γ₃: 1 − 2 + 1 = 0.
    expect(probabilisticSharpeRatio({ sharpe: 1, observations: 10, skewness: 2, kurtosis: 5 })).toBeNull();
  });

  it('rejects impossible inputs, an excess kurtosis first of all', () => {
    expect(() => probabilisticSharpeRatio({ sharpe: 0.1, observations: 100, skewness: 0, kurtosis: 0.5 })).toThrow(
      /kurtosis: must be the plain \(non-excess\) kurtosis.*add 3 to an excess kurtosis/,
    );
    let error: unknown;
    try {
      probabilisticSharpeRatio({ sharpe: Number.NaN, observations: 2.5, skewness: 0, kurtosis: 3 }, Number.POSITIVE_INFINITY);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['benchmarkSharpe', 'sharpe', 'observations']);
  });
});
