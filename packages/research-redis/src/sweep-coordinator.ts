import { ConfigError, arrayIssue, checkArguments, noopLogger, type Logger, stringIssue } from '@ensemble/protocol';
import { handlersIssue, queueOptionsIssues, keysIssue } from './argument-checks';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RedisLink } from './connection';
import { SweepRemovedError } from './errors';
import { copyDatasetFromSweep, storeDataset } from './dataset-store';
import { compatibilityDifference, envelopeOf, jobFingerprint, parseRefusal, REFUSAL_FRESH_MS, serverTimeMs } from './job-envelope';
import { DEFAULT_PREFIX, jobIdOf, shortSweepId, sweepChannel, sweepKeys, sweepRegistryKey, type SweepKeys } from './keys';
import { jsonResult, readDoneIndexes, readResults, storeResultOnce, type StoredResult } from './result-store';
import { parseRedisUrl } from './redis-url';
import { isConnectionError, sleep } from './timing';

/** A dataset the jobs refer to by content, stored once in Redis for the workers. */
export interface QueuedDataset {
  readonly sha256: string;
  /** Reads its bytes (called only when no sweep in Redis holds them yet: a sweep of data another holds copies it there). */
  load(): Promise<Uint8Array>;
}

/** Where a sweep stands, reported about once a second while the coordinator waits. */
export interface SweepProgress {
  readonly sweepId: string;
  readonly total: number;
  /** Results received (finished or finally failed jobs). */
  readonly done: number;
  readonly waiting: number;
  readonly active: number;
  readonly failed: number;
}

