import { loadDataset } from '@ensemble/data';
import { describe, expect, it } from 'vitest';
import { testRegistry } from '../test/helpers';
import { runOrchestrator } from './orchestrator';

/** Sample mean and standard deviation (ddof 1) of the pairs' values. */
function moments(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

describe('the diversification ratio of sleeves whose returns cover different bars', () => {
  it('is at least 1, from each sleeve’s own volatility and the correlation the result reports (an isolated sleeve beside buy and hold)', async () => {
    // Two sleeves holding the S&P 500 from 2008: one is isolated in 2010, when its strategy throws,
    // and is empty (no returns) from then on; the other holds to 2020. Over the bars both have
    // returns (2008–2010, a volatile stretch) they move together; the second sleeve's own σ is
    // taken over all of 2008–2020, a calmer whole. A covariance over the common bars beside that
    // σ described no possible portfolio: the ratio read 0.94, below the 1 of perfectly correlated
    // sleeves.
    const { series } = await loadDataset('sp500', { from: '2008-01-01' });
    const result = runOrchestrator(
      {
        data: { dataset: 'sp500', from: '2008-01-01' },
        errorPolicy: 'isolate',
        strategies: [
          { id: 'thrower', strategy: 'throwing', params: { at: 520 }, symbols: ['SP500'] },
          { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
        ],
      },
      series,
      { registry: testRegistry },
    );
    expect(result.isolated.map((event) => event.strategyId)).toEqual(['thrower']);
    // By hand from the result's columns: mean weights over the bars where they exist, each
    // sleeve's σ over its finite returns, their correlation over the bars where both are finite.
    const sleeves = result.sleeves;
    const weights = sleeves.map((sleeve) => {
      const defined = Array.from(sleeve.weight).filter((value) => Number.isFinite(value));
      return defined.reduce((sum, value) => sum + value, 0) / defined.length;
    });
    const sigmas = sleeves.map((sleeve) => moments(Array.from(sleeve.returns).filter((value) => Number.isFinite(value))).std);
    const [a, b] = sleeves.map((sleeve) => Array.from(sleeve.returns));
    const common = (a ?? []).flatMap((value, t) => (Number.isFinite(value) && Number.isFinite(b?.[t] ?? Number.NaN) ? [[value, b?.[t] ?? 0] as const] : []));
    expect(common.length).toBeGreaterThan(400);
    expect(common.length).toBeLessThan(result.bars / 2);
    const x = moments(common.map(([value]) => value));
    const y = moments(common.map(([, value]) => value));
    const rho = common.reduce((sum, [u, v]) => sum + (u - x.mean) * (v - y.mean), 0) / (common.length - 1) / (x.std * y.std);
    expect(result.correlation.matrix[0]?.[1]).toBeCloseTo(rho, 12);
    const [wa = 0, wb = 0] = weights;
    const [sa = 0, sb = 0] = sigmas;
    const expected = (wa * sa + wb * sb) / Math.sqrt(wa ** 2 * sa ** 2 + wb ** 2 * sb ** 2 + 2 * wa * wb * rho * sa * sb);
    expect(result.diversificationRatio).toBeCloseTo(expected, 10);
    expect(result.diversificationRatio).toBeGreaterThanOrEqual(1);
  });
});
