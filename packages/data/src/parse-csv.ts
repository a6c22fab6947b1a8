import { MAX_PRICE, MAX_VOLUME, echoValue, listValues, quoteValue, symbolProblem } from '@ensemble/protocol';
import { bytesEqual, decodeRange } from './bytes';
import { COMMA, CsvScanner, NEWLINE, RETURN, countDataLines } from './csv-scanner';
import { civilToMs, formatTime, parseDateAt } from './dates';
import { classifyBadNumber, describeBadNumber, describeBadValue, parseNumberAt, valueRule } from './numbers';
import type { ProblemCollector } from './problems';
import { SeriesBuilder } from './series-builder';
import type { DataFormat } from './types';

/** Header names accepted for the date column, in order of preference. */
export const DATE_COLUMNS: readonly string[] = ['date', 'time', 'timestamp', 'datetime'];
/** Header names accepted for the symbol column. */
export const SYMBOL_COLUMNS: readonly string[] = ['symbol', 'ticker'];
/** Header names accepted for the price of a long close-only file. */
export const PRICE_COLUMNS: readonly string[] = ['price', 'close'];
/** Header names of an adjusted close (Yahoo Finance's `Adj Close`), lower-cased. */
export const ADJ_CLOSE_COLUMNS: readonly string[] = ['adj close', 'adjclose', 'adj_close', 'adjusted close', 'adjusted_close'];

/** What every CSV parser needs: the UTF-8 bytes, where problems go and the name of an unnamed series. */
export interface CsvInput {
  readonly bytes: Uint8Array;
  /** Offset of the first byte after a byte-order mark. */
  readonly start: number;
  readonly problems: ProblemCollector;
  readonly defaultSymbol: string;
  /** Receives (bytes scanned, total bytes) now and then while rows are read. */
  readonly onProgress?: ((bytesDone: number, bytesTotal: number) => void) | undefined;
  /** Accept rows in any date order (builders are `unordered`, sorted afterwards). */
  readonly sort?: boolean | undefined;
  /** Scale open, high, low and close by adjusted close / close, row by row (OHLCV only). */
  readonly adjust?: boolean | undefined;
  /** What the parser did that the data does not show (columns ignored, prices adjusted). */
  readonly notes: string[];
}

/** The CSV layout a header suggests: OHLC columns → `ohlcv`; a symbol or price column → `long`; else `wide`. */
export function detectCsvFormat(names: readonly string[]): Exclude<DataFormat, 'json'> {
  const has = (name: string) => names.includes(name);
  if (has('open') || has('high') || has('low')) return 'ohlcv';
  if (SYMBOL_COLUMNS.some(has) || PRICE_COLUMNS.some(has)) return 'long';
  return 'wide';
}

/** Lower-cased, trimmed header names. */
export function headerNames(scanner: CsvScanner): string[] {
  return Array.from({ length: scanner.count }, (_, i) => scanner.field(i).trim().toLowerCase());
}

/** Index of the first of `candidates` in `names` (-1 if none); a candidate found twice is a problem. */
function findColumn(names: readonly string[], candidates: readonly string[], problems: ProblemCollector): number {
  for (const candidate of candidates) {
    const index = names.indexOf(candidate);
    if (index === -1) continue;
    if (names.includes(candidate, index + 1)) {
      problems.add('duplicate-column', `the header has two "${candidate}" columns; keep one`, { row: 1, field: candidate });
    }
    return index;
  }
  return -1;
}

function requireColumn(
  names: readonly string[],
  candidates: readonly string[],
  problems: ProblemCollector,
  format: string,
): number {
  const index = findColumn(names, candidates, problems);
  const [name = ''] = candidates;
  if (index === -1) {
    const alternatives = candidates.length > 1 ? ` (or ${candidates.slice(1).map((c) => `"${c}"`).join(', ')})` : '';
    problems.add(
      'missing-column',
      `the ${format} header needs a "${name}" column${alternatives}; it has: ${listValues(names, { quoted: true })}`,
      { row: 1, field: name },
    );
  }
  return index;
}

/** Reads typed values from the current row, reporting every problem with its line and column. */
class RowReader {
  private readonly scanner: CsvScanner;
  private readonly names: readonly string[];
  private readonly problems: ProblemCollector;

  constructor(scanner: CsvScanner, names: readonly string[], problems: ProblemCollector) {
    this.scanner = scanner;
    this.names = names;
    this.problems = problems;
  }

