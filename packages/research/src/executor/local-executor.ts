import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import Tinypool from 'tinypool';
import { ConfigError, checkArguments, nullAsAbsent, optionsIssue } from '@ensemble/protocol';
import type { JobExecutor, JobExecutorRunOptions, ResearchJob, ResearchJobResult } from '../job/research-job';
import { failedResult } from '../job/run-research-job';
import type { ThreadAnswer, ThreadTask } from './job-thread';

/** Options of {@link createLocalExecutor}. */
export interface LocalExecutorOptions {
  /** Worker threads (default: `os.availableParallelism()`, every core). */
  readonly workers?: number | undefined;
  /** A job running longer than this, in ms, from the moment its thread begins it (not counting the thread's start-up), is stopped (its thread terminated and replaced) and recorded `timed-out`. Default: no limit. */
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
  /** Terminates the threads; the executor cannot run jobs afterwards. */
  close(): Promise<void>;
}

/** Whether this module runs from its TypeScript source (tests, tools of the repository) rather than the build. */
const fromSource = import.meta.url.endsWith('.ts');

function defaultWorker(): URL {
  // From source, the thread's task module has registered tsx already.
  return new URL(fromSource ? './job-worker.ts' : './job-worker.js', import.meta.url);
}

/**
 * Jobs a busy thread holds besides the running one while there is work for every thread (without
 * a job timeout): the next job waits in the thread, so it goes from job to job without waiting for
 * this thread; the second covers this thread being late (a loaded machine wakes it milliseconds
 * late).
 */
const JOBS_AHEAD = 2;

/** The longest delay Node's timers take (2³¹ − 1 ms): a longer job timeout would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** How many times a job is sent again after its thread died under it (it may only have waited there). */
const RETRIES_AFTER_THREAD_DEATH = 1;

/** Whether a task's rejection is tinypool ending its thread (`Terminating worker thread`), not the thread dying of the job. */
function isTermination(error: unknown): boolean {
  return error instanceof Error && error.message === 'Terminating worker thread';
}

/** A job that ran out of time: `timed-out`, with how long it was given. */
function timedOut(index: number, timeoutMs: number): ResearchJobResult {
  const result = failedResult(index, new Error(`the job ran longer than ${String(timeoutMs)} ms; its worker thread was stopped`), 'timed-out');
  return { ...result, error: { code: 'JOB_TIMED_OUT', message: result.error?.message ?? '' } };
}

/**
 * Jobs are sent ahead only while they are short: a thread then waits for this thread between jobs
 * for a noticeable share of its time, while a long job makes that wait negligible and a job sent
 * ahead could leave another thread idle at the end of a run.
 */
const SEND_AHEAD_BELOW_MS = 20;

/**
 * While jobs are short, a thread is sent several at once, about this long together (ms): a task's
 * messages, its thread's bookkeeping and its wake-up then come once for all of them, where one
 * job of half a millisecond paid them itself — about a tenth of its time.
 */
const BATCH_MS = 4;

/** Batches are kept small enough that every thread gets at least this many near the end of a run, so that none waits long while another finishes. */
const BATCHES_PER_THREAD_LEFT = 4;

/** One call of `run`: its callbacks, its queue and how many of its jobs are still open. */
interface RunState {
  readonly jobs: readonly ResearchJob[];
  readonly signal: AbortSignal | undefined;
  /** Jobs taken back from a pool that was replaced under them, sent before the rest. */
  readonly requeued: ResearchJob[];
  /** Jobs taken back from a thread that died under them: each runs alone (see `dispatch`). */
  readonly suspects: ResearchJob[];
  /** The stops of this run's jobs in flight (with a job timeout), aborted with the run's signal by one listener. */
  readonly stops: Set<AbortController>;
  readonly onResult: (result: ResearchJobResult) => void;
  next: number;
  inFlight: number;
  open: number;
  stopped: boolean;
  readonly retries: Map<number, number>;
  readonly settle: (error?: unknown) => void;
}

