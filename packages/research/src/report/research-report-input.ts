import { unboundedMetricText } from '@ensemble/performance';
import type { PerformanceMetrics } from '@ensemble/performance';
import type { ResearchReportInput } from '@ensemble/report';
import { objectiveValue } from '../sweep/objective';
import type { Objective } from '../sweep/objective';
import type { SweepResult } from '../sweep/run-sweep';
import type { WalkForwardResult } from '../walk-forward/run-walk-forward';
import { checkArguments, nullAsAbsent, optionsIssue } from '@ensemble/protocol';
import { sweepResultIssue, walkForwardResultIssue } from '../argument-checks';

/** Options of the report inputs: the page's title and subtitle, and the spec to show. */
export interface ResearchReportOptions {
  readonly title?: string;
  readonly subtitle?: string;
  /** The research spec as the user wrote it, shown in the report's last section. */
  readonly spec?: unknown;
}

function nonNull<T>(value: T | null): T[] {
  return value === null ? [] : [value];
}

function reportObjective(objective: Objective): ResearchReportInput['objective'] {
  return { metric: objective.metric, direction: objective.direction === 'max' ? 'maximize' : 'minimize' };
}

/** The numeric metrics of a result (the report shows numbers; anything else is left out). */
function numericMetrics(metrics: PerformanceMetrics | null): Record<string, number | null> | null {
  if (metrics === null) return null;
  const numbers: Record<string, number | null> = {};
  for (const name of Object.keys(metrics)) {
    const value: unknown = Reflect.get(metrics, name);
    if (value === null || (typeof value === 'number' && Number.isFinite(value))) numbers[name] = value;
  }
  return numbers;
}

/**
 * A note for the report when some objective values are unbounded (`Number.POSITIVE_INFINITY`: a
 * Calmar ratio without a drawdown, say): the report shows numbers, so they go in as no value, and
 * the note says which combinations they are and where they ranked. Null when there is none.
 */
function unboundedNote(objective: Objective, indexes: readonly number[], where: string): string | null {
  if (indexes.length === 0) return null;
  const one = indexes.length === 1;
  const which = one ? `combination ${String(indexes[0])}` : `combinations ${indexes.join(', ')}`;
  const rank = objective.direction === 'max' ? 'before' : 'after';
  return `objective: ${objective.metric} is unbounded (+∞, undefined because unboundedly good) for ${which} ${where}; ${one ? 'it ranks' : 'they rank'} ${rank} every finite value and ${one ? 'is' : 'are'} shown here as ${unboundedMetricText(objective.metric)}`;
}

function parameterList(parameters: SweepResult['parameters']): ResearchReportInput['parameters'] {
  return parameters.map((parameter) => ({ name: parameter.name, values: [...parameter.values] }));
}

/**
 * The research report's input for a finished sweep (`renderResearchHtml` of `@ensemble/report`):
 * every finished combination with its rank, parameters, objective and metrics, the counts, and
 * the overfitting statistics.
 */
export function sweepReportInput(result: SweepResult, given: ResearchReportOptions = {}): ResearchReportInput {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('sweepReportInput', [sweepResultIssue(result), optionsIssue(given)]);
  const options = nullAsAbsent(given, {});
  const { deflatedSharpe, pbo, stability, notes } = result.statistics;
  return {
    title: options.title ?? `Sweep of ${result.parameters.map((parameter) => parameter.name).join(', ')}`,
    subtitle: options.subtitle ?? `${result.counts.planned} combinations of a ${result.kind === 'run' ? 'run' : 'backtest'} config, ranked by ${result.objective.metric}`,
    objective: reportObjective(result.objective),
    parameters: parameterList(result.parameters),
    trials: result.rows.map((row) => ({
      index: row.index,
      rank: row.rank,
      parameters: { ...row.parameters },
      status: row.status,
      objective: row.objective !== null && Number.isFinite(row.objective) ? row.objective : null,
      ...(row.objective === Number.POSITIVE_INFINITY ? { unbounded: true } : {}),
      metrics: numericMetrics(row.metrics),
      ...(row.error === null ? {} : { error: row.error.message }),
    })),
    counts: { planned: result.counts.planned, skipped: result.counts.skipped, failed: result.counts.failed, timedOut: result.counts.timedOut },
    statistics: {
      deflatedSharpe:
        deflatedSharpe === null
          ? null
          : {
              dsr: deflatedSharpe.dsr,
              psr: deflatedSharpe.psr,
              sharpe: deflatedSharpe.sharpe,
              expectedMaxSharpe: deflatedSharpe.expectedMaxSharpe,
              trials: deflatedSharpe.trials,
              observations: deflatedSharpe.observations,
            },
      pbo:
        pbo === null
          ? null
          : {
              pbo: pbo.pbo,
              probabilityOfLoss: pbo.probabilityOfLoss,
              scoredBy: pbo.scoredBy,
              blocks: pbo.blocks,
              splits: pbo.splits,
              logitDistribution: pbo.logitDistribution.filter((entry) => Number.isFinite(entry.logit)).map((entry) => ({ logit: entry.logit, count: entry.count })),
            },
      stability:
        stability === null
          ? null
          : {
              stability: stability.stability,
              // Infinity with an unbounded neighbour: the report shows numbers only.
              meanNeighbourObjective: stability.meanNeighbourObjective !== null && Number.isFinite(stability.meanNeighbourObjective) ? stability.meanNeighbourObjective : null,
              evaluatedNeighbours: stability.evaluatedNeighbours,
            },
      notes: [...notes, ...nonNull(unboundedNote(result.objective, result.rows.filter((row) => row.objective !== null && !Number.isFinite(row.objective)).map((row) => row.index), 'in results.json'))],
    },
    ...(options.spec === undefined ? {} : { config: options.spec }),
  };
}

