import type { ConfigIssue } from '@ensemble/protocol';
import { wholeUnitSizingProblem } from '@ensemble/engine';
import { closestMatch, listValues, quoteValue, strategyParamIssues } from '@ensemble/protocol';
import { constraintFeasibility } from './allocation/constraints';
import { DEFAULT_MIN_INVESTED } from './allocation/schemes';
import { ALLOCATION_SCHEMES, DEFAULT_LOOKBACK } from './allocation/config';
import type { CapitalMode, StrategyRegistry } from './config';

/**
 * The top-level fields of a run config that apply to one capital mode only, and that mode: a
 * config of the other mode refuses them (a parsed config carries its own mode's, defaults
 * included; a sweep that varies `mode` drops the other mode's).
 */
export const MODE_ONLY_FIELDS: Readonly<Record<string, CapitalMode>> = Object.freeze({
  crossing: 'sleeves',
  transfers: 'sleeves',
  conflictPolicy: 'shared',
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Options of {@link crossFieldIssues}. */
export interface CrossFieldOptions {
  /**
   * A custom allocation function replaces the config's scheme (`OrchestratorOptions.allocate`):
   * the settings it reads (`lookback`, `minHistory`) are then accepted whatever the scheme.
   */
  readonly customAllocation?: boolean | undefined;
}

/**
 * The checks zod cannot make alone, run on the raw input so that they are reported together with
 * the schema's issues: unique ids, known strategy names, parameters valid for each strategy,
 * `rebalance` only on portfolio strategies and not beside a `rebalance` parameter, shared mode only
 * with signal strategies, fixed weights present and summing to at most `leverage − cashBuffer`, no
 * weights under the `equal` scheme
 * (they would be ignored), feasible weight constraints, and no setting the chosen allocation
 * scheme or drawdown action ignores ({@link ignoredSettingIssues}).
 */
export function crossFieldIssues(input: unknown, registry: StrategyRegistry, options: CrossFieldOptions = {}): ConfigIssue[] {
  if (!isRecord(input)) return [];
  const issues: ConfigIssue[] = [];
  const strategies = Array.isArray(input.strategies) ? (input.strategies as unknown[]) : [];
  const allocation = isRecord(input.allocation) ? input.allocation : {};
  const scheme = typeof allocation.scheme === 'string' ? allocation.scheme : 'equal';
  const cashBuffer = typeof allocation.cashBuffer === 'number' ? allocation.cashBuffer : 0;
  const leverage = typeof allocation.leverage === 'number' ? allocation.leverage : 1;
  const mode = typeof input.mode === 'string' ? input.mode : 'sleeves';
  const names = Object.keys(registry);
  const firstById = new Map<string, number>();
  let weightSum = 0;
  let missingWeights = 0;
  /** Negative weights: the schema names each, and no sum of them means anything. */
  let negativeWeights = 0;
  /** Weights that are not finite numbers: the schema names each, too. */
  let invalidWeights = 0;
  const runSizing = wholeUnitSizingProblem(input.sizing, input.fractional);
  if (runSizing !== null) issues.push({ path: 'sizing.quantity', message: runSizing });
  strategies.forEach((entry, index) => {
    if (!isRecord(entry)) return;
    const at = `strategies.${index}`;
    const entrySizing = wholeUnitSizingProblem(entry.sizing, input.fractional);
    if (entrySizing !== null) issues.push({ path: `${at}.sizing.quantity`, message: entrySizing });
    if (typeof entry.id === 'string') {
      const first = firstById.get(entry.id);
      if (first === undefined) firstById.set(entry.id, index);
      else issues.push({ path: `${at}.id`, message: `duplicate id ${quoteValue(entry.id)} (strategies.${first} has it too); ids must be unique` });
    }
    if (Array.isArray(entry.symbols)) {
      const seen = new Set<unknown>();
      (entry.symbols as unknown[]).forEach((symbol, k) => {
        if (seen.has(symbol)) issues.push({ path: `${at}.symbols.${k}`, message: `symbol ${quoteValue(String(symbol))} is listed twice` });
        seen.add(symbol);
      });
    }
    if (typeof entry.weight === 'number' && Number.isFinite(entry.weight)) {
      weightSum += entry.weight;
      if (entry.weight < 0) negativeWeights++;
    } else if (entry.weight === undefined) missingWeights++;
    else invalidWeights++;
    if (typeof entry.strategy !== 'string') return;
    const definition = Object.hasOwn(registry, entry.strategy) ? registry[entry.strategy] : undefined;
    if (definition === undefined) {
      const match = closestMatch(entry.strategy, names);
      issues.push({
        path: `${at}.strategy`,
        message: `unknown strategy ${quoteValue(entry.strategy)}${match === undefined ? '.' : ` — did you mean ${quoteValue(match)}?`} Available: ${listValues(names)} (\`ensemble strategies\` lists them with their parameters)`,
      });
      return;
    }
    if (entry.params === undefined || isRecord(entry.params)) issues.push(...strategyParamIssues(definition, entry.params, `${at}.params`));
    if (entry.rebalance !== undefined && definition.kind !== 'portfolio') {
      issues.push({
        path: `${at}.rebalance`,
        message: `"${definition.name}" is a signal strategy: it has no rebalance schedule (only portfolio strategies such as equal-weight do); remove "rebalance"`,
      });
    }
    if (entry.rebalance !== undefined && definition.kind === 'portfolio' && isRecord(entry.params) && Object.hasOwn(entry.params, 'rebalance')) {
      // One schedule per sleeve, as a backtest config has: with both, the summary and the recorded
      // config stated a schedule that did not run.
      issues.push({
        path: `${at}.params.rebalance`,
        message: `both "params.rebalance" and "rebalance" set this sleeve's rebalance schedule ("rebalance" replaces the strategy's own); give one of them`,
      });
    }
    if (entry.sizing !== undefined && definition.kind === 'portfolio') {
      issues.push({
        path: `${at}.sizing`,
        message: `"${definition.name}" is a portfolio strategy: it sizes by target weights, not by "sizing"; remove it`,
      });
    }
    if (mode === 'shared' && definition.kind === 'portfolio') {
      issues.push({
        path: `${at}.strategy`,
        message: `"${definition.name}" is a portfolio strategy; shared mode merges per-symbol signals of signal strategies only. Use mode "sleeves" for it`,
      });
    }
  });
  // A weight that is not a number is the schema's to report; their sum means nothing then.
  if (scheme === 'fixed' && strategies.length > 0 && negativeWeights === 0 && invalidWeights === 0) {
    if (missingWeights > 0) {
      strategies.forEach((entry, index) => {
        if (isRecord(entry) && entry.weight === undefined) {
          issues.push({ path: `strategies.${index}.weight`, message: 'allocation "fixed" needs a weight on every strategy; add "weight" (a fraction of equity, e.g. 0.5)' });
        }
      });
    } else {
      const target = leverage - cashBuffer;
      if (weightSum > target * (1 + 1e-12)) {
        issues.push({
          path: 'strategies',
          message: `the fixed weights sum to ${weightSum}, above leverage − cashBuffer = ${target}; lower them (what they leave below ${target} stays in cash) or raise allocation.leverage`,
        });
      } else if (!(weightSum > 0)) {
        issues.push({ path: 'strategies', message: 'the fixed weights are all 0; give at least one strategy a positive weight' });
      }
    }
  }
  if (scheme === 'equal') {
    const given = typeof allocation.scheme === 'string' ? '"equal"' : '"equal" (the default when none is given)';
    strategies.forEach((entry, index) => {
      // A negative weight is the schema's to report: one message a path.
      if (isRecord(entry) && entry.weight !== undefined && !(typeof entry.weight === 'number' && entry.weight < 0)) {
        issues.push({
          path: `strategies.${index}.weight`,
          message: `allocation.scheme is ${given}: every strategy gets the same weight, so this one would be ignored; set allocation.scheme to "fixed" to use the weights, or remove them`,
        });
      }
    });
  }
  const constraints = {
    ...(typeof allocation.minWeight === 'number' ? { minWeight: allocation.minWeight } : {}),
    ...(typeof allocation.maxWeight === 'number' ? { maxWeight: allocation.maxWeight } : {}),
    cashBuffer,
    leverage,
  };
  if (strategies.length > 0 && scheme !== 'fixed') {
    try {
      if (constraintFeasibility(strategies.length, constraints).status === 'min-infeasible') {
        issues.push({
          path: 'allocation.minWeight',
          message: `${strategies.length} strategies × minWeight ${String(constraints.minWeight)} exceed leverage − cashBuffer = ${leverage - cashBuffer}; lower minWeight`,
        });
      }
    } catch {
      // Invalid constraint values are reported by the schema itself.
    }
  }
  issues.push(...ignoredSettingIssues(input, allocation, scheme, options.customAllocation === true));
  if (scheme === 'fixed') {
    const minWeight = constraints.minWeight ?? 0;
    const maxWeight = constraints.maxWeight ?? Number.POSITIVE_INFINITY;
    strategies.forEach((entry, index) => {
      // A negative weight is the schema's to report.
      if (!isRecord(entry) || typeof entry.weight !== 'number' || entry.weight < 0) return;
      if (entry.weight < minWeight || entry.weight > maxWeight) {
        issues.push({
          path: `strategies.${index}.weight`,
          message: `weight ${entry.weight} is ${entry.weight < minWeight ? `below allocation.minWeight (${minWeight})` : `above allocation.maxWeight (${maxWeight})`}`,
        });
      }
    });
  }
  return issues;
}

/** Whether `scheme` estimates weights from the sleeves' returns (every one but `equal` and `fixed`). */
const estimates = (scheme: string): boolean => scheme !== 'equal' && scheme !== 'fixed';

/** What to do about a setting only the estimating schemes and a custom function read, for a library user too. */
const CUSTOM_REMEDY = 'set allocation.scheme to one of those (from the library, a run given a custom allocation function is parsed with parseRunConfig(input, { customAllocation: true }))';

/**
 * The allocation settings only some schemes read: whether the config's scheme (and metric) reads
 * each, where it is read (for the message), its default (which any scheme accepts; `undefined`
 * when it has none a config would write), and whether a custom allocation function reads it.
 */
const SCHEME_SETTINGS: readonly {
  readonly field: string;
  readonly fallback: unknown;
  readonly readBy: string;
  readonly remedy: string;
  readonly reads: (scheme: string, metric: unknown) => boolean;
  readonly readByCustom?: boolean;
}[] = [
  // The window and the warm-up of every scheme that estimates from returns, and of a custom
  // function (it is handed the lookback's `window`, and first called after the warm-up).
  {
    field: 'lookback',
    fallback: DEFAULT_LOOKBACK,
    readBy: 'the schemes that estimate from the sleeves\' returns ("inverse-volatility", "risk-parity", "performance") and a custom allocation function',
    remedy: CUSTOM_REMEDY,
    reads: estimates,
    readByCustom: true,
  },
  {
    field: 'minHistory',
    fallback: undefined,
    readBy: 'the schemes that estimate from the sleeves\' returns ("inverse-volatility", "risk-parity", "performance") and a custom allocation function',
    remedy: CUSTOM_REMEDY,
    reads: estimates,
    readByCustom: true,
  },
  { field: 'metric', fallback: 'sharpe', readBy: 'allocation.scheme "performance"', remedy: 'set allocation.scheme to "performance"', reads: (scheme) => scheme === 'performance' },
  { field: 'floor', fallback: 0, readBy: 'allocation.scheme "performance"', remedy: 'set allocation.scheme to "performance"', reads: (scheme) => scheme === 'performance' },
  {
    field: 'minInvested',
    fallback: DEFAULT_MIN_INVESTED,
    readBy: 'allocation.scheme "inverse-volatility", "risk-parity" and "performance" with metric "sharpe"',
    remedy: 'use one of those',
    reads: (scheme, metric) => scheme === 'inverse-volatility' || scheme === 'risk-parity' || (scheme === 'performance' && (metric ?? 'sharpe') === 'sharpe'),
  },
];

/**
 * Settings the run would ignore: an allocation setting only other schemes read (`lookback` and
 * `minHistory` under `equal` and `fixed`, unless a custom allocation function replaces the scheme;
 * `metric` and `floor` outside `performance`; `minInvested` outside `inverse-volatility`,
 * `risk-parity` and `performance` by Sharpe), or a drawdown stop's `scale` whose action is not
 * `scale-down`. Their defaults pass, so that a resolved config (a result's, a sweep's
 * `best-config.json`, which write every default) runs again.
 */
function ignoredSettingIssues(input: Record<string, unknown>, allocation: Record<string, unknown>, scheme: string, customAllocation: boolean): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  // An unknown scheme is the schema's to report.
  if ((ALLOCATION_SCHEMES as readonly string[]).includes(scheme)) {
    const metric = allocation.metric;
    const given =
      typeof allocation.scheme !== 'string'
        ? `"${scheme}" (the default when none is given)`
        : scheme === 'performance' && metric === 'return'
          ? '"performance" with metric "return"'
          : `"${scheme}"`;
    for (const { field, fallback, readBy, remedy, reads, readByCustom } of SCHEME_SETTINGS) {
      const value = allocation[field];
      if (value === undefined || value === fallback || reads(scheme, metric) || (customAllocation && readByCustom === true)) continue;
      issues.push({
        path: `allocation.${field}`,
        message: `applies to ${readBy} only, and this config's scheme is ${given}, which would ignore it; remove "${field}" or ${remedy}`,
      });
    }
  }
  const risk = isRecord(input.risk) ? input.risk : {};
  const stop = isRecord(risk.maxDrawdown) ? risk.maxDrawdown : {};
  const action = stop.action ?? 'flatten';
  if (action === 'flatten' && stop.scale !== undefined && stop.scale !== 0.5) {
    const given = stop.action === undefined ? '"flatten" (the default when none is given)' : '"flatten"';
    issues.push({
      path: 'risk.maxDrawdown.scale',
      message: `applies to action "scale-down" only, and this stop's action is ${given}, which closes every position whatever the scale; remove "scale" or set "action": "scale-down"`,
    });
  }
  return issues;
}

/**
 * The fields of one capital mode given in a config of the other (`conflictPolicy` with mode
 * "sleeves"), each named with the mode it applies to. The schema reports them as unknown keys;
 * these issues replace that report. An unknown mode is named here too (the schema can only say
 * that no branch of the union matches).
 */
export function misplacedModeFields(input: unknown): ConfigIssue[] {
  if (!isRecord(input)) return [];
  const mode = input.mode ?? 'sleeves';
  if (mode !== 'sleeves' && mode !== 'shared') {
    const given = typeof mode === 'string' ? quoteValue(mode) : JSON.stringify(mode);
    return [{ path: 'mode', message: `must be "sleeves" or "shared", got ${given}` }];
  }
  const issues: ConfigIssue[] = [];
  const which = `this config's mode is "${mode}"${input.mode === undefined ? ' (the default)' : ''}`;
  for (const [field, applies] of Object.entries(MODE_ONLY_FIELDS)) {
    if (applies !== mode && Object.hasOwn(input, field)) {
      issues.push({ path: field, message: `applies to mode "${applies}" only, and ${which}: remove "${field}" or set "mode": "${applies}"` });
    }
  }
  // Nested fields of one mode: a strategy's priority weighs its signal in shared mode's "priority"
  // policy; drift bands rebalance sleeves, and shared mode's shadow sleeves are never rebalanced.
  if (mode === 'sleeves' && Array.isArray(input.strategies)) {
    input.strategies.forEach((entry: unknown, index) => {
      // 0 is the default (a parsed config carries it), and changes nothing in either mode.
      if (isRecord(entry) && Object.hasOwn(entry, 'priority') && entry.priority !== 0) {
        issues.push({ path: `strategies.${index}.priority`, message: `applies to mode "shared" (conflictPolicy "priority") only, and ${which}: sleeves never compete for a symbol; remove "priority" or set "mode": "shared"` });
      }
    });
  }
  if (mode === 'shared' && Array.isArray(input.strategies)) {
    const policy: unknown = input.conflictPolicy ?? 'net';
    if (policy !== 'priority') {
      const policyText = `${typeof policy === 'string' ? quoteValue(policy) : JSON.stringify(policy)}${input.conflictPolicy === undefined ? ' (the default)' : ''}`;
      input.strategies.forEach((entry: unknown, index) => {
        if (isRecord(entry) && Object.hasOwn(entry, 'priority') && entry.priority !== 0) {
          issues.push({ path: `strategies.${index}.priority`, message: `applies to conflictPolicy "priority" only, and this config's policy is ${policyText}, which would ignore it; remove "priority" or set "conflictPolicy": "priority"` });
        }
      });
    }
  }
  // One shared account buys what its cash affords: it cannot hold more than its equity, so a
  // leverage the shadows were given would make them trade capital the portfolio does not have.
  if (mode === 'shared' && isRecord(input.allocation) && Object.hasOwn(input.allocation, 'leverage') && input.allocation.leverage !== 1) {
    issues.push({ path: 'allocation.leverage', message: `applies to mode "sleeves" only, and ${which}: its one account buys only what its cash affords (no margin loan), so its shadows cannot be given more than the portfolio's capital; remove "leverage" or set "mode": "sleeves" (its reserve lends the sleeves the rest)` });
  }
  if (mode === 'shared' && isRecord(input.rebalance) && Object.hasOwn(input.rebalance, 'drift')) {
    // The schedule's weights matter to the "net" policy only (the default): said of the config's own policy.
    const votesWithWeights = input.conflictPolicy === undefined || input.conflictPolicy === 'net';
    const schedule = votesWithWeights ? 'the schedule still recomputes the weights the "net" policy votes with' : `its "${String(input.conflictPolicy)}" policy does not use the weights at all`;
    issues.push({ path: 'rebalance.drift', message: `applies to mode "sleeves" only, and ${which}: its shadow sleeves are never rebalanced, so no weight drifts; remove "drift" (${schedule})` });
  }
  return issues;
}

