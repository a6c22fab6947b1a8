import { ConfigError, DataValidationError } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bisectionNormalQuantile, normalDraws, simpsonNormalCdf } from '../../test/helpers';
import { deflatedSharpeRatio } from './deflated-sharpe-ratio';
import { expectedMaxSharpe } from './expected-max-sharpe';
import { probabilisticSharpeRatio } from './probabilistic-sharpe-ratio';

/**
 * The whole DSR computed independently: moments from raw power sums (E[x^k] expanded around the
 * mean, a second formula), the expected maximum with a bisection quantile and the PSR with a
 * Simpson-rule CDF.
 */
function independentDsr(returns: Float64Array, trialSharpes: readonly number[]): { dsr: number; psr: number; sr0: number } {
  const t = returns.length;
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  let p4 = 0;
  for (const r of returns) {
    p1 += r / t;
    p2 += (r * r) / t;
    p3 += (r * r * r) / t;
    p4 += (r * r * r * r) / t;
  }
  const m2 = p2 - p1 * p1;
  const m3 = p3 - 3 * p1 * p2 + 2 * p1 ** 3;
  const m4 = p4 - 4 * p1 * p3 + 6 * p1 * p1 * p2 - 3 * p1 ** 4;
  const sharpe = p1 / Math.sqrt((m2 * t) / (t - 1));
  const skewness = m3 / m2 ** 1.5;
  const kurtosis = m4 / (m2 * m2);
  const n = trialSharpes.length;
  const meanSharpe = trialSharpes.reduce((a, b) => a + b, 0) / n;
  const variance = (trialSharpes.reduce((a, b) => a + b * b, 0) - n * meanSharpe * meanSharpe) / (n - 1);
  const gamma = 0.5772156649015329;
  const sr0 =
    Math.sqrt(variance) *
    ((1 - gamma) * bisectionNormalQuantile(1 - 1 / n) + gamma * bisectionNormalQuantile(1 - 1 / (n * Math.E)));
  const psrAt = (benchmark: number) =>
    simpsonNormalCdf(
      ((sharpe - benchmark) * Math.sqrt(t - 1)) / Math.sqrt(1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe),
    );
  return { dsr: psrAt(sr0), psr: psrAt(0), sr0 };
}