  /** True when the row has exactly as many fields as the header; reports short and long rows. */
  checkWidth(): boolean {
    const { count, line } = this.scanner;
    const width = this.names.length;
    if (count === width) return true;
    if (count < width) {
      this.problems.add('short-row', `the row has ${count} fields but the header has ${width}; ${quoteValue(this.names[count] ?? '')} and later columns are missing`, {
        row: line,
        field: this.names[count],
      });
    } else {
      this.problems.add('long-row', `the row has ${count} fields but the header has ${width}; remove the extra fields or add a header for them`, {
        row: line,
        field: `#${width + 1}`,
        value: this.scanner.field(width),
      });
    }
    return false;
  }

  isEmpty(column: number): boolean {
    return this.scanner.isEmpty(column);
  }

  /** A close-only cell that means "no bar": empty or `NA`. */
  isMissing(column: number): boolean {
    const { starts, ends, bytes } = this.scanner;
    const start = starts[column] ?? 0;
    const length = (ends[column] ?? 0) - start;
    return length === 0 || (length === 2 && bytes[start] === 78 && bytes[start + 1] === 65);
  }

  /** A price (finite, > 0, at most `MAX_PRICE`), or NaN after reporting why not. */
  price(column: number, label = this.names[column] ?? 'price'): number {
    return this.number(column, label, 'price');
  }

  /** A volume (finite, ≥ 0, at most `MAX_VOLUME`), or NaN after reporting why not. */
  volume(column: number): number {
    return this.number(column, 'volume', 'volume');
  }

  private number(column: number, label: string, kind: 'price' | 'volume'): number {
    const scanner = this.scanner;
    const value = parseNumberAt(scanner.bytes, scanner.starts[column] ?? 0, scanner.ends[column] ?? 0);
    let rule = valueRule(value, kind);
    if (rule === null) return value;
    const raw = scanner.field(column);
    const where = { row: scanner.line, field: this.names[column], value: raw };
    if (!Number.isNaN(value)) {
      this.problems.add(rule, describeBadValue(rule, raw, label, kind), where);
    } else {
      rule = classifyBadNumber(raw);
      this.problems.add(rule, describeBadNumber(rule, raw, label), where);
    }
    return Number.NaN;
  }

  /** A date as epoch ms, or NaN after reporting why not. */
  date(column: number): number {
    const scanner = this.scanner;
    const time = parseDateAt(scanner.bytes, scanner.starts[column] ?? 0, scanner.ends[column] ?? 0);
    if (!Number.isNaN(time)) return time;
    const raw = scanner.field(column);
    const field = this.names[column];
    if (raw.trim() === '') {
      this.problems.add('missing-value', 'the date is empty; every row needs a date', { row: scanner.line, field });
    } else {
      this.problems.add(
        'bad-date',
        `${quoteValue(raw)} is not a date; use YYYY-MM-DD, an ISO date-time, "Jan 1 2000" or epoch seconds/milliseconds`,
        { row: scanner.line, field, value: raw },
      );
    }
    return Number.NaN;
  }

  /**
   * True when `time` comes after the builder's last bar; reports duplicates and unsorted dates.
   * `symbol` names the series when dates are checked per symbol.
   */
  inOrder(builder: SeriesBuilder, time: number, column: number, symbol: string | undefined): boolean {
    if (time > builder.lastTime) return true;
    const line = this.scanner.line;
    const field = this.names[column];
    const value = this.scanner.field(column);
    const of = symbol === undefined ? '' : ` for ${echoValue(symbol)}`;
    if (time === builder.lastTime) {
      this.problems.add('duplicate-date', `line ${builder.lastRow} already has ${formatTime(time)}${of}; remove one of the two rows`, {
        row: line,
        field,
        value,
      });
    } else {
      this.problems.add(
        'unsorted-dates',
        `${formatTime(time)} comes before ${formatTime(builder.lastTime)} on line ${builder.lastRow}${of}; sort the rows by date`,
        { row: line, field, value },
      );
    }
    return false;
  }

  /** Checks high ≥ low and open, close within [low, high]; reports each broken rule. */
  ohlcConsistent(open: number, high: number, low: number, close: number, columns: OhlcvColumns): boolean {
    const row = this.scanner.line;
    if (high < low) {
      this.problems.add('high-below-low', `high ${high} is below low ${low}`, { row, field: this.names[columns.high] });
      return false;
    }
    let ok = true;
    if (open < low || open > high) {
      this.problems.add('open-outside-range', `open ${open} is outside [low ${low}, high ${high}]`, { row, field: this.names[columns.open] });
      ok = false;
    }
    if (close < low || close > high) {
      this.problems.add('close-outside-range', `close ${close} is outside [low ${low}, high ${high}]`, { row, field: this.names[columns.close] });
      ok = false;
    }
    return ok;
  }
}

