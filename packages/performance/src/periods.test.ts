import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from './performance-calculator';
import { describePeriodsPerYearBasis, inferPeriodsPerYear, intradayCalendar, medianSpacingMs, periodsPerYearBasis, tradesEveryDay } from './periods';

const DAY = 86_400_000;
const HOUR = 3_600_000;

function businessDays(from: number, count: number): number[] {
  const out: number[] = [];
  for (let t = from; out.length < count; t += DAY) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(t);
  }
  return out;
}

const every = (from: number, step: number, count: number) => Array.from({ length: count }, (_, i) => from + i * step);
const monthStarts = (count: number, stepMonths = 1) =>
  Array.from({ length: count }, (_, i) => Date.UTC(2000, i * stepMonths, 1));
const monthEnds = (count: number) => Array.from({ length: count }, (_, i) => Date.UTC(2000, i + 1, 0));

describe('periodsPerYearBasis', () => {
  // Regression: summaries said "inferred from the bar spacing" for one bar, which has none.
  it('names the default for fewer than two bars, the spacing otherwise, and a given figure as given', () => {
    expect(periodsPerYearBasis([Date.UTC(2024, 0, 2)], false)).toBe('default');
    expect(periodsPerYearBasis([], false)).toBe('default');
    expect(periodsPerYearBasis([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)], false)).toBe('spacing');
    expect(periodsPerYearBasis(monthStarts(30), false)).toBe('spacing');
    expect(periodsPerYearBasis([Date.UTC(2024, 0, 2)], true)).toBe('given');
    expect(describePeriodsPerYearBasis('default')).toBe('the default: one bar has no spacing');
    expect(describePeriodsPerYearBasis('spacing')).toBe('inferred from the bar spacing');
    expect(describePeriodsPerYearBasis('given')).toBe('given');
    // The default is what inferPeriodsPerYear returns there.
    expect(inferPeriodsPerYear([Date.UTC(2024, 0, 2)])).toBe(252);
  });
});

