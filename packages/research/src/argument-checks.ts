import { callbackIssue, describeGiven, objectIssue, optionsIssue, registryIssue, shapeIssue, stringIssue } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';

/*
 * Shape checks of the research entry points' arguments, for callers from JavaScript: each looks at
 * the fields an entry point reads first, in constant time (never at a plan's jobs or a column's
 * values), so that a wrong argument is a ConfigError naming it instead of a TypeError from inside.
 */

const SWEEP_PLAN = 'a sweep plan (what planSweep or planSweepFile returns)';
const WALK_FORWARD_PLAN = 'a walk-forward plan (what planWalkForward or planWalkForwardFile returns)';

const JOB = "a research job (an element of a plan's jobs: index, config, data, …)";

/**
 * The problem with the first element of `jobs` that is not a research job (null when there is
 * none), named by its index (`plan.jobs[3]`): an object with a numeric `index` and, unless only
 * the index is read (`indexOnly`, as `runJobs` itself reads, handing the rest to the executor), an
 * object `config` and an array `data`. One pass, constant work per job; a job's values are the
 * schema's to check.
 */
export function jobsIssue(jobs: unknown, path: string, indexOnly = false): ConfigIssue | null {
  if (!Array.isArray(jobs)) return null;
  for (let k = 0; k < jobs.length; k++) {
    const job: unknown = jobs[k];
    if (typeof job === 'object' && job !== null) {
      const { index, config, data } = job as { index?: unknown; config?: unknown; data?: unknown };
      if (typeof index === 'number' && (indexOnly || (typeof config === 'object' && config !== null && Array.isArray(data)))) continue;
    }
    return shapeIssue(job, `${path}[${String(k)}]`, JOB, indexOnly ? { index: 'number' } : { index: 'number', config: 'object', data: 'array' });
  }
  return null;
}

const WINDOW = "a walk-forward window (an element of a plan's windows: index, train and test)";
const SPAN = 'a window span ({ start, end, bars }: epoch ms of its first and last bars, and how many)';

/**
 * The problem with the first element of a walk-forward plan's `windows` that is not a window
 * (null when there is none), named by its index (`plan.windows[2].test.bars`): an object whose
 * `index` is its place in the list (the step a test job is built for) and whose `train` and `test`
 * spans have numeric `start`, `end` and `bars`. One pass, constant work per window.
 */
export function windowsIssue(windows: unknown, path: string): ConfigIssue | null {
  if (!Array.isArray(windows)) return null;
  for (let k = 0; k < windows.length; k++) {
    const at = `${path}[${String(k)}]`;
    const window: unknown = windows[k];
    const issue =
      shapeIssue(window, at, WINDOW, { index: 'number', train: 'object', test: 'object' }) ??
      shapeIssue((window as { train: unknown }).train, `${at}.train`, SPAN, { start: 'number', end: 'number', bars: 'number' }) ??
      shapeIssue((window as { test: unknown }).test, `${at}.test`, SPAN, { start: 'number', end: 'number', bars: 'number' });
    if (issue !== null) return issue;
    const { index } = window as { index: number };
    if (index !== k) return { path: `${at}.index`, message: `must be ${String(k)}, the window's place in the list (the step its test job is built for); got ${describeGiven(index)}` };
  }
  return null;
}

/** The problem with a sweep plan argument (null when there is none). */
export function sweepPlanIssue(plan: unknown): ConfigIssue | null {
  return (
    shapeIssue(plan, 'plan', SWEEP_PLAN, { sweepId: 'string', jobs: 'array', objective: 'object', parameters: 'array', pboBlocks: 'number', riskFreePerPeriod: 'array' }) ??
    objectiveIssue((plan as { objective: unknown }).objective, 'plan.objective', SWEEP_PLAN) ??
    jobsIssue((plan as { jobs: unknown }).jobs, 'plan.jobs')
  );
}

