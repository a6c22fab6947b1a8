import { ConfigError, checkArguments, nullAsAbsent, optionsIssue, arrayIssue, stringIssue, objectIssue } from '@ensemble/protocol';
import { addressIssue, sweepIdIssue } from './argument-checks';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RedisLink } from './connection';
import { DEFAULT_PREFIX, isSweepId, SHORT_SWEEP_ID_LENGTH, shortSweepId, sweepKeys, sweepRegistryKey, type SweepKeys } from './keys';
import { parseRedisUrl } from './redis-url';

/** One worker's share of a sweep. */
export interface WorkerThroughput {
  readonly workerId: string;
  /** Results it stored (each combination counted once, whoever stored it). */
  readonly completed: number;
  /** Results per minute between its first and last one; null before its second. */
  readonly perMinute: number | null;
  /** When it stored its last result (epoch ms, the Redis server's clock); null before its first. */
  readonly lastAt: number | null;
  /** Jobs it is running now (started on one of its threads). */
  readonly active: number;
  /** Jobs it has fetched ahead, to start when a thread is free: taken from the queue, not started. */
  readonly fetchedAhead: number;
}

/** Where a sweep stands. */
export interface SweepStatus {
  readonly sweepId: string;
  /** When its coordinator first stored it (epoch ms). */
  readonly created: number | null;
  /** Jobs in the sweep. */
  readonly total: number;
  /** Results stored (finished jobs, and failed ones once their coordinator recorded them). */
  readonly done: number;
  /** Jobs in the queue that no worker has taken yet. */
  readonly waiting: number;
  /** Jobs running on a worker's thread. */
  readonly active: number;
  /**
   * Jobs a worker has taken from the queue ahead of time, to start as soon as one of its threads is
   * free (a worker takes one more than it has threads): held by that worker, not started.
   */
  readonly fetchedAhead: number;
  /** Jobs of the sweep that failed for good. */
  readonly failed: number;
  /**
   * Jobs in the sweep's queue that are none of its own (written by hand or by another program:
   * an id that is no combination of the sweep), which the workers rejected and failed.
   */
  readonly foreign: number;
  readonly workers: readonly WorkerThroughput[];
  /**
   * Whether every job has its result: stored (`done` = `total`), or handed over by a coordinator
   * that then finished (a Redis restart without persistence can lose results it had received;
   * its outputs hold them, `done` counts only those still stored).
   */
  readonly finished: boolean;
  /**
   * A research run in phases (a walk-forward) whose last phase has not run: its coordinator stopped
   * between two phases, or is between them now. Running it again (`--resume`) queues the rest.
   */
  readonly phasesLeft: boolean;
  /** The rest at the workers' summed rate, ms; null without a rate, when finished, or with no job waiting or held by a worker. */
  readonly etaMs: number | null;
  /** What a worker must run to take its jobs (its coordinator's `compatibility` tag); null for none. */
  readonly compatibility: string | null;
}

/** Where to find the sweeps. */
export interface QueueAddress {
  /** `redis://…` or `rediss://…`; printed only redacted. */
  readonly url: string;
  /** Namespace of every key (default `ensemble`). */
  readonly prefix?: string;
  /** How long to wait for Redis (default 10 s). */
  readonly connectTimeoutMs?: number;
}

async function withLink<T>(address: QueueAddress, body: (redis: Redis, prefix: string) => Promise<T>): Promise<T> {
  const prefix = address.prefix ?? DEFAULT_PREFIX;
  const link = await RedisLink.open(parseRedisUrl(address.url), address.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: address.connectTimeoutMs });
  try {
    return await body(link.redis, prefix);
  } finally {
    await link.close();
  }
}

/** A job BullMQ holds as active: which worker took it, and whether it has started there. */
export interface ActiveJob {
  /** The worker that took it (BullMQ's `processedBy`); null when unknown. */
  readonly workerId: string | null;
  readonly started: boolean;
}

/**
 * The throughput of each worker from the sweep's `workers` hash, busiest first, with the jobs
 * each holds now (`active`: its running and fetched-ahead jobs; a worker holding jobs but with no
 * result yet is listed too, after the others).
 */
export function workerThroughput(fields: Record<string, string>, active: readonly ActiveJob[] = []): WorkerThroughput[] {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('workerThroughput', [
    objectIssue(fields, 'fields', "the workers' throughput fields (an object)"),
    arrayIssue(active, 'active', 'the active jobs (an array)'),
  ]);
  const byWorker = new Map<string, { count: number; first: number; last: number }>();
  for (const [field, value] of Object.entries(fields)) {
    const cut = field.lastIndexOf(':');
    const id = field.slice(0, cut);
    const entry = byWorker.get(id) ?? { count: 0, first: 0, last: 0 };
    const what = field.slice(cut + 1);
    if (what === 'count' || what === 'first' || what === 'last') entry[what] = Number(value);
    byWorker.set(id, entry);
  }
  const held = new Map<string, { active: number; fetchedAhead: number }>();
  for (const job of active) {
    if (job.workerId === null) continue;
    const entry = held.get(job.workerId) ?? { active: 0, fetchedAhead: 0 };
    if (job.started) entry.active++;
    else entry.fetchedAhead++;
    held.set(job.workerId, entry);
  }
  const ids = new Set([...byWorker.keys(), ...held.keys()]);
  return [...ids]
    .map((workerId) => {
      const entry = byWorker.get(workerId);
      const holds = held.get(workerId) ?? { active: 0, fetchedAhead: 0 };
      return {
        workerId,
        completed: entry?.count ?? 0,
        perMinute: entry !== undefined && entry.count >= 2 && entry.last > entry.first ? ((entry.count - 1) * 60_000) / (entry.last - entry.first) : null,
        lastAt: entry === undefined ? null : entry.last,
        ...holds,
      };
    })
    .sort((a, b) => b.completed - a.completed || a.workerId.localeCompare(b.workerId));
}

