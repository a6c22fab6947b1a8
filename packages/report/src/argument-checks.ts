import { describeGiven, shapeIssue } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';

/*
 * Shape checks of the report builders' arguments, for callers from JavaScript: each looks at the
 * fields a builder reads first, in constant time (never at their elements), so that a wrong
 * argument is a ConfigError naming it instead of a TypeError from inside.
 */

const BACKTEST = 'a backtest result (what runBacktest returns, or its JSON read back)';
const ORCHESTRATOR = 'an orchestrator result (what runOrchestrator returns, or its JSON read back)';
const REPORT_INPUT = 'a report input (what backtestReportInput or orchestratorReportInput returns)';

/** The problem with {@link backtestReportInput}'s result (null when there is none). */
export function backtestSourceIssue(result: unknown): ConfigIssue | null {
  return (
    shapeIssue(result, 'result', BACKTEST, { strategy: 'object', symbols: 'array', equity: 'object', trades: 'array', fills: 'array' }) ??
    shapeIssue((result as { equity: unknown }).equity, 'result.equity', `the equity curve of ${BACKTEST}`, { time: 'column', equity: 'column', cash: 'column' })
  );
}

/** The problem with {@link orchestratorReportInput}'s result (null when there is none). */
export function orchestratorSourceIssue(result: unknown): ConfigIssue | null {
  const issue = shapeIssue(result, 'result', ORCHESTRATOR, {
    config: 'object',
    portfolio: 'object',
    sleeves: 'array',
    attribution: 'object',
    correlation: 'object',
    rebalances: 'array',
    conflicts: 'array',
    risk: 'array',
    crossing: 'object',
  });
  if (issue !== null) return issue;
  const { portfolio, attribution } = result as { portfolio: unknown; attribution: unknown };
  return (
    shapeIssue(portfolio, 'result.portfolio', `the portfolio of ${ORCHESTRATOR}`, { equity: 'object', trades: 'array', fills: 'array' }) ??
    shapeIssue(attribution, 'result.attribution', `the attribution of ${ORCHESTRATOR}`, { total: 'object', monthly: 'array' }) ??
    shapeIssue((attribution as { total: unknown }).total, 'result.attribution.total', `the attribution of ${ORCHESTRATOR}`, { bySleeve: 'object' })
  );
}

/** The problem with a benchmark option (null when there is none): absent or a bar series' symbol, time and closes. */
export function benchmarkOptionIssue(benchmark: unknown): ConfigIssue | null {
  if (benchmark === undefined) return null;
  return shapeIssue(benchmark, 'options.benchmark', "a bar series (its symbol, length, time and close are read), or left out", {
    symbol: 'string',
    length: 'number',
    time: 'column',
    close: 'column',
  });
}

/** The problem with a report input read as it is, without the schema (null when there is none). */
export function reportInputIssue(input: unknown, path = 'input'): ConfigIssue | null {
  const issue = shapeIssue(input, path, REPORT_INPUT, { portfolio: 'object', sleeves: 'array' });
  if (issue !== null) return issue;
  return shapeIssue((input as { portfolio: unknown }).portfolio, `${path}.portfolio`, `the portfolio of ${REPORT_INPUT}`, {
    equity: 'object',
    metrics: 'object',
    trades: 'array',
    fills: 'array',
  });
}

/** The problem with a research report input read as it is (null when there is none). */
export function researchInputIssue(input: unknown): ConfigIssue | null {
  return shapeIssue(input, 'input', 'a research report input (what sweepReportInput or walkForwardReportInput returns)', { statistics: 'object' });
}

/** The problem with a column argument (null when there is none): an array or typed array of numbers. */
export function columnIssue(column: unknown, path: string, what: string): ConfigIssue | null {
  if (typeof column === 'object' && column !== null && typeof (column as { length?: unknown }).length === 'number') return null;
  return { path, message: `must be ${what} (an array or typed array of numbers); got ${describeGiven(column)}` };
}

/** The problem with a number argument (null when there is none); NaN is a number here, as the helpers take it. */
export function numberIssue(value: unknown, path: string, what: string): ConfigIssue | null {
  if (typeof value === 'number') return null;
  return { path, message: `must be ${what} (a number); got ${describeGiven(value)}` };
}

/** The problem with a time format argument (null when there is none): `date` or `datetime`. */
export function timeFormatIssue(format: unknown, path = 'format'): ConfigIssue | null {
  if (format === 'date' || format === 'datetime') return null;
  return { path, message: `must be "date" or "datetime"; got ${describeGiven(format)}` };
}

/** The problem with a rebalance schedule argument (null when there is none): a string, or an object with `everyBars`. */
export function scheduleIssue(schedule: unknown, path: string): ConfigIssue | null {
  if (typeof schedule === 'string') return null;
  return shapeIssue(schedule, path, 'a rebalance schedule: a calendar period such as "month", "never", or { everyBars }', { everyBars: 'number' });
}

/** The problem with the rows of a CSV (null when there is none): an iterable (an array or a generator) of rows. */
export function rowsIssue(rows: unknown, path = 'rows'): ConfigIssue | null {
  if (typeof rows === 'object' && rows !== null && typeof (rows as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') return null;
  return { path, message: `must be the rows (an array or another iterable of arrays of values); got ${describeGiven(rows)}` };
}

/** The problem with a file's content argument (null when there is none): a string, bytes or an iterable of strings. */
export function contentIssue(content: unknown, path: string): ConfigIssue | null {
  if (typeof content === 'string' || rowsIssue(content) === null) return null;
  return { path, message: `must be the file's content: a string, a Uint8Array or an iterable of strings; got ${describeGiven(content)}` };
}

/** The problem with one file to write (null when there is none): `{ path, content }`, a path string and a content of a kind written. */
export function outputFileIssue(file: unknown, path: string): ConfigIssue | null {
  return (
    shapeIssue(file, path, 'a file to write ({ path, content })', { path: 'string' }) ??
    contentIssue((file as { content: unknown }).content, `${path}.content`)
  );
}

/** The problems with `writeFilesAtomic`'s options (none when they are absent or of the right kind). */
export function writeOptionsIssue(options: unknown): ConfigIssue | null {
  if (options === undefined || options === null) return null;
  return shapeIssue(options, 'options', 'the write options', { onProgress: 'function?', createDirectories: 'boolean?', temporaryFiles: 'object?' });
}
