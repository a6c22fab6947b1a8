import { EventEmitter, once } from 'node:events';
import { ConfigError, type Logger } from '@ensemble/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processToyJob, toyCoordinator, toyJobSchema, toyJobs } from '../test/toy-jobs';
import { runSweepOnQueue } from './sweep-coordinator';
import { cleanSweep, markSweepComplete, resolveSweepId, sweepStatus, workerThroughput, type SweepStatus } from './sweep-status';
import { startQueueWorker } from './sweep-worker';
import { startRedisServer, type TestRedisServer } from './testing/redis-server';

let server: TestRedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.close();
});

/** A logger handing every line, with its bindings, to `onLine`. */
function recordingLogger(onLine: (line: Record<string, unknown>) => void, bindings: Record<string, unknown> = {}): Logger {
  const log =
    (level: string) =>
    (fields: object | string, message?: string): void => {
      onLine(typeof fields === 'string' ? { level, ...bindings, msg: fields } : { level, ...bindings, ...fields, msg: message });
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (more) => recordingLogger(onLine, { ...bindings, ...more }) };
}

describe('workerThroughput', () => {
  it('counts results per minute between the first and the last', () => {
    // w1: 5 results over 2 minutes → 4 intervals / 2 min = 2 per minute; w2: one result, no rate.
    expect(workerThroughput({ 'host:1:count': '5', 'host:1:first': '1000', 'host:1:last': '121000', 'w2:count': '1', 'w2:first': '5', 'w2:last': '5' })).toEqual([
      { workerId: 'host:1', completed: 5, perMinute: 2, lastAt: 121_000, active: 0, fetchedAhead: 0 },
      { workerId: 'w2', completed: 1, perMinute: null, lastAt: 5, active: 0, fetchedAhead: 0 },
    ]);
  });

  it('adds the jobs each worker runs and holds fetched ahead, listing a worker with no result yet', () => {
    const active = [
      { workerId: 'w2', started: true },
      { workerId: 'w2', started: false },
      { workerId: 'w3', started: false },
      { workerId: null, started: true },
    ];
    expect(workerThroughput({ 'w2:count': '1', 'w2:first': '5', 'w2:last': '5' }, active)).toEqual([
      { workerId: 'w2', completed: 1, perMinute: null, lastAt: 5, active: 1, fetchedAhead: 1 },
      { workerId: 'w3', completed: 0, perMinute: null, lastAt: null, active: 0, fetchedAhead: 1 },
    ]);
  });
});

