import { RunError, echoValue } from '@ensemble/protocol';
import type { ParameterValue, SweepResult, WalkForwardResult } from '@ensemble/research';
import { formatCount, formatCounted } from './format';

/** `fast=10 slow=50`: the parameters of a combination, as the research summaries print them. */
export function parameterText(parameters: Readonly<Record<string, ParameterValue>>): string {
  return Object.entries(parameters)
    // A string value escaped (a newline, a control character), as `run` shows a parameter.
    .map(([name, value]) => `${name}=${typeof value === 'string' ? echoValue(value) : String(value)}`)
    .join(' ');
}

/**
 * An error message on one line: a `ConfigError`'s "Invalid configuration:" header and its issue
 * lines ("  - path: message") joined, the first `maxLines` only (default 3), so the reason is not
 * cut off at the header.
 */
export function oneLine(message: string, maxLines = 3): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim().replace(/^- /, ''))
    .filter((line) => line !== '');
  return `${lines.slice(0, maxLines).join(' ')}${lines.length > maxLines ? ' …' : ''}`;
}

/**
 * The failure of a finished sweep that has no best, or null: when no combination ran to the end
 * (every job failed or timed out), a `RunError` (exit 1) naming the counts and the first error;
 * when some ran but none has a value of the objective, one naming the objective — so neither ends
 * with exit 0 and a `best-config.json` of `null`. The outputs are written first; `results.csv`
 * lists every error and every metric.
 */
export function sweepFailure(result: SweepResult): RunError | null {
  const { counts } = result;
  if (result.aborted || counts.planned === 0) return null;
  if (counts.ok > 0) {
    if (result.best !== null) return null;
    // Every finished combination left the objective undefined (a win rate without a trade, a
    // Sharpe ratio of a flat curve): nothing can be ranked, so there is no best either.
    const { metric } = result.objective;
    return new RunError(
      `no combination of the sweep has a value of its objective ${metric} (${formatCounted(counts.ok, 'combination')} ran, each leaving ${metric} undefined), so there is no best. results.csv lists every combination's metrics; choose an objective they define.`,
      { what: 'sweep' },
    );
  }
  const first = result.rows.find((row) => row.error !== null);
  // The error on a line of its own, so that a long one (a worker's, with the command to copy at
  // its end) is not cut at the line limit after the counts.
  const example = first?.error === null || first?.error === undefined ? '.' : `; the first, index ${String(first.index)} (${parameterText(first.parameters)}):\n  ${oneLine(first.error.message)}\n`;
  return new RunError(`every combination of the sweep failed (${formatCount(counts.failed)} failed, ${formatCount(counts.timedOut)} timed out), so there is no best${example}results.csv lists every error.`, { what: 'sweep' });
}

/**
 * The failure of a finished walk-forward in which no step ran its test window (every train
 * window chose nothing, or every test job failed), or null: a `RunError` (exit 1) naming the
 * steps and the first error, after the outputs are written.
 */
export function walkForwardFailure(result: WalkForwardResult): RunError | null {
  if (result.aborted || result.steps.length === 0 || result.steps.some((step) => step.status === 'ok')) return null;
  const statuses = ['no-choice', 'failed', 'timed-out'] as const;
  const counts = statuses
    .map((status) => [status, result.steps.filter((step) => step.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${String(count)} ${status}`)
    .join(', ');
  const first = result.steps.find((step) => step.error !== null);
  const reason =
    first?.error === null || first?.error === undefined
      ? '; no combination had an objective value on any train window (the journal, journal.jsonl, holds each job\'s error)'
      : `; the first, step ${String(first.index)}: ${oneLine(first.error.message)}`;
  return new RunError(`no step of the walk-forward ran out of sample (${formatCounted(result.steps.length, 'step')}: ${counts})${reason}.`, { what: 'walk-forward' });
}
