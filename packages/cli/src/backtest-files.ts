import type { ReportInput } from '@ensemble/report';
import type { Logger } from '@ensemble/protocol';
import { jsonTextChunks } from '@ensemble/engine';
import { backtestConfigJson, backtestJsonRows } from './backtest-report';
import { reportOfRun } from './report-of-run';
import type { BacktestRun } from './backtest-report';
import type { OutputFile } from './write-file';

/** The `@ensemble/report` input of a single-strategy backtest: the run as a portfolio without sleeves. */
export function backtestReportInput(run: BacktestRun): ReportInput {
  const { result, performance, plan } = run;
  const benchmark = run.benchmark === null ? undefined : run.data.series.find((series) => series.symbol === run.benchmark);
  return {
    title: `Backtest: ${plan.strategy.definition.name} on ${result.symbols.join(', ')}`,
    subtitle: run.dataset === undefined ? run.data.source : `${run.dataset.name}: ${run.dataset.description}`,
    config: backtestConfigJson(run),
    periodsPerYear: performance.periodsPerYear,
    portfolio: {
      equity: { time: result.equity.time, equity: result.equity.equity, cash: result.equity.cash },
      metrics: performance,
      trades: result.trades,
      fills: result.fills,
    },
    benchmark: benchmark === undefined ? undefined : { name: `${benchmark.symbol} buy and hold`, time: benchmark.time, value: benchmark.close },
    sleeves: [],
    rebalances: [],
    conflicts: [],
    risk: [],
  };
}

/**
 * The JSON text of a run as `--json` writes it — `JSON.stringify(backtestJson(run), null, 2)` and a
 * final newline — in chunks made as they are read (`jsonTextChunks` of `@ensemble/engine`), so a
 * long run is never held as one string or as an array of point objects.
 */
export function* backtestJsonChunks(run: BacktestRun): Generator<string, void, undefined> {
  yield* jsonTextChunks(backtestJsonRows(run), { indent: 2 });
  yield '\n';
}

/**
 * Renders every requested result file of a run without writing anything: the HTML tearsheet and
 * Markdown report of `@ensemble/report` in memory (so a rendering failure leaves no file), and the
 * JSON as {@link backtestJsonChunks}, made while it is written.
 */
export async function renderBacktestFiles(
  run: BacktestRun,
  targets: { readonly json?: string | undefined; readonly html?: string | undefined; readonly md?: string | undefined },
  logger?: Logger,
): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  if (targets.json !== undefined) files.push({ path: targets.json, content: backtestJsonChunks(run) });
  if (targets.html !== undefined || targets.md !== undefined) {
    const generator = reportOfRun(backtestReportInput(run), logger);
    if (targets.html !== undefined) files.push({ path: targets.html, content: generator.html() });
    if (targets.md !== undefined) files.push({ path: targets.md, content: await generator.markdown() });
  }
  return files;
}
