import { DataValidationError } from '@ensemble/protocol';
import type { DataProblem } from '@ensemble/protocol';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RowReader } from './csv-row-reader';
import { parseMarketData } from './parse';
import type { ParseOptions } from './types';

/** The problems of a load that must fail, with `truncated`. */
function failureOf(text: string, options: ParseOptions = {}): { problems: DataProblem[]; truncated: boolean } {
  try {
    parseMarketData(text, options);
  } catch (error) {
    if (DataValidationError.isInstance(error)) return { problems: [...error.problems], truncated: error.truncated };
    throw error;
  }
  throw new Error('expected the load to fail');
}

const problemsOf = (text: string, options: ParseOptions = {}) => failureOf(text, options).problems;

/** An OHLCV row: open 10, high 11, low 9, close 10.5 unless given, volume 1000. */
const bar = (date: string, prices = '10,11,9,10.5') => `${date},${prices},1000`;
const ohlcvOf = (rows: readonly string[]) => `date,open,high,low,close,volume\n${rows.join('\n')}\n`;

/**
 * The same file with every date quoted: a quoted field never takes the single-pass path, so
 * every row is read by the general path (the row reader), as all of them were before the
 * single-pass path read day-month dates and two-digit years.
 */
const quoted = (csv: string) => csv.replace(/^(?!date,)([^,\n]*),/gm, '"$1",');

const pad = (n: number) => String(n).padStart(2, '0');
/** Days `from`..`to` of `month` 2001 as `write(day, month)` gives them. */
const days = (from: number, to: number, month: number, write: (day: string, month: string) => string) =>
  Array.from({ length: to - from + 1 }, (_, i) => write(pad(from + i), pad(month)));
const dayFirst = (day: string, month: string) => `${day}/${month}/2001`;
const monthFirst = (day: string, month: string) => `${month}/${day}/2001`;

// 1–12 January and 1–12 February 2001 day first (each reads either way), then 13–20 February:
// the first date that settles the order, 13/02/2001, is on line 26.
const dayFirstLate = ohlcvOf([...days(1, 12, 1, dayFirst), ...days(1, 12, 2, dayFirst), ...days(13, 20, 2, dayFirst)].map((date) => bar(date)));

