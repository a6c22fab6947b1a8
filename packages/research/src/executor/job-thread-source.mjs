// The worker thread's entry when the package runs from its TypeScript source (this repository's
// tests, benchmarks and CLI): tsx compiles the worker on the fly. The published package starts
// dist/job-worker.js instead.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./job-worker.ts');

export const runJobInWorker = worker.runJobInWorker;
