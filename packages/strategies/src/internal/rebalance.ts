import type { RebalanceRule } from '@ensemble/protocol';
import { z } from 'zod';

/** The `rebalance` parameter of the portfolio strategies: a calendar period or a bar count. */
export const rebalanceParameter = z
  .union([z.enum(['week', 'month', 'quarter', 'year']), z.number().int().min(1).max(100_000)])
  .default('month')
  .describe(
    'When to rebalance: "week", "month", "quarter" or "year" (the first bar with prices, then the first bar of each new period), or a number of bars',
  );

/** Turns the parameter into the protocol's {@link RebalanceRule}. */
export function toRebalanceRule(value: z.output<typeof rebalanceParameter>): RebalanceRule {
  return typeof value === 'number' ? { kind: 'bars', every: value } : { kind: 'calendar', period: value };
}
