import { z } from 'zod';
import { toConfigIssues } from './config-issues';
import { ConfigError } from './errors';
import { MIN_PRICE } from './limits';

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const positivePrice = finite
  .refine((value) => value > 0, { message: 'must be greater than 0' })
  .refine((value) => !(value > 0) || value >= MIN_PRICE, { message: 'must be at least 1e-12 (MIN_PRICE): a smaller price is a data error' });

/** A bar from outside: positive finite prices, low ≤ open, close ≤ high, volume ≥ 0. */
export const BarSchema = z
  .object({
    time: finite.describe('Epoch milliseconds, UTC'),
    open: positivePrice,
    high: positivePrice,
    low: positivePrice,
    close: positivePrice,
    volume: finite.refine((value) => value >= 0, { message: 'must not be negative' }).default(0),
  })
  .superRefine((bar, context) => {
    if (bar.high < bar.low) context.addIssue({ code: 'custom', path: ['high'], message: 'high is below low' });
    if (bar.open < bar.low || bar.open > bar.high)
      context.addIssue({ code: 'custom', path: ['open'], message: 'open is outside [low, high]' });
    if (bar.close < bar.low || bar.close > bar.high)
      context.addIssue({ code: 'custom', path: ['close'], message: 'close is outside [low, high]' });
  });

/** What a strategy's `shouldEnter` may return (besides null). */
export const EntrySignalSchema = z.strictObject({
  side: z.enum(['long', 'short']),
  strength: z.number().min(0).max(1).optional(),
  stopLoss: positivePrice.optional(),
  takeProfit: positivePrice.optional(),
});

/** What a strategy's `shouldExit` may return. */
export const ExitDecisionSchema = z.union([
  z.boolean(),
  z.strictObject({ exit: z.boolean(), reason: z.string().optional() }),
]);

/** Target weights of a portfolio strategy: finite numbers per symbol. */
export const TargetWeightsSchema = z.record(z.string(), finite);

/** A rebalance schedule. */
export const RebalanceRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('never') }),
  z.strictObject({ kind: z.literal('bars'), every: z.number().int().positive().describe('Rebalance every N bars') }),
  z.strictObject({
    kind: z.literal('calendar'),
    period: z.enum(['week', 'month', 'quarter', 'year']).describe('First bar of each new period'),
  }),
]);

/** An equity curve point. */
export const EquityPointSchema = z.object({ time: finite, equity: finite, cash: finite });

/**
 * Parses `input` with `schema`, throwing a {@link ConfigError} that lists every issue (with the
 * `source` file or flag named) instead of zod's own error.
 */
export function parseConfig<TSchema extends z.ZodType>(schema: TSchema, input: unknown, source?: string): z.output<TSchema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(toConfigIssues(result.error, { input, schema }), source === undefined ? undefined : { source });
}
