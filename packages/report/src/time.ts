import { checkArguments, stringIssue } from '@ensemble/protocol';
import { numberIssue, reportInputIssue, timeFormatIssue } from './argument-checks';
import type { ReportInput } from './report-input';

const DAY_MS = 86_400_000;

/**
 * How times are written in a report: `date` (`YYYY-MM-DD`) when every time of the input is a UTC
 * midnight (daily bars), `datetime` (full ISO 8601, `YYYY-MM-DDTHH:mm:ss.sssZ`) otherwise. Either
 * way the conversion is lossless.
 */
export type TimeFormat = 'date' | 'datetime';

function allMidnight(times: Iterable<number>): boolean {
  for (const time of times) {
    if (time % DAY_MS !== 0) return false;
  }
  return true;
}

/** The {@link TimeFormat} of a report: `date` when every time in `input` is a UTC midnight. */
export function detectTimeFormat(input: ReportInput): TimeFormat {
  checkArguments('detectTimeFormat', [reportInputIssue(input)]);
  const { portfolio } = input;
  const eventTimes = [
    ...portfolio.trades.flatMap((trade) => [trade.entryTime, trade.exitTime]),
    ...portfolio.fills.map((fill) => fill.time),
    ...input.rebalances.map((event) => event.time),
    ...input.conflicts.map((event) => event.time),
    ...input.risk.map((event) => event.time),
    ...input.sleeves.flatMap((sleeve) => [
      ...sleeve.trades.flatMap((trade) => [trade.entryTime, trade.exitTime]),
      ...sleeve.fills.map((fill) => fill.time),
    ]),
  ];
  const columns: Iterable<number>[] = [
    portfolio.equity.time,
    eventTimes,
    ...input.sleeves.map((sleeve) => sleeve.equity.time),
  ];
  if (input.benchmark !== undefined) columns.push(input.benchmark.time);
  return columns.every(allMidnight) ? 'date' : 'datetime';
}

/** Writes epoch ms as `YYYY-MM-DD` (`date`) or full ISO 8601 in UTC (`datetime`). */
export function formatTime(time: number, format: TimeFormat): string {
  // From JavaScript the arguments can be anything: undefined failed as "Invalid time value". Called per row, so checked only when wrong.
  if (typeof time !== 'number' || timeFormatIssue(format) !== null) checkArguments('formatTime', [numberIssue(time, 'time', 'a time in epoch ms'), timeFormatIssue(format)]);
  const iso = new Date(time).toISOString();
  return format === 'date' ? iso.slice(0, 10) : iso;
}

/** Reads a time written by {@link formatTime} back to epoch ms (a bare date is UTC midnight). */
export function parseTime(text: string): number {
  if (typeof text !== 'string') checkArguments('parseTime', [stringIssue(text, 'text', 'a time as formatTime writes it (a string)')]);
  return Date.parse(text.length === 10 ? `${text}T00:00:00.000Z` : text);
}
