import { BacktestOptionsSchema, SizingRuleSchema } from '@ensemble/engine';
import type { ConfigIssue, RebalanceRule, StrategyDefinition } from '@ensemble/protocol';
import {
  ConfigError,
  MAX_PERIODS_PER_YEAR,
  MIN_PERIODS_PER_YEAR,
  PERIODS_PER_YEAR_RULE,
  STRATEGY_ID_PATTERN,
  STRATEGY_ID_RULE,
  StrategyModuleFilesSchema,
  quoteValue,
  toConfigIssues,
} from '@ensemble/protocol';
import { z } from 'zod';
import { AllocationConfigSchema, CALENDAR_PERIODS, RebalanceConfigSchema } from './allocation/config';
import { crossFieldIssues, misplacedModeFields } from './config-checks';
import { DataSourceSchema, symbolSchema } from './data-source';

/**
 * The strategies a run config can name: registry name → definition. `strategyRegistry` from
 * `@ensemble/strategies` is one; add your own definitions to it (`{ ...strategyRegistry, mine }`).
 */
export type StrategyRegistry = Readonly<Record<string, StrategyDefinition>>;

/** Capital modes: `sleeves` (a virtual sub-account per strategy) or `shared` (one account, conflicts resolved per symbol). */
export const CAPITAL_MODES = ['sleeves', 'shared'] as const;

/** Conflict policies of the shared mode. */
export const CONFLICT_POLICIES = ['net', 'priority', 'vote', 'veto', 'first'] as const;

/** Error policies: `isolate` a failing strategy's sleeve, or `fail` the run. */
export const ERROR_POLICIES = ['isolate', 'fail'] as const;

/**
 * How a rebalance moves capital into or out of a sleeve: `pro-rata` scales its whole book (every
 * position and its cash) by target / current equity; `cash` moves cash only.
 */
export const TRANSFER_MODES = ['pro-rata', 'cash'] as const;

/** A capital mode. */
export type CapitalMode = (typeof CAPITAL_MODES)[number];

/** A conflict policy of the shared mode. */
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

/** An error policy. */
export type ErrorPolicy = (typeof ERROR_POLICIES)[number];

/** How a rebalance moves capital into or out of a sleeve (see {@link TRANSFER_MODES}). */
export type TransferMode = (typeof TRANSFER_MODES)[number];

const scheduleSchema = z.union([
  z.enum(['never', ...CALENDAR_PERIODS]),
  z.strictObject({
    everyBars: z.number().int().min(1).describe('Rebalance every this many bars since the last rebalance'),
  }),
]);

/** One strategy instance of a run: a sleeve in `sleeves` mode, a voter in `shared` mode. */
export const StrategyEntrySchema = z
  .strictObject({
    id: z
      .string()
      .regex(STRATEGY_ID_PATTERN, { message: STRATEGY_ID_RULE })
      .describe(
        'Unique id of this strategy instance in the run, e.g. "momentum-fast": 1–64 letters, digits, ".", "_" or "-", starting with a letter or a digit; written on its fills and trades',
      ),
    strategy: z
      .string()
      .min(1)
      .describe(
        'Registry name of the strategy, e.g. "sma-crossover" (`ensemble strategies` lists them); with `ensemble run`, also the path of a strategy file relative to the config file, e.g. "./strategies/momentum.ts"',
      ),
    module: z
      .strictObject({
        path: z.string().min(1).describe('The strategy file as the config named it (relative to the config file)'),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hexadecimal digits (a SHA-256)' })
          .describe("SHA-256 of the file's bytes, lower-case hex; when the file imports local files, of it and them (see \"files\")"),
        files: StrategyModuleFilesSchema.optional(),
      })
      .optional()
      .describe(
        'The file the strategy was loaded from and its digest: recorded by `ensemble run` when "strategy" names a file; given with a strategy name, `ensemble run` loads that file and checks that it and the local files it imports are unchanged',
      ),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("The strategy's parameters, validated by its schema (`ensemble strategies` lists them). Default: all defaults"),
    symbols: z
      .array(symbolSchema)
      .min(1)
      .describe(
        'Symbols this strategy trades, e.g. ["SP500"]; each must be in the data (a CSV without a symbol column holds one, named after the file; `ensemble data inspect FILE` lists a file\'s)',
      ),
    weight: z
      .number()
      .min(0, { message: 'must be 0 or more: a fraction of portfolio equity (0.6 = 60%); a sleeve cannot be given negative capital' })
      .optional()
      .describe(
        'Fraction of portfolio equity for this strategy with allocation "fixed" (0.6 = 60%); with the other schemes but "equal", the warm-up weights when every strategy has one',
      ),
    priority: z
      .number()
      .int()
      .default(0)
      .describe('Shared mode, policy "priority": the highest priority with a non-flat signal wins (ties: the earlier strategy in this list). Default 0'),
    rebalance: scheduleSchema
      .optional()
      .describe(
        "Portfolio strategies only: the sleeve's own rebalance schedule, overriding the strategy's (so not beside a \"rebalance\" parameter): \"never\" (first bar only), \"week\", \"month\", \"quarter\", \"year\" or { \"everyBars\": N }",
      ),
    sizing: SizingRuleSchema.optional().describe('Entry sizing of this (signal) strategy, overriding the run\'s "sizing"'),
  })
  .describe('A strategy instance');

