import type { RebalanceRule } from '@ensemble/protocol';
import { ConfigError, MAX_AMOUNT, MAX_PRICE, MAX_QUANTITY, MIN_CASH, MIN_CASH_RULE, RebalanceRuleSchema, parseConfig } from '@ensemble/protocol';
import { z } from 'zod';
import type { CommissionModel, SlippageModel } from './costs';
import type { SizingRule } from './sizing';

const nonNegative = z.number().min(0, { message: 'must be 0 or more' });
const positive = z.number().positive({ message: 'must be greater than 0' });

/** Currency per order or account (cash, `fixed-cash`, fixed commission, minimum): at most `MAX_AMOUNT`. */
const amountLimit = {
  message: 'must be at most 1e13 (ten trillion): the largest amount counted to the cent with room to grow',
} as const;
/** Currency per unit (per-unit commission, fixed slippage): at most `MAX_PRICE`. */
const perUnitLimit = { message: 'must be at most 1e12 per unit, the largest price market data may hold' } as const;
/** Units (`fixed-quantity`): at most `MAX_QUANTITY`. */
const quantityLimit = {
  message: 'must be at most 9007199254740991 (2^53 − 1), the largest whole number of units a double counts exactly',
} as const;

/** Currency amount of one order or account, ≥ 0 and at most `MAX_AMOUNT`. */
const amount = nonNegative.max(MAX_AMOUNT, amountLimit);
/** Currency per unit, ≥ 0 and at most `MAX_PRICE`. */
const perUnit = nonNegative.max(MAX_PRICE, perUnitLimit);

const minimum = amount
  .optional()
  .describe('Least commission any fill pays, in currency (a fill of 0 units pays nothing)');

/** A commission model from outside (config, CLI): see {@link CommissionModel}. */
export const CommissionModelSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('percent').describe('A fraction of the traded value q × p'),
      rate: nonNegative.max(1, { message: 'is a fraction: 0.001 means 0.1 %' }).describe('Fraction of traded value, e.g. 0.001 = 0.1 %'),
      minimum,
    }),
    z.strictObject({
      kind: z.literal('per-unit').describe('A fixed amount per unit (share, contract, coin) traded'),
      amount: perUnit.describe('Currency per unit traded (at most 1e12)'),
      minimum,
    }),
    z.strictObject({
      kind: z.literal('fixed').describe('A fixed amount per order'),
      amount: amount.describe('Currency per order (per fill; at most 1e13)'),
      minimum,
    }),
  ])
  .describe('Commission charged on every fill, on top of q × p');

/** A slippage model from outside (config, CLI): see {@link SlippageModel}. */
export const SlippageModelSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('bps').describe('A fraction of the price, in basis points'),
      bps: nonNegative.lt(10_000, { message: 'must be below 10 000 bps (100 %)' }).describe('Basis points against the trader: 10 = 0.1 %'),
    }),
    z.strictObject({
      kind: z.literal('fixed').describe('A fixed amount per unit'),
      amount: perUnit.describe('Currency per unit against the trader (at most 1e12)'),
    }),
  ])
  .describe('Slippage against the trader on every fill: buys pay more, sells receive less');

/**
 * Starting cash from outside (engine options, run configs): at least `MIN_CASH` (0.01, a cent:
 * below it orders near the engine's dust floor are rounded away) and at most `MAX_AMOUNT` (1e13),
 * so that every cent of it is a distinct double.
 */
export const StartingCashSchema = z
  .number()
  .min(MIN_CASH, { message: MIN_CASH_RULE })
  .max(MAX_AMOUNT, amountLimit)
  .describe('Starting cash, in currency (at least 0.01, at most 1e13)');

/** A sizing rule from outside (config, CLI): see {@link SizingRule}. */
export const SizingRuleSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('percent-of-cash').describe('A share of the cash at the fill not held against open shorts (cash − 2 × their value), commission included'),
      percent: positive.max(100, { message: 'must be at most 100' }).describe('Percent of cash, 0 < percent ≤ 100'),
    }),
    z.strictObject({
      kind: z.literal('percent-of-equity').describe('A share of the equity at the latest mark, commission included'),
      percent: positive.max(100, { message: 'must be at most 100' }).describe('Percent of equity, 0 < percent ≤ 100'),
    }),
    z.strictObject({
      kind: z.literal('fixed-quantity').describe('A fixed number of units'),
      quantity: positive
        .max(MAX_QUANTITY, quantityLimit)
        .describe('Units per entry (a whole number unless fractional; at most 2^53 − 1)'),
    }),
    z.strictObject({
      kind: z.literal('fixed-cash').describe('A fixed amount of currency, commission included'),
      amount: positive.max(MAX_AMOUNT, amountLimit).describe('Currency per entry (at most 1e13)'),
    }),
  ])
  .describe("Entry size of signal strategies, resolved at the fill and scaled by the signal's strength");

