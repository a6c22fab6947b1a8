/**
 * An epoch-ms time as an ISO 8601 string (`2020-01-02T00:00:00.000Z`), or the number as text when
 * it is not a finite time: the form every log event gives its `time`.
 */
export function isoTime(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}