/** Risk limits of the whole portfolio, checked at every bar's close. */
export const RiskLimitsSchema = z
  .strictObject({
    maxGrossExposure: z
      .number()
      .positive({ message: 'must be above 0: a fraction of the portfolio\'s equity, e.g. 1.5 for 150%' })
      .optional()
      .describe('Cap on Σ |position value| / portfolio equity (1 = 100%); breaches are trimmed pro rata across every position'),
    maxNetExposure: z
      .number()
      .positive({ message: 'must be above 0: a fraction of the portfolio\'s equity, e.g. 1.5 for 150%' })
      .optional()
      .describe('Cap on |Σ signed position value| / portfolio equity; breaches trim the positions on the dominant side pro rata'),
    maxSymbolExposure: z
      .number()
      .positive({ message: 'must be above 0: a fraction of the portfolio\'s equity, e.g. 1.5 for 150%' })
      .optional()
      .describe('Cap on |net position value of one symbol across strategies| / portfolio equity; breaches trim that symbol pro rata'),
    maxDrawdown: z
      .strictObject({
        limit: z
          .number()
          .gt(0, { message: 'must be above 0: the drawdown that trips the stop as a positive fraction, e.g. 0.2 for a 20% drawdown' })
          .lt(1, { message: 'must be below 1: the drawdown as a fraction of the high-water mark, e.g. 0.2 for 20% (not 20)' })
          .describe('Portfolio drawdown from its high-water mark that trips the stop, e.g. 0.2 = 20%'),
        action: z
          .enum(['flatten', 'scale-down'])
          .default('flatten')
          .describe('"flatten": close every position and stop trading; "scale-down": cut every position by "scale" once. Default "flatten"'),
        scale: z
          .number()
          .gt(0, { message: 'must be above 0: the factor positions are multiplied by, e.g. 0.5 halves them' })
          .lt(1, { message: 'must be below 1: the factor positions are multiplied by, e.g. 0.5 halves them (not 50)' })
          .default(0.5)
          .describe('With "scale-down": positions are multiplied by this factor (0.5 halves them). Default 0.5'),
      })
      .optional()
      .describe('Portfolio drawdown stop'),
  })
  .describe('Risk limits; every breach is logged and listed in the result');

/** The engine options a run shares with a single backtest: the engine's schemas and defaults. */
const engineOptions = BacktestOptionsSchema.pick({
  cash: true,
  commission: true,
  slippage: true,
  sizing: true,
  fill: true,
  fractional: true,
  closeAtEnd: true,
  checkInvariants: true,
}).shape;

