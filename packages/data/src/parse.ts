import { ConfigError, DateFormatSchema, DecimalMarkSchema, checkArguments, createTimeline, echoValue, findJsonSyntaxProblem, markSeriesChecked, noopLogger, nullAsAbsent, optionsIssue, quoteValue, symbolProblem } from '@ensemble/protocol';
import { textOrBytesIssue } from './arguments';
import { selectMarketData } from './market-data';
import { parseCsvRows } from './parse-csv';
import { parseJsonBars } from './parse-json';
import { decodeAll, encodeText, lineOfOffset } from './bytes';
import { DEFAULT_MAX_PROBLEMS, ProblemCollector } from './problems';
import type { SeriesBuilder } from './series-builder';
import { formatTime, onlyLocalMidnights, readingCalendarDays, resetZoneTally } from './dates';
import { dateReaderOf } from './date-patterns';
import type { DateReader } from './date-patterns';
import type { DataFormat, DateReading, MarketData, ParseOptions } from './types';

const FORMATS: readonly DataFormat[] = ['ohlcv', 'long', 'wide', 'json'];

/**
 * The symbol of an unnamed single series: the file name without directory and extension, or `DATA`
 * when there is none or it is no usable symbol (over 64 characters, control characters).
 */
export function defaultSymbolFor(file: string | undefined): string {
  return fileSymbol(file) ?? 'DATA';
}

/** The symbol a file's name gives its one unnamed series (without directory and extension), or null when it makes none (see {@link defaultSymbolFor}). */
export function fileSymbol(file: string | undefined): string | null {
  if (file === undefined) return null;
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf('.');
  const name = dot > 0 ? base.slice(0, dot) : base;
  return symbolProblem(name) === null ? name : null;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const NOT_UTF8 = 'the file is not valid UTF-8 text (binary data or another encoding); save it as UTF-8 CSV or JSON';
const HAS_NUL = 'the file contains NUL bytes: it is binary (compressed? a spreadsheet?), not CSV or JSON text';

/** Reports NUL characters or U+FFFD (what invalid UTF-8 decodes to) in text as `binary-content`. */
function checkText(text: string, problems: ProblemCollector): boolean {
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    problems.add('binary-content', HAS_NUL, { row: lineAt(text, nul) });
    return false;
  }
  const replacement = text.indexOf('\uFFFD');
  if (replacement !== -1) {
    problems.add('binary-content', NOT_UTF8, { row: lineAt(text, replacement) });
    return false;
  }
  return true;
}

const UTF16 = 'the file is UTF-16 text (it starts with a UTF-16 byte-order mark), not UTF-8; save it as UTF-8 CSV or JSON';
const UTF32 = 'the file is UTF-32 text (it starts with a UTF-32 byte-order mark), not UTF-8; save it as UTF-8 CSV or JSON';

/**
 * The byte order of UTF-16 text without a byte-order mark, from its first bytes (up to 256), or
 * null: ASCII written in UTF-16 has a zero byte beside every character — after it (little-endian)
 * or before it (big-endian) — and binary data does not hold zeros in one column alone.
 */
function utf16Without(bytes: Uint8Array): 'little-endian' | 'big-endian' | null {
  const length = Math.min(bytes.length, 256) & ~1;
  if (length < 8) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < length; i += 2) {
    const even = bytes[i] ?? 0;
    const odd = bytes[i + 1] ?? 0;
    if (even === 0) evenZeros++;
    else if (even < 9 || even > 126) return null;
    if (odd === 0) oddZeros++;
    else if (odd < 9 || odd > 126) return null;
  }
  const pairs = length / 2;
  if (oddZeros === pairs && evenZeros === 0) return 'little-endian';
  if (evenZeros === pairs && oddZeros === 0) return 'big-endian';
  return null;
}

/**
 * Reports UTF-16 text (its byte-order mark), NUL bytes or invalid UTF-8 as `binary-content`;
 * `utf8Valid` skips the UTF-8 check when already known.
 */
