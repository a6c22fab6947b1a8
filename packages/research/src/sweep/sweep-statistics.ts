import type { MetricName } from '@ensemble/performance';
import { ConfigError, DataValidationError, EnsembleError, arrayIssue, checkArguments, objectIssue, shapeIssue } from '@ensemble/protocol';
import type { ParameterValue, ResearchJobResult } from '../job/research-job';
import { deflatedSharpeRatio } from '../statistics/deflated-sharpe-ratio';
import type { DeflatedSharpeResult } from '../statistics/deflated-sharpe-ratio';
import { probabilityOfBacktestOverfitting } from '../statistics/backtest-overfitting';
import type { BacktestOverfittingResult, OverfittingMetric } from '../statistics/backtest-overfitting';
import { parameterStability } from '../statistics/parameter-stability';
import type { ParameterStabilityResult } from '../statistics/parameter-stability';
import { perPeriodSharpe } from '../statistics/return-moments';
import type { ObjectiveDirection } from './objective';

/** The PBO of a sweep, without the per-split arrays (a summary, not the whole CSCV). */
export type SweepPbo = Pick<BacktestOverfittingResult, 'pbo' | 'trials' | 'observations' | 'blocks' | 'splits' | 'logitDistribution'> & {
  /**
   * The metric each half of a split was scored by, so that its in-sample best is the combination
   * the sweep's selection would pick there: the objective's own when it can be computed from a
   * half's returns (`sharpe`, `sortino`, `volatility`, and `totalReturn` or `cagr` by the mean log return,
   * which ranks as they do), `sharpe` otherwise (with a note).
   */
  readonly scoredBy: MetricName;
  /** Whether the lower score was the better one (a minimised objective) or the higher. */
  readonly direction: ObjectiveDirection;
  /**
   * The share of splits whose in-sample best lost out of sample: a Sharpe ratio or a mean log
   * return below 0. Null when the score has no sign of a loss (`volatility`).
   */
  readonly probabilityOfLoss: number | null;
  readonly degradation: Pick<BacktestOverfittingResult['degradation'], 'slope' | 'intercept' | 'rSquared'>;
};

/** How the PBO scores a half of a split for an objective on `metric`, or null when it cannot. */
interface PboScoring {
  readonly metric: OverfittingMetric;
  /** Each trial's returns as the score reads them. */
  readonly columns: (trial: Trial) => Float64Array;
}

/** The log of one plus each return: their mean over a half ranks trials as their compounded return does. */
function logReturns(trial: Trial): Float64Array {
  const returns = trial.result.periodReturns;
  const logs = new Float64Array(returns.length);
  for (let t = 0; t < returns.length; t++) logs[t] = Math.log1p(returns[t] ?? Number.NaN);
  return logs;
}

/**
 * The PBO's scoring of a half for an objective: the objective itself where a half's returns give
 * it (per-period figures rank as their annualised forms do, since every trial's half has the same
 * periods), null where they do not (a drawdown, a trade statistic, a cost).
 */
function pboScoring(metric: MetricName): PboScoring | null {
  if (metric === 'sharpe') return { metric: 'sharpe', columns: excessReturns };
  if (metric === 'sortino') return { metric: 'sortino', columns: excessReturns };
  if (metric === 'totalReturn' || metric === 'cagr') return { metric: 'mean', columns: logReturns };
  if (metric === 'volatility') return { metric: 'volatility', columns: (trial) => trial.result.periodReturns };
  return null;
}

/** Why the stability of a best point is undefined: none of its grid neighbours has an objective value. */
function noNeighbour(stability: ParameterStabilityResult, dimensions: Readonly<Record<string, readonly ParameterValue[]>>): string {
  const best = `the best combination (index ${String(stability.best.index)})`;
  if (stability.neighbourhoodSize === 0) {
    // A parameter of text values (a scheme, a date) is categorical: its other values are not neighbours.
    const categorical = Object.entries(dimensions).filter(([, values]) => values.length > 1 && !values.every((value) => typeof value === 'number'));
    if (categorical.length === 0) return `${best} has no neighbour in the grid (each parameter has one value), so there is nothing to compare it with`;
    const names = categorical.map(([name]) => name).join(', ');
    const many = categorical.length > 1;
    return `${best} has no neighbour in the grid: ${names} ${many ? 'are' : 'is'} categorical (text values), where a neighbour has the best combination's value${many ? 's' : ''}, so there is nothing to compare it with`;
  }
  const why = [
    ...(stability.failedNeighbours > 0 ? [`${String(stability.failedNeighbours)} failed or without an objective value`] : []),
    ...(stability.missingNeighbours > 0 ? [`${String(stability.missingNeighbours)} left out by a constraint or the sampling`] : []),
  ].join(', ');
  const which = stability.neighbourhoodSize === 1 ? `the one neighbour of ${best} has no` : `none of the ${String(stability.neighbourhoodSize)} neighbours of ${best} has an`;
  return `${which} objective value (${why}), so there is nothing to compare it with`;
}

