// A worker thread of the local executor's pool. It imports the worker module the pool names (its
// `runJobInWorker` runs one job) and runs the jobs it is sent one after another, in the order they
// arrive, posting each result as it finishes. The pool sends the next job before the current one
// ends, so the thread goes from one job to the next without waiting for the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { ResearchJobResult } from '../job/research-job';
import { toTyped } from './typed-result';

type RunJob = (job: unknown) => Promise<ResearchJobResult>;

const port = parentPort;
if (port === null) throw new Error('job-thread runs in a worker thread of the local executor only.');
const { moduleUrl } = workerData as { moduleUrl: string };
const runJob = ((await import(moduleUrl)) as { runJobInWorker: RunJob }).runJobInWorker;

const queue: unknown[] = [];
let running = false;

async function drain(): Promise<void> {
  running = true;
  for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
    const { wire, transfer } = toTyped(await runJob(job));
    port?.postMessage(wire, transfer);
  }
  running = false;
}

port.on('message', (job: unknown) => {
  queue.push(job);
  if (!running) void drain();
});
