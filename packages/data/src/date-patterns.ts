import { DATE_FORMATS, fullYear, quoteValue } from '@ensemble/protocol';
import type { DateFormat } from '@ensemble/protocol';
import type { DateReading } from './types';
import { encodeText } from './bytes';
import { DayMonthDates, DayMonthOrder, dayMonthNeitherProblem } from './day-month-order';
import type { ColumnProblem, DateLocation } from './day-month-order';
import { civilToMs, epochToMs, formatTime, isoTimeAt, parseDate, parseDateAt } from './dates';

const DIGIT_0 = 48;
const SPACE = 32;
const UPPER_T = 84;
const LOWER_T = 116;

/** The order of a pattern's fields: year, month and day as `YYYY-MM-DD`, `DD/MM/YYYY` or `MM/DD/YYYY` write them. */
type FieldOrder = 'ymd' | 'dmy' | 'mdy';

/** A date format other than `auto`: its fields' order, the byte between them and the year's digits. */
interface DatePattern {
  readonly format: Exclude<DateFormat, 'auto'>;
  readonly order: FieldOrder;
  readonly separator: number;
  /** 4 for `YYYY`; 2 for `YY`, read with strptime's pivot (`fullYear`). */
  readonly yearDigits: 2 | 4;
}

/**
 * Where a date of fixed width — ten characters (`2000-01-03`, `03/01/2000`), or eight with a
 * two-digit year (`03/01/00`) — has its separators and fields: the single-pass CSV path reads
 * these offsets and nothing else.
 */
export interface FixedWidthDate {
  readonly separator: number;
  readonly firstSeparatorAt: number;
  readonly secondSeparatorAt: number;
  readonly yearAt: number;
  readonly monthAt: number;
  readonly dayAt: number;
}

/**
 * The date of ten characters each pattern with a four-digit year reads: two-digit day and month,
 * four-digit year. A pattern with a two-digit year has none (its separator is no byte, so the
 * single-pass path never matches it); it has the eight characters of {@link eightCharactersOf}.
 */
function tenCharactersOf(order: FieldOrder, separator: number, yearDigits: 2 | 4 = 4): FixedWidthDate {
  if (yearDigits === 2) return { separator: -1, firstSeparatorAt: 2, secondSeparatorAt: 5, yearAt: 6, monthAt: 3, dayAt: 0 };
  if (order === 'ymd') return { separator, firstSeparatorAt: 4, secondSeparatorAt: 7, yearAt: 0, monthAt: 5, dayAt: 8 };
  const dayFirst = order === 'dmy';
  return { separator, firstSeparatorAt: 2, secondSeparatorAt: 5, yearAt: 6, monthAt: dayFirst ? 3 : 0, dayAt: dayFirst ? 0 : 3 };
}

/** The eight characters of a two-digit-year pattern (`03/01/00`): two-digit day and month, then the year's two digits; undefined for the other patterns. */
function eightCharactersOf(pattern: DatePattern): FixedWidthDate | undefined {
  if (pattern.yearDigits !== 2) return undefined;
  const dayFirst = pattern.order === 'dmy';
  return { separator: pattern.separator, firstSeparatorAt: 2, secondSeparatorAt: 5, yearAt: 6, monthAt: dayFirst ? 3 : 0, dayAt: dayFirst ? 0 : 3 };
}

/** What the single-pass CSV path reads of a load's dates (every other form takes the general path). */
export interface SinglePassDates {
  /** The ten-character form (`YYYY-MM-DD` for `auto`, `03/01/2000` for `DD/MM/YYYY`); its separator is -1, no byte, when the load has none. */
  readonly tenCharacters: FixedWidthDate;
  /** The eight-character form of a two-digit-year pattern (`03/01/00`), its year read with strptime's pivot (`fullYear`); undefined for the others. */
  readonly eightCharacters: FixedWidthDate | undefined;
  /** Under `auto`: the reader that keeps the column's day-month dates for its one problem; undefined under a pattern. */
  readonly dayMonth: DayMonthDates | undefined;
}

function patternOf(format: Exclude<DateFormat, 'auto'>): DatePattern {
  const order: FieldOrder = format.startsWith('YYYY') ? 'ymd' : format.startsWith('DD') ? 'dmy' : 'mdy';
  return { format, order, separator: format.charCodeAt(order === 'ymd' ? 4 : 2), yearDigits: format.includes('YYYY') ? 4 : 2 };
}

const PATTERNS: readonly DatePattern[] = DATE_FORMATS.filter((format) => format !== 'auto').map(patternOf);

/**
 * Reads a field of one or two digits (`width` 2), exactly four (`width` 4) or exactly two (`width`
 * -2, a two-digit year) from `start`; the value and where it ends, or -1 as the value.
 */
