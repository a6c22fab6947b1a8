import type { z } from 'zod';
import { quoteValue } from './echo';
import type { ConfigIssue } from './errors';
import { closestMatch } from './suggest';

/** What {@link toConfigIssues} may consult to explain an issue: the parsed input and its schema. */
export interface ConfigIssueContext {
  /** The value that was parsed: shows what the user wrote at an issue's path. */
  readonly input?: unknown;
  /** The schema it was parsed with: gives allowed keys, expected shapes and field descriptions. */
  readonly schema?: z.ZodType;
}

/** The parts of a zod schema's definition this module reads (zod's `_zod.def`). */
interface SchemaDefinition {
  readonly type: string;
  readonly shape?: Readonly<Record<string, unknown>>;
  readonly element?: unknown;
  readonly valueType?: unknown;
  readonly innerType?: unknown;
  readonly in?: unknown;
  readonly options?: readonly unknown[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly getter?: () => unknown;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

function definitionOf(schema: unknown): SchemaDefinition | undefined {
  if (!isRecord(schema) || !isRecord(schema._zod) || !isRecord(schema._zod.def)) return undefined;
  const definition = schema._zod.def;
  return typeof definition.type === 'string' ? (definition as unknown as SchemaDefinition) : undefined;
}

/** The values an enum or literal schema allows (none for other schemas). */
function allowedValues(schema: unknown): readonly unknown[] {
  const definition = core(schema)?.definition;
  if (definition?.entries !== undefined) return Object.values(definition.entries);
  return definition?.values ?? [];
}

/** The description of `schema` or of any wrapper around its core (`.describe()` may sit on either). */
function descriptionOf(schema: unknown): string | undefined {
  let current = schema;
  for (let depth = 0; depth < 16 && current !== undefined; depth++) {
    if (isRecord(current) && typeof current.description === 'string') return current.description;
    const definition = definitionOf(current);
    if (definition === undefined || !WRAPPERS.has(definition.type)) return undefined;
    current = definition.innerType;
  }
  return undefined;
}

/** `schema` without optional/default/pipe/lazy wrappers. */
function core(schema: unknown): { readonly schema: unknown; readonly definition: SchemaDefinition } | undefined {
  let current = schema;
  for (let depth = 0; depth < 16; depth++) {
    const definition = definitionOf(current);
    if (definition === undefined) return undefined;
    if (WRAPPERS.has(definition.type)) current = definition.innerType;
    else if (definition.type === 'pipe') current = definition.in;
    else if (definition.type === 'lazy' && definition.getter !== undefined) current = definition.getter();
    else return { schema: current, definition };
  }
  return undefined;
}

/** The option of a union that `value` selects: by discriminator when there is one, else the first object option with `key`. */
function unionOption(definition: SchemaDefinition, value: unknown, key: string | number | undefined): unknown {
  const options = definition.options ?? [];
  if (definition.discriminator !== undefined && isRecord(value)) {
    const wanted = value[definition.discriminator];
    const chosen = options.find((option) => {
      return allowedValues(core(option)?.definition.shape?.[definition.discriminator ?? '']).includes(wanted);
    });
    if (chosen !== undefined) return chosen;
  }
  if (key === undefined) return undefined;
  return options.find((option) => {
    const found = core(option);
    return found?.definition.shape !== undefined && typeof key === 'string' && key in found.definition.shape;
  });
}

/** The schema and input value at `path`, as far as both can be followed. */
function locate(context: ConfigIssueContext, path: readonly PropertyKey[]): { schema: unknown; value: unknown } {
  let schema: unknown = context.schema;
  let value: unknown = context.input;
  for (const part of path) {
    const key = typeof part === 'symbol' ? undefined : part;
    let found = core(schema);
    if (found?.definition.type === 'union') found = core(unionOption(found.definition, value, key));
    const definition = found?.definition;
    if (definition?.type === 'object' && typeof key === 'string') schema = definition.shape?.[key];
    else if (definition?.type === 'array') schema = definition.element;
    else if (definition?.type === 'record') schema = definition.valueType;
    else schema = undefined;
    value = isRecord(value) && key !== undefined ? (value as Record<string | number, unknown>)[key] : undefined;
  }
  return { schema, value };
}

/** `the string "x"`, `the number 3`, `an array`, `null`: what the user wrote, for "got …". */
function describeInput(value: unknown): string {
  if (typeof value === 'string') return `the string ${quoteValue(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** A number as JSON writes it (no `0x10`, `.5`, `+1` or `Infinity`). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * `: write 20 without quotes` when a number or boolean was written as a JSON string that reads as
 * one (`"20"`, `"true"`); empty otherwise.
 */
function unquotedHint(expected: string, value: unknown): string {
  if (typeof value !== 'string') return '';
  const text = value.trim();
  const reads = expected === 'boolean' ? text === 'true' || text === 'false' : (expected === 'number' || expected === 'int') && JSON_NUMBER.test(text) && Number.isFinite(Number(text));
  return reads ? `: write ${text} without quotes` : '';
}

/** The allowed values as text; an `undefined` (a field that may be left out) is not a value one writes. */
function valueNames(allowed: readonly unknown[]): string[] {
  return allowed.filter((item) => item !== undefined).map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

/** `"x" is not one of a, b, c — did you mean "b"?` (or `expected one of …, got …` for a non-string). */
function notOneOf(value: unknown, allowed: readonly unknown[], alternative?: string): string {
  const names = valueNames(allowed);
  const list = `${names.join(', ')}${alternative === undefined ? '' : ` (or ${alternative})`}`;
  if (typeof value !== 'string') return `expected one of ${list}, got ${describeInput(value)}`;
  const match = closestMatch(value, names);
  return `${quoteValue(value)} is not one of ${list}${match === undefined ? '' : ` — did you mean ${quoteValue(match)}?`}`;
}

/** `{ "scheme": "inverse-volatility", … }`-style hint of the object shape `schema` expects. */
function objectShape(schema: unknown, value: unknown): string | undefined {
  const found = core(schema);
  if (found === undefined) return undefined;
  const { definition } = found;
  if (definition.type === 'union' && definition.discriminator !== undefined) {
    const key = definition.discriminator;
    const values = (definition.options ?? []).flatMap((option) => allowedValues(core(option)?.definition.shape?.[key]));
    const named = typeof value === 'string' ? values.find((item) => item === value) ?? closestMatch(value, values.filter((item): item is string => typeof item === 'string')) : undefined;
    if (named !== undefined) return `write { "${key}": ${JSON.stringify(named)}, … } (its other fields beside "${key}")`;
    return `write { "${key}": …, … } with "${key}" one of ${valueNames(values).join(', ')}`;
  }
  if (definition.type === 'object' && definition.shape !== undefined) {
    const fields = `fields: ${Object.keys(definition.shape).join(', ')}`;
    // A string that is a value of one of the object's enum fields was meant for that field.
    if (typeof value === 'string') {
      for (const [key, field] of Object.entries(definition.shape)) {
        if (allowedValues(field).includes(value)) return `write { "${key}": ${JSON.stringify(value)}, … } (${fields})`;
      }
    }
    return fields;
  }
  return undefined;
}

/**
 * The field of `shape` whose own object (or object union branch) has a field `key`: where a key
 * given one level too high belongs (`lookback` at the top of a run config lives in `allocation`).
 * Undefined when none or more than one has it.
 */
function nestedHome(shape: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const homes = Object.entries(shape).filter(([, child]) => {
    const found = core(child);
    const options = found?.definition.type === 'union' ? (found.definition.options ?? []).map((option) => core(option)) : [found];
    return options.some((option) => option?.definition.type === 'object' && option.definition.shape !== undefined && key in option.definition.shape);
  });
  return homes.length === 1 ? homes[0]?.[0] : undefined;
}

/**
 * The message for one issue, explained with the input and schema when they are known: what was
 * written and what is allowed (`expected a number, got the string "20"`, `must be at least 1,
 * got -3`).
 */
export function explainIssue(issue: z.core.$ZodIssue, context: ConfigIssueContext): string {
  const { schema, value } = locate(context, issue.path);
  const known = context.input !== undefined;
  if (issue.code === 'invalid_value' && known) return notOneOf(value, issue.values);
  if (issue.code === 'invalid_union') {
    const options = 'options' in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : undefined;
    if (options !== undefined && known) {
      return value === undefined ? `required: one of ${valueNames(options).join(', ')}` : notOneOf(value, options);
    }
    const enumBranch = issue.errors.flat().find((inner) => inner.path.length === 0 && inner.code === 'invalid_value');
    if (enumBranch?.code === 'invalid_value' && known) {
      const objectBranch = issue.errors.flat().some((inner) => inner.path.length === 0 && inner.code === 'invalid_type' && inner.expected === 'object');
      const alternative = objectBranch ? objectAlternative(schema) : undefined;
      return value === undefined ? `required: one of ${valueNames(enumBranch.values).join(', ')}` : notOneOf(value, enumBranch.values, alternative);
    }
    // Every branch refused the value's kind (`config`: a path or an object, given a number or
    // nothing): zod's "Invalid input" named neither what was expected nor what was given. A
    // schema's own message for the union is kept.
    const kinds = issue.errors.map((branch) => branch.find((inner) => inner.path.length === 0 && inner.code === 'invalid_type'));
    if (known && issue.message === ZOD_UNION_MESSAGE && kinds.length > 0 && kinds.every((inner) => inner !== undefined)) {
      const expected = [...new Set(kinds.map((inner) => (inner.code === 'invalid_type' ? kindName(inner.expected) : '')))];
      const list = expected.length === 1 ? (expected[0] ?? '') : `${expected.slice(0, -1).join(', ')} or ${expected.at(-1) ?? ''}`;
      if (value === undefined) {
        const description = descriptionOf(schema);
        return description === undefined ? `required (${list})` : `required: ${description}`;
      }
      return `expected ${list}, got ${describeInput(value)}`;
    }
    return issue.message;
  }
  if (issue.code === 'invalid_type' && known) {
    const description = descriptionOf(schema);
    if (value === undefined) return description === undefined ? `required (${issue.expected})` : `required: ${description}`;
    if (issue.expected === 'object') {
      const shape = objectShape(schema, value);
      return `expected an object, got ${describeInput(value)}${shape === undefined ? '' : `; ${shape}`}`;
    }
    const expected = issue.expected === 'array' ? 'an array' : issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`;
    return `expected ${expected}, got ${describeInput(value)}${unquotedHint(issue.expected, value)}`;
  }
  return ownBoundMessage(issue, known ? value : undefined) ?? issue.message;
}

/**
 * The message of one zod issue found without the input at hand (a flag's value checked against
 * one field): zod's own, but a bound it states in its own words ("Too big: expected number to be
 * <=10000") said as a rule, `must be at most 10,000`, as {@link toConfigIssues} says it.
 */
export function zodIssueMessage(issue: z.core.$ZodIssue): string {
  // zod's own words for a wrong kind ("Invalid input: expected number, received string") said as
  // the rule; the value is named by whoever reports it.
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input: expected ')) return `expected ${kindName(issue.expected)}`;
  return ownBoundMessage(issue, undefined) ?? issue.message;
}

/** {@link boundMessage} of a bound zod states in its own words; null for any other issue, or a schema's own message. */
function ownBoundMessage(issue: z.core.$ZodIssue, value: unknown): string | null {
  if (issue.code !== 'too_big' && issue.code !== 'too_small') return null;
  return /^Too (big|small): expected /.test(issue.message) ? boundMessage(issue, value) : null;
}

/**
 * A bound zod states in its own words ("Too big: expected number to be <=10000") said as a rule,
 * with the value given when known: `must be at most 10,000, got 20,000`, `must be below 1`, `must
 * hold at least 1 item`. Null for a bound of another kind (a date, a bigint).
 */
function boundMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, value: unknown): string | null {
  const big = issue.code === 'too_big';
  const limit = Number(big ? issue.maximum : issue.minimum);
  if (!Number.isFinite(limit)) return null;
  const inclusive = issue.inclusive !== false;
  const figure = boundFigure(limit);
  const got =
    typeof value === 'number'
      ? `, got ${boundFigure(value)}`
      : Array.isArray(value)
        ? `, got ${String(value.length)} ${value.length === 1 ? 'item' : 'items'}`
        : typeof value === 'string'
          ? `, got ${String(value.length)} ${value.length === 1 ? 'character' : 'characters'}`
          : '';
  const exact = issue.exact ?? false;
  switch (issue.origin) {
    case 'number':
    case 'int':
      return `must be ${big ? (inclusive ? 'at most' : 'below') : inclusive ? 'at least' : 'above'} ${figure}${got}`;
    case 'array':
    case 'set':
      return `must hold ${exact ? 'exactly' : big ? 'at most' : 'at least'} ${figure} ${limit === 1 ? 'item' : 'items'}${got}`;
    case 'string':
      return `must be ${exact ? 'exactly' : big ? 'at most' : 'at least'} ${figure} ${limit === 1 ? 'character' : 'characters'} long${got}`;
    case 'bigint':
    case 'date':
    case 'file':
      return null;
  }
  return null;
}

