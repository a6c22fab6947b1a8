import { readDataBytes } from '@ensemble/data';
import { EnsembleError, MAX_LINE_LENGTH, checkArguments, quoteValue, arrayIssue } from '@ensemble/protocol';
import { queueOptionsIssues } from './argument-checks';
import { computingPackageVersions, sha256Hex, type JobExecutor, type ResearchJob, type ResearchJobResult } from '@ensemble/research';
import { encodeResult, parseStoredResult, queueFailedResult } from './research-result';
import { runSweepOnQueue, type QueuedDataset, type SweepCoordinatorOptions } from './sweep-coordinator';
import { markSweepComplete } from './sweep-status';

/**
 * The compatibility tag of research sweeps: the versions of the packages that compute a job's
 * result (`computingPackageVersions()`), e.g. `@ensemble/data 0.1.0, @ensemble/engine 0.1.0, …`.
 * A worker takes a sweep's jobs only when its own packages have the same versions, so that one
 * sweep never ranks results of two engines together.
 */
export function researchCompatibility(): string {
  return Object.entries(computingPackageVersions())
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
}

/**
 * Options of {@link createRedisExecutor}: the coordinator's (`url`, `sweepId`, `prefix`,
 * `attempts`, `connectTimeoutMs`, `lostTimeoutMs`, `pollIntervalMs`, `onProgress`, `onRefusal`,
 * `onIdle`, `idleMs`, `onStoredAgain`, `logger`, `compatibility` — default {@link researchCompatibility}; see
 * {@link SweepCoordinatorOptions}).
 */
export type RedisExecutorOptions = Omit<SweepCoordinatorOptions<ResearchJob, ResearchJobResult>, 'indexOf' | 'parseResult' | 'encodeResult' | 'failedResult' | 'datasets'>;

/**
 * The data files the jobs read, by content, for the workers: each file is read once and must still
 * hash to its reference. Embedded data sets (`name`) are not stored: every worker has them, and
 * its loader checks their hash.
 */
export function queuedDatasets(jobs: readonly ResearchJob[]): QueuedDataset[] {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('queuedDatasets', [
    arrayIssue(jobs, 'jobs', 'the research jobs (an array)'),
  ]);
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
 * A research run in phases (a walk-forward) gives `phased` and calls `complete()` once its last
 * phase ran, so that the sweep counts as finished only then.
 */
export function createRedisExecutor(options: RedisExecutorOptions): JobExecutor & { complete(): Promise<void> } {
  checkArguments('createRedisExecutor', queueOptionsIssues(options, 'executor options: url and sweepId', { sweepId: 'string' }));
  return {
    /** With `phased`: records that the research's last phase ran (see {@link markSweepComplete}). */
    complete() {
      return markSweepComplete(
        { url: options.url, ...(options.prefix === undefined ? {} : { prefix: options.prefix }), ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }) },
        options.sweepId,
      );
    },
    run(jobs, runOptions) {
      return runSweepOnQueue(
        jobs,
        {
          compatibility: researchCompatibility(),
          ...options,
          indexOf: (job: ResearchJob) => job.index,
          parseResult: parseStoredResult,
          encodeResult,
          failedResult: queueFailedResult,
          datasets: queuedDatasets(jobs),
        },
        { onResult: (result) => { runOptions.onResult(result); }, ...(runOptions.signal === undefined ? {} : { signal: runOptions.signal }) },
      );
    },
  };
}
