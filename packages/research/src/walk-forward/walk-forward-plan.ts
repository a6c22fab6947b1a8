import { dirname, resolve } from 'node:path';
import { ConfigError } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import type { ResearchJob } from '../job/research-job';
import { createLocalResolvers } from '../job/resolvers';
import { readJsonFile } from '../json-file';
import type { Objective } from '../sweep/objective';
import { configTimeline, jobsOf, jsonDigest, parseSpec, planGrid } from '../sweep/sweep-plan';
import type { BaseConfig, PlanSweepOptions, PlannedParameter } from '../sweep/sweep-plan';
import { WalkForwardSpecSchema } from './walk-forward-spec';
import type { WalkForwardSpec } from './walk-forward-spec';
import { walkForwardWindows } from './windows';
import type { WalkForwardWindow } from './windows';

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
  /** Train jobs of every window: job index `window × gridSize + combination`. */
  readonly trainJobs: readonly ResearchJob[];
}

/** The merged bar times of the data a base config selects (its symbols, `data.from`, `data.to`). */
async function baseTimeline(base: BaseConfig): Promise<Float64Array> {
  return configTimeline(base.kind, base.config, await createLocalResolvers().marketData(base.data));
}

/**
 * Plans a walk-forward from a spec (parsed from JSON): the grid as a sweep plans it, the windows
 * over the base config's data, and each window's train jobs (the train window's bars only).
 * Every problem of the spec is one `ConfigError` by path.
 */
export async function planWalkForward(input: unknown, options: Omit<PlanSweepOptions, 'window'> = {}): Promise<WalkForwardPlan> {
  const spec = parseSpec(WalkForwardSpecSchema, input, options.source);
  const grid = await planGrid(spec, options);
  const issues: ConfigIssue[] = [];
  const timeline = await baseTimeline(grid.base);
  const windows = walkForwardWindows(timeline, spec.windows, issues);
  if (issues.length > 0) throw new ConfigError(issues, options.source === undefined ? undefined : { source: options.source });
  const trainJobs = windows.flatMap((window) =>
    jobsOf(grid.base, grid.parameters, grid.combinations, { start: window.train.start, end: window.train.end }).map((job) => ({
      ...job,
      index: window.index * grid.gridSize + job.index,
    })),
  );
  const planId = jsonDigest({ version: 1, walkForward: true, objective: grid.objective, windows, trainJobs });
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
    trainJobs,
  };
}

/** Reads a walk-forward spec file and plans it (paths relative to the spec's directory). */
export async function planWalkForwardFile(file: string, options: Omit<PlanSweepOptions, 'baseDir' | 'source' | 'window'> = {}): Promise<WalkForwardPlan> {
  const absolute = resolve(file);
  return planWalkForward(await readJsonFile(absolute, 'walk-forward spec'), { ...options, baseDir: dirname(absolute), source: file });
}
