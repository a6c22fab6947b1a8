import { metricsStartEquity } from '@ensemble/engine';
import { computeMetrics } from '@ensemble/performance';
import type { PerformanceMetrics } from '@ensemble/performance';
import type { Journal } from '../executor/journal';
import { runJobs } from '../executor/run-jobs';
import type { ResearchProgress } from '../executor/run-jobs';
import type { JobExecutor, ParameterValue, ResearchJob, ResearchJobResult } from '../job/research-job';
import { rankResults } from '../sweep/run-sweep';
import type { SweepRow } from '../sweep/run-sweep';
import { combinationValues } from '../sweep/sweep-plan';
import { withConfigValues } from '../sweep/config-path';
import type { WalkForwardPlan } from './walk-forward-plan';
import { firstAtOrAfter } from './windows';
import type { WindowSpan } from './windows';
import { MIN_CASH, checkArguments, nullAsAbsent } from '@ensemble/protocol';
import { executorIssue, runOptionsIssues, walkForwardPlanIssue } from '../argument-checks';

/** One walk-forward step's outcome. */
export interface WalkForwardStep {
  readonly index: number;
  readonly train: WindowSpan;
  readonly test: WindowSpan;
  /** The combination chosen on the train window (grid index and parameters), or null when none had an objective value. */
  readonly chosen: { readonly combination: number; readonly parameters: Readonly<Record<string, ParameterValue>> } | null;
  /** The chosen combination's objective on the train window. */
  readonly objective: number | null;
  readonly inSample: PerformanceMetrics | null;
  readonly outOfSample: PerformanceMetrics | null;
  /** Equity the test window started with (the previous test window's final equity). */
  readonly startEquity: number;
  /** Out-of-sample CAGR / in-sample CAGR; null unless both exist and the in-sample one is > 0. */
  readonly efficiency: number | null;
  readonly status: 'ok' | 'failed' | 'timed-out' | 'no-choice';
  /**
   * Why the step has no out-of-sample result: its test job's error, or for `no-choice` why no
   * combination could be chosen (`TRAIN_FAILED`: every combination failed on the train window,
   * with the first one's error; `NO_OBJECTIVE`: none had a value of the objective), or
   * `NO_CAPITAL` (status `failed`, the test not run): an earlier test window ended with equity
   * at zero or below, or below the least starting cash (`MIN_CASH`, a cent), so there was no
   * capital to carry into this one.
   */
  readonly error: { readonly code: string; readonly message: string } | null;
  /**
   * The train window's combinations that failed or timed out, left out of the choice (the chosen
   * one is the best of the others): their counts and the first of them by combination, with its
   * error. A timed-out combination may be the best on a faster machine or with a longer
   * `--job-timeout`.
   */
  readonly trainFailures: TrainFailures;
  /**
   * How many of the train window's combinations share the chosen one's objective exactly (the
   * chosen one included; 0 when none was chosen). Above 1 the choice among them fell to the lowest
   * combination index, not to the objective.
   */
  readonly ties: number;
}

/** The combinations of one train window that did not finish, so that no choice was made among them. */
export interface TrainFailures {
  readonly failed: number;
  readonly timedOut: number;
  /** The first of them by combination (its grid index), or null when every one finished. */
  readonly first: { readonly combination: number; readonly status: 'failed' | 'timed-out'; readonly message: string } | null;
}

/** A walk-forward's outcome: every step, the stitched out-of-sample curve and its metrics. */
export interface WalkForwardResult {
  readonly planId: string;
  readonly kind: 'backtest' | 'run';
  readonly objective: WalkForwardPlan['objective'];
  readonly mode: WalkForwardPlan['mode'];
  readonly parameters: WalkForwardPlan['parameters'];
  readonly aborted: boolean;
  readonly steps: readonly WalkForwardStep[];
  /**
   * The base config with the combination of the latest step that chose one (on its train
   * window): the parameters the walk-forward would trade after its last test window, over the
   * base config's data and cash, runnable as it is (`last-config.json`); null when no step chose.
   */
  readonly lastConfig: Record<string, unknown> | null;
  /**
   * The test windows' equity curves end to end, each starting with the previous one's final equity;
   * a `no-choice` or `NO_CAPITAL` step's test window is flat at the capital it passes on. A test window whose job
   * failed or timed out has no curve and is left out.
   */
  readonly outOfSample: { readonly time: readonly number[]; readonly equity: readonly number[] };
  /** Metrics of the stitched curve (trade metrics are null: trades are not carried across windows). */
  readonly metrics: PerformanceMetrics | null;
  /** Stitched out-of-sample CAGR / the mean in-sample CAGR of the steps; null unless that mean is > 0. */
  readonly efficiency: number | null;
}

