/** A bar time as an ISO string for log events (`String(time)` when it is not finite). */
export function isoTime(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}
