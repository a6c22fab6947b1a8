import type { BarSeries } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/helpers';
import type { RunConfigInput } from '../config';
import { runOrchestrator } from '../orchestrator';
import type { OrchestratorResult } from '../result';

async function sp500From2010(): Promise<readonly BarSeries[]> {
  const { loadDataset } = await import('@ensemble/data');
  return (await loadDataset('sp500', { from: '2010-01-01' })).series;
}

/** A buy-and-hold and an SMA 20/100 sleeve on the S&P 500 from 2010, equal weights. */
function twoSleeves(overrides: Partial<RunConfigInput>): RunConfigInput {
  return {
    data: { dataset: 'sp500' },
    allocation: { scheme: 'equal' },
    strategies: [
      { id: 'bh', strategy: 'buy-and-hold', symbols: ['SP500'] },
      { id: 'sma', strategy: 'sma-crossover', params: { fast: 20, slow: 100 }, symbols: ['SP500'] },
    ],
    ...overrides,
  };
}

/** The lowest cash and equity of any sleeve at any bar. */
function lowest(result: OrchestratorResult): { cash: number; equity: number } {
  let cash = Number.POSITIVE_INFINITY;
  let equity = Number.POSITIVE_INFINITY;
  for (const sleeve of result.sleeves) {
    for (const value of sleeve.equity.cash) cash = Math.min(cash, value);
    for (const value of sleeve.equity.equity) equity = Math.min(equity, value);
  }
  return { cash, equity };
}

describe('transfers never cost more than they move, and never leave a long-only giver borrowing', () => {
  it('a fixed commission of 20 on 5,000 of capital, rebalanced weekly: small transfers are not made, and no order goes against its transfer', async () => {
    const series = await sp500From2010();
    for (const fill of ['close', 'next-open'] as const) {
      const result = runOrchestrator(
        twoSleeves({ cash: 5_000, fractional: true, fill, commission: { kind: 'fixed', amount: 20 }, rebalance: { schedule: 'week' } }),
        series,
        { registry: testRegistry },
      );
      const skipped = result.rebalances.filter((event) => event.belowCosts.length > 0);
      expect(skipped.length).toBeGreaterThan(100);
      for (const event of result.rebalances) {
        for (const id of event.belowCosts) expect(event.transfers[id]).toBe(0);
        for (const order of event.orders) {
          const moved = event.transfers[order.strategyId] ?? 0;
          // A sleeve receiving capital buys, one giving it sells: never a sale to pay for its own order.
          expect(Math.sign(order.quantity), `${event.time} ${order.strategyId} ${order.quantity} on a transfer of ${moved}`).toBe(Math.sign(moved));
        }
      }
      // Before: the commissions of weekly transfers of a few dollars took the portfolio to −16.41.
      expect(Math.min(...result.portfolio.equity.equity)).toBeGreaterThan(0);
      expect(lowest(result).equity).toBeGreaterThan(0);
    }
  });

  it('whole units, no costs: a giver whose sale rounds to nothing still sells a unit when its cash would go below zero', async () => {
    const series = await sp500From2010();
    for (const fill of ['close', 'next-open'] as const) {
      const result = runOrchestrator(twoSleeves({ cash: 100_000, fill, rebalance: { schedule: 'month' } }), series, { registry: testRegistry });
      // Before: the buy-and-hold sleeve's cash was below zero on 546 bars, down to −2,538.56.
      expect(lowest(result).cash).toBeGreaterThanOrEqual(0);
    }
  });

  it('a slippage of 99.99 %: a giver that sells its whole book for next to nothing keeps back what it cannot raise, and ends at 0, not below', async () => {
    const series = await sp500From2010();
    const result = runOrchestrator(twoSleeves({ slippage: { kind: 'bps', bps: 9_999 }, rebalance: { schedule: 'month' } }), series, { registry: testRegistry });
    // Before: the SMA sleeve's cash went to −585.84 and its return to −100.67 %.
    const { cash, equity } = lowest(result);
    expect(cash).toBeGreaterThanOrEqual(-1e-9);
    expect(equity).toBeGreaterThanOrEqual(-1e-9);
    for (const sleeve of result.sleeves) expect(sleeve.metrics.metrics.totalReturn ?? -1).toBeGreaterThanOrEqual(-1);
  });
});
