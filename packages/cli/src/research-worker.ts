import { createLocalResolvers, prepareResearchJob, runResearchJob } from '@ensemble/research';
import type { ResearchJobResult } from '@ensemble/research';
import { strategyErrorPlace } from './strategy-frames';
import { importStrategyDefinitions } from './strategy-modules';

// One set of resolvers per worker thread: each data digest and each set of strategy files is
// loaded once and kept for every later job of the thread.
const resolvers = createLocalResolvers({ importer: importStrategyDefinitions });

/**
 * The CLI's research worker thread task (`ensemble sweep`, `walk-forward`, `worker`): a research
 * job in, its result out. Strategy files load as `ensemble run` loads them — TypeScript through
 * tsx, `@ensemble/*` and `zod` resolved from the CLI's installation when the file's folder lacks them
 * — and a failure is placed in them as `ensemble run` places it (see {@link placeFailure}).
 */
export function runJobInWorker(job: unknown): Promise<ResearchJobResult> {
  return runResearchJob(job, resolvers, { describeFailure: placeFailure });
}

/**
 * Where in a strategy file a failed job's strategy threw (`thrown at strategies/helper.ts:2:27`,
 * relative to the working directory), added to the message the planner receives: only here, in
 * the thread that ran the job, does the error still have its stack. The files are those this
 * thread imported (`importStrategyDefinitions` remembers them).
 */
function placeFailure(error: unknown): string | undefined {
  return strategyErrorPlace(error, process.cwd()) ?? undefined;
}


/** Loads a job's data and strategy files before its timeout starts counting (`--job-timeout`). */
export function prepareJobInWorker(job: unknown): Promise<void> {
  return prepareResearchJob(job, resolvers);
}
