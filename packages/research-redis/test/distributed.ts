import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocalExecutor, runJobs, sha256Hex, type DataRef, type ResearchJob, type ResearchJobResult } from '@ensemble/research';

/** The directory of the test fixtures: a worker's strategies directory. */
export const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const slowModule = fileURLToPath(new URL('./fixtures/slow-strategy.ts', import.meta.url));
const workerScript = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

/** sma-crossover backtests over a grid, on `data`. */
export function smaJobs(data: DataRef, count: number, config: Record<string, unknown>): ResearchJob[] {
  return Array.from({ length: count }, (_, index): ResearchJob => ({
    version: 1,
    kind: 'backtest',
    index,
    parameters: { fast: 3 + index },
    config: { ...config, strategy: 'sma-crossover', params: { fast: 3 + index, slow: 30 }, commission: { kind: 'percent', rate: 0.001 } },
    data: [data],
    strategyModules: [],
    window: null,
  }));
}

/**
 * Jobs of the `slow` fixture strategy, whose module the planner had at another path: a worker
 * finds it under its strategies directory by file name and hash.
 */
export function slowJobs(data: DataRef, count: number, pauseMs: number, config: Record<string, unknown>): ResearchJob[] {
  const module = { path: '/home/planner/strategies/slow-strategy.ts', sha256: sha256Hex(readFileSync(slowModule)) };
  return Array.from({ length: count }, (_, index): ResearchJob => ({
    version: 1,
    kind: 'backtest',
    index,
    parameters: { pauseMs },
    config: { ...config, strategy: 'slow', params: { pauseMs } },
    data: [data],
    strategyModules: [module],
    window: null,
  }));
}

/** Results ordered by index, as the bytes an output file of them would hold. */
export function resultBytes(results: Iterable<ResearchJobResult>): string {
  return JSON.stringify([...results].sort((a, b) => a.index - b.index), null, 2);
}

/** The same jobs on one local worker thread, with the planner's own module paths. */
export async function localRun(jobs: readonly ResearchJob[]): Promise<string> {
  const local = jobs.map((job) => ({ ...job, strategyModules: job.strategyModules.map((ref) => ({ ...ref, path: slowModule })) }));
  const executor = createLocalExecutor({ workers: 1 });
  try {
    return resultBytes((await runJobs(local, executor)).results.values());
  } finally {
    await executor.close();
  }
}

/** Everything the worker processes printed (stdout and stderr), by worker id. */
export const workerOutput = new Map<string, string>();

/**
 * A worker process (tsx from source); resolves once it is attached. `cacheDir`: where it keeps
 * data on disk (default a temporary directory it removes when closed — a killed worker cannot).
 */
export async function spawnWorker(url: string, id: string, options: { concurrency?: number; prefix?: string; cacheDir?: string } = {}): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@ensemble/source', '--import', 'tsx', workerScript, '--url', url, '--id', id, '--concurrency', String(options.concurrency ?? 1), '--strategies-dir', fixturesDir, '--prefix', options.prefix ?? 'ensemble', ...(options.cacheDir === undefined ? [] : ['--cache-dir', options.cacheDir])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    workerOutput.set(id, output);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`worker ${id} did not start within 60 s: ${output}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      workerOutput.set(id, output);
      if (output.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${id} exited with ${String(code)}: ${output}`));
    });
  });
  return child;
}

/** Stops a worker process: SIGTERM, then SIGKILL after 10 s. */
export async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `check` every 50 ms until it holds, at most `timeoutMs`; false when it never did. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
