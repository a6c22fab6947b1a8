import { METRIC_DESCRIPTIONS } from '@ensemble/performance';
import type { MetricName, PerformanceMetrics } from '@ensemble/performance';
import { closestMatch, editDistance, quoteValue, checkArguments, stringIssue, objectIssue, shapeIssue } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import { issueListIssue, directionIssue } from '../argument-checks';

/** Whether a larger or a smaller objective is better. */
export type ObjectiveDirection = 'max' | 'min';

/** The metric a sweep ranks by and its direction. */
export interface Objective {
  readonly metric: MetricName;
  readonly direction: ObjectiveDirection;
}

/**
 * Metrics where smaller is better, so an objective on them is minimised by default: volatility,
 * drawdown lengths, excess kurtosis, turnover, costs and tracking error. Every other metric is
 * maximised — `maxDrawdown` too: it is negative (−0.2 is a 20% drawdown), so maximising it makes the
 * drawdown shallower.
 */
export const MINIMISED_METRICS: readonly MetricName[] = [
  'volatility',
  'maxDrawdownBars',
  'maxDrawdownDays',
  'longestDrawdownBars',
  'longestDrawdownDays',
  'kurtosis',
  'turnover',
  'annualTurnover',
  'totalCommission',
  'totalSlippage',
  'totalCosts',
  'trackingError',
];

/** Every metric name an objective may use, in the performance package's order. */
export const OBJECTIVE_METRICS: readonly MetricName[] = METRIC_DESCRIPTIONS.map((description) => description.name);

/** The metric name nearest `name` (fewest edits; ties: the earlier in the list). */
export function nearestMetric(name: string): MetricName {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('nearestMetric', [
    stringIssue(name, 'name', 'a metric name (a string)'),
  ]);
  let best: MetricName = 'sharpe';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of OBJECTIVE_METRICS) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** True when `name` is a metric of the performance package. */
export function isMetricName(name: string): name is MetricName {
  return (OBJECTIVE_METRICS as readonly string[]).includes(name);
}

