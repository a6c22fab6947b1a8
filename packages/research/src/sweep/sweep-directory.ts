import { planOutline } from './plan-outline';
import type { WrittenFile } from '@ensemble/report';
import type { JobExecutor } from '../job/research-job';
import { makeOutputDirectory, withDirectoryJournal } from '../executor/journal';
import { withDirectoryLock } from '../executor/directory-lock';
import type { Journal } from '../executor/journal';
import type { ResearchProgress } from '../executor/run-jobs';
import { runSweep } from './run-sweep';
import type { SweepResult } from './run-sweep';
import { SWEEP_OUTPUT_FILES, writeSweepOutputs } from './sweep-outputs';
import type { SweepOutputOptions } from './sweep-outputs';
import type { SweepPlan } from './sweep-plan';
import { checkArguments, nullAsAbsent } from '@ensemble/protocol';
import { executorIssue, outDirIssue, runOptionsIssues, sweepPlanIssue } from '../argument-checks';

/** Options of {@link runSweepToDirectory}. */
export interface SweepDirectoryOptions extends SweepOutputOptions {
  /** Continue the sweep the directory's journal recorded (refused if the plan changed) instead of starting over. */
  readonly resume?: boolean | undefined;
  readonly onProgress?: ((progress: ResearchProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** With `resume`, called once the journal is read, before any job runs: what it kept and how many of its lines it could not read. */
  readonly onResume?: ((resumed: JournalResumed) => void) | undefined;
}

/** What a resumed journal held: finished jobs kept, and lines that could not be read (damaged or edited; their jobs run again). */
export interface JournalResumed {
  readonly finished: number;
  readonly unreadable: number;
}

/** Tells `options.onResume` what the resumed `journal` held. */
export function reportResumed(journal: Journal, options: Pick<SweepDirectoryOptions, 'resume' | 'onResume'>): void {
  if (options.resume === true) options.onResume?.({ finished: journal.finished.size, unreadable: journal.unreadable });
}

/** A sweep run into a directory: its result, and the files written (none when it was stopped). */
export interface SweepDirectoryOutcome {
  readonly result: SweepResult;
  readonly files: readonly WrittenFile[];
}

/**
 * Runs a planned sweep into `outDir`: every finished job is journalled in `outDir/journal.jsonl`
 * (JSON lines, keyed by the plan's id) as it arrives; with `resume` the journal's jobs are not run
 * again. When every job has finished, the outputs are written atomically; a stopped sweep writes
 * none (its journal keeps what finished, for `resume`). The directory is locked while the sweep
 * runs and writes (`withDirectoryLock`): a second sweep or walk-forward into it meanwhile is refused.
 */
export async function runSweepToDirectory(plan: SweepPlan, executor: JobExecutor, outDir: string, given: SweepDirectoryOptions = {}): Promise<SweepDirectoryOutcome> {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('runSweepToDirectory', [sweepPlanIssue(plan), executorIssue(executor), outDirIssue(outDir), ...runOptionsIssues(given)]);
  const options = nullAsAbsent(given, {});
  await makeOutputDirectory(outDir);
  return withDirectoryLock(outDir, () => sweepIntoDirectory(plan, executor, outDir, options));
}

async function sweepIntoDirectory(plan: SweepPlan, executor: JobExecutor, outDir: string, options: SweepDirectoryOptions): Promise<SweepDirectoryOutcome> {
  const result = await withDirectoryJournal(
    outDir,
    plan.sweepId,
    options.resume === true,
    (journal) => {
      reportResumed(journal, options);
      return runSweep(plan, executor, { journal, onProgress: options.onProgress, signal: options.signal });
    },
    SWEEP_OUTPUT_FILES,
    // Every job of a sweep names the same strategy modules, those of its base config.
    plan.jobs[0]?.strategyModules ?? [],
    {},
    plan.jobs[0]?.data ?? [],
    planOutline(plan.parameters, plan.objective, plan.jobs[0]?.config, {
      'PBO blocks': String(plan.pboBlocks),
      combinations: `${String(plan.jobs.length)} of the ${String(plan.gridSize)} in the grid run`,
    }),
  );
  if (result.aborted) return { result, files: [] };
  return { result, files: await writeSweepOutputs(result, outDir, options) };
}
