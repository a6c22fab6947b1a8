// The task module of the local executor's tinypool threads. It imports the worker module the
// executor names (its `runJobInWorker` runs one job) once per thread, and hands each result back
// with its long columns as `Float64Array`s whose buffers tinypool transfers (one block each, not
// an element-by-element clone).
import type { MessagePort } from 'node:worker_threads';
import Tinypool, { kTransferable, kValue, markMovable } from 'tinypool';
import type { ResearchJobResult } from '../job/research-job';
import { toTyped } from './typed-result';

type RunJob = (job: unknown) => Promise<ResearchJobResult>;

/** What the pool sends a thread: the job, and with a job timeout the port that says it has begun. */
export interface ThreadTask {
  readonly job: unknown;
  readonly started?: MessagePort | undefined;
}

const { moduleUrl } = Tinypool.workerData as { moduleUrl: string };
const runJob = ((await import(moduleUrl)) as { runJobInWorker: RunJob }).runJobInWorker;

/**
 * Runs one job in this thread: the result (`wire`) crosses to the pool with its columns
 * transferred, with how long the job ran here (`ms`, the pool's measure of whether sending jobs
 * ahead pays). When the task carries a `started` port (a job with a timeout), a message on it
 * tells the pool the job has begun here, after the thread's start-up: its timer starts then.
 */
export async function runTypedJob(task: ThreadTask): Promise<object> {
  task.started?.postMessage(null);
  task.started?.close();
  const started = performance.now();
  const { wire, transfer } = toTyped(await runJob(task.job));
  const moved = { [kTransferable]: transfer, [kValue]: { wire, ms: performance.now() - started } };
  markMovable(moved);
  return moved;
}