/**
 * The sweep's active jobs (BullMQ's `active` list: taken by a worker) and which of them have
 * started: those whose `started` entry is the token of the job's current lock. An entry with
 * another token is left by a worker that lost the job (killed, or cut off past its lock), which
 * another worker has taken since.
 */
async function activeJobs(redis: Redis, queue: Queue, keys: SweepKeys): Promise<ActiveJob[]> {
  // Read from the job hashes' fields (`pb`: the worker that took it, BullMQ's `processedBy`), not
  // through BullMQ's job objects: a job written by hand whose data or options are not JSON would
  // make those throw, and every status and clean with them.
  const [ids, started] = await Promise.all([redis.lrange(queue.toKey('active'), 0, -1), redis.hgetall(keys.started)]);
  if (ids.length === 0) return [];
  const [locks, workers] = await Promise.all([redis.mget(ids.map((id) => `${queue.toKey(id)}:lock`)), Promise.all(ids.map((id) => redis.hget(queue.toKey(id), 'pb')))]);
  return ids.map((id, k) => {
    const token = started[id];
    return { workerId: workers[k] ?? null, started: token !== undefined && token === locks[k] };
  });
}

async function statusOf(redis: Redis, prefix: string, sweepId: string): Promise<SweepStatus> {
  const keys = sweepKeys(prefix, sweepId);
  const queue = new Queue(keys.queueName, { connection: redis, prefix, skipWaitingForReady: true });
  try {
    const [meta, done, workerFields, counts, active, failedIds] = await Promise.all([
      redis.hgetall(keys.meta),
      redis.llen(keys.done),
      redis.hgetall(keys.workers),
      queue.getJobCounts('waiting', 'delayed', 'prioritized'),
      activeJobs(redis, queue, keys),
      redis.zrange(queue.toKey('failed'), 0, -1),
    ]);
    // A failed job is the sweep's when its id names one of its combinations (`<sweepId>-<index>`).
    const indexes = failedIds.map((id) => (id.startsWith(`${sweepId}-`) && /^\d+$/.test(id.slice(sweepId.length + 1)) ? id.slice(sweepId.length + 1) : null));
    const known = indexes.some((index) => index !== null) ? await redis.hmget(keys.fingerprints, ...indexes.map((index) => index ?? '-')) : [];
    const failed = indexes.filter((index, k) => index !== null && known[k] !== null && known[k] !== undefined).length;
    const total = Number(meta.total ?? 0);
    const workers = workerThroughput(workerFields, active);
    const running = active.filter((job) => job.started).length;
    const rate = workers.reduce((sum, worker) => sum + (worker.perMinute ?? 0), 0);
    const remaining = Math.max(total - done, 0);
    // A phased run (a walk-forward) has all of a phase's results between its phases: it is finished
    // only once its coordinator marked its last phase run.
    const phasesLeft = meta.phased === '1' && meta.complete !== '1';
    const finished = !phasesLeft && (remaining === 0 || Number(meta.delivered ?? 0) >= total);
    const waiting = (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
    return {
      sweepId,
      created: meta.created === undefined ? null : Number(meta.created),
      total,
      done,
      waiting,
      active: running,
      fetchedAhead: active.length - running,
      failed,
      foreign: failedIds.length - failed,
      workers,
      finished,
      phasesLeft,
      // Nothing waiting or held: no work the workers' rate would finish.
      etaMs: finished || rate === 0 || waiting + active.length === 0 ? null : (remaining / rate) * 60_000,
      compatibility: meta.compatibility === undefined || meta.compatibility === '' ? null : meta.compatibility,
    };
  } finally {
    await queue.close();
  }
}

/**
 * Records that the last phase of a phased sweep ran (see `SweepCoordinatorOptions.phased`): it
 * then counts as finished once its jobs have their results. Nothing when the sweep is gone.
 */
export async function markSweepComplete(address: QueueAddress, sweepId: string): Promise<void> {
  checkArguments('markSweepComplete', [addressIssue(address), sweepIdIssue(sweepId, 'sweepId', false)]);
  await withLink(address, async (redis, prefix) => {
    const keys = sweepKeys(prefix, sweepId);
    if ((await redis.exists(keys.meta)) === 1) await redis.hset(keys.meta, 'complete', '1');
  });
}

/**
 * The status of one sweep, or of every sweep under the prefix (oldest first): counts of jobs
 * waiting, active (running on a worker's thread), fetched ahead (taken by a worker, not started),
 * done and failed, each worker's throughput and an estimate of the time left.
 * `sweepId` may be a unique prefix (see {@link resolveSweepId}); an unknown or ambiguous one is a
 * `ConfigError` naming it.
 */
export async function sweepStatus(address: QueueAddress, sweepId?: string): Promise<SweepStatus[]> {
  checkArguments('sweepStatus', [addressIssue(address), sweepIdIssue(sweepId, 'sweepId', true)]);
  return withLink(address, async (redis, prefix) => {
    // Entries that name no sweep (written by hand or another program) are not listed.
    const known = (await redis.zrange(sweepRegistryKey(prefix), 0, -1)).filter(isSweepId);
    if (sweepId !== undefined) {
      sweepKeys(prefix, sweepId);
      return [await statusOf(redis, prefix, resolveSweepId(sweepId, known))];
    }
    return Promise.all(known.map((id) => statusOf(redis, prefix, id)));
  });
}

/**
 * The sweep of `known` that `given` names: itself, or the one sweep id it is a prefix of when it
 * has at least {@link SHORT_SWEEP_ID_LENGTH} characters (the short id a summary prints). None, or
 * several, is a `ConfigError` listing the known ids, or the matches.
 */
export function resolveSweepId(given: string, known: readonly string[]): string {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('resolveSweepId', [
    stringIssue(given, 'given', 'a sweep id or a unique prefix of one (a string)'),
    arrayIssue(known, 'known', 'the sweep ids known (an array)'),
  ]);
  if (known.includes(given)) return given;
  const matches = given.length >= SHORT_SWEEP_ID_LENGTH ? known.filter((id) => id.startsWith(given)) : [];
  const [only] = matches;
  if (only !== undefined && matches.length === 1) return only;
  if (matches.length > 1) {
    throw new ConfigError([{ path: 'sweepId', message: `${given} is the start of ${String(matches.length)} sweeps in Redis under this prefix (${listed(matches)}); give more of the id` }]);
  }
  throw unknownSweep(given, known);
}

function listed(ids: readonly string[]): string {
  return `${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ', …' : ''}`;
}

function unknownSweep(sweepId: string, known: readonly string[]): ConfigError {
  const list = known.length === 0 ? 'there is none' : `known: ${listed(known)}`;
  const short = sweepId.length < SHORT_SWEEP_ID_LENGTH && known.some((id) => id.startsWith(sweepId)) ? `; give at least ${String(SHORT_SWEEP_ID_LENGTH)} characters of the id` : '';
  return new ConfigError([{ path: 'sweepId', message: `no sweep ${sweepId} in Redis under this prefix (${list})${short}` }]);
}

/**
 * Removes every key of a sweep — its queue, results, datasets and counts — and its registry entry.
 * A sweep that is not finished (see {@link SweepStatus.finished}) is refused unless `force` (its
 * workers would lose its jobs).
 * `given` is its id or a unique prefix (see {@link resolveSweepId}). Returns how many keys were removed.
 */
export async function cleanSweep(address: QueueAddress, given: string, options: { readonly force?: boolean } = {}): Promise<number> {
  checkArguments('cleanSweep', [addressIssue(address), sweepIdIssue(given, 'sweepId', false), optionsIssue(options)]);
  return withLink(address, async (redis, prefix) => {
    const registered = await redis.zrange(sweepRegistryKey(prefix), 0, -1);
    // A registry entry that names no sweep has no keys of its own: only the entry goes.
    if (!isSweepId(given) && registered.includes(given)) {
      await redis.zrem(sweepRegistryKey(prefix), given);
      return 0;
    }
    sweepKeys(prefix, given);
    const sweepId = resolveSweepId(given, registered.filter(isSweepId));
    const keys = sweepKeys(prefix, sweepId);
    const status = await statusOf(redis, prefix, sweepId);
    if (nullAsAbsent(options, {}).force !== true && !status.finished) {
      const where = status.phasesLeft && status.done >= status.total ? `the ${String(status.total)} jobs queued so far have their results, but its coordinator stopped before its last phase (a walk-forward's test windows)` : `${String(status.done)} of ${String(status.total)} results`;
      throw new ConfigError([{ path: 'sweepId', message: `sweep ${sweepId} is not finished (${where}): run its coordinator again to finish it, or remove it unfinished with force (ensemble queue clean --force ${shortSweepId(sweepId)}, with the same --queue)` }], { subject: 'request to remove a sweep' });
    }
    const queue = new Queue(keys.queueName, { connection: redis, prefix, skipWaitingForReady: true });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
    let removed = 0;
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', keys.ownPattern, 'COUNT', 500);
      cursor = next;
      if (found.length > 0) removed += await redis.del(...found);
    } while (cursor !== '0');
    await redis.zrem(sweepRegistryKey(prefix), sweepId);
    return removed;
  });
}