describe('day-month dates under auto, read on the single-pass path: the same problems as the row reader gives', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  /** Counts the dates the general path reads (the row reader's `date`, still called through) from now on. */
  const countDateReads = () => vi.spyOn(RowReader.prototype, 'date');

  it('day first, the first date above 12 on line 26: one problem at line 26, as the row reader gives it, and no row read by the row reader', () => {
    const dateReads = countDateReads();
    const problems = problemsOf(dayFirstLate, { file: 'eu.csv' });
    expect(dateReads).not.toHaveBeenCalled();
    // 13 is no month: 13/02/2001 is 13 February only; 32 day-month dates on lines 2–33.
    expect(problems).toEqual([
      {
        file: 'eu.csv',
        row: 26,
        field: 'date',
        rule: 'bad-date',
        value: '13/02/2001',
        message:
          'the dates are day first: line 26 has "13/02/2001" (2001-02-13 only), and no date reads only month first (32 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
      },
    ]);
    expect(problemsOf(quoted(dayFirstLate), { file: 'eu.csv' })).toEqual(problems);
  });

  it('a 1,000-row day-first file: the row reader reads no date (it read all 1,000 before)', () => {
    const dates = Array.from({ length: 1000 }, (_, i) => new Date(Date.UTC(2001, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('/'));
    const csv = ohlcvOf(dates.map((date) => bar(date)));
    const dateReads = countDateReads();
    const problems = problemsOf(csv);
    expect(dateReads).not.toHaveBeenCalled();
    expect(problems).toHaveLength(1);
    // 13 January 2001 is the first date whose day is above 12: line 14.
    expect(problems[0]?.message).toContain('line 14 has "13/01/2001" (2001-01-13 only), and no date reads only month first (1,000 day-month dates from line 2 on)');
    expect(problemsOf(quoted(csv))).toEqual(problems);
  });

  it('month first, day first and month first in one file, and no date that settles it', () => {
    const monthFirstFile = ohlcvOf(days(1, 20, 1, monthFirst).map((date) => bar(date)));
    expect(problemsOf(monthFirstFile)[0]?.message).toBe(
      'the dates are month first: line 14 has "01/13/2001" (2001-01-13 only), and no date reads only day first (20 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: pass --date-format MM/DD/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
    );
    // Line 14, 13/01/2001, is day first only; line 18, 02/16/2001, month first only.
    const twoOrders = ohlcvOf([...days(1, 15, 1, dayFirst), '01/02/2001', '02/16/2001'].map((date) => bar(date)));
    expect(problemsOf(twoOrders)[0]?.message).toBe(
      'the dates are in two orders: line 14 has "13/01/2001", only day first, and line 18 "02/16/2001", only month first; a file has one date format: correct the rows in the other order, then pass --date-format DD/MM/YYYY or MM/DD/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
    );
    // 05/05/2001 reads alike both ways; 01/02/2001 as 2001-01-02 or 2001-02-01.
    const unsettled = ohlcvOf(['05/05/2001', ...days(1, 12, 2, dayFirst)].map((date) => bar(date)));
    expect(problemsOf(unsettled)[0]?.message).toBe(
      'month first or day first? line 3 has "01/02/2001" (2001-01-02 or 2001-02-01), and no date has a day above 12 to settle it (13 day-month dates from line 2 on); the loader does not guess: pass --date-format MM/DD/YYYY or DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
    );
    for (const csv of [monthFirstFile, twoOrders, unsettled]) expect(failureOf(csv)).toEqual(failureOf(quoted(csv)));
  });

  it('rows with other problems before the date settles the order: reported after the column\'s one, in order, up to the limit', () => {
    // Line 3: a close of 0; line 5: high 8 below low 9; line 7: open 12 above high 11.
    const rows = dayFirstLate.split('\n');
    rows[2] = bar('02/01/2001', '10,11,9,0');
    rows[4] = bar('04/01/2001', '10,8,9,10.5');
    rows[6] = bar('06/01/2001', '12,11,9,10.5');
    const csv = rows.join('\n');
    const dateReads = countDateReads();
    const { problems, truncated } = failureOf(csv, { file: 'eu.csv' });
    // The row reader reads the three rows with a problem, and no other.
    expect(dateReads).toHaveBeenCalledTimes(3);
    expect(truncated).toBe(false);
    expect(problems.map((p) => [p.row, p.rule])).toEqual([
      [26, 'bad-date'],
      [3, 'non-positive-price'],
      [5, 'high-below-low'],
      [7, 'open-outside-range'],
    ]);
    expect(failureOf(quoted(csv), { file: 'eu.csv' })).toEqual({ problems, truncated });
    // At a limit of 2 the load stops at line 7, before line 26: no date read had a day above 12;
    // the first that reads two ways is line 3's (line 2's, 01/01/2001, reads alike both ways).
    const limited = failureOf(csv, { maxProblems: 2 });
    expect(limited.truncated).toBe(true);
    expect(limited.problems.map((p) => [p.row, p.rule])).toEqual([
      [3, 'bad-date'],
      [3, 'non-positive-price'],
    ]);
    expect(limited.problems[0]?.message).toBe(
      'month first or day first? line 3 has "02/01/2001" (2001-02-01 or 2001-01-02), and no date read before the load stopped has a day above 12 to settle it (6 day-month dates from line 2 on); the loader does not guess: pass --date-format MM/DD/YYYY or DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
    );
    expect(failureOf(quoted(csv), { maxProblems: 2 })).toEqual(limited);
  });

  it('with a time of day, one-digit days and months, dots, and two-digit years', () => {
    const timed = ohlcvOf(days(1, 14, 1, dayFirst).map((date, i) => bar(`${date}${i % 2 === 0 ? ' 09:30' : 'T16:00:00Z'}`)));
    expect(problemsOf(timed)[0]?.message).toBe(
      'the dates are day first: line 14 has "13/01/2001 09:30" (2001-01-13 only), and no date reads only month first (14 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
    );
    const dots = ohlcvOf(days(1, 14, 1, (day, month) => `${Number(day)}.${Number(month)}.2001`).map((date) => bar(date)));
    expect(problemsOf(dots)[0]?.message).toContain('line 14 has "13.1.2001" (2001-01-13 only)');
    expect(problemsOf(dots)[0]?.message).toContain('pass --date-format DD.MM.YYYY');
    const twoDigits = ohlcvOf(days(1, 14, 1, (day, month) => `${day}/${month}/01`).map((date) => bar(date)));
    expect(problemsOf(twoDigits)[0]?.message).toBe(
      'the dates are day first: line 14 has "13/01/01" (2001-01-13 only), and no date reads only month first (14 day-month dates from line 2 on); automatic detection reads no two-digit year and no day and month before the year: pass --date-format DD/MM/YY (data.dateFormat in a config, dateFormat in code; YY 00–68 is 2000–2068, 69–99 is 1969–1999), or write dates as YYYY-MM-DD',
    );
    for (const csv of [timed, dots, twoDigits]) expect(failureOf(csv)).toEqual(failureOf(quoted(csv)));
  });

  it('beside ISO dates, with a symbol column, CRLF line ends and dates the single-pass path leaves to the row reader (property: the same problems either way)', () => {
    const dateText = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 35 }), fc.constantFrom('/', '.', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom('2001', '01', '1969', '68', '69', '200', '02001', '2000')).map(([a, s, b, y]) => `${pad(a)}${s}${b}${s}${y}`),
      fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 31 })).map(([a, b]) => `${a}/${b}/2001`),
      fc.constantFrom('2001-01-05', '2001-01-06', '2001/01/07', ' 05/01/2001', '05/01/2001 ', '05/01/2001 09:30', '05/01/2001t24:00', '05/01/2001 9:30', '05/01/2001T09:30+01:00', '05/01/2001  09:30', 'Jan 8 2001', '', '31/02/2001'),
    );
    const row = fc.tuple(dateText, fc.constantFrom('10,11,9,10.5', '10,11,9,0', '10,8,9,10.5', '10,11,9,x', '1e1,11,9,10.5'), fc.constantFrom('A', 'B', ''));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 25 }), (rows, symbols, crlf, maxProblems) => {
        const header = symbols ? 'symbol,date,open,high,low,close,volume' : 'date,open,high,low,close,volume';
        const lines = rows.map(([date, prices, symbol]) => `${symbols ? `${symbol},` : ''}${date},${prices},1000`);
        const csv = `${[header, ...lines].join(crlf ? '\r\n' : '\n')}\n`;
        const all = symbols ? csv.replace(/^(?!symbol,)([^,\n]*),([^,\n]*),/gm, '$1,"$2",') : quoted(csv);
        const outcome = (text: string) => {
          try {
            const data = parseMarketData(text, { maxProblems });
            return { series: data.series.map((s) => [s.symbol, [...s.time]]) };
          } catch (error) {
            if (DataValidationError.isInstance(error)) return { problems: error.problems, truncated: error.truncated };
            throw error;
          }
        };
        expect(outcome(csv)).toEqual(outcome(all));
      }),
      { seed: 20_261_205, numRuns: 300 },
    );
  });
});

