import { Option } from 'commander';
import type { Command } from 'commander';
import path from 'node:path';
import { inspectMarketData, isDatasetName, listDatasets, toCsv } from '@ensemble/data';
import type { DataFormat, DatasetInfo, MarketData } from '@ensemble/data';
import { ConfigError, DataValidationError, MAX_LINE_LENGTH, echoValue } from '@ensemble/protocol';
import { datasetAndFile, loadDataSource, loadNotes } from '../data-source';
import { splitSymbols } from '../backtest-config-flags';
import { CliExit, ExitCode } from '../errors';
import { formatCount, formatCounted, formatTable } from '../format';
import { inspectionToJson, renderInspection } from '../inspect-report';
import type { CliIo } from '../io';
import { createCliLogger } from '../logger';
import { COMMAND_LINE, DATE_FORMAT_HELP, DECIMAL_HELP, FlagProblems, appendValue, dateFormatFlag, dateRangeFlags, decimalFlag } from '../flags';
import { globalOptions, decimalPlaces, positiveInteger } from '../options';
import { checkOutputTargets, resolveOutputFlags } from '../output-targets';
import { writeChunks, writeFileAtomic } from '../write-file';

/** The reading flags `data inspect` and `data export` share. */
interface ReadingOptions {
  readonly format?: DataFormat;
  readonly dateFormat?: string;
  readonly decimal?: string;
  readonly symbol?: string[];
  readonly from?: string;
  readonly to?: string;
  readonly maxProblems: number;
  readonly adjust?: boolean;
  readonly sort?: boolean;
}

interface InspectOptions extends ReadingOptions {
  readonly json?: boolean;
}

interface ExportOptions extends Omit<ReadingOptions, 'maxProblems'> {
  readonly out: string;
  readonly decimals?: number;
}

/** Registers `ensemble data` with its subcommands `inspect`, `export` and `list`. */
export function registerDataCommand(program: Command, io: CliIo): Command {
  const data = program.command('data').description('inspect and export market data files and the embedded data sets');

  readingOptions(
    data
      .command('inspect')
      .description('validate and summarise market data: symbols, date range, bar counts, gaps and every problem')
      .argument('<source...>', 'a CSV or JSON file, or a data set name (see `ensemble data list`); several files (one per symbol, say) are joined on one timeline'),
  )
    .option('--max-problems <n>', 'stop after finding this many problems (an error lists the first 20; --json lists all it found)', positiveInteger, 20)
    .option('--json', 'print the summary (or the problems) as JSON on stdout')
    .action(async (sources: string[], options: InspectOptions, command: Command) => {
      try {
        const { loaded, dataset } = await loadFromFlags(sources, options, command, io);
        const summary = inspectMarketData(loaded);
        const notes = loadNotes(loaded, dataset, { requested: options.adjust === true || options.sort === true, advice: 'flag' });
        io.stdout.write(options.json === true ? `${JSON.stringify(inspectionToJson(summary, dataset, notes), null, 2)}\n` : renderInspection(summary, dataset, notes));
      } catch (error) {
        if (options.json === true && DataValidationError.isInstance(error)) {
          const report = { valid: false, source: sources.join(', '), problems: error.problems, truncated: error.truncated };
          io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          throw new CliExit(ExitCode.badInput);
        }
        throw error;
      }
    });

  readingOptions(
    data
      .command('export')
      .description('write market data as one long OHLCV CSV (symbol,date,open,high,low,close,volume), as the engine reads it: an embedded data set to start a file of your own, or files of other layouts joined')
      .argument('<source...>', 'a data set name (see `ensemble data list`), or CSV or JSON files (several are joined on one timeline)'),
  )
    .option('-o, --out <file>', 'the CSV file to write (its directories are created); - for stdout', '-')
    .option('--decimals <n>', 'write prices with this many decimals (default: the shortest text that reads back exactly)', decimalPlaces)
    .action(async (sources: string[], options: ExportOptions, command: Command) => {
      const problems = new FlagProblems();
      const [target] = resolveOutputFlags(problems, [{ flag: '--out', value: options.out, stdout: true }], io.cwd);
      problems.throwIfAny();
      // Checked before the data is read: a directory that cannot be made, or one of the files read.
      const files = sources.length === 1 && isDatasetName(sources[0] ?? '') ? [] : sources;
      // Nothing but the CSV goes to stdout (the notes and the licence go to stderr).
      if (target !== undefined) await checkOutputTargets([target], files.map((file) => ({ what: `the data file ${file}`, path: path.resolve(io.cwd, file) })), { summaryOnStdout: false });
      const { loaded, dataset } = await loadFromFlags(sources, { ...options, maxProblems: 20 }, command, io);
      // Fewer decimals than a price needs would write a file the loader refuses (a price of 0).
      if (options.decimals !== undefined) {
        const rounded = zeroedPrice(loaded, options.decimals);
        if (rounded !== null) {
          throw new ConfigError([{ path: '--decimals', message: `${String(options.decimals)} decimals round ${rounded.symbol}'s price of ${String(rounded.price)} on ${rounded.date} to 0, which no data file may hold; give more decimals, or leave --decimals out to write every price exactly` }], { source: COMMAND_LINE });
        }
      }
      const csv = toCsv(loaded, { symbolColumn: true, ...(options.decimals === undefined ? {} : { decimals: options.decimals }) });
      // What the load ignored or changed (an adjusted-close column, rows of nulls) is not in the file either: said.
      for (const note of loadNotes(loaded, dataset, { requested: options.adjust === true || options.sort === true, advice: 'flag' })) io.stderr.write(`note: ${echoValue(note, MAX_LINE_LENGTH)}\n`);
      // A data set's licence travels with its bars: said where the file is written (a CSV has no comments).
      const licence = dataset === undefined ? '' : `${dataset.name}: ${dataset.description} — ${dataset.license}, from ${dataset.source}; keep this attribution with the file\n`;
      if (target === undefined || target.path === '-') {
        await writeChunks(io.stdout, csv);
        io.stderr.write(licence);
        return;
      }
      const written = await writeFileAtomic(target.path, csv);
      const bars = loaded.series.reduce((total, series) => total + series.length, 0);
      io.stderr.write(`wrote ${target.typed} (${formatCounted(bars, 'bar')} of ${formatCounted(loaded.series.length, 'symbol')}, ${formatCount(written.bytes)} bytes)\n${licence}`);
    });

  data
    .command('list')
    .description('list the embedded real data sets')
    .option('--json', 'print the list as JSON')
    .action((options: { json?: boolean }) => {
      const datasets = listDatasets();
      if (options.json === true) {
        io.stdout.write(`${JSON.stringify(datasets, null, 2)}\n`);
        return;
      }
      const table = formatTable(
        [
          { header: 'name' },
          { header: 'symbols', align: 'right' },
          { header: 'bars', align: 'right' },
          { header: 'frequency' },
          { header: 'from' },
          { header: 'to' },
          { header: 'licence' },
          { header: 'description' },
        ],
        datasets.map((d) => [d.name, formatCount(d.symbols.length), formatCount(d.bars), d.frequency, d.from, d.to, d.license, d.description]),
      );
      io.stdout.write(`${table}\n\nSources: ${datasets.map((d) => `${d.name}: ${d.source}`).join('; ')}.\n`);
    });

  return data;
}

