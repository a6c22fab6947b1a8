import { createLocalResolvers } from '../job/resolvers';
import type { ResearchJobResult } from '../job/research-job';
import { runResearchJob } from '../job/run-research-job';

// One set of resolvers per worker thread: each data digest is loaded once and kept for later jobs.
const resolvers = createLocalResolvers();

/** The worker threads' task: one research job in, its result out. */
export function runJobInWorker(job: unknown): Promise<ResearchJobResult> {
  return runResearchJob(job, resolvers);
}
