import { shapeIssue } from '@ensemble/protocol';
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
