import { checkJobResult } from '../job/job-result-check';
import type { JobResultError } from '../job/job-result-check';
import type { JobExecutor, ResearchJob, ResearchJobResult } from '../job/research-job';
import type { Journal } from './journal';
import { arrayIssue, checkArguments, nullAsAbsent } from '@ensemble/protocol';
import { executorIssue, jobsIssue, runOptionsIssues } from '../argument-checks';

/** Where a run of jobs stands: done of total (jobs resumed from a journal count as done), the rate and an estimate of the rest. */
export interface ResearchProgress {
  readonly done: number;
  readonly total: number;
  /** Jobs finished per second in this session (resumed ones excluded), or null before the first. */
  readonly rate: number | null;
  /** Estimated ms until the last job finishes at this rate, or null without a rate. */
  readonly etaMs: number | null;
}

/** Options of {@link runJobs}. */
export interface RunJobsOptions {
  /** Records each finished job and knows the ones a previous session finished (those are not run again). */
  readonly journal?: Journal | undefined;
  /** Called after every finished job. */
  readonly onProgress?: ((progress: ResearchProgress) => void) | undefined;
  /** Stops the run; what finished is kept (and journalled). */
  readonly signal?: AbortSignal | undefined;
  /** The clock, ms (default `performance.now`); for tests. */
  readonly now?: (() => number) | undefined;
}

/** The outcome of {@link runJobs}: results by index, and whether the run was stopped before the end. */
export interface JobsOutcome {
  readonly results: ReadonlyMap<number, ResearchJobResult>;
  readonly aborted: boolean;
}

/** Results within this many ms of the first are one burst, not a pace (see `runJobs`'s rate). */
const BURST_MS = 100;

/**
 * Runs `jobs` on `executor`, skipping the ones the journal has, journalling each new result as it
 * arrives and reporting progress. Resolves when every job has a result or the signal aborted.
 * Each result the executor reports is checked ({@link checkJobResult}): the first that is not a
 * research job result (e.g. one that went through `JSON.stringify`) stops the run, and the call
 * rejects with its {@link JobResultError}; nothing of it is journalled.
 */
export async function runJobs(jobs: readonly ResearchJob[], executor: JobExecutor, given: RunJobsOptions = {}): Promise<JobsOutcome> {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('runJobs', [arrayIssue(jobs, 'jobs', 'an array of research jobs (a plan\'s jobs)') ?? jobsIssue(jobs, 'jobs', true), executorIssue(executor), ...runOptionsIssues(given)]);
  const options = nullAsAbsent(given, {});
  const results = new Map<number, ResearchJobResult>();
  const wanted = new Set(jobs.map((job) => job.index));
  for (const [index, result] of options.journal?.finished ?? []) if (wanted.has(index)) results.set(index, result);
  const pending = jobs.filter((job) => !results.has(job.index));
  const now = options.now ?? (() => performance.now());
  const resumed = results.size;
  const total = jobs.length;
  // The pace is timed from the first results on: the threads' start-up and their first loading of
  // the data come before them, and would make the first rates low and the first estimates long.
  // Results that come together at first — a queue's results finished before the coordinator
  // looked, collected at its first poll — are not a pace either (2,213.9 jobs/s for a job a
  // second): the pace is timed from the last result of the first batch (handed over in the same
  // synchronous run as the first, however long it takes to read) or within BURST_MS of the first.
  let burstFrom: number | null = null;
  let firstBatch = false;
  let anchorAt = 0;
  let anchorCount = 0;
  const report = (): void => {
    if (options.onProgress === undefined) return;
    const fresh = results.size - resumed;
    let rate: number | null = null;
    if (fresh > 0) {
      const at = now();
      if (burstFrom === null) {
        burstFrom = at;
        firstBatch = true;
        queueMicrotask(() => {
          firstBatch = false;
        });
      }
      if (firstBatch || at - burstFrom <= BURST_MS) {
        anchorAt = at;
        anchorCount = fresh;
      } else if (at > anchorAt) {
        rate = (fresh - anchorCount) / ((at - anchorAt) / 1000);
      }
    }
    options.onProgress({ done: results.size, total, rate, etaMs: rate === null ? null : ((total - results.size) / rate) * 1000 });
  };
  report();
  if (pending.length > 0 && options.signal?.aborted !== true) {
    // Stops the executor at the first malformed result (with the caller's signal, if any).
    const broken = new AbortController();
    let malformed: JobResultError | undefined;
    const signal = options.signal === undefined ? broken.signal : AbortSignal.any([options.signal, broken.signal]);
    await executor.run(pending, {
      onResult: (result) => {
        if (malformed !== undefined) return;
        try {
          checkJobResult(result);
        } catch (error) {
          malformed = error as JobResultError;
          broken.abort(error);
          return;
        }
        if (!wanted.has(result.index) || results.has(result.index)) return;
        results.set(result.index, result);
        options.journal?.append(result);
        report();
      },
      signal,
    });
    if (malformed !== undefined) throw malformed;
  }
  return { results, aborted: results.size < total };
}
