import { quoteValue } from '@ensemble/protocol';

/** An hour in milliseconds. */
const HOUR_MS = 3_600_000;

/** A time of day's AM or PM. */
export const MERIDIEM = /[ap]\.?m\.?$/i;

/** Steps within a date, all one way, that establish a file's direction before a step across noon against it is refused. */
const FILE_WAY_STEPS = 3;

/** What a time of day that does not read is told: the forms that do. */
export function notATimeOfDay(raw: string): string {
  return `${quoteValue(raw)} is not a time of day; use HH:MM, HH:MM:SS (with fractions of a second if any), HHMM or HHMMSS, on a 24-hour clock or with AM/PM`;
}

/**
 * Where a {@link ClockChecks} reads its times of day: a CSV file's time column (rows are lines) or
 * a JSON file's `time` fields (rows are elements).
 */
export interface ClockSource {
  /** What holds the times, for messages: a CSV `column` or a JSON `field`. */
  readonly kind: 'column' | 'field';
  /** Where row `row` is, for messages: `line 5`, `element 5`. */
  place(row: number): string;
  /** The current row's time of day as written. */
  text(): string;
  /** The name of the current row's time column or field. */
  field(): string;
  /** Reports a `bad-date` problem of the current row's time of day. */
  report(message: string, row: number, value: string): void;
}

/**
 * The rules of a file's times of day across its rows, shared by the CSV and JSON readers: a file
 * that writes AM or PM on some rows cannot write an hour from 1 to 12 without it on others, and a
 * 12-hour clock without AM or PM (a date's times going back from 12:xx to 1:xx) is refused rather
 * than read as a 24-hour clock. Each is reported once; later ambiguous times are not read.
 */
export class ClockChecks {
  private readonly source: ClockSource;
  /** The first time of day with an hour from 1 to 12 and no AM/PM (its row, 0 before one), and its text. */
  private bareRow = 0;
  private bareText = '';
  /** The first time of day with AM or PM (its row, 0 before one), and its text. */
  private meridiemRow = 0;
  private meridiemText = '';
  /** The last time of day without AM/PM: its date and time (epoch ms, ms after midnight) and row. */
  private previousDay = Number.NaN;
  private previousClock = Number.NaN;
  private previousRow = 0;
  /** Steps within a date between times without AM/PM that went forward and back (a 12-hour clock's noon step aside). */
  private stepsForward = 0;
  private stepsBack = 0;
  /** Whether a time without AM/PM had an hour of 0 or 13–23: a 24-hour clock. */
  private twentyFourHours = false;
  /** The row of the refused step of a 12-hour clock without AM/PM, 0 before one. */
  private twelveHourRow = 0;

  constructor(source: ClockSource) {
    this.source = source;
  }

  /** `day + clock` for a time of day written with AM or PM at `row`, or NaN after reporting why not. */
  meridiem(day: number, clock: number, row: number, raw: string): number {
    if (this.meridiemRow === 0) {
      this.meridiemRow = row;
      this.meridiemText = raw;
      if (this.bareRow > 0) return this.mixedClocks(this.bareText, this.bareRow, raw, row);
    }
    return day + clock;
  }

  /** `day + clock` for a time of day written without AM or PM at `row`, or NaN after reporting why not. */
  bare(day: number, clock: number, row: number): number {
    if (clock >= HOUR_MS && clock < 13 * HOUR_MS && !this.bareClock(row)) return Number.NaN;
    return this.bareStep(day, clock, row);
  }

  /**
   * Notes a time of day with an hour from 1 to 12 and no AM/PM; false when the file writes AM or
   * PM elsewhere (the time could be morning or afternoon), reported once.
   */
  private bareClock(row: number): boolean {
    // After the report (both seen), later ambiguous times are not read either, nor reported again.
    if (this.bareRow > 0) return this.meridiemRow === 0;
    const raw = this.source.text();
    this.bareRow = row;
    this.bareText = raw;
    if (this.meridiemRow === 0) return true;
    this.mixedClocks(raw, row, this.meridiemText, row);
    return false;
  }

  /** Reports, once, that `bare` (row `bareRow`) has no AM/PM beside `meridiem` with one; NaN. */
  private mixedClocks(bare: string, bareRow: number, meridiem: string, row: number): number {
    const place = (at: number) => this.source.place(at);
    const other = bareRow === row ? `${place(this.meridiemRow)} writes ${quoteValue(meridiem)}` : `${place(bareRow)} writes ${quoteValue(bare)} without one`;
    const own = bareRow === row ? `${quoteValue(bare)} has no AM or PM, and ${other}` : `${quoteValue(meridiem)} has AM or PM, and ${other}`;
    this.source.report(
      `${own}: a time from 1:00 to 12:59 without AM or PM could be morning or afternoon; write AM or PM on every row, or every time on a 24-hour clock`,
      row,
      bareRow === row ? bare : meridiem,
    );
    return Number.NaN;
  }

  /**
   * `day + clock` for a time of day without AM/PM, after looking at the step from the last such
   * row: on a 12-hour clock without its suffix (`12:55` then `1:00` for 13:00) a day's times go
   * back from 12:xx to 1:xx–11:xx (or, newest first, forward from 1:xx–11:xx to 12:xx) while every
   * other step within a date so far, at least three, went the file's way. That step is refused,
   * once, with NaN: read as a 24-hour clock the day would be misordered (or, sorted, silently
   * reordered). Not looked for once an hour of 0 or 13–23 was seen (a 24-hour clock).
   */
  private bareStep(day: number, clock: number, row: number): number {
    // Once refused, the file's later times without AM/PM are not read (they would be misread), nor reported again.
    if (this.twelveHourRow !== 0) return Number.NaN;
    const previousDay = this.previousDay;
    const previous = this.previousClock;
    const previousRow = this.previousRow;
    this.previousDay = day;
    this.previousClock = clock;
    this.previousRow = row;
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
    this.twelveHourRow = row;
    const raw = this.source.text();
    // The afternoon's time: this row's going back (12:55 → 1:00), the last row's going forward (newest first).
    const afternoon = back ? clock : previous;
    this.source.report(
      `${quoteValue(raw)} goes ${back ? 'back' : 'forward'} from ${formatClock(previous)} on ${this.source.place(previousRow)} within the same date, while the file's other times within a date go ${back ? 'forward' : 'back'}: the ${quoteValue(this.source.field())} ${this.source.kind} looks like a 12-hour clock without AM or PM, and read as a 24-hour clock the day would be misordered; write AM or PM after every time (${formatClock(afternoon).replace(/^0/, '')} PM), or every time on a 24-hour clock (${formatClock(afternoon + 12 * HOUR_MS)})`,
      row,
      raw,
    );
    return Number.NaN;
  }
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

