import { ConfigError, createMemoryLogger } from '@ensemble/protocol';
import { sha256Hex } from '@ensemble/research';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processToyJob, toyCoordinator, toyJobSchema, toyJobs, type ToyJob, type ToyResult } from '../test/toy-jobs';
import { QueueConnectionError, SweepRemovedError } from './errors';
import { envelopeOf } from './job-envelope';
import { storeResultOnce } from './result-store';
import { failureMessage, runSweepOnQueue, type SweepIdle, type WorkerRefusal } from './sweep-coordinator';
import { cleanSweep, sweepStatus } from './sweep-status';
import { sweepKeys } from './keys';
import { startQueueWorker, type QueueWorker } from './sweep-worker';
import { freePort, startRedisServer, type TestRedisServer } from './testing/redis-server';

let server: TestRedisServer;
beforeAll(async () => {
  server = await startRedisServer({ password: 'queue-pw' });
});
afterAll(async () => {
  await server.close();
});

const fast = { lockDurationMs: 2_000, stalledIntervalMs: 1_000, discoveryIntervalMs: 100, closeTimeoutMs: 3_000 };

async function withWorkers<T>(count: number, calls: Map<number, number>, body: (workers: QueueWorker[]) => Promise<T>, prefix = 'q'): Promise<T> {
  const workers = await Promise.all(
    Array.from({ length: count }, (_, k) =>
      startQueueWorker({ url: server.url, prefix, workerId: `w${k}`, concurrency: 2, parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context, calls), ...fast }),
    ),
  );
  try {
    return await body(workers);
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
  }
}

async function collect(jobs: readonly ToyJob[], sweepId: string, extra: Partial<Parameters<typeof runSweepOnQueue<ToyJob, ToyResult>>[1]> = {}, prefix = 'q'): Promise<ToyResult[]> {
  const results: ToyResult[] = [];
  await runSweepOnQueue(jobs, { url: server.url, prefix, sweepId, ...toyCoordinator, ...extra }, { onResult: (result) => results.push(result) });
  return results;
}

function byIndex(results: readonly ToyResult[]): ToyResult[] {
  return [...results].sort((a, b) => a.index - b.index);
}

