import { MAX_PRICE, MIN_PRICE, listValues, quoteValue, symbolProblem } from '@ensemble/protocol';
import type { DecimalMarkSetting } from '@ensemble/protocol';
import { ADJ_CLOSE_COLUMNS, CLOSE_COLUMNS, DATE_COLUMNS, VOLUME_COLUMNS, PRICE_COLUMNS, SYMBOL_COLUMNS, detectCsvFormat, findColumn, headerNames, noteIgnored, requireColumn, timeOfDayColumn, unreadTimeColumnHint } from './csv-columns';
import { OhlcvFastPath } from './csv-fast-path';
import { RowReader } from './csv-row-reader';
import type { OhlcvColumns } from './csv-row-reader';
import { COMMA, CsvScanner, SEMICOLON, TAB, countDataLines, detectSeparator } from './csv-scanner';
import { decideDecimalMark } from './decimal-marks';
import { parseDate } from './dates';
import { RowBuilders } from './csv-symbol-table';
import type { DateReader } from './date-patterns';
import type { ProblemCollector } from './problems';
import { SeriesBuilder } from './series-builder';
import type { DataFormat } from './types';

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
  /** How dates are read: detected, or the pattern of the load's `dateFormat`. */
  readonly dates: DateReader;
  /** What the parser did that the data does not show (columns ignored, prices adjusted). */
  readonly notes: string[];
  /** The load's `decimal`: the file's decimal mark, or `auto` to decide it from its values. */
  readonly decimal: DecimalMarkSetting;
}

function parseOhlcvRows(input: CsvInput, scanner: CsvScanner, names: readonly string[], display: readonly string[]): SeriesBuilder[] {
  const { problems } = input;
  const symbol = findColumn(names, SYMBOL_COLUMNS, problems);
  const date = requireColumn(names, DATE_COLUMNS, problems, 'OHLCV');
  const open = requireColumn(names, ['open'], problems, 'OHLCV');
  const high = requireColumn(names, ['high'], problems, 'OHLCV');
  const low = requireColumn(names, ['low'], problems, 'OHLCV');
  const close = requireColumn(names, CLOSE_COLUMNS, problems, 'OHLCV');
  const volume = findColumn(names, VOLUME_COLUMNS, problems);
  const adjClose = findColumn(names, ADJ_CLOSE_COLUMNS, problems);
  const adjust = input.adjust === true;
  if (adjust && adjClose === -1) {
    problems.add('missing-column', `adjust needs an adjusted close column ("Adj Close", "adjclose" or "adj_close"); the header has: ${listValues(display, { quoted: true })}`, {
      row: 1,
      field: 'adj close',
    });
  }
  if (problems.count > 0) return [];
  const timeOfDay = timeOfDayColumn(names);
  noteIgnored(input.notes, display, [symbol, date, timeOfDay, open, high, low, close, volume, adjust ? adjClose : -1], adjust ? -1 : adjClose);
  noteJoined(input.notes, display, date, timeOfDay);
  // investing.com writes the close as "Price" beside "Open", "High" and "Low".
  if (names[close] === 'price') input.notes.push(`column ${quoteValue(display[close] ?? '')} read as the close, beside the open, high and low (as investing.com writes it)`);
  if (adjust) input.notes.push(`open, high, low and close scaled by ${quoteValue(display[adjClose] ?? '')} / close, row by row (volume unchanged)`);
  const columns: OhlcvColumns = { symbol, date, open, high, low, close, volume };
  const reader = new RowReader(scanner, display, problems, input.dates, unreadTimeColumnHint(names, display));
  if (!decimalMarkOf(input, scanner, reader, [open, high, low, close, volume, adjust ? adjClose : -1], display)) return [];
  const rows = new RowBuilders(input, symbol, display[symbol]);
  // The columns a day without prices leaves empty (an ignored adjusted close is not read).
  const valueColumns = [open, high, low, close, volume, adjust ? adjClose : -1].filter((column) => column >= 0);
  // The fast path reads no adjusted close, no second date column, only commas between fields and
  // decimal points: such loads take the general path for every row.
  const fast = adjust || timeOfDay >= 0 || scanner.separator !== COMMA || input.decimal === 'comma' ? undefined : new OhlcvFastPath(scanner, columns, names.length, rows.single, rows.table, input.dates.singlePass(display[date]));
  let fastRows = 0;
  for (;;) {
    if (fast?.tryRow() === true) {
      scanner.countRow();
      fastRows++;
      continue;
    }
    if (!scanner.nextRow()) break;
    // A row of the wrong width or without a symbol is reported; the next one is read.
    const builder = reader.checkWidth() ? rows.ofRow(reader, scanner) : undefined;
    if (builder === undefined) {
      if (problems.full) break;
      continue;
    }
    const time = timeOfDay < 0 ? reader.date(date) : reader.dateAndTime(date, timeOfDay);
    // A day without prices (`null` in every value column): no bar, noted; its date is still read
    // and checked for order, as a long file's empty price is.
    if (reader.withoutValues(valueColumns)) {
      if (!Number.isNaN(time) && reader.inOrder(builder, time, date, rows.single === undefined ? builder.symbol : undefined)) builder.markRow(time, scanner.line);
      if (problems.full) break;
      continue;
    }
    const o = reader.price(open);
    const h = reader.price(high);
    const l = reader.price(low);
    const c = reader.price(close);
    const v = volume === -1 ? 0 : reader.volume(volume);
    const a = adjust ? reader.price(adjClose) : c;
    const valid = !Number.isNaN(o + h + l + c + v + a) && reader.ohlcConsistent(o, h, l, c, columns);
    // The order of dates is checked on every row whose date reads, valid or not, so that one pass
    // reports both (a bad row's date still says where the file is out of order).
    const ordered = !Number.isNaN(time) && reader.inOrder(builder, time, date, rows.single === undefined ? builder.symbol : undefined);
    if (!valid || !ordered) {
      if (ordered) builder.markRow(time, scanner.line);
      if (problems.full) break;
      continue;
    }
    // Scaling all four prices by one positive factor keeps low <= open, close <= high; it can
    // take them out of the range a price may have, which the adjusted prices are checked against.
    const factor = adjust ? a / c : 1;
    if (adjust && !(l * factor >= MIN_PRICE && h * factor <= MAX_PRICE)) {
      const small = !(l * factor >= MIN_PRICE);
      problems.add(
        small ? 'too-small' : 'too-large',
        `adjusting by ${quoteValue(display[adjClose] ?? '')} / close (${a} / ${c}) makes the ${small ? `low ${l * factor}; prices are at least 1e-12` : `high ${h * factor}; prices are at most 1e12`} per unit: check the adjusted close of this row`,
        { row: scanner.line, field: display[adjClose] },
      );
      // Refused, but in order: the next row's date is checked against it, as for any invalid row.
      builder.markRow(time, scanner.line);
      if (problems.full) break;
      continue;
    }
    builder.push(time, o * factor, h * factor, l * factor, c * factor, v, scanner.line);
  }
  // Rows whose day-month date was kept read no date.
  if (fastRows > (fast?.keptRows ?? 0)) input.dates.readFixedWidth();
  reader.finish(input.notes);
  return rows.builders;
}