/** The fields every run config has, whatever its capital mode. */
const commonFields = {
  $schema: z.string().optional().describe('Optional URL or path of this JSON Schema, for editors'),
  name: z.string().optional().describe('A title for the run, shown in reports'),
  data: DataSourceSchema,
  ...engineOptions,
  cash: engineOptions.cash.describe('Starting cash of the portfolio, in currency (at least 0.01, at most 1e13). Default 100000'),
  allocation: AllocationConfigSchema.prefault({}),
  rebalance: RebalanceConfigSchema.prefault({}),
  errorPolicy: z
    .enum(ERROR_POLICIES)
    .default('fail')
    .describe('When a strategy throws: "isolate" (close its sleeve out at the next fill, disable it, go on) or "fail" (stop the run). Default "fail"'),
  risk: RiskLimitsSchema.prefault({}),
  benchmark: symbolSchema.optional().describe('Symbol of the data to compare the portfolio with (alpha, beta, …); it need not be traded'),
  riskFreeRate: z.number().gt(-1).max(1).default(0).describe('Annual risk-free rate for Sharpe and Sortino, a fraction. Default 0'),
  periodsPerYear: z
    .number()
    .min(MIN_PERIODS_PER_YEAR, { message: PERIODS_PER_YEAR_RULE })
    .max(MAX_PERIODS_PER_YEAR, { message: PERIODS_PER_YEAR_RULE })
    .optional()
    .describe(
      'Return periods per year used to annualise, from 0.01 to 31,536,000,000 (a bar a millisecond) (default: inferred from the bar spacing: 252 daily, 52 weekly, 12 monthly)',
    ),
  checkInvariants: engineOptions.checkInvariants.describe(
    'Audit every sleeve (equity = cash + positions, ledger rebuilt from fills) and Σ sleeves = portfolio at every bar; slower',
  ),
  strategies: z.array(StrategyEntrySchema).min(1).describe('The strategy instances of the run (at least one)'),
};

/** A run config in `sleeves` mode (the default): a virtual sub-account per strategy. */
export const SleevesRunConfigSchema = z
  .strictObject({
    ...commonFields,
    // A strategy's `priority` is a shared-mode field: any value but 0 is refused here (JSON Schema only; the run's checks say so).
    strategies: commonFields.strategies.meta({ allOf: [{ items: { properties: { priority: { const: 0, description: 'Sleeves mode: must be 0 (priority is a shared-mode field, for the "priority" policy)' } } } }] }),
    mode: z
      .literal('sleeves')
      .default('sleeves')
      .describe('"sleeves": each strategy trades its own virtual sub-account; "shared": one account, per-symbol signals merged by "conflictPolicy". Default "sleeves"'),
    crossing: z
      .boolean()
      .default(true)
      .describe('Sleeves mode: cross opposite orders of different sleeves on one symbol and bar internally (only the net reaches the market). Default true'),
    transfers: z
      .enum(TRANSFER_MODES)
      .default('pro-rata')
      .describe(
        'Sleeves mode: how a rebalance moves capital into or out of a sleeve. "pro-rata" (bt\'s allocate) scales every position of the sleeve and its cash by target / current equity, so its exposure-to-equity ratio and its returns stay those of the strategy alone; "cash" only moves cash (the sleeve\'s strategy invests it on its next entry, or it sells what the cash cannot cover), trading less but leaving capital idle. Default "pro-rata"',
      ),
  })
  .describe('Ensemble orchestrator run configuration, sleeves mode');

/** A run config in `shared` mode: one account, the strategies' signals merged per symbol. */
export const SharedRunConfigSchema = z
  .strictObject({
    ...commonFields,
    // What the run's checks refuse in shared mode, said to the JSON Schema too: no drift bands
    // (shadows are never rebalanced). The shapes are the common ones; parsing is unchanged.
    rebalance: commonFields.rebalance.meta({ not: { required: ['drift'] } }),
    mode: z
      .literal('shared')
      .describe('"shared": one account, per-symbol signals merged by "conflictPolicy"; "sleeves" (the default): each strategy trades its own virtual sub-account'),
    conflictPolicy: z
      .enum(CONFLICT_POLICIES)
      .default('net')
      .describe('Shared mode: "net" (weighted sum), "priority", "vote" (majority; ties flat), "veto" (any flat wins) or "first" (earliest standing signal). Default "net"'),
  })
  .describe('Ensemble orchestrator run configuration, shared mode');

/**
 * The run config of `ensemble run` and of {@link StrategyOrchestrator}: data, cash, costs, fill
 * rule, capital mode, allocation, rebalancing, conflict and error policies, risk limits and the
 * strategy list; a union by `mode`, so that the fields of one mode only (`crossing`, `transfers`:
 * sleeves; `conflictPolicy`: shared) are errors in the other. Every field is described and
 * defaulted (strict objects: unknown keys are errors); the engine's options (cash, costs, sizing,
 * fill, fractional, closeAtEnd, checkInvariants) are the engine's schemas. Parse with
 * {@link parseRunConfig}, which adds the checks that need the strategy registry.
 */