/**
 * A {@link JobExecutor} on `workers` tinypool threads, each loading its data once and running the
 * jobs it is sent one after another. Results cross as typed arrays (one transferred block per
 * column, not an element-by-element clone).
 *
 * Without a job timeout, while jobs are short (under {@link SEND_AHEAD_BELOW_MS} on average) every
 * thread is kept up to {@link JOBS_AHEAD} jobs ahead (tinypool's `concurrentTasksPerWorker`), so
 * it goes from job to job without waiting for this thread; longer jobs go only to idle threads,
 * where the wait is negligible and no job waits in one thread while another has none. Aborting `signal` then starts no
 * further job and replaces the pool (terminating its threads, the running jobs included); `run`
 * resolves with what finished. A job whose thread died (not a failing strategy: that is a `failed`
 * result from the thread) is sent once more, since it may only have waited in that thread; a
 * second death reports it `failed`.
 *
 * With `jobTimeoutMs`, a job is sent only to an idle thread (tinypool starts an abortable task only
 * there), and its timeout counts from the moment the thread begins it — not from a wait, nor from
 * the thread's start-up (its modules imported, seconds on a loaded machine), nor from loading its
 * data (the worker module's `prepareJobInWorker`, when it has one); a job that exceeds it — a
 * strategy in an endless loop included — has its thread terminated and replaced, is reported
 * `timed-out`, and the rest go on. Aborting `signal` stops the running jobs the same way.
 */
