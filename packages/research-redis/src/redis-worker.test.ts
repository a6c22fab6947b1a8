import { createHook } from 'node:async_hooks';
import { EventEmitter, once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetUrl } from '@ensemble/data';
import type { Logger } from '@ensemble/protocol';
import { computingPackageVersions, createInProcessExecutor, dataRefOf, planSweep, runSweep, sha256Hex, type ResearchJob, type ResearchJobResult } from '@ensemble/research';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { fixturesDir, slowJobs, smaJobs } from '../test/distributed';
import { createRedisExecutor, researchCompatibility } from './redis-executor';
import { sweepKeys } from './keys';
import { startRedisWorker } from './redis-worker';
import { startRedisServer, type TestRedisServer } from './testing/redis-server';

let server: TestRedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.close();
});

async function run(jobs: readonly ResearchJob[], sweepId: string, worker: Parameters<typeof startRedisWorker>[0]): Promise<ResearchJobResult[]> {
  const started = await startRedisWorker({ ...worker, discoveryIntervalMs: 100 });
  try {
    const results: ResearchJobResult[] = [];
    await createRedisExecutor({ url: server.url, sweepId, attempts: 2 }).run(jobs, { onResult: (result) => results.push(result) });
    return results.sort((a, b) => a.index - b.index);
  } finally {
    await started.close();
  }
}

/** A logger keeping every event with its bindings, as a JSON-lines logger would write it. */
function recordingLogger(lines: Record<string, unknown>[], bindings: Record<string, unknown> = {}): Logger {
  const log =
    (level: string) =>
    (fields: object | string, message?: string): void => {
      lines.push(typeof fields === 'string' ? { level, ...bindings, msg: fields } : { level, ...bindings, ...fields, msg: message });
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (more) => recordingLogger(lines, { ...bindings, ...more }) };
}

/**
 * A TCP proxy on 127.0.0.1 to `port` that passes data both ways and the server's end of a
 * connection, but holds a client's end: the server side stays open until `close`. `ended(n)`
 * resolves once `n` clients have ended their connections.
 */
