import { planOutline } from '../sweep/plan-outline';
import { join } from 'node:path';
import { isoTimeFormatter } from '@ensemble/engine';
import { toCsvText, writeFilesAtomic } from '@ensemble/report';
import type { CsvValue, OutputFile, WrittenFile } from '@ensemble/report';
import type { JobExecutor } from '../job/research-job';
import { makeOutputDirectory, withDirectoryJournal } from '../executor/journal';
import { withDirectoryLock } from '../executor/directory-lock';
import { reportResumed } from '../sweep/sweep-directory';
import type { SweepDirectoryOptions } from '../sweep/sweep-directory';
import { objectiveCsvValue, researchJsonText } from '../sweep/result-json';
import { relocateConfig } from '../sweep/sweep-outputs';
import { runWalkForward } from './run-walk-forward';
import type { WalkForwardResult } from './run-walk-forward';
import type { WalkForwardPlan } from './walk-forward-plan';
import { checkArguments, nullAsAbsent } from '@ensemble/protocol';
import { executorIssue, outDirIssue, runOptionsIssues, walkForwardPlanIssue, walkForwardResultIssue } from '../argument-checks';

/** The files a walk-forward writes to its output directory. */
export const WALK_FORWARD_OUTPUT_FILES = ['walk-forward.json', 'windows.csv', 'oos-equity.csv', 'last-config.json'] as const;

/**
 * One line per step: its windows (ISO dates), the chosen parameters, in- and out-of-sample figures,
 * and how many of the train window's combinations failed or timed out (left out of the choice).
 */
export function walkForwardWindowsCsv(result: WalkForwardResult): string {
  checkArguments('walkForwardWindowsCsv', [walkForwardResultIssue(result)]);
  const isoTime = timeFormatter(result);
  const names = result.parameters.map((parameter) => parameter.name);
  const header = ['window', 'trainStart', 'trainEnd', 'testStart', 'testEnd', 'status', ...names, 'objective', 'inSampleCagr', 'outOfSampleCagr', 'outOfSampleReturn', 'efficiency', 'startEquity', 'trainFailed', 'trainTimedOut'];
  const rows = result.steps.map((step): CsvValue[] => [
    step.index,
    isoTime(step.train.start),
    isoTime(step.train.end),
    isoTime(step.test.start),
    isoTime(step.test.end),
    step.status,
    ...names.map((name) => {
      const value = step.chosen?.parameters[name];
      return typeof value === 'boolean' ? String(value) : value;
    }),
    objectiveCsvValue(step.objective),
    step.inSample?.cagr ?? null,
    step.outOfSample?.cagr ?? null,
    step.outOfSample?.totalReturn ?? null,
    step.efficiency,
    step.startEquity,
    step.trainFailures.failed,
    step.trainFailures.timedOut,
  ]);
  return toCsvText(header, rows);
}

/**
 * How a walk-forward's files write times: `YYYY-MM-DD` when every window bound and curve point is
 * a UTC midnight (daily data), the full ISO instant otherwise — as the run and backtest results do.
 */
function timeFormatter(result: WalkForwardResult): (time: number) => string {
  const bounds = result.steps.flatMap((step) => [step.train.start, step.train.end, step.test.start, step.test.end]);
  return isoTimeFormatter([...bounds, ...result.outOfSample.time]);
}

/**
 * The output files of a walk-forward in `outDir`: `walk-forward.json`, `windows.csv`, `oos-equity.csv`
 * (date, equity) and `last-config.json` (the base config with the latest step's choice, runnable
 * as it is: a data file is relative to the output directory; null when no step chose). A step's
 * unbounded objective is written as `"Infinity"` (`Infinity` in the CSV).
 */
export function walkForwardOutputFiles(result: WalkForwardResult, outDir: string): OutputFile[] {
  checkArguments('walkForwardOutputFiles', [walkForwardResultIssue(result), outDirIssue(outDir)]);
  const { outOfSample, lastConfig, ...rest } = result;
  const isoTime = timeFormatter(result);
  return [
    { path: join(outDir, 'walk-forward.json'), content: researchJsonText({ version: 1, ...rest }) },
    { path: join(outDir, 'windows.csv'), content: walkForwardWindowsCsv(result) },
    { path: join(outDir, 'oos-equity.csv'), content: toCsvText(['time', 'equity'], outOfSample.time.map((time, t) => [isoTime(time), outOfSample.equity[t] ?? null])) },
    { path: join(outDir, 'last-config.json'), content: researchJsonText(lastConfig === null ? null : relocateConfig(lastConfig, outDir)) },
  ];
}

/** A walk-forward run into a directory: its result, and the files written (none when it was stopped). */
export interface WalkForwardDirectoryOutcome {
  readonly result: WalkForwardResult;
  readonly files: readonly WrittenFile[];
}

/**
 * Runs a planned walk-forward into `outDir`, journalling every finished job (`resume` skips the
 * journalled ones), and writes its outputs atomically once it has finished; a stopped one writes none.
 * The directory is locked meanwhile, as a sweep's (`withDirectoryLock`).
 */
export async function runWalkForwardToDirectory(plan: WalkForwardPlan, executor: JobExecutor, outDir: string, given: SweepDirectoryOptions = {}): Promise<WalkForwardDirectoryOutcome> {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('runWalkForwardToDirectory', [walkForwardPlanIssue(plan), executorIssue(executor), outDirIssue(outDir), ...runOptionsIssues(given)]);
  const options = nullAsAbsent(given, {});
  await makeOutputDirectory(outDir);
  return withDirectoryLock(outDir, () => walkForwardIntoDirectory(plan, executor, outDir, options));
}

async function walkForwardIntoDirectory(plan: WalkForwardPlan, executor: JobExecutor, outDir: string, options: SweepDirectoryOptions): Promise<WalkForwardDirectoryOutcome> {
  const result = await withDirectoryJournal(
    outDir,
    plan.planId,
    options.resume === true,
    (journal) => {
      reportResumed(journal, options);
      return runWalkForward(plan, executor, { journal, onProgress: options.onProgress, signal: options.signal });
    },
    WALK_FORWARD_OUTPUT_FILES,
    plan.base.modules,
    plan.coldTrainPlanId === plan.planId
      ? {}
      : {
          [plan.coldTrainPlanId]:
            'it was planned when train windows started cold; they now warm up on the bars before them, so its train results would be mixed with results of the new rule',
        },
    plan.base.data,
    planOutline(plan.parameters, plan.objective, plan.base.config, { windows: windowsText(plan) }),
  );
  if (result.aborted) return { result, files: [] };
  const files = await writeFilesAtomic(walkForwardOutputFiles(result, outDir), {
    createDirectories: true,
    ...(options.temporaryFiles === undefined ? {} : { temporaryFiles: options.temporaryFiles }),
  });
  return { result, files };
}

/** A walk-forward's windows in words, for its journal's outline: the mode, how many, and the first's train and test bars. */
function windowsText(plan: WalkForwardPlan): string {
  const first = plan.windows[0];
  return `${plan.mode}, ${String(plan.windows.length)} windows${first === undefined ? '' : `, the first training on ${String(first.train.bars)} bars and testing on ${String(first.test.bars)}`}`;
}
