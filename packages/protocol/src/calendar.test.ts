import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CalendarPeriod } from './calendar';
import { calendarPeriodKey, calendarPeriodStart, daysFromCivil, monthIndexOf, monthStartMs } from './calendar';

const day = (date: string): number => Date.parse(`${date}T00:00:00Z`);

describe('calendarPeriodKey', () => {
  it('matches the UTC calendar of Date for any time between 1800 and 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1800, 0, 1), max: Date.UTC(2200, 0, 1) }), (time) => {
        const date = new Date(time);
        const year = date.getUTCFullYear();
        const month = date.getUTCMonth();
        expect(calendarPeriodKey(time, 'month')).toBe(year * 12 + month);
        expect(calendarPeriodKey(time, 'quarter')).toBe(year * 4 + Math.floor(month / 3));
        expect(calendarPeriodKey(time, 'year')).toBe(year);
      }),
      { numRuns: 2000 },
    );
  });

  it('starts weeks on Monday (ISO weeks)', () => {
    // 2024-01-07 is a Sunday, 2024-01-08 a Monday, 2024-01-14 the next Sunday.
    expect(calendarPeriodKey(day('2024-01-07'), 'week')).not.toBe(calendarPeriodKey(day('2024-01-08'), 'week'));
    expect(calendarPeriodKey(day('2024-01-08'), 'week')).toBe(calendarPeriodKey(day('2024-01-14'), 'week'));
    expect(calendarPeriodKey(day('2024-01-14'), 'week')).not.toBe(calendarPeriodKey(day('2024-01-15'), 'week'));
    // Within a day, the time of day does not matter.
    expect(calendarPeriodKey(day('2024-01-08') + 23 * 3_600_000, 'week')).toBe(calendarPeriodKey(day('2024-01-08'), 'week'));
    // Before 1970 too: 1969-12-28 was a Sunday, 1969-12-29 a Monday, 1970-01-04 a Sunday.
    expect(calendarPeriodKey(day('1969-12-28'), 'week')).not.toBe(calendarPeriodKey(day('1969-12-29'), 'week'));
    expect(calendarPeriodKey(day('1969-12-29'), 'week')).toBe(calendarPeriodKey(day('1970-01-04'), 'week'));
    expect(calendarPeriodKey(day('1970-01-04'), 'week')).not.toBe(calendarPeriodKey(day('1970-01-05'), 'week'));
  });

  it('puts the last day of a month and the first of the next in different months', () => {
    expect(calendarPeriodKey(day('2024-02-29'), 'month')).not.toBe(calendarPeriodKey(day('2024-03-01'), 'month'));
    expect(calendarPeriodKey(day('2024-03-31'), 'quarter')).not.toBe(calendarPeriodKey(day('2024-04-01'), 'quarter'));
    expect(calendarPeriodKey(day('2024-04-01'), 'quarter')).toBe(calendarPeriodKey(day('2024-06-30'), 'quarter'));
    expect(calendarPeriodKey(day('2023-12-31'), 'year')).not.toBe(calendarPeriodKey(day('2024-01-01'), 'year'));
  });

  it('puts the first and last millisecond of leap-day months and century years in their months', () => {
    for (const [iso, month] of [
      ['2024-02-29T23:59:59.999Z', 1],
      ['2024-03-01T00:00:00.000Z', 2],
      ['1900-02-28T23:59:59.999Z', 1],
      ['1900-03-01T00:00:00.000Z', 2],
      ['2000-02-29T12:00:00.000Z', 1],
      ['1969-12-31T23:59:59.999Z', 11],
    ] as const) {
      expect(calendarPeriodKey(Date.parse(iso), 'month') % 12).toBe(month);
    }
  });

  it('calendar keys change exactly when the UTC month changes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: day('1950-01-01'), max: day('2100-01-01') }),
        fc.integer({ min: 1, max: 40 * 86_400_000 }),
        (t, gap) => {
          const a = new Date(t);
          const b = new Date(t + gap);
          const sameMonth = a.getUTCFullYear() === b.getUTCFullYear() && a.getUTCMonth() === b.getUTCMonth();
          expect(calendarPeriodKey(t, 'month') === calendarPeriodKey(t + gap, 'month')).toBe(sameMonth);
          const sameYear = a.getUTCFullYear() === b.getUTCFullYear();
          expect(calendarPeriodKey(t, 'year') === calendarPeriodKey(t + gap, 'year')).toBe(sameYear);
          const sameQuarter = sameYear && Math.floor(a.getUTCMonth() / 3) === Math.floor(b.getUTCMonth() / 3);
          expect(calendarPeriodKey(t, 'quarter') === calendarPeriodKey(t + gap, 'quarter')).toBe(sameQuarter);
          // Same ISO week: the Mondays on or before both days coincide.
          const monday = (date: Date) => Math.floor(date.getTime() / 86_400_000) - ((date.getUTCDay() + 6) % 7);
          expect(calendarPeriodKey(t, 'week') === calendarPeriodKey(t + gap, 'week')).toBe(monday(a) === monday(b));
        },
      ),
      { numRuns: 300 },
    );
  });
});

