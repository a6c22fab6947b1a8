import { Option } from 'commander';
import type { Command } from 'commander';
import { inspectMarketData, isDatasetName, listDatasets } from '@ensemble/data';
import type { DataFormat } from '@ensemble/data';
import { DataValidationError } from '@ensemble/protocol';
import { datasetAndFile, loadDataSource, loadNotes } from '../data-source';
import { splitSymbols } from '../backtest-config-flags';
import { CliExit, ExitCode } from '../errors';
import { formatCount, formatTable } from '../format';
import { inspectionToJson, renderInspection } from '../inspect-report';
import type { CliIo } from '../io';
import { createCliLogger } from '../logger';
import { DATE_FORMAT_HELP, DECIMAL_HELP, FlagProblems, appendValue, dateFormatFlag, dateRangeFlags, decimalFlag } from '../flags';
import { globalOptions, positiveInteger } from '../options';

interface InspectOptions {
  readonly format?: DataFormat;
  readonly dateFormat?: string;
  readonly decimal?: string;
  readonly symbol?: string[];
  readonly from?: string;
  readonly to?: string;
  readonly maxProblems: number;
  readonly json?: boolean;
  readonly adjust?: boolean;
  readonly sort?: boolean;
}

/** Registers `ensemble data` with its subcommands `inspect` and `list`. */
export function registerDataCommand(program: Command, io: CliIo): Command {
  const data = program.command('data').description('inspect market data files and the embedded data sets');

  data
    .command('inspect')
    .description('validate and summarise market data: symbols, date range, bar counts, gaps and every problem')
    .argument('<source...>', 'a CSV or JSON file, or a data set name (see `ensemble data list`); several files (one per symbol, say) are joined on one timeline')
    .addOption(new Option('--format <format>', 'layout of the file instead of detecting it').choices(['ohlcv', 'long', 'wide', 'json']))
    .option('--date-format <format>', DATE_FORMAT_HELP)
    .option('--decimal <mark>', DECIMAL_HELP)
    .option('--adjust', "scale open, high, low and close by the adjusted close (Yahoo Finance's Adj Close) / close, row by row")
    .option('--sort', 'sort the rows by date, e.g. a newest-first download (default: rows must be in date order)')
    .option('-s, --symbol <symbol>', 'keep only this symbol (repeatable, or comma-separated; default: every symbol)', appendValue)
    .option('--from <date>', 'keep bars on or after this date')
    .option('--to <date>', 'keep bars on or before this date (a date includes the whole day)')
    .option('--max-problems <n>', 'stop after finding this many problems (an error lists the first 20; --json lists all it found)', positiveInteger, 20)
    .option('--json', 'print the summary (or the problems) as JSON on stdout')
    .action(async (sources: string[], options: InspectOptions, command: Command) => {
      const source = sources.length === 1 ? (sources[0] ?? '') : sources;
      const shadowed = sources.length === 1 ? await datasetAndFile(sources[0] ?? '', io.cwd) : null;
      if (shadowed !== null) throw shadowed;
      const logger = createCliLogger(io, globalOptions(command).logLevel ?? 'warn', { json: globalOptions(command).logJson === true });
      const problems = new FlagProblems();
      const dataset = typeof source === 'string' && isDatasetName(source) ? source : undefined;
      const dateFormat = dateFormatFlag(problems, options.dateFormat, dataset);
      const decimal = decimalFlag(problems, options.decimal, dataset);
      // Named by the flags as typed, and --from after --to said so, as `backtest` says them.
      const range = dateRangeFlags(problems, options.from, options.to);
      problems.throwIfAny();
      try {
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
