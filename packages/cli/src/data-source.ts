import path from 'node:path';
import { dataHoles, formatDate, getDatasetInfo, isDatasetName, listDatasets, loadDataset, loadMarketData, loadMarketDataFiles, mixedSpacing, repeatedFiles, splitJumps } from '@ensemble/data';
import type { SymbolHole, SymbolMixedSpacing, SymbolSplitJump } from '@ensemble/data';
import type { DataFormat, DatasetInfo, DateInput, MarketData } from '@ensemble/data';
import { ConfigError, DAY_MS, DataValidationError, EnsembleError, MAX_LINE_LENGTH, closestMatch, echoValue, quoteValue } from '@ensemble/protocol';
import type { DataProblem, DateFormat, DecimalMarkSetting, Logger } from '@ensemble/protocol';
import { clockTime, formatCount, formatCounted } from './format';
import type { CliIo } from './io';

/** What to load and which part of it to keep. */
export interface DataSourceOptions {
  readonly format?: DataFormat | undefined;
  /** How the file writes its dates (`--date-format`; default detected). */
  readonly dateFormat?: DateFormat | undefined;
  /** How the file's numbers write their fractions (`--decimal`; default decided from its values). */
  readonly decimal?: DecimalMarkSetting | undefined;
  readonly symbols?: readonly string[] | undefined;
  /** Inclusive bounds: a date string (a date-only `to` covers its day) or epoch ms. */
  readonly from?: DateInput | undefined;
  readonly to?: DateInput | undefined;
  readonly maxProblems?: number | undefined;
  /** Scale open, high, low and close by the adjusted close column (`--adjust`). */
  readonly adjust?: boolean | undefined;
  /** Sort rows by date instead of requiring them in order (`--sort`). */
  readonly sort?: boolean | undefined;
  readonly logger?: Logger | undefined;
  /** Receives (bytes parsed, file size) while a data file is parsed (not for the small embedded data sets). */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Loaded data and, for an embedded data set, its description. */
export interface LoadedData {
  readonly data: MarketData;
  readonly dataset: DatasetInfo | undefined;
}

function looksLikePath(source: string): boolean {
  return /[\\/.]/.test(source);
}

function datasetList(): string {
  return listDatasets()
    .map((dataset) => dataset.name)
    .join(', ');
}

/**
 * The end of a message about an unknown data set `name` close to an embedded one (a case slip
 * such as `SP500`, or a typo): ` — did you mean "sp500"?`, or with `lead` ` Did you mean` after a
 * full stop; the empty string when no data set is close.
 */
export function datasetSuggestion(name: string, lead = ' — did you mean'): string {
  const match = closestMatch(name, listDatasets().map((dataset) => dataset.name));
  return match === undefined ? '' : `${lead} ${quoteValue(match)}?`;
}

/**
 * Loads `source`: an embedded data set name (`sp500`, `dow30`, `stocks5`) or a CSV/JSON file path
 * relative to the CLI's working directory, or several file paths (one per symbol, say), joined on
 * one timeline. A word that is neither fails with the list of data sets; a missing file fails
 * naming the path (both `DATA_NOT_FOUND`, exit 2).
 */
export async function loadDataSource(source: string | readonly string[], options: DataSourceOptions, io: CliIo): Promise<LoadedData> {
  if (typeof source !== 'string') {
    if (source.length !== 1) return { data: await loadDataFiles(source, options, io), dataset: undefined };
    // `--data NAME` reads the data set NAME; a file of that name here would be read without a word.
    const shadowed = await datasetAndFile(source[0] ?? '', io.cwd, '--dataset');
    if (shadowed !== null) throw shadowed;
    return loadDataSource(source[0] ?? '', options, io);
  }
  const selection = { symbols: options.symbols, from: options.from, to: options.to, logger: options.logger, adjust: options.adjust, sort: options.sort };
  if (isDatasetName(source)) {
    if (options.format !== undefined) {
      throw new ConfigError([{ path: '--format', message: `applies to files; the data set ${quoteValue(source)} has a known layout` }]);
    }
    if (options.dateFormat !== undefined) {
      throw new ConfigError([{ path: '--date-format', message: `applies to files; the data set ${quoteValue(source)} writes its dates as YYYY-MM-DD` }]);
    }
    if (options.decimal !== undefined) {
      throw new ConfigError([{ path: '--decimal', message: `applies to files; the data set ${quoteValue(source)} writes decimal points` }]);
    }
    return { data: await loadDataset(source, selection), dataset: getDatasetInfo(source) };
  }
  const absolute = path.resolve(io.cwd, source);
  if (!looksLikePath(source)) {
    const missing = await missingDataSource(source, io.cwd);
    if (missing !== null) throw missing;
  }
  try {
    const data = await loadMarketData(absolute, { ...selection, file: source, format: options.format, dateFormat: options.dateFormat, decimal: options.decimal, maxProblems: options.maxProblems, onProgress: options.onProgress });
    return { data, dataset: undefined };
  } catch (error) {
    if (EnsembleError.isInstance(error) && error.code === 'DATA_NOT_FOUND') throw fileNotFound(source, absolute, error);
    throw error;
  }
}

/** Several data files, each relative to the CLI's working directory, joined on one timeline (every missing one named first). */
async function loadDataFiles(files: readonly string[], options: DataSourceOptions, io: CliIo): Promise<MarketData> {
  const missing = await missingDataFiles(files, io.cwd);
  if (missing !== null) throw missing;
  return loadMarketDataFiles(
    files.map((file) => path.resolve(io.cwd, file)),
    {
      names: files,
      symbols: options.symbols,
      from: options.from,
      to: options.to,
      logger: options.logger,
      adjust: options.adjust,
      sort: options.sort,
      format: options.format,
      dateFormat: options.dateFormat,
      decimal: options.decimal,
      maxProblems: options.maxProblems,
      onProgress: options.onProgress,
    },
  );
}

/**
 * The error for `name`, given where a file or a data set may be named (`--data NAME`, `data
 * inspect NAME`), when it is both an embedded data set and a file in `cwd`: which one is meant
 * cannot be told, and reading the data set would ignore the user's file without a word. Says how
 * to name each (`dataset`: the flag naming the data set, if any); null otherwise.
 */
export async function datasetAndFile(name: string, cwd: string, dataset?: string): Promise<EnsembleError | null> {
  if (!isDatasetName(name)) return null;
  const { existsSync } = await import('node:fs');
  if (!existsSync(path.resolve(cwd, name))) return null;
  const forDataset = dataset === undefined ? 'run it from another directory for the data set' : `${dataset} ${name} for the data set`;
  return new EnsembleError('DATA_NOT_FOUND', `${quoteValue(name)} is both an embedded data set and a file here: write ./${name} for the file, or ${forDataset}`);
}

/** What a data set name among several data files is told. */
export const DATASET_AMONG_FILES = 'is an embedded data set, given among files: a data set is loaded on its own, not joined with files';

/**
 * The error for every one of several data files (relative to `cwd`) that is missing or is not a
 * file (a directory), all named in one message; null when every one is a file.
 */
export async function missingDataFiles(files: readonly string[], cwd: string): Promise<EnsembleError | null> {
  const { stat } = await import('node:fs/promises');
  const missing: string[] = [];
  const repeated = repeatedFiles(files, (file) => path.resolve(cwd, file));
  for (const [k, file] of files.entries()) {
    const error = await missingDataSource(file, cwd);
    const absolute = path.resolve(cwd, file);
    const earlier = files[repeated[k] ?? -1];
    if (error !== null) missing.push(error.message);
    else if (files.length > 1 && isDatasetName(file)) missing.push(`${quoteValue(file)} ${DATASET_AMONG_FILES}`);
    else if (earlier !== undefined) missing.push(`${quoteValue(file, MAX_LINE_LENGTH)} is ${earlier === file ? 'given twice' : `the file of ${quoteValue(earlier, MAX_LINE_LENGTH)}`}: give each file once.`);
    else if (!isDatasetName(file) && (await stat(absolute).catch(() => null))?.isDirectory() === true) missing.push(`${quoteValue(file, MAX_LINE_LENGTH)} is a directory; pass a CSV or JSON file.`);
  }
  if (missing.length === 0) return null;
  if (missing.length === 1) return new EnsembleError('DATA_NOT_FOUND', missing[0] ?? '');
  return new EnsembleError('DATA_NOT_FOUND', `${formatCount(missing.length)} of the ${formatCount(files.length)} data files cannot be read as given:\n${missing.map((message) => `  - ${message}`).join('\n')}`);
}

function fileNotFound(source: string, absolute: string, cause?: unknown): EnsembleError {
  return new EnsembleError(
    'DATA_NOT_FOUND',
    `Market data file not found: ${quoteValue(source, MAX_LINE_LENGTH)} (looked for ${echoValue(absolute, MAX_LINE_LENGTH)}). Check the path, or use a data set name: ${datasetList()}.`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * The error {@link loadDataSource} gives for `source` (`--data`, relative to `cwd`) when it is
 * neither an embedded data set nor a file that exists, or null: so that a command which loads
 * the data later (a sweep's planner) refuses it first, in `ensemble backtest`'s words.
 */
export async function missingDataSource(source: string, cwd: string): Promise<EnsembleError | null> {
  if (isDatasetName(source)) return null;
  const absolute = path.resolve(cwd, source);
  const { existsSync } = await import('node:fs');
  if (existsSync(absolute)) return null;
  if (looksLikePath(source)) return fileNotFound(source, absolute);
  return new EnsembleError(
    'DATA_NOT_FOUND',
    `${quoteValue(source, MAX_LINE_LENGTH)} is neither a data set nor a file. Data sets: ${datasetList()}. Or give the path of a CSV or JSON file.${datasetSuggestion(source, ' Did you mean')}`,
  );
}

/** The loader's advice for day-month dates, `pass --date-format F (data.dateFormat in a config, dateFormat in code[; pivot])`: formats and pivot. */
const DATE_FORMAT_ADVICE = /pass --date-format (\S+(?: or \S+)*) \(data\.dateFormat in a config, dateFormat in code(?:; ([^)]*))?\)/g;

/** The loader's advice on a file's decimal mark, `pass --decimal M if …, --decimal N if … (data.decimal in a config, decimal in code)`, or its hint `pass --decimal M (data.decimal …)`. */
const DECIMAL_ADVICE = /pass --decimal (\w+)((?: if [^,;(]*)?)(?:, --decimal (\w+)( if [^;(]*))? \(data\.decimal in a config, decimal in code\)/g;

/** Where a data problem's file and advice are to be named: the data file as the user gave it, and the config it came from, if any. */
export interface DataProblemContext {
  /** Absolute data file paths → the path to print (as given, or as seen from where the config was given). */
  readonly files: ReadonlyMap<string, string>;
  /**
   * The config that gave the data, as typed (`cfg/run.json`), and where its data is (`the data`,
   * or `config.data` of a spec's inline base): its day-month advice names the field to set, not
   * `--date-format`, which the command does not take. Absent when the data came from flags.
   */
  readonly config?: { readonly file: string; readonly at: string } | undefined;
}

/**
 * A data problem as the user sees the command: the file named as it was given (relative stays
 * relative, as `ensemble backtest` prints it), and under a config the advice for day-month dates
 * worded for the config (`set "dateFormat": "DD/MM/YYYY" in the data of cfg/run.json`) rather than
 * as the `--date-format` flag. Any other error is returned unchanged.
 */
export function dataProblemsAsGiven(error: unknown, context: DataProblemContext): unknown {
  if (!DataValidationError.isInstance(error)) return error;
  const { config } = context;
  const problems = error.problems.map((problem): DataProblem => {
    const file = problem.file === undefined ? undefined : (context.files.get(problem.file) ?? problem.file);
    // A message may name another file too (a symbol also in "…/AAA.csv"): as it was given.
    const named = namedAsGiven(problem.message, context.files);
    const message =
      config === undefined
        ? named
        : named
            .replace(DATE_FORMAT_ADVICE, (_match, formats: string, years: string | undefined) => {
              const values = formats.split(' or ').map((format) => JSON.stringify(format)).join(' or ');
              return `set "dateFormat": ${values} in ${config.at} of ${config.file}${years === undefined ? '' : ` (${years})`}`;
            })
            .replace(DECIMAL_ADVICE, (_match, first: string, firstWhen: string, second: string | undefined, secondWhen: string | undefined) => {
              const other = second === undefined ? '' : `, "decimal": ${JSON.stringify(second)}${secondWhen ?? ''}`;
              return `set "decimal": ${JSON.stringify(first)}${firstWhen}${other} in ${config.at} of ${config.file}`;
            });
    return { ...problem, ...(file === undefined ? {} : { file }), message };
  });
  if (problems.every((problem, k) => problem.file === error.problems[k]?.file && problem.message === error.problems[k]?.message)) return error;
  return new DataValidationError(problems, { truncated: error.truncated, subject: error.subject, cause: error });
}

/** `text` with every absolute data file path of `files` written as it was given. */
export function namedAsGiven(text: string, files: ReadonlyMap<string, string>): string {
  let named = text;
  for (const [absolute, shown] of files) if (absolute !== shown) named = named.split(absolute).join(shown);
  return named;
}

/** How many split-like jumps a summary names before counting the rest. */
const SPLIT_NOTES_SHOWN = 3;

/**
 * A note per close of a daily or intraday symbol that jumps by a split's ratio (`priceJumps` of
 * `@ensemble/data`: halved, as by a 2:1 split, or ten times, as by a 1:10 reverse split): prices
 * not adjusted for a split, which a backtest takes for a real move. The first three, then a count.
 * The advice is worded for where the option is given, as {@link loadNotes}'s.
 */
export function splitNotes(data: MarketData, options: { readonly advice: 'flag' | 'config' }): string[] {
  return splitJumpNotes(splitJumps(data), options);
}

/** {@link splitNotes} of split-like jumps found already (`splitJumps` of `@ensemble/data`, or a research plan's). */
export function splitJumpNotes(found: readonly SymbolSplitJump[], options: { readonly advice: 'flag' | 'config' }): string[] {
  const adjust = options.advice === 'flag' ? 'run with --adjust' : 'set "adjust": true in data';
  const notes = found.slice(0, SPLIT_NOTES_SHOWN).map(({ symbol, jump }) => {
    const change = `${jump.change > 0 ? '+' : ''}${(jump.change * 100).toFixed(2)}%`;
    const kind = jump.toClose > jump.fromClose ? 'reverse split' : 'split';
    return `${echoValue(symbol)}'s close goes from ${String(Number(jump.fromClose.toPrecision(6)))} to ${String(Number(jump.toClose.toPrecision(6)))} on ${formatDate(jump.to)} (${change}), as a ${jump.split ?? ''} ${kind} would: if the prices are not adjusted for it, the run takes it for a real move (use split-adjusted prices, or ${adjust} with an adjusted close column; ensemble data inspect lists every jump)`;
  });
  if (found.length > SPLIT_NOTES_SHOWN) notes.push(`${String(found.length - SPLIT_NOTES_SHOWN)} more closes jump by a split's ratio (ensemble data inspect lists them)`);
  return notes;
}

/**
 * A note per daily or intraday symbol whose bars stop for more than 30 days (`dataHoles` of
 * `@ensemble/data`: its longest such stretch), the first three symbols, then a count: a run holds
 * through it as one bar, and annualised figures count bars, not calendar time, so a two-year hole
 * reads as a day. `ensemble data inspect` lists every gap.
 */
export function holeNotes(data: Pick<MarketData, 'series'>): string[] {
  return holeNotesOf(dataHoles(data));
}

/** {@link holeNotes} of holes found already (`dataHoles` of `@ensemble/data`, or a research plan's). */
export function holeNotesOf(found: readonly SymbolHole[]): string[] {
  const notes = found.slice(0, SPLIT_NOTES_SHOWN).map(
    ({ symbol, from, to }) =>
      `${echoValue(symbol)} has no bar from ${formatDate(from)} to ${formatDate(to)} (${String(Math.round((to - from) / DAY_MS))} days): the run holds through the gap as one bar, and annualised figures count bars, not calendar time (ensemble data inspect lists every gap)`,
  );
  if (found.length > SPLIT_NOTES_SHOWN) notes.push(`${String(found.length - SPLIT_NOTES_SHOWN)} more symbols have gaps of over 30 days (ensemble data inspect lists them)`);
  return notes;
}

/**
 * A note per daily or intraday symbol whose bars mix spacings (`mixedSpacing` of
 * `@ensemble/data`: hourly rows in a daily file, daily rows in an intraday one), the first three
 * symbols, then a count: a run counts every bar at the usual spacing, so annualised figures are
 * off by the share of the others. `ensemble data inspect` names them too.
 */
export function spacingNotes(data: Pick<MarketData, 'series'>): string[] {
  return spacingNotesOf(mixedSpacing(data));
}

/** {@link spacingNotes} of mixed spacings found already (`mixedSpacing` of `@ensemble/data`, or a research plan's). */
export function spacingNotesOf(found: readonly SymbolMixedSpacing[]): string[] {
  const notes = found.slice(0, SPLIT_NOTES_SHOWN).map((mixed) => `${mixedSpacingText(mixed)} (ensemble data inspect shows each symbol's spacing)`);
  if (found.length > SPLIT_NOTES_SHOWN) notes.push(`${String(found.length - SPLIT_NOTES_SHOWN)} more symbols mix daily and intraday bars (ensemble data inspect names them)`);
  return notes;
}

/** A symbol's mixed spacing in words: which bars, from when, and what it does to a run's figures. */
export function mixedSpacingText(mixed: SymbolMixedSpacing): string {
  const { symbol, bars, of, first } = mixed;
  const which =
    mixed.frequency === 'daily'
      ? `${formatCount(bars)} of its ${formatCount(of)} bars ${bars === 1 ? 'is' : 'are'} under 12 hours after the bar before (the first at ${clockTime(first)}), though most are a day apart`
      : `${formatCount(bars)} of its ${formatCount(of)} bars ${bars === 1 ? 'is a date' : 'are dates'} without a time a day or more from the bars either side (the first on ${formatDate(first)}), though most are ${spacingText(mixed.spacingMs)} apart`;
  return `${echoValue(symbol)}: ${which}: a file mixing daily and intraday rows? A run counts every bar as ${mixed.frequency === 'daily' ? 'a daily' : 'an intraday'} one, so annualised figures (CAGR, volatility, Sharpe) are off by the share of the others; keep one spacing per file`;
}

/** A bar spacing in words: `1 hour`, `90 minutes`, `30 seconds` (whole hours, else whole minutes, else seconds). */
function spacingText(ms: number): string {
  if (ms % 3_600_000 === 0) return formatCounted(ms / 3_600_000, 'hour');
  if (ms % 60_000 === 0) return formatCounted(ms / 60_000, 'minute');
  return `${String(Number((ms / 1000).toPrecision(3)))} seconds`;
}

/**
 * What a load did that the data does not show (`MarketData.notes` of `@ensemble/data`: an ignored
 * `Adj Close` column, prices adjusted, rows sorted), for a summary. Of a file always; of an
 * embedded data set only when `--adjust` or `--sort` was asked for, since its description already
 * says which column it ignores. The advice is worded for where the option is given: a flag
 * (`run with --adjust`) or a run config (`set "adjust": true in data`).
 */
export function loadNotes(data: Pick<MarketData, 'notes'>, dataset: DatasetInfo | undefined, options: { readonly requested: boolean; readonly advice: 'flag' | 'config' }): string[] {
  if (dataset !== undefined && !options.requested) return [];
  const advice = options.advice === 'flag' ? 'run with --adjust' : 'set "adjust": true in data';
  return (data.notes ?? []).map((note) => note.replace('load with adjust: true', advice));
}

/**
 * Notes on a run's symbols that have no bar in the loaded range (a wide CSV's empty column, a
 * symbol that starts after `data.to`): the symbols the strategies trade, as `backtest` lists
 * them, and each strategy none of whose symbols has one, which never trades and takes no capital
 * (under fixed weights its weight stays in cash). Empty when every traded symbol has a bar.
 */
export function idleSymbolNotes(data: MarketData, strategies: readonly { readonly id: string; readonly symbols: readonly string[] }[]): string[] {
  const empty = new Set(data.series.filter((series) => series.length === 0).map((series) => series.symbol.toLowerCase()));
  if (empty.size === 0) return [];
  const traded = new Map<string, string>();
  for (const entry of strategies) for (const symbol of entry.symbols) if (empty.has(symbol.toLowerCase())) traded.set(symbol.toLowerCase(), symbol);
  if (traded.size === 0) return [];
  const notes = [`no bars in the range: ${[...traded.values()].map((symbol) => echoValue(symbol)).join(', ')}`];
  for (const entry of strategies) {
    if (entry.symbols.length === 0 || !entry.symbols.every((symbol) => empty.has(symbol.toLowerCase()))) continue;
    const symbols = entry.symbols.map((symbol) => echoValue(symbol)).join(', ');
    notes.push(`strategy ${quoteValue(entry.id)} has no bar of ${entry.symbols.length === 1 ? 'its symbol' : 'any of its symbols'} (${symbols}) in the run: it never trades and takes no capital`);
  }
  return notes;
}

/** Timeline steps after a symbol's last bar from which the run notes that its data ended (a holiday or two at the end are not). */
const ENDED_STEPS = 5;

/** A traded symbol whose data ends before the run's last bar: see {@link endedSymbols}. */
export interface EndedSymbol {
  readonly symbol: string;
  /** Epoch ms of its last bar. */
  readonly last: number;
  /** Timeline steps after it. */
  readonly after: number;
}

/**
 * The traded symbols whose data ends at least {@link ENDED_STEPS} timeline steps before the run's
 * last bar (a delisting, a download cut short), in the data's order, and that last bar.
 */
export function endedSymbols(data: MarketData, traded: readonly string[]): { readonly end: number; readonly ended: readonly EndedSymbol[] } {
  const times = new Set<number>();
  for (const series of data.series) for (const time of series.time) times.add(time);
  if (times.size === 0) return { end: Number.NaN, ended: [] };
  const timeline = Float64Array.from(times).sort();
  const end = timeline[timeline.length - 1] ?? 0;
  const wanted = new Set(traded);
  const ended: EndedSymbol[] = [];
  for (const series of data.series) {
    if (!wanted.has(series.symbol) || series.length === 0) continue;
    const last = series.time[series.length - 1] ?? end;
    // Steps after the last bar: the timeline's length less the index just past `last`.
    let low = 0;
    let high = timeline.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((timeline[middle] ?? 0) <= last) low = middle + 1;
      else high = middle;
    }
    const after = timeline.length - low;
    if (after >= ENDED_STEPS) ended.push({ symbol: series.symbol, last, after });
  }
  return { end, ended };
}

/**
 * A note on the traded symbols whose data ends at least {@link ENDED_STEPS} timeline steps before
 * the run's last bar (see {@link endedSymbols}), or null: a position in one is held at its
 * last close from then on — it cannot be sold without a bar — and rebalances leave its weight as it
 * is, while its sleeve's returns are 0 (a Sharpe ratio over them reads higher than the symbol
 * earned it). `format` writes a time.
 */
export function endedSymbolNote(data: MarketData, traded: readonly string[], format: (time: number) => string): string | null {
  const { end, ended: symbols } = endedSymbols(data, traded);
  const ended = symbols.map(({ symbol, last, after }) => `${echoValue(symbol)} (last bar ${format(last)}, ${String(after)} steps before the end)`);
  if (ended.length === 0) return null;
  return `data ending before the run's last bar (${format(end)}): ${ended.join(', ')}; a position in ${ended.length === 1 ? 'it' : 'one'} is held at its last close from then on, as after a delisting (it cannot be sold without a bar), and its returns are 0 there`;
}
