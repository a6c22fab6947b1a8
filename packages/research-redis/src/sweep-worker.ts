import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkArguments, noopLogger, type Logger } from '@ensemble/protocol';
import { queueOptionsIssues } from './argument-checks';
import { UnrecoverableError, WaitingError, Worker, type Job, type RedisOptions as BullRedisOptions } from 'bullmq';
import { DatasetCache } from './dataset-store';
import { closeConnection, RedisLink } from './connection';
import { describeCompatibility, isNewerEnvelope, jobEnvelopeSchema, refusalValue, serverTimeMs } from './job-envelope';
import { DEFAULT_PREFIX, isSweepId, jobIdOf, sweepChannel, sweepKeys, sweepRegistryKey, type SweepKeys } from './keys';
import { jsonResult, storeResultOnce, type StoredResult } from './result-store';
import { parseRedisUrl, redactSecrets, toRedisOptions } from './redis-url';
import { Slots } from './slots';
import { settlesWithin, sleep } from './timing';

/** What a job's processing may use besides the job itself. */
export interface WorkerJobContext {
  readonly sweepId: string;
  readonly index: number;
  /** The local file of the dataset with this SHA-256 (named `name`), fetched once per worker and checked against the hash. */
  datasetFile(sha256: string, name: string): Promise<string>;
  /**
   * Aborted when the worker gives the job up while closing (its running jobs outlasted
   * `closeTimeoutMs`, or `close({ now: true })`): stop it; whatever it returns is not stored, and
   * the job goes back to the queue for another worker.
   */
  readonly signal: AbortSignal;
}

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions<TJob, TResult> {
  /** `redis://…` or `rediss://…`; printed only redacted. */
  readonly url: string;
  /** Namespace of every key (default `ensemble`); the coordinators' prefix. */
  readonly prefix?: string;
  /** Jobs run at once by this worker, over all sweeps (default 1). */
  readonly concurrency?: number;
  /** This worker's name in status reports (default `<host>:<pid>`). */
  readonly workerId?: string;
  /** Keep fetched datasets in this directory, by hash, across runs (default: a temporary directory removed at close). */
  readonly cacheDir?: string;
  /** Checks a job read from the queue; throwing fails the job for good (it is never retried). */
  parseJob(data: unknown): TJob;
  /** How a result is stored (default: JSON only); the coordinator's must match. */
  readonly encodeResult?: (result: TResult) => StoredResult;
  /** Runs a job. An {@link UnrecoverableError} fails it for good; other errors are retried. */
  process(job: TJob, context: WorkerJobContext): Promise<TResult>;
  /** How a finished job's result reads in the log's `outcome` (default `done`), e.g. a research result's status. */
  readonly outcomeOf?: (result: TResult) => string;
  /** How long a job's lock lasts without renewal: a worker silent this long lost its job (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (default 15 s). */
  readonly stalledIntervalMs?: number;
  /** Times a job may stall before it fails for good (default 1). */
  readonly maxStalledCount?: number;
  /** How often the worker looks for new or finished sweeps (default 1 s). */
  readonly discoveryIntervalMs?: number;
  /** How long {@link QueueWorker.close} waits for running jobs before it drops them (default 30 s). */
  readonly closeTimeoutMs?: number;
  /** How long to wait for Redis at start (default 10 s); later outages are waited out. */
  readonly connectTimeoutMs?: number;
  /**
   * What this worker runs (see the coordinator's `compatibility`): it takes jobs only of sweeps
   * stored with the same tag, and leaves the others alone with a warning. None: only sweeps
   * stored without one.
   */
  readonly compatibility?: string;
  readonly logger?: Logger;
}

/** A running worker. */
export interface QueueWorker {
  readonly id: string;
  /** Jobs whose result this worker stored. */
  readonly completed: number;
  /**
   * Stops taking jobs and closes the connections. A job fetched ahead that has not started goes
   * back to the queue at once; the running ones finish, for at most `closeTimeoutMs` — then (or at
   * once with `now`, also in a second call while the first waits) they are stopped and handed back
   * to the queue, so another worker takes them at once, counted neither as an attempt nor as a
   * stall. Only when Redis cannot be reached are they left to their locks' expiry.
   */
  close(options?: { readonly now?: boolean }): Promise<void>;
}