describe('sweepStatus of a sweep being worked on', () => {
  it('counts as active only the jobs a worker has started, and the job it fetched ahead apart, per worker too', async () => {
    // Each job runs until the test lets it finish; `started` tells which job's processing began.
    const gates = new Map<number, () => void>();
    const started = new EventEmitter();
    const taken: number[] = [];
    const logger = recordingLogger((line) => {
      if (line.msg === 'job taken' && typeof line.index === 'number') {
        taken.push(line.index);
        started.emit('taken');
      }
    });
    const worker = await startQueueWorker({
      url: server.url,
      prefix: 'busy',
      workerId: 'w1',
      concurrency: 1,
      logger,
      discoveryIntervalMs: 100,
      parseJob: (data) => toyJobSchema.parse(data),
      process: async (job, context) => {
        await new Promise<void>((resolve) => {
          gates.set(job.index, resolve);
          started.emit('started', job.index);
        });
        return processToyJob(job, context);
      },
    });
    const address = { url: server.url, prefix: 'busy' };
    const redis = new Redis(server.url);
    try {
      const run = runSweepOnQueue(toyJobs(3), { ...address, sweepId: 'busy', ...toyCoordinator }, { onResult: () => undefined });
      const until = async (event: string, done: () => boolean): Promise<void> => {
        while (!done()) await once(started, event);
      };
      // Job 0 runs on the worker's one thread; job 1 is taken ahead of time and waits for it.
      await until('started', () => gates.has(0));
      await until('taken', () => taken.length >= 2);
      // The worker notes a start without waiting for Redis: status reads it once it is there. The
      // state holds until the test opens a gate, so this settles on it (bounded).
      const settled = async (expected: Record<string, number>): Promise<SweepStatus | undefined> => {
        let status: SweepStatus | undefined;
        for (let look = 0; look < 400; look++) {
          [status] = await sweepStatus(address, 'busy');
          if (Object.entries(expected).every(([key, value]) => status?.[key as keyof SweepStatus] === value)) break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        return status;
      };
      const first = await settled({ active: 1, fetchedAhead: 1 });
      expect(first).toMatchObject({ total: 3, done: 0, waiting: 1, active: 1, fetchedAhead: 1, failed: 0 });
      expect(first?.workers).toEqual([{ workerId: 'w1', completed: 0, perMinute: null, lastAt: null, active: 1, fetchedAhead: 1 }]);
      // An entry a worker that lost the job left behind (another token) does not make it started.
      const fetched = taken.find((index) => index !== 0) ?? -1;
      await redis.hset('busy:sweep-busy:ensemble:started', `busy-${String(fetched)}`, 'a-lost-token');
      expect((await sweepStatus(address, 'busy'))[0]).toMatchObject({ active: 1, fetchedAhead: 1 });

      // Job 0 finishes: the job fetched ahead starts, and the last is fetched ahead in turn.
      gates.get(0)?.();
      await until('started', () => gates.has(fetched));
      await until('taken', () => taken.length >= 3);
      const second = await settled({ done: 1, active: 1, fetchedAhead: 1 });
      expect(second).toMatchObject({ total: 3, done: 1, waiting: 0, active: 1, fetchedAhead: 1 });
      expect(second?.workers.map((w) => [w.workerId, w.completed, w.active, w.fetchedAhead])).toEqual([['w1', 1, 1, 1]]);

      gates.get(fetched)?.();
      const last = taken[2] ?? -1;
      await until('started', () => gates.has(last));
      gates.get(last)?.();
      await run;
      expect((await sweepStatus(address, 'busy'))[0]).toMatchObject({ done: 3, waiting: 0, active: 0, fetchedAhead: 0 });
    } finally {
      for (const open of gates.values()) open();
      await worker.close();
    }
    // Every job's entry went with it (closing flushed the worker's commands).
    expect(await redis.exists('busy:sweep-busy:ensemble:started')).toBe(0);
    redis.disconnect();
  });
});

describe('sweepStatus and cleanSweep', () => {
  it('reports a finished sweep, refuses an unfinished one, and removes every key of a finished one', async () => {
    const worker = await startQueueWorker({ url: server.url, prefix: 's', workerId: 'solo', parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context), discoveryIntervalMs: 100 });
    try {
      await runSweepOnQueue(toyJobs(3), { url: server.url, prefix: 's', sweepId: 'done', ...toyCoordinator }, { onResult: () => undefined });
    } finally {
      await worker.close();
    }
    // An unfinished sweep: enqueued, nobody works on it (its coordinator gave up at once).
    const stop = new AbortController();
    const run = runSweepOnQueue(toyJobs(2), { url: server.url, prefix: 's', sweepId: 'open', compatibility: 'toys 1', ...toyCoordinator }, { onResult: () => undefined, signal: stop.signal });
    const redis = new Redis(server.url);
    try {
      for (let i = 0; i < 100 && (await redis.zscore('s:sweeps', 'open')) === null; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      stop.abort();
      await run;
      const [done] = await sweepStatus({ url: server.url, prefix: 's' }, 'done');
      expect(done).toMatchObject({ sweepId: 'done', total: 3, done: 3, waiting: 0, active: 0, failed: 0, etaMs: null, compatibility: null });
      expect(done?.workers.map((w) => [w.workerId, w.completed])).toEqual([['solo', 3]]);
      const all = await sweepStatus({ url: server.url, prefix: 's' });
      expect(all.map((s) => [s.sweepId, s.done, s.waiting, s.compatibility])).toEqual([['done', 3, 0, null], ['open', 0, 2, 'toys 1']]);

      const refused = await cleanSweep({ url: server.url, prefix: 's' }, 'open').catch((error: unknown) => error);
      expect(ConfigError.isInstance(refused) && refused.message).toContain('not finished (0 of 2 results): run its coordinator again to finish it, or remove it unfinished with force (ensemble queue clean --force open, with the same --queue)');
      expect(ConfigError.isInstance(refused) && refused.message).toMatch(/^Invalid request to remove a sweep:\n/);
      expect(await cleanSweep({ url: server.url, prefix: 's' }, 'done')).toBeGreaterThan(0);
      expect((await redis.keys('s:sweep-done:*')).sort()).toEqual([]);
      expect(await cleanSweep({ url: server.url, prefix: 's' }, 'open', { force: true })).toBeGreaterThan(0);
      expect(await redis.keys('s:*')).toEqual([]);
      const unknown = await sweepStatus({ url: server.url, prefix: 's' }, 'done').catch((error: unknown) => error);
      expect(ConfigError.isInstance(unknown) && unknown.message).toContain('no sweep done in Redis');
    } finally {
      redis.disconnect();
    }
  });
});

describe('a sweep run in phases (a walk-forward)', () => {
  // Regression: a walk-forward's coordinator stopped after its train jobs left a sweep whose every
  // queued job had its result: status said "finished" and a plain clean removed it.
  it('is finished only once its coordinator marks its last phase run', async () => {
    const address = { url: server.url, prefix: 'ph' };
    const worker = await startQueueWorker({ url: server.url, prefix: 'ph', workerId: 'solo', parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context), discoveryIntervalMs: 100 });
    try {
      await runSweepOnQueue(toyJobs(3), { url: server.url, prefix: 'ph', sweepId: 'wf', phased: true, ...toyCoordinator }, { onResult: () => undefined });
    } finally {
      await worker.close();
    }
    const [between] = await sweepStatus(address, 'wf');
    expect(between).toMatchObject({ total: 3, done: 3, finished: false, phasesLeft: true, etaMs: null });
    const refused = await cleanSweep(address, 'wf').catch((error: unknown) => error);
    expect(ConfigError.isInstance(refused) && refused.message).toContain('not finished (the 3 jobs queued so far have their results, but its coordinator stopped before its last phase');
    await markSweepComplete(address, 'wf');
    const [complete] = await sweepStatus(address, 'wf');
    expect(complete).toMatchObject({ finished: true, phasesLeft: false });
    expect(await cleanSweep(address, 'wf')).toBeGreaterThan(0);
    // A sweep that is gone is left as it is.
    await markSweepComplete(address, 'wf');
    const redis = new Redis(server.url);
    try {
      expect(await redis.keys('ph:*')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

// Regression: a job written by hand whose data is not JSON made BullMQ's job objects throw, and
// with them every `queue status` and `queue clean` (even --force) of the prefix.
describe('a job in the queue whose data is not JSON', () => {
  it('leaves status and clean working', async () => {
    const address = { url: server.url, prefix: 'bad' };
    const stop = new AbortController();
    const run = runSweepOnQueue(toyJobs(1), { url: server.url, prefix: 'bad', sweepId: 'forged', ...toyCoordinator }, { onResult: () => undefined, signal: stop.signal });
    const redis = new Redis(server.url);
    try {
      for (let i = 0; i < 100 && (await redis.zscore('bad:sweeps', 'forged')) === null; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      stop.abort();
      await run;
      const queue = 'bad:sweep-forged';
      await redis.hset(`${queue}:x`, { name: 'research-job', data: 'not json{', opts: 'garbage', timestamp: Date.now(), delay: 0, priority: 0, pb: 'intruder' });
      await redis.rpush(`${queue}:active`, 'x');
      // Failed jobs that are none of the sweep's (another id, an index it does not have) beside one of its own.
      await redis.zadd(`${queue}:failed`, 1, 'intruder-1', 2, 'forged-99', 3, 'forged-0');
      const [status] = await sweepStatus(address, 'forged');
      expect(status).toMatchObject({ total: 1, done: 0, finished: false, failed: 1, foreign: 2 });
      expect(status?.workers.map((worker) => worker.workerId)).toEqual(['intruder']);
      expect(await cleanSweep(address, 'forged', { force: true })).toBeGreaterThan(0);
      expect(await redis.keys('bad:*')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

describe('a registry entry that names no sweep', () => {
  it('is skipped by workers and status, and `cleanSweep` with it removes it', async () => {
    const redis = new Redis(server.url);
    try {
      await redis.zadd('f:sweeps', 1, 'bad id!');
      const worker = await startQueueWorker({ url: server.url, prefix: 'f', workerId: 'w', parseJob: (data) => toyJobSchema.parse(data), process: (job, context) => processToyJob(job, context), discoveryIntervalMs: 100 });
      let results = 0;
      try {
        // Before: the worker's discovery threw on the entry at every look and joined no sweep: this hung.
        await runSweepOnQueue(toyJobs(3), { url: server.url, prefix: 'f', sweepId: 'good', ...toyCoordinator }, { onResult: () => results++ });
      } finally {
        await worker.close();
      }
      expect(results).toBe(3);
      expect((await sweepStatus({ url: server.url, prefix: 'f' })).map((status) => status.sweepId)).toEqual(['good']);
      expect(await cleanSweep({ url: server.url, prefix: 'f' }, 'bad id!')).toBe(0);
      expect(await redis.zrange('f:sweeps', 0, -1)).toEqual(['good']);
    } finally {
      redis.disconnect();
    }
  });
});

describe('a sweep named by the short id a summary prints', () => {
  const a = `e56d801a6ee4${'0'.repeat(52)}`;
  const b = `e56d801a6ee4${'1'.repeat(52)}`;
  const c = `0123456789ab${'2'.repeat(52)}`;

  it('resolves a unique prefix of at least 12 characters, and refuses an ambiguous or too short one', () => {
    expect(resolveSweepId(c.slice(0, 12), [a, b, c])).toBe(c);
    expect(resolveSweepId(a.slice(0, 20), [a, b, c])).toBe(a);
    expect(resolveSweepId(a, [a, b, c])).toBe(a);
    expect(resolveSweepId('done', ['done', 'done-too'])).toBe('done');
    expect(() => resolveSweepId('e56d801a6ee4', [a, b, c])).toThrow(`e56d801a6ee4 is the start of 2 sweeps in Redis under this prefix (${a}, ${b}); give more of the id`);
    expect(() => resolveSweepId('0123', [a, b, c])).toThrow('no sweep 0123 in Redis under this prefix (known: ');
    expect(() => resolveSweepId('0123', [a, b, c])).toThrow('give at least 12 characters of the id');
    expect(() => resolveSweepId('fedcba987654', [a, b, c])).toThrow('no sweep fedcba987654 in Redis');
  });

  it('is what `sweepStatus` and `cleanSweep` take', async () => {
    const redis = new Redis(server.url);
    try {
      await redis.zadd('p:sweeps', 1, a, 2, b, 3, c);
      const [status] = await sweepStatus({ url: server.url, prefix: 'p' }, c.slice(0, 12));
      expect(status?.sweepId).toBe(c);
      const ambiguous = await cleanSweep({ url: server.url, prefix: 'p' }, a.slice(0, 12)).catch((error: unknown) => error);
      expect(ConfigError.isInstance(ambiguous) && ambiguous.message).toContain('is the start of 2 sweeps');
      await cleanSweep({ url: server.url, prefix: 'p' }, c.slice(0, 12));
      expect(await redis.zrange('p:sweeps', 0, -1)).toEqual([a, b]);
    } finally {
      redis.disconnect();
    }
  });
});

describe('a database the server does not have', () => {
  it('is a ConfigError naming it, not a silent switch to database 0', async () => {
    const error = await sweepStatus({ url: `${server.url}/99` }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error) && error.message).toContain('database 99 does not exist on this Redis');
  });
});
