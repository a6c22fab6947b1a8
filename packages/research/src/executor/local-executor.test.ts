import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResearchJob, ResearchJobResult } from '../job/research-job';
import { createLocalResolvers, dataRefOf, sha256Hex } from '../job/resolvers';
import { runResearchJob } from '../job/run-research-job';
import { datasetUrl } from '@ensemble/data';
import { planSweep } from '../sweep/sweep-plan';
import { temporaryDirectory } from '../testing/temporary-directory';
import { createLocalExecutor } from './local-executor';
import type { LocalExecutor } from './local-executor';

const hangingModule = fileURLToPath(new URL('./__fixtures__/hanging-strategy.ts', import.meta.url));
const slowDataWorker = new URL('./__fixtures__/slow-data-worker.ts', import.meta.url);
const slowStartWorker = new URL('./__fixtures__/slow-start-worker.ts', import.meta.url);
const dyingWorker = new URL('./__fixtures__/dying-worker.ts', import.meta.url);
const exitingModule = fileURLToPath(new URL('./__fixtures__/exiting-strategy.ts', import.meta.url));
const executors: LocalExecutor[] = [];

afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
});

async function jobs(count: number, hangAt: readonly number[] = []): Promise<ResearchJob[]> {
  const ref = await dataRefOf({ dataset: 'sp500' }, '.');
  const module = { path: hangingModule, sha256: sha256Hex(await readFile(hangingModule)) };
  return Array.from({ length: count }, (_, index): ResearchJob => {
    const hang = hangAt.includes(index);
    return {
      version: 1,
      kind: 'backtest',
      index,
      parameters: { fast: 5 + index },
      config: hang
        ? { data: { dataset: 'sp500', from: '2015-01-01' }, strategy: 'hang' }
        : { data: { dataset: 'sp500', from: '2015-01-01', to: '2016-12-31' }, strategy: 'sma-crossover', params: { fast: 5 + index, slow: 60 } },
      data: [ref],
      strategyModules: hang ? [module] : [],
      window: null,
    };
  });
}

async function collect(executor: LocalExecutor, list: readonly ResearchJob[], signal?: AbortSignal, onEach?: (result: ResearchJobResult) => void): Promise<ResearchJobResult[]> {
  const results: ResearchJobResult[] = [];
  await executor.run(list, {
    onResult: (result) => {
      results.push(result);
      onEach?.(result);
    },
    ...(signal === undefined ? {} : { signal }),
  });
  return results.sort((a, b) => a.index - b.index);
}

