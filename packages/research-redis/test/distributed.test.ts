import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticCsv } from '@ensemble/data';
import { readFile, writeFile } from 'node:fs/promises';
import { loadDataset, toCsv } from '@ensemble/data';
import { SWEEP_OUTPUT_FILES, WALK_FORWARD_OUTPUT_FILES, createLocalExecutor, dataRefOf, planSweepFile, planWalkForward, runSweepToDirectory, runWalkForwardToDirectory, type DataRef, type ResearchJob, type ResearchJobResult } from '@ensemble/research';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisExecutor } from '../src/redis-executor';
import { sweepStatus } from '../src/sweep-status';
import { startRedisServer, type TestRedisServer } from '../src/testing/redis-server';
import { localRun, resultBytes, slowJobs, smaJobs, spawnWorker, stopWorker, waitFor, workerOutput } from './distributed';

let server: TestRedisServer;
let directory: string;
let file: DataRef;
let fileConfig: Record<string, unknown>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startRedisServer({ password: 'dist-secret' });
  directory = mkdtempSync(join(tmpdir(), 'ensemble-dist-'));
  const path = join(directory, 'SYN.csv');
  writeFileSync(path, generateSyntheticCsv({ rows: 2_000, seed: 7 }));
  file = await dataRefOf({ file: path }, directory);
  fileConfig = { data: { file: path } };
});