async function holdingProxy(port: number): Promise<{ readonly port: number; ended(count: number): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const ends = new EventEmitter();
  let held = 0;
  const proxy = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('end', () => {
      held++;
      ends.emit('end');
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    port: address.port,
    async ended(count) {
      while (held < count) await once(ends, 'end');
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

describe('startRedisWorker', () => {
  it('close leaves no timer behind, so the process can exit at once (the close-timeout timer was kept alive for 30 s)', async () => {
    // The timers created from here on that are still pending after close: vitest's own (its task
    // updates, the test's time limit) are created before the test's body and do not count.
    const pending = new Set<number>();
    const hook = createHook({
      init(id, type) {
        if (type === 'Timeout') pending.add(id);
      },
      destroy(id) {
        pending.delete(id);
      },
    }).enable();
    try {
      const worker = await startRedisWorker({ url: server.url, discoveryIntervalMs: 100 });
      await worker.close();
      await new Promise((resolve) => setImmediate(resolve)); // destroy hooks of cleared timers are emitted asynchronously
    } finally {
      hook.disable();
    }
    expect(pending.size).toBe(0);
  });

  it('close waits until its sockets have closed, so no timer of them outlives it even when Redis is slow to close them', async () => {
    // A proxy that passes everything but a client's end of the connection on: the server never
    // closes its side, as a loaded Redis that has not got round to it yet. ioredis then keeps a
    // 2 s timer to destroy the socket; close resolved with it pending (and the first test above
    // passed only when Redis closed the sockets before close resolved).
    const proxy = await holdingProxy(server.port);
    onTestFinished(() => proxy.close());
    const pending = new Set<number>();
    const hook = createHook({
      init(id, type) {
        if (type === 'Timeout') pending.add(id);
      },
      destroy(id) {
        pending.delete(id);
      },
    }).enable();
    try {
      const worker = await startRedisWorker({ url: `redis://127.0.0.1:${String(proxy.port)}`, discoveryIntervalMs: 100 });
      await worker.close();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      hook.disable();
    }
    expect(pending.size).toBe(0);
    // Both connections went through the proxy, and their ends were held (sent before close resolved).
    await proxy.ended(2);
  });

  it('takes the jobs of a sweep only when its packages have the versions the coordinator\'s have', async () => {
    const versions = computingPackageVersions();
    expect(researchCompatibility()).toBe(Object.keys(versions).map((name) => `${name} ${versions[name] ?? ''}`).join(', '));
    expect(researchCompatibility()).toContain('@ensemble/engine ');
    const jobs = smaJobs(await dataRefOf({ dataset: 'sp500' }, '.'), 2, { data: { dataset: 'sp500', from: '2019-01-01' } });
    const lines: Record<string, unknown>[] = [];
    const upgraded = await startRedisWorker({ url: server.url, discoveryIntervalMs: 100, compatibility: researchCompatibility().replace('@ensemble/engine ', '@ensemble/engine 9.'), logger: recordingLogger(lines) });
    try {
      const stop = new AbortController();
      const results: ResearchJobResult[] = [];
      const running = createRedisExecutor({ url: server.url, sweepId: 'versions' }).run(jobs, { onResult: (result) => results.push(result), signal: stop.signal });
      const warning = (): Record<string, unknown> | undefined => lines.find((line) => line.sweepId === 'versions' && line.level === 'warn');
      for (let waited = 0; warning() === undefined && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      stop.abort();
      await running;
      expect(results).toEqual([]);
      expect(warning()).toMatchObject({ sweepRuns: researchCompatibility() });
      expect(String(warning()?.workerRuns)).toContain('@ensemble/engine 9.');
    } finally {
      await upgraded.close();
    }
    // The same versions run it.
    const done = await run(jobs, 'versions', { url: server.url });
    expect(done.map((result) => result.status).every((status) => status === 'ok')).toBe(true);
  });

  it("stores the returns of a job an earlier coordinator queued (envelope format 2) in the sweep's hash, where that coordinator reads them", async () => {
    const jobs = smaJobs(await dataRefOf({ dataset: 'sp500' }, '.'), 2, { data: { dataset: 'sp500', from: '2019-01-01' } });
    const alone: ResearchJobResult[] = [];
    await createInProcessExecutor().run(jobs, { onResult: (result) => alone.push(result) });
    alone.sort((a, b) => a.index - b.index);
    const keys = sweepKeys('ensemble', 'earlier');
    const results: ResearchJobResult[] = [];
    const running = createRedisExecutor({ url: server.url, sweepId: 'earlier' }).run(jobs, { onResult: (result) => results.push(result) });
    const queue = new Queue(keys.queueName, { connection: { host: '127.0.0.1', port: server.port }, prefix: 'ensemble' });
    try {
      for (let waited = 0; (await queue.getWaitingCount()) < 2 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      const job = await queue.getJob('earlier-1');
      const data = job?.data as { version: number } | undefined;
      expect(data?.version).toBe(3);
      await job?.updateData({ ...data, version: 2 });
    } finally {
      await queue.close();
    }
    const worker = await startRedisWorker({ url: server.url, discoveryIntervalMs: 100 });
    try {
      await running;
    } finally {
      await worker.close();
    }
    const redis = new Redis(server.url);
    try {
      expect(await redis.exists(keys.binaryResult(1))).toBe(0);
      expect(await redis.hexists(keys.binaryResults, '1')).toBe(1);
      expect(await redis.exists(keys.binaryResult(0))).toBe(1);
      expect(await redis.hexists(keys.binaryResults, '0')).toBe(0);
    } finally {
      redis.disconnect();
    }
    // Read back either way, bit for bit what the job gives in process.
    results.sort((a, b) => a.index - b.index);
    expect(results.map((result) => Array.from(result.periodReturns))).toEqual(alone.map((result) => Array.from(result.periodReturns)));
    expect(results[0]?.periodReturns.length).toBeGreaterThan(100);
  });

  it('fails, without retrying, a job whose strategy module is not in its strategies directory with that hash', async () => {
    const sp500 = await dataRefOf({ dataset: 'sp500' }, '.');
    const slow = slowJobs(sp500, 1, 0, { data: { dataset: 'sp500', from: '2019-01-01' } })[0];
    if (slow === undefined) throw new Error('no job');
    const changed = { ...slow, index: 1, strategyModules: [{ path: '/p/slow-strategy.ts', sha256: '0'.repeat(64) }] };
    const results = await run([{ ...slow, index: 0 }, changed], 'modules', { url: server.url, strategiesDir: fixturesDir });
    expect(results[0]?.status).toBe('ok');
    expect(results[1]?.status).toBe('failed');
    expect(results[1]?.error?.message).toContain(`The job needs the strategy module "slow-strategy.ts" with SHA-256 ${'0'.repeat(64)}`);
    expect(results[1]?.error?.message).toContain(`has SHA-256 ${sha256Hex(readFileSync(fileURLToPath(new URL('../test/fixtures/slow-strategy.ts', import.meta.url))))}`);
    expect(results[1]?.error?.message).toContain('(after 1 attempt)');
  });

  it('runs a file with the bytes of an embedded data set as that file (its own symbol) after jobs of the data set, on the same thread', async () => {
    // A user's copy of the S&P 500 CSV: the same SHA-256 as the embedded data set, the symbol "my".
    const directory = await mkdtemp(join(tmpdir(), 'worker-data-'));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const file = join(directory, 'my.csv');
    await copyFile(fileURLToPath(await datasetUrl('sp500')), file);
    const sp500 = await dataRefOf({ dataset: 'sp500' }, '.');
    const copy = await dataRefOf({ file }, '.');
    expect(copy.sha256).toBe(sp500.sha256);
    const [ofDataset] = smaJobs(sp500, 1, { data: { dataset: 'sp500', from: '2019-01-01' }, symbols: ['SP500'] });
    const [ofFile] = smaJobs(copy, 1, { data: { file, from: '2019-01-01' }, symbols: ['my'] });
    if (ofDataset === undefined || ofFile === undefined) throw new Error('no job');
    // One thread (concurrency 1) runs both sweeps, one after the other, with one set of resolvers.
    const worker = await startRedisWorker({ url: server.url, discoveryIntervalMs: 100 });
    try {
      const results: ResearchJobResult[] = [];
      const onResult = (result: ResearchJobResult): void => {
        results.push(result);
      };
      await createRedisExecutor({ url: server.url, sweepId: 'same-bytes-dataset', attempts: 1 }).run([ofDataset], { onResult });
      await createRedisExecutor({ url: server.url, sweepId: 'same-bytes-file', attempts: 1 }).run([ofFile], { onResult });
      expect(results.map((result) => [result.status, result.error?.message])).toEqual([
        ['ok', undefined],
        ['ok', undefined],
      ]);
      // The same prices under another name: the same metrics.
      expect(results[1]?.metrics).toEqual(results[0]?.metrics);
    } finally {
      await worker.close();
    }
  });

  // Regression: a combination whose objective is unbounded (a Calmar ratio without a drawdown) was
  // ranked after every other; results from the queue rank as the local pool's do.
  it('a sweep through the queue ranks a combination with an unbounded objective first, as in process', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'worker-unbounded-'));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const closes = [100, 110, 105, 120, 130, 140];
    const rows = closes.map((close, day) => `2024-01-0${String(day + 1)},${String(close)},${String(close)},${String(close)},${String(close)},1000`);
    await writeFile(join(directory, 'prices.csv'), ['date,open,high,low,close,volume', ...rows, ''].join('\n'));
    const plan = await planSweep(
      {
        kind: 'backtest',
        config: { data: { file: 'prices.csv' }, strategy: 'buy-and-hold', fill: 'close' },
        parameters: [{ path: 'data.to', values: ['2024-01-02', '2024-01-08'] }],
        objective: 'calmar',
      },
      { baseDir: directory },
    );
    const worker = await startRedisWorker({ url: server.url, discoveryIntervalMs: 100 });
    try {
      const queued = await runSweep(plan, createRedisExecutor({ url: server.url, sweepId: 'unbounded-calmar', attempts: 1 }));
      // 2024-01-02: +10 % without a drawdown, an unbounded Calmar ratio; 2024-01-08 fell 4.5 % on the way.
      expect(queued.rows.map((row) => [row.rank, row.index, row.objective === Number.POSITIVE_INFINITY])).toEqual([
        [1, 0, true],
        [2, 1, false],
      ]);
      const local = await runSweep(plan, createInProcessExecutor());
      expect(queued.rows).toEqual(local.rows);
      expect(queued.statistics).toEqual(local.statistics);
    } finally {
      await worker.close();
    }
  });

  it('reads a day-first file with its jobs\' date format, and keeps another reading of the same bytes apart', async () => {
    // The S&P 500 CSV rewritten day first (03/01/2000) and as written (2000-01-03), under one name in two folders.
    const directory = await mkdtemp(join(tmpdir(), 'worker-day-first-'));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const text = await readFile(fileURLToPath(await datasetUrl('sp500')), 'utf8');
    await mkdir(join(directory, 'eu'));
    await mkdir(join(directory, 'iso'));
    const dayFirst = join(directory, 'eu', 'SPX.csv');
    const iso = join(directory, 'iso', 'SPX.csv');
    await writeFile(dayFirst, text.replace(/^(\d{4})-(\d{2})-(\d{2}),/gm, '$3/$2/$1,'));
    await writeFile(iso, text);
    const dayFirstRef = await dataRefOf({ file: dayFirst, dateFormat: 'DD/MM/YYYY' }, '.');
    const monthFirstRef = await dataRefOf({ file: dayFirst, dateFormat: 'MM/DD/YYYY' }, '.');
    expect(dayFirstRef).toMatchObject({ dateFormat: 'DD/MM/YYYY' });
    expect(monthFirstRef.sha256).toBe(dayFirstRef.sha256);
    const jobs = smaJobs(dayFirstRef, 2, { data: { file: dayFirst, dateFormat: 'DD/MM/YYYY', from: '2019-01-01' } });
    const reference = smaJobs(await dataRefOf({ file: iso }, '.'), 2, { data: { file: iso, from: '2019-01-01' } });
    const [monthFirst] = smaJobs(monthFirstRef, 1, { data: { file: dayFirst, dateFormat: 'MM/DD/YYYY', from: '2019-01-01' } });
    if (monthFirst === undefined) throw new Error('no job');
    // One worker, one thread: the day-first sweep, the same bytes read month first, then the file as written.
    const worker = await startRedisWorker({ url: server.url, discoveryIntervalMs: 100 });
    try {
      const results = new Map<string, ResearchJobResult[]>();
      for (const [sweepId, list] of [['day-first', jobs], ['month-first', [monthFirst]], ['as-written', reference]] as const) {
        const found: ResearchJobResult[] = [];
        await createRedisExecutor({ url: server.url, sweepId, attempts: 1 }).run(list, { onResult: (result) => found.push(result) });
        results.set(sweepId, found.sort((a, b) => a.index - b.index));
      }
      expect(results.get('day-first')?.map((result) => result.status)).toEqual(['ok', 'ok']);
      expect(results.get('day-first')?.map((result) => result.metrics)).toEqual(results.get('as-written')?.map((result) => result.metrics));
      // Read month first, 13/01/2000 is no date: the job fails on the same bytes the day-first jobs read.
      expect(results.get('month-first')?.[0]?.status).toBe('failed');
      expect(results.get('month-first')?.[0]?.error?.message).toContain('"13/01/2000" does not match the date format MM/DD/YYYY: 13 is no month (it reads as DD/MM/YYYY)');
    } finally {
      await worker.close();
    }
  });

  it('a job over the time limit is reported timed-out and the next job runs on a fresh thread', async () => {
    const sp500 = await dataRefOf({ dataset: 'sp500' }, '.');
    const slow = slowJobs(sp500, 1, 60_000, { data: { dataset: 'sp500', from: '2019-01-01' } })[0];
    const quick = smaJobs(sp500, 2, { data: { dataset: 'sp500', from: '2019-01-01' } })[1];
    if (slow === undefined || quick === undefined) throw new Error('no job');
    const results = await run([{ ...slow, index: 0 }, quick], 'timeout', { url: server.url, strategiesDir: fixturesDir, jobTimeoutMs: 20_000 });
    expect(results.map((r) => r.status)).toEqual(['timed-out', 'ok']);
    expect(results[0]?.error?.code).toBe('JOB_TIMED_OUT');
  });

  it('a closing worker stops the thread of a job that outlasts closeTimeoutMs and hands the job back to the queue', async () => {
    const sp500 = await dataRefOf({ dataset: 'sp500' }, '.');
    const [slow] = slowJobs(sp500, 1, 60_000, { data: { dataset: 'sp500', from: '2019-01-01' } });
    if (slow === undefined) throw new Error('no job');
    const lines: Record<string, unknown>[] = [];
    const worker = await startRedisWorker({ url: server.url, prefix: 'handback', discoveryIntervalMs: 100, strategiesDir: fixturesDir, closeTimeoutMs: 500, logger: recordingLogger(lines) });
    const stop = new AbortController();
    const running = createRedisExecutor({ url: server.url, prefix: 'handback', sweepId: 'handback' }).run([slow], { onResult: () => undefined, signal: stop.signal });
    const queue = new Queue('sweep-handback', { connection: { host: '127.0.0.1', port: server.port }, prefix: 'handback' });
    try {
      for (let waited = 0; !lines.some((line) => line.msg === 'job taken') && waited < 60_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lines.some((line) => line.msg === 'job taken')).toBe(true);
      // The thread is blocked for a minute: close stops it after half a second and hands the job back.
      await worker.close();
      expect(lines.filter((line) => line.msg === 'job handed back').map((line) => line.why)).toContain('stopped: the worker is stopping and did not wait for it');
      expect(lines.some((line) => line.msg === 'job finished')).toBe(false);
      expect(await queue.getJobState('handback-0')).toBe('waiting');
      const job = await queue.getJob('handback-0');
      expect([job?.attemptsMade, job?.stalledCounter]).toEqual([0, 0]);
    } finally {
      await queue.close();
      stop.abort();
      await running;
    }
  });

  it('logs each job it takes and finishes: job id, sweep id, combination, attempt, wait, duration and outcome, never the password', async () => {
    const password = 'log-secret-7f3a';
    const secured = await startRedisServer({ password });
    try {
      const sp500 = await dataRefOf({ dataset: 'sp500' }, '.');
      const [first, second] = smaJobs(sp500, 2, { data: { dataset: 'sp500', from: '2019-01-01' } });
      if (first === undefined || second === undefined) throw new Error('no job');
      const broken = { ...second, config: { ...second.config, strategy: 'no-such-strategy' } };
      const lines: Record<string, unknown>[] = [];
      const worker = await startRedisWorker({ url: secured.url, discoveryIntervalMs: 100, workerId: 'logged', logger: recordingLogger(lines) });
      try {
        await createRedisExecutor({ url: secured.url, sweepId: 'logged', attempts: 1 }).run([first, broken], { onResult: () => undefined });
      } finally {
        await worker.close();
      }
      const about = (msg: string): Record<string, unknown>[] => lines.filter((line) => line.msg === msg).sort((a, b) => Number(a.index) - Number(b.index));
      expect(about('job taken')).toEqual([
        { level: 'info', component: 'queue-worker', workerId: 'logged', jobId: 'logged-0', sweepId: 'logged', index: 0, attempt: 1, msg: 'job taken' },
        { level: 'info', component: 'queue-worker', workerId: 'logged', jobId: 'logged-1', sweepId: 'logged', index: 1, attempt: 1, msg: 'job taken' },
      ]);
      const finished = about('job finished');
      expect(finished.map(({ jobId, index, attempt, outcome, counted }) => ({ jobId, index, attempt, outcome, counted }))).toEqual([
        { jobId: 'logged-0', index: 0, attempt: 1, outcome: 'ok', counted: true },
        { jobId: 'logged-1', index: 1, attempt: 1, outcome: 'failed', counted: true },
      ]);
      for (const line of finished) {
        expect(line.durationMs).toEqual(expect.any(Number));
        expect(line.waitedMs).toEqual(expect.any(Number));
      }
      expect(secured.url).toContain(password);
      expect(JSON.stringify(lines)).not.toContain(password);
    } finally {
      await secured.close();
    }
  });
});