/**
 * A note when the selected combination is on the edge of the grid: its value of a numeric parameter
 * with at least three values is the smallest or the largest tried, so the grid shows no peak there
 * and the objective may go on improving beyond it. An edge that is the parameter's own limit
 * (`limits`: its schema refuses a value beyond it) is not named, as no wider grid passes it. Null
 * when it is inside every such range.
 */
function gridEdgeNote(
  selected: Trial | null,
  dimensions: Readonly<Record<string, readonly ParameterValue[]>>,
  limits: Readonly<Record<string, { readonly below: boolean; readonly above: boolean }>> = {},
): string | null {
  if (selected === null) return null;
  const edges: string[] = [];
  for (const [name, values] of Object.entries(dimensions)) {
    const numbers = values.filter((value): value is number => typeof value === 'number');
    const value = selected.parameters[name];
    if (typeof value !== 'number' || numbers.length !== values.length || new Set(numbers).size < 3) continue;
    // An edge at the parameter's own limit cannot be widened past: not one to name.
    const limit = Object.hasOwn(limits, name) ? limits[name] : undefined;
    if (value === numbers.reduce((most, v) => Math.max(most, v), -Infinity)) {
      if (limit?.above !== true) edges.push(`${name}=${String(value)} is the largest value tried`);
    } else if (value === numbers.reduce((least, v) => Math.min(least, v), Infinity)) {
      if (limit?.below !== true) edges.push(`${name}=${String(value)} is the smallest value tried`);
    }
  }
  if (edges.length === 0) return null;
  const list = edges.length === 1 ? (edges[0] ?? '') : `${edges.slice(0, -1).join(', ')} and ${edges.at(-1) ?? ''}`;
  return `grid: the best combination (index ${String(selected.index)}) is on the edge of the grid: ${list}; the objective may go on improving beyond it, so widen the range before trusting it`;
}

/** The overfitting statistics of a sweep; a statistic that cannot be computed is null, with the reason in `notes`. */
export interface SweepStatistics {
  /** Deflated Sharpe ratio of the selected combination against every finished trial's Sharpe ratio. */
  readonly deflatedSharpe: DeflatedSharpeResult | null;
  readonly pbo: SweepPbo | null;
  /** Parameter stability of the objective; the `index` of its best point and neighbours is the combination's index, as in the results. */
  readonly stability: ParameterStabilityResult | null;
  /**
   * Why a statistic is missing (`deflatedSharpe: …`, `pbo: …`, `stability: …`), and `grid: …` when
   * the best combination is on the edge of the grid (the smallest or largest value of a numeric
   * parameter with three values or more).
   */
  readonly notes: readonly string[];
}

/** One finished trial: its parameters, objective and result. */
export interface Trial {
  readonly index: number;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly objective: number | null;
  readonly result: ResearchJobResult;
  /** The per-period risk-free rate its Sharpe ratio subtracts (default 0): the statistics measure its excess returns. */
  readonly riskFreePerPeriod?: number | undefined;
}

/** A trial's period returns in excess of its risk-free rate (the returns themselves without one). */
function excessReturns(trial: Trial): Float64Array {
  const returns = trial.result.periodReturns;
  const rate = trial.riskFreePerPeriod ?? 0;
  if (rate === 0) return returns;
  const excess = new Float64Array(returns.length);
  for (let t = 0; t < returns.length; t++) excess[t] = (returns[t] ?? Number.NaN) - rate;
  return excess;
}

/**
 * The first period whose return is not a finite number, or -1: a run whose equity reached zero or
 * below has no return from the period after (a return on nothing is undefined).
 */