/** The problem with a walk-forward plan argument (null when there is none). */
export function walkForwardPlanIssue(plan: unknown): ConfigIssue | null {
  return (
    shapeIssue(plan, 'plan', WALK_FORWARD_PLAN, {
      planId: 'string',
      base: 'object',
      trainJobs: 'array',
      windows: 'array',
      timeline: 'column',
      objective: 'object',
      parameters: 'array',
      combinations: 'array',
      gridSize: 'number',
    }) ??
    shapeIssue((plan as { base: unknown }).base, 'plan.base', `the base config of ${WALK_FORWARD_PLAN}`, { config: 'object', modules: 'array' }) ??
    objectiveIssue((plan as { objective: unknown }).objective, 'plan.objective', WALK_FORWARD_PLAN) ??
    jobsIssue((plan as { trainJobs: unknown }).trainJobs, 'plan.trainJobs') ??
    windowsIssue((plan as { windows: unknown }).windows, 'plan.windows')
  );
}

function objectiveIssue(objective: unknown, path: string, what: string): ConfigIssue | null {
  return shapeIssue(objective, path, `the objective of ${what}`, { metric: 'string', direction: 'string' });
}

/** The problem with a job executor argument (null when there is none): an object with a `run` method. */
export function executorIssue(executor: unknown): ConfigIssue | null {
  return shapeIssue(executor, 'executor', 'a job executor (createLocalExecutor(), createInProcessExecutor(), or an object with a run(jobs, options) method)', { run: 'function' });
}

/**
 * The problems with the options of a call that runs jobs (null ones when there are none): absent
 * (undefined or null) or an object whose `onProgress` is a function, `signal` an AbortSignal and
 * `journal` an object, each when given.
 */
export function runOptionsIssues(options: unknown): (ConfigIssue | null)[] {
  const issue = optionsIssue(options);
  if (issue !== null || options === undefined || options === null) return [issue];
  const { onProgress, signal, journal, onResume } = options as { onProgress?: unknown; signal?: unknown; journal?: unknown; onResume?: unknown };
  return [
    callbackIssue(onProgress, 'options.onProgress', 'called with the progress ({ done, total, rate, etaMs })'),
    callbackIssue(onResume, 'options.onResume', 'called with what a resumed journal held ({ finished, unreadable })'),
    signal === undefined || signal === null || isAbortSignal(signal) ? null : { path: 'options.signal', message: `must be an AbortSignal (e.g. new AbortController().signal), or left out; got ${describeGiven(signal)}` },
    journal === undefined || journal === null ? null : objectIssue(journal, 'options.journal', 'a journal (what openJournal returns), or left out'),
  ];
}

function isAbortSignal(signal: unknown): boolean {
  return typeof signal === 'object' && signal !== null && typeof (signal as { aborted?: unknown }).aborted === 'boolean' && typeof (signal as { addEventListener?: unknown }).addEventListener === 'function';
}

/**
 * The problems with a planner's options (null ones when there are none): absent (undefined or
 * null) or an object whose `registry` is an object of definitions, `importer` a function, and
 * `baseDir` and `source` strings, each when given.
 */
export function planOptionsIssues(options: unknown): (ConfigIssue | null)[] {
  const issue = optionsIssue(options);
  if (issue !== null || options === undefined || options === null) return [issue];
  const { registry, importer, baseDir, source } = options as { registry?: unknown; importer?: unknown; baseDir?: unknown; source?: unknown };
  return [
    registry === undefined || registry === null ? null : registryIssue(registry, 'options.registry'),
    callbackIssue(importer, 'options.importer', 'importing a strategy file by its URL'),
    baseDir === undefined ? null : stringIssue(baseDir, 'options.baseDir', 'the directory relative paths resolve against (a string), or left out'),
    source === undefined ? null : stringIssue(source, 'options.source', 'the name of the spec in messages (a string), or left out'),
  ];
}

export { columnIssue } from './statistics/input-checks';

const SWEEP_RESULT = 'a sweep result (what runSweep or runSweepToDirectory returns)';

