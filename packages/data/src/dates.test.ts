import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochToMs, formatDate, formatDay, formatTime, isDateOnly, parseDate } from './dates';

// 2000-01-01T00:00:00Z is 946,684,800 s after the epoch (30 years of 365 days plus 7 leap days:
// 10,957 days × 86,400 s). The constants below are derived from it by hand.
const Y2K = 946_684_800_000;
const DAY = 86_400_000;

describe('parseDate', () => {
  it('reads YYYY-MM-DD and YYYY/MM/DD as midnight UTC', () => {
    expect(parseDate('2000-01-01')).toBe(Y2K);
    expect(parseDate('2000-01-03')).toBe(Y2K + 2 * DAY);
    expect(parseDate('2000/01/03')).toBe(Y2K + 2 * DAY);
    expect(parseDate('2000-03-01')).toBe(Y2K + 60 * DAY); // 31 (Jan) + 29 (Feb, leap) days
  });

  it('reads YYYY.MM.DD (MetaTrader) as the same day, with or without a time, and refuses impossible ones', () => {
    expect(parseDate('2000.01.03')).toBe(Y2K + 2 * DAY);
    expect(parseDate('2000.03.01 09:30')).toBe(Y2K + 60 * DAY + 9.5 * 3_600_000);
    expect(parseDate('2001.02.29')).toBeNull();
    expect(parseDate('2000.13.01')).toBeNull();
    // Mixed separators are no date.
    expect(parseDate('2000.01-03')).toBeNull();
  });

  it('matches Date.UTC for every valid calendar date (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const expected = Date.UTC(y, m - 1, d);
        const valid = new Date(expected).getUTCDate() === d;
        expect(parseDate(text)).toBe(valid ? expected : null);
      }),
    );
  });

  it('rejects impossible dates', () => {
    expect(parseDate('2001-02-29')).toBeNull();
    expect(parseDate('2000-02-30')).toBeNull();
    expect(parseDate('2000-13-01')).toBeNull();
    expect(parseDate('2000-00-10')).toBeNull();
    expect(parseDate('1900-02-29')).toBeNull(); // 1900 is not a leap year
    expect(parseDate('2000-02-29')).toBe(Y2K + 59 * DAY);
  });

  it('reads ISO date-times; no zone means UTC', () => {
    expect(parseDate('2000-01-01T00:00:00Z')).toBe(Y2K);
    expect(parseDate('2000-01-01T09:30')).toBe(Y2K + 9.5 * 3_600_000);
    expect(parseDate('2000-01-01 09:30:15')).toBe(Y2K + (9.5 * 3600 + 15) * 1000);
    expect(parseDate('2000-01-01T09:30:15.250Z')).toBe(Y2K + (9.5 * 3600 + 15) * 1000 + 250);
    expect(parseDate('2000-01-01T09:30:00+02:00')).toBe(Y2K + 7.5 * 3_600_000);
    expect(parseDate('2000-01-01T09:30:00-0530')).toBe(Y2K + 15 * 3_600_000);
    expect(parseDate('2000-01-01T23:59:59.999Z')).toBe(Y2K + DAY - 1);
  });

  it('rejects malformed date-times', () => {
    for (const text of ['2000-01-01T', '2000-01-01T25:00', '2000-01-01T10:60', '2000-01-01T10:00:00X', '2000-01-01T10:00:00.Z', '2000-01-01X10:00']) {
      expect(parseDate(text), text).toBeNull();
    }
  });

  it('reads month-name dates', () => {
    expect(parseDate('Jan 1 2000')).toBe(Y2K);
    expect(parseDate('Jan 3 2000')).toBe(Y2K + 2 * DAY);
    expect(parseDate('January 3, 2000')).toBe(Y2K + 2 * DAY);
    expect(parseDate('3 Jan 2000')).toBe(Y2K + 2 * DAY);
    expect(parseDate('Mar 1 2010')).toBe(Date.UTC(2010, 2, 1));
    expect(parseDate('Sept 30 2001')).toBe(Date.UTC(2001, 8, 30));
    expect(parseDate('Feb 30 2000')).toBeNull();
    expect(parseDate('Foo 1 2000')).toBeNull();
  });

  it('reads epoch seconds and milliseconds by magnitude', () => {
    expect(parseDate('946684800')).toBe(Y2K); // seconds (< 1e11)
    expect(parseDate('946684800000')).toBe(Y2K); // milliseconds (≥ 1e11)
    expect(parseDate('946684800.5')).toBe(Y2K + 500);
    expect(parseDate('-100000000')).toBe(-100_000_000_000);
    expect(parseDate('2000')).toBeNull(); // a year, not a timestamp
    expect(parseDate('99999999x')).toBeNull();
  });

  it('reads 8-digit YYYYMMDD', () => {
    expect(parseDate('20000103')).toBe(Y2K + 2 * DAY);
    expect(parseDate('20001301')).toBeNull();
  });

  it('rejects words and empty text', () => {
    for (const text of ['', '  ', 'yesterday', 'NaN', '2000-1-3', '01/03/2000']) expect(parseDate(text), text).toBeNull();
  });
});

describe('epochToMs', () => {
  it('splits seconds, milliseconds, microseconds and nanoseconds at 1e11, 1e14 and 1e17, and rejects small or huge numbers', () => {
    expect(epochToMs(1e11 - 1)).toBe((1e11 - 1) * 1000);
    expect(epochToMs(1e11)).toBe(1e11);
    expect(epochToMs(1e14 - 1)).toBe(1e14 - 1);
    // 2025-01-01T00:00Z as Binance's microseconds and as pandas' nanoseconds.
    expect(epochToMs(1_735_689_600_000_000)).toBe(Date.UTC(2025, 0, 1));
    expect(epochToMs(1_735_689_600_000_000_000)).toBe(Date.UTC(2025, 0, 1));
    expect(epochToMs(1e14)).toBe(1e11);
    expect(epochToMs(1e17)).toBe(1e11);
    expect(epochToMs(1e16)).toBe(1e13);
    expect(epochToMs(99_999_999)).toBeNaN();
    expect(epochToMs(1e20)).toBeNaN();
    expect(epochToMs(Number.NaN)).toBeNaN();
  });
});

describe('formatting', () => {
  it('formats dates and date-times in UTC', () => {
    expect(formatDate(Y2K + 2 * DAY + 5)).toBe('2000-01-03');
    expect(formatTime(Y2K)).toBe('2000-01-01');
    expect(formatTime(Y2K + 90_000)).toBe('2000-01-01T00:01:30.000Z');
  });

  it('formatDay agrees with Date#toISOString (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -700_000, max: 2_900_000 }), (days) => {
        expect(formatDay(days)).toBe(new Date(days * DAY).toISOString().slice(0, 10));
      }),
    );
  });

  it('isDateOnly tells whole days from times', () => {
    expect(isDateOnly('2005-12-31')).toBe(true);
    expect(isDateOnly('Dec 31 2005')).toBe(true);
    expect(isDateOnly('2005-12-31T10:00')).toBe(false);
    expect(isDateOnly('946684800')).toBe(false);
  });
});