/** `names` comma-separated on indented lines of at most about 90 characters. */
function wrappedList(names: readonly string[]): string {
  const lines: string[] = [];
  let line = '';
  for (const name of names) {
    const next = line === '' ? name : `${line}, ${name}`;
    if (next.length > 86 && line !== '') {
      lines.push(`${line},`);
      line = name;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((text) => `    ${text}`).join('\n');
}

/**
 * The objective of `metric` with `direction` (default: {@link MINIMISED_METRICS} minimised, every
 * other metric maximised), or an issue at `path` naming the nearest metric for a typo.
 */
export function resolveObjective(metric: string, direction: ObjectiveDirection | undefined, path: string, issues: ConfigIssue[]): Objective {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('resolveObjective', [
    stringIssue(metric, 'metric', 'a metric name (a string)'),
    direction === undefined ? null : directionIssue(direction, 'direction'),
    stringIssue(path, 'path', 'the config path of the objective (a string)'),
    issueListIssue(issues),
  ]);
  if (!isMetricName(metric)) {
    // Only a close name is suggested (the protocol's rule for every typo): "bogus" is no "bars".
    const match = closestMatch(metric, OBJECTIVE_METRICS);
    // The list on lines of its own: on one line it outgrew the longest line an error prints.
    const metrics = wrappedList(OBJECTIVE_METRICS);
    issues.push({
      path,
      message: `unknown metric ${quoteValue(metric)}; ${match === undefined ? '' : `did you mean ${quoteValue(match)}? `}the metrics:\n${metrics}`,
    });
    return { metric: 'sharpe', direction: 'max' };
  }
  const loss = LOSS_METRICS[metric];
  if (direction === 'min' && loss !== undefined) {
    issues.push({
      path: path.replace(/objective$/, 'direction'),
      message: `minimising ${metric} would rank ${loss.worst} first: it is negative (${loss.example}), so the smallest loss is its largest value; leave the direction at its default, "max" (no --minimize), to rank ${loss.best} first`,
    });
  }
  return { metric, direction: direction ?? (MINIMISED_METRICS.includes(metric) ? 'min' : 'max') };
}

/**
 * Metrics that measure a loss as a negative number (performance's conventions, as empyrical's),
 * which minimising would rank worst first: a user of a tool that reports drawdowns as positive
 * numbers (LEAN's) asks for `--minimize` meaning the shallowest drawdown and got the deepest as
 * the best combination, its config written as best-config.json.
 */
const LOSS_METRICS: Partial<Record<MetricName, { readonly example: string; readonly worst: string; readonly best: string }>> = {
  maxDrawdown: { example: '−0.2 is a 20% drawdown', worst: 'the deepest drawdown', best: 'the shallowest' },
  valueAtRisk: { example: '−0.03 is a 3% loss', worst: 'the largest value at risk', best: 'the smallest' },
  conditionalValueAtRisk: { example: '−0.03 is a 3% loss', worst: 'the largest expected tail loss', best: 'the smallest' },
  averageLoss: { example: 'a loss of 500 is −500', worst: 'the largest average loss', best: 'the smallest' },
};

/** Null for an absent value (undefined or null), else what `issue` finds. */
function absentOr(value: unknown, issue: () => ConfigIssue | null): ConfigIssue | null {
  return value === undefined || value === null ? null : issue();
}

/** An entry {@link compareByObjective} can read: an object with a numeric index. */
function isEntry(entry: unknown): boolean {
  return typeof entry === 'object' && entry !== null && typeof (entry as { index?: unknown }).index === 'number';
}

/**
 * The objectives whose metric is null when it is unboundedly good: a ratio whose denominator is an
 * exact 0 while its numerator is positive, recognised from the other metrics of the record (the
 * performance package's definitions). `calmar` = CAGR / |max drawdown|: no drawdown and a positive
 * CAGR. `sortino` = mean excess return / downside deviation: no return below the risk-free rate
 * (the downside deviation is 0) and a positive Sharpe ratio (the mean excess return is positive;
 * its sign is the Sharpe ratio's). `profitFactor` = gross profit / gross loss: no losing trade
 * (`averageLoss` null) and a winning one (`winRate` > 0). None of them can be unboundedly bad: a
 * fall below the starting equity is a drawdown, a downside deviation of 0 leaves no negative mean,
 * and a gross profit of 0 is a profit factor of 0.
 */
const UNBOUNDED: Partial<Record<MetricName, (metrics: PerformanceMetrics) => boolean>> = {
  calmar: (metrics) => metrics.maxDrawdown === 0 && (metrics.cagr ?? 0) > 0,
  sortino: (metrics) => (metrics.sharpe ?? 0) > 0,
  profitFactor: (metrics) => metrics.averageLoss === null && (metrics.winRate ?? 0) > 0,
};

/**
 * The objective value of a metrics record: its metric when that is a finite number;
 * `Number.POSITIVE_INFINITY` when the metric is null because it is unboundedly good (`calmar` of a
 * run without a drawdown and a positive CAGR, `sortino` of one without a return below the
 * risk-free rate and a positive Sharpe ratio, `profitFactor` of trades without a loss and with a
 * win); else null (missing, undefined such as 0 / 0, or not finite).
 */
export function objectiveValue(metrics: PerformanceMetrics | null, objective: Objective): number | null {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('objectiveValue', [
    absentOr(metrics, () => objectIssue(metrics, 'metrics', 'the metrics of a run (an object), or null')),
    shapeIssue(objective, 'objective', 'an objective', { metric: 'string', direction: 'string' }),
  ]);
  const value = metrics?.[objective.metric] ?? null;
  if (value !== null) return Number.isFinite(value) ? value : null;
  const unbounded = UNBOUNDED[objective.metric];
  return metrics !== null && unbounded?.(metrics) === true ? Number.POSITIVE_INFINITY : null;
}

/**
 * Orders two entries by objective, best first: a larger value first when maximising, a smaller
 * one when minimising — an unbounded value (`Number.POSITIVE_INFINITY`, see {@link objectiveValue})
 * before every finite one when maximising, after them when minimising; entries without a value
 * last; ties (two equal values, two unbounded ones, two without) by index.
 */
export function compareByObjective(
  a: { readonly index: number; readonly objective: number | null },
  b: { readonly index: number; readonly objective: number | null },
  direction: ObjectiveDirection,
): number {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError. A sort
  // calls this for every pair, so the issues are gathered only when a quick look finds one.
  if (!isEntry(a) || !isEntry(b) || directionIssue(direction, 'direction') !== null) {
    checkArguments('compareByObjective', [
      shapeIssue(a, 'a', 'an entry with index and objective', { index: 'number' }),
      shapeIssue(b, 'b', 'an entry with index and objective', { index: 'number' }),
      directionIssue(direction, 'direction'),
    ]);
  }
  if (a.objective !== b.objective) {
    if (a.objective === null) return 1;
    if (b.objective === null) return -1;
    // Two equal infinities never get here (equal above), so no ∞ − ∞: an infinity against a finite value is ±∞.
    return direction === 'max' ? b.objective - a.objective : a.objective - b.objective;
  }
  return a.index - b.index;
}
