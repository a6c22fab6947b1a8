import { runBacktest } from '@ensemble/engine';
import { createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { seriesOf, testRegistry } from '../test/helpers';
import type { RunConfigInput } from './config';
import { runOrchestrator } from './orchestrator';

/*
 * A sleeve's entry sized above 2^53 − 1 = 9,007,199,254,740,991 whole units is cut there (the
 * engine's sizing), as an engine run's is. Each sleeve of 500,000 at a price of 1e-12 asks for
 * 5e17 units; the cap buys 9,007.199254740991 of it. Before, `orders` said "2 filled, 0 shrunk";
 * now the fills at the cap are counted (`capped`) and each told (`order-capped`).
 */
const cap = 9_007_199_254_740_991;
const A = seriesOf('A', [
  ['2024-01-01', 1e-12, 1e-12, 1e-12, 1e-12],
  ['2024-01-02', 1e-12, 1e-12, 1e-12, 1e-12],
  ['2024-01-03', 1e-12, 1e-12, 1e-12, 1e-12],
]);

function config(fields: Partial<RunConfigInput>): RunConfigInput {
  return {
    data: { dataset: 'test' },
    cash: 1_000_000,
    allocation: { scheme: 'fixed' },
    rebalance: { schedule: 'never' },
    checkInvariants: true,
    strategies: [
      { id: 'one', strategy: 'buy-and-hold', symbols: ['A'], weight: 0.5 },
      { id: 'two', strategy: 'buy-and-hold', symbols: ['A'], weight: 0.5 },
    ],
    ...fields,
  };
}

describe('sleeve orders at the quantity cap', () => {
  it.each([true, false])('are counted over the sleeves and told, with crossing %s', (crossing) => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(config({ crossing }), [A], { registry: testRegistry, logger });
    expect(result.sleeves.map((sleeve) => sleeve.fills.map((f) => f.quantity))).toEqual([[cap], [cap]]);
    expect(result.portfolio.orders).toEqual({ filled: 2, shrunk: 0, rejected: 0, dropped: 0, capped: 2 });
    expect(logger.records.filter((r) => r.fields.event === 'order-capped').map((r) => [r.fields.strategy, r.fields.filled])).toEqual([
      ['one', cap],
      ['two', cap],
    ]);
  });

  it('are counted alike by a sleeve at weight 1 and by the engine alone', () => {
    const strategies = [{ id: 'one', strategy: 'buy-and-hold', symbols: ['A'], weight: 1 }];
    const alone = runOrchestrator(config({ strategies }), [A], { registry: testRegistry });
    const definition = testRegistry['buy-and-hold'];
    if (definition?.kind !== 'signal') throw new Error('buy-and-hold is a signal strategy');
    const engine = runBacktest({ series: A, strategy: definition.create(definition.schema.parse({}), 'one'), cash: 1_000_000 });
    expect(engine.orders).toEqual({ filled: 1, shrunk: 0, rejected: 0, dropped: 0, capped: 1 });
    expect(alone.portfolio.orders).toEqual(engine.orders);
    const shared = runOrchestrator(config({ mode: 'shared', strategies }), [A], { registry: testRegistry });
    // Shared mode sizes the merged signal into a number of units itself (1,000,000 / 1e-12), which
    // the cash pays: no cap cut it, and nothing is counted.
    expect(shared.portfolio.fills.map((f) => [f.reason, f.quantity])).toEqual([['entry', 1e18]]);
    expect(shared.portfolio.orders).toEqual({ filled: 1, shrunk: 0, rejected: 0, dropped: 0 });
  });

  it('are not capped with fractional units', () => {
    const result = runOrchestrator(config({ fractional: true }), [A], { registry: testRegistry });
    // 500,000 / 1e-12 = 5e17 units each, to the sizing's 4 ulps.
    for (const sleeve of result.sleeves) expect(Math.abs((sleeve.fills[0]?.quantity ?? 0) / 5e17 - 1)).toBeLessThan(1e-15);
    expect(result.portfolio.orders).toEqual({ filled: 2, shrunk: 0, rejected: 0, dropped: 0 });
  });
});
