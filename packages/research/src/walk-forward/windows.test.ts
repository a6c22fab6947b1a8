import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '@ensemble/protocol';
import { addMonths, shortLastTestWindow, untestedBars, walkForwardWindows } from './windows';

const DAY = 86_400_000;
/** Daily bars (every calendar day) from 2000-01-01. */
const days = (count: number): Float64Array => Float64Array.from({ length: count }, (_, i) => Date.UTC(2000, 0, 1) + i * DAY);

describe('walkForwardWindows', () => {
  it('rolls train windows by the test length, in bars', () => {
    const issues: ConfigIssue[] = [];
    const windows = walkForwardWindows(days(10), { train: 4, test: 3, mode: 'rolling' }, issues);
    // Bars 0–3 / 4–6, 3–6 / 7–9; the next train window 6–9 leaves no test bar.
    expect(windows.map((w) => [w.train.bars, w.test.bars, (w.train.start - Date.UTC(2000, 0, 1)) / DAY, (w.test.start - Date.UTC(2000, 0, 1)) / DAY])).toEqual([
      [4, 3, 0, 4],
      [4, 3, 3, 7],
    ]);
    expect(issues).toEqual([]);
  });

  it('anchors train windows at the first bar and keeps a short last test window', () => {
    const windows = walkForwardWindows(days(11), { train: 4, test: 3, mode: 'anchored' }, []);
    expect(windows.map((w) => [w.train.bars, w.test.bars])).toEqual([
      [4, 3],
      [7, 3],
      [10, 1],
    ]);
  });

  it('counts calendar months and years from the first bar', () => {
    const windows = walkForwardWindows(days(366 + 365 + 365), { train: '1y', test: '6m', mode: 'rolling' }, []);
    // 2000-01-01 … 2002-12-31: train 1 year, test 6 months, sliding by 6 months: 4 steps.
    expect(windows.map((w) => [new Date(w.train.start).toISOString().slice(0, 10), new Date(w.test.start).toISOString().slice(0, 10), new Date(w.test.end).toISOString().slice(0, 10)])).toEqual([
      ['2000-01-01', '2001-01-01', '2001-06-30'],
      ['2000-07-01', '2001-07-01', '2001-12-31'],
      ['2001-01-01', '2002-01-01', '2002-06-30'],
      ['2001-07-01', '2002-07-01', '2002-12-31'],
    ]);
  });

  // Regression: "10d" and "2w" were refused ("must be a number of bars … or calendar months or years").
  it('counts calendar days and weeks from the first bar, over intraday bars too', () => {
    const issues: ConfigIssue[] = [];
    // Daily bars 2000-01-01 … 2000-01-31: train 2 weeks (14 days), test 7 days, sliding by 7 days.
    const daily = walkForwardWindows(days(31), { train: '2w', test: '7d', mode: 'rolling' }, issues);
    const dates = (time: number) => new Date(time).toISOString().slice(0, 10);
    expect(daily.map((w) => [dates(w.train.start), dates(w.train.end), dates(w.test.start), dates(w.test.end)])).toEqual([
      ['2000-01-01', '2000-01-14', '2000-01-15', '2000-01-21'],
      ['2000-01-08', '2000-01-21', '2000-01-22', '2000-01-28'],
      ['2000-01-15', '2000-01-28', '2000-01-29', '2000-01-31'],
    ]);
    expect(issues).toEqual([]);
    // Hourly bars 09:30–15:30 on 2000-01-03 … 2000-01-07 (Monday to Friday, 7 a day): train 2 days, test 1, anchored.
    const hourly = Float64Array.from([3, 4, 5, 6, 7].flatMap((day) => Array.from({ length: 7 }, (_, h) => Date.UTC(2000, 0, day, 9 + h, 30))));
    const anchored = walkForwardWindows(hourly, { train: '2d', test: '1d', mode: 'anchored' }, issues);
    const clock = (time: number) => new Date(time).toISOString().slice(5, 16);
    expect(anchored.map((w) => [w.train.bars, clock(w.test.start), clock(w.test.end), w.test.bars])).toEqual([
      [14, '01-05T09:30', '01-05T15:30', 7],
      [21, '01-06T09:30', '01-06T15:30', 7],
      [28, '01-07T09:30', '01-07T15:30', 7],
    ]);
    // Days and weeks are one unit; months are another.
    walkForwardWindows(days(100), { train: '2w', test: '1m', mode: 'rolling' }, issues);
    expect(issues).toEqual([{ path: 'windows.test', message: 'must be in the same unit as "train" (days or weeks)' }]);
  });

  it('adds months keeping the day, or the end of a shorter month', () => {
    expect(new Date(addMonths(Date.UTC(2001, 0, 31), 1)).toISOString()).toBe('2001-02-28T23:59:59.999Z');
    expect(new Date(addMonths(Date.UTC(2000, 1, 29, 12), 12)).toISOString()).toBe('2001-02-28T23:59:59.999Z');
    expect(new Date(addMonths(Date.UTC(2000, 10, 15), 3)).toISOString()).toBe('2001-02-15T00:00:00.000Z');
  });

  it('names bad lengths by path', () => {
    const issues: ConfigIssue[] = [];
    walkForwardWindows(days(10), { train: '3x', test: 0, mode: 'rolling' }, issues);
    walkForwardWindows(days(10), { train: '1y', test: 5, mode: 'rolling' }, issues);
    walkForwardWindows(days(10), { train: 20, test: 5, mode: 'rolling' }, issues);
    expect(issues.map((issue) => issue.path)).toEqual(['windows.train', 'windows.test', 'windows.test', 'windows']);
    // The data shorter than one train window: said with its span, and which length to change.
    expect(issues[3]?.message).toBe('the data\'s 10 bars (2000-01-01 to 2000-01-10) are shorter than a train window of 20 followed by a test bar; use a shorter "train", or more data');
    // Windows that fit but whose train windows hold one bar each: longer ones are needed.
    const daily: ConfigIssue[] = [];
    walkForwardWindows(days(300), { train: '1d', test: '1d', mode: 'rolling' }, daily);
    expect(daily).toEqual([{ path: 'windows', message: 'every train window of "1d" holds fewer than 2 bars of the data (one return to measure); use a longer "train"' }]);
    const one: ConfigIssue[] = [];
    walkForwardWindows(days(5_000), { train: 1, test: 10, mode: 'rolling' }, one);
    expect(one).toEqual([{ path: 'windows.train', message: 'a train window needs at least 2 bars (one return to measure); "train" is 1' }]);
  });
});

