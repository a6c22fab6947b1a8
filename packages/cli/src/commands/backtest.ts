import path from 'node:path';
import type { Command } from 'commander';
import { getSeries, selectSymbols } from '@ensemble/data';
import type { MarketData } from '@ensemble/data';
import type { BarSeries, Logger } from '@ensemble/protocol';
import { ConfigError, DataValidationError, SeriesSeal, echoValue, isPortfolioStrategy, sliceSeriesByTime } from '@ensemble/protocol';
import { holdUntil, stepsBefore } from '@ensemble/research';
import { metricsStartEquity, runBacktest } from '@ensemble/engine';
import { computeMetrics } from '@ensemble/performance';
import { backtestJsonChunks, renderBacktestFiles } from '../backtest-files';
import { DEFAULT_TRADES_SHOWN, planBacktest } from '../backtest-options';
import type { BacktestFlags, BacktestPlan } from '../backtest-options';
import { renderBacktestSummary } from '../backtest-report';
import type { BacktestRun } from '../backtest-report';
import { paletteFor } from '../color';
import { loadDataSource } from '../data-source';
import type { LoadedData } from '../data-source';
import { COMMAND_LINE, flagText } from '../flags';
import { BACKTEST_RUN_FLAGS, addBacktestConfigOptions, addDataSourceOptions } from '../backtest-config-flags';
import { formatCount } from '../format';
import type { CliIo } from '../io';
import { createCliLogger } from '../logger';
import type { LogLevel } from '../logger';
import { globalOptions } from '../options';
import { NO_PROGRESS, countOnly, progressPhases, progressWanted, withProgress } from '../progress';
import type { ProgressPhases } from '../progress';
import { dataFileKept, strategyFilesKept } from '../input-files';
import { checkOutputTargets } from '../output-targets';
import type { KeptFile } from '../output-targets';
import { strategyFromFile } from '../strategy-modules';
import { knownLongFlags } from '../stray-arguments';
import { writeChunks, writeFilesAtomic } from '../write-file';
import { measuredFrom } from '../warmup-window';

const EXAMPLES = `
Examples:
  $ ensemble backtest --dataset sp500 --strategy sma-crossover --param fast=10 --param slow=30
  $ ensemble backtest --dataset sp500 --strategy sma-crossover --commission-rate 0.001 --json result.json
  $ ensemble backtest --dataset dow30 --strategy equal-weight --symbol IBM,MSFT,KO --rebalance quarter
  $ ensemble backtest --data prices.csv --strategy rsi-mean-reversion --from 2010-01-01 --trades all
  $ ensemble backtest --dataset sp500 --strategy sma-crossover --param slow=200 --from 2010-01-01 --warmup-from 2009-01-01
  $ ensemble backtest --dataset sp500 --strategy buy-and-hold --json - | jq .metrics.metrics.cagr
  $ ensemble backtest --dataset sp500 --strategy ./strategies/my-strategy.ts --param period=100

Exit codes: 0 success; 1 the run failed (e.g. a strategy threw); 2 bad input (flags, strategy,
parameters, data) — reported before any data is loaded where possible, with no stack trace
(--debug adds it). No result file is written unless the whole run succeeds; files are written
atomically (a temporary file in the same directory, then renamed); through a
symbolic link, the file it names is replaced and the link stays; a file that is no regular one
(/dev/null, /dev/stdout, a named pipe) is written in place and stays what it is.

With --json -, the JSON goes to stdout and the summary to stderr. When stderr is a terminal, the
loading (MB), the run (bars, time left) and the writing (MB) show their progress on it
(--no-progress turns it off); in a pipe nothing but the summary is written.
Strategies and their parameters: ensemble strategies [NAME].`;

/** A `no-data` problem (nothing between --from and --to) as a problem of those flags; any other error unchanged. */
function rangeProblem(error: unknown, plan: BacktestPlan): unknown {
  if (!DataValidationError.isInstance(error) || error.problems.length !== 1 || error.problems[0]?.rule !== 'no-data') return error;
  const { from, to } = plan.rangeText;
  const named =
    plan.config === undefined
      ? [from === undefined ? null : flagText('--from', from), to === undefined ? null : flagText('--to', to)]
      : [from === undefined ? null : 'data.from', to === undefined ? null : 'data.to'];
  const path = named.filter((part) => part !== null).join(' ');
  if (path === '') return error;
  return new ConfigError([{ path, message: `the date range is empty: ${error.problems[0].message}` }], { source: plan.config?.source ?? COMMAND_LINE, cause: error });
}