describe('createLocalExecutor', () => {
  it('runs every job on worker threads with the results of an in-process run', async () => {
    const executor = createLocalExecutor({ workers: 2 });
    executors.push(executor);
    const list = await jobs(6);
    const results = await collect(executor, list);
    const resolvers = createLocalResolvers();
    const expected = await Promise.all(list.map((job) => runResearchJob(job, resolvers)));
    expect(results).toEqual(expected);
    expect(results.every((result) => result.status === 'ok')).toBe(true);
  });

  it('threads read a day-first file with the date format of the jobs\' data reference', async () => {
    const dir = await temporaryDirectory('local-executor-day-first-');
    const [header = '', ...rows] = (await readFile(fileURLToPath(await datasetUrl('sp500')), 'utf8')).trimEnd().split('\n');
    const kept = rows.filter((row) => row.startsWith('2016-'));
    await writeFile(join(dir, 'SPX.csv'), [header, ...kept.map((row) => row.replace(/^(\d{4})-(\d{2})-(\d{2}),/, '$3.$2.$1,'))].join('\n'));
    const plan = await planSweep(
      { kind: 'backtest', config: { data: { file: 'SPX.csv', dateFormat: 'DD.MM.YYYY' }, strategy: 'sma-crossover', params: { slow: 40 } }, parameters: [{ path: 'params.fast', values: [5, 10, 15, 20] }] },
      { baseDir: dir },
    );
    const executor = createLocalExecutor({ workers: 2 });
    executors.push(executor);
    const results = await collect(executor, plan.jobs);
    const resolvers = createLocalResolvers();
    expect(results).toEqual(await Promise.all(plan.jobs.map((job) => runResearchJob(job, resolvers))));
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('stops a job that hangs in a real worker thread, records it timed-out, replaces the thread and goes on', async () => {
    const executor = createLocalExecutor({ workers: 2, jobTimeoutMs: 10_000 });
    executors.push(executor);
    await collect(executor, await jobs(2)); // both threads started and their data loaded
    const results = await collect(executor, await jobs(5, [1]));
    expect(results.map((result) => result.status)).toEqual(['ok', 'timed-out', 'ok', 'ok', 'ok']);
    expect(results[1]?.error?.code).toBe('JOB_TIMED_OUT');
    expect(results[1]?.error?.message).toContain('10000 ms');
    // The pool still has two working threads.
    const after = await collect(executor, await jobs(4));
    expect(after.map((result) => result.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('with one thread, runs the jobs queued behind a job that timed out on its replacement, each reported once', async () => {
    const executor = createLocalExecutor({ workers: 1, jobTimeoutMs: 5_000 });
    executors.push(executor);
    await collect(executor, await jobs(1)); // the thread started and its data loaded
    const reported: number[] = [];
    // One thread: jobs 1 and 2 wait in it behind the hanging job 0 when its time runs out.
    const results = await collect(executor, await jobs(4, [0]), undefined, (result) => reported.push(result.index));
    expect(results.map((result) => result.status)).toEqual(['timed-out', 'ok', 'ok', 'ok']);
    expect(reported.sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
  });

  it('counts a job timeout from the job\'s start in its thread, not from the thread\'s start-up', async () => {
    // Every thread takes 5 s to import its worker module (SLOW_START_MS), longer than the 4 s limit;
    // the jobs themselves take milliseconds. A timer started when the job was sent would stop them.
    const executor = createLocalExecutor({ workers: 1, jobTimeoutMs: 4_000, workerUrl: slowStartWorker });
    executors.push(executor);
    const results = await collect(executor, await jobs(2));
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok']);
  });

  it('counts a job timeout from after its data is loaded (the worker module\'s prepareJobInWorker), not from its thread\'s loading', async () => {
    // The thread's first job loads data for 5 s (SLOW_DATA_MS), longer than the 4 s limit; the runs take milliseconds.
    const executor = createLocalExecutor({ workers: 1, jobTimeoutMs: 4_000, workerUrl: slowDataWorker });
    executors.push(executor);
    const results = await collect(executor, await jobs(2));
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok']);
  });

  it('after a timeout, the job behind it is timed from its start on the replacement thread', async () => {
    const executor = createLocalExecutor({ workers: 1, jobTimeoutMs: 4_000, workerUrl: slowStartWorker });
    executors.push(executor);
    const results = await collect(executor, await jobs(2, [0]));
    expect(results.map((result) => result.status)).toEqual(['timed-out', 'ok']);
  });

  it('abort stops the running jobs, starts no more, resolves and keeps what finished', async () => {
    const executor = createLocalExecutor({ workers: 2 });
    executors.push(executor);
    const controller = new AbortController();
    const results = await collect(executor, await jobs(6, [1, 2, 3, 4, 5]), controller.signal, (result) => {
      if (result.index === 0) controller.abort();
    });
    expect(results.map((result) => result.index)).toEqual([0]);
    const after = await collect(executor, await jobs(2));
    expect(after.map((result) => result.status)).toEqual(['ok', 'ok']);
  });

  it('aborting one run stops its threads and sends the jobs another run had on them again, each reported once', async () => {
    const executor = createLocalExecutor({ workers: 2 });
    executors.push(executor);
    await collect(executor, await jobs(4)); // threads started, data loaded, jobs known to be short
    const controller = new AbortController();
    // Run A: every job hangs (no timeout); run B shares the threads with it.
    const hanging = collect(executor, await jobs(3, [0, 1, 2]), controller.signal);
    const reported: number[] = [];
    const other = collect(executor, await jobs(8), undefined, (result) => reported.push(result.index));
    setTimeout(() => {
      controller.abort();
    }, 3_000);
    expect(await hanging).toEqual([]);
    const results = await other;
    expect(results.map((result) => result.status)).toEqual(Array.from({ length: 8 }, () => 'ok'));
    expect(reported.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('sends short jobs in batches and reports each once, with the results of an in-process run', async () => {
    const executor = createLocalExecutor({ workers: 2 });
    executors.push(executor);
    const list = await jobs(60);
    const reported: number[] = [];
    const results = await collect(executor, list, undefined, (result) => reported.push(result.index));
    const resolvers = createLocalResolvers();
    const expected = await Promise.all(list.map((job) => runResearchJob(job, resolvers)));
    expect(results).toEqual(expected);
    expect(reported.sort((a, b) => a - b)).toEqual(list.map((job) => job.index));
  });

  it('a thread dying in a batch: each of its jobs runs again on its own, and only the job that kills its thread fails', async () => {
    const executor = createLocalExecutor({ workers: 1, workerUrl: dyingWorker });
    executors.push(executor);
    // Short jobs (2015–2016): after the first, the rest go in batches, job 7 among others.
    const list = (await jobs(40)).map((job) => (job.index === 7 ? { ...job, parameters: { ...job.parameters, die: 1 } } : job));
    const results = await collect(executor, list);
    expect(results.map((result) => result.index)).toEqual(list.map((job) => job.index));
    expect(results.filter((result) => result.status !== 'ok').map((result) => [result.index, result.status])).toEqual([[7, 'failed']]);
  });

  it('a strategy calling process.exit fails its job, not the thread or the run', async () => {
    const executor = createLocalExecutor({ workers: 1 });
    executors.push(executor);
    const module = { path: exitingModule, sha256: sha256Hex(await readFile(exitingModule)) };
    const list = (await jobs(3)).map((job) =>
      job.index === 1 ? { ...job, config: { data: { dataset: 'sp500', from: '2015-01-01', to: '2016-12-31' }, strategy: 'exit' }, strategyModules: [module] } : job,
    );
    const results = await collect(executor, list);
    expect(results.map((result) => result.status)).toEqual(['ok', 'failed', 'ok']);
    expect(results[1]?.error?.message).toMatch(/process\.exit\(3\) was called during the job/);
  });

  it('rejects bad options by name', () => {
    expect(() => createLocalExecutor({ workers: 0 })).toThrow(/workers: must be a whole number ≥ 1/);
    expect(() => createLocalExecutor({ jobTimeoutMs: 0 })).toThrow(/jobTimeoutMs: must be > 0/);
  });
});
