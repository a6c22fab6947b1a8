import { runBacktest } from '@ensemble/engine';
import { createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { seriesOf, testRegistry } from '../test/helpers';
import type { RunConfigInput } from './config';
import { runOrchestrator } from './orchestrator';

/*
 * A sleeve's entry is admitted by the engine's rule (`below-closing-costs`): no position whose sale
 * at half its price would not pay for its own commission and slippage. Before, a sleeve given a
 * sliver of capital under a fixed commission bought such crumbs, and its exit after a fall paid
 * more than the position brought: the sleeve went below zero on a long, the reserve paying it.
 * Prices of 64 and 32 and a commission of 5 keep every figure exact.
 */
const A = seriesOf('A', [
  ['2024-01-01', 64, 64, 64, 64],
  ['2024-01-02', 64, 64, 64, 64],
  ['2024-01-03', 32, 32, 32, 32],
  ['2024-01-04', 32, 32, 32, 32],
]);

function config(crossing: boolean): RunConfigInput {
  return {
    data: { dataset: 'test' },
    cash: 10_000,
    fractional: true,
    commission: { kind: 'fixed', amount: 5 },
    crossing,
    allocation: { scheme: 'fixed' },
    rebalance: { schedule: 'never' },
    checkInvariants: true,
    strategies: [
      { id: 'big', strategy: 'buy-and-hold', symbols: ['A'], weight: 0.999 },
      // Enters on bar 0 (filled at bar 1's open), exits on bar 2 (filled at bar 3's open, at 32).
      { id: 'crumb', strategy: 'scripted', params: { enterAt: [0], exitAt: [2] }, symbols: ['A'], weight: 0.001 },
    ],
  };
}

describe("a sleeve's entry worth less than closing it costs", () => {
  it.each([true, false])('is refused and counted, with crossing %s', (crossing) => {
    // The crumb sleeve holds 10: (10 − 5) / 64 = 0.078125 units, worth 2.5 at 32 against a
    // commission of 5. Before: bought at 64, sold at 32 for 2.5 − 5, the sleeve at −2.5. The big
    // sleeve's 9,990 buy (9,985 / 64 = 156.015625 units) is worth far more than its closing.
    const logger = createMemoryLogger();
    const result = runOrchestrator(config(crossing), [A], { registry: testRegistry, logger });
    const [big, crumb] = result.sleeves;
    expect(crumb?.fills).toEqual([]);
    expect(Array.from(crumb?.equity.equity ?? [])).toEqual([10, 10, 10, 10]);
    expect(big?.fills.map((f) => [f.side, f.quantity, f.price, f.commission])).toEqual([['buy', 156.015625, 64, 5]]);
    expect(result.portfolio.orders).toEqual({ filled: 1, shrunk: 0, rejected: 1, dropped: 0, belowClosingCosts: 1 });
    const [rejected] = logger.records.filter((r) => r.fields.event === 'order-rejected');
    expect(rejected?.fields).toMatchObject({ strategy: 'crumb', why: 'below-closing-costs', closing: { position: 0.078125, price: 32, worth: 2.5, costs: 5 } });
  });

  it('is refused alike by a sleeve at weight 1 and by the engine alone', () => {
    const strategy = { id: 'crumb', strategy: 'scripted', params: { enterAt: [0], exitAt: [2] }, symbols: ['A'], weight: 1 };
    const alone = runOrchestrator({ ...config(true), cash: 10, strategies: [strategy] }, [A], { registry: testRegistry });
    const definition = testRegistry.scripted;
    if (definition?.kind !== 'signal') throw new Error('scripted is a signal strategy');
    const engine = runBacktest({ series: A, strategy: definition.create(definition.schema.parse(strategy.params), 'crumb'), cash: 10, fractional: true, commission: { kind: 'fixed', amount: 5 } });
    expect(alone.sleeves[0]?.fills).toEqual([]);
    expect(engine.fills).toEqual([]);
    expect(Array.from(alone.portfolio.equity.equity)).toEqual(Array.from(engine.equity.equity));
    expect(alone.portfolio.orders).toEqual(engine.orders);
    expect(engine.orders.belowClosingCosts).toBe(1);
  });
});
