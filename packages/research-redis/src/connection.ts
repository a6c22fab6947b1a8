import { Redis } from 'ioredis';
import { ConfigError, quoteValue, checkArguments, optionsIssue, nullAsAbsent } from '@ensemble/protocol';
import { CREDENTIALS_REFUSED, NOT_REDIS, QueueConnectionError } from './errors';
import { redactSecrets, toRedisOptions, type RedisUrlSettings } from './redis-url';
import { settlesWithin } from './timing';
import { settingsIssue } from './argument-checks';

/** How long a start waits for Redis before it fails, by default. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** How long a coordinator tolerates a lost connection before it fails, by default. */
export const DEFAULT_LOST_TIMEOUT_MS = 30_000;

/**
 * A Redis connection and how long it has been down. ioredis reconnects on its own (capped
 * exponential backoff); {@link RedisLink.assertAlive} turns an outage longer than `lostTimeoutMs`
 * into a {@link QueueConnectionError}. Every error message it keeps is redacted.
 */
export class RedisLink {
  readonly redis: Redis;
  readonly settings: RedisUrlSettings;
  private readonly lostTimeoutMs: number;
  private downSince: number | null = null;
  private lastError = 'no answer';

  private constructor(redis: Redis, settings: RedisUrlSettings, lostTimeoutMs: number) {
    this.redis = redis;
    this.settings = settings;
    this.lostTimeoutMs = lostTimeoutMs;
    // A listener must exist, or ioredis prints every error to the console itself.
    redis.on('error', (error: Error) => {
      this.lastError = redactSecrets(error.message, settings);
    });
    redis.on('close', () => {
      this.downSince ??= Date.now();
    });
    redis.on('ready', () => {
      this.downSince = null;
    });
  }

  /**
   * Connects and waits until Redis is ready, at most `connectTimeoutMs`; then a
   * {@link QueueConnectionError} (`connect`) naming the redacted URL and the last error. Commands
   * fail at once while the connection is down (no offline queue), so callers retry them within
   * their own deadline instead of hanging — unless `waitOut` (a worker): then commands wait for
   * the reconnection, however long it takes.
   */
  static async open(settings: RedisUrlSettings, given: { connectTimeoutMs?: number; lostTimeoutMs?: number; waitOut?: boolean } = {}): Promise<RedisLink> {
    // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
    checkArguments('RedisLink.open', [settingsIssue(settings), optionsIssue(given)]);
    const options = nullAsAbsent(given, {});
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const redis = new Redis({
      ...toRedisOptions(settings),
      connectTimeout: Math.min(5_000, connectTimeoutMs),
      lazyConnect: true,
      ...(options.waitOut === true ? { maxRetriesPerRequest: null } : { enableOfflineQueue: false, maxRetriesPerRequest: 0 }),
    });
    const link = new RedisLink(redis, settings, options.lostTimeoutMs ?? DEFAULT_LOST_TIMEOUT_MS);
    await link.waitReady(connectTimeoutMs, 'connect');
    await link.checkDatabase();
    return link;
  }

  /**
   * ioredis reports a failed `SELECT` (a database number above the server's `databases`) as an
   * error event and goes on in database 0, where the sweep would mix with others: selected again
   * here, a refusal is a `ConfigError` naming the database.
   */
  private async checkDatabase(): Promise<void> {
    const { db } = this.settings;
    if (db === 0) return;
    try {
      await this.redis.select(db);
    } catch (error) {
      this.redis.disconnect();
      const reason = redactSecrets(error instanceof Error ? error.message : String(error), this.settings);
      throw new ConfigError(
        [{ path: 'db', message: `database ${String(db)} does not exist on this Redis (${reason}); use a number below its "databases" setting (16 by default) (got ${quoteValue(this.settings.redacted)})` }],
        { source: this.settings.redacted },
      );
    }
  }

  /** True while the connection is up. */
  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  /** Throws a {@link QueueConnectionError} (`lost`) once the connection has been down too long. */
  assertAlive(): void {
    if (this.downSince === null || this.ready) return;
    const down = Date.now() - this.downSince;
    if (down > this.lostTimeoutMs) throw this.error('lost', down);
  }

  /** The error for an outage of `waitedMs`, with the last (redacted) reason. */
  error(phase: 'connect' | 'lost', waitedMs: number): QueueConnectionError {
    return new QueueConnectionError({ url: this.settings.redacted, phase, waitedMs, reason: this.lastError });
  }

  private async waitReady(timeoutMs: number, phase: 'connect' | 'lost'): Promise<void> {
    if (this.ready) return;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    let onReady: (() => void) | undefined;
    let onError: ((error: Error) => void) | undefined;
    /** An answer that waiting cannot change: a refused password, or a server that is no Redis. */
    let decisive: string | undefined;
    const ready = new Promise<boolean>((resolve) => {
      onReady = () => {
        resolve(true);
      };
      // A refused password or user does not change by waiting, nor does another service on the
      // port: fail at once, not after the timeout, with that reason (later errors of the same
      // attempt, such as a command refused on the closed stream, would hide it).
      onError = (error: Error) => {
        if (decisive !== undefined || !(CREDENTIALS_REFUSED.test(error.message) || NOT_REDIS.test(error.message))) return;
        decisive = redactSecrets(error.message, this.settings);
        resolve(false);
      };
      this.redis.once('ready', onReady);
      this.redis.on('error', onError);
      timer = setTimeout(() => {
        resolve(false);
      }, timeoutMs);
    });
    if (this.redis.status === 'wait') this.redis.connect().catch(() => undefined);
    const ok = await ready;
    clearTimeout(timer);
    if (onReady !== undefined) this.redis.off('ready', onReady);
    if (onError !== undefined) this.redis.off('error', onError);
    if (!ok) {
      this.redis.disconnect();
      if (decisive !== undefined) this.lastError = decisive;
      throw this.error(phase, Date.now() - started);
    }
  }

  /** Closes the connection (QUIT when up, else a plain disconnect) and waits until its socket has closed (see {@link closeConnection}). */
  async close(): Promise<void> {
    if (this.ready) await this.redis.quit().catch(() => undefined);
    await closeConnection(this.redis);
  }
}

/** How long {@link closeConnection} waits for a socket to close: past ioredis's own 2 s, after which it destroys the socket. */
const SOCKET_CLOSE_TIMEOUT_MS = 3_000;

/**
 * Disconnects `redis` and waits until it has ended: its socket closed, which takes a round trip to
 * the server, or ioredis's `disconnectTimeout` (2 s) when the server does not answer. Until then
 * ioredis keeps a timer for that timeout alive; resolving before would leave it to hold the
 * process up to 2 s after its work is done. Bounded: a client that never ends (a connection still
 * being retried) is waited for {@link SOCKET_CLOSE_TIMEOUT_MS} at most.
 */
export async function closeConnection(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  const ended = new Promise<void>((resolve) => {
    redis.once('end', () => {
      resolve();
    });
  });
  redis.disconnect();
  await settlesWithin(ended, SOCKET_CLOSE_TIMEOUT_MS);
}