function parseLongRows(input: CsvInput, scanner: CsvScanner, names: readonly string[], display: readonly string[]): SeriesBuilder[] {
  const { problems } = input;
  const symbol = findColumn(names, SYMBOL_COLUMNS, problems);
  const date = requireColumn(names, DATE_COLUMNS, problems, 'long close-only');
  const price = requireColumn(names, PRICE_COLUMNS, problems, 'long close-only');
  if (problems.count > 0) return [];
  const timeOfDay = timeOfDayColumn(names);
  noteIgnored(input.notes, display, [symbol, date, timeOfDay, price], findColumn(names, ADJ_CLOSE_COLUMNS, problems));
  noteJoined(input.notes, display, date, timeOfDay);
  const reader = new RowReader(scanner, display, problems, input.dates, unreadTimeColumnHint(names, display));
  if (!decimalMarkOf(input, scanner, reader, [price], display)) return [];
  const rows = new RowBuilders(input, symbol, display[symbol]);
  while (scanner.nextRow()) {
    // A row of the wrong width or without a symbol is reported; the next one is read.
    const builder = reader.checkWidth() ? rows.ofRow(reader, scanner) : undefined;
    if (builder === undefined) {
      if (problems.full) break;
      continue;
    }
    const time = timeOfDay < 0 ? reader.date(date) : reader.dateAndTime(date, timeOfDay);
    if (reader.isMissing(price)) {
      // No bar, but a date in the file's order all the same (as a wide file's empty cell).
      if (!Number.isNaN(time) && reader.inOrder(builder, time, date, rows.single === undefined ? builder.symbol : undefined)) builder.markRow(time, scanner.line);
      if (problems.full) break;
      continue;
    }
    const value = reader.price(price);
    const ordered = !Number.isNaN(time) && reader.inOrder(builder, time, date, rows.single === undefined ? builder.symbol : undefined);
    if (Number.isNaN(value) || !ordered) {
      if (ordered) builder.markRow(time, scanner.line);
      if (problems.full) break;
      continue;
    }
    builder.push(time, value, value, value, value, 0, scanner.line);
  }
  reader.finish(input.notes);
  return rows.builders;
}

