import { availableParallelism } from 'node:os';
import { ConfigError } from '@ensemble/protocol';
import type { JobExecutor, JobExecutorRunOptions, ResearchJob } from '../job/research-job';
import { JobThreadPool, type TypedRunOptions } from './job-thread-pool';
import { fromTyped } from './typed-result';

/** Options of {@link createLocalExecutor}. */
export interface LocalExecutorOptions {
  /** Worker threads (default: `os.availableParallelism()`, every core). */
  readonly workers?: number | undefined;
  /** A job running longer than this, in ms, is stopped (its thread terminated and replaced) and recorded `timed-out`. Default: no limit. */
  readonly jobTimeoutMs?: number | undefined;
  /**
   * The worker module (a file URL): its export `runJobInWorker(job)` runs one job in a thread.
   * Default: this package's worker, which runs `runResearchJob` with one set of local resolvers per
   * thread.
   */
  readonly workerUrl?: URL | undefined;
}

/** A {@link JobExecutor} on a pool of worker threads of this process; `close` ends the threads. */
export interface LocalExecutor extends JobExecutor {
  /** Threads of the pool. */
  readonly workers: number;
  /**
   * `run`, with each result's columns (`periodReturns`, `curve`) left in the `Float64Array`s they
   * crossed from the thread in, not copied into plain arrays: for a caller that passes them on as
   * bytes (the Redis worker stores them so).
   */
  runTyped(jobs: readonly ResearchJob[], options: TypedRunOptions): Promise<void>;
  /** Terminates the threads; the executor cannot run jobs afterwards. */
  close(): Promise<void>;
}

/** Whether this module runs from its TypeScript source (tests, tools of the repository) rather than the build. */
const fromSource = import.meta.url.endsWith('.ts');

function defaultWorker(): URL {
  return new URL(fromSource ? './job-worker.ts' : './job-worker.js', import.meta.url);
}

/**
 * A {@link JobExecutor} on `workers` worker threads, each loading its data once and running the
 * jobs it is sent one after another; every thread is kept one job ahead while there is work for
 * all, so it goes from job to job without waiting for this thread. Results cross as typed arrays
 * (one block per column, not an element-by-element clone). A job's timeout counts from its start,
 * not from its wait in the queue; a job that exceeds `jobTimeoutMs` — a strategy in an endless
 * loop included — has its thread terminated and replaced, is reported `timed-out`, and the rest go
 * on. A job whose thread dies is reported `failed`. Aborting `signal` starts no further job, stops
 * the running ones (terminating their threads) and resolves `run`; they do not report.
 */
export function createLocalExecutor(options: LocalExecutorOptions = {}): LocalExecutor {
  const workers = options.workers ?? availableParallelism();
  const timeoutMs = options.jobTimeoutMs;
  const issues = [
    ...(Number.isInteger(workers) && workers >= 1 ? [] : [{ path: 'workers', message: 'must be a whole number ≥ 1' }]),
    ...(timeoutMs === undefined || timeoutMs > 0 ? [] : [{ path: 'jobTimeoutMs', message: 'must be > 0' }]),
  ];
  if (issues.length > 0) throw new ConfigError(issues);
  const pool = new JobThreadPool({
    threads: workers,
    jobTimeoutMs: timeoutMs,
    entryUrl: new URL(fromSource ? './job-thread-source.mjs' : './job-thread.js', import.meta.url),
    moduleUrl: options.workerUrl ?? defaultWorker(),
    execArgv: fromSource ? ['--conditions=@ensemble/source'] : undefined,
  });
  let closed = false;
  return {
    workers,
    run(jobs: readonly ResearchJob[], runOptions: JobExecutorRunOptions): Promise<void> {
      return this.runTyped(jobs, {
        onResult: (result) => {
          runOptions.onResult(fromTyped(result));
        },
        signal: runOptions.signal,
      });
    },
    runTyped(jobs: readonly ResearchJob[], runOptions: TypedRunOptions): Promise<void> {
      if (closed) return Promise.reject(new Error('This executor is closed.'));
      return pool.run(jobs, runOptions);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.close();
    },
  };
}