function firstUndefinedReturn(returns: ArrayLike<number>): number {
  for (let t = 0; t < returns.length; t++) if (!Number.isFinite(returns[t] ?? Number.NaN)) return t;
  return -1;
}

/** Why a combination has no return from period `at` (0-based) on, for a note. */
function undefinedReturns(trial: Trial, at: number): string {
  return `combination #${trial.index}'s returns are undefined after period ${at} of ${trial.result.periodReturns.length} (its equity reached zero or below)`;
}

/**
 * True when every series holds the same returns, period by period: the varied parameters changed
 * nothing (or no combination traded), so every split's trials tie in and out of sample.
 */
function allIdentical(series: readonly ArrayLike<number>[]): boolean {
  const first = series[0];
  if (first === undefined) return true;
  for (const other of series.slice(1)) {
    for (let t = 0; t < first.length; t++) if (other[t] !== first[t]) return false;
  }
  return true;
}

/** Why the selected combination has a deflated Sharpe result but no DSR. */
function noDeflatedSharpe(selected: Trial, result: DeflatedSharpeResult): string {
  const which = `the selected combination #${String(selected.index)}`;
  if (result.observations < 2) return `${which} has ${String(result.observations)} return${result.observations === 1 ? '' : 's'}; a Sharpe ratio needs at least 2`;
  if (result.sharpe === null) return `${which}'s returns do not vary (a standard deviation of 0${Array.from(selected.result.periodReturns).every((value) => value === 0) ? ': it never traded' : ''}), so it has no Sharpe ratio to deflate`;
  return `${which}'s returns take two values, which leaves the probabilistic Sharpe ratio's variance term at 0 or below`;
}

function reason(error: unknown): string {
  // A statistic's input check is a ConfigError ("Invalid configuration in …: - points: …"); the
  // note states only what its issues say, as the other notes do.
  if (ConfigError.isInstance(error)) return error.issues.map((issue) => issue.message).join('; ');
  if (EnsembleError.isInstance(error)) return error.message.split('\n').join(' ');
  throw error;
}

/**
 * The finished combinations that never held a position (every period return exactly 0: a
 * threshold the data never reached, say), which "ok" alone does not tell: how many, the first
 * three's parameters, and how the statistics take them (their Sharpe ratio is undefined). Null
 * when every one moved, or when all are flat (the PBO's note says so then).
 */
function flatTrialsNote(finished: readonly Trial[]): string | null {
  const flat = finished.filter((trial) => trial.result.periodReturns.length > 0 && trial.result.periodReturns.every((value) => value === 0));
  if (flat.length === 0 || flat.length === finished.length) return null;
  const shown = flat.slice(0, 3).map((trial) => Object.entries(trial.parameters).map(([name, value]) => `${name}=${String(value)}`).join(' '));
  const more = flat.length - shown.length;
  const which = `${shown.join('; ')}${more > 0 ? `; and ${String(more)} more` : ''}`;
  return `flat: ${String(flat.length)} of the ${String(finished.length)} finished combinations never held a position (${which}): their Sharpe ratio is undefined (the deflated Sharpe ratio counts it as 0; a PBO scored by Sharpe or Sortino ratio ranks it below every number)`;
}

/**
 * The overfitting statistics of a sweep's trials (finished jobs, in index order) with `selected`
 * the best: the DSR of the selected trial's returns (trials without a Sharpe ratio count as 0, as
 * do trials whose equity reached zero or below, with returns undefined from there on), the PBO by
 * CSCV with `blocks` blocks, each half scored by the objective's `metric` in its `direction` where a
 * half's returns give it (sharpe, sortino, volatility, totalReturn and cagr) and by the Sharpe ratio otherwise,
 * with a note (every trial's returns over the same periods, all defined, not all identical), and the
 * parameter stability of the objective over the grid `dimensions`.
 * Returns are taken in excess of each trial's `riskFreePerPeriod`, as its Sharpe ratio takes them.
 */