export const RunConfigSchema = z
  .discriminatedUnion('mode', [SleevesRunConfigSchema, SharedRunConfigSchema])
  .describe('Ensemble orchestrator run configuration');

/** A run config as written in a file (defaults not yet applied). */
export type RunConfigInput = z.input<typeof RunConfigSchema>;

/** A run config after {@link parseRunConfig}: every default applied. */
export type RunConfig = z.output<typeof RunConfigSchema>;

/** One strategy entry of a parsed {@link RunConfig}. */
export type StrategyEntry = RunConfig['strategies'][number];

/** Options of {@link parseRunConfig}. */
export interface ParseRunConfigOptions {
  /** The file or flag the config came from, named in errors. */
  readonly source?: string | undefined;
  /** The strategies the config may name; their parameter schemas validate `params`. */
  readonly registry: StrategyRegistry;
  /**
   * True when a custom allocation function replaces the config's scheme (as
   * `OrchestratorOptions.allocate` does): `allocation.lookback` and `minHistory`, which it reads,
   * are then accepted under `equal` and `fixed` too. Default false.
   */
  readonly customAllocation?: boolean | undefined;
}

/**
 * Parses a run config from outside (a JSON file, an object): the schema's defaults and rules plus
 * the checks that need the strategy registry (unique ids, known strategies, parameters valid for
 * each, fixed weights present and summing to at most `leverage − cashBuffer`, …). Throws one
 * protocol `ConfigError` listing every problem by path (`strategies.2.params.fast`), naming
 * `source`, before any work starts.
 */
export function parseRunConfig(input: unknown, options: ParseRunConfigOptions): RunConfig {
  const parsed = RunConfigSchema.safeParse(input);
  const misplaced = misplacedModeFields(input);
  const schemaIssues = parsed.success
    ? []
    : toConfigIssues(parsed.error, { input, schema: RunConfigSchema })
        .filter((issue) => !misplaced.some((field) => field.path === issue.path))
        .map((issue) => parameterAtEntryLevel(issue, input, options.registry));
  const issues = [...misplaced, ...schemaIssues, ...crossFieldIssues(input, options.registry, { customAllocation: options.customAllocation })];
  if (!parsed.success || issues.length > 0) {
    throw new ConfigError(issues, options.source === undefined ? undefined : { source: options.source });
  }
  return parsed.data;
}

/**
 * An unknown key of a strategy entry that is a parameter of its strategy (`"fast": 5` beside
 * `"params"`): says where it belongs. Any other issue is returned as it is.
 */
function parameterAtEntryLevel(issue: ConfigIssue, input: unknown, registry: StrategyRegistry): ConfigIssue {
  const at = /^strategies\.(\d+)\.([^.]+)$/.exec(issue.path);
  if (at === null || !issue.message.startsWith('unknown key')) return issue;
  const entries = typeof input === 'object' && input !== null ? (input as { strategies?: unknown }).strategies : undefined;
  const entry: unknown = Array.isArray(entries) ? entries[Number(at[1])] : undefined;
  const name = typeof entry === 'object' && entry !== null ? (entry as { strategy?: unknown }).strategy : undefined;
  const definition = typeof name === 'string' && Object.hasOwn(registry, name) ? registry[name] : undefined;
  const key = at[2] ?? '';
  const shape = (definition?.schema as { shape?: unknown } | undefined)?.shape;
  if (typeof shape !== 'object' || shape === null || !Object.hasOwn(shape, key)) return issue;
  return { path: issue.path, message: `unknown key ${quoteValue(key)} — a parameter of ${quoteValue(String(name))}: it belongs in "params" ("strategies.${at[1] ?? ''}.params.${key}")` };
}

/** The protocol's rebalance rule for a strategy entry's `rebalance` schedule. */
export function toRebalanceRule(schedule: NonNullable<StrategyEntry['rebalance']>): RebalanceRule {
  if (typeof schedule === 'object') return { kind: 'bars', every: schedule.everyBars };
  if (schedule === 'never') return { kind: 'never' };
  return { kind: 'calendar', period: schedule };
}

/**
 * The JSON Schema (draft 2020-12) of the run config as written in a file (defaults make fields
 * optional), generated from {@link RunConfigSchema}: what `ensemble schema` prints.
 */
export function runConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(RunConfigSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
}
