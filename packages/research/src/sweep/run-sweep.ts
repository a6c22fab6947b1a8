import type { PerformanceMetrics } from '@ensemble/performance';
import type { JobExecutor, ParameterValue, ResearchJobResult, ResearchJobStatus } from '../job/research-job';
import type { Journal } from '../executor/journal';
import { runJobs } from '../executor/run-jobs';
import type { ResearchProgress } from '../executor/run-jobs';
import { compareByObjective, objectiveValue } from './objective';
import type { Objective } from './objective';
import type { PlannedParameter, SweepPlan } from './sweep-plan';
import { sweepStatistics } from './sweep-statistics';
import type { SweepStatistics, Trial } from './sweep-statistics';
import { checkArguments, nullAsAbsent, shapeIssue } from '@ensemble/protocol';
import { executorIssue, runOptionsIssues, sweepPlanIssue } from '../argument-checks';

/** One combination of a sweep's outcome. */
export interface SweepRow {
  /** 1 = best by the objective; null for a combination without an objective value (failed, or a metric that cannot be computed). */
  readonly rank: number | null;
  readonly index: number;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly status: ResearchJobStatus;
  /** The objective's value (see `objectiveValue`): `Number.POSITIVE_INFINITY` when unboundedly good (a Calmar ratio without a drawdown), null without one. */
  readonly objective: number | null;
  readonly metrics: PerformanceMetrics | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** Counts of a sweep's combinations. */
export interface SweepCounts {
  readonly grid: number;
  /** Rejected by a constraint. */
  readonly skipped: number;
  /** Admissible but not drawn by random sampling. */
  readonly notSampled: number;
  /** Planned to run. */
  readonly planned: number;
  readonly ok: number;
  readonly failed: number;
  readonly timedOut: number;
  /** Not run because the sweep was stopped. */
  readonly notRun: number;
}

/** A sweep's outcome: every combination ranked, the best one's config, and the overfitting statistics. */
export interface SweepResult {
  readonly sweepId: string;
  readonly kind: 'backtest' | 'run';
  readonly objective: Objective;
  readonly parameters: readonly PlannedParameter[];
  readonly counts: SweepCounts;
  /** True when the sweep was stopped before every job finished (the rows are what finished). */
  readonly aborted: boolean;
  /** Finished combinations: ranked ones best first, then the rest by index. */
  readonly rows: readonly SweepRow[];
  readonly best: SweepRow | null;
  /** The best combination's resolved config: run it to reproduce its metrics. */
  readonly bestConfig: Record<string, unknown> | null;
  readonly statistics: SweepStatistics;
}

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  readonly journal?: Journal | undefined;
  readonly onProgress?: ((progress: ResearchProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The grid of each parameter for the stability score: numbers ascending, other values as listed. */
/** The config paths that set the period a combination is measured over. */
const PERIOD_PATHS: ReadonlySet<string> = new Set(['data.from', 'data.to']);

function dimensionsOf(parameters: readonly PlannedParameter[]): Record<string, readonly ParameterValue[]> {
  return Object.fromEntries(
    parameters.map((parameter) => {
      const numeric = parameter.values.every((value) => typeof value === 'number');
      return [parameter.name, numeric ? [...parameter.values].sort((a, b) => a - b) : parameter.values];
    }),
  );
}

/**
 * Ranks finished results by the objective (`objectiveValue`, `compareByObjective`): best first, an
 * unbounded value before every finite one when maximising, ties by index; rows without a value
 * after, by index. The one ranking of a sweep and of a walk-forward's train windows, whatever the
 * executor (threads, a journal's resumed results, a Redis queue).
 */
export function rankResults(plan: Pick<SweepPlan, 'jobs' | 'objective'>, results: ReadonlyMap<number, ResearchJobResult>): SweepRow[] {
  checkArguments('rankResults', [
    shapeIssue(plan, 'plan', 'a sweep plan (its jobs and objective are read)', { jobs: 'array', objective: 'object' }),
    typeof (results as { get?: unknown } | null)?.get === 'function' ? null : { path: 'results', message: 'must be the results by combination index (a Map, e.g. runJobs(…).results)' },
  ]);
  const entries = plan.jobs.flatMap((job) => {
    const result = results.get(job.index);
    if (result === undefined) return [];
    const objective = result.status === 'ok' ? objectiveValue(result.metrics, plan.objective) : null;
    return [{ job, result, index: job.index, objective }];
  });
  entries.sort((a, b) => compareByObjective(a, b, plan.objective.direction));
  let rank = 0;
  return entries.map(({ job, result, objective }) => ({
    rank: objective === null ? null : ++rank,
    index: job.index,
    parameters: job.parameters,
    status: result.status,
    objective,
    metrics: result.metrics,
    error: result.error ?? null,
  }));
}

/**
 * Runs a planned sweep on `executor` (jobs a journal already has are not run again), ranks the
 * combinations by the objective (ties by index), and computes the overfitting statistics of the
 * finished ones. Combinations that failed or timed out are kept with their error. Stopped by
 * `signal`, it returns what finished (`aborted: true`).
 */
export async function runSweep(plan: SweepPlan, executor: JobExecutor, options: RunSweepOptions = {}): Promise<SweepResult> {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('runSweep', [sweepPlanIssue(plan), executorIssue(executor), ...runOptionsIssues(options)]);
  const outcome = await runJobs(plan.jobs, executor, nullAsAbsent(options, {}));
  const rows = rankResults(plan, outcome.results);
  const best = rows[0]?.rank === 1 ? rows[0] : null;
  const trials: Trial[] = plan.jobs.flatMap((job, k) => {
    const result = outcome.results.get(job.index);
    if (result === undefined) return [];
    const objective = result.status === 'ok' ? objectiveValue(result.metrics, plan.objective) : null;
    return [{ index: job.index, parameters: job.parameters, objective, result, riskFreePerPeriod: plan.riskFreePerPeriod[k] ?? 0 }];
  });
  const selected = best === null ? null : (trials.find((trial) => trial.index === best.index) ?? null);
  const statistics = sweepStatistics(trials, selected, { blocks: plan.pboBlocks, direction: plan.objective.direction, metric: plan.objective.metric,
    dimensions: dimensionsOf(plan.parameters),
    limits: Object.fromEntries(plan.parameters.flatMap((parameter, k) => {
      const limits = plan.limits?.[k];
      return limits === null || limits === undefined ? [] : [[parameter.name, limits] as const];
    })),
    // A sweep over data.from or data.to measures its combinations over different periods.
    periodParameters: plan.parameters.filter((parameter) => PERIOD_PATHS.has(parameter.path)),
  });
  const statuses = [...outcome.results.values()].map((result) => result.status);
  const count = (status: ResearchJobStatus): number => statuses.filter((candidate) => candidate === status).length;
  return {
    sweepId: plan.sweepId,
    kind: plan.kind,
    objective: plan.objective,
    parameters: plan.parameters,
    counts: {
      grid: plan.gridSize,
      skipped: plan.skipped,
      notSampled: plan.notSampled,
      planned: plan.jobs.length,
      ok: count('ok'),
      failed: count('failed'),
      timedOut: count('timed-out'),
      notRun: plan.jobs.length - outcome.results.size,
    },
    aborted: outcome.aborted,
    rows,
    best,
    bestConfig: best === null ? null : (plan.jobs.find((job) => job.index === best.index)?.config ?? null),
    statistics,
  };
}