/** Options of {@link runSweepOnQueue}. */
export interface SweepCoordinatorOptions<TJob, TResult> {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`; printed only redacted. */
  readonly url: string;
  /** Namespace of every key (default `ensemble`). */
  readonly prefix?: string;
  /** The sweep's id: jobs are `<sweepId>-<index>`; running the same id again resumes it. */
  readonly sweepId: string;
  /** The combination index of a job (unique within the sweep). */
  indexOf(job: TJob): number;
  /** Checks a result read back from Redis (it was written by a worker) for `index`. */
  parseResult(stored: StoredResult, index: number): TResult;
  /** How a result is stored (default: JSON only); the workers' must match. */
  readonly encodeResult?: (result: TResult) => StoredResult;
  /** The result of a job that failed for good (its attempts spent, or stalled too often). */
  failedResult(index: number, error: { readonly code: string; readonly message: string }): TResult;
  /** Datasets to store before enqueueing. */
  readonly datasets?: readonly QueuedDataset[];
  /** Attempts per job before it fails for good (default 3). */
  readonly attempts?: number;
  /**
   * The research runs in phases under this sweep id (a walk-forward: its train jobs, then each test
   * job), so a phase whose jobs all have results is not the end of it: the sweep counts as
   * finished (`queue status`, `queue clean`) only once {@link markSweepComplete} records that its
   * last phase ran. Without it, a coordinator stopped between two phases left a sweep that read
   * "finished" and was removed by a plain `queue clean`.
   */
  readonly phased?: boolean;
  /**
   * What a worker must run to take this sweep's jobs (the research layer gives the versions of the
   * packages that compute results), stored with the sweep: a worker whose own tag differs leaves
   * the sweep to others, and a coordinator with another tag cannot resume it. None: any worker.
   */
  readonly compatibility?: string;
  /** How long to wait for Redis at start (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** How long a lost connection is tolerated before the run fails (default 30 s). */
  readonly lostTimeoutMs?: number;
  /** How often the results list is read while nothing new arrives (default 25 ms). */
  readonly pollIntervalMs?: number;
  readonly onProgress?: (progress: SweepProgress) => void;
  /**
   * Called once for each worker that leaves this sweep because it runs other code (another
   * `compatibility` tag), with its id and tag: while only such workers listen, nothing runs.
   */
  readonly onRefusal?: (refusal: WorkerRefusal) => void;
  /**
   * Called when jobs have waited `idleMs` (default 30 s) with none taken and no result arriving:
   * no worker listens on this Redis under this prefix (or every one is busy elsewhere or refused
   * the sweep). Called again after each later stretch as long, once work had moved in between.
   */
  readonly onIdle?: (idle: SweepIdle) => void;
  /** See {@link SweepCoordinatorOptions.onIdle} (default 30 s). */
  readonly idleMs?: number;
  /**
   * Called when the sweep was gone from Redis after a reconnection (a restart without
   * persistence) and is stored again: the results already received stay with this coordinator,
   * the jobs without one are queued again and run a second time.
   */
  readonly onStoredAgain?: (again: SweepStoredAgain) => void;
  readonly logger?: Logger;
}

/** What {@link SweepCoordinatorOptions.onStoredAgain} is told. */
export interface SweepStoredAgain {
  readonly sweepId: string;
  /** Results this coordinator had received. */
  readonly delivered: number;
  /** The jobs queued again. */
  readonly requeued: number;
}

/** A queue's jobs by state, as a progress report gives them. */
type QueueCounts = Pick<SweepProgress, 'waiting' | 'active' | 'failed'>;

/** What {@link SweepCoordinatorOptions.onIdle} is told: how long nothing moved, and where the jobs wait. */
export interface SweepIdle {
  readonly sweepId: string;
  /** The key prefix the jobs wait under: workers must be started with the same one. */
  readonly prefix: string;
  readonly idleMs: number;
  /** Jobs waiting for a worker. */
  readonly waiting: number;
}

/** A worker that left a sweep as running other code: its id and its own compatibility tag. */
export interface WorkerRefusal {
  readonly workerId: string;
  readonly compatibility: string;
}

/** Attempts per job when none are given. */
export const DEFAULT_ATTEMPTS = 3;
const ENQUEUE_CHUNK = 500;
const CHECK_EVERY_MS = 1_000;
/** Default {@link SweepCoordinatorOptions.idleMs}. */
export const DEFAULT_IDLE_MS = 30_000;

/**
 * Runs `jobs` through the sweep's Redis queue and hands every result to `onResult` exactly once
 * per combination index, whichever worker produced it and however often its job ran. Results
 * already stored (a resumed sweep) are handed over first; jobs without one are enqueued
 * (idempotently: a job id exists once). Several runs may share a sweep id with new combination
 * indexes (walk-forward's train jobs, then each test job); an index that would name another job
 * than the one stored is refused. A Redis restart that lost the sweep's keys re-seeds them.
 * Fails with a `QueueConnectionError` when Redis cannot be reached at start or stays away longer
 * than `lostTimeoutMs`. An aborted `signal` makes it resolve with the results so far handed over;
 * the sweep stays in Redis (its workers go on), to be resumed or cleaned.
 */
export async function runSweepOnQueue<TJob, TResult>(
  jobs: readonly TJob[],
  options: SweepCoordinatorOptions<TJob, TResult>,
  handlers: { onResult(result: TResult): void; signal?: AbortSignal },
): Promise<void> {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('runSweepOnQueue', [
    arrayIssue(jobs, 'jobs', 'an array of jobs'),
    ...queueOptionsIssues(options, 'coordinator options: url, sweepId, indexOf, parseResult and failedResult', { sweepId: 'string', indexOf: 'function', parseResult: 'function', failedResult: 'function' }),
    handlersIssue(handlers),
  ]);
  const settings = parseRedisUrl(options.url);
  const keys = sweepKeys(options.prefix ?? DEFAULT_PREFIX, options.sweepId);
  const logger = (options.logger ?? noopLogger).child({ component: 'queue-coordinator', sweepId: keys.sweepId });
  const entries = jobs.map((job) => ({ index: options.indexOf(job), job }));
  const pending = new Set(entries.map((entry) => entry.index));
  if (pending.size !== entries.length) throw new ConfigError([{ path: 'jobs', message: 'two jobs have the same combination index' }]);
  const aborted = (): boolean => handlers.signal?.aborted === true;
  if (aborted()) return;
  const link = await RedisLink.open(settings, {
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.lostTimeoutMs === undefined ? {} : { lostTimeoutMs: options.lostTimeoutMs }),
  });
  const queue = new Queue(keys.queueName, { connection: link.redis, prefix: keys.prefix, skipWaitingForReady: true });
  queue.on('error', () => undefined); // the link reports connection trouble
  const fingerprints = entries.map((entry) => jobFingerprint(entry.job));
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  let cursor = 0;
  // After a reconnect, check that the server still holds the sweep (a restart without
  // persistence loses it).
  const state = { seeded: false };
  link.redis.on('ready', () => {
    state.seeded = false;
  });
  const stillSeeded = (): boolean => state.seeded;

  const seed = async (): Promise<void> => {
    const redis = link.redis;
    const existing = (await redis.exists(keys.meta)) === 1;
    const compatibility = options.compatibility ?? '';
    const storedCompatibility = existing ? ((await redis.hget(keys.meta, 'compatibility')) ?? '') : compatibility;
    if (storedCompatibility !== compatibility) {
      const differ = compatibilityDifference(storedCompatibility, compatibility);
      throw new ConfigError([
        {
          path: 'sweepId',
          message: `sweep ${keys.sweepId} in Redis was started by a coordinator running other code (${differ.theirs}; this one runs ${differ.ours}): its stored results would be ranked with results of other code. Resume it with the same versions, or clean it first (ensemble queue clean --force ${shortSweepId(keys.sweepId)})`,
        },
      ]);
    }
    const lost = !existing && cursor > 0;
    if (!existing) {
      if (lost) logger.warn({ delivered: entries.length - pending.size }, 'the sweep is gone from Redis (restarted without persistence?): storing it again');
      cursor = 0;
    }
    const stored = await redis.hmget(keys.fingerprints, ...entries.map((entry) => String(entry.index)));
    const clash = entries.findIndex((entry, k) => stored[k] !== null && stored[k] !== fingerprints[k]);
    if (clash >= 0) {
      throw new ConfigError([{ path: 'sweepId', message: `sweep ${keys.sweepId} in Redis holds another job under combination ${entries[clash]?.index ?? clash} (another spec or data); resume it with the same spec, or choose a new sweep id, or clean it first` }]);
    }
    for (const dataset of options.datasets ?? []) {
      if ((await redis.exists(keys.dataset(dataset.sha256))) === 1 || (await copyDatasetFromSweep(redis, keys, dataset.sha256))) continue;
      await storeDataset(redis, keys, await dataset.load());
    }
    const fresh = entries.flatMap((entry, k) => (stored[k] === null ? [String(entry.index), fingerprints[k] ?? ''] : []));
    if (fresh.length > 0) await redis.hset(keys.fingerprints, ...fresh);
    await redis.hset(keys.meta, { total: await redis.hlen(keys.fingerprints), attempts, compatibility, ...(options.phased === true ? { phased: '1' } : {}) });
    await redis.hsetnx(keys.meta, 'created', Date.now());
    await redis.zadd(sweepRegistryKey(keys.prefix), 'NX', Date.now(), keys.sweepId);
    await redis.publish(sweepChannel(keys.prefix), keys.sweepId);
    await collect();
    const missing = entries.filter((entry) => pending.has(entry.index));
    for (let start = 0; start < missing.length; start += ENQUEUE_CHUNK) {
      await queue.addBulk(
        missing.slice(start, start + ENQUEUE_CHUNK).map((entry) => ({
          name: 'research-job',
          data: envelopeOf(keys.sweepId, entry.index, entry.job, options.compatibility ?? ''),
          opts: { jobId: jobIdOf(keys.sweepId, entry.index), attempts, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: true, removeOnFail: false },
        })),
      );
    }
    state.seeded = true;
    logger.info({ total: entries.length, enqueued: missing.length }, 'sweep enqueued');
    if (lost) options.onStoredAgain?.({ sweepId: keys.sweepId, delivered: entries.length - pending.size, requeued: missing.length });
  };

  /** Reads newly announced results and delivers those still pending; returns how many were new. */
  const collect = async (): Promise<number> => {
    const fresh = await readDoneIndexes(link.redis, keys, cursor);
    cursor += fresh.length;
    const wanted = fresh.filter((index) => pending.has(index));
    const stored = await readResults(link.redis, keys, wanted);
    wanted.forEach((index, k) => {
      const result = stored[k];
      if (result === null || result === undefined || !pending.delete(index)) return;
      handlers.onResult(options.parseResult(result, index));
    });
    return fresh.length;
  };

  /** Jobs that failed for good become failed results (through the same store-once path). */
  const settleFailed = async (): Promise<void> => {
    for (const job of await queue.getFailed(0, -1)) {
      const index = indexOfJobId(keys, job.id);
      if (index === null || !pending.has(index)) continue;
      const result = options.failedResult(index, { code: 'JOB_FAILED', message: failureMessage(job.failedReason, job.attemptsMade) });
      await storeResultOnce(link.redis, keys, index, (options.encodeResult ?? jsonResult)(result), 'coordinator');
    }
  };

  /**
   * The sweep is still in Redis. Gone while the connection stayed up (a Redis restart resets
   * `seeded` before any command gets through, and `seed` stores the sweep again), it was removed on
   * purpose (`queue clean --force`): nothing will deliver the rest, so waiting on would never end.
   */
  const checkStillThere = async (): Promise<void> => {
    if (!state.seeded) return;
    const there = (await link.redis.exists(keys.meta)) === 1;
    // A reconnection while the answer travelled resets `seeded`: the answer may be a restarted server's.
    if (there || !stillSeeded()) return;
    throw new SweepRemovedError({ sweepId: keys.sweepId, shortId: shortSweepId(keys.sweepId), delivered: entries.length - pending.size, total: entries.length });
  };

  /** Workers that left the sweep as running other code, each reported once. */
  const refused = new Set<string>();
  const checkRefusals = async (): Promise<void> => {
    const stored = Object.entries(await link.redis.hgetall(keys.refusals));
    if (stored.length === 0) return;
    const now = await serverTimeMs(link.redis);
    for (const [workerId, value] of stored) {
      const refusal = parseRefusal(value);
      // Only current refusals: a worker that stopped looking (closed, killed) is not in the way.
      if (refused.has(workerId) || refusal === null || now - refusal.at > REFUSAL_FRESH_MS) continue;
      refused.add(workerId);
      logger.warn({ workerId, workerRuns: refusal.compatibility }, 'a worker runs other code and leaves this sweep to workers that run the same');
      options.onRefusal?.({ workerId, compatibility: refusal.compatibility });
    }
  };

  /** When work last moved (a result arrived, or a job was active), and whether this stretch was reported. */
  const idle = { since: Date.now(), reported: false };
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const checkIdle = (counts: QueueCounts): void => {
    if (options.onIdle === undefined || !state.seeded) return;
    const { waiting } = counts;
    if (counts.active > 0 || waiting === 0) {
      idle.since = Date.now();
      idle.reported = false;
      return;
    }
    const since = Date.now() - idle.since;
    if (idle.reported || since < idleMs) return;
    idle.reported = true;
    logger.warn({ idleMs: since, waiting, prefix: keys.prefix }, 'no worker has taken a job of this sweep');
    options.onIdle({ sweepId: keys.sweepId, prefix: keys.prefix, idleMs: since, waiting });
  };

  /** The queue's jobs by state (waiting counts delayed and prioritized ones too). */
  const countJobs = async (): Promise<QueueCounts> => {
    const counts = await queue.getJobCounts('waiting', 'active', 'failed', 'delayed', 'prioritized');
    return { waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0, failed: counts.failed ?? 0 };
  };

  const report = async (known?: QueueCounts): Promise<void> => {
    if (options.onProgress === undefined) return;
    const counts = known ?? (await countJobs());
    options.onProgress({ sweepId: keys.sweepId, total: entries.length, done: entries.length - pending.size, ...counts });
  };

  try {
    let lastCheck = 0;
    while (pending.size > 0 && !aborted()) {
      link.assertAlive();
      let fresh = 0;
      try {
        if (!state.seeded) await seed();
        fresh = await collect();
        if (fresh > 0) {
          idle.since = Date.now();
          idle.reported = false;
        }
        if (Date.now() - lastCheck >= CHECK_EVERY_MS && pending.size > 0) {
          lastCheck = Date.now();
          await checkStillThere();
          await settleFailed();
          await checkRefusals();
          if (options.onIdle !== undefined || options.onProgress !== undefined) {
            const counts = await countJobs();
            checkIdle(counts);
            await report(counts);
          }
        }
      } catch (error) {
        if (!isConnectionError(error, link)) throw error;
      }
      if (fresh === 0 && pending.size > 0) await sleep(options.pollIntervalMs ?? 25, handlers.signal);
    }
    if (pending.size === 0) await markDelivered(link.redis, keys).catch(() => undefined);
    if (options.onProgress !== undefined) await report().catch(() => undefined);
    logger.info({ total: entries.length }, 'sweep finished');
  } finally {
    await queue.close().catch(() => undefined);
    await link.close();
  }
}

/**
 * Records in the sweep's meta that a coordinator handed over every result of the sweep's jobs
 * known when it finished (`delivered`: the sweep's total then; the runs sharing a walk-forward's
 * sweep id run one after the other, each finishing the jobs it added). A Redis restart without
 * persistence loses results a coordinator had already received; the sweep, stored again, would
 * count fewer results than jobs for good — `queue status` showing it unfinished and `queue clean`
 * refusing it — although its outputs hold them all. Not when the sweep is gone (removed meanwhile).
 */
async function markDelivered(redis: Redis, keys: SweepKeys): Promise<void> {
  if ((await redis.exists(keys.meta)) !== 1) return;
  const total = Number((await redis.hget(keys.meta, 'total')) ?? 0);
  const before = Number((await redis.hget(keys.meta, 'delivered')) ?? 0);
  if (total > before) await redis.hset(keys.meta, 'delivered', total);
}

/**
 * What a job that failed for good on the queue says in its result: its last error and how many
 * attempts it had; for one given up because its workers vanished while running it (BullMQ's "job
 * stalled more than allowable limit"), what that means and what to look for, without an attempt
 * count (BullMQ counts such runs as stalls, not attempts).
 */
export function failureMessage(failedReason: string, attemptsMade: number): string {
  if (/stalled more than allowable limit/i.test(failedReason)) {
    return 'given up after its worker stopped answering while running it, twice (a worker killed — out of memory, say — frozen, or cut off from Redis for longer than its lock; stopping a worker hands its jobs back and does not count): BullMQ says "job stalled more than allowable limit"';
  }
  const reason = failedReason === '' ? 'failed' : failedReason;
  return `${reason} (after ${String(attemptsMade)} attempt${attemptsMade === 1 ? '' : 's'})`;
}

/** The combination index of job id `<sweepId>-<index>` of this sweep, or null for another id. */
export function indexOfJobId(keys: SweepKeys, jobId: string | undefined): number | null {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('indexOfJobId', [
    keysIssue(keys),
    jobId === undefined ? null : stringIssue(jobId, 'jobId', 'a job id (a string), or left out'),
  ]);
  const head = `${keys.sweepId}-`;
  if (jobId?.startsWith(head) !== true) return null;
  const tail = jobId.slice(head.length);
  return /^(0|[1-9]\d{0,15})$/.test(tail) ? Number(tail) : null;
}
