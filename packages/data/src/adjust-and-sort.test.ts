import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataValidationError } from '@ensemble/protocol';
import type { DataProblem } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { loadMarketData } from './load';
import { parseMarketData } from './parse';
import type { ParseOptions } from './types';

const YAHOO = fileURLToPath(new URL('./__fixtures__/yahoo-aapl-split.csv', import.meta.url));
const yahooText = readFileSync(YAHOO, 'utf8');
const [header = '', ...rows] = yahooText.trimEnd().split('\n');

function problemsOf(text: string, options: ParseOptions = {}): DataProblem[] {
  try {
    parseMarketData(text, { file: 'prices.csv', ...options });
  } catch (error) {
    if (DataValidationError.isInstance(error)) return [...error.problems];
    throw error;
  }
  throw new Error('expected a DataValidationError');
}

describe('Yahoo Finance exports: Adj Close', () => {
  it('loads as traded and says that Adj Close was ignored and how to use it', async () => {
    const data = await loadMarketData(YAHOO);
    expect(Array.from(data.series[0]?.close ?? [])).toEqual([499.3, 506.08, 500.04, 499.24, 129.04, 134.18, 131.4]);
    expect(data.notes).toEqual([
      'column "Adj Close" ignored: prices are as traded, not adjusted for splits and dividends; load with adjust: true to scale open, high, low and close by "Adj Close" / close',
    ]);
  });

  it('adjust: true scales open, high, low and close by Adj Close / Close row by row, volume unchanged', async () => {
    const data = await loadMarketData(YAHOO, { adjust: true });
    const s = data.series[0];
    if (s === undefined) throw new Error('no series');
    // Hand-computed: the four rows before the 4:1 split have Adj Close = Close / 4, so every price
    // is a quarter; the split day and the next are unadjusted; the last row's factor is
    // 130.90 / 131.40 (exact fractions, e.g. 137.59 × 130.90 / 131.40 = 137.066445966514…).
    const expected = {
      open: [124.5, 126, 127, 126, 127.58, 132.76, 137.06644596651446],
      high: [125, 126.75, 127.5, 126.25, 131, 134.8, 137.45496194824963],
      low: [123, 124.5, 123.75, 124.5, 126, 130.53, 126.51674277016743],
      close: [124.825, 126.52, 125.01, 124.81, 129.04, 134.18, 130.9],
    };
    for (const column of ['open', 'high', 'low', 'close'] as const) {
      Array.from(s[column]).forEach((value, i) => {
        expect(value, `${column}[${i}]`).toBeCloseTo(expected[column][i] ?? Number.NaN, 10);
      });
    }
    expect(Array.from(s.volume)).toEqual([52e6, 40e6, 38e6, 46e6, 225e6, 151e6, 200e6]);
    expect(data.notes).toEqual(['open, high, low and close scaled by "Adj Close" / close, row by row (volume unchanged)']);
  });

  it('a bad Adj Close names the file, the line and the field', () => {
    const text = [header, rows[0], rows[1]?.replace('126.52', '0'), rows[2]?.replace('125.01', 'n/a')].join('\n');
    const problems = problemsOf(text, { adjust: true });
    expect(problems.map((p) => [p.file, p.row, p.field, p.rule])).toEqual([
      ['prices.csv', 3, 'Adj Close', 'non-positive-price'],
      ['prices.csv', 4, 'Adj Close', 'non-numeric'],
    ]);
    expect(parseMarketData(text).series[0]?.length).toBe(3);
  });

  it('adjust without an adjusted close column, or on a close-only file, is a problem', () => {
    expect(problemsOf('date,open,high,low,close\n2020-01-02,1,1,1,1\n', { adjust: true }).map((p) => [p.row, p.rule])).toEqual([[1, 'missing-column']]);
    expect(problemsOf('date,close\n2020-01-02,1\n', { adjust: true })[0]?.message).toContain('adjust applies to OHLCV files');
  });
});

