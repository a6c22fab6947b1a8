// A worker module whose first job in a thread loads data for SLOW_DATA_MS (a large file read and
// parsed once, kept for the thread's later jobs): in `prepareJobInWorker` when the pool calls it,
// otherwise inside the job's run.
import { runJobInWorker as run } from '../job-worker';

export const SLOW_DATA_MS = 5_000;

let loaded = false;

async function load(): Promise<void> {
  if (loaded) return;
  await new Promise((resolve) => setTimeout(resolve, SLOW_DATA_MS));
  loaded = true;
}

export async function prepareJobInWorker(): Promise<void> {
  await load();
}

export async function runJobInWorker(job: unknown): ReturnType<typeof run> {
  await load();
  return run(job);
}