interface OhlcvColumns {
  readonly symbol: number;
  readonly date: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * Per-symbol builders: keeps the current one while consecutive rows repeat a symbol (compared in
 * place, no allocation), and creates builders in order of first appearance. A new symbol that is
 * not usable (see `symbolProblem`: too long, control characters) is reported at its first line.
 */
class SymbolTable {
  readonly builders: SeriesBuilder[] = [];
  private readonly bySymbol = new Map<string, SeriesBuilder>();
  private current: SeriesBuilder | undefined;
  private readonly capacity: number;
  private readonly problems: ProblemCollector;
  private readonly field: string | undefined;
  private readonly unordered: boolean;

  constructor(capacity: number, problems: ProblemCollector, field: string | undefined, unordered = false) {
    this.capacity = capacity;
    this.problems = problems;
    this.field = field;
    this.unordered = unordered;
  }

  /** The builder of the symbol in `bytes[start, end)`, read on line `row`. */
  get(bytes: Uint8Array, start: number, end: number, row: number): SeriesBuilder {
    const current = this.current;
    if (current !== undefined && bytesEqual(bytes, start, end, current.symbolBytes)) return current;
    return this.named(decodeRange(bytes, start, end), row);
  }

  /** The builder of `symbol`, created on first use (line `row`). */
  named(symbol: string, row: number): SeriesBuilder {
    let builder = this.bySymbol.get(symbol);
    if (builder === undefined) {
      const problem = symbolProblem(symbol);
      if (problem !== null) this.problems.add('bad-symbol', `the symbol ${quoteValue(symbol)} ${problem}`, { row, field: this.field, value: symbol });
      builder = new SeriesBuilder(symbol, this.capacity, this.unordered);
      this.bySymbol.set(symbol, builder);
      this.builders.push(builder);
    }
    this.current = builder;
    return builder;
  }
}

/**
 * Notes the header columns a layout does not read (`used` holds the read ones, -1 for absent), so
 * that a loader never drops data silently; an unread adjusted close (`adjClose`) says how to use it.
 */
function noteIgnored(input: CsvInput, display: readonly string[], used: readonly number[], adjClose: number): void {
  display.forEach((name, column) => {
    if (used.includes(column)) return;
    input.notes.push(
      column === adjClose
        ? `column ${quoteValue(name)} ignored: prices are as traded, not adjusted for splits and dividends; load with adjust: true to scale open, high, low and close by ${quoteValue(name)} / close`
        : `column ${quoteValue(name === '' ? `#${column + 1}` : name)} ignored: it is not one of the columns this layout reads`,
    );
  });
}

function missingSymbol(reader: RowReader, scanner: CsvScanner, problems: ProblemCollector, column: number, names: readonly string[]): boolean {
  if (!reader.isEmpty(column)) return false;
  problems.add('missing-value', 'the symbol is empty; every row needs a symbol', { row: scanner.line, field: names[column] });
  return true;
}

const ROLE_IGNORE = 0;
const ROLE_DATE = 1;
const ROLE_OPEN = 2;
const ROLE_HIGH = 3;
const ROLE_LOW = 4;
const ROLE_CLOSE = 5;
const ROLE_VOLUME = 6;
const ROLE_SYMBOL = 7;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The single-pass path for plain OHLCV rows (unquoted fields, `YYYY-MM-DD` dates, plain decimal
 * numbers, valid values, dates in order): each byte is read once and the bar appended. Anything
 * else — quotes, other date forms, exponents, blanks, a rule broken — returns false with the
 * scanner untouched, and the row takes the general path, which reports problems precisely.
 */
class OhlcvFastPath {
  private readonly scanner: CsvScanner;
  private readonly roles: Int8Array;
  private readonly single: SeriesBuilder | undefined;
  private readonly table: SymbolTable;
  private readonly values = new Float64Array(8);

  constructor(scanner: CsvScanner, columns: OhlcvColumns, width: number, single: SeriesBuilder | undefined, table: SymbolTable) {
    this.scanner = scanner;
    this.single = single;
    this.table = table;
    const roles = new Int8Array(width).fill(ROLE_IGNORE);
    roles[columns.date] = ROLE_DATE;
    roles[columns.open] = ROLE_OPEN;
    roles[columns.high] = ROLE_HIGH;
    roles[columns.low] = ROLE_LOW;
    roles[columns.close] = ROLE_CLOSE;
    if (columns.volume !== -1) roles[columns.volume] = ROLE_VOLUME;
    if (columns.symbol !== -1) roles[columns.symbol] = ROLE_SYMBOL;
    this.roles = roles;
  }

