// The task module of the local executor's tinypool threads. It imports the worker module the
// executor names (its `runJobInWorker` runs one job) once per thread, and hands each result back
// with the buffers of its `Float64Array` columns transferred (one block each, not an
// element-by-element clone).
import type { MessagePort } from 'node:worker_threads';
import Tinypool, { kTransferable, kValue, markMovable } from 'tinypool';
import type { ResearchJobResult } from '../job/research-job';

type RunJob = (job: unknown) => Promise<ResearchJobResult>;

/** What the pool sends a thread: the job, and with a job timeout the port that says it has begun. */
export interface ThreadTask {
  readonly job: unknown;
  readonly started?: MessagePort | undefined;
}

const { moduleUrl } = Tinypool.workerData as { moduleUrl: string };
const runJob = ((await import(moduleUrl)) as { runJobInWorker: RunJob }).runJobInWorker;

/**
 * The buffers of a result's columns to transfer: each once, and only a buffer a column fills
 * entirely (a view into a larger or shared buffer is copied instead, leaving the thread's other
 * views of it intact).
 */
function transferList(result: ResearchJobResult): ArrayBuffer[] {
  const { periodReturns, curve } = result;
  const columns = curve === undefined ? [periodReturns] : [periodReturns, curve.time, curve.equity];
  const buffers = new Set<ArrayBuffer>();
  for (const column of columns) {
    const { buffer } = column;
    if (buffer instanceof ArrayBuffer && column.byteOffset === 0 && column.byteLength === buffer.byteLength) buffers.add(buffer);
  }
  return [...buffers];
}

/**
 * Runs one job in this thread: the result crosses to the pool with its columns
 * transferred, with how long the job ran here (`ms`, the pool's measure of whether sending jobs
 * ahead pays). When the task carries a `started` port (a job with a timeout), a message on it
 * tells the pool the job has begun here, after the thread's start-up: its timer starts then.
 */
export async function runThreadJob(task: ThreadTask): Promise<object> {
  task.started?.postMessage(null);
  task.started?.close();
  const started = performance.now();
  const result = await runJob(task.job);
  const moved = { [kTransferable]: transferList(result), [kValue]: { result, ms: performance.now() - started } };
  markMovable(moved);
  return moved;
}
