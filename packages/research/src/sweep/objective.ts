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
  return { metric, direction: direction ?? (MINIMISED_METRICS.includes(metric) ? 'min' : 'max') };
}

/** Null for an absent value (undefined or null), else what `issue` finds. */
function absentOr(value: unknown, issue: () => ConfigIssue | null): ConfigIssue | null {
  return value === undefined || value === null ? null : issue();
}

/** An entry {@link compareByObjective} can read: an object with a numeric index. */
function isEntry(entry: unknown): boolean {
  return typeof entry === 'object' && entry !== null && typeof (entry as { index?: unknown }).index === 'number';
}

/** The objective value of a metrics record: a finite number, or null (missing, null or not finite). */
export function objectiveValue(metrics: PerformanceMetrics | null, objective: Objective): number | null {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('objectiveValue', [
    absentOr(metrics, () => objectIssue(metrics, 'metrics', 'the metrics of a run (an object), or null')),
    shapeIssue(objective, 'objective', 'an objective', { metric: 'string', direction: 'string' }),
  ]);
  const value = metrics?.[objective.metric] ?? null;
  return value !== null && Number.isFinite(value) ? value : null;
}

/**
 * Orders two entries by objective, best first: a larger value first when maximising, a smaller
 * one when minimising; entries without a value last; ties (and two without) by index.
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
    return direction === 'max' ? b.objective - a.objective : a.objective - b.objective;
  }
  return a.index - b.index;
}