/**
 * The problem with a sweep result argument (null when there is none): an object with the
 * parameters and rows every reader of it reads, and, unless `only` is `rows`, the objective,
 * counts and statistics, and a best row and config each an object or null.
 */
export function sweepResultIssue(result: unknown, only?: 'rows'): ConfigIssue | null {
  const issue = shapeIssue(result, 'result', SWEEP_RESULT, only === 'rows' ? { parameters: 'array', rows: 'array' } : { parameters: 'array', rows: 'array', objective: 'object', counts: 'object', statistics: 'object' });
  if (issue !== null || only === 'rows') return issue;
  const { best, bestConfig } = result as { best?: unknown; bestConfig?: unknown };
  return (best === null ? null : objectIssue(best, 'result.best', `the best row of ${SWEEP_RESULT}, or null`)) ?? (bestConfig === null ? null : objectIssue(bestConfig, 'result.bestConfig', `the best config of ${SWEEP_RESULT}, or null`));
}

/**
 * The problem with a walk-forward result argument (null when there is none): an object with the
 * parameters, steps and out-of-sample curve every reader of it reads, and the objective when
 * `withObjective` (the report input reads it).
 */
export function walkForwardResultIssue(result: unknown, withObjective = false): ConfigIssue | null {
  const what = 'a walk-forward result (what runWalkForward or runWalkForwardToDirectory returns)';
  const issue = shapeIssue(result, 'result', what, withObjective ? { parameters: 'array', steps: 'array', outOfSample: 'object', objective: 'object' } : { parameters: 'array', steps: 'array', outOfSample: 'object' });
  if (issue !== null) return issue;
  return shapeIssue((result as { outOfSample: unknown }).outOfSample, 'result.outOfSample', `the stitched out-of-sample curve of ${what}`, { time: 'column', equity: 'column' });
}

/** The problem with an output directory argument (null when there is none): a path. */
export function outDirIssue(outDir: unknown): ConfigIssue | null {
  return stringIssue(outDir, 'outDir', 'the output directory (a path)');
}

/** The problem with a number argument (null when there is none). */
export function numberIssue(value: unknown, path: string, what: string, optional = false): ConfigIssue | null {
  if (typeof value === 'number' || (optional && value === undefined)) return null;
  return { path, message: `must be ${what} (a number)${optional ? ', or left out' : ''}; got ${describeGiven(value)}` };
}

/** The problem with a function argument (null when there is none). */
export function functionIssue(value: unknown, path: string, what: string, optional = false): ConfigIssue | null {
  if (typeof value === 'function' || (optional && value === undefined)) return null;
  return { path, message: `must be ${what} (a function)${optional ? ', or left out' : ''}; got ${describeGiven(value)}` };
}

/** The problem with a bytes argument (null when there is none): a `Uint8Array` (a `Buffer` is one), also from another realm. */
export function bytesIssue(value: unknown, path: string): ConfigIssue | null {
  if (value instanceof Uint8Array || Object.prototype.toString.call(value) === '[object Uint8Array]') return null;
  return { path, message: `must be bytes (a Uint8Array or Buffer); got ${describeGiven(value)}` };
}

/** The problem with an array argument that may be left out (null when there is none). */
export function optionalArrayIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  if (value === undefined || Array.isArray(value)) return null;
  return { path, message: `must be ${what} (an array), or left out; got ${describeGiven(value)}` };
}

/** The problem with the list a planning helper records its problems in (null when there is none). */
export function issueListIssue(issues: unknown): ConfigIssue | null {
  if (Array.isArray(issues)) return null;
  return { path: 'issues', message: `must be the array the problems are pushed to (e.g. []); got ${describeGiven(issues)}` };
}

/** The problem with an objective direction argument (null when there is none): `max` or `min`. */
export function directionIssue(direction: unknown, path: string): ConfigIssue | null {
  if (direction === 'max' || direction === 'min') return null;
  return { path, message: `must be "max" or "min"; got ${describeGiven(direction)}` };
}
