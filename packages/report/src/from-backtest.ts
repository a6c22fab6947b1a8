import { metricsStartEquity } from '@ensemble/engine';
import { computeMetrics } from '@ensemble/performance';
import type { PerformanceResult } from '@ensemble/performance';
import { checkArguments, nullAsAbsent, optionsIssue } from '@ensemble/protocol';
import type { BarSeries, Fill, Trade } from '@ensemble/protocol';
import { backtestSourceIssue, benchmarkOptionIssue } from './argument-checks';
import type { NumberColumn, ReportInput } from './report-input';

/**
 * The parts of a single-strategy backtest a report shows: a `BacktestResult` of
 * `@ensemble/engine` is one, and so is what {@link parseResultJson} reads back from a backtest's
 * JSON. Times are epoch ms.
 */
export interface BacktestReportSource {
  readonly strategy: { readonly id: string };
  readonly symbols: readonly string[];
  /** The engine's resolved options, shown as the configuration when none is given. */
  readonly options?: unknown;
  /** The equity curve; `grossExposure` (optional) gives the exposure metrics when they are computed here. */
  readonly equity: { readonly time: NumberColumn; readonly equity: NumberColumn; readonly cash: NumberColumn; readonly grossExposure?: NumberColumn };
  readonly trades: readonly Trade[];
  readonly fills: readonly Fill[];
}

/** Options of {@link backtestReportInput}. */
export interface BacktestReportOptions {
  /** Default: `Backtest: <strategy id> on <symbols>`. */
  readonly title?: string | undefined;
  readonly subtitle?: string | undefined;
  /** The configuration shown in the report (JSON-serialisable); default: the strategy, symbols and engine options. */
  readonly config?: unknown;
  /** ISO timestamp shown as the generation time; omit it for byte-identical reports. */
  readonly generatedAt?: string | undefined;
  /**
   * The run's metrics; default: `computeMetrics` of `@ensemble/performance` over the equity curve,
   * trades and fills, with `periodsPerYear`, `riskFreeRate` and the benchmark below.
   */
  readonly metrics?: PerformanceResult | undefined;
  /** The benchmark to draw against the equity (its closes, labelled `<symbol> buy and hold`) and, for computed metrics, to compare with. */
  readonly benchmark?: Pick<BarSeries, 'symbol' | 'length' | 'time' | 'close'> | undefined;
  /** For computed metrics: return periods per year (default inferred from the bar spacing). */
  readonly periodsPerYear?: number | undefined;
  /** For computed metrics: the annual risk-free rate, a fraction (default 0). */
  readonly riskFreeRate?: number | undefined;
}

function computedMetrics(result: BacktestReportSource, options: BacktestReportOptions): PerformanceResult {
  const benchmark = options.benchmark;
  // As `ensemble backtest` measures: from the cash when the first point holds the first bar's fills.
  const start = typeof result.options === 'object' && result.options !== null ? metricsStartEquity(result.options) : undefined;
  return computeMetrics(
    { equity: result.equity, trades: result.trades, fills: result.fills, startEquity: start },
    {
      ...(options.periodsPerYear === undefined ? {} : { periodsPerYear: options.periodsPerYear }),
      ...(options.riskFreeRate === undefined ? {} : { riskFreeRate: options.riskFreeRate }),
      ...(benchmark === undefined || benchmark.length === 0 ? {} : { benchmark: { time: benchmark.time, close: benchmark.close } }),
    },
  );
}

/**
 * The report input of a single-strategy backtest (a `BacktestResult`, or the same read back from
 * its JSON): the run as a portfolio without sleeves — its equity, metrics (given, or computed),
 * trades and fills, and the benchmark's closes when given. Columns are passed as they are.
 */
export function backtestReportInput(result: BacktestReportSource, given: BacktestReportOptions = {}): ReportInput {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('backtestReportInput', [backtestSourceIssue(result), optionsIssue(given)]);
  const options = nullAsAbsent(given, {});
  checkArguments('backtestReportInput', [benchmarkOptionIssue(options.benchmark)]);
  const metrics = options.metrics ?? computedMetrics(result, options);
  const benchmark = options.benchmark;
  return {
    title: options.title ?? `Backtest: ${result.strategy.id} on ${result.symbols.join(', ')}`,
    ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle }),
    ...(options.generatedAt === undefined ? {} : { generatedAt: options.generatedAt }),
    config: options.config ?? { strategy: result.strategy, symbols: result.symbols, options: result.options ?? null },
    periodsPerYear: metrics.periodsPerYear,
    portfolio: {
      equity: {
        time: result.equity.time,
        equity: result.equity.equity,
        cash: result.equity.cash,
        ...(result.equity.grossExposure === undefined ? {} : { grossExposure: result.equity.grossExposure }),
      },
      metrics,
      trades: result.trades,
      fills: result.fills,
    },
    ...(benchmark === undefined || benchmark.length === 0
      ? {}
      : { benchmark: { name: `${benchmark.symbol} buy and hold`, time: benchmark.time, value: benchmark.close } }),
    sleeves: [],
    rebalances: [],
    conflicts: [],
    risk: [],
  };
}
