import { closestMatch, quoteValue } from '@ensemble/protocol';
import { MODE_ONLY_FIELDS } from '@ensemble/orchestrator';
import { BacktestRunConfigSchema } from '../job/backtest-config';
import type { ParameterValue } from '../job/research-job';
import type { z } from 'zod';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The container a path segment steps into: in an array of objects with ids (a run config's
 * `strategies`), a segment names an entry by `id`; in other arrays it is an index; in objects a key.
 */
function step(container: unknown, segment: string): unknown {
  if (Array.isArray(container)) {
    const entries: readonly unknown[] = container;
    const byId = entries.find((entry) => isRecord(entry) && entry.id === segment);
    if (byId !== undefined) return byId;
    return /^\d+$/.test(segment) ? entries[Number(segment)] : undefined;
  }
  return isRecord(container) && Object.hasOwn(container, segment) ? container[segment] : undefined;
}

/** Keys that name a JavaScript object's internals, never a config field: setting one would change the prototype of every object. */
const INTERNAL_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Why `path` (dot-separated, e.g. `strategies.trend.params.fast`) cannot be set in `config`, or
 * null when it can: every segment but the last must lead to an existing object (strategy entries
 * by id); the last may be new (a parameter left at its default).
 */
export function configPathProblem(config: unknown, path: string): string | null {
  const segments = path.split('.');
  if (segments.some((segment) => segment === '')) return `${quoteValue(path)} is not a dot-separated path such as "strategies.trend.params.fast"`;
  const internal = segments.find((segment) => INTERNAL_KEYS.has(segment));
  if (internal !== undefined) return `${quoteValue(path)} goes through ${quoteValue(internal)}, which is no field of a config (it names a JavaScript object's internals)`;
  let container = config;
  for (let k = 0; k < segments.length - 1; k++) {
    const segment = segments[k] ?? '';
    const next = step(container, segment);
    if (typeof next !== 'object' || next === null) {
      const at = segments.slice(0, k + 1).join('.');
      const hint = Array.isArray(container) ? ` (strategies are addressed by their id${idsHint(container, segment)})` : '';
      return `${quoteValue(at)} is not an object of the base config${hint}`;
    }
    container = next;
  }
  return Array.isArray(container) && !/^\d+$/.test(segments.at(-1) ?? '') ? `${quoteValue(path)} ends inside a list; give an index or an id` : null;
}

/** Whether `config` gives `path` a value of its own (not left to a default). */
export function hasConfigValue(config: unknown, path: string): boolean {
  let container = config;
  for (const segment of path.split('.')) {
    container = step(container, segment);
    if (container === undefined) return false;
  }
  return true;
}

/**
 * A deep copy of `config` (plain JSON) with each `[path, value]` set; every path must pass
 * {@link configPathProblem}. A run config's `mode` set to the other capital mode drops the fields
 * of the mode it leaves (`MODE_ONLY_FIELDS`: a parsed base carries its own mode's defaults, which
 * the other mode refuses; a base cannot give them itself), so that the other mode's defaults apply.
 */
export function withConfigValues<TConfig>(config: TConfig, assignments: readonly (readonly [string, ParameterValue])[]): TConfig {
  const copy = structuredClone(config);
  const mode = assignments.find(([path]) => path === 'mode')?.[1];
  if (isRecord(copy) && (mode === 'sleeves' || mode === 'shared') && (copy.mode ?? 'sleeves') !== mode) {
    for (const [field, applies] of Object.entries(MODE_ONLY_FIELDS)) if (applies !== mode) Reflect.deleteProperty(copy, field);
  }
  for (const [path, value] of assignments) {
    const segments = path.split('.');
    if (segments.some((segment) => INTERNAL_KEYS.has(segment))) throw new TypeError(`${quoteValue(path)} is not a config path`);
    let container: unknown = copy;
    for (const segment of segments.slice(0, -1)) container = step(container, segment);
    const last = segments.at(-1) ?? '';
    if (Array.isArray(container)) container[Number(last)] = value;
    else if (isRecord(container)) container[last] = value;
  }
  return copy;
}

type Strategies = Readonly<Record<string, { readonly schema: unknown }>>;

