import { loadDataset } from '@ensemble/data';
import type { BarSeries } from '@ensemble/protocol';
import { createMemoryLogger } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfigInput } from './config';
import { runOrchestrator } from './orchestrator';
import { serializeOrchestratorResult } from './result/json';

// A trend sleeve over three Dow stocks at the default sizing (100 % of its cash per entry): an
// entry signalled while another of its positions is open finds the cash spent and is rejected.
// Beside it, a buy-and-hold sleeve, whose one entry always fills, and a dip buyer on one symbol.
const CONFIG: RunConfigInput = {
  data: { dataset: 'dow30', to: '1996-12-31' },
  cash: 100_000,
  allocation: { scheme: 'equal' },
  rebalance: { schedule: 'month' },
  commission: { kind: 'percent', rate: 0.001 },
  strategies: [
    { id: 'trend3', strategy: 'sma-crossover', params: { fast: 20, slow: 100 }, symbols: ['AA', 'IBM', 'KO'] },
    { id: 'hold', strategy: 'buy-and-hold', symbols: ['KO'] },
    { id: 'dip', strategy: 'rsi-mean-reversion', symbols: ['GE'] },
  ],
};

let series: readonly BarSeries[] = [];
beforeAll(async () => {
  series = (await loadDataset('dow30', { to: '1996-12-31' })).series;
});

/** The `order-rejected` and `order-shrunk` warnings of a logged run, counted by the strategy they name. */
function loggedBySleeve(records: readonly { readonly fields: Record<string, unknown> }[], event: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { fields } of records) {
    if (fields.event !== event) continue;
    const id = String(fields.strategy);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe("each sleeve's shrunk and rejected orders", () => {
  it('are the warnings logged for it, add up to the run\'s counts, and are the same stepped sleeve by sleeve', () => {
    const logger = createMemoryLogger();
    const logged = runOrchestrator(CONFIG, series, { registry: strategyRegistry, logger });
    const rejected = loggedBySleeve(logger.records, 'order-rejected');
    const shrunk = loggedBySleeve(logger.records, 'order-shrunk');
    // The premise: the three-symbol sleeve has entries rejected for want of cash.
    expect(rejected.get('trend3') ?? 0).toBeGreaterThan(3);
    for (const sleeve of logged.sleeves) {
      expect(sleeve.rejectedOrders, sleeve.id).toBe(rejected.get(sleeve.id) ?? 0);
      expect(sleeve.shrunkOrders, sleeve.id).toBe(shrunk.get(sleeve.id) ?? 0);
    }
    const sum = (key: 'rejectedOrders' | 'shrunkOrders'): number => logged.sleeves.reduce((total, sleeve) => total + sleeve[key], 0);
    expect(sum('rejectedOrders')).toBe(logged.portfolio.orders.rejected);
    expect(sum('shrunkOrders')).toBe(logged.portfolio.orders.shrunk);
    // Without a logger the sleeves run sleeve by sleeve between rebalances: the same counts.
    const quiet = runOrchestrator(CONFIG, series, { registry: strategyRegistry });
    expect(quiet.sleeves.map((sleeve) => [sleeve.id, sleeve.shrunkOrders, sleeve.rejectedOrders])).toEqual(logged.sleeves.map((sleeve) => [sleeve.id, sleeve.shrunkOrders, sleeve.rejectedOrders]));
    // And the JSON carries them beside the dropped orders.
    const json = serializeOrchestratorResult(quiet);
    expect(json.sleeves.map((sleeve) => sleeve.rejectedOrders)).toEqual(quiet.sleeves.map((sleeve) => sleeve.rejectedOrders));
  });

  // Two sleeves on the same two symbols, crossed, each entry 70 % of its equity: a second entry
  // finds the cash short and is shrunk, in the crossing window's planning.
  it('are counted where crossed orders are planned too', () => {
    const crossed: RunConfigInput = {
      ...CONFIG,
      strategies: [
        { id: 'fast', strategy: 'sma-crossover', params: { fast: 5, slow: 20 }, symbols: ['IBM', 'MSFT'], sizing: { kind: 'percent-of-equity', percent: 70 } },
        { id: 'slow', strategy: 'sma-crossover', params: { fast: 20, slow: 60 }, symbols: ['IBM', 'MSFT'], sizing: { kind: 'percent-of-equity', percent: 70 } },
      ],
    };
    const logger = createMemoryLogger();
    const result = runOrchestrator(crossed, series, { registry: strategyRegistry, logger });
    expect(result.crossing.crossings).toBeGreaterThan(0);
    const shrunk = loggedBySleeve(logger.records, 'order-shrunk');
    expect((shrunk.get('fast') ?? 0) + (shrunk.get('slow') ?? 0)).toBeGreaterThan(10);
    for (const sleeve of result.sleeves) expect(sleeve.shrunkOrders, sleeve.id).toBe(shrunk.get(sleeve.id) ?? 0);
    expect(result.sleeves.reduce((total, sleeve) => total + sleeve.shrunkOrders, 0)).toBe(result.portfolio.orders.shrunk);
  });
});