const YEAR_MS = 365.2425 * 86_400_000;

describe('civil calendar arithmetic', () => {
  it('agrees with Date on the UTC month of any time from 1600 to 2600', () => {
    fc.assert(
      fc.property(fc.integer({ min: Math.round(-370 * YEAR_MS), max: Math.round(630 * YEAR_MS) }), (time) => {
        const date = new Date(time);
        expect(monthIndexOf(time)).toBe(date.getUTCFullYear() * 12 + date.getUTCMonth());
        const start = monthStartMs(monthIndexOf(time));
        expect(start).toBe(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
        expect(start).toBeLessThanOrEqual(time);
      }),
      { numRuns: 1000 },
    );
  });

  it('handles month and year edges', () => {
    expect(monthIndexOf(Date.UTC(2020, 1, 29, 23, 59, 59, 999))).toBe(2020 * 12 + 1);
    expect(monthIndexOf(Date.UTC(2020, 2, 1))).toBe(2020 * 12 + 2);
    expect(monthIndexOf(Date.UTC(1969, 11, 31, 23))).toBe(1969 * 12 + 11);
    expect(monthStartMs(2021 * 12 + 12)).toBe(Date.UTC(2022, 0, 1));
    expect(monthStartMs(0)).toBe(-62_167_219_200_000); // 0000-01-01
  });
});

describe('daysFromCivil', () => {
  it('counts days from 1970-01-01 as Date.UTC does', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2024, 2, 29)).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
  });
});

describe('calendarPeriodStart', () => {
  /** The first millisecond of the period `time` falls in, from `Date` (weeks start on Monday). */
  function startByDate(time: number, period: CalendarPeriod): number {
    const date = new Date(time);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    switch (period) {
      case 'week':
        return Date.UTC(year, month, date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
      case 'month':
        return Date.UTC(year, month, 1);
      case 'quarter':
        return Date.UTC(year, month - (month % 3), 1);
      case 'year':
        return Date.UTC(year, 0, 1);
    }
  }
  const periods: readonly CalendarPeriod[] = ['week', 'month', 'quarter', 'year'];

  it('is the first millisecond of the period a time falls in, as Date has it (property, 1800–2200)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1800, 0, 1), max: Date.UTC(2200, 0, 1) }), (time) => {
        for (const period of periods) {
          const key = calendarPeriodKey(time, period);
          const start = calendarPeriodStart(key, period);
          expect(start).toBe(startByDate(time, period));
          // The key changes exactly there: one millisecond earlier is the period before.
          expect(calendarPeriodKey(start, period)).toBe(key);
          expect(calendarPeriodKey(start - 1, period)).toBe(key - 1);
          expect(calendarPeriodStart(key + 1, period)).toBeGreaterThan(time);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('starts weeks on Monday, months on the 1st, quarters in January, April, July and October', () => {
    const key = (date: string, period: CalendarPeriod): number => calendarPeriodKey(day(date), period);
    expect(calendarPeriodStart(key('2024-01-14', 'week'), 'week')).toBe(day('2024-01-08')); // a Sunday's week: Monday the 8th
    expect(calendarPeriodStart(key('1970-01-01', 'week'), 'week')).toBe(day('1969-12-29'));
    expect(calendarPeriodStart(key('2024-02-29', 'month'), 'month')).toBe(day('2024-02-01'));
    expect(calendarPeriodStart(key('2024-06-30', 'quarter'), 'quarter')).toBe(day('2024-04-01'));
    expect(calendarPeriodStart(key('2024-12-31', 'year'), 'year')).toBe(day('2024-01-01'));
    expect(calendarPeriodStart(key('2024-12-31', 'year') + 1, 'year')).toBe(day('2025-01-01'));
  });
});