/** The fields of a strategy's schema (a zod object's shape), or null when it is not an object schema. */
function shapeOf(schema: unknown): Record<string, unknown> | null {
  if (typeof schema !== 'object' || schema === null || !('shape' in schema)) return null;
  const shape: unknown = schema.shape;
  return isRecord(shape) ? shape : null;
}

/** The parameter names a strategy's schema declares (a zod object's keys), or null when it is not an object schema. */
function declaredParameters(schema: unknown): string[] | null {
  const shape = shapeOf(schema);
  return shape === null ? null : Object.keys(shape);
}

/**
 * For a path ending in `params.<name>`: the registered strategy whose parameter it sets (the
 * entry's, or a backtest config's root `strategy`) and the name; otherwise null.
 */
function addressedParameter(config: unknown, path: string, strategies: Strategies): { readonly strategy: string; readonly name: string } | null {
  const segments = path.split('.');
  if (segments.length < 2 || segments.at(-2) !== 'params') return null;
  let owner = config;
  for (const segment of segments.slice(0, -2)) owner = step(owner, segment);
  const strategy = isRecord(owner) ? owner.strategy : undefined;
  return typeof strategy === 'string' && Object.hasOwn(strategies, strategy) ? { strategy, name: segments.at(-1) ?? '' } : null;
}

/**
 * Why a path ending in `params.<name>` names no parameter of the strategy it addresses (the entry,
 * or the root of a backtest config, whose `strategy` is a name of `strategies`), or null: a
 * mistyped parameter would make every combination's config invalid, so it is a spec error.
 */
export function strategyParameterProblem(config: unknown, path: string, strategies: Strategies): string | null {
  const addressed = addressedParameter(config, path, strategies);
  if (addressed === null) return null;
  const { strategy, name } = addressed;
  const known = declaredParameters(strategies[strategy]?.schema);
  if (known === null || known.includes(name)) return null;
  const match = closestMatch(name, known);
  const takes = known.length === 0 ? 'no parameters' : `only ${known.join(', ')}`;
  return `${quoteValue(name)} is not a parameter of ${strategy}${match === undefined ? '' : ` — did you mean ${quoteValue(match)}?`} (it takes ${takes})`;
}

/** The ids of a config's strategy entries, and the one closest to `given`: `: trend, dip — did you mean "trend"?`; empty without ids. */
function idsHint(entries: readonly unknown[], given: string): string {
  const ids = entries.flatMap((entry) => (isRecord(entry) && typeof entry.id === 'string' ? [entry.id] : []));
  if (ids.length === 0) return '';
  const match = closestMatch(given, ids);
  return `: ${ids.join(', ')}${match === undefined ? '' : ` — did you mean ${quoteValue(match)}?`}`;
}

/**
 * Why a one-segment path of a run config names a parameter of one of its strategies (`fast`), or
 * null: a run config's parameters are addressed through the sleeve (`strategies.trend.params.fast`),
 * and the bare name would be refused as an unknown key of the config, once for every value.
 */
export function bareSleeveParameter(config: unknown, path: string, strategies: Strategies): string | null {
  if (path.includes('.') || !isRecord(config) || Object.hasOwn(config, path) || !Array.isArray(config.strategies)) return null;
  const ids = config.strategies.flatMap((entry) => {
    if (!isRecord(entry) || typeof entry.id !== 'string' || typeof entry.strategy !== 'string' || !Object.hasOwn(strategies, entry.strategy)) return [];
    return (declaredParameters(strategies[entry.strategy]?.schema) ?? []).includes(path) ? [entry.id] : [];
  });
  if (ids.length === 0) return null;
  return `${quoteValue(path)} is no field of a run config: a sleeve's parameter is addressed through its id, ${ids.map((id) => quoteValue(`strategies.${id}.params.${path}`)).join(' or ')}`;
}

/**
 * Why a one-segment path of a backtest config (`rebalance`) is ambiguous, or null: it names a field
 * of the config that is also a parameter of the config's strategy (`equal-weight`'s `rebalance`),
 * where a sweep would set the field while its author may have meant the parameter.
 */
