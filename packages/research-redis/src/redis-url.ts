import { ConfigError, checkArguments, quoteValue, stringIssue, objectIssue } from '@ensemble/protocol';
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { numberIssue, settingsIssue } from './argument-checks';

/** What a `redis://` or `rediss://` URL says, the password kept out of every printable form. */
export interface RedisUrlSettings {
  readonly host: string;
  readonly port: number;
  /** ACL user name (Redis 6+), when the URL names one. */
  readonly username: string | undefined;
  /** The password; never printed — use {@link RedisUrlSettings.redacted}. */
  readonly password: string | undefined;
  /** Database number (`/db` in the URL), 0 by default. */
  readonly db: number;
  /** True for `rediss://`: TLS, the server's certificate checked against `host`. */
  readonly tls: boolean;
  /** The URL with its password replaced by `***`: the only form to print or log. */
  readonly redacted: string;
}

const MASK = '***';
const DEFAULT_PORT = 6379;
/** The highest database number accepted (Redis's `databases` setting is a 32-bit int). */
const MAX_DB = 2 ** 31 - 1;

/**
 * The URL with its credentials masked, safe to print: `redis://user:pw@host:6379/0` becomes
 * `redis://user:***@host:6379/0`, and a lone user-info part (`redis://pw@host`, which some
 * clients read as a password) becomes `redis://***@host`. Works on any string, including one that
 * is no valid URL (everything between `://` and the last `@` before the path is user info).
 */
export function redactRedisUrl(url: string): string {
  checkArguments('redactRedisUrl', [stringIssue(url, 'url', 'a Redis URL (a string)')]);
  const schemeEnd = url.indexOf('://');
  if (schemeEnd < 0) return url.includes('@') ? `${MASK}@${url.slice(url.lastIndexOf('@') + 1)}` : url;
  const start = schemeEnd + 3;
  const at = url.lastIndexOf('@');
  if (at < start) return url;
  const userInfo = url.slice(start, at);
  const colon = userInfo.indexOf(':');
  const masked = colon < 0 ? MASK : `${userInfo.slice(0, colon)}:${MASK}`;
  return `${url.slice(0, start)}${masked}${url.slice(at)}`;
}

/**
 * Replaces every occurrence of the password (as given, and URL-encoded) in `text` with `***`: a
 * net under every message that might repeat a server's or a library's words.
 */
export function redactSecrets(text: string, settings: Pick<RedisUrlSettings, 'password'>): string {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('redactSecrets', [
    stringIssue(text, 'text', 'the text to redact (a string)'),
    objectIssue(settings, 'settings', 'Redis URL settings (what parseRedisUrl returns)'),
  ]);
  const password = settings.password;
  if (password === undefined || password === '') return text;
  let out = text;
  for (const form of new Set([password, encodeURIComponent(password)])) out = out.split(form).join(MASK);
  return out;
}

function fail(url: string, source: string, message: string): never {
  throw new ConfigError([{ path: source, message: `${message} (got ${quoteValue(redactRedisUrl(url))})` }], { source });
}

function decode(part: string, url: string, source: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail(url, source, `the ${what} is not valid percent-encoding`);
  }
}

/**
 * Parses `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS). Anything else — another
 * scheme, a query string, a bad port or database number — is a `ConfigError` naming `source` (the
 * flag or option the URL came from), with the URL repeated only in its redacted form.
 */
export function parseRedisUrl(url: string, source = 'url'): RedisUrlSettings {
  checkArguments('parseRedisUrl', [stringIssue(url, typeof source === 'string' ? source : 'url', 'a Redis URL (a string: redis://[user:password@]host:port[/db] or rediss://… for TLS)')]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(url, source, 'not a URL; expected redis://[user:password@]host:port[/db] or rediss://… for TLS');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return fail(url, source, `unsupported scheme ${quoteValue(parsed.protocol)}; use redis:// or rediss:// (TLS)`);
  }
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (host === '') fail(url, source, 'the URL names no host');
  if (parsed.search !== '' || parsed.hash !== '') fail(url, source, 'query strings and fragments are not supported; put the database number in the path (/0)');
  const port = parsed.port === '' ? DEFAULT_PORT : Number(parsed.port);
  const path = parsed.pathname === '/' ? '' : parsed.pathname.slice(1);
  if (path !== '' && !/^\d{1,10}$/.test(path)) fail(url, source, 'the path must be a database number, e.g. /0');
  const db = path === '' ? 0 : Number(path);
  if (db > MAX_DB) fail(url, source, `the database number is above ${MAX_DB}`);
  const username = parsed.username === '' ? undefined : decode(parsed.username, url, source, 'user name');
  const password = parsed.password === '' ? undefined : decode(parsed.password, url, source, 'password');
  return { host, port, username, password, db, tls: parsed.protocol === 'rediss:', redacted: redactRedisUrl(url) };
}

/**
 * ioredis options for the settings: reconnection with a capped exponential backoff (100 ms,
 * doubling, at most 2 s between attempts, forever — callers that must give up keep their own
 * deadline), a 5 s connect timeout, and TLS with the host as server name for `rediss://`.
 */
export function toRedisOptions(settings: RedisUrlSettings): RedisOptions & BullRedisOptions {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('toRedisOptions', [
    settingsIssue(settings),
  ]);
  return {
    host: settings.host,
    port: settings.port,
    db: settings.db,
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...(settings.tls ? { tls: { servername: settings.host } } : {}),
    connectTimeout: 5_000,
    retryStrategy: reconnectDelay,
  };
}

/** Milliseconds before reconnection attempt `attempt` (1-based): 100, 200, 400, … capped at 2,000. */
export function reconnectDelay(attempt: number): number {
  // From JavaScript the arguments can be anything: a wrong kind gave a delay of NaN.
  checkArguments('reconnectDelay', [Number.isNaN(attempt) ? { path: 'attempt', message: 'must be the reconnection attempt (a number from 1); got NaN' } : numberIssue(attempt, 'attempt', 'the reconnection attempt, from 1')]);
  return Math.min(100 * 2 ** Math.min(Math.max(attempt - 1, 0), 5), 2_000);
}
