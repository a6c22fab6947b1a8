import { describe, expect, it } from 'vitest';
import { testRegistry, walkSeries } from '../../test/helpers';
import { runOrchestrator } from '../orchestrator';

describe('rebalance decision', () => {
  it('in shared mode lists only the schedule as a reason: drift bands do not apply to shadow sleeves', () => {
    const series = [walkSeries('AAA', 300, 1, 0.03), walkSeries('BBB', 300, 2, 0.03)];
    const result = runOrchestrator(
      {
        data: { dataset: 'sp500' },
        mode: 'shared',
        rebalance: { schedule: 'month', drift: { absolute: 0.0001 } },
        strategies: [
          { id: 'fast', strategy: 'random-signal', params: { seed: 1 }, symbols: ['AAA', 'BBB'] },
          { id: 'slow', strategy: 'random-signal', params: { seed: 2 }, symbols: ['AAA', 'BBB'] },
        ],
      },
      series,
      { registry: testRegistry },
    );
    const later = result.rebalances.slice(1);
    // About 300 daily bars: a dozen month starts, each a rebalance for the schedule only.
    expect(later.length).toBeGreaterThan(8);
    for (const event of later) expect(event.reasons).toEqual(['schedule']);
  });
});

describe('rebalance events', () => {
  const series = [walkSeries('AAA', 400, 3, 0.02), walkSeries('BBB', 400, 4, 0.02)];
  const config = {
    data: { dataset: 'sp500' as const },
    allocation: { scheme: 'inverse-volatility' as const, lookback: 20 },
    rebalance: { schedule: 'month' as const },
    strategies: [
      { id: 'a', strategy: 'random-signal', params: { seed: 5 }, symbols: ['AAA'] },
      { id: 'b', strategy: 'random-signal', params: { seed: 6 }, symbols: ['BBB'] },
      { id: 'c', strategy: 'random-signal', params: { seed: 7 }, symbols: ['AAA', 'BBB'] },
    ],
  };

  it("carry each sleeve's weights and transfer as plain, enumerable data: JSON, spread and structuredClone see them", () => {
    const result = runOrchestrator(config, series, { registry: testRegistry });
    const event = result.rebalances[3];
    if (event === undefined) throw new Error('expected at least four rebalances');
    const fields = ['weightsBefore', 'targetWeights', 'weightsAfter', 'transfers'];
    // In the order the result's JSON has always had.
    expect(Object.keys(event)).toEqual([
      'time',
      'reason',
      'reasons',
      'weightsBefore',
      'targetWeights',
      'weightsAfter',
      'transfers',
      'orders',
      'sales',
      'scheme',
      'warmup',
      'constraintStatus',
      'convergence',
    ]);
    const json = JSON.parse(JSON.stringify(event)) as Record<string, Record<string, number>>;
    const clone = structuredClone(event) as unknown as Record<string, Record<string, number>>;
    const spread = { ...event } as unknown as Record<string, Record<string, number>>;
    for (const field of fields) {
      expect(Object.keys(json[field] ?? {})).toEqual(['a', 'b', 'c']);
      expect(clone[field]).toEqual(json[field]);
      expect(spread[field]).toEqual(json[field]);
    }
    // The same record on every read, and writable like any plain property.
    expect(event.weightsAfter).toBe(event.weightsAfter);
    const replacement = { a: 1 };
    (event as { transfers: Record<string, number> }).transfers = replacement;
    expect(event.transfers).toBe(replacement);
  });

  it("say what the run recorded: weights after = each sleeve's equity over the portfolio's at the rebalance close, transfers = the change of the sleeve's net transfers", () => {
    const result = runOrchestrator(config, series, { registry: testRegistry });
    const time = result.portfolio.equity.time;
    expect(result.rebalances.length).toBeGreaterThan(10);
    for (const event of result.rebalances.slice(1)) {
      const t = time.indexOf(event.time);
      expect(t).toBeGreaterThan(0);
      const total = result.portfolio.equity.equity[t] ?? Number.NaN;
      let targets = 0;
      for (const sleeve of result.sleeves) {
        const equity = sleeve.equity.equity[t] ?? Number.NaN;
        expect(event.weightsAfter[sleeve.id]).toBeCloseTo(equity / total, 12);
        targets += event.targetWeights[sleeve.id] ?? Number.NaN;
      }
      expect(targets).toBeCloseTo(1, 12);
    }
    // The initial event's transfers are the funding; the later ones add up to each sleeve's net transfers.
    for (const sleeve of result.sleeves) {
      let moved = 0;
      for (const event of result.rebalances.slice(1)) moved += event.transfers[sleeve.id] ?? Number.NaN;
      expect(moved).toBeCloseTo(sleeve.netTransfers, 6);
    }
  });
});