afterAll(async () => {
  await Promise.all(children.map((child) => stopWorker(child)));
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

async function workers(count: number, prefix: string): Promise<ChildProcess[]> {
  const started = await Promise.all(Array.from({ length: count }, (_, k) => spawnWorker(server.url, `${prefix}-w${k}`, { prefix, cacheDir: join(directory, `cache-${prefix}-w${k}`) })));
  children.push(...started);
  return started;
}

async function queueRun(jobs: readonly ResearchJob[], sweepId: string, prefix: string, extra: { lostTimeoutMs?: number } = {}): Promise<ResearchJobResult[]> {
  const results: ResearchJobResult[] = [];
  await createRedisExecutor({ url: server.url, prefix, sweepId, ...extra }).run(jobs, { onResult: (result) => results.push(result) });
  return results;
}

function indexesOnce(results: readonly ResearchJobResult[], count: number): void {
  expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
  expect(results.map((r) => r.error?.message ?? r.status)).toEqual(results.map(() => 'ok'));
}

/** A sweep spec over a two-sleeve run config on S&P 500 2008–2013 as a CSV file: 8 combinations. */
async function sweepSpec(): Promise<string> {
  const data = await loadDataset('sp500', { from: '2008-01-01', to: '2013-12-31' });
  await writeFile(join(directory, 'prices.csv'), toCsv(data));
  const run = {
    data: { file: 'prices.csv' },
    commission: { kind: 'percent', rate: 0.0005 },
    allocation: { scheme: 'equal' },
    rebalance: { schedule: 'quarter' },
    strategies: [
      { id: 'trend', strategy: 'sma-crossover', params: { fast: 10, slow: 50 }, symbols: ['prices'] },
      { id: 'hold', strategy: 'buy-and-hold', symbols: ['prices'] },
    ],
  };
  await writeFile(join(directory, 'run.json'), JSON.stringify(run));
  const spec = {
    config: 'run.json',
    parameters: [
      { path: 'strategies.trend.params.fast', values: [5, 10, 20, 40] },
      { path: 'strategies.trend.params.slow', values: [60, 120] },
    ],
    objective: 'sharpe',
    pboBlocks: 4,
  };
  const file = join(directory, 'sweep.json');
  await writeFile(file, JSON.stringify(spec));
  return file;
}

describe('research jobs on worker processes through Redis', () => {
  it('a sweep on two worker processes writes the same output files, byte for byte, as on one local thread', async () => {
    const plan = await planSweepFile(await sweepSpec());
    expect(plan.jobs).toHaveLength(8);
    const local = createLocalExecutor({ workers: 1 });
    try {
      await runSweepToDirectory(plan, local, join(directory, 'out-local'));
    } finally {
      await local.close();
    }
    const pair = await workers(2, 'sweep');
    const outcome = await runSweepToDirectory(plan, createRedisExecutor({ url: server.url, prefix: 'sweep', sweepId: plan.sweepId }), join(directory, 'out-queue'));
    expect(outcome.result.counts).toMatchObject({ planned: 8, ok: 8, failed: 0, timedOut: 0, notRun: 0 });
    expect(outcome.result.rows.map((row) => row.status)).toEqual(Array.from({ length: 8 }, () => 'ok'));
    for (const name of SWEEP_OUTPUT_FILES) {
      expect(await readFile(join(directory, 'out-queue', name), 'utf8'), name).toBe(await readFile(join(directory, 'out-local', name), 'utf8'));
    }
    const [status] = await sweepStatus({ url: server.url, prefix: 'sweep' }, plan.sweepId);
    expect(status?.workers.reduce((sum, w) => sum + w.completed, 0)).toBe(8);
    await Promise.all(pair.map((child) => stopWorker(child)));
  });

  it('two workers give byte for byte the results of a local one-thread run (data file sent through Redis)', async () => {
    const jobs = smaJobs(file, 10, fileConfig);
    const expected = await localRun(jobs);
    const pair = await workers(2, 'share');
    const results = await queueRun(jobs, 'share-1', 'share');
    indexesOnce(results, 10);
    expect(resultBytes(results)).toBe(expected);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    const [status] = await sweepStatus({ url: server.url, prefix: 'share' }, 'share-1');
    expect(status?.done).toBe(10);
    expect(status?.workers.reduce((sum, w) => sum + w.completed, 0)).toBe(10);
    await Promise.all(pair.map((child) => stopWorker(child)));
  });

  it('a walk-forward (train jobs, then one test job per window, all under one sweep id) writes the same files as locally', async () => {
    const plan = await planWalkForward({
      kind: 'backtest',
      config: { data: { dataset: 'sp500', from: '2005-01-01', to: '2009-12-31' }, strategy: 'sma-crossover', params: { fast: 10, slow: 50 }, commission: { kind: 'percent', rate: 0.0005 } },
      parameters: [
        { path: 'params.fast', values: [10, 20] },
        { path: 'params.slow', values: [50, 100] },
      ],
      objective: 'sharpe',
      windows: { train: '2y', test: '1y' },
    });
    const local = createLocalExecutor({ workers: 1 });
    try {
      await runWalkForwardToDirectory(plan, local, join(directory, 'wf-local'));
    } finally {
      await local.close();
    }
    const [worker] = await workers(1, 'walk');
    if (worker === undefined) throw new Error('no worker');
    const executor = createRedisExecutor({ url: server.url, prefix: 'walk', sweepId: plan.planId, phased: true });
    await runWalkForwardToDirectory(plan, executor, join(directory, 'wf-queue'));
    for (const name of WALK_FORWARD_OUTPUT_FILES) {
      expect(await readFile(join(directory, 'wf-queue', name), 'utf8'), name).toBe(await readFile(join(directory, 'wf-local', name), 'utf8'));
    }
    const [status] = await sweepStatus({ url: server.url, prefix: 'walk' }, plan.planId);
    expect(status?.total).toBe(plan.trainJobs.length + plan.windows.length);
    // Every job queued has its result, but only the walk-forward knows it queued its last: finished once it says so.
    expect(status).toMatchObject({ done: status?.total, finished: false, phasesLeft: true });
    await executor.complete();
    expect((await sweepStatus({ url: server.url, prefix: 'walk' }, plan.planId))[0]).toMatchObject({ finished: true, phasesLeft: false });
    await stopWorker(worker);
  });

  it('a worker killed with SIGKILL mid-job: its job runs again elsewhere, counted once, same output', async () => {
    const jobs = slowJobs(file, 4, 1_500, fileConfig);
    const expected = await localRun(jobs);
    const [victim, survivor] = await workers(2, 'kill');
    if (victim === undefined || survivor === undefined) throw new Error('no workers');
    const run = queueRun(jobs, 'kill-1', 'kill');
    // Killed as soon as it says it took a job (polled every 50 ms), 1.5 s before that job can
    // finish: mid-job. Waiting for two active jobs in the queue instead could see the victim's
    // job when it was about to finish, so on a loaded machine the victim sometimes stored its
    // result first, nothing stalled, and no job was taken again.
    expect(await waitFor(() => Promise.resolve((workerOutput.get('kill-w0') ?? '').includes('"msg":"job taken"')), 60_000)).toBe(true);
    victim.kill('SIGKILL');
    const results = await run;
    // The premise held: the victim finished no job.
    expect(workerOutput.get('kill-w0') ?? '').not.toContain('"msg":"job finished"');
    indexesOnce(results, 4);
    expect(resultBytes(results)).toBe(expected);
    const [status] = await sweepStatus({ url: server.url, prefix: 'kill' }, 'kill-1');
    expect(status?.workers.reduce((sum, w) => sum + w.completed, 0)).toBe(4);
    // The victim's job, taken again from the stalled worker, is logged as its second attempt. The
    // survivor's log reaches this process through a pipe, which on a loaded machine can lag
    // behind the result that came through Redis: wait for it (bounded).
    const retaken = /"attempt":2[,}].*"msg":"job taken"/;
    expect(await waitFor(() => Promise.resolve(retaken.test([...workerOutput.values()].join('\n'))), 10_000)).toBe(true);
    await stopWorker(survivor);
  });

  it('Redis stopped and restarted mid-sweep: the sweep finishes with the same output', async () => {
    const jobs = slowJobs(file, 6, 400, fileConfig);
    const expected = await localRun(jobs);
    const pair = await workers(2, 'bounce');
    const run = queueRun(jobs, 'bounce-1', 'bounce', { lostTimeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await server.restart();
    const results = await run;
    indexesOnce(results, 6);
    expect(resultBytes(results)).toBe(expected);
    await Promise.all(pair.map((child) => stopWorker(child)));
  });

  it('a coordinator stopped mid-sweep: running the same sweep id again finishes it, keeping the stored results', async () => {
    const jobs = slowJobs(file, 6, 300, fileConfig);
    const expected = await localRun(jobs);
    const [worker] = await workers(1, 'resume');
    if (worker === undefined) throw new Error('no worker');
    const first: ResearchJobResult[] = [];
    const stop = new AbortController();
    await createRedisExecutor({ url: server.url, prefix: 'resume', sweepId: 'resume-1' }).run(jobs, {
      onResult: (result) => {
        first.push(result);
        if (first.length === 2) stop.abort();
      },
      signal: stop.signal,
    });
    expect(first.length).toBeLessThan(6);
    const second = await queueRun(jobs, 'resume-1', 'resume');
    indexesOnce(second, 6);
    expect(resultBytes(second)).toBe(expected);
    await stopWorker(worker);
  });

  it('no worker printed the password, though they logged the URL and the lost connection of the restart', () => {
    const all = [...workerOutput.values()].join('\n');
    expect(all).toContain('redis://:***@127.0.0.1');
    expect(all).toContain('lost the connection to Redis; reconnecting');
    expect(all).not.toContain('dist-secret');
  });
});
