import { BacktestOptionsSchema, wholeUnitSizingProblem } from '@ensemble/engine';
import { DataSourceSchema } from '@ensemble/orchestrator';
import type { StrategyRegistry } from '@ensemble/orchestrator';
import { ConfigError, MAX_SYMBOL_LENGTH, PeriodsPerYearSchema, StrategyModuleFilesSchema, closestMatch, listValues, quoteValue, toConfigIssues } from '@ensemble/protocol';
import type { ConfigIssue, StrategyDefinition } from '@ensemble/protocol';
import { z } from 'zod';

/**
 * A single-strategy backtest as JSON, the research counterpart of `ensemble backtest`: the data
 * (the run config's `data`), one registered strategy with its parameters and symbols, the engine
 * options, and the metric options. Sweeps address its parameters as `params.<name>`.
 */
export const BacktestRunConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Optional URL or path of this JSON Schema, for editors'),
    name: z.string().optional().describe('A title for the backtest'),
    data: DataSourceSchema,
    strategy: z
      .string()
      .min(1)
      .describe('Registry name of the strategy, e.g. "sma-crossover"; in a sweep or walk-forward spec also the path of a strategy file relative to the config, e.g. "./mine.ts"'),
    module: z
      .strictObject({
        path: z.string().min(1).describe('The strategy file (absolute, or relative to the config file)'),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hexadecimal digits (a SHA-256)' })
          .describe("SHA-256 of the file's bytes, or, when it imports local files, of it and them (see \"files\")"),
        files: StrategyModuleFilesSchema.optional(),
      })
      .optional()
      .describe('The file "strategy" was loaded from and its digest (recorded by the planner; checked, with the local files it imports, when the config is loaded again)'),
    params: z.record(z.string(), z.unknown()).default({}).describe("The strategy's parameters, validated by its schema"),
    symbols: z
      .array(z.string().min(1).max(MAX_SYMBOL_LENGTH))
      .min(1)
      .optional()
      .describe('Symbols to trade (default: every symbol of the data)'),
    benchmark: z
      .string()
      .min(1)
      .max(MAX_SYMBOL_LENGTH)
      .nullable()
      .optional()
      .describe('Symbol of the data to compare with (alpha, beta, …), or null for none (default: the traded symbol when there is exactly one, else none)'),
    riskFreeRate: z.number().gt(-1).max(1).default(0).describe('Annual risk-free rate for Sharpe and Sortino, a fraction. Default 0'),
    periodsPerYear: PeriodsPerYearSchema.optional().describe('Return periods per year, from 1 to 31557600000 (default: inferred from the bar spacing)'),
    ...BacktestOptionsSchema.shape,
    rebalance: BacktestOptionsSchema.shape.rebalance.describe(
      "Rebalance schedule of a portfolio strategy, replacing its own (default: the strategy's own); refused for a signal strategy, and beside params.rebalance",
    ),
  })
  .describe('Ensemble single-strategy backtest configuration');

/** A backtest config as written (defaults not applied). */
export type BacktestRunConfigInput = z.input<typeof BacktestRunConfigSchema>;

/** A backtest config after {@link parseBacktestRunConfig}. */
export type BacktestRunConfig = z.output<typeof BacktestRunConfigSchema>;

/** The JSON Schema (draft 2020-12) of a backtest config as written (what `ensemble schema backtest` prints). */
export function backtestConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(BacktestRunConfigSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
}

/**
 * Parses a backtest config: the schema, a known strategy and parameters valid for it. Throws one
 * `ConfigError` listing every problem by path (`params.fast`), naming `source`.
 */
export function parseBacktestRunConfig(input: unknown, registry: StrategyRegistry, source?: string): BacktestRunConfig {
  const parsed = BacktestRunConfigSchema.safeParse(input);
  const issues: ConfigIssue[] = parsed.success ? [] : toConfigIssues(parsed.error);
  if (parsed.success) {
    const name = parsed.data.strategy;
    // Own entries only: a name like "constructor" must not find Object's.
    const definition = Object.hasOwn(registry, name) ? registry[name] : undefined;
    if (definition === undefined) {
      const names = Object.keys(registry);
      const match = closestMatch(name, names);
      issues.push({
        path: 'strategy',
        message: `unknown strategy ${quoteValue(name)}${match === undefined ? '.' : ` — did you mean ${quoteValue(match)}?`} Available: ${listValues(names)} (\`ensemble strategies\` lists them with their parameters)`,
      });
    } else {
      const params = definition.schema.safeParse(parsed.data.params);
      if (!params.success) issues.push(...toConfigIssues(params.error).map((issue) => ({ ...issue, path: issue.path === '' ? 'params' : `params.${issue.path}` })));
      issues.push(...engineOptionIssues(input as Record<string, unknown>, definition));
    }
  }
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues, source === undefined ? undefined : { source });
  return parsed.data;
}

/**
 * What the schema alone lets through and `ensemble backtest`'s flags and the run config refuse
 * (the same rules, so a config means what the flags would): a sizing rule for a portfolio
 * strategy (sized by its weights, the rule would be ignored), an engine rebalance schedule for a
 * signal strategy or beside the strategy's own `rebalance` parameter, and whole units of a
 * fixed quantity below 1 (every entry rejected). `input` is the config as written.
 */
function engineOptionIssues(input: Record<string, unknown>, definition: StrategyDefinition): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const name = quoteValue(definition.name);
  // The default rule is what parsing fills in (a parsed config, a sweep's jobs and its
  // best-config.json hold it): only a rule of the user's own is refused.
  if (input.sizing !== undefined && definition.kind === 'portfolio' && !isDefaultSizing(input.sizing)) {
    issues.push({ path: 'sizing', message: `${name} is a portfolio strategy: it sizes by target weights, not by "sizing"; remove it` });
  }
  if (input.rebalance !== undefined && definition.kind !== 'portfolio') {
    issues.push({ path: 'rebalance', message: `${name} is a signal strategy: it has no rebalance schedule (only portfolio strategies such as equal-weight do); remove "rebalance"` });
  }
  const params = input.params;
  if (input.rebalance !== undefined && definition.kind === 'portfolio' && typeof params === 'object' && params !== null && Object.hasOwn(params, 'rebalance')) {
    // Named at the parameter: a sweep that varies it then reports the clash when it plans.
    issues.push({ path: 'params.rebalance', message: 'both "params.rebalance" and "rebalance" set the rebalance schedule ("rebalance" replaces the strategy\'s own); give one of them' });
  }
  const sizing = wholeUnitSizingProblem(input.sizing, input.fractional);
  if (sizing !== null) issues.push({ path: 'sizing.quantity', message: sizing });
  return issues;
}

/** The sizing rule parsing fills in when none is given. */
const DEFAULT_SIZING = JSON.stringify(BacktestOptionsSchema.shape.sizing.parse(undefined));

/** Whether `sizing` is the default rule (key order aside). */
function isDefaultSizing(sizing: unknown): boolean {
  if (typeof sizing !== 'object' || sizing === null) return false;
  const { kind, percent, ...rest } = sizing as Record<string, unknown>;
  return Object.keys(rest).length === 0 && JSON.stringify({ kind, percent }) === DEFAULT_SIZING;
}