describe('inferPeriodsPerYear', () => {
  it('reads business days as 252 (weekend gaps are the minority)', () => {
    expect(inferPeriodsPerYear(businessDays(Date.UTC(2020, 0, 6), 300))).toBe(252);
    // Daily data with holidays removed, still 252.
    const withHolidays = businessDays(Date.UTC(2020, 0, 6), 300).filter((_, i) => i % 20 !== 7);
    expect(inferPeriodsPerYear(withHolidays)).toBe(252);
  });

  it('reads calendar days as 252 too (documented: pass 365 for 7-day markets)', () => {
    expect(inferPeriodsPerYear(every(Date.UTC(2020, 0, 1), DAY, 400))).toBe(252);
  });

  it('reads weekly, monthly, quarterly and yearly bars', () => {
    expect(inferPeriodsPerYear(every(Date.UTC(2020, 0, 3), 7 * DAY, 60))).toBe(52);
    expect(inferPeriodsPerYear(monthStarts(30))).toBe(12);
    expect(inferPeriodsPerYear(monthEnds(30))).toBe(12);
    expect(inferPeriodsPerYear(monthStarts(20, 3))).toBe(4);
    expect(inferPeriodsPerYear(monthStarts(10, 12))).toBe(1);
  });

  it('reads bars several years apart as one every N years, down to 0.01', () => {
    // 2000, 2002, …: 731 or 730 days apart, two years → 0.5; five years → 0.2; a century or more → 0.01.
    expect(inferPeriodsPerYear(monthStarts(5, 24))).toBe(0.5);
    expect(inferPeriodsPerYear(monthStarts(5, 60))).toBe(0.2);
    expect(inferPeriodsPerYear(monthStarts(3, 12 * 2000))).toBe(0.01);
    // 16 months apart (487 days) round to one year.
    expect(inferPeriodsPerYear(monthStarts(5, 16))).toBe(1);
  });

  it('scales intraday bars of exchange sessions from 6.5-hour sessions × 252', () => {
    expect(inferPeriodsPerYear(every(0, 60_000, 390))).toBe(252 * 390);
    // 09:30–16:00 sessions on the weekdays of 2024-01-08 → 2024-01-26, five-minute and hourly bars.
    const weekdays = businessDays(Date.UTC(2024, 0, 8), 15);
    expect(inferPeriodsPerYear(weekdays.flatMap((day) => every(day + 9.5 * HOUR, 5 * 60_000, 78)))).toBe(252 * 78);
    expect(inferPeriodsPerYear(weekdays.flatMap((day) => every(day + 9.5 * HOUR, HOUR, 7)))).toBe(252 * 6.5);
    // Minute bars over several sessions: overnight gaps do not move the median.
    // (Four weekdays: 1970-01-01 was a Thursday, so the days from 1970-01-05 on a Monday.)
    const sessions = [4, 5, 6, 7].flatMap((day) => every(day * DAY + 14.5 * HOUR, 60_000, 390));
    expect(inferPeriodsPerYear(sessions)).toBe(98_280);
  });

  // Regression: hourly bars round the clock every day (crypto) read as 252 × 6.5 = 1,638 a year.
  it('scales bars round the clock on every day of the week from 365 days of 24 hours', () => {
    const start = Date.UTC(2024, 0, 1); // a Monday
    // 365 × 24 = 8,760 hours; 365 × 1,440 = 525,600 minutes; 365 × 24 × 4 = 35,040 quarter hours.
    expect(inferPeriodsPerYear(every(start, HOUR, 24 * 60))).toBe(8_760);
    expect(inferPeriodsPerYear(every(start, 60_000, 1_440 * 21))).toBe(525_600);
    expect(inferPeriodsPerYear(every(start, 15 * 60_000, 96 * 30))).toBe(35_040);
    // Starting and ending mid-day, a missing hour: still every day, round the clock.
    const gappy = every(start + 13 * HOUR, HOUR, 24 * 20).filter((_, i) => i !== 100);
    expect(inferPeriodsPerYear(gappy)).toBe(8_760);
    expect(intradayCalendar(gappy)).toEqual({ daysPerYear: 365, hoursPerDay: 24 });
  });

  it('counts round-the-clock weekdays (futures, currencies) as 252 days of 24 hours, and sessions every day as 365 of 6.5', () => {
    // Hourly bars round the clock, Monday to Friday: 252 × 24 = 6,048.
    const weekdays = businessDays(Date.UTC(2024, 0, 8), 20).flatMap((day) => every(day, HOUR, 24));
    expect(inferPeriodsPerYear(weekdays)).toBe(6_048);
    expect(intradayCalendar(weekdays)).toEqual({ daysPerYear: 252, hoursPerDay: 24 });
    // 23 hours a day (a futures session with its daily hour's break) is round the clock too.
    const futures = businessDays(Date.UTC(2024, 0, 8), 20).flatMap((day) => every(day, HOUR, 23));
    expect(inferPeriodsPerYear(futures)).toBe(6_048);
    // A 6.5-hour session of five-minute bars on every day of the week: 365 × 78 = 28,470.
    const daily = every(Date.UTC(2024, 0, 1), DAY, 28).flatMap((day) => every(day + 9.5 * HOUR, 5 * 60_000, 78));
    expect(inferPeriodsPerYear(daily)).toBe(28_470);
    expect(intradayCalendar(daily)).toEqual({ daysPerYear: 365, hoursPerDay: 6.5 });
  });

  it('has no intraday calendar for daily bars or one bar; they keep their figures', () => {
    expect(intradayCalendar(every(Date.UTC(2020, 0, 1), DAY, 400))).toBeNull();
    expect(intradayCalendar([Date.UTC(2020, 0, 1)])).toBeNull();
    expect(inferPeriodsPerYear(every(Date.UTC(2020, 0, 1), 12 * HOUR, 400))).toBe(252);
  });

  it('falls back to 252 with fewer than two timestamps', () => {
    expect(inferPeriodsPerYear([])).toBe(252);
    expect(inferPeriodsPerYear([Date.UTC(2020, 0, 1)])).toBe(252);
  });

  it('uses the median spacing (mean of the middle two when even)', () => {
    expect(medianSpacingMs([0, 1, 3, 6])).toBe(2);
    expect(medianSpacingMs([0, 1, 3, 6, 10])).toBe(2.5);
    expect(medianSpacingMs([0, 10, 11, 12])).toBe(1);
    expect(medianSpacingMs([5])).toBeNull();
  });

  it('counts few distinct spacings and selects among many: both give the sorted median', () => {
    // Independent: sort a copy of the spacings and read the middle.
    const sortedMedian = (time: readonly number[]) => {
      const spacing = time.slice(1).map((t, i) => t - (time[i] ?? 0)).sort((a, b) => a - b);
      const middle = (spacing.length - 1) >> 1;
      return spacing.length % 2 === 1 ? spacing[middle] : ((spacing[middle] ?? 0) + (spacing[middle + 1] ?? 0)) / 2;
    };
    const times = (steps: readonly number[]) => steps.reduce<number[]>((out, step) => [...out, (out.at(-1) ?? 0) + step], [0]);
    fc.assert(
      fc.property(
        // Few distinct spacings (the counted path) or up to 60 (past 32: the selecting path); one may be 0.
        fc.integer({ min: 1, max: 60 }).chain((distinct) => fc.array(fc.integer({ min: 0, max: distinct }), { minLength: 1, maxLength: 120 })),
        (steps) => {
          const time = times(steps.map((step) => step * 3_600_000));
          expect(medianSpacingMs(time)).toBe(sortedMedian(time));
        },
      ),
      { numRuns: 300 },
    );
    // Business days over 20 years: the counted path, 1-day median.
    expect(medianSpacingMs(businessDays(Date.UTC(2000, 0, 3), 5_000))).toBe(DAY);
  });
});

