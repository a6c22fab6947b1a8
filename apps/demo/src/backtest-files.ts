import { ReportGenerator } from '@ensemble/report';
import type { ReportInput } from '@ensemble/report';
import type { Logger } from '@ensemble/protocol';
import { backtestConfigJson, backtestJson } from './backtest-report';
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

/** JSON text of a run, as `--json` writes it: two-space indented, with a final newline. */
export function backtestJsonText(run: BacktestRun): string {
  return `${JSON.stringify(backtestJson(run), null, 2)}\n`;
}

/**
 * Renders every requested result file of a run — JSON, and the HTML tearsheet and Markdown report
 * of `@ensemble/report` — without writing anything, so a rendering failure leaves no file.
 */
export async function renderBacktestFiles(
  run: BacktestRun,
  targets: { readonly json?: string | undefined; readonly html?: string | undefined; readonly md?: string | undefined },
  logger?: Logger,
): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  if (targets.json !== undefined) files.push({ path: targets.json, content: backtestJsonText(run) });
  if (targets.html !== undefined || targets.md !== undefined) {
    const generator = new ReportGenerator(backtestReportInput(run), logger === undefined ? {} : { logger });
    if (targets.html !== undefined) files.push({ path: targets.html, content: generator.html() });
    if (targets.md !== undefined) files.push({ path: targets.md, content: await generator.markdown() });
  }
  return files;
}
