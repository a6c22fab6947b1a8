import { Worker } from 'node:worker_threads';
import type { ResearchJob, ResearchJobResult } from '../job/research-job';
import { failedResult } from '../job/run-research-job';
import { toTyped, type TypedJobResult } from './typed-result';

/** Options of {@link JobThreadPool}. */
export interface JobThreadPoolOptions {
  /** Threads, started at once and kept (a terminated one is replaced). */
  readonly threads: number;
  /** A job running longer than this, in ms, is stopped with its thread and reported `timed-out`. */
  readonly jobTimeoutMs: number | undefined;
  /** The thread's entry module (`job-thread`). */
  readonly entryUrl: URL;
  /** The module whose `runJobInWorker` runs one job in a thread. */
  readonly moduleUrl: URL;
  /** `execArgv` of the threads (default: the process's). */
  readonly execArgv?: readonly string[] | undefined;
}

/** Options of {@link JobThreadPool.run}: where results go (with their columns as typed arrays), and what stops the run. */
export interface TypedRunOptions {
  onResult(result: TypedJobResult): void;
  readonly signal?: AbortSignal | undefined;
}

/** One call of {@link JobThreadPool.run}: its callbacks and how many of its jobs are still open. */
interface RunState {
  readonly onResult: (result: TypedJobResult) => void;
  open: number;
  stopped: boolean;
  readonly settle: (error?: unknown) => void;
}

interface Entry {
  readonly job: ResearchJob;
  readonly run: RunState;
}

/** A thread and the jobs sent to it, in the order it runs them: the first is running. */
interface JobThread {
  readonly worker: Worker;
  readonly assigned: Entry[];
  timer: ReturnType<typeof setTimeout> | undefined;
  error: unknown;
}

/**
 * Jobs a busy thread holds besides the running one, while the queue has work for every thread:
 * with one, the next job is there when the current one ends; the second covers the main thread
 * being late to send a new one (a loaded machine wakes it milliseconds late).
 */
const JOBS_AHEAD = 2;

/** A job that ran out of time: `timed-out`, with how long it was given. */
function timedOut(index: number, timeoutMs: number): ResearchJobResult {
  const result = failedResult(index, new Error(`the job ran longer than ${String(timeoutMs)} ms; its worker thread was stopped`), 'timed-out');
  return { ...result, error: { code: 'JOB_TIMED_OUT', message: result.error?.message ?? '' } };
}

/**
 * Worker threads that each run the jobs they are sent one after another. Every thread is kept up
 * to {@link JOBS_AHEAD} jobs ahead while there is work enough for all (its next job waits in the
 * thread, so it never sits idle waiting for the main thread to hand it one); near the end jobs go
 * only to idle threads, so no thread holds two while another has none. A job's timeout counts from its start — for a job
 * sent ahead, from the moment the pool learns that the job before it finished. A timed-out job
 * terminates its thread (the only way to stop a strategy stuck in a loop); the jobs sent ahead to
 * it go back to the front of the queue, and a new thread takes its place.
 */
export class JobThreadPool {
  private readonly slots: (JobThread | null)[];
  /** Jobs not yet sent to a thread, from `head` on (jobs taken back go in front of `head`). */
  private pending: (Entry | undefined)[] = [];
  private head = 0;
  private closed = false;

  constructor(private readonly options: JobThreadPoolOptions) {
    this.slots = Array.from({ length: options.threads }, () => this.spawn());
  }