function fieldAt(bytes: Uint8Array, start: number, end: number, width: 2 | 4 | -2, out: Int32Array): void {
  const most = Math.abs(width);
  let value = 0;
  let i = start;
  while (i < end && i - start < most) {
    const digit = (bytes[i] ?? 0) - DIGIT_0;
    if (!(digit >= 0 && digit <= 9)) break;
    value = value * 10 + digit;
    i++;
  }
  const count = i - start;
  out[0] = (width === 2 ? count >= 1 : count === most) ? value : -1;
  out[1] = i;
}

/** Year, month, day and where the date part ends, read by a pattern; `null` when the text has another shape. */
interface PatternFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Offset of the first byte after the date part. */
  readonly end: number;
}

const scratch = new Int32Array(2);

function fieldsAt(bytes: Uint8Array, start: number, end: number, pattern: DatePattern): PatternFields | null {
  const widths: readonly (2 | 4 | -2)[] = pattern.order === 'ymd' ? [4, 2, 2] : [2, 2, pattern.yearDigits === 4 ? 4 : -2];
  const values = [0, 0, 0];
  let i = start;
  for (let k = 0; k < 3; k++) {
    fieldAt(bytes, i, end, widths[k] ?? 2, scratch);
    const value = scratch[0] ?? -1;
    if (value < 0) return null;
    values[k] = value;
    i = scratch[1] ?? end;
    if (k < 2) {
      if (bytes[i] !== pattern.separator) return null;
      i++;
    }
  }
  const [a = 0, b = 0, two = 0] = values;
  const c = pattern.yearDigits === 2 ? fullYear(two) : two;
  if (pattern.order === 'ymd') return { year: a, month: b, day: c, end: i };
  if (pattern.order === 'dmy') return { year: c, month: b, day: a, end: i };
  return { year: c, month: a, day: b, end: i };
}