/** A number in a bound's message: whole numbers from 1,000 to 1e15 with separators, others as JavaScript writes them (1e+300). */
function boundFigure(value: number): string {
  return Number.isInteger(value) && Math.abs(value) >= 1000 && Math.abs(value) < 1e15 ? value.toLocaleString('en-US') : String(value);
}

/** How many unknown keys of one object are named one by one; the rest are counted. */
const UNKNOWN_KEYS_NAMED = 50;

/** zod's message for a union none of whose branches took the value. */
const ZOD_UNION_MESSAGE = 'Invalid input';

/** A kind zod expected, as a message names it: `a string`, `an object` (a record is one), `a whole number`. */
function kindName(expected: string): string {
  if (expected === 'object' || expected === 'record') return 'an object';
  if (expected === 'array') return 'an array';
  if (expected === 'int') return 'a whole number';
  return `a ${expected}`;
}

/** `an object { "everyBars": … }`: the object branch of a union, by its keys. */
function objectAlternative(schema: unknown): string {
  const found = core(schema);
  const objectOption = (found?.definition.options ?? []).map((option) => core(option)).find((option) => option?.definition.type === 'object');
  const keys = Object.keys(objectOption?.definition.shape ?? {});
  return keys.length === 0 ? 'an object' : `an object { ${keys.map((key) => `"${key}": …`).join(', ')} }`;
}