describe('newest-first files and sort', () => {
  const newestFirst = [header, ...[...rows].reverse()].join('\n');

  it('a file that is entirely newest first is one problem that says so and how to fix it', () => {
    const problems = problemsOf(newestFirst);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'prices.csv', row: 3, field: 'date', rule: 'unsorted-dates' });
    expect(problems[0]?.message).toBe(
      'the rows are newest first: all 7 dates descend from 2020-09-02 to 2020-08-25. Reverse the file (oldest first), or load it with sort: true (--sort on the command line) to sort the rows by date',
    );
  });

  it('the same holds when the problem limit stops the parse early', () => {
    const days = Array.from({ length: 60 }, (_, i) => `2001-${String(Math.floor(i / 28) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},${i + 1}`);
    const problems = problemsOf(['date,close', ...days.reverse()].join('\n'));
    expect(problems.map((p) => p.rule)).toEqual(['unsorted-dates']);
    expect(problems[0]?.message).toContain('all 60 dates descend from 2001-03-04 to 2001-01-01');
  });

  it('a newest-first file with a bad value gets the newest-first problem and the bad value, not a problem per row', () => {
    const lines = newestFirst.split('\n');
    // Line 5 (the file's fourth row, 2020-08-28 in the fixture): its close unreadable.
    const broken = lines.map((line, i) => (i === 4 ? line.replace(/^([^,]*,[^,]*,[^,]*,[^,]*,)[^,]*/, '$1n/a') : line)).join('\n');
    expect(broken.split('\n')[4]).toMatch(/^2020-08-28,[^,]*,[^,]*,[^,]*,n\/a,/);
    const problems = problemsOf(broken);
    expect(problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'date', 'unsorted-dates'],
      [5, 'Close', 'non-numeric'],
    ]);
    expect(problems[0]?.message).toContain('the rows are newest first: the dates of all 6 valid rows descend from 2020-09-02 to 2020-08-25');
  });

  it('with more bad rows than the problem limit, the precise per-row problems stand', () => {
    const days = Array.from({ length: 30 }, (_, i) => `2001-01-${String(i + 1).padStart(2, '0')},${i % 3 === 0 ? 'x' : String(i + 1)}`);
    const problems = problemsOf(['date,close', ...days.reverse()].join('\n'), { maxProblems: 5 });
    expect(problems.some((p) => p.message.includes('newest first'))).toBe(false);
    expect(problems).toHaveLength(5);
  });

  it('sort: true loads it ascending, identical to the oldest-first file', () => {
    const sorted = parseMarketData(newestFirst, { sort: true, adjust: true });
    const ascending = parseMarketData(yahooText, { adjust: true });
    expect(sorted.series).toEqual(ascending.series);
    expect(sorted.timeline).toEqual(ascending.timeline);
  });

  it('a file out of order in places keeps the precise per-row problems', () => {
    const swapped = [header, rows[0], rows[2], rows[1], rows[3], rows[5], rows[4], rows[6]].join('\n');
    expect(problemsOf(swapped).map((p) => [p.row, p.rule])).toEqual([
      [4, 'unsorted-dates'],
      [7, 'unsorted-dates'],
    ]);
    expect(parseMarketData(swapped, { sort: true }).series[0]?.close).toEqual(parseMarketData(yahooText).series[0]?.close);
  });

  it('sort: true still rejects two rows of one date, naming both lines', () => {
    const twice = [header, rows[2], rows[0], rows[2]?.replace('500.04', '500.05')].join('\n');
    expect(problemsOf(twice, { sort: true }).map((p) => [p.row, p.rule, p.message])).toEqual([
      [4, 'duplicate-date', '2020-08-27 appears twice for prices (lines 2 and 4); remove one of the two'],
    ]);
  });

  it('sorts per symbol (long and wide layouts) and stays stable', () => {
    const long = parseMarketData('symbol,date,price\nB,2000-01-05,5\nA,2000-01-04,2\nB,2000-01-03,3\nA,2000-01-03,1\n', { sort: true });
    expect(long.series.map((s) => [s.symbol, Array.from(s.close)])).toEqual([
      ['B', [3, 5]],
      ['A', [1, 2]],
    ]);
    const wide = parseMarketData('date,A,B\n2000-01-05,3,30\n2000-01-03,1,10\n2000-01-04,2,\n', { sort: true });
    expect(wide.series.map((s) => [s.symbol, Array.from(s.close)])).toEqual([
      ['A', [1, 2, 3]],
      ['B', [10, 30]],
    ]);
  });
});