/** The date in `bytes[start, end)` as `pattern` writes it, with an optional time of day after it, in epoch ms; NaN when it does not match. */
function patternDateAt(bytes: Uint8Array, start: number, end: number, pattern: DatePattern): number {
  const fields = fieldsAt(bytes, start, end, pattern);
  if (fields === null) return Number.NaN;
  const day = civilToMs(fields.year, fields.month, fields.day);
  if (fields.end === end || Number.isNaN(day)) return fields.end === end ? day : Number.NaN;
  const t = bytes[fields.end];
  if (t !== UPPER_T && t !== LOWER_T && t !== SPACE) return Number.NaN;
  return day + isoTimeAt(bytes, fields.end + 1, end);
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The other explicit formats that read `bytes` as a date, for a hint. */
function otherReadings(bytes: Uint8Array, pattern: DatePattern): string[] {
  return PATTERNS.filter((other) => other !== pattern && !Number.isNaN(patternDateAt(bytes, 0, bytes.length, other))).map((other) => other.format);
}

/**
 * Why `text` does not match `pattern` — its shape, a month above 12, a day its month lacks, the
 * time of day after it — and how it reads otherwise: as another explicit format (`12/31/1999`
 * under `DD/MM/YYYY` reads as MM/DD/YYYY), or without a format.
 */
function patternProblem(text: string, pattern: DatePattern): string {
  const trimmed = text.trim();
  const bytes = encodeText(trimmed);
  const others = otherReadings(bytes, pattern);
  const automatic = others.length === 0 ? parseDate(trimmed) : null;
  const hint = others.length > 0 ? ` (it reads as ${others.join(' or ')})` : automatic === null ? '' : ` (without a date format it reads as ${formatTime(automatic)})`;
  const head = `${quoteValue(trimmed)} does not match the date format ${pattern.format}`;
  const fields = fieldsAt(bytes, 0, bytes.length, pattern);
  if (fields === null) return `${head}${hint}`;
  const { year, month, day } = fields;
  const digit = (bytes[fields.end] ?? 0) - DIGIT_0;
  if (pattern.yearDigits === 2 && digit >= 0 && digit <= 9) return `${head}: its year has more than two digits${hint}`;
  if (month < 1 || month > 12) return `${head}: ${month} is no month${hint}`;
  if (Number.isNaN(civilToMs(year, month, day))) return `${head}: ${MONTH_NAMES[month - 1] ?? ''} ${year} has no day ${day}${hint}`;
  return `${head}: what follows the date is not a time of day, [T or space]HH:MM[:SS[.fff]] with an optional zone (Z, +01:00)${hint}`;
}

/**
 * How the dates of one load are read: the forms detected automatically (`auto`), or the one
 * pattern a date format names. Shared by the CSV layouts and JSON.
 */
export interface DateReader {
  readonly format: DateFormat;
  /** The date in the UTF-8 `bytes[start, end)` (trimmed) as epoch ms, or NaN. */
  at(bytes: Uint8Array, start: number, end: number): number;
  /** The date in `text` as epoch ms, or NaN. */
  text(text: string): number;
  /** A date given as a number (JSON) as epoch ms, or NaN: epoch seconds or milliseconds for `auto`, never for a pattern. */
  number(value: number): number;
  /**
   * Why `text`, a date that did not read (and that {@link DateReader.keep} did not keep), is
   * refused: for `auto` a day and a month before the year that reads neither way, or null for the
   * caller's general message; for a pattern always a message naming the value and the format.
   */
  problem(text: string): string | null;
  /**
   * For `auto`: keeps `text`, a date that did not read, when it is a day and a month before the
   * year (`01/02/2000`, `13/02/00`) — the column's day-month dates are one problem, {@link
   * DateReader.columnProblem} — and says so (true). False for any other date, and for a pattern.
   */
  keep(text: string, where: DateLocation): boolean;
  /**
   * After the last row: the one problem of the dates {@link DateReader.keep} kept, or null.
   * `stoppedEarly`: the load stopped before the last row.
   */
  columnProblem(stoppedEarly: boolean): ColumnProblem | null;
  /** What the single-pass CSV path reads of this load's dates, in a date column named `field`. */
  singlePass(field: string | undefined): SinglePassDates;
  /** Records that the single-pass path read dates in the ten-character form of {@link DateReader.singlePass} (for `auto`, `YYYY-MM-DD`). */
  readFixedWidth(): void;
  /** How the load read its dates: the format given, or the forms `auto` found. */
  reading(): DateReading;
}

/** The forms `auto` reads, in the order {@link DateReading} lists them. */
const FORMS = ['YYYY-MM-DD', 'YYYY/MM/DD', 'ISO date-times', 'YYYYMMDD', 'month names', 'epoch seconds', 'epoch milliseconds', 'YYYY.MM.DD', 'epoch microseconds', 'epoch nanoseconds'] as const;
const ISO_FORM = 1;
const ISO_SLASH_FORM = 2;
const ISO_TIME_FORM = 4;
const COMPACT_FORM = 8;
const MONTH_NAME_FORM = 16;
const EPOCH_SECONDS_FORM = 32;
const EPOCH_MS_FORM = 64;
const ISO_DOT_FORM = 128;
const EPOCH_US_FORM = 256;
const EPOCH_NS_FORM = 512;

/** The form of an epoch number of `digits` digits before any fraction: `epochToMs`'s thresholds (1e11, 1e14, 1e17). */
function epochForm(digits: number): number {
  return digits <= 11 ? EPOCH_SECONDS_FORM : digits <= 14 ? EPOCH_MS_FORM : digits <= 17 ? EPOCH_US_FORM : EPOCH_NS_FORM;
}

/** The form of a date `parseDateAt` read from `bytes[start, end)`, as one of the bits above. */
function formOf(bytes: Uint8Array, start: number, end: number): number {
  const separator = bytes[start + 4];
  const first = bytes[start] ?? 0;
  if ((separator === 45 || separator === 47 || (separator === 46 && bytes[start + 7] === 46)) && first >= DIGIT_0 && first <= DIGIT_0 + 9) {
    if (end - start > 10) return ISO_TIME_FORM;
    return separator === 45 ? ISO_FORM : separator === 47 ? ISO_SLASH_FORM : ISO_DOT_FORM;
  }
  if (first === 45 || (first >= DIGIT_0 && first <= DIGIT_0 + 9)) {
    let digits = 0;
    for (let i = first === 45 ? start + 1 : start; i < end && bytes[i] !== 46; i++) {
      const code = bytes[i] ?? 0;
      // A day first with its month's name (`3 Jan 2000`), not a number.
      if (code < DIGIT_0 || code > DIGIT_0 + 9) return MONTH_NAME_FORM;
      digits++;
    }
    if (digits === 8 && first !== 45 && end - start === 8) return COMPACT_FORM;
    return epochForm(digits);
  }
  return MONTH_NAME_FORM;
}

/** The forms of a bit set, in {@link FORMS}' order. */
function formsOf(seen: number): string[] {
  return FORMS.filter((_, bit) => (seen & (1 << bit)) !== 0);
}

const ISO_DATE = tenCharactersOf('ymd', 45);

/** A year first with a one- or two-digit month and day (`2024-1-5`), and anything after a space or a `T` (a time of day). */
const YEAR_FIRST = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T].*)?$/;

