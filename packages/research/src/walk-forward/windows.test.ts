import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '@ensemble/protocol';
import { addMonths, walkForwardWindows } from './windows';

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
    expect(issues[3]?.message).toBe("the data's 10 bars hold no train window of at least 2 bars followed by a test bar; use shorter windows");
    const one: ConfigIssue[] = [];
    walkForwardWindows(days(5_000), { train: 1, test: 10, mode: 'rolling' }, one);
    expect(one).toEqual([{ path: 'windows.train', message: 'a train window needs at least 2 bars (one return to measure); "train" is 1' }]);
  });
});
