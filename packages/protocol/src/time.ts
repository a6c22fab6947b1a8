/**
 * An epoch-ms time as an ISO 8601 string (`2020-01-02T00:00:00.000Z`), or the number as text when
 * it is not a finite time: the form every log event gives its `time`.
 */
export function isoTime(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}

/** A bar's time in words: its date (`2000-07-13`), or its date and time for a bar not at midnight UTC. */
export function barTime(time: number): string {
  if (!Number.isFinite(time)) return String(time);
  const iso = new Date(time).toISOString();
  return time % 86_400_000 === 0 ? iso.slice(0, 10) : iso;
}