/**
 * A note naming the windows whose choice left out train combinations that failed or timed out (a
 * window where every one failed says so as its error), or null when there are none.
 */
function trainFailuresNote(result: WalkForwardResult): string | null {
  const partial = result.steps.filter((step) => step.trainFailures.first !== null && step.error?.code !== 'TRAIN_FAILED');
  if (partial.length === 0) return null;
  const count = (step: WalkForwardResult['steps'][number]): number => step.trainFailures.failed + step.trainFailures.timedOut;
  const list = partial.map((step) => `window ${String(step.index)} (${String(count(step))})`).join(', ');
  return `Train combinations that failed or timed out were left out of the choice of ${partial.length === 1 ? 'one window' : `${String(partial.length)} windows`}: ${list}; walk-forward.json's trainFailures has their first errors.`;
}

/**
 * A note naming the windows where several train combinations shared the best objective, so that
 * the grid's order, not the objective, chose among them; null when there are none.
 */
function tiesNote(result: WalkForwardResult): string | null {
  const tied = result.steps.filter((step) => step.chosen !== null && step.ties > 1);
  if (tied.length === 0) return null;
  const list = tied.map((step) => `window ${String(step.index)} (${String(step.ties)})`).join(', ');
  return `Several train combinations had the same ${result.objective.metric} in ${tied.length === 1 ? 'one window' : `${String(tied.length)} windows`}: ${list}; the first of them in the grid's order was chosen.`;
}

/**
 * The research report's input for a finished walk-forward: each window's chosen parameters with
 * its in-sample objective and the same metric out of sample, the stitched out-of-sample curve and
 * its metrics, and the efficiency. Its trials are the windows' choices; the sweep statistics
 * (DSR, PBO, stability) belong to a single sweep and are left out, with a note.
 */
export function walkForwardReportInput(result: WalkForwardResult, given: ResearchReportOptions = {}): ResearchReportInput {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('walkForwardReportInput', [walkForwardResultIssue(result, true), optionsIssue(given)]);
  const options = nullAsAbsent(given, {});
  const metric = result.objective.metric;
  const outOfSampleObjective = (metrics: PerformanceMetrics | null): number | null => {
    const value = metrics === null ? null : metrics[metric];
    return typeof value === 'number' && Number.isFinite(value) ? value : null;
  };
  // A test window's objective can be unboundedly good too (a Calmar ratio without a drawdown): said so, as in-sample.
  const outOfSampleUnbounded = (metrics: PerformanceMetrics | null): boolean => objectiveValue(metrics, result.objective) === Number.POSITIVE_INFINITY;
  const windows = result.steps.map((step) => ({
    index: step.index,
    trainStart: step.train.start,
    trainEnd: step.train.end,
    testStart: step.test.start,
    testEnd: step.test.end,
    parameters: step.chosen === null ? null : { ...step.chosen.parameters },
    inSample: step.objective !== null && Number.isFinite(step.objective) ? step.objective : null,
    ...(step.objective === Number.POSITIVE_INFINITY ? { inSampleUnbounded: true } : {}),
    outOfSample: outOfSampleObjective(step.outOfSample),
    ...(outOfSampleUnbounded(step.outOfSample) ? { outOfSampleUnbounded: true } : {}),
    efficiency: step.efficiency,
  }));
  const unboundedSteps = result.steps.filter((step) => step.chosen !== null && step.objective !== null && !Number.isFinite(step.objective));
  const input: ResearchReportInput = {
    title: options.title ?? `Walk-forward of ${result.parameters.map((parameter) => parameter.name).join(', ')}`,
    subtitle: options.subtitle ?? `${result.steps.length} ${result.mode} windows, chosen by ${metric}`,
    objective: reportObjective(result.objective),
    parameters: parameterList(result.parameters),
    trials: result.steps.flatMap((step) =>
      step.chosen === null
        ? []
        : [
            {
              index: step.index,
              rank: null,
              parameters: { ...step.chosen.parameters },
              status: step.status === 'no-choice' ? 'failed' : step.status,
              objective: outOfSampleObjective(step.outOfSample),
              ...(outOfSampleUnbounded(step.outOfSample) ? { unbounded: true } : {}),
              metrics: numericMetrics(step.outOfSample),
              ...(step.error === null ? {} : { error: step.error.message }),
            },
          ],
    ),
    statistics: {
      deflatedSharpe: null,
      pbo: null,
      stability: null,
      notes: [
        'The deflated Sharpe ratio, PBO and parameter stability judge one sweep; a walk-forward is judged by its out-of-sample curve and efficiency. Each window\'s trials are "Trials" here: its chosen parameters with their out-of-sample objective.',
        ...nonNull(
          unboundedNote(
            result.objective,
            unboundedSteps.map((step) => step.chosen?.combination ?? 0),
            `on the train window of window${unboundedSteps.length === 1 ? '' : 's'} ${unboundedSteps.map((step) => String(step.index)).join(', ')}`,
          ),
        ),
        ...nonNull(trainFailuresNote(result)),
        ...nonNull(tiesNote(result)),
      ],
    },
    ...(options.spec === undefined ? {} : { config: options.spec }),
  };
  if (windows.length === 0) return input;
  const [first, ...rest] = windows;
  if (first === undefined) return input;
  return {
    ...input,
    walkForward: {
      windows: [first, ...rest],
      equity: { time: [...result.outOfSample.time], equity: [...result.outOfSample.equity] },
      efficiency: result.efficiency,
      metrics: numericMetrics(result.metrics) ?? {},
    },
  };
}
