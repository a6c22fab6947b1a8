// The task module of the local executor's tinypool threads. It imports the worker module the
// executor names (its `runJobInWorker` runs one job) once per thread, and hands each result back
// with the buffers of its `Float64Array` columns transferred (one block each, not an
// element-by-element clone).
import type { MessagePort } from 'node:worker_threads';
import Tinypool, { kTransferable, kValue, markMovable } from 'tinypool';
import type { ResearchJobResult } from '../job/research-job';

type RunJob = (job: unknown) => Promise<ResearchJobResult>;

/**
 * What the pool sends a thread: one job or, while jobs are short, several run one after another
 * (one message each way for all of them); with a job timeout, always one, and the port that says
 * it has begun.
 */
export interface ThreadTask {
  readonly jobs: readonly unknown[];
  readonly started?: MessagePort | undefined;
}

/** What a thread hands back for one job: its result and how long it ran there, in ms. */
export interface ThreadAnswer {
  readonly result: ResearchJobResult;
  readonly ms: number;
}

const { moduleUrl } = Tinypool.workerData as { moduleUrl: string };

// `process.exit` in a thread ends the thread without an error, and the pool would wait for its
// jobs forever: here it throws instead, so the job that called it (a strategy's code) fails with
// this message and the thread goes on. Node's own exit after an uncaught error (`_exiting` set)
// goes through: the pool then sees the thread's error and sends its jobs again.
const exit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  if ((process as { _exiting?: boolean })._exiting === true) return exit(code);
  throw new Error(`process.exit(${String(code ?? '')}) was called during the job: a strategy must return or throw, never end its thread`);
});
const workerModule = (await import(moduleUrl)) as { runJobInWorker: RunJob; prepareJobInWorker?: (job: unknown) => Promise<void> };
const runJob = workerModule.runJobInWorker;
/** The worker module's `prepareJobInWorker`, if it has one: loads a job's data before its timer starts. */
const prepareJob = workerModule.prepareJobInWorker;

/**
 * The buffers of a result's columns to transfer: each once, and only a buffer a column fills
 * entirely (a view into a larger or shared buffer is copied instead, leaving the thread's other
 * views of it intact).
 */
function addTransfers(result: ResearchJobResult, buffers: Set<ArrayBuffer>): void {
  const { periodReturns, curve } = result;
  const columns = curve === undefined ? [periodReturns] : [periodReturns, curve.time, curve.equity];
  for (const column of columns) {
    const { buffer } = column;
    if (buffer instanceof ArrayBuffer && column.byteOffset === 0 && column.byteLength === buffer.byteLength) buffers.add(buffer);
  }
}

/**
 * Runs the task's jobs in this thread, in order: their results cross to the pool in one message
 * with their columns transferred, each with how long it ran here (`ms`, the pool's measure of
 * whether sending jobs ahead and in batches pays). When the task carries a `started` port (a job
 * with a timeout), a message on it tells the pool the job has begun here, after the thread's
 * start-up: its timer starts then.
 */
export function runThreadJob(task: ThreadTask): Promise<object> {
  // Tasks sent ahead arrive while one runs: each waits for the one before, so that a job's `ms`
  // is its own time, not shared with jobs it would interleave with at its awaits.
  const done = queue.then(() => runTask(task));
  queue = done.then(
    () => undefined,
    () => undefined,
  );
  return done;
}

/** The last task taken, settled when it is. */
let queue: Promise<void> = Promise.resolve();

async function runTask(task: ThreadTask): Promise<object> {
  if (task.started !== undefined) {
    // A timed job's clock starts after its data is loaded: a thread's first job loads (and
    // parses) the data its later jobs share, which is no part of any one job's run.
    if (prepareJob !== undefined) for (const job of task.jobs) await prepareJob(job);
    task.started.postMessage(null);
    task.started.close();
  }
  const answers: ThreadAnswer[] = [];
  const buffers = new Set<ArrayBuffer>();
  for (const job of task.jobs) {
    const started = performance.now();
    const result = await runJob(job);
    answers.push({ result, ms: performance.now() - started });
    addTransfers(result, buffers);
  }
  const moved = { [kTransferable]: [...buffers], [kValue]: answers };
  markMovable(moved);
  return moved;
}
