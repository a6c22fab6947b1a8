import { DAY_MS, echoValue, quoteValue } from '@ensemble/protocol';
import type { CsvScanner } from './csv-scanner';
import type { DateReader } from './date-patterns';
import { formatTime } from './dates';
import { classifyBadNumber, describeBadNumber, describeBadValue, parseNumberAt, valueRule } from './numbers';
import type { ProblemCollector } from './problems';
import type { SeriesBuilder } from './series-builder';

/** An hour in milliseconds. */
const HOUR_MS = 3_600_000;

/** Steps within a date, all one way, that establish a file's direction before a step across noon against it is refused. */
const FILE_WAY_STEPS = 3;

/** A time of day's AM or PM. */
const MERIDIEM = /[ap]\.?m\.?$/i;

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
  /** The first time of day with an hour from 1 to 12 and no AM/PM (its line, 0 before one), and its text. */
  private bareLine = 0;
  private bareText = '';
  /** The first time of day with AM or PM (its line, 0 before one), and its text. */
  private meridiemLine = 0;
  private meridiemText = '';
  /** The last time of day without AM/PM: its date and time (epoch ms, ms after midnight) and line. */
  private previousDay = Number.NaN;
  private previousClock = Number.NaN;
  private previousLine = 0;
  /** Steps within a date between times without AM/PM that went forward and back (a 12-hour clock's noon step aside). */
  private stepsForward = 0;
  private stepsBack = 0;
  /** Whether a time without AM/PM had an hour of 0 or 13–23: a 24-hour clock. */
  private twentyFourHours = false;
  /** The line of the refused step of a 12-hour clock without AM/PM, 0 before one. */
  private twelveHourLine = 0;

  constructor(scanner: CsvScanner, names: readonly string[], problems: ProblemCollector, dates: DateReader, duplicateHint = '') {
    this.scanner = scanner;
    this.names = names;
    this.problems = problems;
    this.dates = dates;
    this.duplicateHint = duplicateHint;
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
      this.problems.add('bad-date', message, { row: scanner.line, field, value: raw });
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
    const clock = clockAt(scanner.bytes, scanner.starts[time] ?? 0, scanner.ends[time] ?? 0);
    if (!Number.isNaN(clock)) return clock >= HOUR_MS && clock < 13 * HOUR_MS && !this.bareClock(time) ? Number.NaN : this.bareStep(day, clock, time);
    const raw = scanner.field(time).trim();
    const field = this.names[time];
    if (raw === '') {
      this.problems.add('missing-value', `the time of day is empty; every row of a file with a ${quoteValue(field ?? '')} column needs one`, { row: scanner.line, field });
      return Number.NaN;
    }
    const offset = parseTimeOfDay(raw);
    if (Number.isNaN(offset)) {
      this.problems.add(
        'bad-date',
        `${quoteValue(raw)} is not a time of day; use HH:MM, HH:MM:SS (with fractions of a second if any), HHMM or HHMMSS, on a 24-hour clock or with AM/PM`,
        { row: scanner.line, field, value: raw },
      );
      return Number.NaN;
    }
    if (MERIDIEM.test(raw)) {
      if (this.meridiemLine === 0) {
        this.meridiemLine = scanner.line;
        this.meridiemText = raw;
        if (this.bareLine > 0) return this.mixedClocks(time, this.bareText, this.bareLine, raw);
      }
      return day + offset;
    }
    if (offset >= HOUR_MS && offset < 13 * HOUR_MS && !this.bareClock(time)) return Number.NaN;
    return this.bareStep(day, offset, time);
  }

  /**
   * `day + clock` for a time of day without AM/PM, after looking at the step from the last such
   * row: on a 12-hour clock without its suffix (`12:55` then `1:00` for 13:00) a day's times go
   * back from 12:xx to 1:xx–11:xx (or, newest first, forward from 1:xx–11:xx to 12:xx) while every
   * other step within a date so far, at least three, went the file's way. That step is refused, once, with NaN: read as a
   * 24-hour clock the day would be misordered (or, under `--sort`, silently reordered). Not
   * looked for once an hour of 0 or 13–23 was seen (a 24-hour clock) or AM/PM was.
   */
  private bareStep(day: number, clock: number, time: number): number {
    // Once refused, the file's later times without AM/PM are not read (they would be misread), nor reported again.
    if (this.twelveHourLine !== 0) return Number.NaN;
    const previousDay = this.previousDay;
    const previous = this.previousClock;
    const previousLine = this.previousLine;
    this.previousDay = day;
    this.previousClock = clock;
    this.previousLine = this.scanner.line;
    if (clock < HOUR_MS || clock >= 13 * HOUR_MS) this.twentyFourHours = true;
    if (day !== previousDay || clock === previous || this.twentyFourHours) return day + clock;
    const noon = 12 * HOUR_MS;
    const back = clock < previous;
    // A step across noon on a 12-hour clock: 12:xx → 1:xx–11:xx going back, or the reverse going forward,
    // against the file's direction: every other step within a date so far (at least three) went the other way.
    const acrossNoon = back ? previous >= noon && clock < noon : previous < noon && clock >= noon;
    const against = back ? this.stepsForward >= FILE_WAY_STEPS && this.stepsBack === 0 : this.stepsBack >= FILE_WAY_STEPS && this.stepsForward === 0;
    if (!acrossNoon || !against) {
      if (back) this.stepsBack++;
      else this.stepsForward++;
      return day + clock;
    }
    const scanner = this.scanner;
    this.twelveHourLine = scanner.line;
    const raw = scanner.field(time).trim();
    const field = this.names[time] ?? '';
    // The afternoon's time: this row's going back (12:55 → 1:00), the last row's going forward (newest first).
    const afternoon = back ? clock : previous;
    this.problems.add(
      'bad-date',
      `${quoteValue(raw)} goes ${back ? 'back' : 'forward'} from ${formatClock(previous)} on line ${previousLine} within the same date, while the file's other times within a date go ${back ? 'forward' : 'back'}: the ${quoteValue(field)} column looks like a 12-hour clock without AM or PM, and read as a 24-hour clock the day would be misordered; write AM or PM after every time (${formatClock(afternoon).replace(/^0/, '')} PM), or every time on a 24-hour clock (${formatClock(afternoon + 12 * HOUR_MS)})`,
      { row: scanner.line, field, value: raw },
    );
    return Number.NaN;
  }

  /**
   * Notes a time of day of column `time` with an hour from 1 to 12 and no AM/PM; false when the
   * file writes AM or PM elsewhere (the time could be morning or afternoon), reported once.
   */
  private bareClock(time: number): boolean {
    // After the report (both seen), later ambiguous times are not read either, nor reported again.
    if (this.bareLine > 0) return this.meridiemLine === 0;
    const raw = this.scanner.field(time).trim();
    this.bareLine = this.scanner.line;
    this.bareText = raw;
    return this.meridiemLine === 0 || !Number.isNaN(this.mixedClocks(time, raw, this.scanner.line, this.meridiemText));
  }

  /** Reports, once, that column `time` writes `bare` (line `bareLine`) without AM/PM beside `meridiem` with one; NaN. */
  private mixedClocks(time: number, bare: string, bareLine: number, meridiem: string): number {
    const line = this.scanner.line;
    const other = bareLine === line ? `line ${this.meridiemLine} writes ${quoteValue(meridiem)}` : `line ${bareLine} writes ${quoteValue(bare)} without one`;
    const own = bareLine === line ? `${quoteValue(bare)} has no AM or PM, and ${other}` : `${quoteValue(meridiem)} has AM or PM, and ${other}`;
    this.problems.add(
      'bad-date',
      `${own}: a time from 1:00 to 12:59 without AM or PM could be morning or afternoon; write AM or PM on every row, or every time on a 24-hour clock`,
      { row: line, field: this.names[time], value: bareLine === line ? bare : meridiem },
    );
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
      this.problems.add('duplicate-date', `line ${builder.lastRow} already has ${formatTime(time)}${of}${this.duplicateHint === '' ? '; remove one of the two rows' : this.duplicateHint}`, {
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

/** `H:MM`, `HH:MM:SS.fff`, `HHMM`, `HHMMSS` with an optional `AM`/`PM`. */
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?$/;
const COMPACT_CLOCK = /^(\d{1,2})(\d{2})(\d{2})?(?:\s*([AaPp])\.?[Mm]\.?)?$/;

/**
 * A time of day as milliseconds after midnight, or NaN: `9:30`, `09:30:15`, `09:30:15.250`,
 * `0930`, `093015` (three or four digits are hours and minutes, five or six hours, minutes and
 * seconds), each on a 24-hour clock (00:00 to 23:59:59) or 1 to 12 with `AM`/`PM` (`12:05 AM` is
 * 00:05). Fractions finer than a millisecond are dropped.
 */
export function parseTimeOfDay(text: string): number {
  const clock = CLOCK.exec(text);
  const compact = clock === null ? COMPACT_CLOCK.exec(text) : null;
  if (clock === null && compact === null) return Number.NaN;
  const hours = Number(clock?.[1] ?? compact?.[1]);
  const minutes = Number(clock?.[2] ?? compact?.[2]);
  const seconds = Number(clock?.[3] ?? compact?.[3] ?? 0);
  const fraction = clock?.[4] ?? '';
  const meridiem = (clock?.[5] ?? compact?.[4] ?? '').toLowerCase();
  if (minutes > 59 || seconds > 59) return Number.NaN;
  let hour = hours;
  if (meridiem === '') {
    if (hours > 23) return Number.NaN;
  } else {
    if (hours < 1 || hours > 12) return Number.NaN;
    hour = (hours % 12) + (meridiem === 'p' ? 12 : 0);
  }
  // Epoch milliseconds hold no finer time: digits after the third are dropped.
  const milliseconds = Number(fraction.slice(0, 3).padEnd(3, '0'));
  return ((hour * 60 + minutes) * 60 + seconds) * 1000 + milliseconds;
}

/** Milliseconds after midnight as `HH:MM`, with `:SS` when there are seconds. */
function formatClock(clock: number): string {
  const seconds = Math.floor(clock / 1000) % 60;
  const minutes = Math.floor(clock / 60_000) % 60;
  const hours = Math.floor(clock / HOUR_MS);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(hours)}:${two(minutes)}${seconds === 0 ? '' : `:${two(seconds)}`}`;
}

/** Whether bytes `[start, end)` hold a colon: a date field longer than a bare date that has a time of day. */
function hasColon(bytes: Uint8Array, start: number, end: number): boolean {
  // A date alone (`2024-01-02`, `Jan 15 2024`, `15 January 2024`) has no colon; only longer fields are scanned.
  if (end - start <= 10) return false;
  for (let k = start; k < end; k++) if (bytes[k] === 0x3a) return true;
  return false;
}
