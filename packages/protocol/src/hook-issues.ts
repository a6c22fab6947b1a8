import type { ConfigIssue } from './errors';
import { ConfigError } from './errors';

const LOG_METHODS = ['debug', 'info', 'warn', 'error', 'child'] as const;

/**
 * A short description of a value an entry point or hook was given, for a message that says what
 * it got: `undefined`, `null`, `number 5`, `the string "x"`, `an array`, `an object`, `a function`.
 */
export function describeGiven(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.slice(0, 40))}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'an object';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'undefined':
      return 'undefined';
  }
  return 'an unknown value';
}

/**
 * The problem with a call's `logger` option (null when it has none): absent (undefined or null,
 * the library's silent default) or an object with pino's `debug`, `info`, `warn`, `error` and
 * `child` methods. Without this check a wrong value failed deep inside the run as a `TypeError`
 * (`baseLogger.child is not a function`).
 */
export function loggerIssue(logger: unknown, path = 'logger'): ConfigIssue | null {
  if (logger === undefined || logger === null) return null;
  const missing =
    typeof logger === 'object' ? LOG_METHODS.filter((method) => typeof (logger as Record<string, unknown>)[method] !== 'function') : [...LOG_METHODS];
  if (missing.length === 0) return null;
  return {
    path,
    message: `must be a logger with debug, info, warn, error and child methods (a pino logger, or createMemoryLogger()); got ${describeGiven(logger)}${typeof logger === 'object' && !Array.isArray(logger) ? ` without ${missing.join(', ')}` : ''}. Leave it out for no logging`,
  };
}

/**
 * The problem with a call's strategy `registry` (null when it has none): an object of strategy
 * definitions by name. Absent, it is a problem too: a run config names its strategies.
 */
export function registryIssue(registry: unknown, path = 'registry'): ConfigIssue | null {
  if (registry === undefined || registry === null) {
    return { path, message: 'pass { registry } (e.g. strategyRegistry from @ensemble/strategies): the config names its strategies' };
  }
  if (typeof registry !== 'object' || Array.isArray(registry)) {
    return { path, message: `must be an object of strategy definitions by name (e.g. strategyRegistry from @ensemble/strategies); got ${describeGiven(registry)}` };
  }
  // Each definition as the run reads it: one without a schema failed as "reading 'safeParse'".
  for (const [name, definition] of Object.entries(registry)) {
    const at = `${path}.${name}`;
    if (typeof definition !== 'object' || definition === null) return { path: at, message: `must be a strategy definition (defineStrategy(…)); got ${describeGiven(definition)}` };
    const { schema, create } = definition as { schema?: unknown; create?: unknown };
    if (typeof (schema as { safeParse?: unknown } | null | undefined)?.safeParse !== 'function') {
      return { path: `${at}.schema`, message: `must be the parameters' zod schema, as defineStrategy({ params: z.strictObject({…}), … }) makes it; got ${describeGiven(schema)}` };
    }
    if (typeof create !== 'function') return { path: `${at}.create`, message: `must be a function (params, id) => strategy; got ${describeGiven(create)}` };
  }
  return null;
}

/**
 * The problem with a callback option (null when it has none): absent (undefined or null) or a
 * function. `what` says what it is called with, e.g. `(done, total) on progress`.
 */
export function callbackIssue(callback: unknown, path: string, what: string): ConfigIssue | null {
  if (callback === undefined || callback === null || typeof callback === 'function') return null;
  return { path, message: `must be a function ${what}; got ${describeGiven(callback)}. Leave it out if not needed` };
}

/**
 * The problem with a required object argument or field (null when it has one): an object, not
 * null and not an array. `what` says what it must be, e.g. `market data (what parseMarketData or
 * loadMarketData returns)`.
 */
export function objectIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return null;
  return { path, message: `must be ${what}; got ${describeGiven(value)}` };
}

/**
 * The problem with a call's options argument (null when it has none): absent (undefined or null)
 * or an object.
 */
export function optionsIssue(options: unknown, path = 'options'): ConfigIssue | null {
  if (options === undefined || options === null) return null;
  if (typeof options === 'object' && !Array.isArray(options)) return null;
  return { path, message: `must be an object of options, or left out; got ${describeGiven(options)}` };
}

/**
 * An optional argument as the entry point reads it: `absent` in place of `null`, which a caller
 * from JavaScript may pass for "none" (the types say undefined).
 */
export function nullAsAbsent<T>(value: T, absent: T): T {
  const given: T | null = value;
  return given ?? absent;
}

/** The problem with a required array argument or field (null when it has one). */
export function arrayIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  if (Array.isArray(value)) return null;
  return { path, message: `must be ${what}; got ${describeGiven(value)}` };
}

/** The problem with a required string argument or field (null when it has one). */
export function stringIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  if (typeof value === 'string') return null;
  return { path, message: `must be ${what}; got ${describeGiven(value)}` };
}

/** The kind of a field {@link shapeIssue} checks; a trailing `?` lets it be absent (undefined). */
export type FieldKind = 'object' | 'array' | 'column' | 'string' | 'number' | 'boolean' | 'function' | 'object?' | 'array?' | 'column?' | 'string?' | 'number?' | 'boolean?' | 'function?';

const KIND_WORDS: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'an array',
  column: 'a column of numbers (an array or typed array)',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  function: 'a function',
};

function isKind(value: unknown, kind: string): boolean {
  switch (kind) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'column':
      return typeof value === 'object' && value !== null && typeof (value as { length?: unknown }).length === 'number';
    default:
      return typeof value === kind;
  }
}

/**
 * The first problem with an object argument and the fields an entry point reads of it (null when
 * there is none): `value` must be an object (`what` says which, e.g. `a backtest result (what
 * runBacktest returns)`), and each field in `fields` of its kind — `path.field` names a wrong one.
 * Constant time: only the listed fields are looked at, never their elements.
 */
export function shapeIssue(value: unknown, path: string, what: string, fields: Readonly<Record<string, FieldKind>>): ConfigIssue | null {
  const issue = objectIssue(value, path, what);
  if (issue !== null) return issue;
  for (const [field, kind] of Object.entries(fields)) {
    const optional = kind.endsWith('?');
    const bare = optional ? kind.slice(0, -1) : kind;
    const got = (value as Record<string, unknown>)[field];
    if ((optional && got === undefined) || isKind(got, bare)) continue;
    return { path: path === '' ? field : `${path}.${field}`, message: `must be ${KIND_WORDS[bare] ?? bare}${optional ? ' or left out' : ''} (${what}); got ${describeGiven(got)}` };
  }
  return null;
}

/**
 * Throws one `ConfigError` headed `Invalid arguments to <name>:` listing the problems found in a
 * call's arguments, if any; returns when there are none. Entry points called from JavaScript check
 * the shape of what they read with it, so that a wrong argument names itself instead of failing
 * deep inside as a `TypeError`.
 */
export function checkArguments(name: string, issues: readonly (ConfigIssue | null)[]): void {
  const found = issues.filter((issue) => issue !== null);
  if (found.length > 0) throw new ConfigError(found, { subject: `arguments to ${name}` });
}
