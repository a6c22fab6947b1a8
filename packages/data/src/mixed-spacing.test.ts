import { describe, expect, it } from 'vitest';
import { inspectMarketData, mixedSpacing } from './inspect';
import { parseMarketData } from './parse';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A close-only CSV of the given times (epoch ms), written as ISO date-times, or dates alone at midnight. */
function csv(times: readonly number[]): string {
  const text = (t: number): string => (t % DAY === 0 ? new Date(t).toISOString().slice(0, 10) : new Date(t).toISOString().slice(0, 19));
  return ['date,close', ...times.map((t, i) => `${text(t)},${String(100 + i)}`)].join('\n');
}

/** Weekdays from 2024-01-01 (a Monday) on: `count` of them, at midnight. */
function weekdays(count: number): number[] {
  const out: number[] = [];
  for (let day = Date.UTC(2024, 0, 1); out.length < count; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(day);
  }
  return out;
}

/** Hourly bars of `sessions` weekday sessions from `openHour` (UTC), `perSession` bars each. */
function sessions(count: number, openHour: number, perSession: number): number[] {
  return weekdays(count).flatMap((day) => Array.from({ length: perSession }, (_, k) => day + (openHour + k) * HOUR));
}

describe('mixedSpacing', () => {
  it('names the bars of a daily symbol under 12 hours after the bar before: hourly rows after daily ones', () => {
    const daily = weekdays(20);
    const last = daily[daily.length - 1] ?? 0;
    // Three hourly rows after the last daily one: each one hour after the bar before.
    const times = [...daily, last + HOUR, last + 2 * HOUR, last + 3 * HOUR];
    const data = parseMarketData(csv(times), { file: 'mixed.csv' });
    expect(mixedSpacing(data)).toEqual([{ symbol: 'mixed', frequency: 'daily', bars: 3, of: 23, first: last + HOUR, spacingMs: DAY }]);
    // The same finding in the inspection of the file.
    expect(inspectMarketData(data).series[0]?.mixed).toEqual({ symbol: 'mixed', frequency: 'daily', bars: 3, of: 23, first: last + HOUR, spacingMs: DAY });
  });

  it('names the midnight rows of an intraday symbol that stand a day or more from the bars either side (three or more)', () => {
    // Ten sessions of seven hourly bars from 14:00, then four daily rows on the next weekdays.
    const intraday = sessions(10, 14, 7);
    const lastDay = Math.floor((intraday[intraday.length - 1] ?? 0) / DAY) * DAY;
    const daily = [3, 4, 5, 6].map((k) => lastDay + k * DAY);
    const data = parseMarketData(csv([...intraday, ...daily]), { file: 'mixed.csv' });
    expect(mixedSpacing(data)).toEqual([{ symbol: 'mixed', frequency: 'intraday', bars: 4, of: 74, first: daily[0], spacingMs: HOUR }]);
    // Two such rows can be sessions of one bar: not named.
    expect(mixedSpacing(parseMarketData(csv([...intraday, ...daily.slice(0, 2)]), { file: 'two.csv' }))).toEqual([]);
  });

  it('finds nothing in daily bars with weekends, in intraday sessions (also one that opens at midnight UTC), or in weekly bars', () => {
    expect(mixedSpacing(parseMarketData(csv(weekdays(60)), { file: 'daily.csv' }))).toEqual([]);
    expect(mixedSpacing(parseMarketData(csv(sessions(15, 14, 7)), { file: 'hourly.csv' }))).toEqual([]);
    // A session from 00:00 to 06:00 UTC: its first bar is at midnight, with a bar an hour after it.
    expect(mixedSpacing(parseMarketData(csv(sessions(15, 0, 6)), { file: 'asia.csv' }))).toEqual([]);
    const weekly = Array.from({ length: 12 }, (_, k) => Date.UTC(2024, 0, 1) + 7 * k * DAY);
    expect(mixedSpacing(parseMarketData(csv([...weekly, (weekly[11] ?? 0) + HOUR]), { file: 'weekly.csv' }))).toEqual([]);
    expect(inspectMarketData(parseMarketData(csv(weekdays(60)), { file: 'daily.csv' })).series[0]).not.toHaveProperty('mixed');
    expect(() => mixedSpacing(null as never)).toThrow(/data/);
  });
});
