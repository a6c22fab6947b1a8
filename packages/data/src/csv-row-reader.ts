import { DAY_MS, echoValue, listValues, quoteValue } from '@ensemble/protocol';
import { COMMA, SEMICOLON, TAB, type CsvScanner } from './csv-scanner';
import { otherMarkProblem, readDecimal, type DecimalMark } from './decimal-marks';
import type { DateReader } from './date-patterns';
import { ClockChecks, MERIDIEM, notATimeOfDay, parseTimeOfDay } from './clock-checks';
import { formatTime } from './dates';
import { classifyBadNumber, describeBadNumber, describeBadValue, isPlaceholder, parseNumberAt, parseNumberText, valueRule, writtenRule } from './numbers';
import type { ProblemCollector } from './problems';
import type { SeriesBuilder } from './series-builder';

/** A price with a currency sign before (`$184.25`, `€ 5`) or after (`184.25 €`) a plain decimal: the sign, the number, the sign. */
const CURRENCY_PRICE = /^(?:([$€£¥])\s?([+]?(?:\d+(?:[.,]\d*)?|[.,]\d+))|([+]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s?([$€£¥]))$/;

/** A time of day written with a colon or AM/PM, which no date form has. */
const CLOCK_TEXT = /:|[ap]\.?m\.?\s*$/i;

/** Reads typed values from the current row, reporting every problem with its line and column. */
export class RowReader {
  private readonly scanner: CsvScanner;
  private readonly names: readonly string[];
  private readonly problems: ProblemCollector;
  private readonly dates: DateReader;
  /** What a duplicate date's problem advises instead of removing a row, when not empty: join an unread time-of-day column. */
  private readonly duplicateHint: string;
  /** The rules of a time column's times of day across rows (AM/PM on some rows only, a 12-hour clock without it). */
  private readonly clocks: ClockChecks;
  /** The time column of the row being read, for {@link clocks}. */
  private timeColumn = 0;
  /** The decimal mark of a file not separated by commas, decided before its rows are read (`decideDecimalMark`), or the one the load names. */
  decimalMark: DecimalMark = null;
  /** Whether {@link RowReader.decimalMark} is the load's `decimal` (a number with the other mark is then refused saying so). */
  decimalGiven = false;
  /** The currency sign prices were read without (nasdaq.com's `$184.25`), the line it was first seen on and the columns it was on; null before any. */
  private currency: { readonly sign: string; readonly line: number; readonly columns: Set<number> } | null = null;
  /** Lines of rows whose every value was a placeholder, skipped (see {@link RowReader.withoutValues}), and the placeholders they held. */
  private readonly skipped: number[] = [];
  private readonly skippedAs = new Set<string>();

  constructor(scanner: CsvScanner, names: readonly string[], problems: ProblemCollector, dates: DateReader, duplicateHint = '') {
    this.scanner = scanner;
    this.names = names;
    this.problems = problems;
    this.dates = dates;
    this.duplicateHint = duplicateHint;
    this.clocks = new ClockChecks({
      kind: 'column',
      place: (row) => `line ${String(row)}`,
      text: () => this.scanner.field(this.timeColumn).trim(),
      field: () => this.names[this.timeColumn] ?? '',
      report: (message, row, value) => {
        this.problems.add('bad-date', message, { row, field: this.names[this.timeColumn], value });
      },
    });
  }

  /**
   * True when the row has exactly as many fields as the header; reports short and long rows, and
   * a quote opened in the row and never closed (the rest of the input became one field).
   */
  checkWidth(): boolean {
    const { count, line, unclosed } = this.scanner;
    const width = this.names.length;
    if (unclosed >= 0) {
      const column = this.names[unclosed] ?? `#${unclosed + 1}`;
      this.problems.add(
        'unclosed-quote',
        `${quoteValue(column)} opens a quote (") that is never closed: everything after it to the end of the file was read as this one field; close the quote or remove it`,
        { row: line, field: column },
      );
      return false;
    }
    if (count === width) return true;
    // A separator after the last field of a row (an empty field the header has no name for), or of
    // the header (a nameless column the rows leave out): what some exports write, and nothing lost.
    if (count === width + 1 && this.scanner.isEmpty(width)) return true;
    if (count < width && this.names.slice(count).every((name) => name === '')) return true;
    if (count < width) {
      this.problems.add('short-row', `the row has ${count.toLocaleString('en-US')} ${count === 1 ? 'field' : 'fields'} but the header has ${width.toLocaleString('en-US')}; ${quoteValue(this.names[count] ?? '')} and later columns are missing${this.otherSeparator()}${this.strayCarriageReturn()}`, {
        row: line,
        field: this.names[count],
      });
    } else {
      this.problems.add('long-row', `the row has ${count.toLocaleString('en-US')} fields but the header has ${width.toLocaleString('en-US')}; remove the extra fields or add a header for them${this.strayCarriageReturn()}`, {
        row: line,
        field: `#${width + 1}`,
        value: this.scanner.field(width),
      });
    }
    return false;
  }

  /**
   * Why a row reads wrong when it is separated by another separator than the header's (a header
   * with commas over rows with semicolons): said when `texts` (the row's fields, or the one field
   * that did not read) hold enough of another separator to make the header's columns, else empty.
   * A decimal comma or two in a row separated by semicolons is no such separator.
   */
  private otherSeparator(texts: readonly string[] = Array.from({ length: this.scanner.count }, (_, i) => this.scanner.field(i))): string {
    const { scanner } = this;
    const separators: readonly (readonly [number, string, string])[] = [[COMMA, ',', 'commas'], [SEMICOLON, ';', 'semicolons'], [TAB, '\t', 'tabs']];
    const text = texts.join('');
    const own = separators.find(([byte]) => byte === scanner.separator);
    const other = separators.find(([byte, mark]) => byte !== scanner.separator && text.split(mark).length >= this.names.length);
    if (other === undefined || own === undefined) return '';
    return ` (its fields are separated by ${other[2]}, the header's by ${own[2]}: write every line with one separator)`;
  }

  /**
   * Why a row's width reads wrong when the header or the row holds a carriage return that ends no
   * line (a file with line feeds whose header, or some rows, end in a carriage return alone): the
   * lines it should have ended were read as one. Empty otherwise.
   */
  private strayCarriageReturn(): string {
    const inRow = Array.from({ length: this.scanner.count }, (_, i) => this.scanner.field(i)).some((text) => text.includes('\r'));
    const inHeader = this.names.some((name) => name.includes('\r'));
    if (!inRow && !inHeader) return '';
    return ` (${inHeader ? 'the header' : 'the row'} holds a carriage return (\\r) that ends no line, so two lines were read as one: the file mixes line endings; save it with one kind, LF or CRLF)`;
  }

  /** True (after reporting it) when the symbol cell of the row is empty. */
  symbolMissing(column: number): boolean {
    if (!this.scanner.isEmpty(column)) return false;
    this.problems.add('missing-value', 'the symbol is empty; every row needs a symbol', { row: this.scanner.line, field: this.names[column] });
    return true;
  }

  /** A close-only cell that means "no bar": empty or `NA`. */
  isMissing(column: number): boolean {
    const { starts, ends, bytes } = this.scanner;
    const start = starts[column] ?? 0;
    const length = (ends[column] ?? 0) - start;
    return length === 0 || (length === 2 && bytes[start] === 78 && bytes[start + 1] === 65);
  }

  /**
   * True, the row's line kept for a note, when every one of `columns` holds a placeholder for a
   * missing value — Yahoo Finance writes `null` in every column of a day without prices: such a
   * row holds no bar, and is skipped. A row with a placeholder beside a number is read, and refused
   * for it. A field starting with a digit is no placeholder: read without decoding it.
   */
  withoutValues(columns: readonly number[]): boolean {
    const { bytes, starts, ends } = this.scanner;
    for (const column of columns) {
      const first = bytes[starts[column] ?? 0] ?? 0;
      if ((first >= DIGIT_0 && first <= DIGIT_0 + 9) || (ends[column] ?? 0) <= (starts[column] ?? 0)) return false;
    }
    if (columns.length === 0 || !columns.every((column) => isPlaceholder(this.scanner.field(column)))) return false;
    for (const column of columns) this.skippedAs.add(this.scanner.field(column).trim());
    this.skipped.push(this.scanner.line);
    return true;
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
    const commaFile = scanner.separator === COMMA;
    // A plain decimal reads in place, as in a comma file, unless the file writes decimal commas.
    let value = this.decimalMark !== ',' ? parseNumberAt(scanner.bytes, scanner.starts[column] ?? 0, scanner.ends[column] ?? 0) : Number.NaN;
    let rule = valueRule(value, kind);
    if (rule === null) return value;
    const raw = scanner.field(column);
    const where = { row: scanner.line, field: this.names[column], value: raw };
    const priced = kind === 'price' && Number.isNaN(value) ? CURRENCY_PRICE.exec(raw.trim()) : null;
    const sign = priced === null ? null : (priced[1] ?? priced[4] ?? '');
    if (sign !== null && this.currency !== null && this.currency.sign !== sign) {
      // Two currencies in one series are no prices to compare.
      this.problems.add('non-numeric', `${label} is ${quoteValue(raw)}, in another currency than the ${quoteValue(this.currency.sign)} of line ${String(this.currency.line)}: the prices of a file are in one currency; convert them, or keep the currency's file apart`, where);
      return Number.NaN;
    }
    const text = priced === null ? raw.trim() : (priced[2] ?? priced[3] ?? '');
    // Not separated by commas, or a load that says so: a number may have a decimal comma, the file's one mark.
    if (!commaFile || this.decimalMark === ',') value = readDecimal(text, this.decimalMark);
    else if (priced !== null) value = parseNumberText(text);
    rule = valueRule(value, kind);
    if (rule === null) {
      if (sign !== null) {
        // A price with a currency sign (nasdaq.com writes `$184.25`): the number, noted.
        if (this.currency === null) this.currency = { sign, line: scanner.line, columns: new Set([column]) };
        else this.currency.columns.add(column);
      }
      return value;
    }
    const conflict = Number.isNaN(value) && this.decimalGiven && this.decimalMark !== null ? otherMarkProblem(text, this.decimalMark) : null;
    if (conflict !== null) {
      this.problems.add('non-numeric', `${label} is ${quoteValue(raw)}: ${conflict}`, where);
    } else if (!Number.isNaN(value)) {
      this.problems.add(writtenRule(rule, raw), describeBadValue(rule, raw, label, kind), where);
    } else {
      rule = classifyBadNumber(raw);
      this.problems.add(rule, describeBadNumber(rule, raw, label, !commaFile || this.decimalMark === ','), where);
    }
    return Number.NaN;
  }

  /**
   * What the file's values leave to say once all are read (in `notes`): that prices were read
   * without a currency sign, which sign and in which columns. Nothing when no price had one.
   */
  finish(notes: string[]): void {
    const skipped = this.skipped;
    if (skipped.length > 0) {
      const lines = skipped.length > 5 ? `${skipped.slice(0, 5).join(', ')} and ${(skipped.length - 5).toLocaleString('en-US')} more` : skipped.join(', ');
      const marks = [...this.skippedAs];
      notes.push(
        `${skipped.length.toLocaleString('en-US')} ${skipped.length === 1 ? 'row' : 'rows'} skipped whose every value is ${marks.length === 1 ? quoteValue(marks[0] ?? '') : `a placeholder (${listValues(marks, { quoted: true })})`} (days without prices, as Yahoo Finance writes them): line${skipped.length === 1 ? '' : 's'} ${lines}`,
      );
    }
    const currency = this.currency;
    if (currency === null) return;
    const columns = [...currency.columns].sort((a, b) => a - b).map((column) => this.names[column] ?? '');
    notes.push(`prices read without their currency sign ${quoteValue(currency.sign)} (${listValues(columns, { quoted: true })}): the run's cash is in that currency too`);
  }

  /** A date as epoch ms, or NaN after reporting why not (or keeping it for the column's one problem: a day and a month before the year under `auto`). */
  date(column: number): number {
    const scanner = this.scanner;
    const time = this.dates.at(scanner.bytes, scanner.starts[column] ?? 0, scanner.ends[column] ?? 0);
    if (!Number.isNaN(time)) return time;
    const raw = scanner.field(column);
    const field = this.names[column];
    if (raw.trim() === '') {
      this.problems.add('missing-value', 'the date is empty; every row needs a date', { row: scanner.line, field });
    } else if (!this.dates.keep(raw, { row: scanner.line, field, place: `line ${scanner.line}` })) {
      // A time of day where the date belongs: a `Time,Open,…` file without a date column, or the
      // date and time columns swapped. Said so, rather than that "09:30" is not a date; bare digits
      // (`0930`) may be a mistyped date as well, and keep the general advice.
      const message = !CLOCK_TEXT.test(raw) || Number.isNaN(parseTimeOfDay(raw.trim()))
        ? (this.dates.problem(raw) ?? `${quoteValue(raw)} is not a date; use YYYY-MM-DD, an ISO date-time, "Jan 1 2000" or epoch seconds/milliseconds`)
        : `${quoteValue(raw)} is a time of day, not a date, and every bar needs its date: give the dates in a "Date" column beside the times (a "Date" and a "Time" column are joined), or write each date with its time in ${quoteValue(field ?? '')}, as 2024-01-02 09:30`;
      this.problems.add('bad-date', `${message}${raw.includes(String.fromCharCode(scanner.separator)) ? '' : this.otherSeparator([raw])}`, { row: scanner.line, field, value: raw });
    }
    return Number.NaN;
  }

  /**
   * The date of column `date` and the time of day of column `time` (a `Date,Time,…` file), as
   * epoch ms, or NaN after reporting why not. The date must be a day: one with a time of its own
   * beside a time column is refused, as the two would be added.
   */
  dateAndTime(date: number, time: number): number {
    const day = this.date(date);
    if (Number.isNaN(day)) return Number.NaN;
    const scanner = this.scanner;
    // A time written in the date, midnight included: `2024-01-01T19:00:00-05:00` is midnight UTC and
    // was read as 2024-01-02 with the time column's time added, a day after the date written.
    if (day % DAY_MS !== 0 || hasColon(scanner.bytes, scanner.starts[date] ?? 0, scanner.ends[date] ?? 0)) {
      const raw = scanner.field(date).trim();
      this.problems.add(
        'bad-date',
        `${quoteValue(raw)} has a time of day, and the ${quoteValue(this.names[time] ?? '')} column gives one too: keep the date alone in ${quoteValue(this.names[date] ?? '')} (the two columns are joined)`,
        { row: scanner.line, field: this.names[date], value: raw },
      );
      return Number.NaN;
    }
    // `H:MM`, `HH:MM` and `HH:MM:SS`, as almost every such file writes them, straight from the bytes.
    this.timeColumn = time;
    const clock = clockAt(scanner.bytes, scanner.starts[time] ?? 0, scanner.ends[time] ?? 0);
    if (!Number.isNaN(clock)) return this.clocks.bare(day, clock, scanner.line);
    const raw = scanner.field(time).trim();
    const field = this.names[time];
    if (raw === '') {
      this.problems.add('missing-value', `the time of day is empty; every row of a file with a ${quoteValue(field ?? '')} column needs one`, { row: scanner.line, field });
      return Number.NaN;
    }
    const offset = parseTimeOfDay(raw);
    if (Number.isNaN(offset)) {
      this.problems.add('bad-date', notATimeOfDay(raw), { row: scanner.line, field, value: raw });
      return Number.NaN;
    }
    return MERIDIEM.test(raw) ? this.clocks.meridiem(day, offset, scanner.line, raw) : this.clocks.bare(day, offset, scanner.line);
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
      this.problems.add('duplicate-date', `line ${builder.lastRow} already has ${formatTime(time)}${of}${this.duplicateHint === '' ? '; remove one of the two rows' : this.duplicateHint}`, {
        row: line,
        field,
        value,
      });
    } else {
      this.problems.add('unsorted-dates', `${formatTime(time)} comes before ${formatTime(builder.lastTime)} on line ${builder.lastRow}${of}; ${this.pivotAdvice(time, builder.lastTime) ?? 'sort the rows by date'}`, {
        row: line,
        field,
        value,
      });
    }
    return false;
  }

  /**
   * Under a two-digit year format, a date of 1969–1999 after one of 2000–2068: most likely a file
   * of the 1960s whose years 00–68 the pivot read as 2000–2068 (`TWO_DIGIT_YEARS`), which sorting
   * would only put a century apart. What to do instead; null otherwise.
   */
  private pivotAdvice(time: number, before: number): string | null {
    const format = this.dates.format;
    if (!format.endsWith('YY') || format.endsWith('YYYY')) return null;
    const year = new Date(time).getUTCFullYear();
    const last = new Date(before).getUTCFullYear();
    if (!(year >= 1969 && year <= 1999 && last >= 2000 && last <= 2068)) return null;
    return `the date format ${format} reads a two-digit year 69–99 as 1969–1999 and 00–68 as 2000–2068 (POSIX strptime's %y), so ${String(last)} is likely ${String(last - 100)}: dates before 1969 need four-digit years (save the file with YYYY and pass ${format}YY), not sorting`;
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

/** Column indexes of an OHLCV layout (-1 for an absent symbol or volume column). */
export interface OhlcvColumns {
  readonly symbol: number;
  readonly date: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

const DIGIT_0 = 48;
const COLON = 58;

/** The value of the ASCII digit at `bytes[i]`, or NaN. */
function digitAt(bytes: Uint8Array, i: number): number {
  const d = (bytes[i] ?? 0) - DIGIT_0;
  return d >= 0 && d <= 9 ? d : Number.NaN;
}

/**
 * `H:MM`, `HH:MM` or `HH:MM:SS` in `bytes[start, end)` as milliseconds after midnight, or NaN for
 * any other text (which {@link parseTimeOfDay} then reads or refuses).
 */
function clockAt(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  const colon = bytes[start + 1] === COLON ? start + 1 : bytes[start + 2] === COLON ? start + 2 : -1;
  if (colon < 0) return Number.NaN;
  const hours = colon === start + 1 ? digitAt(bytes, start) : digitAt(bytes, start) * 10 + digitAt(bytes, start + 1);
  const minutes = digitAt(bytes, colon + 1) * 10 + digitAt(bytes, colon + 2);
  const rest = end - (colon + 3);
  let seconds = 0;
  if (rest === 3 && bytes[colon + 3] === COLON) seconds = digitAt(bytes, colon + 4) * 10 + digitAt(bytes, colon + 5);
  else if (rest !== 0 || length < 4) return Number.NaN;
  // NaN fails every comparison: a letter among the digits falls through to the general reading.
  if (!(hours <= 23 && minutes <= 59 && seconds <= 59)) return Number.NaN;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

/** Whether bytes `[start, end)` hold a colon: a date field longer than a bare date that has a time of day. */
function hasColon(bytes: Uint8Array, start: number, end: number): boolean {
  // A date alone (`2024-01-02`, `Jan 15 2024`, `15 January 2024`) has no colon; only longer fields are scanned.
  if (end - start <= 10) return false;
  for (let k = start; k < end; k++) if (bytes[k] === 0x3a) return true;
  return false;
}