  /** Reads and appends the row at the scanner's position; false when it needs the general path. */
  tryRow(): boolean {
    const scanner = this.scanner;
    const bytes = scanner.bytes;
    const length = bytes.length;
    const roles = this.roles;
    const values = this.values;
    const width = roles.length;
    let p = scanner.position;
    let builder = this.single;
    values[ROLE_VOLUME] = 0;
    for (let column = 0; column < width; column++) {
      const role = roles[column] ?? ROLE_IGNORE;
      if (role === ROLE_DATE) {
        if (p + 10 > length || bytes[p + 4] !== 45 || bytes[p + 7] !== 45) return false;
        let year = 0;
        let month = 0;
        let day = 0;
        for (let i = 0; i < 10; i++) {
          if (i === 4 || i === 7) continue;
          const digit = (bytes[p + i] ?? 0) - 48;
          if (!(digit >= 0 && digit <= 9)) return false;
          if (i < 4) year = year * 10 + digit;
          else if (i < 7) month = month * 10 + digit;
          else day = day * 10 + digit;
        }
        const time = civilToMs(year, month, day);
        if (Number.isNaN(time)) return false;
        values[ROLE_DATE] = time;
        p += 10;
      } else if (role === ROLE_IGNORE || role === ROLE_SYMBOL) {
        const start = p;
        let c = 0;
        while (p < length && (c = bytes[p] ?? 0) !== COMMA && c !== NEWLINE && c !== RETURN) {
          if (c === 34) return false;
          p++;
        }
        if (role === ROLE_SYMBOL) {
          if (p === start || bytes[start] === 32 || bytes[p - 1] === 32) return false;
          builder = this.table.get(bytes, start, p, scanner.nextLine);
        }
      } else {
        let c = bytes[p] ?? 0;
        const negative = c === 45;
        if (negative) p++;
        let mantissa = 0;
        let significant = 0;
        let fraction = 0;
        let seenDot = false;
        let anyDigit = false;
        for (; p < length; p++) {
          c = bytes[p] ?? 0;
          const digit = c - 48;
          if (digit >= 0 && digit <= 9) {
            mantissa = mantissa * 10 + digit;
            if (mantissa !== 0) significant++;
            if (seenDot) fraction++;
            anyDigit = true;
          } else if (c === 46 && !seenDot) {
            seenDot = true;
          } else {
            break;
          }
        }
        if (!anyDigit || significant > 15 || fraction > 22) return false;
        const value = fraction === 0 ? mantissa : mantissa / (POW10[fraction] ?? 1);
        values[role] = negative ? -value : value;
      }
      if (column < width - 1) {
        if (bytes[p] !== COMMA) return false;
        p++;
      } else {
        if (bytes[p] === RETURN) p++;
        if (p < length) {
          if (bytes[p] !== NEWLINE) return false;
          p++;
        }
      }
    }
    if (builder === undefined) return false;
    const time = values[ROLE_DATE] ?? 0;
    const open = values[ROLE_OPEN] ?? 0;
    const high = values[ROLE_HIGH] ?? 0;
    const low = values[ROLE_LOW] ?? 0;
    const close = values[ROLE_CLOSE] ?? 0;
    const volume = values[ROLE_VOLUME];
    if (!(low > 0 && high >= low && high <= MAX_PRICE && open >= low && open <= high && close >= low && close <= high && volume >= 0 && volume <= MAX_VOLUME)) {
      return false;
    }
    if (!(time > builder.lastTime)) return false;
    const line = scanner.nextLine;
    builder.push(time, open, high, low, close, volume, line);
    scanner.position = p;
    scanner.nextLine = line + 1;
    return true;
  }
}

function parseOhlcvRows(input: CsvInput, scanner: CsvScanner, names: readonly string[], display: readonly string[]): SeriesBuilder[] {
  const { problems } = input;
  const symbol = findColumn(names, SYMBOL_COLUMNS, problems);
  const date = requireColumn(names, DATE_COLUMNS, problems, 'OHLCV');
  const open = requireColumn(names, ['open'], problems, 'OHLCV');
  const high = requireColumn(names, ['high'], problems, 'OHLCV');
  const low = requireColumn(names, ['low'], problems, 'OHLCV');
  const close = requireColumn(names, ['close'], problems, 'OHLCV');
  const volume = findColumn(names, ['volume'], problems);
  const adjClose = findColumn(names, ADJ_CLOSE_COLUMNS, problems);
  const adjust = input.adjust === true;
  if (adjust && adjClose === -1) {
    problems.add('missing-column', `adjust needs an adjusted close column ("Adj Close", "adjclose" or "adj_close"); the header has: ${listValues(display, { quoted: true })}`, {
      row: 1,
      field: 'adj close',
    });
  }
  if (problems.count > 0) return [];
  noteIgnored(input, display, [symbol, date, open, high, low, close, volume, adjust ? adjClose : -1], adjust ? -1 : adjClose);
  if (adjust) input.notes.push(`open, high, low and close scaled by ${quoteValue(display[adjClose] ?? '')} / close, row by row (volume unchanged)`);
  const columns: OhlcvColumns = { symbol, date, open, high, low, close, volume };
  const reader = new RowReader(scanner, display, problems);
  const rows = countDataLines(input.bytes, input.start);
  const unordered = input.sort === true;
  const table = new SymbolTable(symbol === -1 ? rows : 256, problems, display[symbol], unordered);
  const single = symbol === -1 ? new SeriesBuilder(input.defaultSymbol, rows, unordered) : undefined;
  // The fast path reads no adjusted close: an adjusting load takes the general path for every row.
  const fast = adjust ? undefined : new OhlcvFastPath(scanner, columns, names.length, single, table);
  for (;;) {
    if (fast?.tryRow() === true) {
      scanner.countRow();
      continue;
    }
    if (!scanner.nextRow()) break;
    if (!reader.checkWidth()) {
      if (problems.full) break;
      continue;
    }
    let builder = single;
    if (builder === undefined) {
      if (missingSymbol(reader, scanner, problems, symbol, display)) {
        if (problems.full) break;
        continue;
      }
      builder = table.named(scanner.field(symbol), scanner.line);
    }
    const time = reader.date(date);
    const o = reader.price(open);
    const h = reader.price(high);
    const l = reader.price(low);
    const c = reader.price(close);
    const v = volume === -1 ? 0 : reader.volume(volume);
    const a = adjust ? reader.price(adjClose) : c;
    if (Number.isNaN(time + o + h + l + c + v + a) || !reader.ohlcConsistent(o, h, l, c, columns)) {
      if (problems.full) break;
      continue;
    }
    if (!reader.inOrder(builder, time, date, single === undefined ? builder.symbol : undefined)) {
      if (problems.full) break;
      continue;
    }
    // Scaling all four prices by one positive factor keeps low <= open, close <= high.
    const factor = adjust ? a / c : 1;
    builder.push(time, o * factor, h * factor, l * factor, c * factor, v, scanner.line);
  }
  return single === undefined ? table.builders : [single];
}

function parseLongRows(input: CsvInput, scanner: CsvScanner, names: readonly string[], display: readonly string[]): SeriesBuilder[] {
  const { problems } = input;
  const symbol = findColumn(names, SYMBOL_COLUMNS, problems);
  const date = requireColumn(names, DATE_COLUMNS, problems, 'long close-only');
  const price = requireColumn(names, PRICE_COLUMNS, problems, 'long close-only');
  if (problems.count > 0) return [];
  noteIgnored(input, display, [symbol, date, price], findColumn(names, ADJ_CLOSE_COLUMNS, problems));
  const reader = new RowReader(scanner, display, problems);
  const rows = countDataLines(input.bytes, input.start);
  const unordered = input.sort === true;
  const table = new SymbolTable(symbol === -1 ? rows : 256, problems, display[symbol], unordered);
  const single = symbol === -1 ? new SeriesBuilder(input.defaultSymbol, rows, unordered) : undefined;
  while (scanner.nextRow()) {
    if (!reader.checkWidth()) {
      if (problems.full) break;
      continue;
    }
    let builder = single;
    if (builder === undefined) {
      if (missingSymbol(reader, scanner, problems, symbol, display)) {
        if (problems.full) break;
        continue;
      }
      builder = table.named(scanner.field(symbol), scanner.line);
    }
    const time = reader.date(date);
    if (reader.isMissing(price)) continue;
    const value = reader.price(price);
    if (Number.isNaN(time + value) || !reader.inOrder(builder, time, date, single === undefined ? builder.symbol : undefined)) {
      if (problems.full) break;
      continue;
    }
    builder.push(time, value, value, value, value, 0, scanner.line);
  }
  return single === undefined ? table.builders : [single];
}

function parseWideRows(input: CsvInput, scanner: CsvScanner, names: readonly string[]): SeriesBuilder[] {
  const { problems } = input;
  let date = findColumn(names, DATE_COLUMNS, problems);
  if (date === -1 && names[0] === '') date = 0;
  if (date === -1) {
    problems.add('missing-column', `the wide header needs a "date" column followed by one column per symbol; it has: ${listValues(names, { quoted: true })}`, {
      row: 1,
      field: 'date',
    });
    return [];
  }
  const rows = countDataLines(input.bytes, input.start);
  const symbolColumns: number[] = [];
  const builders: SeriesBuilder[] = [];
  const seen = new Map<string, number>();
  for (let column = 0; column < scanner.count; column++) {
    if (column === date) continue;
    const symbol = scanner.field(column).trim();
    if (symbol === '') {
      problems.add('missing-column', `column ${column + 1} has no name; every column after the date names a symbol`, {
        row: 1,
        field: `#${column + 1}`,
      });
      continue;
    }
    const earlier = seen.get(symbol);
    if (earlier !== undefined) {
      problems.add('duplicate-column', `symbol ${quoteValue(symbol)} has two columns (${earlier + 1} and ${column + 1}); keep one`, {
        row: 1,
        field: symbol,
      });
      continue;
    }
    const problem = symbolProblem(symbol);
    if (problem !== null) {
      problems.add('bad-symbol', `the symbol ${quoteValue(symbol)} ${problem}`, { row: 1, field: `#${column + 1}`, value: symbol });
      continue;
    }
    seen.set(symbol, column);
    symbolColumns.push(column);
    builders.push(new SeriesBuilder(symbol, rows, input.sort === true));
  }
  if (symbolColumns.length === 0 && problems.count === 0) {
    problems.add('missing-column', 'the wide header has a date column but no symbol columns', { row: 1, field: names[date] });
  }
  if (problems.count > 0) return [];
  const header = scanner.count;
  const displayNames = Array.from({ length: header }, (_, i) => (i === date ? (names[i] ?? 'date') : scanner.field(i).trim()));
  const reader = new RowReader(scanner, displayNames, problems);
  const dates = new SeriesBuilder('date', 0, input.sort === true);
  while (scanner.nextRow()) {
    if (!reader.checkWidth()) {
      if (problems.full) break;
      continue;
    }
    const time = reader.date(date);
    const ordered = !Number.isNaN(time) && reader.inOrder(dates, time, date, undefined);
    if (ordered) dates.markRow(time, scanner.line);
    for (let k = 0; k < symbolColumns.length; k++) {
      const column = symbolColumns[k] ?? 0;
      if (reader.isMissing(column)) continue;
      const value = reader.price(column, `the price of ${displayNames[column] ?? ''}`);
      if (ordered && !Number.isNaN(value)) builders[k]?.push(time, value, value, value, value, 0, scanner.line);
    }
    if (problems.full) break;
  }
  return builders;
}

/** Parses CSV bytes in the given layout (or the one its header suggests) into per-symbol builders. */
export function parseCsvRows(input: CsvInput, format: Exclude<DataFormat, 'json'> | undefined): { format: Exclude<DataFormat, 'json'>; builders: SeriesBuilder[] } {
  const scanner = new CsvScanner(input.bytes, input.start, input.onProgress);
  if (!scanner.nextRow()) {
    input.problems.add('empty-file', 'the file is empty; expected a header line and data rows');
    return { format: format ?? 'ohlcv', builders: [] };
  }
  const names = headerNames(scanner);
  const display = Array.from({ length: scanner.count }, (_, i) => scanner.field(i).trim());
  const resolved = format ?? detectCsvFormat(names);
  if (input.adjust === true && resolved !== 'ohlcv') {
    input.problems.add('missing-column', `adjust applies to OHLCV files with an adjusted close column; this is a ${resolved} close-only file`, { row: 1 });
    return { format: resolved, builders: [] };
  }
  switch (resolved) {
    case 'ohlcv':
      return { format: resolved, builders: parseOhlcvRows(input, scanner, names, display) };
    case 'long':
      return { format: resolved, builders: parseLongRows(input, scanner, names, display) };
    case 'wide':
      return { format: resolved, builders: parseWideRows(input, scanner, names) };
  }
}
