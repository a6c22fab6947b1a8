// The research worker thread's entry when the CLI runs from its TypeScript source (this
// repository's tests): tsx compiles the worker on the fly. The published CLI starts
// dist/research-worker.js instead.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./research-worker.ts');

export const runJobInWorker = worker.runJobInWorker;
