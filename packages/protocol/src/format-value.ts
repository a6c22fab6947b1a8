import { quoteValue } from './echo';

const MAX_DEPTH = 3;
const MAX_ENTRIES = 12;

function formatAt(value: unknown, depth: number, seen: Set<object>): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return quoteValue(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return String(value);
    case 'function':
      return 'a function';
    case 'object':
      break;
  }
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) {
    const length = 'length' in value && typeof value.length === 'number' ? value.length : value.byteLength;
    return `${value.constructor.name}(${length})`;
  }
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[…]' : '{…}';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ENTRIES).map((item: unknown) => formatAt(item, depth + 1, seen));
      if (value.length > MAX_ENTRIES) items.push('…');
      return `[${items.join(',')}]`;
    }
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    const entries = Object.entries(value);
    const shown = entries.slice(0, MAX_ENTRIES).map(([key, item]) => `${quoteValue(key)}:${formatAt(item, depth + 1, seen)}`);
    if (entries.length > MAX_ENTRIES) shown.push('…');
    return `{${shown.join(',')}}`;
  } catch {
    return 'an unprintable value';
  } finally {
    seen.delete(value);
  }
}

/**
 * A value as error messages echo it: JSON, except that `NaN`, `Infinity`, `-Infinity`, `-0` and
 * `undefined` print as themselves (JSON would print `null` or drop them), a function as
 * `a function`, a typed array as its type and length (`Float64Array(250)`), an error as its name
 * and message; strings stay quoted (so `"0.5"` is told apart from `0.5`) and pass through
 * `quoteValue` (control characters escaped, cut at 80 characters), and nesting deeper
 * than 3 levels or lists longer than 12 entries are cut short.
 */
export function formatValue(value: unknown): string {
  return formatAt(value, 0, new Set());
}

/**
 * Whether `value` is a Promise or another thenable: what an `async` strategy method returns. Every
 * caller refuses one, so a Promise found is marked handled: its rejection would otherwise reach
 * Node as an unhandled rejection, a stack trace printed after the refusal's message.
 */
export function isThenable(value: unknown): boolean {
  const thenable = (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
  if (thenable && value instanceof Promise) {
    try {
      // Promise's own `then`, not one a subclass (the strategy's code) put in its place.
      void Promise.prototype.then.call(value, undefined, () => undefined);
    } catch {
      // A subclass whose species constructor throws: its refusal is said all the same.
    }
  }
  return thenable;
}

/** The message for a strategy method that returned a Promise (`async`): strategies run synchronously. */
export function thenableProblem(method: string): string {
  return `${method} returned a Promise: strategy methods run synchronously, so it must return its answer itself (no async, no await)`;
}
