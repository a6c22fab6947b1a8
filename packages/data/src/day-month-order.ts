import { fullYear, quoteValue } from '@ensemble/protocol';
import { decodeRange, encodeText } from './bytes';
import { COMMA, NEWLINE, RETURN, SPACE } from './csv-scanner';
import { civilToMs, isoTimeAt } from './dates';

/**
 * A date of two short numbers and a year, `01/03/1995`, `3.1.1995`, `01-03-95`: day and month in
 * an order not written down; then perhaps, after `T` or a space, what a date format reads as a
 * time of day (`03/01/2000 09:30`), checked with {@link isoTimeAt}. {@link DayMonthDates.scan}
 * recognises the same dates in a CSV row's bytes.
 */
const NUMERIC_DAY_MONTH = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[Tt ](.*))?$/;

/** Where a date of the column is: its problem's row and field, and how a message names it (`line 14`, `AAPL[3].date`). */
export interface DateLocation {
  readonly row: number;
  readonly field: string | undefined;
  readonly place: string;
}

/** The one problem of a column's day-month dates: its message, and the row, field and value it is reported at. */
export interface ColumnProblem {
  readonly message: string;
  readonly row: number;
  readonly field: string | undefined;
  readonly value: string;
}

/** How a day and a month before the year read: neither way, only day first, only month first, both ways alike (`05/05`), or two ways. */
const NEITHER = 0;
const DAY_FIRST_ONLY = 1;
const MONTH_FIRST_ONLY = 2;
const SAME_WAYS = 3;
const BOTH_WAYS = 4;
type Readings = typeof NEITHER | typeof DAY_FIRST_ONLY | typeof MONTH_FIRST_ONLY | typeof SAME_WAYS | typeof BOTH_WAYS;

/** How `first` and `second` before `year` (the full year) read as a month and a day, in one order or the other. */
function readingsOf(year: number, first: number, second: number): Readings {
  const monthFirst = !Number.isNaN(civilToMs(year, first, second));
  const dayFirst = !Number.isNaN(civilToMs(year, second, first));
  if (!monthFirst) return dayFirst ? DAY_FIRST_ONLY : NEITHER;
  if (!dayFirst) return MONTH_FIRST_ONLY;
  return first === second ? SAME_WAYS : BOTH_WAYS;
}

/** A day-month date as read both ways: each reading as `YYYY-MM-DD`, null when it is no date. */
interface Sighting {
  readonly text: string;
  readonly where: DateLocation;
  readonly separator: string;
  /** The year as written: `YYYY` or `YY`. */
  readonly year: 'YYYY' | 'YY';
  readonly monthFirst: string | null;
  readonly dayFirst: string | null;
  readonly readings: Readings;
}

