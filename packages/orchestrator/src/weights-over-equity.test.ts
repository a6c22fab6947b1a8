import type { PortfolioStrategy, StrategyDefinition } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testRegistry, walkSeries } from '../test/helpers';
import type { RunConfigInput } from './config';
import { runOrchestrator } from './orchestrator';
import type { OrchestratorResultJson } from './result/json';

const UP = walkSeries('UP', 120, 3, 0.01, 50);
const DOWN = walkSeries('DN', 120, 4, 0.03, 80);

const FixedSchema = z.strictObject({ weight: z.number() });

/** A portfolio strategy giving every tradable symbol the same `weight`, rebalanced every 20 bars. */
const fixed: StrategyDefinition = {
  name: 'fixed-each',
  kind: 'portfolio',
  description: 'the same weight for every tradable symbol',
  schema: FixedSchema,
  create: (params, id): PortfolioStrategy => {
    const { weight } = FixedSchema.parse(params);
    return {
      id,
      kind: 'portfolio',
      warmup: 1,
      rebalance: { kind: 'bars', every: 20 },
      targetWeights: (context) => Object.fromEntries(context.tradable.map((symbol) => [symbol, weight])),
    };
  },
};

const registry = { ...testRegistry, 'fixed-each': fixed };

function run(strategies: RunConfigInput['strategies']) {
  const config: RunConfigInput = { data: { dataset: 'test' }, rebalance: { schedule: 'month' }, strategies };
  return runOrchestrator(config, [UP, DOWN], { registry });
}

describe("a portfolio sleeve's weights summing to more than its equity", () => {
  it('are counted over every sleeve beside the order counts, with the largest sum and the sleeves, in the result and its JSON; absent when none', () => {
    const result = run([
      { id: 'hold', strategy: 'buy-and-hold', symbols: ['UP'] },
      { id: 'triple', strategy: 'fixed-each', params: { weight: 1.5 }, symbols: ['UP', 'DN'] },
      { id: 'fine', strategy: 'fixed-each', params: { weight: 0.5 }, symbols: ['UP', 'DN'] },
      { id: 'over', strategy: 'fixed-each', params: { weight: 0.6 }, symbols: ['UP', 'DN'] },
    ]);
    const rebalancesOf = (id: string) => result.sleeves.find((sleeve) => sleeve.id === id)?.rebalances.length ?? 0;
    expect(rebalancesOf('triple')).toBe(6);
    // Not refused: the run goes on, and the buys beyond the sleeves' cash are shrunk or rejected.
    expect(result.portfolio.orders.weightsOverEquity).toEqual({ rebalances: rebalancesOf('triple') + rebalancesOf('over'), maxSum: 3, sleeves: ['triple', 'over'] });
    expect(result.portfolio.orders.shrunk + result.portfolio.orders.rejected).toBeGreaterThan(0);
    const json = JSON.parse(JSON.stringify(result)) as OrchestratorResultJson;
    expect(json.portfolio.orders.weightsOverEquity).toEqual(result.portfolio.orders.weightsOverEquity);
    // Absent when every sleeve stays within its equity.
    const within = run([
      { id: 'hold', strategy: 'buy-and-hold', symbols: ['UP'] },
      { id: 'fine', strategy: 'fixed-each', params: { weight: 0.5 }, symbols: ['UP', 'DN'] },
    ]);
    expect(within.portfolio.orders).not.toHaveProperty('weightsOverEquity');
  });
});
