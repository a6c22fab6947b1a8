import { readFile } from 'node:fs/promises';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { StoredResult } from '../src/result-store';
import type { WorkerJobContext } from '../src/sweep-worker';

/** A job for the queue's own tests: square `n`, optionally after a pause or by failing. */
export const toyJobSchema = z.strictObject({
  index: z.number().int().min(0),
  n: z.number(),
  pauseMs: z.number().int().min(0).max(60_000).optional(),
  fail: z.enum(['always', 'unrecoverable']).optional(),
  dataset: z.string().optional(),
});
export type ToyJob = z.infer<typeof toyJobSchema>;

export interface ToyResult {
  readonly index: number;
  readonly status: 'ok' | 'failed';
  readonly square?: number;
  readonly datasetLength?: number;
  readonly error?: { readonly code: string; readonly message: string };
}

export function toyJobs(count: number, extra: Partial<ToyJob> = {}): ToyJob[] {
  return Array.from({ length: count }, (_, index) => ({ index, n: index + 0.5, ...extra }));
}

/** Coordinator callbacks for toy jobs. */
export const toyCoordinator = {
  indexOf: (job: ToyJob) => job.index,
  parseResult: (stored: StoredResult): ToyResult => JSON.parse(stored.json) as ToyResult,
  failedResult: (index: number, error: { code: string; message: string }): ToyResult => ({ index, status: 'failed', error }),
};

/** Runs a toy job (counting calls in `calls`). */
export async function processToyJob(job: ToyJob, context: WorkerJobContext, calls?: Map<number, number>): Promise<ToyResult> {
  calls?.set(job.index, (calls.get(job.index) ?? 0) + 1);
  if (job.pauseMs !== undefined) await pause(job.pauseMs, context.signal);
  if (job.fail === 'always') throw new Error(`toy job ${job.index} fails every time`);
  if (job.fail === 'unrecoverable') throw new UnrecoverableError(`toy job ${job.index} cannot run here`);
  const datasetLength = job.dataset === undefined ? undefined : (await readFile(await context.datasetFile(job.dataset, 'toy.csv'))).length;
  return { index: job.index, status: 'ok', square: job.n * job.n, ...(datasetLength === undefined ? {} : { datasetLength }) };
}

/** Waits `ms`, or until `signal` aborts (a worker giving the job up). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