/**
 * Starts a worker: it follows the registry of sweeps under `prefix`, takes their jobs (at most
 * `concurrency` at a time over all sweeps), checks every payload (a malformed or foreign one is
 * failed for good and logged, never run), runs it with `process` and stores the result once per
 * combination index. Redis unreachable at start is a `QueueConnectionError`; a connection lost
 * later is retried with backoff until it comes back.
 */
export async function startQueueWorker<TJob, TResult>(options: QueueWorkerOptions<TJob, TResult>): Promise<QueueWorker> {
  checkArguments('startQueueWorker', queueOptionsIssues(options, 'worker options: url, parseJob and process', { parseJob: 'function', process: 'function' }));
  const settings = parseRedisUrl(options.url);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const id = options.workerId ?? `${hostname()}:${process.pid}`;
  const logger = (options.logger ?? noopLogger).child({ component: 'queue-worker', workerId: id });
  const redisOptions: BullRedisOptions = { ...toRedisOptions(settings), maxRetriesPerRequest: null };
  const link = await RedisLink.open(settings, { waitOut: true, ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }) });
  const redis = link.redis;
  const stop = new AbortController();
  const connection = { lost: false };
  redis.on('error', (error: Error) => {
    logger.debug({ reason: redactSecrets(error.message, settings) }, 'redis connection error');
  });
  redis.on('close', () => {
    if (connection.lost || stop.signal.aborted) return;
    connection.lost = true;
    logger.warn({ url: settings.redacted }, 'lost the connection to Redis; reconnecting');
  });
  redis.on('ready', () => {
    if (!connection.lost) return;
    connection.lost = false;
    logger.info({ url: settings.redacted }, 'reconnected to Redis');
  });
  const slots = new Slots(options.concurrency ?? 1);
  const temporary = options.cacheDir === undefined ? await mkdtemp(join(tmpdir(), 'ensemble-worker-')) : undefined;
  const datasets = new DatasetCache(options.cacheDir ?? temporary ?? '');
  /** The queue worker of each sweep this worker takes jobs of. */
  const workers = new Map<string, Worker>();
  /** Queue workers of sweeps left, closing in the background (their running jobs finish): close waits for them too. */
  const leaving = new Map<Worker, Promise<void>>();
  /** Aborted when close gives up on the running jobs: they are stopped and handed back. */
  const abandon = new AbortController();
  const compatibility = options.compatibility ?? '';
  let completed = 0;

  /**
   * Puts a job this worker holds back in the queue (its lock released: no attempt, no stall
   * counted), for this or another worker to take afresh. When that fails (Redis away, or the job
   * gone with its sweep), the job returns to the queue once its lock expires.
   */
  const handBack = async (job: Job, token: string | undefined, about: object, why: string): Promise<void> => {
    try {
      await job.moveToWait(token);
      logger.info({ ...about, why }, 'job handed back');
    } catch (error) {
      logger.warn({ ...about, why, reason: redactSecrets(error instanceof Error ? error.message : String(error), settings) }, 'could not hand the job back: it returns to the queue when its lock expires');
    }
  };

  const processor = async (job: Job, token: string | undefined, keys: SweepKeys): Promise<void> => {
    // Queued by a newer coordinator: not malformed, only beyond this worker; left to workers that read it.
    if (isNewerEnvelope(job.data)) {
      await setAside(keys);
      await handBack(job, token, { jobId: job.id, sweepId: keys.sweepId }, 'the job is of a newer format');
      logger.warn({ sweepId: keys.sweepId }, `sweep ${keys.sweepId} was queued by a newer @ensemble/research-redis: this worker leaves its jobs to workers that read them (upgrade it to take them)`);
      throw new WaitingError();
    }
    const envelope = jobEnvelopeSchema.safeParse(job.data);
    if (!envelope.success || envelope.data.sweepId !== keys.sweepId || job.id !== jobIdOf(keys.sweepId, envelope.data.index)) {
      logger.error({ jobId: job.id, sweepId: keys.sweepId }, 'rejected a malformed or foreign job payload');
      throw new UnrecoverableError('malformed or foreign job payload: not an Ensemble research job of this sweep');
    }
    let parsed: TJob;
    try {
      parsed = options.parseJob(envelope.data.job);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.error({ jobId: job.id, reason }, 'rejected an invalid research job');
      throw new UnrecoverableError(`invalid research job: ${reason}`);
    }
    const index = envelope.data.index;
    // What every line about this job says: the job, its sweep, its combination and which attempt.
    // A job taken back from a stalled worker counts in `stalledCounter`, not in `attemptsMade`.
    const about = { jobId: job.id, sweepId: keys.sweepId, index, attempt: job.attemptsMade + job.stalledCounter + 1 };
    // The tag each job carries (format 2) is checked per job: the sweep's, read when this worker
    // joined, may since have been cleaned and started again by a coordinator running other code.
    if (envelope.data.version >= 2 && 'compatibility' in envelope.data && envelope.data.compatibility !== compatibility) {
      await setAside(keys);
      await handBack(job, token, about, 'the job is of other code');
      await refuse(keys, envelope.data.compatibility).catch(() => undefined);
      throw new WaitingError();
    }
    const taken = performance.now();
    logger.info(about, 'job taken');
    // Nothing new starts once the worker closes: a job fetched ahead goes back to the queue.
    const release = await slots.acquire(stop.signal);
    if (release === null) {
      await handBack(job, token, about, 'the worker is stopping');
      throw new WaitingError();
    }
    const started = performance.now();
    // Running now, no longer only fetched ahead: what `queue status` counts as active. Not awaited
    // (the job does not wait a round trip for it); the entry ends with the job (see `finally`).
    const startedToken = token;
    if (startedToken !== undefined) void redis.eval(NOTE_STARTED, 2, keys.started, keys.meta, jobIdOf(keys.sweepId, index), startedToken).catch(() => undefined);
    const timing = (): { waitedMs: number; durationMs: number } => ({ waitedMs: Math.round(started - taken), durationMs: Math.round(performance.now() - started) });
    /** Given up while closing: the job goes back to the queue, whatever it returned or threw. */
    const givenUp = async (): Promise<never> => {
      release();
      await handBack(job, token, { ...about, ...timing() }, 'stopped: the worker is stopping and did not wait for it');
      throw new WaitingError();
    };
    try {
      let result: TResult;
      try {
        result = await options.process(parsed, { sweepId: keys.sweepId, index, datasetFile: (sha256, name) => datasets.file(redis, keys, sha256, name), signal: abandon.signal });
      } catch (error) {
        if (abandon.signal.aborted) return await givenUp();
        throw error;
      }
      if (abandon.signal.aborted) return await givenUp();
      // The slot is free once the job ran: the next job starts while this result travels to Redis.
      release();
      const binaryIn = envelope.data.version >= 3 ? 'own-key' : 'sweep-hash';
      const stored = await storeResultOnce(redis, keys, index, (options.encodeResult ?? jsonResult)(result), id, { binaryIn });
      if (stored === 'stored') completed++;
      const outcome = options.outcomeOf?.(result) ?? 'done';
      if (stored === 'no-sweep') {
        logger.warn({ ...about, ...timing(), outcome, counted: false }, 'job finished, but its sweep is no longer in Redis (cleaned, or lost with a restart): result dropped');
      } else {
        // `counted: false`: another worker stored this combination first (a retry after a stall).
        logger.info({ ...about, ...timing(), outcome, counted: stored === 'stored' }, 'job finished');
      }
    } catch (error) {
      if (error instanceof WaitingError) throw error;
      const reason = redactSecrets(error instanceof Error ? error.message : String(error), settings);
      logger.warn({ ...about, ...timing(), outcome: error instanceof UnrecoverableError ? 'rejected' : 'error', reason }, 'job finished');
      throw error;
    } finally {
      release();
      // Only its own entry: another worker may have taken the job since (its lock lost, or handed back).
      if (startedToken !== undefined) void redis.eval(FORGET_STARTED, 1, keys.started, jobIdOf(keys.sweepId, index), startedToken).catch(() => undefined);
    }
  };

  const attach = (sweepId: string): void => {
    const keys = sweepKeys(prefix, sweepId);
    const worker = new Worker(keys.queueName, (job: Job, token?: string) => processor(job, token, keys), {
      connection: redisOptions,
      prefix,
      // One job more than the slots: the next job is fetched while the current ones run, so a
      // thread never waits for a round trip to Redis (the extra job waits for a slot, locked).
      concurrency: (options.concurrency ?? 1) + 1,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 15_000,
      maxStalledCount: options.maxStalledCount ?? 1,
      name: id,
    });
    worker.on('error', (error) => {
      // A job whose stored data or options are not JSON (written by hand or by another program)
      // cannot even be read: said as such, not among the connection's noise. It is left unlocked,
      // so BullMQ's stalled check fails it (maxStalledCount).
      if (error instanceof SyntaxError) {
        logger.warn({ sweepId, reason: redactSecrets(error.message, settings) }, "a job in the sweep's queue could not be read (its data is not JSON: written by hand or by another program?); it is not run, and fails once its lock expires");
        return;
      }
      logger.debug({ sweepId, reason: redactSecrets(error.message, settings) }, 'queue worker error');
    });
    worker.on('failed', (job, error) => {
      logger.warn({ sweepId, jobId: job?.id, attempt: job?.attemptsMade, reason: redactSecrets(error.message, settings) }, 'job failed');
    });
    workers.set(sweepId, worker);
    logger.info({ sweepId }, 'joined sweep');
  };

  /**
   * Sweeps, by id and creation time, this worker left because their jobs are of a newer format or
   * of other code: not joined again until stored anew (else it would join, fetch and hand back once
   * a look, while their meta still names its own code).
   */
  const asideSweeps = new Set<string>();
  const asideKey = (sweepId: string, created: string | null): string => `${sweepId}@${created ?? ''}`;
  /** Sweeps being set aside (left, their creation time not read yet): not joined meanwhile. */
  const settingAside = new Set<string>();
  const setAside = async (keys: SweepKeys): Promise<void> => {
    // Left at once (its queue worker closes before the job goes back), and held aside by id while
    // its creation time is read: a look that read the sweep before must not join it again meanwhile.
    settingAside.add(keys.sweepId);
    leave(keys.sweepId);
    try {
      asideSweeps.add(asideKey(keys.sweepId, await redis.hget(keys.meta, 'created').catch(() => null)));
    } finally {
      settingAside.delete(keys.sweepId);
    }
  };

  /** Stops taking the sweep's jobs; the ones it holds finish in the background (close waits for them). */
  const leave = (sweepId: string): void => {
    const worker = workers.get(sweepId);
    if (worker === undefined) return;
    workers.delete(sweepId);
    const closed = worker.close().catch(() => undefined);
    leaving.set(worker, closed);
    void closed.finally(() => leaving.delete(worker));
    logger.info({ sweepId }, 'left sweep');
  };

  /** Registry entries that name no sweep, warned about once each. */
  const foreign = new Set<string>();
  /** Sweeps of other code whose refusal this worker wrote: warned about once each, their refusals taken back when it closes. */
  const refusedSweeps = new Set<string>();
  /**
   * Records that this worker leaves the sweep's jobs as of other code (tag `theirs`), where the
   * sweep's coordinator looks to tell its user why nobody takes them, with the Redis server's time
   * (`now`, read when not given): written at every look, so a sweep cleaned and started again (or
   * lost with a Redis restart) gets it again, and its time says it is current. Warns once a sweep.
   */
  const refuse = async (keys: SweepKeys, theirs: string, now?: number): Promise<void> => {
    const at = now ?? (await serverTimeMs(redis));
    // Not once closing: close takes the refusals back after the last look has finished.
    if (stop.signal.aborted) return;
    await redis.hset(keys.refusals, id, refusalValue(compatibility, at));
    if (refusedSweeps.has(keys.sweepId)) return;
    refusedSweeps.add(keys.sweepId);
    logger.warn(
      { sweepId: keys.sweepId, sweepRuns: describeCompatibility(theirs), workerRuns: describeCompatibility(compatibility) },
      `sweep ${keys.sweepId} was started by a coordinator running other code: this worker leaves its jobs to workers that run the same (install the same versions to take them)`,
    );
  };
  const discover = async (): Promise<void> => {
    let now: number | null = null;
    const registered = (await redis.zrange(sweepRegistryKey(prefix), 0, -1)).filter((entry) => {
      if (isSweepId(entry)) return true;
      if (!foreign.has(entry)) {
        foreign.add(entry);
        logger.warn({ entry: entry.slice(0, 100) }, 'a registry entry names no sweep (not written by ensemble); ignored — `ensemble queue clean` with it removes it');
      }
      return false;
    });
    // Finished sweeps (every result stored) stay registered for status and cleanup, but hold no
    // work: no queue worker (and no connections) for them. Nor do sweeps of other code.
    const progress = await Promise.all(registered.map(async (sweepId) => {
      const keys = sweepKeys(prefix, sweepId);
      const [[total, tag, created], done] = await Promise.all([redis.hmget(keys.meta, 'total', 'compatibility', 'created'), redis.llen(keys.done)]);
      if (total !== null && done >= Number(total)) return null;
      const aside = asideKey(sweepId, created ?? null);
      if (asideSweeps.has(aside)) return null;
      if (total !== null && (tag ?? '') !== compatibility) {
        now ??= await serverTimeMs(redis);
        await refuse(keys, tag ?? '', now);
        return null;
      }
      return { sweepId, aside };
    }));
    const joinable = progress.filter((entry) => entry !== null);
    const sweeps = new Set(joinable.map((entry) => entry.sweepId));
    for (const { sweepId, aside } of joinable) {
      if (!workers.has(sweepId) && !settingAside.has(sweepId) && !asideSweeps.has(aside) && !stop.signal.aborted) attach(sweepId);
    }
    // A sweep finished or gone from the registry (cleaned, or lost with a Redis restart until its
    // coordinator stores it again): stop taking its jobs; the running ones finish in the background.
    for (const sweepId of [...workers.keys()]) if (!sweeps.has(sweepId)) leave(sweepId);
  };

  const loop = (async () => {
    while (!stop.signal.aborted) {
      try {
        await discover();
      } catch (error) {
        logger.debug({ reason: redactSecrets(error instanceof Error ? error.message : String(error), settings) }, 'sweep discovery failed; retrying');
      }
      await sleep(options.discoveryIntervalMs ?? 1_000, stop.signal);
    }
  })();
  // Coordinators announce new sweeps: join them at once rather than at the next look.
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  /** Looks started by announcements, awaited by close before it takes the refusals back. */
  const announced = new Set<Promise<void>>();
  subscriber.on('message', () => {
    const look = discover().catch(() => undefined);
    announced.add(look);
    void look.finally(() => announced.delete(look));
  });
  await subscriber.subscribe(sweepChannel(prefix)).catch(() => undefined);
  await discover().catch(() => undefined);
  logger.info({ url: settings.redacted, concurrency: options.concurrency ?? 1 }, 'worker started');

  let closing: Promise<void> | undefined;
  return {
    id,
    get completed() {
      return completed;
    },
    close(closeOptions = {}) {
      if (closeOptions.now === true) abandon.abort();
      closing ??= shutDown();
      return closing;
    },
  };

  async function shutDown(): Promise<void> {
    stop.abort();
    const closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    const queueWorkers = (): Worker[] => [...workers.values(), ...leaving.keys()];
    const graceful = Promise.all([...[...workers.values()].map((worker) => worker.close()), ...leaving.values()]);
    if (!(await settlesWithin(graceful, closeTimeoutMs, abandon.signal))) {
      // The running jobs go back to the queue, at once, for another worker.
      if (abandon.signal.aborted) logger.info('not waiting for the running jobs: stopping them and handing them back');
      else logger.warn({ closeTimeoutMs }, 'running jobs did not finish in time: stopping them and handing them back');
      abandon.abort();
      if (!(await settlesWithin(graceful, HAND_BACK_TIMEOUT_MS))) {
        // Redis is away: cut the connections so the pending commands fail.
        logger.warn('could not hand the running jobs back (Redis away?): dropped; they return to the queue when their locks expire');
        await settlesWithin(Promise.all(queueWorkers().map((worker) => worker.disconnect())), 2_000);
        await settlesWithin(graceful, 2_000);
      }
    }
    // Closed while the rest goes on; awaited at the end, so that no timer of its socket outlives close.
    const subscriberClosed = closeConnection(subscriber);
    // This worker no longer refuses anything: a coordinator must not name it after it left.
    // The looks still running finish first (none writes a refusal once closing).
    await settlesWithin(Promise.all([loop, ...announced]), 2_000);
    await settlesWithin(Promise.all([...refusedSweeps].map((sweepId) => redis.hdel(sweepKeys(prefix, sweepId).refusals, id))), 2_000);
    await Promise.all([link.close(), subscriberClosed]);
    if (temporary !== undefined) await rm(temporary, { recursive: true, force: true });
  }
}

/**
 * Records that a job (field ARGV[1]) runs under this worker's lock token (ARGV[2]) in the sweep's
 * `started` hash (KEYS[1]), only while the sweep's meta (KEYS[2]) exists: a sweep removed meanwhile
 * gets no key back that no cleanup could find.
 */
const NOTE_STARTED = "if redis.call('EXISTS', KEYS[2]) == 1 then return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 0";

/** Removes a job's `started` entry (KEYS[1], field ARGV[1]) only while it holds this worker's token (ARGV[2]). */
const FORGET_STARTED = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0";

/** How long a closing worker waits for the jobs it gave up to be handed back before it drops them. */
const HAND_BACK_TIMEOUT_MS = 5_000;
