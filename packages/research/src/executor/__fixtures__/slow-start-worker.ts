// A worker module whose thread takes seconds to start (a cold tsx compile on a loaded machine):
// its import waits SLOW_START_MS before it offers the package's own `runJobInWorker`.
export const SLOW_START_MS = 5_000;

await new Promise((resolve) => setTimeout(resolve, SLOW_START_MS));

export { runJobInWorker } from '../job-worker';
