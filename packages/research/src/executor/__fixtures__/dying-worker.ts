// A worker module whose thread dies (an uncaught error outside any job, as a crashing native
// module or a stray callback would cause) on every job whose parameters say `die: 1`; other jobs
// run as usual.
import { runJobInWorker as runJob } from '../job-worker';
import type { ResearchJobResult } from '../../job/research-job';

export function runJobInWorker(job: unknown): Promise<ResearchJobResult> {
  if ((job as { parameters?: { die?: number } }).parameters?.die !== 1) return runJob(job);
  setImmediate(() => {
    throw new Error('the thread crashed');
  });
  return new Promise(() => undefined);
}
