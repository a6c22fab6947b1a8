import { createLocalResolvers, prepareResearchJob, runResearchJob } from '@ensemble/research';
import type { ResearchJobResult } from '@ensemble/research';
import { importStrategyDefinitions } from './strategy-modules';

// One set of resolvers per worker thread: each data digest and each set of strategy files is
// loaded once and kept for every later job of the thread.
const resolvers = createLocalResolvers({ importer: importStrategyDefinitions });

/**
 * The CLI's research worker thread task (`ensemble sweep`, `walk-forward`, `worker`): a research
 * job in, its result out. Strategy files load as `ensemble run` loads them — TypeScript through
 * tsx, `@ensemble/*` and `zod` resolved from the CLI's installation when the file's folder lacks them.
 */
export function runJobInWorker(job: unknown): Promise<ResearchJobResult> {
  return runResearchJob(job, resolvers);
}


/** Loads a job's data and strategy files before its timeout starts counting (`--job-timeout`). */
export function prepareJobInWorker(job: unknown): Promise<void> {
  return prepareResearchJob(job, resolvers);
}