/**
 * The problem of a selection whose symbols all have no bar (in the range, or at all: a wide CSV's
 * empty column, a JSON file's empty array), as a problem of the flags or config fields that chose
 * them; null when any has a bar. The engine's own "every series is empty" names neither.
 */
function emptySelection(data: MarketData, plan: BacktestPlan): ConfigError | null {
  if (data.series.length === 0 || data.series.some((series) => series.length > 0)) return null;
  const symbols = data.series.map((series) => echoValue(series.symbol));
  const { from, to } = plan.rangeText;
  const config = plan.config;
  const path = [
    config === undefined ? flagText('--symbol', plan.symbols.join(',')) : config.symbolsPath,
    ...(config === undefined ? [from === undefined ? null : flagText('--from', from), to === undefined ? null : flagText('--to', to)] : [from === undefined ? null : 'data.from', to === undefined ? null : 'data.to']),
  ]
    .filter((part) => part !== null)
    .join(' ');
  const which = `${symbols.join(', ')} ${symbols.length === 1 ? 'has' : 'have'} no bar`;
  const range = `between ${from === undefined ? 'the start' : echoValue(from)} and ${to === undefined ? 'the end' : echoValue(to)}`;
  const message =
    from === undefined && to === undefined
      ? `${which} in the data (a column or list without values): trade a symbol that has bars (\`ensemble data inspect\` lists them)`
      : `${which} ${range}: choose a range where ${symbols.length === 1 ? 'it has' : 'they have'} bars, or another symbol (\`ensemble data inspect\` lists each symbol's first and last date)`;
  return new ConfigError([{ path, message }], { source: config?.source ?? COMMAND_LINE });
}

/** The data of a backtest plan as loaded (`loaded`, the benchmark's too) and as traded (`data`: the selected symbols, checked to have bars). */
export interface BacktestData {
  readonly loaded: MarketData;
  readonly data: MarketData;
  readonly dataset: LoadedData['dataset'];
}

/**
 * Loads the data of `plan` (from `--warmup-from` or `--from` to `--to`) and selects its traded
 * symbols, showing the loading on `phases`. Problems of the selection — an unknown symbol, an
 * empty range, symbols without a bar — are named by the flags (or config fields) that made them.
 */
export async function loadBacktestData(plan: BacktestPlan, io: CliIo, logger: Logger, phases: ProgressPhases = NO_PROGRESS): Promise<BacktestData> {
  const { data: loaded, dataset } = await withProgress(phases, 'load ', 'bytes', (onProgress) =>
    loadDataSource(plan.files.length > 0 ? plan.files : plan.source, { format: plan.format, dateFormat: plan.dateFormat, decimal: plan.decimal, adjust: plan.adjust, sort: plan.sort, from: plan.warmupFrom ?? plan.from, to: plan.to, logger, onProgress }, io),
  ).catch((error: unknown) => {
    throw rangeProblem(error, plan);
  });
  let data: MarketData;
  try {
    data = selectSymbols(loaded, plan.symbols);
  } catch (error) {
    if (!DataValidationError.isInstance(error) || error.problems.some((problem) => problem.rule !== 'unknown-symbol')) throw error;
    const config = plan.config;
    const pathOf = (symbol: string): string => {
      if (config === undefined) return flagText('--symbol', symbol);
      const index = plan.symbols.findIndex((given) => given.toLowerCase() === symbol.toLowerCase());
      return index < 0 ? config.symbolsPath : `${config.symbolsPath}.${index}`;
    };
    throw new ConfigError(
      error.problems.map((problem) => ({ path: pathOf(problem.value ?? ''), message: problem.message })),
      { source: config?.source ?? COMMAND_LINE },
    );
  }
  const idle = emptySelection(data, plan);
  if (idle !== null) throw idle;
  return { loaded, data, dataset };
}

/**
 * Loads the data of `plan`, selects the traded symbols and the benchmark, runs the engine and
 * measures the result, showing the loading and running on `phases` (nothing by default). Throws
 * the packages' typed errors (bad data: exit 2; a failed run: exit 1).
 */