export function fieldParameterClash(config: unknown, path: string, strategies: Strategies): string | null {
  if (path.includes('.') || !isRecord(config) || !Object.hasOwn(BacktestRunConfigSchema.shape, path)) return null;
  const strategy = config.strategy;
  if (typeof strategy !== 'string' || !Object.hasOwn(strategies, strategy)) return null;
  if (!(declaredParameters(strategies[strategy]?.schema) ?? []).includes(path)) return null;
  return `${quoteValue(path)} is both a field of the backtest config and a parameter of ${strategy}: write "params.${path}" to vary the strategy's parameter (a path below "${path}" varies the config's field)`;
}

/**
 * Why varying a backtest's `params.rebalance` would change nothing, or null: the base config
 * gives the engine's `rebalance`, which replaces the strategy's own schedule in every combination
 * (each job would fail on the pair).
 */
export function replacedParameterProblem(config: unknown, path: string): string | null {
  if (path !== 'params.rebalance' || !isRecord(config) || config.rebalance === undefined || typeof config.strategy !== 'string') return null;
  return 'the base config\'s "rebalance" replaces the strategy\'s own schedule in every combination; remove it from the base config to vary "params.rebalance", or vary "rebalance" instead';
}

/** Something with zod's `safeParse` (a field's schema). */
interface FieldSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: z.ZodError };
}

function isFieldSchema(value: unknown): value is FieldSchema {
  return typeof value === 'object' && value !== null && 'safeParse' in value && typeof value.safeParse === 'function';
}

/**
 * The schema of the one field `path` sets, when it is a strategy's parameter (`params.fast`,
 * `strategies.trend.params.fast`) or a field of a backtest config (`cash`), or null: what each
 * varied value can be checked against before any job runs. Checks that involve other fields (a
 * strategy's `fast < slow`) are not in it; a combination breaking one fails as its job.
 */
export function fieldSchemaOf(config: unknown, path: string, strategies: Strategies): { readonly schema: FieldSchema; readonly what: string } | null {
  const addressed = addressedParameter(config, path, strategies);
  if (addressed !== null) {
    const { strategy, name } = addressed;
    const shape = shapeOf(strategies[strategy]?.schema);
    const field = shape !== null && Object.hasOwn(shape, name) ? shape[name] : undefined;
    return isFieldSchema(field) ? { schema: field, what: `${name} (a parameter of ${strategy})` } : null;
  }
  if (path.includes('.') || !isRecord(config) || typeof config.strategy !== 'string') return null;
  const fields = shapeOf(BacktestRunConfigSchema);
  const field = fields !== null && Object.hasOwn(fields, path) ? fields[path] : undefined;
  return isFieldSchema(field) ? { schema: field, what: `${path} (a field of the backtest config)` } : null;
}

/** A value a constraint can compare: a finite number, a string or a boolean. */
function comparable(value: unknown): ParameterValue | undefined {
  return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string' || typeof value === 'boolean' ? value : undefined;
}

/**
 * The value `config` fixes at `path` (a number, string or boolean), for a constraint to compare
 * with the varied ones, or undefined when it fixes none there: as given, or, for a strategy's
 * parameter left to its default (`params.slow`, `strategies.trend.params.slow`), the default its
 * schema gives with the entry's other parameters.
 */
export function fixedConfigValue(config: unknown, path: string, strategies: Strategies): ParameterValue | undefined {
  const segments = path.split('.');
  if (segments.some((segment) => segment === '' || INTERNAL_KEYS.has(segment))) return undefined;
  if (hasConfigValue(config, path)) {
    let value = config;
    for (const segment of segments) value = step(value, segment);
    return comparable(value);
  }
  const addressed = addressedParameter(config, path, strategies);
  if (addressed === null) return undefined;
  let owner = config;
  for (const segment of segments.slice(0, -2)) owner = step(owner, segment);
  const schema = strategies[addressed.strategy]?.schema;
  if (!isRecord(owner) || !isFieldSchema(schema)) return undefined;
  const parsed = (schema as { safeParse(value: unknown): { success: boolean; data?: unknown } }).safeParse(owner.params ?? {});
  return parsed.success && isRecord(parsed.data) ? comparable(parsed.data[addressed.name]) : undefined;
}