describe('shortLastTestWindow', () => {
  const short = (time: Float64Array, train: number | string, test: number | string, mode: 'rolling' | 'anchored' = 'rolling') =>
    shortLastTestWindow(time, { train, test }, walkForwardWindows(time, { train, test, mode }, []));

  it('names a last test window in bars below 90 % of the length asked', () => {
    // 11 bars, train 4, test 3 (anchored): the last test window holds bar 10 only, 1 of 3.
    expect(short(days(11), 4, 3, 'anchored')).toEqual({ index: 2, asked: 3, bars: 1, share: 1 / 3, end: Date.UTC(2000, 0, 11) });
    // 10 bars: both test windows hold 3 bars.
    expect(short(days(10), 4, 3)).toBeNull();
    // 20 bars, train 4, test 10: 4–13 then 14–19, 6 of 10.
    expect(short(days(20), 4, 10)).toMatchObject({ index: 1, bars: 6, share: 0.6 });
  });

  it('measures calendar lengths in time, the last bar counting its spacing', () => {
    // Days 2000-01-01 … 2004-12-31 (1,827 bars), train 1y, test 30y: the only test window runs
    // from 2001-01-01 to the end of 2004-12-31, 4 years (1,461 days) of the 30 asked
    // (2001-01-01 → 2031-01-01: 10,957 days).
    const result = short(days(1_827), '1y', '30y');
    expect(result).toMatchObject({ index: 0, asked: '30y', bars: 1_461, end: Date.UTC(2004, 11, 31) });
    expect(result?.share).toBeCloseTo(1_461 / 10_957, 12);
    // 2000-01-01 … 2002-12-31 with test 6m: the last window (2002-07-01 → 2002-12-31) is whole.
    expect(short(days(366 + 365 + 365), '1y', '6m')).toBeNull();
    // Ending 2002-12-04, the last 6 months (2002-07-01 → 2003-01-01, 184 days) hold 157: 85 %.
    const cut = short(days(366 + 365 + 338), '1y', '6m');
    expect(cut?.index).toBe(3);
    expect(cut?.share).toBeCloseTo(157 / 184, 12);
  });

  it('holds 90 % or more as whole', () => {
    // 2002-07-01 → 2002-12-14 is 167 of 184 days, 90.8 %.
    expect(short(days(366 + 365 + 348), '1y', '6m')).toBeNull();
  });
});

describe('untestedBars', () => {
  // Weekdays only, from Monday 2000-01-03, two weeks: a 3-day train window ending on a Monday or a
  // Tuesday holds under 2 bars (the weekend), so those steps are left out and their test days too.
  const weekdays = Float64Array.from([0, 1, 2, 3, 4, 7, 8, 9, 10, 11], (d) => Date.UTC(2000, 0, 3) + d * DAY);

  it('counts the bars between test windows that no window tests', () => {
    const windows = walkForwardWindows(weekdays, { train: '3d', test: '1d', mode: 'rolling' }, []);
    // Test days kept: Thu 6, Fri 7, Wed 12, Thu 13, Fri 14 (Mon 10 and Tue 11 have trains of 1 bar).
    expect(windows.map((w) => new Date(w.test.start).toISOString().slice(0, 10))).toEqual(['2000-01-06', '2000-01-07', '2000-01-12', '2000-01-13', '2000-01-14']);
    const untested = untestedBars(weekdays, windows);
    expect(untested).toEqual({ bars: 2, stretches: 1, first: { start: Date.UTC(2000, 0, 10), end: Date.UTC(2000, 0, 11), bars: 2 } });
  });

  it('is null when the test windows follow each other', () => {
    expect(untestedBars(days(20), walkForwardWindows(days(20), { train: 4, test: 3, mode: 'rolling' }, []))).toBeNull();
    expect(untestedBars(days(5), [])).toBeNull();
  });
});
