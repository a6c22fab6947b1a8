const DAY_MS = 86_400_000;

/**
 * The UTC calendar month of epoch-ms `time` as `year × 12 + (month − 1)`, from Howard Hinnant's
 * `civil_from_days` (proleptic Gregorian): integer arithmetic only, no `Date` allocation.
 */
export function monthIndexOf(time: number): number {
  const z = Math.floor(time / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}

/** Epoch ms of 00:00 UTC on the first day of month `monthIndex` (`year × 12 + (month − 1)`), from `days_from_civil`. */
export function monthStartMs(monthIndex: number): number {
  const calendarYear = Math.floor(monthIndex / 12);
  const month = monthIndex - calendarYear * 12 + 1;
  const year = month <= 2 ? calendarYear - 1 : calendarYear;
  const era = Math.floor(year / 400);
  const yoe = year - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146_097 + doe - 719_468) * DAY_MS;
}
