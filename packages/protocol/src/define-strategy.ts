import type { z } from 'zod';
import type { StrategyDefinition } from './definition';
import { echoValue, quoteValue, hasControlCharacters } from './echo';
import type { ConfigIssue } from './errors';
import { ConfigError, EnsembleError, StrategyError } from './errors';
import { formatValue, isThenable, thenableProblem } from './format-value';
import { rebalanceRuleProblem } from './rebalance-rule';
import type { AnyStrategy, PortfolioStrategy, Strategy } from './strategy';

/**
 * The form of a strategy's registry name: lower-case kebab-case, 1–64 characters (`sma-crossover`,
 * `two-up-closes`). A name is typed on the command line (`--strategy`), written in run configs and
 * used as the default strategy id, so it also satisfies `STRATEGY_ID_PATTERN`.
 */
export const STRATEGY_NAME_PATTERN = /^(?=.{1,64}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** What {@link STRATEGY_NAME_PATTERN} asks for, for messages. */
export const STRATEGY_NAME_RULE = 'must be 1–64 lower-case letters and digits in words joined by single "-" (e.g. "two-up-closes")';

/**
 * A strategy instance of kind `TKind`, its `id` optional (it defaults to the id the run gives) and,
 * for a portfolio strategy, its `kind` too (the definition's; an object literal gets it).
 */
export type StrategyOfKind<TKind extends 'signal' | 'portfolio'> = TKind extends 'portfolio'
  ? Omit<PortfolioStrategy, 'id' | 'kind'> & { readonly id?: string; readonly kind?: 'portfolio' }
  : Omit<Strategy, 'id'> & { readonly id?: string };

/** What {@link defineStrategy} takes. */
export interface StrategySpec<TParams extends z.ZodObject, TKind extends 'signal' | 'portfolio'> {
  /** Registry name, kebab-case ({@link STRATEGY_NAME_PATTERN}): what `--strategy` and run configs name. */
  readonly name: string;
  /** `signal` (a `Strategy`: enter/exit per symbol) or `portfolio` (a `PortfolioStrategy`: target weights). */
  readonly kind: TKind;
  /** One sentence, printed by `ensemble strategies`. */
  readonly description: string;
  /**
   * The parameters as a zod object schema: give every field a `.default()` and a `.describe()`
   * (listed by `ensemble strategies`), and bounds (`.min()`, `.max()`) where they apply. A
   * misspelt parameter is an error: a plain `z.object` is made strict (`z.looseObject` keeps
   * extra keys on purpose).
   */
  readonly params: TParams;
  /**
   * Builds an instance from parsed parameters (defaults applied). `id` is the instance's id in
   * the run (a config entry's id, or the strategy name): return a strategy without an `id` and it
   * gets this one, or set `id` to it (a class taking `id` in its constructor).
   */
  create(params: z.output<TParams>, id: string): StrategyOfKind<TKind>;
}

const STRATEGY_KINDS: readonly string[] = ['signal', 'portfolio'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** True for a zod object schema, also when it comes from another installed copy of zod. */
function isZodObject(value: unknown): value is z.ZodObject {
  if (!isRecord(value) || typeof value.safeParse !== 'function') return false;
  const internals = value._zod;
  return isRecord(internals) && isRecord(internals.def) && internals.def.type === 'object';
}

/**
 * Every problem of a strategy definition (or of a `defineStrategy` spec when `paramsField` is
 * `params`), each at its field; empty when it is usable.
 */
export function strategyDefinitionIssues(value: unknown, paramsField: 'params' | 'schema' = 'schema'): ConfigIssue[] {
  if (!isRecord(value)) {
    // A definition is what defineStrategy returns (its parameters as `schema`); what a user writes is defineStrategy's spec (`params`).
    const what = paramsField === 'schema' ? 'what defineStrategy({ name, kind, description, params, create }) returns' : 'an object with name, kind, description, params and create';
    return [{ path: '', message: `a strategy definition must be ${what}; got ${formatValue(value)}` }];
  }
  const issues: ConfigIssue[] = [];
  const { name, kind, description, create } = value;
  const params = value[paramsField];
  if (typeof name !== 'string') issues.push({ path: 'name', message: `name is ${name === undefined ? 'missing' : formatValue(name)}: give the registry name as a string, e.g. "two-up-closes"` });
  else if (!STRATEGY_NAME_PATTERN.test(name)) issues.push({ path: 'name', message: `name ${quoteValue(name)} ${STRATEGY_NAME_RULE}` });
  if (typeof kind !== 'string' || !STRATEGY_KINDS.includes(kind)) {
    issues.push({ path: 'kind', message: `kind is ${kind === undefined ? 'missing' : formatValue(kind)}: it must be "signal" (enter/exit per symbol) or "portfolio" (target weights)` });
  }
  if (typeof description !== 'string' || description.trim() === '' || hasControlCharacters(description)) {
    issues.push({ path: 'description', message: 'description must be one sentence of text (no control characters): `ensemble strategies` prints it' });
  }
  if (!isZodObject(params)) {
    issues.push({ path: paramsField, message: `${paramsField} must be a zod object schema, e.g. z.strictObject({ period: z.number().int().min(1).default(14).describe('…') }); for no parameters z.strictObject({})` });
  }
  if (typeof create !== 'function') issues.push({ path: 'create', message: `create must be a function (params, id) => strategy; got ${formatValue(create)}` });
  return issues;
}

function whoseDefinition(value: unknown): string {
  const name = isRecord(value) ? value.name : undefined;
  return typeof name === 'string' ? `strategy definition ${quoteValue(name)}` : 'a strategy definition';
}

/** Why `strategy` (returned by a definition of kind `kind`) is not usable, or null. */
function instanceProblem(strategy: unknown, kind: 'signal' | 'portfolio'): string | null {
  if (isThenable(strategy)) return thenableProblem('create');
  if (!isRecord(strategy)) return `create returned ${formatValue(strategy)}, not a strategy object`;
  const warmup = strategy.warmup;
  if (typeof warmup !== 'number' || !Number.isSafeInteger(warmup) || warmup < 0) {
    return `create returned a strategy whose warmup is ${formatValue(warmup)}; it must be a whole number of bars from 0 to ${String(Number.MAX_SAFE_INTEGER)}`;
  }
  if (kind === 'portfolio') {
    if (strategy.kind !== 'portfolio') return 'the definition is of kind "portfolio" but create returned a strategy without kind: "portfolio"';
    if (typeof strategy.targetWeights !== 'function') return 'create returned a portfolio strategy without a targetWeights(context) function';
    if (!isRecord(strategy.rebalance)) return 'create returned a portfolio strategy without a rebalance rule (e.g. { kind: "calendar", period: "month" })';
    const rebalance = rebalanceRuleProblem(strategy.rebalance);
    if (rebalance !== null) return `create returned a portfolio strategy whose rebalance rule ${rebalance}`;
    return null;
  }
  if (strategy.kind !== undefined && strategy.kind !== 'signal') return `the definition is of kind "signal" but create returned a strategy of kind ${formatValue(strategy.kind)}`;
  if (typeof strategy.shouldEnter !== 'function' || typeof strategy.shouldExit !== 'function') return 'create returned a signal strategy without shouldEnter(context) and shouldExit(context, position) functions';
  return null;
}

/**
 * What `create(parsed, id)` returns; an error it throws becomes a {@link StrategyError} naming the
 * id and the definition (the project's own errors, e.g. a nested `ConfigError`, pass unchanged),
 * so a factory that throws fails like a strategy that throws while deciding, not as an unexpected
 * error.
 */
function createInstance<TParsed>(name: string, create: (parsed: TParsed, id: string) => unknown, parsed: TParsed, id: string): unknown {
  try {
    return create(parsed, id);
  } catch (error) {
    if (EnsembleError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : typeof error === 'string' ? echoValue(error) : formatValue(error);
    throw new StrategyError(id, { cause: error, message: `create of strategy ${quoteValue(name)} threw: ${reason}` });
  }
}

/** A plain object (a literal), whose own properties can be copied without losing behaviour. */
function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Declares a strategy the way the built-in ones are declared: a registry name, a kind, one
 * sentence, a zod object schema of parameters and a factory. The result is a
 * {@link StrategyDefinition} that registries, run configs (`registry`), `describeParameters` and
 * the `ensemble` CLI accept exactly like a built-in. The spec is checked at once: a bad name,
 * a missing or unknown kind, params that are not a zod object or a create that is not a function
 * throw a {@link ConfigError} naming the field. The instance `create` returns is checked when it
 * is built (a `StrategyError` naming the id says what is missing); one without an `id` gets the
 * run's id.
 */
export function defineStrategy<TParams extends z.ZodObject, TKind extends 'signal' | 'portfolio'>(
  spec: StrategySpec<TParams, TKind>,
): StrategyDefinition<TParams> {
  const issues = strategyDefinitionIssues(spec, 'params');
  if (issues.length > 0) throw new ConfigError(issues, { source: whoseDefinition(spec) });
  const { name, kind, description, params } = spec;
  const definition: StrategyDefinition<TParams> = Object.freeze({
    name,
    kind,
    description,
    schema: strictParams(params),
    create: checkedCreate(name, kind, (parsed: z.output<TParams>, id: string) => spec.create(parsed, id)),
  });
  CHECKED.add(definition);
  return definition;
}

/**
 * `schema` refusing unknown keys when it is a zod object that would strip them (`z.object`, the
 * default, or `.strip()`): a mistyped parameter (`--param lokback=5`, `"wieghts"` in a run config) was dropped
 * in silence and the strategy ran on its default, where the built-ins' `z.strictObject` says
 * "unknown key … did you mean". An object that takes extra keys on purpose (`z.looseObject`, a
 * `catchall`) and any other schema are kept as they are, and so are objects nested in a parameter
 * (give those as `z.strictObject`).
 */
function strictParams<TSchema extends z.ZodType>(schema: TSchema): TSchema {
  if (!isZodObject(schema) || schema._zod.def.catchall !== undefined || typeof schema.strict !== 'function') return schema;
  // `.strict()` makes a new schema: its description and metadata (kept by zod per instance) go along.
  const meta: unknown = typeof schema.meta === 'function' ? schema.meta() : undefined;
  const strict = schema.strict();
  return (isRecord(meta) ? strict.meta(meta) : strict) as unknown as TSchema;
}

/** The definitions whose `create` checks what it builds: those of {@link defineStrategy} and {@link checkedStrategyDefinition}. */
const CHECKED = new WeakSet<object>();

/**
 * `create` with what it returns checked as {@link defineStrategy} checks it: an instance of the
 * definition's kind with a usable warm-up (and, for a portfolio strategy, targetWeights and a
 * valid rebalance rule), its id the run's (filled in on an object literal without one); a
 * `StrategyError` naming the id says what is wrong otherwise.
 */
function checkedCreate<TParsed>(name: string, kind: 'signal' | 'portfolio', create: (parsed: TParsed, id: string) => unknown): (parsed: TParsed, id: string) => AnyStrategy {
  return (parsed: TParsed, id: string): AnyStrategy => {
    let strategy = createInstance(name, create, parsed, id);
    // An object literal of a portfolio definition with its targetWeights but no `kind` has it
    // from the definition (as it has the run's id): the definition said it already.
    if (kind === 'portfolio' && isRecord(strategy) && strategy.kind === undefined && typeof strategy.targetWeights === 'function' && isPlainObject(strategy)) strategy = { ...strategy, kind };
    const problem = instanceProblem(strategy, kind);
    if (problem !== null) throw new StrategyError(id, { message: `${problem} (strategy ${quoteValue(name)})` });
    const instance = strategy as StrategyOfKind<typeof kind>;
    if (instance.id === id) return instance as AnyStrategy;
    if (instance.id === undefined && isPlainObject(instance)) return { ...instance, id };
    throw new StrategyError(id, {
      message: `create of strategy ${quoteValue(name)} returned a strategy with id ${formatValue(instance.id)}; leave id out of an object literal, or set it to the id argument create receives`,
    });
  };
}

/**
 * `definition` itself when its `create` already checks what it builds (it comes from
 * {@link defineStrategy}), else the same definition with a `create` that checks it as
 * `defineStrategy` does: a strategy file may export a definition written by hand (`name`, `kind`,
 * `description`, `schema`, `create`), whose instances the engine and the orchestrator would
 * otherwise take as they are (a negative warm-up, a rebalance rule of `every: -1`, no id). Call it
 * on a definition that {@link strategyDefinitionIssues} found usable.
 */
export function checkedStrategyDefinition<TSchema extends z.ZodType>(definition: StrategyDefinition<TSchema>): StrategyDefinition<TSchema> {
  if (CHECKED.has(definition)) return definition;
  const { name, kind, description, schema } = definition;
  const checked: StrategyDefinition<TSchema> = Object.freeze({
    name,
    kind,
    description,
    schema: strictParams(schema),
    create: checkedCreate(name, kind, (parsed: z.output<TSchema>, id: string) => definition.create(parsed, id)),
  });
  CHECKED.add(checked);
  return checked;
}
