// The task module of the local executor's tinypool threads. It imports the worker module the
// executor names (its `runJobInWorker` runs one job) once per thread, and hands each result back
// with its long columns as `Float64Array`s whose buffers tinypool transfers (one block each, not
// an element-by-element clone).
import Tinypool, { kTransferable, kValue, markMovable } from 'tinypool';
import type { ResearchJobResult } from '../job/research-job';
import { toTyped } from './typed-result';

type RunJob = (job: unknown) => Promise<ResearchJobResult>;

const { moduleUrl } = Tinypool.workerData as { moduleUrl: string };
const runJob = ((await import(moduleUrl)) as { runJobInWorker: RunJob }).runJobInWorker;

/**
 * Runs one job in this thread: the result (`wire`) crosses to the pool with its columns
 * transferred, with how long the job ran here (`ms`, the pool's measure of whether sending jobs
 * ahead pays).
 */
export async function runTypedJob(job: unknown): Promise<object> {
  const started = performance.now();
  const { wire, transfer } = toTyped(await runJob(job));
  const moved = { [kTransferable]: transfer, [kValue]: { wire, ms: performance.now() - started } };
  markMovable(moved);
  return moved;
}