function checkBytes(bytes: Uint8Array, problems: ProblemCollector, utf8Valid: boolean | undefined): boolean {
  // UTF-32's little-endian mark starts with UTF-16's: looked for first.
  const utf32 = (bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff);
  if (utf32) {
    problems.add('binary-content', UTF32, { row: 1 });
    return false;
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    problems.add('binary-content', UTF16, { row: 1 });
    return false;
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const order = utf16Without(bytes);
    if (order !== null) problems.add('binary-content', `the file is UTF-16 text (${order}, without a byte-order mark), not UTF-8; save it as UTF-8 CSV or JSON`, { row: 1 });
    else problems.add('binary-content', HAS_NUL, { row: lineOfOffset(bytes, nul) });
    return false;
  }
  let valid = utf8Valid;
  if (valid === undefined) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      valid = true;
    } catch {
      valid = false;
    }
  }
  if (valid) return true;
  const text = decodeAll(bytes);
  problems.add('binary-content', NOT_UTF8, { row: lineAt(text, Math.max(0, text.indexOf('\uFFFD'))) });
  return false;
}

/**
 * Text whose lines end in a carriage return alone (classic Mac OS, some spreadsheet exports) with
 * each CR turned into LF — one line each, so line numbers stay right; any other text as it is (a
 * file with a single LF keeps its bytes: CRLF is read as it stands).
 */
function withLineFeeds(bytes: Uint8Array): Uint8Array {
  if (bytes.includes(10) || !bytes.includes(13)) return bytes;
  const copy = bytes.slice();
  for (let i = copy.indexOf(13); i !== -1; i = copy.indexOf(13, i + 1)) copy[i] = 10;
  return copy;
}

function firstByte(bytes: Uint8Array, start: number): number {
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i] ?? 0;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c;
  }
  return -1;
}

/** Checks the options every load takes (a problem limit, a layout, a date format, a decimal mark, a symbol) and returns the problem limit; a `ConfigError` names the bad one. */
export function checkParseOptions(options: ParseOptions): number {
  const maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  if (!Number.isInteger(maxProblems) || maxProblems < 1) {
    throw new ConfigError([{ path: 'maxProblems', message: `must be a positive integer, got ${maxProblems}` }]);
  }
  if (options.format !== undefined && !FORMATS.includes(options.format)) {
    throw new ConfigError([{ path: 'format', message: `must be one of ${FORMATS.join(', ')}, got ${quoteValue(options.format)}` }]);
  }
  const dateFormat = options.dateFormat === undefined ? undefined : DateFormatSchema.safeParse(options.dateFormat);
  if (dateFormat?.success === false) throw new ConfigError([{ path: 'dateFormat', message: dateFormat.error.issues[0]?.message ?? 'unknown date format' }]);
  const decimal = options.decimal === undefined ? undefined : DecimalMarkSchema.safeParse(options.decimal);
  if (decimal?.success === false) throw new ConfigError([{ path: 'decimal', message: decimal.error.issues[0]?.message ?? 'unknown decimal mark' }]);
  const symbolIssue = options.symbol === undefined ? null : symbolProblem(options.symbol);
  if (symbolIssue !== null) throw new ConfigError([{ path: 'symbol', message: `the symbol ${quoteValue(options.symbol ?? '')} ${symbolIssue}` }]);
  return maxProblems;
}

interface Parsed {
  readonly format: DataFormat;
  readonly builders: SeriesBuilder[];
  readonly notes: string[];
  readonly dates: DateReading;
  /** What a duplicate date found by sorting advises instead of removing a row, when not empty (see `unreadTimeColumnHint`). */
  readonly duplicateHint?: string | undefined;
}

