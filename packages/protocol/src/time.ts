/** Whether `time` is a time a `Date` can hold (±8.64e15 ms around 1970): `toISOString` throws beyond. */
function datable(time: number): boolean {
  return Number.isFinite(time) && Math.abs(time) <= 8.64e15;
}

/**
 * An epoch-ms time as an ISO 8601 string (`2020-01-02T00:00:00.000Z`), or the number as text when
 * it is not a time a date can hold: the form every log event gives its `time`.
 */
export function isoTime(time: number): string {
  return datable(time) ? new Date(time).toISOString() : String(time);
}

/** A bar's time in words: its date (`2000-07-13`), or its date and time for a bar not at midnight UTC; the number as text when it is no date. */
export function barTime(time: number): string {
  if (!datable(time)) return String(time);
  const iso = new Date(time).toISOString();
  return time % 86_400_000 === 0 ? iso.slice(0, 10) : iso;
}
