import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticCsv } from '@ensemble/data';
import { createLocalExecutor, dataRefOf, runJobs, type DataRef, type JobExecutor, type LocalExecutor, type ResearchJob } from '@ensemble/research';
import { createRedisExecutor, startRedisWorker, type QueueWorker } from '@ensemble/research-redis';
import { findRedisServer, startRedisServer, type TestRedisServer } from '@ensemble/research-redis/testing';
import type { BenchCase, BenchResult } from '../harness';

/** Why the queue cases did not run, or null when `redis-server` is there. */
export function queueSkipReason(): string | null {
  return findRedisServer() === null ? 'redis-server not found: install it with apt-get install -y redis-server (the queue-* cases are skipped)' : null;
}

const WORKER_SCRIPT = fileURLToPath(new URL('../../packages/research-redis/test/worker-process.ts', import.meta.url));

function smaJobs(data: DataRef, count: number, file: string): ResearchJob[] {
  return Array.from({ length: count }, (_, index): ResearchJob => ({
    version: 1,
    kind: 'backtest',
    index,
    parameters: { fast: 5 + (index % 40) },
    config: { data: { file }, strategy: 'sma-crossover', params: { fast: 5 + (index % 40), slow: 60 } },
    data: [data],
    strategyModules: [],
    window: null,
  }));
}

async function runAll(jobs: readonly ResearchJob[], executor: JobExecutor): Promise<number> {
  return (await runJobs(jobs, executor)).results.size;
}

interface Shared {
  readonly directory: string;
  readonly server: TestRedisServer;
  readonly children: ChildProcess[];
  readonly closers: (() => Promise<void>)[];
}

async function sharedSetup(bars: number): Promise<Shared & { readonly jobsOf: (count: number) => ResearchJob[] }> {
  const directory = mkdtempSync(join(tmpdir(), 'ensemble-bench-queue-'));
  const file = join(directory, 'SYN.csv');
  writeFileSync(file, generateSyntheticCsv({ rows: bars, seed: 11 }));
  const data = await dataRefOf({ file }, directory);
  const server = await startRedisServer();
  return { directory, server, children: [], closers: [], jobsOf: (count) => smaJobs(data, count, file) };
}

async function cleanupShared(shared: Shared | undefined): Promise<void> {
  if (shared === undefined) return;
  for (const close of shared.closers) await close();
  for (const child of shared.children) child.kill('SIGTERM');
  await shared.server.close();
  rmSync(shared.directory, { recursive: true, force: true });
}

/** A worker process on `prefix`, resolved once it is attached. */
async function spawnWorker(url: string, prefix: string, id: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@ensemble/source', '--import', 'tsx', WORKER_SCRIPT, '--url', url, '--prefix', prefix, '--id', id, '--concurrency', '1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`queue worker ${id} did not start within 60 s`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

interface OverheadContext {
  readonly jobs: readonly ResearchJob[];
  readonly url: string;
  readonly local: LocalExecutor;
  next: number;
}

/**
 * `queue-overhead-<n>`: `n` short backtests through Redis to one in-process queue worker (one
 * thread), against the same jobs on the local pool (one thread): (run − baseline) / n is the
 * queue's cost per job on loopback. Goal ≤ 5 ms.
 */
export function queueOverheadCase(jobCount: number, bars: number): BenchCase<OverheadContext> & { cleanup(): Promise<void>; goal(result: BenchResult): { goal: string; met: boolean } } {
  let shared: Shared | undefined;
  return {
    name: `queue-overhead-${jobCount}`,
    size: jobCount,
    async setup() {
      const setup = await sharedSetup(bars);
      shared = setup;
      const worker: QueueWorker = await startRedisWorker({ url: setup.server.url, prefix: 'overhead', concurrency: 1, discoveryIntervalMs: 50 });
      const local = createLocalExecutor({ workers: 1 });
      setup.closers.push(() => worker.close(), () => local.close());
      return { jobs: setup.jobsOf(jobCount), url: setup.server.url, local, next: 0 };
    },
    // A new sweep id every time: the same id would hand back the stored results.
    run: (context) => runAll(context.jobs, createRedisExecutor({ url: context.url, prefix: 'overhead', sweepId: `overhead-${context.next++}`, pollIntervalMs: 5 })),
    baseline: (context) => runAll(context.jobs, context.local),
    cleanup: () => cleanupShared(shared),
    goal(result) {
      const perJob = result.baselineMs === null ? Number.NaN : (result.medianMs - result.baselineMs) / jobCount;
      return { goal: `queue overhead ${perJob.toFixed(2)} ms per job (goal ≤ 5 ms)`, met: perJob <= 5 };
    },
  };
}

interface ScalingContext {
  readonly jobs: readonly ResearchJob[];
  readonly url: string;
  next: number;
}

/**
 * `queue-two-workers-<n>`: `n` backtests through Redis on two worker processes (one thread each),
 * against the same on one worker process. Goal: two workers ≥ 1.6× the throughput of one
 * (ratio to baseline ≤ 0.625).
 */
export function queueScalingCase(jobCount: number, bars: number): BenchCase<ScalingContext> & { cleanup(): Promise<void>; goal(result: BenchResult): { goal: string; met: boolean } } {
  let shared: Shared | undefined;
  return {
    name: `queue-two-workers-${jobCount}`,
    size: jobCount,
    async setup() {
      const setup = await sharedSetup(bars);
      shared = setup;
      const url = setup.server.url;
      setup.children.push(...(await Promise.all([spawnWorker(url, 'one', 'one-a'), spawnWorker(url, 'two', 'two-a'), spawnWorker(url, 'two', 'two-b')])));
      return { jobs: setup.jobsOf(jobCount), url, next: 0 };
    },
    run: (context) => runAll(context.jobs, createRedisExecutor({ url: context.url, prefix: 'two', sweepId: `two-${context.next++}` })),
    baseline: (context) => runAll(context.jobs, createRedisExecutor({ url: context.url, prefix: 'one', sweepId: `one-${context.next++}` })),
    cleanup: () => cleanupShared(shared),
    goal(result) {
      const speedup = result.ratioToBaseline === null || result.ratioToBaseline === 0 ? Number.NaN : 1 / result.ratioToBaseline;
      return { goal: `two workers ${speedup.toFixed(2)}× one (goal ≥ 1.6×)`, met: speedup >= 1.6 };
    },
  };
}
