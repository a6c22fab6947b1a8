/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

/** A calendar period (UTC): ISO weeks (Monday to Sunday), months, quarters (Jan–Mar, …) and years. */
export type CalendarPeriod = 'week' | 'month' | 'quarter' | 'year';

/**
 * Months since year 0 (`year × 12 + month − 1`, month 1–12) of the proleptic Gregorian date
 * `days` days after 1970-01-01, by Howard Hinnant's `civil_from_days`: integer arithmetic only,
 * no `Date` allocation, for hot loops.
 */
export function monthIndexOfDay(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March … 11 = February
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9; // 1..12
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}

/** The UTC calendar month of epoch-ms `time` as `year × 12 + (month − 1)` ({@link monthIndexOfDay}). */
export function monthIndexOf(time: number): number {
  return monthIndexOfDay(Math.floor(time / DAY_MS));
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (month 1–12; Howard Hinnant's
 * `days_from_civil`). Does not check that the date exists.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Epoch ms of 00:00 UTC on the first day of month `monthIndex` (`year × 12 + (month − 1)`). */
export function monthStartMs(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  return daysFromCivil(year, monthIndex - year * 12 + 1, 1) * DAY_MS;
}

/**
 * A number that is equal for two epoch-ms times exactly when they fall in the same calendar
 * `period` (UTC). Allocation-free, for use in hot loops.
 */
export function calendarPeriodKey(time: number, period: CalendarPeriod): number {
  switch (period) {
    case 'week':
      // 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
      return Math.floor((Math.floor(time / DAY_MS) + 3) / 7);
    case 'month':
      return monthIndexOf(time);
    case 'quarter':
      return Math.floor(monthIndexOf(time) / 3);
    case 'year':
      return Math.floor(monthIndexOf(time) / 12);
  }
}

/**
 * Epoch ms of 00:00 UTC on the first day of calendar period `key` (a {@link calendarPeriodKey}
 * value of `period`): weeks start on Monday. For whole-ms times `t`, `calendarPeriodKey(t, period)
 * >= key` exactly when `t >= calendarPeriodStart(key, period)`.
 */
export function calendarPeriodStart(key: number, period: CalendarPeriod): number {
  switch (period) {
    case 'week':
      return (7 * key - 3) * DAY_MS;
    case 'month':
      return monthStartMs(key);
    case 'quarter':
      return monthStartMs(3 * key);
    case 'year':
      return monthStartMs(12 * key);
  }
}
