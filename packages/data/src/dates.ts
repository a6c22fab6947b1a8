import { DAY_MS, checkArguments, daysFromCivil, monthIndexOfDay, stringIssue } from '@ensemble/protocol';
import { decodeRange, encodeText } from './bytes';

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10,
  nov: 11, november: 11, dec: 12, december: 12,
};
const MONTH_FIRST = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/;
const DAY_FIRST = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$/;
/** The latest time a JavaScript `Date` can hold, in ms. */
const MAX_TIME = 8.64e15;

/** Epoch numbers below this magnitude are seconds; from it on they are milliseconds (1973-03-03 either way). */
export const EPOCH_MS_THRESHOLD = 1e11;
/**
 * Epoch numbers from this magnitude on are microseconds, and from 1,000 times it on nanoseconds
 * (1973-03-03 again): as milliseconds they would be after the year 5138, no market's date.
 * Binance writes its spot klines in microseconds since 2025; pandas' `int64` times are nanoseconds.
 */
export const EPOCH_US_THRESHOLD = 1e14;
/** Epoch numbers below this magnitude are rejected: likely a year or `YYYYMMDD`, not a timestamp. */
export const EPOCH_MIN_MAGNITUDE = 1e8;

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/** Midnight UTC of a calendar date in epoch ms, or NaN when the date does not exist. */
export function civilToMs(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  return daysFromCivil(year, month, day) * DAY_MS;
}

/** The byte at `index`, or -1 past the end. */
function at(bytes: Uint8Array, index: number): number {
  return bytes[index] ?? -1;
}

