import { describe, expect, it } from 'vitest';
import { buildSmallRun } from './__fixtures__/small-run';
import { metricsColumns } from './sections';

describe('metricsColumns', () => {
  it('shows a sleeve\'s end equity as its own curve\'s last value, not its time-weighted index\'s', () => {
    const input = buildSmallRun();
    expect(input.sleeves.length).toBeGreaterThanOrEqual(2);
    // As a sleeve measured on its time-weighted index has it: a notional end value.
    const sleeves = input.sleeves.map((sleeve) => ({ ...sleeve, metrics: { ...sleeve.metrics, metrics: { ...sleeve.metrics.metrics, endEquity: 123_456 } } }));
    const columns = metricsColumns({ ...input, sleeves });
    expect(columns[0]?.result.metrics.endEquity).toBe(input.portfolio.metrics.metrics.endEquity);
    sleeves.forEach((sleeve, i) => {
      expect(columns[i + 1]?.result.metrics.endEquity).toBe(sleeve.equity.equity[sleeve.equity.equity.length - 1]);
      expect(columns[i + 1]?.result.metrics.totalReturn).toBe(sleeve.metrics.metrics.totalReturn);
    });
  });
});
