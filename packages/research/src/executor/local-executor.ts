import { availableParallelism } from 'node:os';
import { ConfigError } from '@ensemble/protocol';
import Tinypool from 'tinypool';
import type { JobExecutor, JobExecutorRunOptions, ResearchJob, ResearchJobResult } from '../job/research-job';
import { failedResult } from '../job/run-research-job';

/** Options of {@link createLocalExecutor}. */
export interface LocalExecutorOptions {
  /** Worker threads (default: `os.availableParallelism()`, every core). */
  readonly workers?: number | undefined;
  /** A job running longer than this, in ms, is stopped (its thread terminated and replaced) and recorded `timed-out`. Default: no limit. */
  readonly jobTimeoutMs?: number | undefined;
  /**
   * The worker module (a file URL): its default export runs one job. Default: this package's
   * worker, which runs {@link runResearchJob} with one set of local resolvers per thread.
   */
  readonly workerUrl?: URL | undefined;
}

/** A {@link JobExecutor} on a pool of worker threads of this process; `close` ends the threads. */
export interface LocalExecutor extends JobExecutor {
  /** Threads of the pool. */
  readonly workers: number;
  /** Terminates the threads; the executor cannot run jobs afterwards. */
  close(): Promise<void>;
}

/** Whether this module runs from its TypeScript source (tests, tools of the repository) rather than the build. */
const fromSource = import.meta.url.endsWith('.ts');

function defaultWorker(): URL {
  return new URL(fromSource ? './job-worker-source.mjs' : './job-worker.js', import.meta.url);
}

/** A job that ran out of time: `timed-out`, with how long it was given. */
function timedOut(index: number, timeoutMs: number): ResearchJobResult {
  const result = failedResult(index, new Error(`the job ran longer than ${String(timeoutMs)} ms; its worker thread was stopped`), 'timed-out');
  return { ...result, error: { code: 'JOB_TIMED_OUT', message: result.error?.message ?? '' } };
}

/**
 * A {@link JobExecutor} on `workers` worker threads (tinypool). At most one job runs per thread at
 * a time, so a job's timeout counts from its start, not from its wait in the queue; a job that
 * exceeds `jobTimeoutMs` — a strategy in an endless loop included — has its thread terminated and
 * replaced, is reported `timed-out`, and the rest go on. A job whose thread dies is reported
 * `failed`. Aborting `signal` starts no further job, stops the running ones (terminating their
 * threads) and resolves `run`; they do not report.
 */
export function createLocalExecutor(options: LocalExecutorOptions = {}): LocalExecutor {
  const workers = options.workers ?? availableParallelism();
  const timeoutMs = options.jobTimeoutMs;
  const issues = [
    ...(Number.isInteger(workers) && workers >= 1 ? [] : [{ path: 'workers', message: 'must be a whole number ≥ 1' }]),
    ...(timeoutMs === undefined || timeoutMs > 0 ? [] : [{ path: 'jobTimeoutMs', message: 'must be > 0' }]),
  ];
  if (issues.length > 0) throw new ConfigError(issues);
  const pool = new Tinypool({
    filename: (options.workerUrl ?? defaultWorker()).href,
    minThreads: workers,
    maxThreads: workers,
    name: 'runJobInWorker',
    ...(fromSource ? { execArgv: ['--conditions=@ensemble/source'] } : {}),
  });
  let closed = false;

  const runOne = async (job: ResearchJob, outer: AbortSignal | undefined, report: (result: ResearchJobResult) => void): Promise<void> => {
    const stop = new AbortController();
    const state = { expired: false };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            state.expired = true;
            stop.abort();
          }, timeoutMs);
    const onOuterAbort = (): void => {
      stop.abort();
    };
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      report((await pool.run(job, { signal: stop.signal })) as ResearchJobResult);
    } catch (error) {
      if (state.expired) report(timedOut(job.index, timeoutMs ?? 0));
      else if (outer?.aborted !== true) report(failedResult(job.index, error));
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
  };

  return {
    workers,
    async run(jobs: readonly ResearchJob[], runOptions: JobExecutorRunOptions): Promise<void> {
      if (closed) throw new Error('This executor is closed.');
      const signal = runOptions.signal;
      const onResult = (result: ResearchJobResult): void => {
        runOptions.onResult(result);
      };
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < jobs.length && signal?.aborted !== true) {
          const job = jobs[next++];
          if (job !== undefined) await runOne(job, signal, onResult);
        }
      };
      await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, lane));
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.destroy();
    },
  };
}