describe('deflatedSharpeRatio', () => {
  it("reproduces the paper's numerical example (Bailey & López de Prado 2014, section 6)", () => {
    // Annualised SR 2.5 over 5 years of daily returns (T = 1250, 250 days a year), N = 100 trials
    // whose annualised Sharpe ratios have variance 1/2, skewness −3, kurtosis 10:
    // SR₀ ≈ 0.1132 and DSR ≈ 0.9004 per day. mpmath (40 digits): SR₀ = 0.11317200186513203,
    // DSR = 0.900396834449391, PSR(0) = 0.9999968595078976; with N = 46, DSR = 0.9505017068755786.
    const estimate = { sharpe: 2.5 / Math.sqrt(250), observations: 1250, skewness: -3, kurtosis: 10 };
    const sr0 = expectedMaxSharpe({ trials: 100, sharpeVariance: 0.5 / 250 });
    expect(sr0.toFixed(4)).toBe('0.1132');
    expect(Math.abs(sr0 - 0.11317200186513203)).toBeLessThan(1e-15);
    const dsr = probabilisticSharpeRatio(estimate, sr0) ?? Number.NaN;
    expect(dsr.toFixed(4)).toBe('0.9004');
    expect(Math.abs(dsr - 0.900396834449391)).toBeLessThan(1e-14);
    expect(Math.abs((probabilisticSharpeRatio(estimate) ?? Number.NaN) - 0.9999968595078976)).toBeLessThan(1e-15);
    const with46 = probabilisticSharpeRatio(estimate, expectedMaxSharpe({ trials: 46, sharpeVariance: 0.5 / 250 })) ?? Number.NaN;
    expect(Math.abs(with46 - 0.9505017068755786)).toBeLessThan(1e-14);
  });

  it('agrees with an independent computation on skewed returns and a set of trial Sharpe ratios', () => {
    // Fat-tailed, skewed daily returns: a normal body plus rare large losses.
    const draws = normalDraws(7, 2 * 1500);
    const returns = new Float64Array(1500);
    for (let i = 0; i < returns.length; i++) {
      const shock = (draws[1500 + i] ?? 0) > 2 ? -0.05 : 0;
      returns[i] = 0.0012 + 0.01 * (draws[i] ?? 0) + shock;
    }
    const trialSharpes = Array.from({ length: 40 }, (_, k) => 0.02 * Math.sin(k * 1.7) + 0.01 * Math.cos(k * 0.3));
    const result = deflatedSharpeRatio({ returns, trialSharpes });
    const expected = independentDsr(returns, trialSharpes);
    expect(result.skewness).toBeLessThan(-0.5);
    expect(result.kurtosis).toBeGreaterThan(4);
    expect(result.trials).toBe(40);
    expect(result.observations).toBe(1500);
    expect(Math.abs(result.expectedMaxSharpe - expected.sr0)).toBeLessThan(1e-12);
    expect(Math.abs((result.dsr ?? Number.NaN) - expected.dsr)).toBeLessThan(1e-11);
    expect(Math.abs((result.psr ?? Number.NaN) - expected.psr)).toBeLessThan(1e-11);
    // Selecting from 40 trials costs something: the DSR sits below the PSR.
    expect(result.dsr).toBeLessThan(result.psr ?? 0);
  });

  it('takes the number of trials and the variance directly', () => {
    const returns = normalDraws(11, 500).map((z) => 0.0005 + 0.01 * z);
    const fromList = deflatedSharpeRatio({ returns, trialSharpes: [0.01, 0.03, -0.02, 0.05] });
    const direct = deflatedSharpeRatio({ returns, trials: 4, sharpeVariance: fromList.sharpeVariance ?? Number.NaN });
    expect(direct).toEqual(fromList);
    // Sample variance (ddof = 1) of the four Sharpe ratios, by hand: mean 0.0175, Σd² = 0.002675.
    expect(fromList.sharpeVariance).toBeCloseTo(0.002675 / 3, 15);
  });

  it('equals the PSR for a single trial: no selection, SR₀ = 0', () => {
    const returns = normalDraws(3, 300).map((z) => 0.001 + 0.01 * z);
    const result = deflatedSharpeRatio({ returns, trialSharpes: [0.1] });
    expect(result.expectedMaxSharpe).toBe(0);
    expect(result.sharpeVariance).toBeNull();
    expect(result.dsr).toBe(result.psr);
  });

  it('falls as the number of trials grows', () => {
    const returns = normalDraws(5, 750).map((z) => 0.0008 + 0.01 * z);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 1000 }), (trials, extra) => {
        const fewer = deflatedSharpeRatio({ returns, trials, sharpeVariance: 0.001 }).dsr ?? Number.NaN;
        const more = deflatedSharpeRatio({ returns, trials: trials + extra, sharpeVariance: 0.001 }).dsr ?? Number.NaN;
        expect(more).toBeLessThanOrEqual(fewer);
      }),
      { numRuns: 100 },
    );
  });

  it('is null (not 0) where the Sharpe ratio cannot be computed', () => {
    const result = deflatedSharpeRatio({ returns: [0.001, 0.001, 0.001], trials: 10, sharpeVariance: 0.01 });
    expect(result).toMatchObject({ dsr: null, psr: null, sharpe: null, skewness: null, kurtosis: null, observations: 3, trials: 10 });
    expect(result.expectedMaxSharpe).toBeGreaterThan(0);
  });

  it('names bad input', () => {
    const returns = [0.01, -0.01, 0.02];
    expect(() => deflatedSharpeRatio({ returns, trialSharpes: [] })).toThrow(/trialSharpes: must hold the Sharpe ratio of at least one trial/);
    expect(() => deflatedSharpeRatio({ returns, trials: 0, sharpeVariance: 0.1 })).toThrow(ConfigError);
    expect(() =>
      deflatedSharpeRatio({ returns, trialSharpes: [0.1], trials: 3, sharpeVariance: 0.1 }),
    ).toThrow(/not both/);
    let error: unknown;
    try {
      deflatedSharpeRatio({ returns, trialSharpes: [0.1, Number.POSITIVE_INFINITY] });
    } catch (caught) {
      error = caught;
    }
    expect(DataValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'trialSharpes', row: 2 });
  });
});
