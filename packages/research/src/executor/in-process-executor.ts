import type { JobExecutor, JobExecutorRunOptions, ResearchJob } from '../job/research-job';
import { createLocalResolvers } from '../job/resolvers';
import type { ResearchResolvers } from '../job/run-research-job';
import { runResearchJob } from '../job/run-research-job';
import { checkArguments, objectIssue } from '@ensemble/protocol';

/**
 * A {@link JobExecutor} that runs the jobs one after another in this thread: no pool, no timeout
 * (a hanging job hangs the caller). For small sweeps, debugging, and as the baseline the worker
 * pool is measured against. Aborting starts no further job.
 */
export function createInProcessExecutor(resolvers: ResearchResolvers = createLocalResolvers()): JobExecutor {
  checkArguments('createInProcessExecutor', [objectIssue(resolvers, 'resolvers', 'research resolvers (what createLocalResolvers returns), or left out')]);
  return {
    async run(jobs: readonly ResearchJob[], options: JobExecutorRunOptions): Promise<void> {
      for (const job of jobs) {
        if (options.signal?.aborted === true) return;
        options.onResult(await runResearchJob(job, resolvers));
      }
    },
  };
}
