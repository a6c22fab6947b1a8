import { basename } from 'node:path';
import { checkArguments, type Logger } from '@ensemble/protocol';
import { queueOptionsIssues } from './argument-checks';
import { createLocalExecutor, failedResult, researchJobSchema, type ResearchJob, type ResearchJobResult } from '@ensemble/research';
import { UnrecoverableError } from 'bullmq';
import { researchCompatibility } from './redis-executor';
import { shortSweepId } from './keys';
import { encodeResult } from './research-result';
import { localStrategyModule, StrategyModuleError } from './strategy-modules';
import { startQueueWorker, type QueueWorker, type WorkerJobContext } from './sweep-worker';

/** Options of {@link startRedisWorker}. */
export interface RedisWorkerOptions {
  /** `redis://…` or `rediss://…`; printed only redacted. */
  readonly url: string;
  /** Namespace of every key (default `ensemble`); the coordinators' prefix. */
  readonly prefix?: string;
  /** Jobs run at once, each on its own worker thread (default 1). */
  readonly concurrency?: number;
  /** Where the strategy modules this worker may run live (default: built-in strategies only). */
  readonly strategiesDir?: string;
  /**
   * The worker-thread module that runs each job (a file URL, see `createLocalExecutor`'s
   * `workerUrl`), e.g. one whose resolvers import TypeScript strategy files. Default: the research
   * package's worker.
   */
  readonly workerUrl?: URL;
  /** Keep fetched data files here, by hash, across runs (default: a temporary directory). */
  readonly cacheDir?: string;
  /** A job running longer is stopped, its thread replaced, and reported `timed-out` (default: no limit). */
  readonly jobTimeoutMs?: number;
  /** This worker's name in status reports (default `<host>:<pid>`). */
  readonly workerId?: string;
  /** Lock duration in ms: a worker silent this long (killed, frozen) loses its jobs to others (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often to look for jobs of lost workers, ms (default 15 s). */
  readonly stalledIntervalMs?: number;
  /** How often to look for new sweeps, ms (default 1 s). */
  readonly discoveryIntervalMs?: number;
  /** How long `close` waits for running jobs, ms (default 30 s). */
  readonly closeTimeoutMs?: number;
  /** How long to wait for Redis at start, ms (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** What this worker runs (default {@link researchCompatibility}): it takes jobs only of sweeps started with the same. */
  readonly compatibility?: string;
  readonly logger?: Logger;
}

/** A job with its data files and strategy modules pointing at this worker's own copies. */
async function localJob(job: ResearchJob, context: WorkerJobContext, strategiesDir: string | undefined): Promise<ResearchJob> {
  const data = await Promise.all(
    job.data.map(async (ref) => (ref.file === undefined ? ref : { ...ref, file: await context.datasetFile(ref.sha256, basename(ref.file)) })),
  );
  const strategyModules = await Promise.all(job.strategyModules.map((ref) => localStrategyModule(ref, strategiesDir)));
  return { ...job, data, strategyModules };
}

/**
 * Starts a worker process's part of a distributed sweep: it takes research jobs from every sweep
 * under `prefix` and runs them on its own pool of `concurrency` worker threads (the research
 * package's local executor). Every payload is checked with `researchJobSchema` (a malformed one
 * fails for good, logged, never run); data files come from Redis by hash; strategy modules only
 * from `strategiesDir` with the planned SHA-256 (otherwise the job fails naming the file and hash);
 * nothing read from the queue is evaluated as code. A job over `jobTimeoutMs` is reported
 * `timed-out` and its thread replaced.
 */
export async function startRedisWorker(options: RedisWorkerOptions): Promise<QueueWorker> {
  checkArguments('startRedisWorker', queueOptionsIssues(options, 'worker options: url and optionally prefix, concurrency, strategiesDir, …', {}));
  const executor = createLocalExecutor({ workers: options.concurrency ?? 1, jobTimeoutMs: options.jobTimeoutMs, workerUrl: options.workerUrl });
  try {
    const worker = await startQueueWorker<ResearchJob, ResearchJobResult>({
      compatibility: researchCompatibility(),
      ...options,
      parseJob: (data) => researchJobSchema.parse(data),
      encodeResult,
      outcomeOf: (result) => result.status,
      async process(job, context) {
        let local: ResearchJob;
        try {
          local = await localJob(job, context, options.strategiesDir);
        } catch (error) {
          // The same answer on every attempt: not worth retrying.
          // The result is stored as failed for good (a rerun reuses it): say how to run it again.
          if (StrategyModuleError.isInstance(error)) {
            throw new UnrecoverableError(`${error.message} A job failed this way stays failed in this sweep: once every worker has the file, remove the sweep (ensemble queue clean --force ${shortSweepId(context.sweepId)}) and run it again.`);
          }
          throw error;
        }
        // The period returns stay in the block they crossed from the thread in, and are stored as its bytes.
        // A job the closing worker gives up has its thread stopped (the queue worker hands it back).
        let result: ResearchJobResult | undefined;
        await executor.run([local], {
          onResult: (value) => {
            result = value;
          },
          signal: context.signal,
        });
        return result ?? failedResult(job.index, new Error('the worker thread gave no result'));
      },
    });
    return {
      id: worker.id,
      get completed() {
        return worker.completed;
      },
      async close(closeOptions) {
        await worker.close(closeOptions);
        await executor.close();
      },
    };
  } catch (error) {
    await executor.close();
    throw error;
  }
}