describe('two-digit years (DD/MM/YY, MM/DD/YY) on the single-pass path', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // The pivot's edges, as POSIX strptime's %y reads them: 69–99 are 1969–1999, 00–68 are 2000–2068.
  // Date.UTC, not the loader, gives the times.
  const edges: readonly [string, number][] = [
    ['01/01/69', Date.UTC(1969, 0, 1)],
    ['31/12/99', Date.UTC(1999, 11, 31)],
    ['01/01/00', Date.UTC(2000, 0, 1)],
    ['29/02/00', Date.UTC(2000, 1, 29)],
    ['31/12/68', Date.UTC(2068, 11, 31)],
  ];

  it('DD/MM/YY, DD.MM.YY and MM-DD-YY read the pivot\'s edges in order, none of them by the row reader', () => {
    const dateReads = vi.spyOn(RowReader.prototype, 'date');
    const toMonthFirst = (date: string) => `${date.slice(3, 5)}-${date.slice(0, 2)}-${date.slice(6)}`;
    for (const [format, write] of [
      ['DD/MM/YY', (date: string) => date],
      ['DD.MM.YY', (date: string) => date.replaceAll('/', '.')],
      ['MM-DD-YY', toMonthFirst],
    ] as const) {
      const data = parseMarketData(ohlcvOf(edges.map(([date]) => bar(write(date)))), { dateFormat: format });
      expect([...(data.series[0]?.time ?? [])], format).toEqual(edges.map(([, time]) => time));
    }
    expect(dateReads).not.toHaveBeenCalled();
  });

  it('a two-digit-year file with rows the single-pass path leaves to the row reader: the same bars and problems either way', () => {
    // One-digit day and month, and a time of day, take the row reader; the rest the single-pass path.
    const good = ohlcvOf(['1/1/69', '02/01/69 09:30', '03/01/69', '31/12/99', '01/01/00', '31/12/68'].map((date) => bar(date)));
    const data = parseMarketData(good, { dateFormat: 'DD/MM/YY' });
    expect([...(data.series[0]?.time ?? [])]).toEqual([Date.UTC(1969, 0, 1), Date.UTC(1969, 0, 2, 9, 30), Date.UTC(1969, 0, 3), Date.UTC(1999, 11, 31), Date.UTC(2000, 0, 1), Date.UTC(2068, 11, 31)]);
    expect(parseMarketData(quoted(good), { dateFormat: 'DD/MM/YY' }).series).toEqual(data.series);
    // Line 3: a four-digit year; line 4: 31 February; line 5: one-digit day (read); line 6: 13 is no month.
    const bad = ohlcvOf(['01/01/70', '02/01/1970', '31/02/70', '4/1/70', '05/13/70', '06/01/70'].map((date) => bar(date)));
    const problems = problemsOf(bad, { dateFormat: 'DD/MM/YY', file: 'yy.csv' });
    expect(problems.map((p) => [p.row, p.rule, p.value])).toEqual([
      [3, 'bad-date', '02/01/1970'],
      [4, 'bad-date', '31/02/70'],
      [6, 'bad-date', '05/13/70'],
    ]);
    expect(problems[0]?.message).toBe('"02/01/1970" does not match the date format DD/MM/YY: its year has more than two digits (it reads as DD/MM/YYYY or MM/DD/YYYY)');
    expect(problemsOf(quoted(bad), { dateFormat: 'DD/MM/YY', file: 'yy.csv' })).toEqual(problems);
  });
});