/** Parses readable bytes as JSON or CSV (detected or as `options.format`) into per-symbol builders. */
function parseBuilders(bytes: Uint8Array, start: number, options: ParseOptions, problems: ProblemCollector, defaultSymbol: string, sort: boolean): Parsed {
  const notes: string[] = [];
  const dates = dateReaderOf(options.dateFormat);
  const first = firstByte(bytes, start);
  if (first === -1) {
    problems.add('empty-file', 'the file is empty; expected a CSV header and rows, or JSON bars');
    return { format: options.format ?? 'ohlcv', builders: [], notes, dates: dates.reading() };
  }
  // A format given that the file's first character contradicts: said as such, not as the
  // header or JSON problems that reading it so would give.
  const looksJson = first === 91 || first === 123;
  if (options.format !== undefined && options.format !== 'json' && looksJson) {
    problems.add('unknown-format', `the file starts with ${first === 91 ? '"["' : '"{"'}, as JSON does, but the format given is ${options.format} (CSV): leave the format out to detect it, or give json`, { row: 1 });
    return { format: options.format, builders: [], notes, dates: dates.reading() };
  }
  // (Valid JSON of another kind, a lone string or number, gets the JSON reader's own message.)
  if (options.format === 'json' && !looksJson && findJsonSyntaxProblem(decodeAll(bytes.subarray(start))) !== null) {
    problems.add('unknown-format', `the format given is json, but the file starts with ${first < 128 ? quoteValue(String.fromCharCode(first)) : 'a character beyond ASCII'}, not "[" or "{" as JSON does: leave the format out to detect it, or give ohlcv, long or wide for CSV`, { row: 1 });
    return { format: 'json', builders: [], notes, dates: dates.reading() };
  }
  if (options.format === 'json' || (options.format === undefined && looksJson)) {
    if (options.adjust === true) {
      problems.add('missing-column', 'adjust applies to OHLCV CSV files with an adjusted close column (Yahoo Finance\'s "Adj Close"), not to JSON');
      return { format: 'json', builders: [], notes, dates: dates.reading() };
    }
    const builders = parseJsonBars(decodeAll(bytes.subarray(start)), problems, defaultSymbol, sort, dates, notes);
    addColumnProblem(dates, problems);
    return { format: 'json', builders, notes, dates: dates.reading() };
  }
  const input = { bytes, start, problems, defaultSymbol, onProgress: options.onProgress, sort, adjust: options.adjust, dates, notes, decimal: options.decimal ?? 'auto' };
  const { format, builders, duplicateHint } = parseCsvRows(input, options.format);
  addColumnProblem(dates, problems);
  return { format, builders, notes, dates: dates.reading(), duplicateHint };
}

/** The date column's one problem (its day-month dates under `auto`), before the rows' own. */
function addColumnProblem(dates: DateReader, problems: ProblemCollector): void {
  const column = dates.columnProblem(problems.full);
  if (column !== null) problems.addFirst('bad-date', column.message, { row: column.row, field: column.field, value: column.value });
}

/** Puts unordered builders in date order and reports every date two rows of one symbol share. */
function sortBuilders(builders: readonly SeriesBuilder[], problems: ProblemCollector, format: DataFormat, hint = ''): void {
  const unit = format === 'json' ? 'elements' : 'lines';
  for (const builder of builders) {
    for (const duplicate of builder.sortByTime().duplicates) {
      problems.add(
        'duplicate-date',
        `${formatTime(duplicate.time)} appears twice for ${echoValue(builder.symbol)} (${unit} ${duplicate.firstRow} and ${duplicate.secondRow})${hint === '' ? '; remove one of the two' : hint}`,
        { row: duplicate.secondRow, field: 'date' },
      );
    }
  }
}

/**
 * When data that failed with more than one `unsorted-dates` problem is entirely newest first
 * (every symbol's valid rows in strictly descending date order), one problem that says so, then
 * the rows' other problems (a bad value, say), in a collector; otherwise null (the precise per-row
 * problems stand). Parses the bytes a second time, unordered: only a load that fails pays for it.
 * With more other problems than `maxProblems` the order of the rows it did not read is unknown:
 * null.
 */
function newestFirst(bytes: Uint8Array, start: number, options: ParseOptions, defaultSymbol: string, maxProblems: number): ProblemCollector | null {
  const again = new ProblemCollector(options.file, maxProblems);
  const { format, builders } = parseBuilders(bytes, start, { ...options, onProgress: undefined }, again, defaultSymbol, true);
  if (again.full || builders.length === 0) return null;
  let rows = 0;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const builder of builders) {
    const { descending, duplicates } = builder.sortByTime();
    if (builder.length > 1 && !descending) return null;
    if (duplicates.length > 0) return null;
    const series = builder.finish();
    rows += series.length;
    from = Math.min(from, series.time[0] ?? from);
    to = Math.max(to, series.time[series.length - 1] ?? to);
  }
  // One more than the limit: the newest-first problem comes on top of at most `maxProblems` others.
  const found = new ProblemCollector(options.file, maxProblems + 1);
  const dates = again.count === 0 ? `all ${rows.toLocaleString('en-US')} dates` : `the dates of all ${rows.toLocaleString('en-US')} valid rows`;
  found.add(
    'unsorted-dates',
    `the rows are newest first: ${dates} descend from ${formatTime(to)} to ${formatTime(from)}${builders.length > 1 ? ' within every symbol' : ''}. Reverse the file (oldest first), or load it with sort: true (--sort on the command line) to sort the rows by date`,
    format === 'json' ? { field: 'date' } : { row: 3, field: 'date' },
  );
  found.problems.push(...again.problems);
  return found;
}