describe('periodsPerYear in computeMetrics', () => {
  const time = every(Date.UTC(2020, 0, 3), 7 * DAY, 10);
  const equity = [100, 101, 99, 102, 104, 103, 105, 107, 106, 108];

  it('is inferred and reported', () => {
    const result = computeMetrics({ equity: { time, equity } });
    expect(result.periodsPerYear).toBe(52);
    expect(result.periodsPerYearInferred).toBe(true);
  });

  it('an explicit value wins, is reported, and annualises', () => {
    const weekly = computeMetrics({ equity: { time, equity } });
    const explicit = computeMetrics({ equity: { time, equity } }, { periodsPerYear: 365 });
    expect(explicit.periodsPerYear).toBe(365);
    expect(explicit.periodsPerYearInferred).toBe(false);
    expect(explicit.metrics.volatility).toBeCloseTo((weekly.metrics.volatility ?? 0) * Math.sqrt(365 / 52), 12);
    expect(explicit.metrics.cagr).toBeCloseTo(1.08 ** (365 / 9) - 1, 10);
  });
});

describe('tradesEveryDay', () => {
  const start = Date.UTC(2021, 0, 4); // a Monday
  const days = (count: number, keep: (weekday: number) => boolean = () => true) =>
    Array.from({ length: count }, (_, i) => start + i * DAY).filter((time) => keep(new Date(time).getUTCDay()));

  it('is true for bars on every day of the week, daily or hourly (crypto)', () => {
    expect(tradesEveryDay(days(400))).toBe(true);
    expect(tradesEveryDay(Array.from({ length: 24 * 60 }, (_, i) => start + i * 3_600_000))).toBe(true);
  });

  it('is false for exchange days, also when an offset moves Mondays onto Sundays, and for weekly bars dated Sundays', () => {
    expect(tradesEveryDay(days(400, (weekday) => weekday >= 1 && weekday <= 5))).toBe(false);
    // Sydney's Monday at 10:00 is Sunday 23:00 UTC: one weekend day, never both.
    expect(tradesEveryDay(days(400, (weekday) => weekday >= 1 && weekday <= 5).map((time) => time - 3_600_000))).toBe(false);
    expect(tradesEveryDay(days(700, (weekday) => weekday === 0))).toBe(false);
    expect(tradesEveryDay(days(10))).toBe(false);
  });
});
