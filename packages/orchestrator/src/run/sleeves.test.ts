import type { BarSeries, IndicatorColumns, Strategy, StrategyContext } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testRegistry, walkSeries } from '../../test/helpers';
import type { StrategyRegistry } from '../config';
import { runOrchestrator } from '../orchestrator';

const CountingSchema = z.strictObject({ window: z.number().int().positive().default(3) });

/** Counts how often its indicators are computed (per symbol); enters when the close is above its mean. */
function countingRegistry(calls: Map<string, number>): StrategyRegistry {
  class CountingStrategy implements Strategy {
    readonly warmup: number;

    constructor(
      private readonly window: number,
      readonly id: string,
    ) {
      this.warmup = window;
    }

    indicators(series: BarSeries): IndicatorColumns {
      const key = `${series.symbol}/${this.window}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      const mean = new Float64Array(series.length);
      for (let i = 0; i < series.length; i++) {
        let sum = 0;
        for (let j = Math.max(0, i - this.window + 1); j <= i; j++) sum += series.close[j] ?? 0;
        mean[i] = sum / Math.min(this.window, i + 1);
      }
      return { mean };
    }

    shouldEnter(context: StrategyContext) {
      return context.close() > context.indicator('mean') ? { side: 'long' as const } : null;
    }

    shouldExit(context: StrategyContext): boolean {
      return context.close() < context.indicator('mean');
    }
  }
  return {
    ...testRegistry,
    counting: {
      name: 'counting',
      kind: 'signal',
      description: 'counts indicator computations',
      schema: CountingSchema,
      create: (params, id) => new CountingStrategy(CountingSchema.parse(params).window, id),
    },
  };
}

describe('sleeves: indicator columns', () => {
  const A = walkSeries('A', 60, 1);
  const B = walkSeries('B', 60, 2);

  it('computes each (strategy, parameters, symbol) set once, shared by the sleeves that run it', () => {
    const calls = new Map<string, number>();
    const strategies = [
      { id: 'a3', strategy: 'counting', params: { window: 3 }, symbols: ['A'] },
      // The same parameters spelled differently (the default): the same columns.
      { id: 'a3-default', strategy: 'counting', params: {}, symbols: ['A'] },
      { id: 'a5', strategy: 'counting', params: { window: 5 }, symbols: ['A'] },
      { id: 'ab3', strategy: 'counting', params: { window: 3 }, symbols: ['A', 'B'] },
    ];
    const shared = runOrchestrator({ data: { dataset: 'test' }, cash: 100_000, rebalance: { schedule: 'never' }, strategies }, [A, B], {
      registry: countingRegistry(calls),
    });
    expect(Object.fromEntries(calls)).toEqual({ 'A/3': 1, 'A/5': 1, 'B/3': 1 });
    // Every sleeve trades as it does alone: the same fills as a run of that sleeve only.
    for (const entry of strategies) {
      const alone = runOrchestrator({ data: { dataset: 'test' }, cash: 25_000, rebalance: { schedule: 'never' }, strategies: [entry] }, [A, B], {
        registry: countingRegistry(new Map()),
      });
      const sleeve = shared.sleeves.find((candidate) => candidate.id === entry.id);
      expect(sleeve?.fills.map((fill) => [fill.time, fill.side, fill.symbol])).toEqual(alone.sleeves[0]?.fills.map((fill) => [fill.time, fill.side, fill.symbol]));
    }
  });

  it('lists the portfolio fills and trades of every sleeve in time order, ties in sleeve order', () => {
    const strategies = ['x', 'y', 'z'].map((id, i) => ({ id, strategy: 'random-signal', params: { seed: i + 1, enter: 0.3, exit: 0.3 }, symbols: ['A', 'B'] }));
    const result = runOrchestrator({ data: { dataset: 'test' }, cash: 100_000, rebalance: { schedule: 'month' }, strategies }, [A, B], { registry: testRegistry });
    // Independently: a stable sort of the sleeves' lists concatenated in sleeve order.
    const fills = result.sleeves.flatMap((sleeve) => sleeve.fills);
    const trades = result.sleeves.flatMap((sleeve) => sleeve.trades);
    expect(fills.length).toBeGreaterThan(10);
    expect(result.portfolio.fills).toEqual([...fills].sort((a, b) => a.time - b.time));
    expect(result.portfolio.trades).toEqual([...trades].sort((a, b) => a.exitTime - b.exitTime));
  });
});