describe('runSweepOnQueue with queue workers', () => {
  it('two workers share a sweep: every index once, the squares computed by hand', async () => {
    const calls = new Map<number, number>();
    const results = await withWorkers(2, calls, () => collect(toyJobs(40), 'share'));
    expect(results).toHaveLength(40);
    expect(byIndex(results).map((r) => r.square)).toEqual(Array.from({ length: 40 }, (_, i) => (i + 0.5) ** 2));
    expect(new Set(results.map((r) => r.index)).size).toBe(40);
  });

  it('a finished sweep resumed hands over the stored results without running anything', async () => {
    const calls = new Map<number, number>();
    await withWorkers(1, calls, () => collect(toyJobs(5), 'again'));
    const resumed = await collect(toyJobs(5), 'again');
    expect(byIndex(resumed).map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect([...calls.values()].reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('refuses to resume a sweep id whose combination would name another job, and grows by new indexes', async () => {
    await withWorkers(1, new Map(), () => collect(toyJobs(2), 'mixed'));
    const error = await collect(toyJobs(3).map((job) => ({ ...job, n: job.n + 1 })), 'mixed').catch((error: unknown) => error);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('holds another job under combination 0');
    const grown = await withWorkers(1, new Map(), () => collect([{ index: 2, n: 4 }], 'mixed'));
    expect(grown.map((r) => r.square)).toEqual([16]);
    const [status] = await sweepStatus({ url: server.url, prefix: 'q' }, 'mixed');
    expect(status).toMatchObject({ total: 3, done: 3 });
  });

  it('a job that fails every time is tried `attempts` times, then delivered as failed with its error', async () => {
    const calls = new Map<number, number>();
    const jobs = [...toyJobs(2), { index: 2, n: 1, fail: 'always' as const }, { index: 3, n: 1, fail: 'unrecoverable' as const }];
    const results = byIndex(await withWorkers(1, calls, () => collect(jobs, 'failing', { attempts: 2 })));
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'failed', 'failed']);
    expect(results[2]?.error?.message).toBe('toy job 2 fails every time (after 2 attempts)');
    expect(results[3]?.error?.message).toBe('toy job 3 cannot run here (after 1 attempt)');
    expect(calls.get(2)).toBe(2);
    expect(calls.get(3)).toBe(1);
  });

  it('a job given up as stalled twice says what that means, without an attempt count (BullMQ counts stalls apart)', () => {
    expect(failureMessage('job stalled more than allowable limit', 1)).toBe(
      'given up after its worker stopped answering while running it, twice (a worker killed — out of memory, say — frozen, or cut off from Redis for longer than its lock; stopping a worker hands its jobs back and does not count): BullMQ says "job stalled more than allowable limit"',
    );
    expect(failureMessage('toy job 2 fails every time', 2)).toBe('toy job 2 fails every time (after 2 attempts)');
    expect(failureMessage('', 1)).toBe('failed (after 1 attempt)');
  });

  it('a malformed payload in the sweep queue is rejected, logged and failed, never run', async () => {
    const queue = new Queue('sweep-forged', { connection: { host: '127.0.0.1', port: server.port, password: 'queue-pw' }, prefix: 'q' });
    await queue.add('research-job', { format: 'ensemble-research-job', version: 1, sweepId: 'forged', index: 0, job: { code: 'process.exit(1)' } }, { jobId: 'forged-0' });
    await queue.close();
    const calls = new Map<number, number>();
    const logger = createMemoryLogger();
    const workers = [await startQueueWorker({ url: server.url, prefix: 'q', logger, parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context, calls), ...fast })];
    try {
      const results = byIndex(await collect(toyJobs(2), 'forged'));
      expect(results[0]?.status).toBe('failed');
      expect(results[0]?.error?.message).toMatch(/^invalid research job: /);
      expect(results[1]?.square).toBe(2.25);
      expect(calls.has(0)).toBe(false);
      expect(logger.records.some((record) => record.message === 'rejected an invalid research job')).toBe(true);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
  });

  it('a worker running other code (another compatibility tag) leaves the sweep alone, with one warning; a coordinator of other code cannot resume it', async () => {
    const otherCalls = new Map<number, number>();
    const logger = createMemoryLogger();
    const warned = (): number => logger.records.filter((record) => record.fields.sweepId === 'tagged' && String(record.message).includes('running other code')).length;
    const other = await startQueueWorker({ url: server.url, prefix: 'q', workerId: 'other', compatibility: 'engine 2', logger, parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context, otherCalls), ...fast });
    try {
      const stop = new AbortController();
      const delivered: ToyResult[] = [];
      const refusals: WorkerRefusal[] = [];
      const running = runSweepOnQueue(
        toyJobs(4),
        { url: server.url, prefix: 'q', sweepId: 'tagged', compatibility: 'engine 1', onRefusal: (refusal) => refusals.push(refusal), ...toyCoordinator },
        { onResult: (result) => delivered.push(result), signal: stop.signal },
      );
      // Bounded: the worker looks every 100 ms and at each announcement, the coordinator about once a second.
      for (let waited = 0; (warned() === 0 || refusals.length === 0) && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      // A few more looks: it still takes nothing, and says so once; the coordinator was told once.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      stop.abort();
      await running;
      expect(warned()).toBe(1);
      expect(refusals).toEqual([{ workerId: 'other', compatibility: 'engine 2' }]);
      expect(delivered).toEqual([]);
      expect(otherCalls.size).toBe(0);
      const refused = await collect(toyJobs(4), 'tagged', { compatibility: 'engine 2' }).catch((error: unknown) => error);
      expect(ConfigError.isInstance(refused)).toBe(true);
      expect((refused as Error).message).toContain('started by a coordinator running other code (engine 1; this one runs engine 2)');
      // A worker running the same code takes every job.
      const calls = new Map<number, number>();
      const same = await startQueueWorker({ url: server.url, prefix: 'q', workerId: 'same', compatibility: 'engine 1', parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context, calls), ...fast });
      try {
        const results = byIndex(await collect(toyJobs(4), 'tagged', { compatibility: 'engine 1' }));
        expect(results.map((r) => r.square)).toEqual([0.25, 2.25, 6.25, 12.25]);
      } finally {
        await same.close();
      }
      expect(otherCalls.size).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('reports a refusal again for a sweep cleaned and started anew, and none of a worker that closed or stopped looking', async () => {
    /** Runs the coordinator of `sweepId` (tag "engine 1") until it has heard of a refusal, or 5 s; the refusals it heard. */
    const refusalsOf = async (sweepId: string): Promise<WorkerRefusal[]> => {
      const refusals: WorkerRefusal[] = [];
      const stop = new AbortController();
      const running = runSweepOnQueue(toyJobs(2), { url: server.url, prefix: 'r', sweepId, compatibility: 'engine 1', onRefusal: (refusal) => refusals.push(refusal), ...toyCoordinator }, { onResult: () => undefined, signal: stop.signal });
      for (let waited = 0; refusals.length === 0 && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      stop.abort();
      await running;
      return refusals;
    };
    const old = await startQueueWorker({ url: server.url, prefix: 'r', workerId: 'old', compatibility: 'engine 0', parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context), ...fast });
    try {
      expect(await refusalsOf('renewed')).toEqual([{ workerId: 'old', compatibility: 'engine 0' }]);
      // Cleaned and started again, as the coordinator's own advice says: the worker refuses it again, and says so.
      await cleanSweep({ url: server.url, prefix: 'r' }, 'renewed', { force: true });
      expect(await refusalsOf('renewed')).toEqual([{ workerId: 'old', compatibility: 'engine 0' }]);
    } finally {
      await old.close();
    }
    const redis = new Redis(server.url);
    try {
      // The worker that closed took its refusal back.
      expect(await redis.hgetall(sweepKeys('r', 'renewed').refusals)).toEqual({});
      // One written two minutes ago by the server's clock (a worker killed then) is not current.
      const [seconds] = await redis.time();
      await redis.hset(sweepKeys('r', 'renewed').refusals, 'killed', JSON.stringify({ compatibility: 'engine 0', at: (Number(seconds) - 120) * 1000 }));
    } finally {
      redis.disconnect();
    }
    const same = await startQueueWorker({ url: server.url, prefix: 'r', workerId: 'same', compatibility: 'engine 1', parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context), ...fast });
    try {
      const refusals: WorkerRefusal[] = [];
      const results: ToyResult[] = [];
      await runSweepOnQueue(toyJobs(2), { url: server.url, prefix: 'r', sweepId: 'renewed', compatibility: 'engine 1', onRefusal: (refusal) => refusals.push(refusal), ...toyCoordinator }, { onResult: (result) => results.push(result) });
      expect(results).toHaveLength(2);
      expect(refusals).toEqual([]);
    } finally {
      await same.close();
    }
  });

  it('stores each dataset once; workers fetch it by hash', async () => {
    const bytes = new TextEncoder().encode('time,open,high,low,close,volume\n');
    const sha256 = sha256Hex(bytes);
    let loads = 0;
    const datasets = [{ sha256, load: () => { loads++; return Promise.resolve(bytes); } }];
    const results = await withWorkers(1, new Map(), () => collect(toyJobs(3, { dataset: sha256 }), 'data', { datasets }));
    expect(results.map((r) => r.datasetLength)).toEqual([bytes.length, bytes.length, bytes.length]);
    expect(loads).toBe(1);
  });

  it('a sweep of data another sweep holds copies it inside Redis, without reading it; cleaning removes each copy with its sweep', async () => {
    const bytes = new TextEncoder().encode('time,open,high,low,close,volume\n1,2,3,1,2,100\n');
    const sha256 = sha256Hex(bytes);
    let loads = 0;
    const datasets = [{ sha256, load: () => { loads++; return Promise.resolve(bytes); } }];
    const prefix = 'copies';
    const address = { url: server.url, prefix };
    // Each sweep has workers of its own, whose caches start empty: they fetch the data from that sweep's keys.
    const run = (sweepId: string): Promise<ToyResult[]> => withWorkers(1, new Map(), () => collect(toyJobs(2, { dataset: sha256 }), sweepId, { datasets }, prefix), prefix);
    const redis = new Redis(server.url);
    try {
      const lengths = [...(await run('copy-a')), ...(await run('copy-b'))].map((r) => r.datasetLength);
      expect(lengths).toEqual([bytes.length, bytes.length, bytes.length, bytes.length]);
      expect(loads).toBe(1);
      // The sweep it was copied from cleaned, the other keeps its own copy.
      await cleanSweep(address, 'copy-a');
      expect(await redis.getBuffer(sweepKeys(prefix, 'copy-b').dataset(sha256))).toEqual(Buffer.from(bytes));
      await cleanSweep(address, 'copy-b');
      expect(await redis.keys(`${prefix}:*data*`)).toEqual([]);
      // No sweep holds it any more: the next one reads the file again.
      expect((await run('copy-c')).map((r) => r.datasetLength)).toEqual([bytes.length, bytes.length]);
      expect(loads).toBe(2);
    } finally {
      redis.disconnect();
    }
  });

  it('fails with a QueueConnectionError when nobody listens, without the password', async () => {
    const port = await freePort();
    const error = await runSweepOnQueue(toyJobs(1), { url: `redis://:queue-pw@127.0.0.1:${port}`, sweepId: 'x', connectTimeoutMs: 500, ...toyCoordinator }, { onResult: () => undefined }).catch((error: unknown) => error);
    expect(QueueConnectionError.isInstance(error) && error.phase).toBe('connect');
    expect((error as Error).message).not.toContain('queue-pw');
  });
});

describe('Redis going away mid-sweep', () => {
  it('stopped and restarted (losing its data): the sweep is stored again and finishes, each index once', async () => {
    const calls = new Map<number, number>();
    const jobs = toyJobs(12, { pauseMs: 150 });
    const results: ToyResult[] = [];
    const storedAgain: { delivered: number; requeued: number }[] = [];
    await withWorkers(2, calls, async () => {
      const run = runSweepOnQueue(
        jobs,
        { url: server.url, prefix: 'q', sweepId: 'restart', ...toyCoordinator, lostTimeoutMs: 60_000, onStoredAgain: ({ delivered, requeued }) => storedAgain.push({ delivered, requeued }) },
        { onResult: (result) => results.push(result) },
      );
      // Restarted once the coordinator holds a result: the restart loses it from Redis.
      for (let waited = 0; results.length === 0 && waited < 30_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(results.length).toBeGreaterThan(0);
      await server.restart();
      await run;
    });
    // Said once: what the coordinator had, and the jobs queued again (at most the rest).
    expect(storedAgain).toHaveLength(1);
    expect(storedAgain[0]?.delivered).toBeGreaterThan(0);
    expect((storedAgain[0]?.delivered ?? 0) + (storedAgain[0]?.requeued ?? 0)).toBe(12);
    expect(byIndex(results).map((r) => r.index)).toEqual(jobs.map((job) => job.index));
    expect(byIndex(results).map((r) => r.square)).toEqual(jobs.map((job) => job.n * job.n));
    // Results the coordinator had before the restart are gone from Redis, yet the sweep is finished:
    // its status says so (no time left), and it is cleaned without force.
    const [status] = await sweepStatus({ url: server.url, prefix: 'q' }, 'restart');
    expect(status).toMatchObject({ total: 12, finished: true, etaMs: null });
    expect(await cleanSweep({ url: server.url, prefix: 'q' }, 'restart')).toBeGreaterThan(0);
  });

  it('a sweep its coordinator finished counts as finished though Redis holds fewer results than jobs', async () => {
    const calls = new Map<number, number>();
    await withWorkers(1, calls, () => collect(toyJobs(4), 'lost-results'));
    const keys = sweepKeys('q', 'lost-results');
    // As a restart without persistence after the coordinator received them: two results gone.
    const redis = new Redis(server.url);
    try {
      await redis.ltrim(keys.done, 0, 1);
    } finally {
      redis.disconnect();
    }
    const [status] = await sweepStatus({ url: server.url, prefix: 'q' }, 'lost-results');
    expect(status).toMatchObject({ total: 4, done: 2, finished: true, etaMs: null });
    expect(await cleanSweep({ url: server.url, prefix: 'q' }, 'lost-results')).toBeGreaterThan(0);
  });

  it('stopped for longer than allowed: a QueueConnectionError (lost) instead of a hang', async () => {
    const jobs = toyJobs(4, { pauseMs: 2_000 });
    try {
      const error = await withWorkers(1, new Map(), async () => {
        const run = collect(jobs, 'lost', { lostTimeoutMs: 800 }).catch((error: unknown) => error);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await server.stop();
        return run;
      });
      expect(QueueConnectionError.isInstance(error) && error.phase).toBe('lost');
      expect((error as Error).message).not.toContain('queue-pw');
    } finally {
      await server.restart();
    }
  });
});

describe('an ACL user limited to the prefix', () => {
  it('runs a sweep with ~acl:* &acl:* +@all -@admin, as the README advises', async () => {
    const { Redis } = await import('ioredis');
    const admin = new Redis(server.url);
    try {
      await admin.call('ACL', 'SETUSER', 'sweeper', 'on', '>sweeper-pw', '~acl:*', '&acl:*', '+@all', '-@admin');
    } finally {
      admin.disconnect();
    }
    const url = `redis://sweeper:sweeper-pw@127.0.0.1:${server.port}`;
    const worker = await startQueueWorker({ url, prefix: 'acl', parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context), ...fast });
    try {
      const results: ToyResult[] = [];
      await runSweepOnQueue(toyJobs(3), { url, prefix: 'acl', sweepId: 'acl-1', ...toyCoordinator }, { onResult: (result) => results.push(result) });
      expect(byIndex(results).map((r) => r.square)).toEqual([0.25, 2.25, 6.25]);
    } finally {
      await worker.close();
    }
  });
});

/** Polls `check` every 25 ms until it holds, at most `timeoutMs`; false when it never did. */
async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

/** A toy worker under `prefix` (each test its own: a worker takes the jobs of every sweep under it) with a logger kept for the test to read. */
async function loggedWorker(prefix: string, workerId: string, calls: Map<number, number>, extra: Partial<Parameters<typeof startQueueWorker<ToyJob, ToyResult>>[0]> = {}): Promise<{ worker: QueueWorker; logger: ReturnType<typeof createMemoryLogger> }> {
  const logger = createMemoryLogger();
  const worker = await startQueueWorker({ url: server.url, prefix, workerId, logger, parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context, calls), ...fast, ...extra });
  return { worker, logger };
}

function said(logger: ReturnType<typeof createMemoryLogger>, message: string): Record<string, unknown>[] {
  return logger.records.filter((record) => record.message === message).map((record) => record.fields);
}

/** Why a running job a closing worker gave up is handed back. */
const STOPPED = 'stopped: the worker is stopping and did not wait for it';

describe('stopping workers, removing sweeps', () => {
  const queueOf = (sweepId: string): Queue => new Queue(`sweep-${sweepId}`, { connection: { host: '127.0.0.1', port: server.port, password: 'queue-pw' }, prefix: sweepId });

  it('a worker stopped hands back at once the job it fetched ahead, and lets the running one finish', async () => {
    const calls = new Map<number, number>();
    const results: ToyResult[] = [];
    const stop = new AbortController();
    const running = runSweepOnQueue(toyJobs(2, { pauseMs: 800 }), { url: server.url, prefix: 'ahead', sweepId: 'ahead', ...toyCoordinator }, { onResult: (result) => results.push(result), signal: stop.signal });
    // Concurrency 1: one job runs, the other was fetched ahead and waits for the thread.
    const first = await loggedWorker('ahead', 'first', calls, { concurrency: 1 });
    let second: Awaited<ReturnType<typeof loggedWorker>> | undefined;
    const queue = queueOf('ahead');
    try {
      expect(await waitUntil(() => said(first.logger, 'job taken').length === 2)).toBe(true);
      await first.worker.close();
      expect(said(first.logger, 'job finished')).toHaveLength(1);
      const [handedBack] = said(first.logger, 'job handed back');
      expect(handedBack).toMatchObject({ why: 'the worker is stopping', attempt: 1 });
      const index = Number(handedBack?.index);
      // Back in the queue at once (not locked until its lock expires), never started here.
      expect(calls.get(index)).toBeUndefined();
      expect(await queue.getJobState(`ahead-${String(index)}`)).toBe('waiting');
      second = await loggedWorker('ahead', 'second', calls);
      expect(await waitUntil(() => results.length === 2)).toBe(true);
      expect(byIndex(results).map((r) => r.square)).toEqual([0.25, 2.25]);
      expect([...calls.entries()].sort()).toEqual([[0, 1], [1, 1]]);
      expect(said(second.logger, 'job taken').map((fields) => [fields.index, fields.attempt])).toEqual([[index, 1]]);
    } finally {
      await queue.close();
      await first.worker.close();
      await second?.worker.close();
      stop.abort();
      await running;
    }
  });

  it('a job that outlasts a stopping worker\'s closeTimeoutMs is stopped and handed back: stopping two workers in turn neither fails it nor counts a stall', async () => {
    const calls = new Map<number, number>();
    const stop = new AbortController();
    const running = runSweepOnQueue(toyJobs(1, { pauseMs: 60_000 }), { url: server.url, prefix: 'outlasts', sweepId: 'outlasts', ...toyCoordinator }, { onResult: () => undefined, signal: stop.signal });
    const queue = queueOf('outlasts');
    try {
      for (const workerId of ['first', 'second']) {
        const { worker, logger } = await loggedWorker('outlasts', workerId, calls, { concurrency: 1, closeTimeoutMs: 200 });
        try {
          expect(await waitUntil(() => said(logger, 'job taken').length === 1)).toBe(true);
          // Taken afresh each time: neither an attempt nor a stall was counted for the stop before.
          expect(said(logger, 'job taken')[0]).toMatchObject({ index: 0, attempt: 1 });
        } finally {
          await worker.close();
        }
        // (A closing worker may fetch it once more before it stops fetching: it hands it back again, unstarted.)
        expect(said(logger, 'job handed back').filter((fields) => fields.why === STOPPED)).toEqual([expect.objectContaining({ index: 0 })]);
        expect(said(logger, 'job finished')).toEqual([]);
        expect(await queue.getJobState('outlasts-0')).toBe('waiting');
      }
      const job = await queue.getJob('outlasts-0');
      expect([job?.attemptsMade, job?.stalledCounter]).toEqual([0, 0]);
      expect(await queue.getFailedCount()).toBe(0);
    } finally {
      await queue.close();
      stop.abort();
      await running;
    }
  });

  it('close({ now: true }) hands the running job back without waiting for closeTimeoutMs', async () => {
    const calls = new Map<number, number>();
    const stop = new AbortController();
    const running = runSweepOnQueue(toyJobs(1, { pauseMs: 60_000 }), { url: server.url, prefix: 'now', sweepId: 'now', ...toyCoordinator }, { onResult: () => undefined, signal: stop.signal });
    const { worker, logger } = await loggedWorker('now', 'impatient', calls, { closeTimeoutMs: 600_000 });
    const queue = queueOf('now');
    try {
      expect(await waitUntil(() => said(logger, 'job taken').length === 1)).toBe(true);
      // A first close waits for the job (ten minutes at most); a second, with now, cuts it short.
      const closing = worker.close();
      await worker.close({ now: true });
      await closing;
      expect(said(logger, 'job handed back').filter((fields) => fields.why === STOPPED)).toHaveLength(1);
      expect(said(logger, 'job finished')).toEqual([]);
      expect(await queue.getJobState('now-0')).toBe('waiting');
    } finally {
      await worker.close({ now: true });
      await queue.close();
      stop.abort();
      await running;
    }
  });

  it('a sweep removed (queue clean --force) under its waiting coordinator: the coordinator fails naming it instead of waiting forever', async () => {
    const running = collect(toyJobs(2), 'removed', {}, 'removed').catch((error: unknown) => error);
    const redis = new Redis(server.url);
    try {
      expect(await waitUntil(async () => (await redis.exists(sweepKeys('removed', 'removed').meta)) === 1)).toBe(true);
    } finally {
      redis.disconnect();
    }
    await cleanSweep({ url: server.url, prefix: 'removed' }, 'removed', { force: true });
    // Bounded: the coordinator looks about once a second; without the check it never returned.
    const error = await Promise.race([running, new Promise((resolve) => setTimeout(() => { resolve('still waiting after 15 s'); }, 15_000))]);
    expect(SweepRemovedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Sweep removed was removed from Redis while this coordinator waited for its results (ensemble queue clean --force, or its keys deleted); 0 of 2 results had been handed over. Run the sweep again to store it anew: its workers take it up again.',
    );
    expect((error as SweepRemovedError).code).toBe('RUN_FAILED');
  });

  it('jobs nobody takes (the only worker listens under another prefix): onIdle says so once, naming the prefix; a worker of that prefix then finishes the sweep', async () => {
    const idle: SweepIdle[] = [];
    const calls = new Map<number, number>();
    await withWorkers(1, calls, async () => {
      const running = collect(toyJobs(3), 'idle', { idleMs: 300, onIdle: (event) => idle.push(event) }, 'idle-right');
      expect(await waitUntil(() => idle.length > 0)).toBe(true);
      expect(idle[0]).toMatchObject({ sweepId: 'idle', prefix: 'idle-right', waiting: 3 });
      expect(idle[0]?.idleMs).toBeGreaterThanOrEqual(300);
      // Told once per stretch, however long it lasts (the coordinator looks about once a second).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(idle).toHaveLength(1);
      const results = await withWorkers(1, calls, () => running, 'idle-right');
      expect(byIndex(results).map((r) => r.square)).toEqual([0.25, 2.25, 6.25]);
    }, 'idle-wrong');
    expect(idle).toHaveLength(1);
  });

  it('a worker finishing a job of a sweep removed meanwhile stores nothing: no key of the sweep comes back', async () => {
    const calls = new Map<number, number>();
    const stop = new AbortController();
    const running = runSweepOnQueue(toyJobs(1), { url: server.url, prefix: 'gone', sweepId: 'gone', ...toyCoordinator }, { onResult: () => undefined, signal: stop.signal }).catch(() => undefined);
    // The job finishes only once the sweep is gone (a timed pause could end first on a loaded machine).
    let release = (): void => undefined;
    const removed = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { worker, logger } = await loggedWorker('gone', 'late', calls, {
      process: async (job, context) => {
        await removed;
        return processToyJob(job, context, calls);
      },
    });
    const redis = new Redis(server.url);
    try {
      expect(await waitUntil(() => said(logger, 'job taken').length === 1)).toBe(true);
      await cleanSweep({ url: server.url, prefix: 'gone' }, 'gone', { force: true });
      release();
      const dropped = 'job finished, but its sweep is no longer in Redis (cleaned, or lost with a restart): result dropped';
      expect(await waitUntil(() => said(logger, dropped).length === 1)).toBe(true);
      expect(said(logger, dropped)[0]).toMatchObject({ index: 0, counted: false });
      expect(await redis.keys('gone:sweep-gone:ensemble:*')).toEqual([]);
      expect(await storeResultOnce(redis, sweepKeys('gone', 'gone'), 0, { json: '{}', binary: null }, 'late')).toBe('no-sweep');
      expect(await redis.keys('gone:sweep-gone:ensemble:*')).toEqual([]);
    } finally {
      release();
      redis.disconnect();
      await worker.close();
      stop.abort();
      await running;
    }
  });

  it('hands back a job of a newer envelope format (a newer coordinator queued it) instead of failing it, and does not join its sweep again', async () => {
    const calls = new Map<number, number>();
    const results: ToyResult[] = [];
    const stop = new AbortController();
    const running = runSweepOnQueue(toyJobs(2), { url: server.url, prefix: 'newer', sweepId: 'newer', ...toyCoordinator }, { onResult: (result) => results.push(result), signal: stop.signal });
    const queue = queueOf('newer');
    let worker: QueueWorker | undefined;
    try {
      // Combination 1 as a newer coordinator would have queued it.
      expect(await waitUntil(async () => (await queue.getWaitingCount()) === 2)).toBe(true);
      await (await queue.getJob('newer-1'))?.updateData({ format: 'ensemble-research-job', version: 4, sweepId: 'newer', index: 1, job: { index: 1, n: 2 }, more: 'to come' });
      const started = await loggedWorker('newer', 'reader', calls, { discoveryIntervalMs: 100 });
      worker = started.worker;
      const { logger } = started;
      // Handed back at least once. A second time is possible: the sweep's queue worker, closing as
      // the worker leaves the sweep, may already be fetching when the job returns to the queue.
      expect(await waitUntil(() => said(logger, 'job handed back').length >= 1 && results.length === 1)).toBe(true);
      const handedBack = said(logger, 'job handed back');
      expect(handedBack.length).toBeLessThanOrEqual(2);
      for (const fields of handedBack) expect(fields).toMatchObject({ jobId: 'newer-1', why: 'the job is of a newer format' });
      expect(results.map((r) => r.index)).toEqual([0]);
      // Back in the queue (after the second hand-back, if the closing queue worker took it again).
      expect(await waitUntil(async () => (await queue.getJobState('newer-1')) === 'waiting')).toBe(true);
      expect(await queue.getFailedCount()).toBe(0);
      expect(calls.has(1)).toBe(false);
      // The sweep is unfinished, but a look that joins another sweep has passed it over: not joined again.
      expect((await collect(toyJobs(1), 'newer-other', {}, 'newer')).map((r) => r.square)).toEqual([0.25]);
      expect(said(logger, 'joined sweep').map((fields) => fields.sweepId)).toEqual(['newer', 'newer-other']);
    } finally {
      await queue.close();
      await worker?.close();
      stop.abort();
      await running;
    }
  });

  it('checks the tag each job carries: a job of other code in a sweep it joined is handed back, never run, and the worker leaves the sweep', async () => {
    const calls = new Map<number, number>();
    // Looks only at start and on announcements: between them, the tag read at joining is all it knows.
    const { worker, logger } = await loggedWorker('retagged', 'tagged', calls, { compatibility: 'engine 1', discoveryIntervalMs: 600_000 });
    const queue = queueOf('retagged');
    try {
      const results = await collect(toyJobs(1), 'retagged', { compatibility: 'engine 1' }, 'retagged');
      expect(results.map((r) => r.square)).toEqual([0.25]);
      // The sweep cleaned and started again by a coordinator of other code, within one look: its job reaches the worker.
      await queue.add('research-job', envelopeOf('retagged', 1, { index: 1, n: 2 }, 'engine 2'), { jobId: 'retagged-1' });
      // The warning follows the hand-back after two more round trips (the server's time, the refusal written).
      const warned = () => logger.records.some((record) => record.level === 'warn' && record.fields.sweepId === 'retagged');
      // Once, or twice when the closing queue worker's fetch takes it again (see the test above).
      expect(await waitUntil(() => said(logger, 'job handed back').length >= 1 && warned())).toBe(true);
      const handedBack = said(logger, 'job handed back');
      expect(handedBack.length).toBeLessThanOrEqual(2);
      for (const fields of handedBack) expect(fields).toMatchObject({ index: 1, why: 'the job is of other code' });
      expect(said(logger, 'left sweep')).toEqual([expect.objectContaining({ sweepId: 'retagged' })]);
      expect(calls.has(1)).toBe(false);
      expect(await waitUntil(async () => (await queue.getJobState('retagged-1')) === 'waiting')).toBe(true);
      const warning = logger.records.find((record) => record.level === 'warn' && record.fields.sweepId === 'retagged');
      expect(warning?.fields).toMatchObject({ sweepRuns: 'engine 2', workerRuns: 'engine 1' });
    } finally {
      await queue.close();
      await worker.close();
    }
  });
});