/** The options of `data inspect` and `data export` that say how the data is read and what of it is kept. */
function readingOptions(command: Command): Command {
  return command
    .addOption(new Option('--format <format>', 'layout of the file instead of detecting it').choices(['ohlcv', 'long', 'wide', 'json']))
    .option('--date-format <format>', DATE_FORMAT_HELP)
    .option('--decimal <mark>', DECIMAL_HELP)
    .option('--adjust', "scale open, high, low and close by the adjusted close (Yahoo Finance's Adj Close) / close, row by row")
    .option('--sort', 'sort the rows by date, e.g. a newest-first download (default: rows must be in date order)')
    .option('-s, --symbol <symbol>', 'keep only this symbol (repeatable, or comma-separated; default: every symbol)', appendValue)
    .option('--from <date>', 'keep bars on or after this date')
    .option('--to <date>', 'keep bars on or before this date (a date includes the whole day)');
}

/** Loads the sources of `data inspect` or `data export` as their reading flags say (each flag's problem named as typed). */
async function loadFromFlags(sources: readonly string[], options: ReadingOptions, command: Command, io: CliIo): Promise<{ loaded: MarketData; dataset: DatasetInfo | undefined }> {
  const source = sources.length === 1 ? (sources[0] ?? '') : [...sources];
  const shadowed = sources.length === 1 ? await datasetAndFile(sources[0] ?? '', io.cwd) : null;
  if (shadowed !== null) throw shadowed;
  const logger = createCliLogger(io, globalOptions(command).logLevel ?? 'warn', { json: globalOptions(command).logJson === true });
  const problems = new FlagProblems();
  const named = typeof source === 'string' && isDatasetName(source) ? source : undefined;
  const dateFormat = dateFormatFlag(problems, options.dateFormat, named);
  const decimal = decimalFlag(problems, options.decimal, named);
  // Named by the flags as typed, and --from after --to said so, as `backtest` says them.
  const range = dateRangeFlags(problems, options.from, options.to);
  problems.throwIfAny();
  const { data: loaded, dataset } = await loadDataSource(
    source,
    {
      format: options.format,
      dateFormat,
      decimal,
      symbols: options.symbol === undefined ? [] : splitSymbols(options.symbol),
      from: range.from,
      to: range.to,
      maxProblems: options.maxProblems,
      adjust: options.adjust,
      sort: options.sort,
      logger,
    },
    io,
  );
  return { loaded, dataset };
}

/** The first price of `data` (open, high, low or close) that `decimals` decimals write as 0 or less, or null when none. */
function zeroedPrice(data: MarketData, decimals: number): { readonly symbol: string; readonly price: number; readonly date: string } | null {
  for (const series of data.series) {
    for (const column of [series.open, series.high, series.low, series.close]) {
      for (let i = 0; i < series.length; i++) {
        const price = column[i] ?? 0;
        if (Number(price.toFixed(decimals)) <= 0) return { symbol: series.symbol, price, date: new Date(series.time[i] ?? 0).toISOString().slice(0, 10) };
      }
    }
  }
  return null;
}