/**
 * The problem of a year-first date with a one-digit month or day (`2024-1-5`, `2024/3/15 09:30`),
 * which automatic detection does not read but `--date-format YYYY-MM-DD` (with the file's
 * separator) does; null for any other text, or for a month or day out of range.
 */
export function yearFirstUnpaddedProblem(text: string): string | null {
  const match = YEAR_FIRST.exec(text.trim());
  if (match === null) return null;
  const [, year = '', separator = '-', month = '', day = ''] = match;
  if (month.length === 2 && day.length === 2) return null;
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(Number(year), m, 0)).getUTCDate()) return null;
  const format = `YYYY${separator}MM${separator}DD`;
  const padded = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return `${quoteValue(text.trim())} has a one-digit month or day, which automatic detection does not read; pass --date-format ${format} (data.dateFormat in a config, dateFormat in code), which reads one or two digits, or write dates as ${padded}`;
}

/** An ISO date (`YYYY-MM-DD`) and, after a `T` or a space, the hours, minutes and seconds of a time. */
const ISO_FIELDS = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/;

/**
 * The problem of an ISO date or date-time in the right form that names no moment: a month or day
 * out of range (`2021-02-29`), or an hour, minute or second (`23:59:60`, a leap second) that no
 * clock shows; null for any other text.
 */
export function impossibleIsoDateProblem(text: string): string | null {
  const trimmed = text.trim();
  const match = ISO_FIELDS.exec(trimmed);
  if (match === null) return null;
  const [, year = '', month = '', day = '', hour, minute, second] = match;
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  const head = `${quoteValue(trimmed)} is in the form of ${hour === undefined ? 'a date, YYYY-MM-DD' : 'an ISO date-time'}, but`;
  if (m < 1 || m > 12) return `${head} ${m} is no month`;
  if (Number.isNaN(civilToMs(y, m, d))) return `${head} ${MONTH_NAMES[m - 1] ?? ''} ${year} has no day ${d}`;
  if (hour !== undefined && Number(hour) > 23) return `${head} ${hour} is no hour (00 to 23)`;
  if (minute !== undefined && Number(minute) > 59) return `${head} ${minute} is no minute (00 to 59)`;
  if (second !== undefined && Number(second) > 59) return `${head} ${second} is no second (00 to 59; a leap second is not counted: write :59)`;
  return null;
}

/** A reader of the forms `auto` detects, with the day-month dates of this one load. */
function autoReader(): DateReader {
  const order = new DayMonthOrder();
  let seen = 0;
  return {
    format: 'auto',
    at: (bytes, start, end) => {
      const time = parseDateAt(bytes, start, end);
      if (!Number.isNaN(time)) seen |= formOf(bytes, start, end);
      return time;
    },
    text: (text) => {
      const bytes = encodeText(text.trim());
      const time = parseDateAt(bytes, 0, bytes.length);
      if (!Number.isNaN(time)) seen |= formOf(bytes, 0, bytes.length);
      return time;
    },
    number: (value) => {
      const time = epochToMs(value);
      if (!Number.isNaN(time)) seen |= epochForm(Math.floor(Math.abs(value)).toString().length);
      return time;
    },
    problem: (text) => dayMonthNeitherProblem(text) ?? yearFirstUnpaddedProblem(text) ?? impossibleIsoDateProblem(text),
    keep: (text, where) => order.keep(text, where),
    columnProblem: (stoppedEarly) => order.problem(stoppedEarly, formsOf(seen)),
    singlePass: (field) => ({ tenCharacters: ISO_DATE, eightCharacters: undefined, dayMonth: new DayMonthDates(order, field) }),
    readFixedWidth: () => {
      seen |= ISO_FORM;
    },
    reading: () => ({ detected: formsOf(seen) }),
  };
}

/** The reader of `format` (default `auto`) for one load (it keeps what the load's dates say together). */
export function dateReaderOf(format: DateFormat | undefined): DateReader {
  if (format === undefined || format === 'auto') return autoReader();
  const pattern = patternOf(format);
  return {
    keep: () => false,
    columnProblem: () => null,
    number: () => Number.NaN,
    readFixedWidth: () => undefined,
    reading: () => ({ given: format }),
    format,
    at: (bytes, start, end) => patternDateAt(bytes, start, end, pattern),
    text: (text) => {
      const bytes = encodeText(text.trim());
      return patternDateAt(bytes, 0, bytes.length, pattern);
    },
    problem: (text) => patternProblem(text, pattern),
    singlePass: () => ({ tenCharacters: tenCharactersOf(pattern.order, pattern.separator, pattern.yearDigits), eightCharacters: eightCharactersOf(pattern), dayMonth: undefined }),
  };
}