  /** Runs `jobs` (see `JobExecutor.run`): each result reported once, in any order. */
  run(jobs: readonly ResearchJob[], options: TypedRunOptions): Promise<void> {
    if (this.closed) return Promise.reject(new Error('This executor is closed.'));
    const signal = options.signal;
    if (jobs.length === 0 || signal?.aborted === true) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.stop(state);
      };
      const state: RunState = {
        onResult: (result) => {
          options.onResult(result);
        },
        open: jobs.length,
        stopped: false,
        settle: (error?: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          if (error === undefined) resolve();
          else reject(error instanceof Error ? error : new Error('the run failed', { cause: error }));
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const job of jobs) this.pending.push({ job, run: state });
      this.dispatch();
    });
  }

  /** Terminates the threads; runs still open resolve without further results. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const runs = new Set<RunState>();
    for (const entry of this.pending.slice(this.head)) if (entry !== undefined) runs.add(entry.run);
    this.pending = [];
    this.head = 0;
    const stopping: Promise<number>[] = [];
    this.slots.forEach((thread, slot) => {
      if (thread === null) return;
      for (const entry of thread.assigned) runs.add(entry.run);
      stopping.push(this.retire(thread));
      this.slots[slot] = null;
    });
    for (const run of runs) this.finish(run);
    await Promise.all(stopping);
  }

  private spawn(): JobThread {
    const worker = new Worker(this.options.entryUrl, {
      workerData: { moduleUrl: this.options.moduleUrl.href },
      ...(this.options.execArgv === undefined ? {} : { execArgv: [...this.options.execArgv] }),
    });
    const thread: JobThread = { worker, assigned: [], timer: undefined, error: undefined };
    worker.on('message', (wire: TypedJobResult) => {
      this.finished(thread, wire);
    });
    worker.on('error', (error: unknown) => {
      thread.error = error;
    });
    worker.on('exit', (code: number) => {
      this.died(thread, code);
    });
    return thread;
  }

  /** Stops a thread for good, whatever it runs; its later messages and exit are ignored. */
  private retire(thread: JobThread): Promise<number> {
    if (thread.timer !== undefined) clearTimeout(thread.timer);
    thread.worker.removeAllListeners();
    thread.worker.on('error', () => undefined);
    return thread.worker.terminate();
  }

  /** Replaces `thread` (retired) by a new thread, or by nothing when no work waits. */
  private replace(thread: JobThread, restart: boolean): void {
    const slot = this.slots.indexOf(thread);
    if (slot < 0) return;
    void this.retire(thread);
    this.slots[slot] = restart && !this.closed ? this.spawn() : null;
  }

  private finished(thread: JobThread, wire: TypedJobResult): void {
    const entry = thread.assigned.shift();
    if (thread.timer !== undefined) clearTimeout(thread.timer);
    thread.timer = undefined;
    this.armTimer(thread);
    if (entry !== undefined) this.report(entry, wire);
    this.dispatch();
  }

  /** A thread that ended by itself (an uncaught error in the worker module): its running job fails. */
  private died(thread: JobThread, code: number): void {
    // Started again only for work in hand: a thread that fails at start must not loop.
    this.lose(thread, false, (index) => failedResult(index, thread.error ?? new Error(`the worker thread stopped (exit code ${String(code)})`)));
  }

  private expired(thread: JobThread, timeoutMs: number): void {
    this.lose(thread, true, (index) => timedOut(index, timeoutMs));
  }

  /** A thread gone or stopped: its running job reports `outcome`, the jobs waiting in it go back to the front of the queue. */
  private lose(thread: JobThread, restart: boolean, outcome: (index: number) => ResearchJobResult): void {
    const [running, ...ahead] = thread.assigned;
    thread.assigned.length = 0;
    this.requeue(ahead);
    this.replace(thread, restart);
    if (running !== undefined) this.report(running, toTyped(outcome(running.job.index)).wire);
    this.dispatch();
  }

  /** Aborts a run: its queued jobs are dropped, the threads running its jobs terminated (and replaced). */
  private stop(run: RunState): void {
    if (run.stopped) return;
    this.pending = this.pending.slice(this.head).filter((entry) => entry !== undefined && entry.run !== run);
    this.head = 0;
    for (const thread of [...this.slots]) {
      if (thread?.assigned.some((entry) => entry.run === run) !== true) continue;
      this.requeue(thread.assigned.filter((entry) => entry.run !== run));
      thread.assigned.length = 0;
      this.replace(thread, true);
    }
    this.finish(run);
    this.dispatch();
  }

  private finish(run: RunState, error?: unknown): void {
    if (run.stopped) return;
    run.stopped = true;
    run.settle(error);
  }

  private report(entry: Entry, result: TypedJobResult): void {
    const run = entry.run;
    if (run.stopped) return;
    try {
      run.onResult(result);
    } catch (error) {
      // The caller's callback failed (a journal that cannot be written): the run fails with it.
      this.finish(run, error);
      return;
    }
    run.open--;
    if (run.open === 0) this.finish(run);
  }

  /** Puts jobs taken back from a thread in front of the queue, in their order. */
  private requeue(entries: readonly Entry[]): void {
    for (let k = entries.length - 1; k >= 0; k--) {
      const entry = entries[k];
      if (entry === undefined) continue;
      if (this.head > 0) this.pending[--this.head] = entry;
      else this.pending.unshift(entry);
    }
  }

  /** The next queued job of a run still going, or undefined. */
  private take(): Entry | undefined {
    while (this.head < this.pending.length) {
      const entry = this.pending[this.head];
      this.pending[this.head++] = undefined;
      if (entry !== undefined && !entry.run.stopped) return entry;
    }
    this.pending = [];
    this.head = 0;
    return undefined;
  }

  private waiting(): number {
    return this.pending.length - this.head;
  }

  private send(thread: JobThread, entry: Entry): void {
    thread.assigned.push(entry);
    thread.worker.postMessage(entry.job);
    if (thread.assigned.length === 1) this.armTimer(thread);
  }

  private armTimer(thread: JobThread): void {
    const timeoutMs = this.options.jobTimeoutMs;
    if (timeoutMs === undefined || thread.assigned.length === 0) return;
    thread.timer = setTimeout(() => {
      this.expired(thread, timeoutMs);
    }, timeoutMs);
  }

  /** Sends queued jobs: first one to every idle thread, then one ahead to busy threads while there is enough work for all. */
  private dispatch(): void {
    if (this.closed) return;
    for (let slot = 0; slot < this.slots.length && this.waiting() > 0; slot++) {
      const thread = this.slots[slot] ?? (this.slots[slot] = this.spawn());
      if (thread.assigned.length > 0) continue;
      const entry = this.take();
      if (entry !== undefined) this.send(thread, entry);
    }
    for (let depth = 1; depth <= JOBS_AHEAD; depth++) {
      for (let slot = 0; slot < this.slots.length && this.waiting() >= this.slots.length * depth; slot++) {
        const thread = this.slots[slot];
        if (thread?.assigned.length !== depth) continue;
        const entry = this.take();
        if (entry !== undefined) this.send(thread, entry);
      }
    }
  }
}
