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
