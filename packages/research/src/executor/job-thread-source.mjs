// The thread's task module when the package runs from its TypeScript source (this repository's
// tests, benchmarks and CLI): tsx compiles the thread's code on the fly. The published package
// gives tinypool dist/job-thread.js instead.
import { register } from 'tsx/esm/api';

register();
const thread = await import('./job-thread.ts');

export const runThreadJob = thread.runThreadJob;