/** When orders fill: at the next bar's open, or at the close of the bar that decided them. */
export type FillMode = 'next-open' | 'close';

/**
 * The engine options that can come from outside (run configs, CLI flags), every field
 * described; parse with {@link parseBacktestConfig}. Defaults: 100 000 cash, `next-open` fills,
 * no costs, `percent-of-cash` 100, whole units, positions left open at the end.
 */
export const BacktestOptionsSchema = z
  .strictObject({
    cash: StartingCashSchema.default(100_000),
    fill: z
      .enum(['next-open', 'close'])
      .default('next-open')
      .describe("'next-open': orders decided on a bar fill at the next bar's open; 'close': at the deciding bar's close"),
    commission: CommissionModelSchema.default({ kind: 'percent', rate: 0 }),
    slippage: SlippageModelSchema.default({ kind: 'bps', bps: 0 }),
    sizing: SizingRuleSchema.default({ kind: 'percent-of-cash', percent: 100 }),
    fractional: z.boolean().default(false).describe('Allow fractional units (default: whole units, rounded down)'),
    closeAtEnd: z
      .boolean()
      .default(false)
      .describe("Close positions still open at each symbol's last close (default: leave them open, marked to market)"),
    rebalance: RebalanceRuleSchema.optional().describe(
      "Rebalance schedule of a portfolio strategy (default: the strategy's own); ignored by signal strategies",
    ),
    checkInvariants: z
      .boolean()
      .default(false)
      .describe('Verify equity = cash + Σ position value (and the ledger rebuilt from fills) at every bar; slower'),
  })
  .describe('Backtest engine options');

/** The engine options as written by a caller (every field optional). */
export type BacktestConfig = z.input<typeof BacktestOptionsSchema>;

/** The engine options after parsing, every default applied. */
export interface ResolvedBacktestOptions {
  /** Starting cash, in currency. */
  readonly cash: number;
  readonly fill: FillMode;
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
  readonly sizing: SizingRule;
  readonly fractional: boolean;
  readonly closeAtEnd: boolean;
  /** The rebalance schedule used (portfolio strategies), or null when none applies. */
  readonly rebalance: RebalanceRule | null;
  readonly checkInvariants: boolean;
}

/**
 * Parses engine options from outside, applying defaults. Throws a protocol `ConfigError` listing
 * every problem by path (naming `source`, e.g. a file or flag, when given).
 */
export function parseBacktestConfig(input: unknown, source?: string): ResolvedBacktestOptions {
  const options = resolveOptions(parseConfig(BacktestOptionsSchema, input, source));
  const problem = wholeUnitSizingProblem(options.sizing, options.fractional);
  if (problem !== null) throw new ConfigError([{ path: 'sizing.quantity', message: problem }], source === undefined ? {} : { source });
  return options;
}

/**
 * Why `sizing` cannot be traded as given in whole units (`fractional` not true), or null: a
 * `fixed-quantity` below one unit rounds down to 0, so every entry would be rejected, and one
 * with a fraction (2.5) would trade the whole units below it (2) while the config says otherwise.
 * Takes raw input too (run configs check their fields before parsing); anything else is null.
 */
export function wholeUnitSizingProblem(sizing: unknown, fractional: unknown): string | null {
  if (fractional === true || typeof sizing !== 'object' || sizing === null) return null;
  const { kind, quantity } = sizing as { readonly kind?: unknown; readonly quantity?: unknown };
  if (kind !== 'fixed-quantity' || typeof quantity !== 'number' || !(quantity > 0) || Number.isInteger(quantity) || !Number.isFinite(quantity)) return null;
  if (quantity < 1) return `${String(quantity)} units round down to 0 whole units, so every entry would be rejected; give at least 1 unit, or allow fractional units`;
  return `${String(quantity)} units is not a whole number: whole units would trade ${String(Math.floor(quantity))} of them; give a whole number of units, or allow fractional units`;
}

/** Parsed options in a fixed key order (stable JSON), `rebalance` null when not given. */
export function resolveOptions(parsed: z.output<typeof BacktestOptionsSchema>): ResolvedBacktestOptions {
  return {
    cash: parsed.cash,
    fill: parsed.fill,
    commission: parsed.commission,
    slippage: parsed.slippage,
    sizing: parsed.sizing,
    fractional: parsed.fractional,
    closeAtEnd: parsed.closeAtEnd,
    rebalance: parsed.rebalance ?? null,
    checkInvariants: parsed.checkInvariants,
  };
}
