// The worker thread's entry when the package runs from its TypeScript source (this repository's
// tests, benchmarks and CLI): tsx compiles the thread's code on the fly. The published package
// starts dist/job-thread.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./job-thread.ts');