/**
 * Parses and validates market data from text or UTF-8 bytes: CSV in the `ohlcv`, `long` or `wide`
 * layout, or JSON bars; the layout comes from `options.format` or is detected from the header.
 * Runs in browsers. Throws a `DataValidationError` listing every problem (up to `maxProblems`)
 * with its file, 1-based line (the header is line 1), column and rule.
 */
export function parseMarketData(input: string | Uint8Array, options: ParseOptions = {}): MarketData {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('parseMarketData', [textOrBytesIssue(input, 'input'), optionsIssue(options)]);
  return parseInput(input, nullAsAbsent(options, {}), undefined);
}

/**
 * {@link parseMarketData} for callers that already know whether the bytes are valid UTF-8
 * (`utf8Valid`, e.g. from Node's fast `buffer.isUtf8`), sparing a decoding pass.
 */
export function parseInput(input: string | Uint8Array, options: ParseOptions, utf8Valid: boolean | undefined): MarketData {
  const started = Date.now();
  const maxProblems = checkParseOptions(options);
  const file = options.file;
  let problems = new ProblemCollector(file, maxProblems);
  const defaultSymbol = options.symbol ?? defaultSymbolFor(file);
  let bytes: Uint8Array;
  let readable: boolean;
  if (typeof input === 'string') {
    readable = checkText(input, problems);
    bytes = readable ? encodeText(input) : new Uint8Array(0);
  } else {
    bytes = input;
    readable = checkBytes(bytes, problems, utf8Valid);
  }
  if (readable) bytes = withLineFeeds(bytes);
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const sort = options.sort === true;
  let parsed: Parsed = { format: options.format ?? 'ohlcv', builders: [], notes: [], dates: dateReaderOf(options.dateFormat).reading() };
  resetZoneTally();
  if (readable) parsed = parseBuilders(bytes, start, options, problems, defaultSymbol, sort);
  const calendar = readable && onlyLocalMidnights();
  if (calendar) {
    // Every date-time is 00:00 of its day with an offset (`2021-04-01 00:00:00+02:00`, a daily
    // index in an exchange's time zone, as pandas and yfinance write it): each names a trading
    // day, which read as an instant fell on the day before (2021-03-31T22:00Z) east of Greenwich —
    // a month's first bar in the month before, `from: 2021-04-01` leaving it out. Read again as
    // the days they name.
    problems = new ProblemCollector(file, maxProblems);
    parsed = readingCalendarDays(() => parseBuilders(bytes, start, { ...options, onProgress: undefined }, problems, defaultSymbol, sort));
    parsed.notes.push('dates read as the days they name: every one is midnight with a UTC offset (2021-04-01 00:00:00+02:00 is the bar of 2021-04-01, not of 2021-03-31 22:00 UTC)');
  }
  const { format, builders } = parsed;
  if (problems.count === 0 && builders.every((builder) => builder.length === 0)) {
    problems.add('no-data', 'the file has no bars: a header but no data rows, or only missing values');
  }
  options.onProgress?.(bytes.length, bytes.length);
  if (sort) sortBuilders(builders, problems, format, parsed.duplicateHint);
  else if (problems.problems.filter((problem) => problem.rule === 'unsorted-dates').length > 1) {
    const again = () => newestFirst(bytes, start, options, defaultSymbol, maxProblems);
    (calendar ? readingCalendarDays(again) : again())?.throwIfAny();
  }
  problems.throwIfAny();
  // Every value was checked as it was read: the engine need not read the columns again.
  const series = builders.map((builder) => markSeriesChecked(builder.finish()));
  const data: MarketData = {
    source: file ?? 'input',
    format,
    series,
    timeline: createTimeline(series),
    ...(parsed.notes.length === 0 ? {} : { notes: parsed.notes }),
    dates: parsed.dates,
  };
  const selected = selectMarketData(data, options);
  (options.logger ?? noopLogger).info(
    {
      source: selected.source,
      format,
      symbols: selected.series.length,
      bars: selected.series.reduce((total, s) => total + s.length, 0),
      ms: Date.now() - started,
    },
    'market data loaded',
  );
  return selected;
}