export async function executeBacktest(plan: BacktestPlan, io: CliIo, logger: Logger, phases: ProgressPhases = NO_PROGRESS): Promise<BacktestRun> {
  const { loaded, data, dataset } = await loadBacktestData(plan, io, logger, phases);
  let benchmark: BarSeries | undefined;
  if (plan.benchmark.kind === 'symbol') {
    try {
      benchmark = getSeries(loaded, plan.benchmark.symbol);
    } catch (error) {
      if (!DataValidationError.isInstance(error)) throw error;
      const path = plan.config === undefined ? flagText('--benchmark', plan.benchmark.symbol) : 'benchmark';
      throw new ConfigError([{ path, message: error.problems[0]?.message ?? error.message }], { source: plan.config?.source ?? COMMAND_LINE });
    }
  } else if (plan.benchmark.kind === 'auto' && data.series.length === 1) {
    benchmark = data.series[0];
  }
  // With --warmup-from the data starts there, and the strategy trades from --from on: its
  // indicators and history see the bars before, as a walk-forward test window's see its train window.
  const start = plan.warmupFrom === undefined ? undefined : plan.from;
  const warmup = start === undefined ? null : warmupOf(data, start, plan);
  const strategy = start === undefined || warmup === null ? plan.strategy.strategy : holdUntil(plan.strategy.strategy, start, warmup.bars);
  if (start !== undefined && benchmark !== undefined) benchmark = sliceSeriesByTime(benchmark, start);
  const { rebalance, ...engine } = plan.engine;
  // A strategy file's code could write to its bars through a history view's buffer, which would
  // surface later as bad data (a benchmark's "unsorted dates") or as silently wrong benchmark
  // metrics: its run is checked against a copy of the data, as a sweep's jobs are, and a write
  // fails it naming the strategy. (The built-in strategies are not copied for.)
  const seal = plan.strategyModule === undefined ? null : new SeriesSeal(loaded.series);
  const whole = await withProgress(phases, 'run  ', 'bars', (onProgress) =>
    runBacktest({ series: data.series, strategy, ...engine, ...(rebalance === null ? {} : { rebalance }), logger, onProgress }),
  ).catch((error: unknown) => {
    seal?.verify(() => strategy.id);
    throw error;
  });
  // Measured from --from on as a run starting there is (and as a walk-forward test window is):
  // nothing traded in the warm-up, so with close fills the first return still runs from the cash.
  const result = start === undefined ? whole : measuredFrom(whole, start);
  seal?.verify(() => strategy.id);
  const performance = computeMetrics(
    { equity: result.equity, trades: result.trades, fills: result.fills, startEquity: metricsStartEquity(engine) },
    {
      riskFreeRate: plan.riskFreeRate,
      ...(plan.periodsPerYear === undefined ? {} : { periodsPerYear: plan.periodsPerYear }),
      ...(benchmark === undefined ? {} : { benchmark: { time: benchmark.time, close: benchmark.close } }),
      logger,
    },
  );
  return {
    plan,
    data,
    dataset,
    benchmark: benchmark?.symbol ?? null,
    benchmarkSeries: benchmark ?? null,
    rebalance: isPortfolioStrategy(strategy) ? (rebalance ?? strategy.rebalance) : null,
    result,
    performance,
    warmup,
  };
}

/**
 * The warm-up of a run with `--warmup-from`: its first bar and the timeline steps before `start`
 * (the first date traded), or a problem of `--from` when no traded symbol has a bar from `start`
 * on (the measured range is empty).
 */