export function createLocalExecutor(given: LocalExecutorOptions = {}): LocalExecutor {
  // From JavaScript the options can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('createLocalExecutor', [optionsIssue(given)]);
  const options = nullAsAbsent(given, {});
  const workers = options.workers ?? availableParallelism();
  const timeoutMs = options.jobTimeoutMs;
  const issues = [
    ...(Number.isInteger(workers) && workers >= 1 ? [] : [{ path: 'workers', message: 'must be a whole number ≥ 1' }]),
    ...(timeoutMs === undefined || (timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS) ? [] : [{ path: 'jobTimeoutMs', message: `must be > 0 and at most ${String(MAX_TIMEOUT_MS)} ms (about 24 days, the longest a timer waits)` }]),
  ];
  if (issues.length > 0) throw new ConfigError(issues);
  const ahead = timeoutMs === undefined ? JOBS_AHEAD : 0;
  const createPool = (): Tinypool => {
    const created = new Tinypool({
      filename: new URL(fromSource ? './job-thread-source.mjs' : './job-thread.js', import.meta.url).href,
      name: 'runThreadJob',
      minThreads: workers,
      maxThreads: workers,
      concurrentTasksPerWorker: 1 + ahead,
      workerData: { moduleUrl: (options.workerUrl ?? defaultWorker()).href },
      ...(fromSource ? { execArgv: ['--conditions=@ensemble/source'] } : {}),
    });
    // A thread that died can still deliver an answer after its death was reported, which tinypool
    // then reports as an error of the pool; that job was sent again (or reported failed) already.
    created.on('error', () => undefined);
    return created;
  };
  let pool = createPool();
  let closed = false;
  const runs = new Set<RunState>();
  let inFlight = 0;
  /** Whether a job taken back from a thread that died is running (see `dispatch`). */
  let suspectRunning = false;
  // Unknown until a job has run: nothing is sent ahead before.
  let meanJobMs = Number.POSITIVE_INFINITY;

  const finish = (run: RunState, error?: unknown): void => {
    if (run.stopped) return;
    run.stopped = true;
    runs.delete(run);
    run.settle(error);
  };

  const report = (run: RunState, result: ResearchJobResult): void => {
    if (run.stopped) return;
    try {
      run.onResult(result);
    } catch (error) {
      // The caller's callback failed (a journal that cannot be written): the run fails with it.
      finish(run, error);
      return;
    }
    run.open--;
    if (run.open === 0) finish(run);
  };

  /**
   * Sends jobs of `run` to `target`, to run one after another in one task, and reports what becomes
   * of them. If the task fails (its thread died), each of its jobs is taken back on its own.
   */
  const send = (run: RunState, jobs: readonly ResearchJob[], target: Tinypool, suspect = false): void => {
    run.inFlight++;
    inFlight++;
    if (suspect) suspectRunning = true;
    const stop = timeoutMs === undefined ? undefined : new AbortController();
    const state: { expired: boolean; timer: ReturnType<typeof setTimeout> | undefined } = { expired: false, timer: undefined };
    // The timer starts when the thread begins the job (its message on `started`), not when the job
    // is sent: a thread's start-up (importing its modules, seconds on a loaded machine) and a
    // replacement thread's, after a timeout, are no part of any job's time.
    const started = stop === undefined ? undefined : new MessageChannel();
    started?.port1.once('message', () => {
      state.timer = setTimeout(() => {
        state.expired = true;
        stop?.abort();
      }, timeoutMs);
    });
    if (stop !== undefined) run.stops.add(stop);
    const task: ThreadTask = started === undefined ? { jobs } : { jobs, started: started.port2 };
    target
      .run(task, stop === undefined || started === undefined ? {} : { signal: stop.signal, transferList: [started.port2] })
      .then(
        (answers: readonly ThreadAnswer[]) => {
          for (const answer of answers) {
            // A moving mean of the last few jobs' durations decides whether jobs are sent ahead and batched.
            meanJobMs = Number.isFinite(meanJobMs) ? 0.8 * meanJobMs + 0.2 * answer.ms : answer.ms;
            report(run, answer.result);
          }
        },
        (error: unknown) => {
          for (const job of jobs) {
            if (run.stopped) return;
            const retried = run.retries.get(job.index) ?? 0;
            if (state.expired) {
              report(run, timedOut(job.index, timeoutMs ?? 0));
            } else if ((target !== pool && !closed) || isTermination(error)) {
              // The pool was replaced under it (another run aborted), or tinypool ended the thread
              // it waited on while replacing one that died: it runs again, not counted as a death.
              run.requeued.push(job);
            } else if (stop === undefined && retried < RETRIES_AFTER_THREAD_DEATH) {
              run.retries.set(job.index, retried + 1);
              run.suspects.push(job);
            } else {
              report(run, failedResult(job.index, error));
            }
          }
        },
      )
      .finally(() => {
        if (state.timer !== undefined) clearTimeout(state.timer);
        started?.port1.close();
        if (stop !== undefined) run.stops.delete(stop);
        run.inFlight--;
        inFlight--;
        if (suspect) suspectRunning = false;
        dispatch();
      });
  };

  /**
   * Sends queued jobs: a task to every idle thread, then up to `ahead` more per thread while every
   * thread has work. While jobs are short (and have no timeout), a task holds a batch of them.
   */
  const dispatch = (): void => {
    if (closed) return;
    // A job whose thread died under it may have killed it: it runs alone, on an idle pool with
    // nothing sent while it runs, so that if it kills its thread again it takes no other job along.
    if (suspectRunning) return;
    for (const run of runs) {
      if (!run.stopped && run.suspects.length > 0) {
        if (inFlight > 0) return;
        const suspect = run.suspects.shift();
        if (suspect !== undefined) send(run, [suspect], pool, true);
        return;
      }
    }
    for (const run of runs) {
      while (!run.stopped && waiting(run) > 0) {
        const short = meanJobMs < SEND_AHEAD_BELOW_MS;
        const limit = short ? workers * (1 + ahead) : workers;
        if (inFlight >= limit) return;
        const requeued = run.requeued.shift();
        if (requeued !== undefined) {
          send(run, [requeued], pool);
          continue;
        }
        const size = short ? batchSize(run) : 1;
        const batch = run.jobs.slice(run.next, run.next + size);
        run.next += batch.length;
        if (batch.length > 0) send(run, batch, pool);
      }
    }
  };

  /** Jobs in the next task of `run`: about {@link BATCH_MS} of them, fewer near the end of the run (see {@link BATCHES_PER_THREAD_LEFT}); 1 with a job timeout. */
  const batchSize = (run: RunState): number => {
    if (timeoutMs !== undefined || !(meanJobMs > 0)) return 1;
    const left = run.jobs.length - run.next;
    return Math.max(1, Math.min(Math.floor(BATCH_MS / meanJobMs), Math.floor(left / (workers * BATCHES_PER_THREAD_LEFT))));
  };

  const waiting = (run: RunState): number => run.requeued.length + run.jobs.length - run.next;

  const run = (jobs: readonly ResearchJob[], runOptions: JobExecutorRunOptions): Promise<void> => {
    if (closed) return Promise.reject(new Error('This executor is closed.'));
    const signal = runOptions.signal;
    if (jobs.length === 0 || signal?.aborted === true) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const state: RunState = {
        jobs,
        signal,
        requeued: [],
        suspects: [],
        stops: new Set(),
        onResult: (result) => {
          runOptions.onResult(result);
        },
        next: 0,
        inFlight: 0,
        open: jobs.length,
        stopped: false,
        retries: new Map(),
        settle: (error?: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          if (error === undefined) resolve();
          else reject(error instanceof Error ? error : new Error('the run failed', { cause: error }));
        },
      };
      const onAbort = (): void => {
        const running = state.inFlight > 0;
        finish(state);
        // With timeouts each job carries its own stop: one listener here stops them all.
        for (const stop of [...state.stops]) stop.abort();
        // Without timeouts the jobs carry no abort signal: the threads running them are stopped by
        // replacing the pool; other runs' jobs on the old pool are sent again to the new one.
        if (timeoutMs === undefined && running) {
          const old = pool;
          pool = createPool();
          void old.destroy();
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      runs.add(state);
      dispatch();
    });
  };

  return {
    workers,
    run,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const run of [...runs]) finish(run);
      await pool.destroy();
    },
  };
}
