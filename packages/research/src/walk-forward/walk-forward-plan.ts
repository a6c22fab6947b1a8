import { resolve } from 'node:path';
import { ConfigError, checkArguments, nullAsAbsent, stringIssue } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import type { ResearchJob } from '../job/research-job';
import { createLocalResolvers, marketDataOf } from '../job/resolvers';
import { readJsonFile, relativeBaseOf } from '../json-file';
import type { Objective } from '../sweep/objective';
import { configTimeline, jobsOf, jsonDigest, parseSpec, planGrid } from '../sweep/sweep-plan';
import type { BaseConfig, PlanSweepOptions, PlannedParameter } from '../sweep/sweep-plan';
import { WalkForwardSpecSchema } from './walk-forward-spec';
import type { WalkForwardSpec } from './walk-forward-spec';
import { shortLastTestWindow, untestedBars, walkForwardWindows } from './windows';
import type { ShortTestWindow, UntestedBars, WalkForwardWindow } from './windows';
import { planOptionsIssues } from '../argument-checks';

/** A planned walk-forward: the grid, the windows and every train job (test jobs follow from their results). */
export interface WalkForwardPlan {
  /** SHA-256 of the plan: the journal's key. */
  readonly planId: string;
  readonly kind: 'backtest' | 'run';
  readonly base: BaseConfig;
  readonly parameters: readonly PlannedParameter[];
  readonly objective: Objective;
  readonly mode: WalkForwardSpec['windows']['mode'];
  readonly gridSize: number;
  readonly skipped: number;
  readonly notSampled: number;
  readonly combinations: readonly number[];
  /** Bar times (epoch ms) of the data the base config selects: the timeline the windows are placed on. */
  readonly timeline: Float64Array;
  readonly windows: readonly WalkForwardWindow[];
  /** The last window when the data ends before its test length (less than 90 % of it held), else null. */
  readonly shortLastTest: ShortTestWindow | null;
  /** Bars between test windows that no test window holds (steps left out for a train window of under 2 bars), else null. */
  readonly untested: UntestedBars | null;
  /**
   * Train jobs of every window: job index `window × gridSize + combination`. A train window with
   * bars before it warms up on them (its job's `warmupStart` is the data's first bar), as a test
   * window does on its train window; one starting at the data's first bar starts cold.
   */
  readonly trainJobs: readonly ResearchJob[];
  /**
   * The id the same spec had when every train window started cold (walk-forwards planned before
   * train windows warmed up): equal to `planId` when no train window has bars before it (anchored
   * windows); otherwise a journal of that plan is refused on resume with the reason.
   */
  readonly coldTrainPlanId: string;
}

/** The merged bar times of the data a base config selects (its symbols, `data.from`, `data.to`). */
async function baseTimeline(base: BaseConfig): Promise<Float64Array> {
  return configTimeline(base.kind, base.config, await marketDataOf(createLocalResolvers(), base.data));
}

/**
 * Plans a walk-forward from a spec (parsed from JSON): the grid as a sweep plans it, the windows
 * over the base config's data, and each window's train jobs (measured on the train window's bars
 * only, warmed up on every bar before it).
 * Every problem of the spec is one `ConfigError` by path.
 */
export async function planWalkForward(input: unknown, given: Omit<PlanSweepOptions, 'window'> = {}): Promise<WalkForwardPlan> {
  // From JavaScript the options can be anything: a wrong one failed inside as a TypeError.
  checkArguments('planWalkForward', planOptionsIssues(given));
  const options = nullAsAbsent(given, {});
  const spec = parseSpec(WalkForwardSpecSchema, input, options.source);
  const grid = await planGrid(spec, options);
  const issues: ConfigIssue[] = [];
  const timeline = await baseTimeline(grid.base);
  const windows = walkForwardWindows(timeline, spec.windows, issues);
  if (issues.length > 0) throw new ConfigError(issues, options.source === undefined ? undefined : { source: options.source });
  const first = timeline[0] ?? Number.NaN;
  const trainJobsOf = (warm: boolean): ResearchJob[] =>
    windows.flatMap((window) =>
      jobsOf(grid.base, grid.parameters, grid.combinations, {
        ...(warm && window.train.start > first ? { warmupStart: first } : {}),
        start: window.train.start,
        end: window.train.end,
      }).map((job) => ({ ...job, index: window.index * grid.gridSize + job.index })),
    );
  const trainJobs = trainJobsOf(true);
  // Version 1 started every train window cold; version 2 warms up those with bars before them. A
  // plan where none has any (anchored windows) is the same either way and keeps its version 1 id,
  // so its journals still resume.
  const coldTrainPlanId = jsonDigest({ version: 1, walkForward: true, objective: grid.objective, windows, trainJobs: trainJobsOf(false) });
  const warmed = trainJobs.some((job) => job.window?.warmupStart !== undefined);
  const planId = warmed ? jsonDigest({ version: 2, walkForward: true, objective: grid.objective, windows, trainJobs }) : coldTrainPlanId;
  return {
    planId,
    kind: spec.kind,
    base: grid.base,
    parameters: grid.parameters,
    objective: grid.objective,
    mode: spec.windows.mode,
    gridSize: grid.gridSize,
    skipped: grid.skipped,
    notSampled: grid.notSampled,
    combinations: grid.combinations,
    timeline,
    windows,
    shortLastTest: shortLastTestWindow(timeline, spec.windows, windows),
    untested: untestedBars(timeline, windows),
    trainJobs,
    coldTrainPlanId,
  };
}

/** Reads a walk-forward spec file and plans it (paths relative to the spec's directory). */
export async function planWalkForwardFile(file: string, options: Omit<PlanSweepOptions, 'baseDir' | 'source' | 'window'> = {}): Promise<WalkForwardPlan> {
  checkArguments('planWalkForwardFile', [stringIssue(file, 'file', 'the path of a walk-forward spec (a JSON file)'), ...planOptionsIssues(options)]);
  const absolute = resolve(file);
  return planWalkForward(await readJsonFile(absolute, 'walk-forward spec'), { ...nullAsAbsent(options, {}), baseDir: await relativeBaseOf(absolute), source: file });
}