/** The bound of a `too_big` / `too_small` issue as a number, or null for any other issue. */
function boundOf(issue: z.core.$ZodIssue): number | null {
  if (issue.code === 'too_big') return Number(issue.maximum);
  if (issue.code === 'too_small') return Number(issue.minimum);
  return null;
}

/**
 * The issues without those a tighter bound at the same path already reports: `z.number().int()
 * .max(10000)` given 1e308 breaks both the integer's own limit (2^53 − 1) and 10000, and only
 * "at most 10000" helps. Of several `too_big` issues at one path the smallest maximum stays, of
 * several `too_small` the largest minimum; every other issue is kept, in order.
 */
export function tightestBoundIssues<TIssue extends z.core.$ZodIssue>(issues: readonly TIssue[]): TIssue[] {
  return issues.filter((issue) => {
    const bound = boundOf(issue);
    if (bound === null) return true;
    const key = issue.path.map((part) => String(part)).join('.');
    return !issues.some((other) => {
      if (other === issue || other.code !== issue.code || other.path.map((part) => String(part)).join('.') !== key) return false;
      const otherBound = boundOf(other);
      return otherBound !== null && (issue.code === 'too_big' ? otherBound < bound : otherBound > bound);
    });
  });
}

/**
 * Turns zod issues into {@link ConfigIssue}s with dotted paths (`strategies.1.params.fast`).
 * Given the parsed `input` and its `schema`, messages say what was written and what is allowed:
 * `"monthly" is not one of never, week, month, quarter, year — did you mean "month"?`, an object
 * expected where a string was given shows the object's shape, a missing field says it is required
 * and what it holds, an unknown key suggests the nearest known one.
 */
