import type { Logger } from '@ensemble/protocol';
import { jsonTextChunks } from '@ensemble/engine';
import { backtestJsonRows, backtestRunReportInput } from './backtest-report';
import { reportOfRun } from './report-of-run';
import type { BacktestRun } from './backtest-report';
import type { OutputFile } from './write-file';

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
    const generator = reportOfRun(backtestRunReportInput(run), logger);
    if (targets.html !== undefined) files.push({ path: targets.html, content: generator.html() });
    if (targets.md !== undefined) files.push({ path: targets.md, content: await generator.markdown() });
  }
  return files;
}
