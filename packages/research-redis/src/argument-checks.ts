import { callbackIssue, describeGiven, loggerIssue, shapeIssue, stringIssue } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';

/*
 * Shape checks of the queue entry points' arguments, for callers from JavaScript: each looks at
 * the fields an entry point reads first, in constant time, so that a wrong argument is a
 * ConfigError naming it instead of a TypeError from inside (or a connection attempt to nowhere).
 */

/** The problems with the hooks beside a queue call's options (null ones when there are none). */
function hookIssues(options: object, path: string): (ConfigIssue | null)[] {
  const { logger, onProgress, onRefusal } = options as { logger?: unknown; onProgress?: unknown; onRefusal?: unknown };
  return [
    loggerIssue(logger, `${path}.logger`),
    callbackIssue(onProgress, `${path}.onProgress`, 'called with the sweep\'s progress'),
    callbackIssue(onRefusal, `${path}.onRefusal`, 'called with each worker refusal'),
  ];
}

/**
 * The problems with options that name a queue and more (null ones when there are none): an object
 * with `url` (a string) and the fields of `fields`, and its hooks of the right kind.
 */
export function queueOptionsIssues(options: unknown, what: string, fields: Parameters<typeof shapeIssue>[3], path = 'options'): (ConfigIssue | null)[] {
  const issue = shapeIssue(options, path, what, { url: 'string', ...fields });
  if (issue !== null || typeof options !== 'object' || options === null) return [issue];
  return hookIssues(options, path);
}

/** The problem with a queue address (null when there is none): an object with `url`. */
export function addressIssue(address: unknown): ConfigIssue | null {
  return shapeIssue(address, 'address', 'a queue address: an object with url (redis://…) and optionally prefix and connectTimeoutMs', { url: 'string', prefix: 'string?' });
}

/** The problem with a sweep id argument (null when there is none): a string, or absent when `optional`. */
export function sweepIdIssue(sweepId: unknown, path: string, optional: boolean): ConfigIssue | null {
  if (optional && sweepId === undefined) return null;
  return stringIssue(sweepId, path, `a sweep id or a unique prefix of one (a string)${optional ? ', or left out' : ''}`);
}

/** The problem with a coordinator's handlers (null when there is none): an object with `onResult` and an optional AbortSignal. */
export function handlersIssue(handlers: unknown): ConfigIssue | null {
  const issue = shapeIssue(handlers, 'handlers', 'an object with onResult(result) and optionally signal', { onResult: 'function' });
  if (issue !== null) return issue;
  const { signal } = handlers as { signal?: unknown };
  if (signal === undefined || (typeof signal === 'object' && signal !== null && typeof (signal as { aborted?: unknown }).aborted === 'boolean')) return null;
  return { path: 'handlers.signal', message: `must be an AbortSignal, or left out; got ${describeGiven(signal)}` };
}


const REDIS = "an ioredis client (new Redis(…), or a RedisLink's redis)";
const KEYS = 'the keys of a sweep (what sweepKeys(prefix, sweepId) returns)';

/** The problem with a Redis client argument (null when there is none): an object. */
export function redisIssue(redis: unknown): ConfigIssue | null {
  return shapeIssue(redis, 'redis', REDIS, {});
}

/** The problem with a sweep's keys argument (null when there is none). */
export function keysIssue(keys: unknown): ConfigIssue | null {
  return shapeIssue(keys, 'keys', KEYS, { sweepId: 'string' });
}

/** The problem with a combination index argument (null when there is none): a whole number from 0 to 2^53 − 1. */
export function indexIssue(value: unknown, path = 'index'): ConfigIssue | null {
  if (Number.isSafeInteger(value) && (value as number) >= 0) return null;
  return { path, message: `must be a combination index (a whole number from 0); got ${describeGiven(value)}` };
}

/** The problem with a value stored as JSON (null when there is none): one `JSON.stringify` writes as text (not undefined, a function, a symbol or a bigint). */
export function jsonValueIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  if (value !== undefined && typeof value !== 'function' && typeof value !== 'symbol' && typeof value !== 'bigint') return null;
  return { path, message: `must be ${what} JSON can write (an object, an array, a string, a number, …); got ${describeGiven(value)}` };
}

/** The problem with a number argument (null when there is none). */
export function numberIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  if (typeof value === 'number') return null;
  return { path, message: `must be ${what} (a number); got ${describeGiven(value)}` };
}

/** The problem with a Redis URL's settings argument (null when there is none): what parseRedisUrl returns. */
export function settingsIssue(settings: unknown, path = 'settings'): ConfigIssue | null {
  return shapeIssue(settings, path, 'Redis URL settings (what parseRedisUrl returns)', { host: 'string', port: 'number' });
}

/** The problem with a bytes argument (null when there is none): a `Uint8Array` (a `Buffer` is one). */
export function bytesIssue(value: unknown, path: string): ConfigIssue | null {
  if (value instanceof Uint8Array || Object.prototype.toString.call(value) === '[object Uint8Array]') return null;
  return { path, message: `must be bytes (a Uint8Array or Buffer); got ${describeGiven(value)}` };
}
