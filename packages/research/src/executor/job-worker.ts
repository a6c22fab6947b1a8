import { createLocalResolvers } from '../job/resolvers';
import type { ResearchJobResult } from '../job/research-job';
import { prepareResearchJob, runResearchJob } from '../job/run-research-job';

// One set of resolvers per worker thread: each data digest is loaded once and kept for later jobs.
const resolvers = createLocalResolvers();

/** The worker threads' task: one research job in, its result out. */
export function runJobInWorker(job: unknown): Promise<ResearchJobResult> {
  return runResearchJob(job, resolvers);
}

/** Loads a job's data before its timer starts (jobs with a timeout): see `prepareResearchJob`. */
export function prepareJobInWorker(job: unknown): Promise<void> {
  return prepareResearchJob(job, resolvers);
}