/** Options of {@link runWalkForward}. */
export interface RunWalkForwardOptions {
  readonly journal?: Journal | undefined;
  readonly onProgress?: ((progress: ResearchProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Why a train window chose no combination, from its ranked rows (none of which has a rank; job indexes from `firstIndex`). */
function noChoiceError(rows: readonly SweepRow[], metric: string, firstIndex: number, trainBars: number, cold: boolean): { code: string; message: string } {
  const failed = rows.filter((row) => row.error !== null);
  const first = failed[0]?.error;
  if (first !== undefined && first !== null && failed.length === rows.length) {
    return {
      code: 'TRAIN_FAILED',
      message: `every combination failed on the train window (${String(failed.length)} of ${String(rows.length)}); the first, combination ${String((failed[0]?.index ?? firstIndex) - firstIndex)}: ${first.message}`,
    };
  }
  const finished = rows.filter((row) => row.error === null);
  // A train window at the data's first bar starts cold: one shorter than the strategies' warm-up
  // (an SMA's period) cannot trade. Later ones warm up on the bars before them.
  const traded = !(finished.length > 0 && finished.every((row) => row.metrics?.volatility === 0 && (row.metrics.timeInMarket ?? 0) === 0));
  const why = cold
    ? " (it starts at the data's first bar, with no bars before it to warm up on: one shorter than a strategy's warm-up, e.g. its longest moving average, cannot trade)"
    : '';
  const untraded = traded ? '' : `; none of them traded in the window's ${String(trainBars)} bars${why}`;
  return {
    code: 'NO_OBJECTIVE',
    message: `no combination had a value of the objective ${metric} on the train window (${String(finished.length)} finished, ${String(failed.length)} failed)${untraded}`,
  };
}

/** The train window's combinations that did not finish, from its ranked rows (job indexes from `firstIndex`). */
function trainFailuresOf(rows: readonly SweepRow[], firstIndex: number): TrainFailures {
  let failed = 0;
  let timedOut = 0;
  let first: TrainFailures['first'] = null;
  for (const row of rows) {
    if (row.status !== 'failed' && row.status !== 'timed-out') continue;
    if (row.status === 'failed') failed++;
    else timedOut++;
    const combination = row.index - firstIndex;
    if (first === null || combination < first.combination) first = { combination, status: row.status, message: row.error?.message ?? row.status };
  }
  return { failed, timedOut, first };
}

function efficiencyOf(outOfSample: number | null | undefined, inSample: number | null | undefined): number | null {
  if (outOfSample === null || outOfSample === undefined || inSample === null || inSample === undefined || !(inSample > 0)) return null;
  return outOfSample / inSample;
}

/** The choice of the latest step that made one (a later `no-choice` step leaves it standing), or null when none did. */
export function latestChoice(steps: readonly Pick<WalkForwardStep, 'chosen'>[]): WalkForwardStep['chosen'] {
  return steps.findLast((step) => step.chosen !== null)?.chosen ?? null;
}

/** The config path and value of every varied parameter in grid combination `combination`. */
function combinationEntries(plan: WalkForwardPlan, combination: number): (readonly [string, ParameterValue])[] {
  const values = combinationValues(plan.parameters, combination);
  return plan.parameters.map((parameter, i) => [parameter.path, values[i] ?? 0] as const);
}

/** The test job of step `k`: the chosen combination's config with `cash` = the capital carried over, warmed up on the train window. */
function testJob(plan: WalkForwardPlan, k: number, combination: number, capital: number): ResearchJob {
  const window = plan.windows[k];
  if (window === undefined) throw new RangeError(`no window ${String(k)}`);
  const values = combinationValues(plan.parameters, combination);
  const config = withConfigValues(plan.base.config, [...combinationEntries(plan, combination), ['cash', capital] as const]);
  return {
    version: 1,
    kind: plan.kind,
    index: plan.windows.length * plan.gridSize + k,
    parameters: Object.fromEntries(plan.parameters.map((parameter, i) => [parameter.name, values[i] ?? 0])),
    config,
    data: [...plan.base.data],
    strategyModules: [...plan.base.modules],
    window: { warmupStart: window.train.start, start: window.test.start, end: window.test.end },
  };
}

/**
 * Runs a planned walk-forward: every train job of every window on `executor` (in one batch, so all
 * cores work), then, window by window, the train window's best combination by the objective (ties:
 * the lowest grid index) on the test window — warmed up on the train bars, no entry before the test
 * window's start, starting with the previous test window's final equity (the base config's cash for
 * the first; once a test window ends below a cent, the later ones are not run: `NO_CAPITAL`).
 * Selection only ever sees train results, and a train job's metrics only the train window's bars
 * (it warms up on the bars before, as a test job does: see {@link WalkForwardPlan.trainJobs}).
 */
export async function runWalkForward(plan: WalkForwardPlan, executor: JobExecutor, given: RunWalkForwardOptions = {}): Promise<WalkForwardResult> {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('runWalkForward', [walkForwardPlanIssue(plan), executorIssue(executor), ...runOptionsIssues(given)]);
  const options = nullAsAbsent(given, {});
  const total = plan.trainJobs.length + plan.windows.length;
  let offset = 0;
  const progress = (p: ResearchProgress): void => options.onProgress?.({ ...p, done: p.done + offset, total });
  const run = (jobs: readonly ResearchJob[]) => runJobs(jobs, executor, { journal: options.journal, signal: options.signal, onProgress: progress });
  const train = await run(plan.trainJobs);
  let aborted = train.aborted;
  offset = plan.trainJobs.length;
  const steps: WalkForwardStep[] = [];
  const time: number[] = [];
  const equity: number[] = [];
  let capital = Number(plan.base.config.cash);
  /**
   * A step that trades nothing (no combination chosen, or no capital to trade) holds the capital
   * over its test window, bar by bar: left out, its time would vanish from the annualised metrics.
   */
  const holdFlat = (window: WalkForwardPlan['windows'][number]): void => {
    const first = firstAtOrAfter(plan.timeline, window.test.start);
    for (let i = first; i < first + window.test.bars; i++) {
      time.push(plan.timeline[i] ?? Number.NaN);
      equity.push(capital);
    }
  };
  for (const window of plan.windows) {
    if (aborted) break;
    const k = window.index;
    const ranked = rankResults(
      { jobs: plan.trainJobs.filter((job) => Math.floor(job.index / plan.gridSize) === k), objective: plan.objective },
      train.results,
    );
    const best = ranked[0]?.rank === 1 ? ranked[0] : null;
    const ties = best === null ? 0 : ranked.filter((row) => row.rank !== null && Object.is(row.objective, best.objective)).length;
    const base = { index: k, train: window.train, test: window.test, startEquity: capital, trainFailures: trainFailuresOf(ranked, k * plan.gridSize), ties };
    if (best === null) {
      steps.push({ ...base, chosen: null, objective: null, inSample: null, outOfSample: null, efficiency: null, status: 'no-choice', error: noChoiceError(ranked, plan.objective.metric, k * plan.gridSize, window.train.bars, window.train.start === plan.timeline[0]) });
      // Nothing chosen, nothing traded: the capital stays in cash over the test window.
      holdFlat(window);
      offset++;
      continue;
    }
    const combination = best.index - k * plan.gridSize;
    const chosen = { combination, parameters: best.parameters };
    if (!(capital >= MIN_CASH)) {
      // An account that lost everything (a short squeezed past its capital), or all but less than
      // the least starting cash, has nothing to trade: the test is not run, rather than failing as
      // a config with a cash the engine refuses.
      const why = capital > 0 ? `less than the least starting cash, ${String(MIN_CASH)} (a cent)` : 'at zero or below';
      const error = { code: 'NO_CAPITAL', message: `the capital carried from the test window before is ${String(capital)}: an earlier test window ended with equity ${why}, so there is nothing to trade` };
      steps.push({ ...base, chosen, objective: best.objective, inSample: best.metrics, outOfSample: null, efficiency: null, status: 'failed', error });
      holdFlat(window);
      offset++;
      continue;
    }
    const outcome = await run([testJob(plan, k, combination, capital)]);
    const result: ResearchJobResult | undefined = outcome.results.get(plan.windows.length * plan.gridSize + k);
    offset++;
    if (result === undefined) {
      aborted = true;
      break;
    }
    const curve = result.curve;
    if (result.status === 'ok' && curve !== undefined) {
      // One push per value: a spread of a long window (intraday bars) would overflow the call's arguments.
      for (let i = 0; i < curve.time.length; i++) {
        time.push(curve.time[i] ?? Number.NaN);
        equity.push(curve.equity[i] ?? Number.NaN);
      }
      capital = curve.equity.at(-1) ?? capital;
    }
    steps.push({
      ...base,
      chosen,
      objective: best.objective,
      inSample: best.metrics,
      outOfSample: result.metrics,
      efficiency: efficiencyOf(result.metrics?.cagr, best.metrics?.cagr),
      status: result.status,
      error: result.error ?? null,
    });
  }
  const config = plan.base.config;
  const periodsPerYear = typeof config.periodsPerYear === 'number' ? config.periodsPerYear : undefined;
  const metrics =
    time.length === 0
      ? null
      : computeMetrics(
          // With close fills the first test window's first point holds its first bar's fills: the
          // stitched curve starts from the base cash (later windows' first points are measured
          // from the window before, so their costs count already).
          { equity: { time, equity }, startEquity: metricsStartEquity(config) },
          { riskFreeRate: typeof config.riskFreeRate === 'number' ? config.riskFreeRate : 0, ...(periodsPerYear === undefined ? {} : { periodsPerYear }) },
        ).metrics;
  const inSampleCagrs = steps.flatMap((step) => (step.inSample?.cagr === null || step.inSample?.cagr === undefined ? [] : [step.inSample.cagr]));
  const meanInSample = inSampleCagrs.length === 0 ? null : inSampleCagrs.reduce((sum, value) => sum + value, 0) / inSampleCagrs.length;
  const latest = latestChoice(steps);
  return {
    planId: plan.planId,
    kind: plan.kind,
    objective: plan.objective,
    mode: plan.mode,
    parameters: plan.parameters,
    aborted,
    steps,
    lastConfig: latest === null ? null : withConfigValues(plan.base.config, combinationEntries(plan, latest.combination)),
    outOfSample: { time, equity },
    metrics,
    efficiency: efficiencyOf(metrics?.cagr, meanInSample),
  };
}