export function toConfigIssues(error: z.ZodError, context: ConfigIssueContext = {}): ConfigIssue[] {
  return issuesOf(error.issues, context);
}

function issuesOf(issues: readonly z.core.$ZodIssue[], context: ConfigIssueContext): ConfigIssue[] {
  return tightestBoundIssues(issues).flatMap((issue): ConfigIssue[] => {
    const path = issue.path.map((part) => String(part)).join('.');
    // An object given where a union takes one object form (`{ "everyBars": 2.5 }` for a schedule):
    // the object branch's own issues, at their paths, say what is wrong inside it, where the
    // union's message could only list the branches.
    if (issue.code === 'invalid_union' && context.input !== undefined && isRecord(locate(context, issue.path).value)) {
      const inside = issue.errors.find((branch) => branch.length > 0 && branch.every((inner) => inner.path.length > 0 || inner.code === 'unrecognized_keys'));
      if (inside !== undefined) return issuesOf(inside.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })), context);
    }
    // zod reports the unknown keys of an object once, at the object; name each at its own path.
    if (issue.code === 'unrecognized_keys') {
      const { schema, value } = locate(context, issue.path);
      let found = core(schema);
      // A union whose branch the value does not select (a run config without "mode"): the fields of all its branches.
      const branches = found?.definition.type === 'union' ? (found.definition.options ?? []).map((option) => core(option)?.definition.shape) : [];
      if (found?.definition.type === 'union') found = core(unionOption(found.definition, value, undefined));
      const shape = found?.definition.shape ?? (branches.some((entry) => entry !== undefined) ? Object.assign({}, ...branches) as Record<string, unknown> : undefined);
      const knownKeys = shape === undefined ? [] : Object.keys(shape);
      // Each named with the nearest known key, the first UNKNOWN_KEYS_NAMED: a file of a million
      // keys took most of a minute to be refused, each matched against every known one.
      const more = issue.keys.length - UNKNOWN_KEYS_NAMED;
      const count: ConfigIssue[] = more > 0 ? [{ path, message: `${issue.keys.length.toLocaleString('en-US')} unknown keys in all, the first named below` }] : [];
      return count.concat(issue.keys.slice(0, UNKNOWN_KEYS_NAMED).map((key) => {
        const match = closestMatch(key, knownKeys);
        const home = match === undefined && shape !== undefined ? nestedHome(shape, key) : undefined;
        const hint =
          match !== undefined
            ? `— did you mean ${quoteValue(match)}?`
            : home !== undefined
              ? `— it belongs in ${quoteValue(home)} (${quoteValue(`${home}.${key}`)})`
              : '(check its spelling)';
        return { path: path === '' ? key : `${path}.${key}`, message: `unknown key ${quoteValue(key)} ${hint}` };
      }));
    }
    return [{ path, message: explainIssue(issue, context) }];
  });
}