export function sweepStatistics(
  trials: readonly Trial[],
  selected: Trial | null,
  options: {
    readonly blocks: number;
    readonly direction: ObjectiveDirection;
    readonly dimensions: Readonly<Record<string, readonly ParameterValue[]>>;
    /** The objective's metric, which the PBO scores each half by where it can (default `sharpe`). */
    readonly metric?: MetricName | undefined;
    /**
     * The varied parameters that move the measured period (`data.from`, `data.to`), by name and
     * path: when the finished combinations differ in one, they were measured over different
     * periods, not on one sample, and neither the DSR nor the PBO is computed (each with a note).
     */
    readonly periodParameters?: readonly { readonly name: string; readonly path: string }[] | undefined;
    /** By parameter name, whether its schema refuses a value beyond its smallest or largest value tried: an edge there is no reason to widen the grid. */
    readonly limits?: Readonly<Record<string, { readonly below: boolean; readonly above: boolean }>> | undefined;
  },
): SweepStatistics {
  checkArguments('sweepStatistics', [
    arrayIssue(trials, 'trials', 'an array of trials (each with index, parameters, objective and result)'),
    selected === null ? null : objectIssue(selected, 'selected', 'the selected trial, or null'),
    shapeIssue(options, 'options', 'an object with blocks, direction and dimensions (and the metric)', { blocks: 'number', direction: 'string', dimensions: 'object' }),
  ]);
  const notes: string[] = [];
  const finished = trials.filter((trial) => trial.result.status === 'ok');
  // An objective every combination shares (a constant such as bars, or parameters that change
  // nothing) ranks by combination index alone: said, as the best then means nothing.
  const scored = trials.flatMap((trial) => (trial.objective === null ? [] : [trial.objective]));
  const [first] = scored;
  if (first !== undefined && scored.length >= 2 && scored.every((objective) => Object.is(objective, first))) {
    notes.push(`ranking: all ${String(scored.length)} combinations with a value have the same ${options.metric ?? 'objective'} (${String(first)}), so the ranking, and the best, follow the combination index alone`);
  }
  const flat = flatTrialsNote(finished);
  if (flat !== null) notes.push(flat);
  // Excess returns, as the Sharpe ratio of the metrics (and so the objective) measures them.
  const excess = finished.map(excessReturns);
  let deflatedSharpe: DeflatedSharpeResult | null = null;
  const undefinedFrom = finished.map((trial) => firstUndefinedReturn(trial.result.periodReturns));
  const selectedFrom = selected === null ? -1 : firstUndefinedReturn(selected.result.periodReturns);
  const periodPaths = (options.periodParameters ?? [])
    .filter(({ name }) => new Set(finished.map((trial) => trial.parameters[name])).size > 1)
    .map(({ path }) => path);
  const periods = periodPaths.length === 0 ? null : `the combinations were measured over different periods (${periodPaths.join(' and ')} ${periodPaths.length === 1 ? 'varies' : 'vary'})`;
  if (periods !== null) notes.push(`deflatedSharpe: ${periods}, not as trials on one sample, which the deflation of the best Sharpe ratio assumes`);
  else if (selected === null) notes.push('deflatedSharpe: no combination has an objective value');
  else if (selectedFrom >= 0) notes.push(`deflatedSharpe: the selected ${undefinedReturns(selected, selectedFrom)}`);
  else {
    try {
      deflatedSharpe = deflatedSharpeRatio({
        returns: excessReturns(selected),
        trialSharpes: excess.map((returns, k) => ((undefinedFrom[k] ?? -1) >= 0 ? 0 : (perPeriodSharpe(returns) ?? 0))),
      });
    } catch (error) {
      notes.push(`deflatedSharpe: ${reason(error)}`);
    }
    if (deflatedSharpe !== null && deflatedSharpe.dsr === null) notes.push(`deflatedSharpe: ${noDeflatedSharpe(selected, deflatedSharpe)}`);
    // The DSR's hurdle is the best Sharpe ratio the trials would reach by luck: the hurdle of a
    // selection by Sharpe ratio. A combination chosen by another objective was not chosen for its
    // Sharpe ratio, so its test is stricter than its selection needs; said, not corrected.
    const metric = options.metric ?? 'sharpe';
    if (deflatedSharpe !== null && deflatedSharpe.dsr !== null && metric !== 'sharpe') {
      notes.push(
        `deflatedSharpe: the combination was selected by ${metric}, not by its Sharpe ratio; the DSR tests its Sharpe ratio against the best the ${String(deflatedSharpe.trials)} trials' would reach by luck, the hurdle of a selection by Sharpe ratio — a stricter test than this selection needs`,
      );
    }
  }
  let pbo: SweepPbo | null = null;
  const lengths = new Set(finished.map((trial) => trial.result.periodReturns.length));
  const wiped = finished.findIndex((_, k) => (undefinedFrom[k] ?? -1) >= 0);
  const wipedTrial = finished[wiped];
  if (periods !== null) notes.push(`pbo: ${periods}; it compares every combination's returns over the same periods`);
  else if (finished.length < 2) notes.push('pbo: needs at least 2 finished combinations');
  else if (lengths.size !== 1) notes.push('pbo: the combinations have return series of different lengths');
  else if (wipedTrial !== undefined) {
    const count = undefinedFrom.filter((at) => at >= 0).length;
    notes.push(`pbo: ${undefinedReturns(wipedTrial, undefinedFrom[wiped] ?? 0)}${count > 1 ? `, and ${count - 1} more's` : ''}; it needs every combination's returns`);
  } else if (allIdentical(excess) && (excess[0]?.length ?? 0) >= options.blocks) {
    // Every split would rank the tied in-sample winner at the out-of-sample median (λ = 0), which
    // the CSCV counts as overfit: a PBO of 1 that says nothing about this grid.
    notes.push(
      `pbo: the ${String(finished.length)} finished combinations have identical returns in every period (the varied parameters changed nothing${excess[0]?.every((value) => value === 0) === true ? ', and none of them traded' : ''}), so there is no selection to judge`,
    );
  } else {
    const objective = options.metric ?? 'sharpe';
    const own = pboScoring(objective);
    // An objective a half's returns cannot give is judged by the Sharpe ratio, maximised, saying so:
    // the in-sample best is then not the combination the sweep's selection would pick.
    const scoring = own ?? { metric: 'sharpe' as const, columns: excessReturns };
    const direction = own === null ? 'max' : options.direction;
    if (own === null) {
      notes.push(
        `pbo: scored by the Sharpe ratio of each half, not by ${objective}, the objective, which a half's returns do not give (only sharpe, sortino, totalReturn, cagr and volatility are scored as themselves): it judges a selection by Sharpe ratio`,
      );
    }
    try {
      const full = probabilityOfBacktestOverfitting(
        own === null || scoring.columns === excessReturns ? excess : finished.map(scoring.columns),
        { blocks: options.blocks, metric: scoring.metric, direction },
      );
      const { slope, intercept, rSquared } = full.degradation;
      pbo = {
        pbo: full.pbo,
        scoredBy: own === null ? 'sharpe' : objective,
        direction,
        probabilityOfLoss: scoring.metric === 'volatility' ? null : full.probabilityOfLoss,
        trials: full.trials,
        observations: full.observations,
        blocks: full.blocks,
        splits: full.splits,
        logitDistribution: full.logitDistribution,
        degradation: { slope, intercept, rSquared },
      };
    } catch (error) {
      if (!DataValidationError.isInstance(error) && !EnsembleError.isInstance(error)) throw error;
      notes.push(`pbo: ${reason(error)}`);
    }
  }
  let stability: ParameterStabilityResult | null = null;
  try {
    const scored = parameterStability(
      trials.map((trial) => ({ params: trial.parameters, objective: trial.objective })),
      { direction: options.direction, dimensions: Object.fromEntries(Object.entries(options.dimensions).map(([name, values]) => [name, { values }])) },
    );
    // The statistic numbers points by their position in its input; the sweep's outputs by
    // combination index (trials skip combinations a constraint or the sampling left out).
    const combination = (position: number): number => trials[position]?.index ?? position;
    stability = {
      ...scored,
      best: { ...scored.best, index: combination(scored.best.index) },
      neighbours: scored.neighbours.map((neighbour) => ({ ...neighbour, index: combination(neighbour.index) })),
    };
  } catch (error) {
    notes.push(`stability: ${reason(error)}`);
  }
  if (stability !== null && stability.stability === null) notes.push(`stability: ${noNeighbour(stability, options.dimensions)}`);
  // A best chosen among equal objectives (by index) sits on the edge by the tie-break alone.
  const withObjective = trials.filter((trial) => trial.objective !== null);
  const tied = withObjective.length > 1 && withObjective.every((trial) => trial.objective === selected?.objective);
  const edge = tied ? null : gridEdgeNote(selected, options.dimensions, options.limits);
  if (edge !== null) notes.push(edge);
  return { deflatedSharpe, pbo, stability, notes };
}
