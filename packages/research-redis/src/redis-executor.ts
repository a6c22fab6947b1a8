import { readDataBytes } from '@ensemble/data';
import { EnsembleError, MAX_LINE_LENGTH, type Logger, quoteValue } from '@ensemble/protocol';
import { sha256Hex, type JobExecutor, type ResearchJob } from '@ensemble/research';
import { parseStoredResult, queueFailedResult } from './research-result';
import { runSweepOnQueue, type QueuedDataset, type SweepProgress } from './sweep-coordinator';

/** Options of {@link createRedisExecutor}. */
export interface RedisExecutorOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS); printed only redacted. */
  readonly url: string;
  /** Namespace of every key (default `ensemble`); workers must use the same. */
  readonly prefix?: string;
  /** The sweep's id; running a sweep id again resumes it (the same jobs are required). */
  readonly sweepId: string;
  /** Attempts per job before it fails for good (default 3). */
  readonly attempts?: number;
  /** How long to wait for Redis at start (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** How long a lost connection is tolerated before the run fails (default 30 s). */
  readonly lostTimeoutMs?: number;
  /** How often the results list is read while nothing new arrives, ms (default 25). */
  readonly pollIntervalMs?: number;
  /** Called about once a second with the queue's counts. */
  readonly onProgress?: (progress: SweepProgress) => void;
  readonly logger?: Logger;
}

/**
 * The data files the jobs read, by content, for the workers: each file is read once and must still
 * hash to its reference. Embedded data sets (`name`) are not stored: every worker has them, and
 * its loader checks their hash.
 */
export function queuedDatasets(jobs: readonly ResearchJob[]): QueuedDataset[] {
  const files = new Map<string, string>();
  for (const job of jobs) for (const ref of job.data) if (ref.file !== undefined) files.set(ref.sha256, ref.file);
  return [...files].map(([sha256, file]) => ({
    sha256,
    async load() {
      const bytes = await readDataBytes(file);
      if (sha256Hex(bytes) !== sha256) {
        throw new EnsembleError('DATA_INVALID', `The data ${quoteValue(file, MAX_LINE_LENGTH)} changed since the research was planned (its SHA-256 differs); plan it again.`);
      }
      return bytes;
    },
  }));
}

/**
 * A `JobExecutor` that runs research jobs on every worker attached to one Redis: the jobs are
 * enqueued as `<sweepId>-<index>` (so enqueueing again is a no-op), their data files stored once
 * by SHA-256, and each result handed to `onResult` exactly once per combination index — a job
 * retried after a stalled worker is not counted twice. Running the same sweep id again (a
 * coordinator restarted) hands over the results already in Redis and waits for the rest. Redis
 * unreachable at start, or away longer than `lostTimeoutMs`, rejects with a `QueueConnectionError`.
 */
export function createRedisExecutor(options: RedisExecutorOptions): JobExecutor {
  return {
    run(jobs, runOptions) {
      return runSweepOnQueue(
        jobs,
        {
          ...options,
          indexOf: (job: ResearchJob) => job.index,
          parseResult: parseStoredResult,
          failedResult: queueFailedResult,
          datasets: queuedDatasets(jobs),
        },
        { onResult: (result) => { runOptions.onResult(result); }, ...(runOptions.signal === undefined ? {} : { signal: runOptions.signal }) },
      );
    },
  };
}