function sightingOf(text: string, where: DateLocation): Sighting | null {
  const match = NUMERIC_DAY_MONTH.exec(text.trim());
  if (match === null) return null;
  const [, first = '', separator = '/', second = '', yearText = '', time] = match;
  if (time !== undefined) {
    const bytes = encodeText(time);
    if (Number.isNaN(isoTimeAt(bytes, 0, bytes.length))) return null;
  }
  const year = yearText.length === 2 ? fullYear(Number(yearText)) : Number(yearText);
  const digits = String(year).padStart(4, '0');
  const iso = (month: number, day: number): string | null => (Number.isNaN(civilToMs(year, month, day)) ? null : `${digits}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  return {
    text: text.trim(),
    where,
    separator,
    year: yearText.length === 2 ? 'YY' : 'YYYY',
    monthFirst: iso(Number(first), Number(second)),
    dayFirst: iso(Number(second), Number(first)),
    readings: readingsOf(year, Number(first), Number(second)),
  };
}

/** Why `text` is refused when it is a day and a month before the year that reads neither way (`31/02/2000`); null for any other text. */
export function dayMonthNeitherProblem(text: string): string | null {
  const sighting = sightingOf(text, { row: 0, field: undefined, place: '' });
  if (sighting === null) return null;
  if (sighting.readings !== NEITHER) return null;
  return `${quoteValue(sighting.text)} is not a date, month first or day first; write dates as YYYY-MM-DD`;
}

function formatOf(order: 'day' | 'month', sighting: Sighting): string {
  const s = sighting.separator;
  return order === 'day' ? `DD${s}MM${s}${sighting.year}` : `MM${s}DD${s}${sighting.year}`;
}

/**
 * `--date-format …` to pass (with the two-digit years' pivot when the format has one), and the
 * other way out; when the column's other dates read in forms of their own (`otherForms`, such as
 * `YYYY-MM-DD`), a format would refuse those: these dates are to be written as they are.
 */
function remedy(formats: string, sighting: Sighting, otherForms: readonly string[]): string {
  if (otherForms.length > 0) return `the column's other dates are ${otherForms.join(', ')}, which a date format would refuse: write these as YYYY-MM-DD too`;
  const years = sighting.year === 'YY' ? '; YY 00–68 is 2000–2068, 69–99 is 1969–1999' : '';
  return `pass --date-format ${formats} (data.dateFormat in a config, dateFormat in code${years}), or write dates as YYYY-MM-DD`;
}

/** What automatic detection does not read of `sighting`: a day and a month before the year, and a two-digit year. */
function unread(sighting: Sighting): string {
  return sighting.year === 'YY' ? 'automatic detection reads no two-digit year and no day and month before the year' : 'automatic detection does not read a day and a month before the year';
}

/**
 * What the dates of one column written as a day and a month before the year (`01/02/2000`,
 * `13/02/00`) say together, for one problem instead of one per row: the automatic detection
 * reads none of them (nor two-digit years), and whether the column shows its order — a date that
 * reads only day first (a day above 12 first) or only month first — decides what the problem
 * names: the one order the dates allow, a row of each order when they contradict each other, or
 * the first date that reads both ways when no row settles it.
 */
export class DayMonthOrder {
  private count = 0;
  private bothWays: Sighting | undefined;
  private sameWays: Sighting | undefined;
  private dayFirstOnly: Sighting | undefined;
  private monthFirstOnly: Sighting | undefined;

  /**
   * Keeps `text` for the column's problem when it is a day and a month before the year that reads
   * at least one way (true); false for any other text, which the caller reports itself.
   */
  keep(text: string, where: DateLocation): boolean {
    const sighting = sightingOf(text, where);
    if (sighting === null || sighting.readings === NEITHER) return false;
    this.count++;
    if (sighting.readings === DAY_FIRST_ONLY) this.dayFirstOnly ??= sighting;
    else if (sighting.readings === MONTH_FIRST_ONLY) this.monthFirstOnly ??= sighting;
    else if (sighting.readings === SAME_WAYS) this.sameWays ??= sighting;
    else this.bothWays ??= sighting;
    return true;
  }

  /**
   * Counts one more date that reads as `readings` when a date of that kind is already kept (true):
   * the problem names only the first of each kind. False when none is: the caller keeps the date
   * with {@link DayMonthOrder.keep}.
   */
  tally(readings: Readings): boolean {
    const kept = readings === DAY_FIRST_ONLY ? this.dayFirstOnly : readings === MONTH_FIRST_ONLY ? this.monthFirstOnly : readings === SAME_WAYS ? this.sameWays : this.bothWays;
    if (kept === undefined) return false;
    this.count++;
    return true;
  }

  /**
   * The one problem of the dates kept, or null when none were. `stoppedEarly` says the load
   * stopped before the last row (too many problems): a later row might have settled the order.
   * `otherForms`: the forms the column's other dates were read in (none when all are day-month).
   */
  problem(stoppedEarly: boolean, otherForms: readonly string[] = []): ColumnProblem | null {
    const { dayFirstOnly: day, monthFirstOnly: month } = this;
    const at = (sighting: Sighting, message: string): ColumnProblem => ({ message, row: sighting.where.row, field: sighting.where.field, value: sighting.text });
    const subject = otherForms.length > 0 ? 'the day-month dates' : 'the dates';
    const others = this.count > 1 ? ` (${this.count.toLocaleString('en-US')} day-month dates from ${this.first()?.where.place ?? ''} on)` : '';
    if (day !== undefined && month !== undefined) {
      const [earlier, later] = day.where.row <= month.where.row ? [day, month] : [month, day];
      const order = (sighting: Sighting) => (sighting === day ? 'day first' : 'month first');
      return at(
        earlier,
        `${subject} are in two orders: ${earlier.where.place} has ${quoteValue(earlier.text)}, only ${order(earlier)}, and ${later.where.place} ${quoteValue(later.text)}, only ${order(later)}; a file has one date format: correct the rows in the other order, then ${remedy(`${formatOf('day', day)} or ${formatOf('month', month)}`, day, otherForms)}`,
      );
    }
    const settled = day ?? month;
    if (settled !== undefined) {
      const order = settled === day ? 'day' : 'month';
      return at(
        settled,
        `${subject} are ${order} first: ${settled.where.place} has ${quoteValue(settled.text)} (${settled.dayFirst ?? settled.monthFirst ?? ''} only), and no date reads only ${order === 'day' ? 'month' : 'day'} first${others}; ${unread(settled)}: ${remedy(formatOf(order, settled), settled, otherForms)}`,
      );
    }
    const open = this.bothWays ?? this.sameWays;
    if (open === undefined) return null;
    const readings = open.monthFirst === open.dayFirst ? `${open.monthFirst ?? ''} either way` : `${open.monthFirst ?? ''} or ${open.dayFirst ?? ''}`;
    const read = stoppedEarly ? ' read before the load stopped' : '';
    const years = open.year === 'YY' ? '; automatic detection reads no two-digit year' : '';
    return at(
      open,
      `month first or day first? ${open.where.place} has ${quoteValue(open.text)} (${readings}), and no date${read} has a day above 12 to settle it${others}${years}; the loader does not guess: ${remedy(`${formatOf('month', open)} or ${formatOf('day', open)}`, open, otherForms)}`,
    );
  }

  /** The earliest date kept. */
  private first(): Sighting | undefined {
    return [this.bothWays, this.sameWays, this.dayFirstOnly, this.monthFirstOnly].filter((s) => s !== undefined).sort((a, b) => a.where.row - b.where.row)[0];
  }
}

const SLASH = 47;
const DOT = 46;
const DASH = 45;
const UPPER_T = 84;
const LOWER_T = 116;

/**
 * The single-pass CSV path's reader of a column's day-month dates under `auto`: recognises one in
 * place, in the UTF-8 bytes of an unquoted field, as {@link DayMonthOrder.keep} recognises its text
 * (one or two digits, `/`, `.` or `-`, one or two digits, the same separator, a year of two or
 * four digits, perhaps a time of day after `T` or a space), and keeps it in the load's order,
 * decoding its text only when it is the first of its kind.
 */
export class DayMonthDates {
  private readonly order: DayMonthOrder;
  private readonly field: string | undefined;
  private readings: Readings = NEITHER;

  /** `field` is the date column's name, as the column's problem names it. */
  constructor(order: DayMonthOrder, field: string | undefined) {
    this.order = order;
    this.field = field;
  }

  /**
   * Where the field from `start` ends (at a comma, a line break or the end of the input) when it
   * is a day-month date that reads at least one way; -1 for anything else, which the general path
   * reads (and reports).
   */
  scan(bytes: Uint8Array, start: number, length: number): number {
    let i = start;
    let first = 0;
    let digits = 0;
    let c = 0;
    while (i < length && digits < 2 && (c = (bytes[i] ?? 0) - 48) >= 0 && c <= 9) {
      first = first * 10 + c;
      digits++;
      i++;
    }
    const separator = bytes[i];
    if (digits === 0 || (separator !== SLASH && separator !== DOT && separator !== DASH)) return -1;
    i++;
    let second = 0;
    digits = 0;
    while (i < length && digits < 2 && (c = (bytes[i] ?? 0) - 48) >= 0 && c <= 9) {
      second = second * 10 + c;
      digits++;
      i++;
    }
    if (digits === 0 || bytes[i] !== separator) return -1;
    i++;
    let year = 0;
    digits = 0;
    while (i < length && (c = (bytes[i] ?? 0) - 48) >= 0 && c <= 9) {
      year = year * 10 + c;
      digits++;
      i++;
    }
    if (digits !== 2 && digits !== 4) return -1;
    const after = i < length ? (bytes[i] ?? 0) : NEWLINE;
    if (after === UPPER_T || after === LOWER_T || after === SPACE) {
      const time = i + 1;
      i = time;
      while (i < length && (c = bytes[i] ?? 0) !== COMMA && c !== NEWLINE && c !== RETURN) i++;
      if (Number.isNaN(isoTimeAt(bytes, time, i))) return -1;
    } else if (after !== COMMA && after !== NEWLINE && after !== RETURN) {
      return -1;
    }
    this.readings = readingsOf(digits === 2 ? fullYear(year) : year, first, second);
    return this.readings === NEITHER ? -1 : i;
  }

  /** Keeps the date {@link DayMonthDates.scan} last read, `bytes[start, end)` on line `line`, for the column's problem. */
  keep(bytes: Uint8Array, start: number, end: number, line: number): void {
    if (this.order.tally(this.readings)) return;
    this.order.keep(decodeRange(bytes, start, end), { row: line, field: this.field, place: `line ${line}` });
  }
}