/** The value of `count` decimal digits at `start`, or -1 if any is not a digit. */
function digitsAt(bytes: Uint8Array, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = at(bytes, i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Converts an epoch number to milliseconds, deciding the unit by magnitude: below 1e11 it is
 * seconds, from 1e11 on milliseconds, from 1e14 on microseconds and from 1e17 on nanoseconds
 * (every threshold falls on 1973-03-03), up to 1e20 (no unit reads a date after the year 5138).
 * Magnitudes below 1e8 are rejected (NaN) as more likely a year or a `YYYYMMDD` date than a timestamp.
 */
export function epochToMs(value: number): number {
  if (!Number.isFinite(value)) return Number.NaN;
  const magnitude = Math.abs(value);
  if (magnitude < EPOCH_MIN_MAGNITUDE) return Number.NaN;
  // Nanoseconds end where they would be after the year 5138, as every unit does.
  if (magnitude >= EPOCH_US_THRESHOLD * 1e6) return Number.NaN;
  const ms =
    magnitude < EPOCH_MS_THRESHOLD ? value * 1000 : magnitude < EPOCH_US_THRESHOLD ? value : magnitude < EPOCH_US_THRESHOLD * 1000 ? value / 1000 : value / 1_000_000;
  return Math.abs(ms) > MAX_TIME ? Number.NaN : Math.round(ms);
}

/** `-`, `/` or `.`: the separators of a year-first date (`YYYY.MM.DD` is MetaTrader's). */
function yearFirstSeparator(code: number): boolean {
  return code === 45 || code === 47 || code === 46;
}

/** `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY.MM.DD` at `start` (10 characters), or NaN. */
function isoDateAt(bytes: Uint8Array, start: number): number {
  const separator = at(bytes, start + 4);
  if (!yearFirstSeparator(separator) || at(bytes, start + 7) !== separator) return Number.NaN;
  const year = digitsAt(bytes, start, 4);
  const month = digitsAt(bytes, start + 5, 2);
  const day = digitsAt(bytes, start + 8, 2);
  if (year < 0 || month < 0 || day < 0) return Number.NaN;
  return civilToMs(year, month, day);
}

/**
 * What the date-times read since {@link resetZoneTally} wrote: `localMidnights` counts those at
 * 00:00 of their day with a UTC offset other than 0 (`2021-04-01 00:00:00+02:00`, as pandas writes
 * a daily index in an exchange's time zone), `others` every date-time not at midnight (a midnight
 * at offset 0 is the same instant and day either way). When a file's are all midnights, some with
 * an offset, each stands for the calendar day it names, which read as an instant would fall on the
 * day before east of Greenwich ({@link readingCalendarDays}) — so too in a London file, whose
 * winter days are +00:00 and summer days +01:00.
 */
const zoneTally = { localMidnights: 0, others: 0 };
/** While true, {@link isoTimeAt} leaves the offset out: a time of day is read as on the day it names. */
let calendarDays = false;

/** Starts a new count of {@link zoneTally} (a load calls it before reading its dates). */
export function resetZoneTally(): void {
  zoneTally.localMidnights = 0;
  zoneTally.others = 0;
}

/** True when every date-time read since {@link resetZoneTally} was a local midnight with an offset (and there was one). */
export function onlyLocalMidnights(): boolean {
  return zoneTally.localMidnights > 0 && zoneTally.others === 0;
}

/** Runs `read` with date-times read as the calendar day and time they name, their offsets left out. */
export function readingCalendarDays<T>(read: () => T): T {
  calendarDays = true;
  try {
    return read();
  } finally {
    calendarDays = false;
  }
}

/**
 * The time of day and zone after a date, from `start` (after the `T` or space) to `end`:
 * `HH:MM[:SS[.fff]][Z|±HH[:MM]]`, in ms from midnight UTC, or NaN. Inside {@link
 * readingCalendarDays} the offset is left out.
 */
export function isoTimeAt(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  const hour = digitsAt(bytes, i, 2);
  if (hour < 0 || hour > 23 || at(bytes, i + 2) !== 58) return Number.NaN;
  const minute = digitsAt(bytes, i + 3, 2);
  if (minute < 0 || minute > 59) return Number.NaN;
  i += 5;
  let second = 0;
  let millisecond = 0;
  if (i < end && at(bytes, i) === 58) {
    second = digitsAt(bytes, i + 1, 2);
    if (second < 0 || second > 59) return Number.NaN;
    i += 3;
    if (i < end && (at(bytes, i) === 46 || at(bytes, i) === 44)) {
      i++;
      let scale = 100;
      const fractionStart = i;
      while (i < end) {
        const digit = at(bytes, i) - 48;
        if (digit < 0 || digit > 9) break;
        millisecond += digit * scale;
        scale /= 10;
        i++;
      }
      if (i === fractionStart) return Number.NaN;
      millisecond = Math.floor(millisecond);
    }
  }
  let offset = 0;
  if (i < end) {
    const zone = at(bytes, i);
    if (zone === 90 || zone === 122) {
      i++;
    } else if (zone === 43 || zone === 45) {
      const sign = zone === 43 ? 1 : -1;
      const offsetHours = digitsAt(bytes, i + 1, 2);
      if (offsetHours < 0 || offsetHours > 23) return Number.NaN;
      i += 3;
      let offsetMinutes = 0;
      if (i < end) {
        if (at(bytes, i) === 58) i++;
        offsetMinutes = digitsAt(bytes, i, 2);
        if (offsetMinutes < 0 || offsetMinutes > 59) return Number.NaN;
        i += 2;
      }
      offset = sign * (offsetHours * 60 + offsetMinutes) * 60_000;
    } else {
      return Number.NaN;
    }
  }
  if (i !== end) return Number.NaN;
  const local = ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
  // A midnight at offset 0 reads the same either way: a London file's winter days (+00:00) beside
  // its summer ones (+01:00) are all days.
  if (local === 0 && offset !== 0) zoneTally.localMidnights++;
  else if (local !== 0) zoneTally.others++;
  return calendarDays ? local : local - offset;
}

function epochAt(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  if (at(bytes, i) === 45) i++;
  const integerStart = i;
  while (i < end) {
    const digit = at(bytes, i) - 48;
    if (digit < 0 || digit > 9) break;
    i++;
  }
  const integerDigits = i - integerStart;
  if (integerDigits === 0) return Number.NaN;
  if (i < end) {
    if (at(bytes, i) !== 46 || i + 1 === end) return Number.NaN;
    for (let j = i + 1; j < end; j++) {
      const digit = at(bytes, j) - 48;
      if (digit < 0 || digit > 9) return Number.NaN;
    }
  } else if (integerDigits === 8 && start === integerStart) {
    return civilToMs(digitsAt(bytes, start, 4), digitsAt(bytes, start + 4, 2), digitsAt(bytes, start + 6, 2));
  }
  return epochToMs(Number(decodeRange(bytes, start, end)));
}

function monthNameDate(text: string): number {
  let match = MONTH_FIRST.exec(text);
  let monthName: string | undefined;
  let day: string | undefined;
  let year: string | undefined;
  if (match) [, monthName, day, year] = match;
  else if ((match = DAY_FIRST.exec(text))) [, day, monthName, year] = match;
  if (monthName === undefined || day === undefined || year === undefined) return Number.NaN;
  const month = MONTHS[monthName.toLowerCase()];
  return month === undefined ? Number.NaN : civilToMs(Number(year), month, Number(day));
}

/**
 * Parses the date in the UTF-8 `bytes[start, end)` to epoch ms (UTC), or NaN. The common `YYYY-MM-DD` path
 * allocates nothing. See {@link parseDate} for the accepted forms.
 */
export function parseDateAt(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if (length <= 0) return Number.NaN;
  const first = at(bytes, start);
  if (first >= 48 && first <= 57 && length >= 10) {
    const separator = at(bytes, start + 4);
    if (yearFirstSeparator(separator)) {
      const day = isoDateAt(bytes, start);
      if (length === 10 || Number.isNaN(day)) return day;
      const t = at(bytes, start + 10);
      if (t !== 84 && t !== 116 && t !== 32) return Number.NaN;
      return day + isoTimeAt(bytes, start + 11, end);
    }
  }
  if ((first >= 48 && first <= 57) || first === 45) {
    const epoch = epochAt(bytes, start, end);
    if (!Number.isNaN(epoch)) return epoch;
  }
  return monthNameDate(decodeRange(bytes, start, end).trim());
}

/**
 * Parses a date to epoch milliseconds (UTC), or returns null. Accepted: `YYYY-MM-DD` (also
 * `YYYY/MM/DD` and `YYYY.MM.DD`); ISO date-times `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`, `±HH:MM` or no zone (then
 * UTC), `T` or a space between date and time; month names `Jan 1 2000`, `January 1, 2000`,
 * `1 Jan 2000`; `YYYYMMDD`; epoch numbers, seconds below 1e11 and milliseconds from 1e11 on
 * (magnitudes below 1e8 are rejected as ambiguous). Impossible dates such as `2001-02-29` fail.
 */
export function parseDate(text: string): number | null {
  if (typeof text !== 'string') checkArguments('parseDate', [stringIssue(text, 'text', 'a date (a string such as 2020-01-31)')]);
  const bytes = encodeText(text.trim());
  const time = parseDateAt(bytes, 0, bytes.length);
  return Number.isNaN(time) ? null : time;
}

/** True when `text` names a whole day (no time of day), so an inclusive upper bound covers all of it. */
export function isDateOnly(text: string): boolean {
  const trimmed = text.trim();
  return /^\d{4}[-/]\d{2}[-/]\d{2}$|^\d{8}$/.test(trimmed) || MONTH_FIRST.test(trimmed) || DAY_FIRST.test(trimmed);
}

/** Formats epoch ms as `YYYY-MM-DD` (UTC) when at midnight, else as a full ISO date-time. */
export function formatTime(time: number): string {
  if (!Number.isFinite(time) || Math.abs(time) > MAX_TIME) return String(time);
  const iso = new Date(time).toISOString();
  return time % DAY_MS === 0 ? iso.slice(0, 10) : iso;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Formats days since 1970-01-01 as `YYYY-MM-DD` (years 0–9999; allocation-free but for the string). */
export function formatDay(days: number): string {
  const monthIndex = monthIndexOfDay(days);
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  if (year < 0 || year > 9999) return formatDate(days * DAY_MS);
  const day = days - daysFromCivil(year, month, 1) + 1;
  return `${String(year).padStart(4, '0')}-${TWO_DIGITS[month] ?? ''}-${TWO_DIGITS[day] ?? ''}`;
}

/** Formats epoch ms as `YYYY-MM-DD` (UTC). */
export function formatDate(time: number): string {
  if (!Number.isFinite(time) || Math.abs(time) > MAX_TIME) return String(time);
  return new Date(time).toISOString().slice(0, 10);
}