function warmupOf(data: MarketData, start: number, plan: BacktestPlan): { readonly from: number; readonly bars: number } {
  const first = data.series.reduce((earliest, series) => Math.min(earliest, series.time[0] ?? Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
  const measured = data.series.some((series) => series.length > 0 && (series.time[series.length - 1] ?? Number.NEGATIVE_INFINITY) >= start);
  if (!measured) {
    const { from = '', to } = plan.rangeText;
    const range = to === undefined ? `from ${echoValue(from)} on` : `between ${echoValue(from)} and ${echoValue(to)}`;
    const advice = to === undefined ? 'choose an earlier --from' : 'choose a later --to or an earlier --from';
    throw new ConfigError([{ path: flagText('--from', from), message: `no bar of the traded symbols ${range}: the run would hold only its warm-up; ${advice}` }], { source: COMMAND_LINE });
  }
  return { from: first, bars: stepsBefore(data.series, start) };
}

/**
 * The log level of a backtest: the `--log-level` given, or `error` when none was given — the
 * engine's warnings (a shrunk or rejected order) are counted in the summary instead of printed
 * one by one; `--log-level warn` lists them.
 */
function backtestLogLevel(command: Command): LogLevel {
  return globalOptions(command).logLevel ?? 'error';
}

/**
 * The files a backtest reads, which none of its outputs may replace: the `--data` file (or a
 * config's `data.file`, already absolute) and the strategy file with the local files it imports.
 */
export function backtestInputsKept(plan: BacktestPlan, cwd: string): KeptFile[] {
  // A config's strategy file is relative to the config, a flag's to the working directory.
  const config = plan.config?.source;
  return [
    ...(plan.sourceFlag === '--data' ? plan.files.flatMap((file) => dataFileKept(file, cwd, config === undefined ? 'the data file (--data)' : 'the data file (data.file)')) : []),
    ...(plan.strategyModule === undefined
      ? []
      : strategyFilesKept(plan.strategyModule, path.resolve(cwd, config === undefined ? '.' : path.dirname(config)), config === undefined ? 'the strategy file (--strategy)' : 'the strategy file (strategy)')),
  ];
}

/**
 * Registers `ensemble backtest`: one strategy over embedded or file data, a readable summary, and
 * optionally the JSON result, an HTML tearsheet and a Markdown report.
 */
export function registerBacktestCommand(program: Command, io: CliIo): Command {
  const command = program.command('backtest').description('backtest one strategy on a data file or an embedded data set and print its metrics and trades');
  addDataSourceOptions(command);
  command.requiredOption('--strategy <name>', 'strategy to run (see `ensemble strategies`), or a strategy file: ./my-strategy.ts (.ts, .mts, .cts, .js, .mjs, .cjs; file.ts#name picks one of several)');
  addBacktestConfigOptions(command, BACKTEST_RUN_FLAGS, 'backtest');
  return command
    .option('--warmup-from <date>', "warm up on the bars from this date to --from: the strategy's indicators and history see them, nothing is traded or measured before --from (as a walk-forward test window warms up on the bars before it)")
    .option('--trades <n>', `closed trades to list in the summary, or all (default: ${DEFAULT_TRADES_SHOWN})`)
    .option('--json <file>', 'write the JSON result (config, equity curve, fills, trades, metrics); - writes it to stdout')
    .option('--html <file>', 'write a self-contained HTML tearsheet')
    .option('--md <file>', 'write a Markdown report')
    .option('--no-progress', 'do not show progress (it is shown only when stderr is a terminal)')
    // Unknown flags and stray words reach the action (`command.args`), which says what to type
    // instead (`--fast 10` → `--param fast=10`) among every other flag problem.
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', EXAMPLES)
    .action(async (flags: Omit<BacktestFlags, 'param' | 'symbol' | 'unplaced'> & { param?: string[]; symbol?: string[]; progress: boolean }, command: Command) => {
      const level = backtestLogLevel(command);
      const logger = createCliLogger(io, level, { json: globalOptions(command).logJson === true });
      const unplaced = { words: command.args, knownFlags: knownLongFlags(command) };
      const fromFile = await strategyFromFile(flags.strategy, io.cwd);
      const plan = planBacktest({ ...flags, param: flags.param ?? [], symbol: flags.symbol ?? [], unplaced }, io.cwd, fromFile);
      await checkOutputTargets(plan.targets, backtestInputsKept(plan, io.cwd));
      const phases = progressPhases(io.stderr, progressWanted(io, { progress: flags.progress, logLevel: level }));

      await runAndReportBacktest(plan, io, logger, phases);
    });
}

/**
 * Runs a planned backtest and reports it: the summary (on stderr when the JSON goes to stdout),
 * then the result files the plan names, written atomically. `ensemble backtest` and `ensemble run`
 * of a backtest config end here.
 */
export async function runAndReportBacktest(plan: BacktestPlan, io: CliIo, logger: Logger, phases: ProgressPhases): Promise<void> {
  const { json, html, md } = plan.outputs;
  const run = await executeBacktest(plan, io, logger, phases);
  const files = await renderBacktestFiles(run, { json: json === '-' ? undefined : json, html, md }, logger);
  const summarySink = json === '-' ? io.stderr : io.stdout;
  const summary = renderBacktestSummary(run, { palette: paletteFor(io, summarySink), tradesShown: plan.tradesShown });
  const written = await withProgress(phases, 'write', 'bytes', (onProgress) => writeFilesAtomic(files, { onProgress: countOnly(onProgress) }));
  if (json === '-') await withProgress(phases, 'write', 'bytes', (onProgress) => writeChunks(io.stdout, backtestJsonChunks(run), countOnly(onProgress)));
  summarySink.write(summary);
  // Each file as its flag spelled it (a relative path stays relative), as `ensemble run` prints them.
  for (const file of written) summarySink.write(`wrote ${plan.targets.find((target) => target.path === file.path)?.typed ?? file.path} (${formatCount(file.bytes)} bytes)\n`);
}