/** `detected`: the layout was read from the header, not given (a volume column then refuses it: see below). */
function parseWideRows(input: CsvInput, scanner: CsvScanner, names: readonly string[], detected: boolean): SeriesBuilder[] {
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
  // `date` is the `date` column whenever the header has one, so the time of day is read with it.
  const timeOfDay = names[date] === 'date' ? timeOfDayColumn(names) : -1;
  const symbolColumns: number[] = [];
  const builders: SeriesBuilder[] = [];
  const seen = new Map<string, number>();
  for (let column = 0; column < scanner.count; column++) {
    if (column === date || column === timeOfDay) continue;
    const symbol = scanner.field(column).trim();
    if (symbol === '') {
      problems.add('missing-column', `column ${column + 1} has no name; every column after the date names a symbol`, {
        row: 1,
        field: `#${column + 1}`,
      });
      continue;
    }
    if (detected && VOLUME_COLUMNS.includes(names[column] ?? '')) {
      // A wide file holds one price per symbol and date: a volume column would trade as a symbol.
      // (A load that names the layout wide reads every column as one, as asked.)
      problems.add(
        'missing-column',
        `column ${quoteValue(symbol)} is a volume, but a wide file (a date, then one column of prices per symbol) has no volumes: remove the column, or write the file as OHLCV (date,open,high,low,close,volume) or long (symbol,date,price)`,
        { row: 1, field: symbol },
      );
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
  // The header as written, the date column too: its problems and the note of a joined time column
  // name "Date", not the lower-cased name it was found by.
  const displayNames = Array.from({ length: header }, (_, i) => scanner.field(i).trim());
  noteJoined(input.notes, displayNames, date, timeOfDay);
  const reader = new RowReader(scanner, displayNames, problems, input.dates);
  if (!decimalMarkOf(input, scanner, reader, symbolColumns, displayNames)) return [];
  const dates = new SeriesBuilder('date', 0, input.sort === true);
  while (scanner.nextRow()) {
    if (!reader.checkWidth()) {
      if (problems.full) break;
      continue;
    }
    const time = timeOfDay < 0 ? reader.date(date) : reader.dateAndTime(date, timeOfDay);
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
  reader.finish(input.notes);
  return builders;
}

/**
 * Hands the reader the file's decimal mark: the load's `decimal` when it names one; otherwise, in a
 * file not separated by commas, the one decided from the columns `reader` will read
 * (`decideDecimalMark`), false when the file's marks are refused (the problem is reported). A
 * comma-separated file writes decimal points unless the load says otherwise.
 */
function decimalMarkOf(input: CsvInput, scanner: CsvScanner, reader: RowReader, columns: readonly number[], display: readonly string[]): boolean {
  if (input.decimal !== 'auto') {
    reader.decimalMark = input.decimal === 'comma' ? ',' : '.';
    reader.decimalGiven = true;
    if (input.decimal === 'comma') input.notes.push('numbers read with a decimal comma, as the load says (decimal: comma)');
    return true;
  }
  if (scanner.separator === COMMA) return true;
  const mark = decideDecimalMark(scanner, columns, display, input.problems, input.notes);
  if (mark === 'refused') return false;
  reader.decimalMark = mark;
  return true;
}

/** Every header name some layout reads, lower-cased. */
const KNOWN_COLUMNS: ReadonlySet<string> = new Set([...DATE_COLUMNS, ...SYMBOL_COLUMNS, ...PRICE_COLUMNS, ...ADJ_CLOSE_COLUMNS, ...CLOSE_COLUMNS, ...VOLUME_COLUMNS, 'open', 'high', 'low']);

/** Notes that the times of day of column `timeOfDay` (-1: none) are read with the dates of column `date`. */
function noteJoined(notes: string[], display: readonly string[], date: number, timeOfDay: number): void {
  if (timeOfDay < 0) return;
  notes.push(`dates of ${quoteValue(display[date] ?? '')} joined with the times of day of ${quoteValue(display[timeOfDay] ?? '')} (read as UTC, as a date-time without an offset is)`);
}

/** Parses CSV bytes in the given layout (or the one its header suggests) into per-symbol builders. */
export function parseCsvRows(
  input: CsvInput,
  format: Exclude<DataFormat, 'json'> | undefined,
): { format: Exclude<DataFormat, 'json'>; builders: SeriesBuilder[]; duplicateHint?: string } {
  const { separator, headerAt, headerLine, named } = detectSeparator(input.bytes, input.start);
  if (separator !== COMMA && separator !== SEMICOLON && separator !== TAB) {
    input.problems.add('missing-column', `the file's first line ${quoteValue(`sep=${String.fromCharCode(separator)}`)} names ${quoteValue(String.fromCharCode(separator))} as its separator; fields are separated by commas, semicolons or tabs: save the file with one of them`, { row: headerLine - 1 });
    return { format: format ?? 'ohlcv', builders: [] };
  }
  const scanner = new CsvScanner(input.bytes, headerAt, input.onProgress, separator);
  // After Excel's `sep=;` line, the header is line 2.
  scanner.nextLine = headerLine;
  if (separator !== COMMA) input.notes.push(`fields separated by ${separator === SEMICOLON ? 'semicolons' : 'tabs'}, as ${named ? 'its "sep=" line says' : 'the header line separates them'}`);
  if (!scanner.nextRow()) {
    input.problems.add('empty-file', 'the file is empty; expected a header line and data rows');
    return { format: format ?? 'ohlcv', builders: [] };
  }
  if (scanner.unclosed >= 0) {
    input.problems.add('unclosed-quote', `header column ${scanner.unclosed + 1} opens a quote (") that is never closed: the rest of the file was read as that one name; close the quote or remove it`, {
      row: scanner.line,
      field: `#${scanner.unclosed + 1}`,
    });
    return { format: format ?? 'ohlcv', builders: [] };
  }
  const names = headerNames(scanner);
  const display = Array.from({ length: scanner.count }, (_, i) => scanner.field(i).trim());
  // A header of one column holding another separator than the file's: inside quotes (the whole
  // line one quoted field), or after a `sep=` line that named another one.
  const inner = scanner.count === 1 ? [',', ';', '\t'].find((candidate) => candidate !== String.fromCharCode(separator) && (display[0] ?? '').includes(candidate)) : undefined;
  if (inner !== undefined) {
    const which = inner === ',' ? 'commas' : inner === ';' ? 'semicolons' : 'tabs';
    const why = scanner.quoted[0] === 0 ? `, not by the separator the file's "sep=" line names; correct that line or remove it` : ` inside one pair of quotes, which make them one field; remove the quotes around the whole line (and around each data line)`;
    input.problems.add('missing-column', `the header is one column, ${listValues([display[0] ?? ''], { quoted: true })}: its fields are separated by ${which}${why}`, { row: scanner.line });
    return { format: format ?? 'ohlcv', builders: [] };
  }
  // A file without a header (MetaTrader's history export): its first line names no column and starts with a date.
  if (display.length > 1 && parseDate(display[0] ?? '') !== null && !names.some((name) => KNOWN_COLUMNS.has(name))) {
    input.problems.add(
      'missing-column',
      `the first line is data, not a header: ${quoteValue(display[0] ?? '')} is a date. Add a header line naming the columns before it: Date,Open,High,Low,Close,Volume (Date,Time,Open,… with a separate time column), or Date,SYMBOL… with one close per symbol`,
      { row: 1 },
    );
    return { format: format ?? 'ohlcv', builders: [] };
  }
  const resolved = format ?? detectCsvFormat(names);
  if (input.adjust === true && resolved !== 'ohlcv') {
    input.problems.add('missing-column', `adjust applies to OHLCV files with an adjusted close column; this is a ${resolved} close-only file`, { row: 1 });
    return { format: resolved, builders: [] };
  }
  switch (resolved) {
    case 'ohlcv':
      return { format: resolved, builders: parseOhlcvRows(input, scanner, names, display), duplicateHint: unreadTimeColumnHint(names, display) };
    case 'long':
      return { format: resolved, builders: parseLongRows(input, scanner, names, display), duplicateHint: unreadTimeColumnHint(names, display) };
    case 'wide':
      return { format: resolved, builders: parseWideRows(input, scanner, names, format === undefined) };
  }
}
