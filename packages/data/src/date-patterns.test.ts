import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { ConfigError, DATE_FORMATS, DataValidationError } from '@ensemble/protocol';
import type { DataProblem, DateFormat } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { dateReaderOf } from './date-patterns';
import { loadDataset } from './datasets';
import { parseMarketData } from './parse';
import type { ParseOptions } from './types';

// 2000-01-01T00:00:00Z is 946,684,800 s after the epoch (see dates.test.ts); the rest by hand.
const Y2K = 946_684_800_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const read = (format: DateFormat, text: string): number | null => {
  const time = dateReaderOf(format).text(text);
  return Number.isNaN(time) ? null : time;
};

function problemsOf(input: string, options: ParseOptions): DataProblem[] {
  try {
    parseMarketData(input, options);
  } catch (error) {
    if (DataValidationError.isInstance(error)) return [...error.problems];
    throw error;
  }
  throw new Error('expected the load to fail');
}

describe('a date format reads its own order and separator', () => {
  it('day first, month first and year first, with -, / or .', () => {
    // 3 January 2000 is Y2K + 2 days; 31 December 1999 is Y2K − 1 day; 29 February 2000 is Y2K + 59 days.
    expect(read('DD/MM/YYYY', '03/01/2000')).toBe(Y2K + 2 * DAY);
    expect(read('DD.MM.YYYY', '31.12.1999')).toBe(Y2K - DAY);
    expect(read('DD-MM-YYYY', '29-02-2000')).toBe(Y2K + 59 * DAY);
    expect(read('MM/DD/YYYY', '01/03/2000')).toBe(Y2K + 2 * DAY);
    expect(read('MM.DD.YYYY', '12.31.1999')).toBe(Y2K - DAY);
    expect(read('MM-DD-YYYY', '02-29-2000')).toBe(Y2K + 59 * DAY);
    expect(read('YYYY-MM-DD', '2000-01-03')).toBe(Y2K + 2 * DAY);
    expect(read('YYYY/MM/DD', '1999/12/31')).toBe(Y2K - DAY);
    expect(read('YYYY.MM.DD', '2000.02.29')).toBe(Y2K + 59 * DAY);
  });

  it('one or two digits for the day and the month, four for the year', () => {
    expect(read('DD/MM/YYYY', '3/1/2000')).toBe(Y2K + 2 * DAY);
    expect(read('MM/DD/YYYY', '1/3/2000')).toBe(Y2K + 2 * DAY);
    expect(read('YYYY-MM-DD', '2000-1-3')).toBe(Y2K + 2 * DAY);
    for (const text of ['03/01/00', '003/01/2000', '03/001/2000', '03/01/20000', '03/01/200']) expect(read('DD/MM/YYYY', text), text).toBeNull();
  });

  it('two-digit years: exactly two digits, 69–99 in 1969–1999 and 00–68 in 2000–2068 (strptime\'s %y)', () => {
    expect(read('DD/MM/YY', '03/01/00')).toBe(Y2K + 2 * DAY);
    expect(read('MM.DD.YY', '12.31.99')).toBe(Y2K - DAY);
    expect(read('DD-MM-YY', '29-02-00')).toBe(Y2K + 59 * DAY);
    expect(read('MM/DD/YY', '1/3/00 09:30')).toBe(Y2K + 2 * DAY + 9.5 * HOUR);
    // The pivot's edges: 68 is 2068, 69 is 1969 (Date.UTC, not the loader, gives the times).
    expect(read('DD/MM/YY', '31/12/68')).toBe(Date.UTC(2068, 11, 31));
    expect(read('DD/MM/YY', '01/01/69')).toBe(Date.UTC(1969, 0, 1));
    expect(read('MM-DD-YY', '02-29-01')).toBeNull(); // 2001 is not leap
    for (const text of ['03/01/2000', '03/01/0', '03/01/000', '03-01-00', '13/13/00']) expect(read('DD/MM/YY', text), text).toBeNull();
    expect(read('DD/MM/YYYY', '03/01/00')).toBeNull();
  });

  it('a file of the 1960s in two-digit years: its 67 and 68 read as 2067 and 2068, and its rows out of order say so, not to sort them', () => {
    const text = 'Date,Close\n30/12/68,1\n31/12/68,2\n02/01/69,3\n';
    expect(() => parseMarketData(text, { file: 'old.csv', dateFormat: 'DD/MM/YY' })).toThrow(
      'old.csv:4 column "Date": 1969-01-02 comes before 2068-12-31 on line 3; the date format DD/MM/YY reads a two-digit year 69–99 as 1969–1999 and 00–68 as 2000–2068 (POSIX strptime\'s %y), so 2068 is likely 1968: dates before 1969 need four-digit years (save the file with YYYY and pass DD/MM/YYYY), not sorting',
    );
    // Four-digit years, or rows really out of order, are told to sort as before.
    expect(() => parseMarketData('Date,Close\n03/01/00,1\n02/01/00,2\n', { file: 'x.csv', dateFormat: 'DD/MM/YY' })).toThrow('2000-01-02 comes before 2000-01-03 on line 2; sort the rows by date');
  });

  it('a time of day after the date, as in ISO date-times (no zone is UTC)', () => {
    expect(read('DD/MM/YYYY', '03/01/2000 09:30')).toBe(Y2K + 2 * DAY + 9.5 * HOUR);
    expect(read('DD.MM.YYYY', '03.01.2000T09:30:15Z')).toBe(Y2K + 2 * DAY + 9.5 * HOUR + 15_000);
    expect(read('MM/DD/YYYY', '01/03/2000 09:30:00.250+01:00')).toBe(Y2K + 2 * DAY + 8.5 * HOUR + 250);
    for (const text of ['03/01/2000 25:00', '03/01/2000 09:30 PM', '03/01/2000X09:30', '03/01/2000 T09:30']) expect(read('DD/MM/YYYY', text), text).toBeNull();
  });

  it('only that form: no other order, separator or way of writing a date', () => {
    for (const text of ['2000-01-03', '03-01-2000', '03.01.2000', 'Jan 3 2000', '946857600', '13/13/2000', '31/04/2000', '29/02/2001']) {
      expect(read('DD/MM/YYYY', text), text).toBeNull();
    }
    expect(read('YYYY-MM-DD', '2000/01/03')).toBeNull();
    expect(read('YYYY-MM-DD', '20000103')).toBeNull();
  });

  it('agrees with Date.UTC for every date it writes, padded or not (property)', () => {
    const patterns = DATE_FORMATS.filter((format) => format !== 'auto');
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.constantFrom(...patterns), fc.boolean(), (year, month, day, format, pad) => {
        const two = (n: number) => (pad ? String(n).padStart(2, '0') : String(n));
        // A two-digit year is the year's last two digits, read back with strptime's pivot (69–99 → 19xx, 00–68 → 20xx).
        const yy = year % 100;
        const text = format.replace('YYYY', String(year)).replace('YY', String(yy).padStart(2, '0')).replace('MM', two(month)).replace('DD', two(day));
        const expected = Date.UTC(format.includes('YYYY') ? year : yy >= 69 ? 1900 + yy : 2000 + yy, month - 1, day);
        const exists = new Date(expected).getUTCDate() === day;
        expect(read(format, text)).toBe(exists ? expected : null);
      }),
    );
  });
});

// Regression: "2021-02-29" and a leap second got "is not a date; use YYYY-MM-DD, …", the form they are in.
describe('an ISO date in its form that names no moment', () => {
  const problem = (text: string) => dateReaderOf(undefined).problem(text);
  it('says which field is out of range', () => {
    expect(problem('2021-02-29')).toBe('"2021-02-29" is in the form of a date, YYYY-MM-DD, but February 2021 has no day 29');
    expect(problem('2021-13-01')).toBe('"2021-13-01" is in the form of a date, YYYY-MM-DD, but 13 is no month');
    expect(problem('2021-04-31T10:00')).toBe('"2021-04-31T10:00" is in the form of an ISO date-time, but April 2021 has no day 31');
    expect(problem('2016-12-31T23:59:60Z')).toBe('"2016-12-31T23:59:60Z" is in the form of an ISO date-time, but 60 is no second (00 to 59; a leap second is not counted: write :59)');
    expect(problem('2021-01-01 24:30')).toBe('"2021-01-01 24:30" is in the form of an ISO date-time, but 24 is no hour (00 to 23)');
    expect(problem('2021-01-01T10:60')).toBe('"2021-01-01T10:60" is in the form of an ISO date-time, but 60 is no minute (00 to 59)');
    // Leap days that exist, and other text, are no such problem.
    expect(problem('2020-02-29')).toBeNull();
    expect(problem('yesterday')).toBeNull();
    expect(() => parseMarketData('date,close\n2021-02-27,1\n2021-02-29,2\n', { file: 'leap.csv' })).toThrow(/leap\.csv:3.*February 2021 has no day 29/s);
  });
});

describe('a date that does not match the format', () => {
  const problem = (format: DateFormat, text: string) => dateReaderOf(format).problem(text);

  it('names the value and the format, and how it reads otherwise', () => {
    expect(problem('DD/MM/YYYY', '2000-01-03')).toBe('"2000-01-03" does not match the date format DD/MM/YYYY (it reads as YYYY-MM-DD)');
    expect(problem('DD/MM/YYYY', '12/31/1999')).toBe('"12/31/1999" does not match the date format DD/MM/YYYY: 31 is no month (it reads as MM/DD/YYYY)');
    expect(problem('DD/MM/YYYY', '03-01-2000')).toBe('"03-01-2000" does not match the date format DD/MM/YYYY (it reads as DD-MM-YYYY or MM-DD-YYYY)');
    expect(problem('YYYY-MM-DD', '01/03/2000')).toBe('"01/03/2000" does not match the date format YYYY-MM-DD (it reads as DD/MM/YYYY or MM/DD/YYYY)');
    expect(problem('DD/MM/YYYY', 'Jan 3 2000')).toBe('"Jan 3 2000" does not match the date format DD/MM/YYYY (without a date format it reads as 2000-01-03)');
    expect(problem('MM/DD/YYYY', 'yesterday')).toBe('"yesterday" does not match the date format MM/DD/YYYY');
  });

  it('a four-digit year under a two-digit format, and the other way round', () => {
    expect(problem('DD/MM/YY', '03/01/2000')).toBe('"03/01/2000" does not match the date format DD/MM/YY: its year has more than two digits (it reads as DD/MM/YYYY or MM/DD/YYYY)');
    expect(problem('DD/MM/YYYY', '13/01/00')).toBe('"13/01/00" does not match the date format DD/MM/YYYY (it reads as DD/MM/YY)');
  });

  it('says which part of a date of the right shape is wrong', () => {
    expect(problem('DD/MM/YYYY', '31/02/1995')).toBe('"31/02/1995" does not match the date format DD/MM/YYYY: February 1995 has no day 31');
    expect(problem('DD.MM.YYYY', '29.02.2001')).toBe('"29.02.2001" does not match the date format DD.MM.YYYY: February 2001 has no day 29');
    expect(problem('MM/DD/YYYY', '13/10/2000')).toBe('"13/10/2000" does not match the date format MM/DD/YYYY: 13 is no month (it reads as DD/MM/YYYY)');
    expect(problem('MM/DD/YYYY', '00/10/2000')).toBe('"00/10/2000" does not match the date format MM/DD/YYYY: 0 is no month');
    expect(problem('DD/MM/YYYY', '03/01/2000 9h30')).toBe(
      '"03/01/2000 9h30" does not match the date format DD/MM/YYYY: what follows the date is not a time of day, [T or space]HH:MM[:SS[.fff]] with an optional zone (Z, +01:00)',
    );
  });
});

// The same three days in each layout, once as YYYY-MM-DD and once day first: the bars must be equal.
const ISO = ['2000-01-03', '2000-01-04', '2000-02-01'];
const DAY_FIRST = ['03/01/2000', '04/01/2000', '01/02/2000'];

const layouts = (dates: readonly string[]): Record<string, string> => ({
  ohlcv: `Date,Open,High,Low,Close,Volume\n${dates.map((date, k) => `${date},${10 + k},${12 + k},${9 + k},${11 + k},${100 * (k + 1)}`).join('\n')}\n`,
  'ohlcv with symbols': `symbol,date,open,high,low,close\n${dates.flatMap((date, k) => [`A,${date},${10 + k},${12 + k},${9 + k},${11 + k}`, `B,${date},${20 + k},${22 + k},${19 + k},${21 + k}`]).join('\n')}\n`,
  long: `Ticker,Date,Close\n${dates.map((date, k) => `IBM,${date},${18 + k}`).join('\n')}\n`,
  wide: `date,IBM,KO\n${dates.map((date, k) => `${date},${18 + k},${k === 1 ? '' : 40 + k}`).join('\n')}\n`,
  json: JSON.stringify(dates.map((date, k) => ({ date, open: 10 + k, high: 12 + k, low: 9 + k, close: 11 + k }))),
  'json by symbol': JSON.stringify({ IBM: dates.map((date, k) => ({ time: date, close: 18 + k })) }),
});

describe('parseMarketData with dateFormat', () => {
  const iso = layouts(ISO);
  const dayFirst = layouts(DAY_FIRST);

  it.each(Object.keys(iso))('%s: a day-first file gives the bars of the same file in YYYY-MM-DD', (layout) => {
    const expected = parseMarketData(iso[layout] ?? '', { file: 'prices.csv' });
    const loaded = parseMarketData(dayFirst[layout] ?? '', { file: 'prices.csv', dateFormat: 'DD/MM/YYYY' });
    expect(loaded.series).toEqual(expected.series);
    expect(loaded.series[0]?.time[0]).toBe(Y2K + 2 * DAY);
    expect(loaded.series[0]?.time[loaded.series[0].length - 1]).toBe(Y2K + 31 * DAY);
  });

  it('a row in another form is a bad-date problem naming the file, line, column, value and format', () => {
    const problems = problemsOf('Date,Open,High,Low,Close\n03/01/2000,10,12,9,11\n2000-01-04,10,12,9,11\n5/1/2000,10,12,9,11\n12/31/2000,10,12,9,11\n', {
      file: 'prices.csv',
      dateFormat: 'DD/MM/YYYY',
    });
    expect(problems).toEqual([
      { file: 'prices.csv', row: 3, field: 'Date', rule: 'bad-date', message: '"2000-01-04" does not match the date format DD/MM/YYYY (it reads as YYYY-MM-DD)', value: '2000-01-04' },
      { file: 'prices.csv', row: 5, field: 'Date', rule: 'bad-date', message: '"12/31/2000" does not match the date format DD/MM/YYYY: 31 is no month (it reads as MM/DD/YYYY)', value: '12/31/2000' },
    ]);
  });

  it('JSON: a date as a number is refused under a date format (epoch numbers are read only without one)', () => {
    const problems = problemsOf(JSON.stringify([{ date: '03/01/2000', close: 1 }, { date: 946944000, close: 1 }]), { file: 'bars.json', dateFormat: 'DD/MM/YYYY' });
    expect(problems).toEqual([
      { file: 'bars.json', row: 2, field: 'date', rule: 'bad-date', message: '946944000 does not match the date format DD/MM/YYYY (a number: epoch seconds or milliseconds are read only without a date format)', value: '946944000' },
    ]);
  });

  it('auto is the default, and a day-month date still names the format to pass', () => {
    const csv = 'Date,Close\n2000-01-03,1\nJan 4 2000,2\n';
    expect(parseMarketData(csv, { dateFormat: 'auto' }).series).toEqual(parseMarketData(csv).series);
    // 03/01, 04/01 and 01/02: all three read either way; one problem for the column, at its first date.
    expect(problemsOf(dayFirst.long ?? '', { file: 'ibm.csv' }).map((p) => p.message)).toEqual([
      'month first or day first? line 2 has "03/01/2000" (2000-03-01 or 2000-01-03), and no date has a day above 12 to settle it (3 day-month dates from line 2 on); the loader does not guess: pass --date-format MM/DD/YYYY or DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
    ]);
    for (const [layout, text] of Object.entries(dayFirst)) {
      expect(problemsOf(text, { file: 'prices' }).map((p) => [p.rule, p.value]), layout).toEqual([['bad-date', '03/01/2000']]);
    }
  });

  it('month first: a US export of the same days', () => {
    const monthFirst = layouts(['01/03/2000', '01/04/2000', '02/01/2000']);
    expect(parseMarketData(monthFirst.wide ?? '', { dateFormat: 'MM/DD/YYYY' }).series).toEqual(parseMarketData(iso.wide ?? '').series);
  });

  it('newest first: the problem says so, and sort: true loads it, both under the date format', () => {
    const lines = (dayFirst.ohlcv ?? '').trimEnd().split('\n');
    const reversed = `${[lines[0], ...lines.slice(1).reverse()].join('\n')}\n`;
    const problems = problemsOf(reversed, { dateFormat: 'DD/MM/YYYY' });
    expect(problems.map((p) => p.message)).toEqual([
      'the rows are newest first: all 3 dates descend from 2000-02-01 to 2000-01-03. Reverse the file (oldest first), or load it with sort: true (--sort on the command line) to sort the rows by date',
    ]);
    expect(parseMarketData(reversed, { dateFormat: 'DD/MM/YYYY', sort: true }).series).toEqual(parseMarketData(iso.ohlcv ?? '').series);
  });

  it('an unknown date format is a ConfigError at dateFormat, before anything is read', () => {
    const attempt = () => parseMarketData(dayFirst.ohlcv ?? '', { dateFormat: 'dd/mm/yyyy' as DateFormat });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('dateFormat: unknown date format "dd/mm/yyyy": write DD/MM/YYYY (upper case; in the file DD and MM may have one or two digits, YYYY has four)');
  });
});

describe('how a load read its dates (MarketData.dates)', () => {
  it('the format given, or under auto every form it found, in a fixed order', () => {
    expect(parseMarketData('Date,Close\n03/01/00,1\n', { dateFormat: 'DD/MM/YY' }).dates).toEqual({ given: 'DD/MM/YY' });
    // Rows on the single-pass path (line 2), a quoted date on the general one (line 3), a month name (line 4).
    expect(parseMarketData('Date,Open,High,Low,Close\n2000-01-03,1,1,1,1\n"2000-01-04",1,1,1,1\nJan 5 2000,1,1,1,1\n').dates).toEqual({ detected: ['YYYY-MM-DD', 'month names'] });
    // 946944000 is 2000-01-04 in epoch seconds (below 1e11).
    expect(parseMarketData('Date,Close\n2000-01-03,1\n946944000,1\n2000-01-05 10:00,2\n20000106,1\n2000/01/07,1\n').dates).toEqual({
      detected: ['YYYY-MM-DD', 'YYYY/MM/DD', 'ISO date-times', 'YYYYMMDD', 'epoch seconds'],
    });
    expect(parseMarketData(JSON.stringify([{ date: 946_857_600_000, close: 1 }])).dates).toEqual({ detected: ['epoch milliseconds'] });
    // A day first with its month's name is a month name, not an epoch number of its leading digits.
    expect(parseMarketData('Date,Close\n3 Jan 2000,1\n04 January 2000,2\n').dates).toEqual({ detected: ['month names'] });
    // Binance's microseconds and pandas' nanoseconds: read in their unit, not as milliseconds after the year 50,000.
    const micro = parseMarketData('timestamp,open,high,low,close,volume\n1735689600000000,100,101,99,100.5,10\n1735776000000000,100.5,102,100,101,12\n');
    expect(micro.dates).toEqual({ detected: ['epoch microseconds'] });
    expect(Array.from(micro.series[0]?.time ?? [])).toEqual([Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 2)]);
    const nano = parseMarketData(JSON.stringify([{ date: 1_735_689_600_000_000_000, close: 1 }]));
    expect(nano.dates).toEqual({ detected: ['epoch nanoseconds'] });
    expect(Array.from(nano.series[0]?.time ?? [])).toEqual([Date.UTC(2025, 0, 1)]);
    // MetaTrader's year-first dotted dates are detected as such, not as epoch seconds.
    const dotted = parseMarketData('Date,Time,Open,High,Low,Close\n2000.01.03,09:30,1,1,1,1\n2000.01.03,09:31,1,1,1,1\n');
    expect(dotted.dates).toEqual({ detected: ['YYYY.MM.DD'] });
    expect(Array.from(dotted.series[0]?.time ?? [])).toEqual([Date.parse('2000-01-03T09:30:00Z'), Date.parse('2000-01-03T09:31:00Z')]);
    expect(parseMarketData('Date,Close\n2000-01-03,1\n', { dateFormat: 'auto' }).dates).toEqual({ detected: ['YYYY-MM-DD'] });
  });
});

describe('the embedded S&P 500 file rewritten day first', () => {
  const text = readFileSync(fileURLToPath(new URL('../datasets/sp500-2000.csv', import.meta.url)), 'utf8');
  const rewrite = (replacement: string) => text.replace(/^(\d{4})-(\d{2})-(\d{2}),/gm, replacement);

  it('DD/MM/YYYY (the single-pass path) and D.M.YYYY with a time of day (the general path) give its 5,105 bars exactly', async () => {
    const expected = (await loadDataset('sp500')).series;
    const slashes = rewrite('$3/$2/$1,');
    expect(slashes.split('\n')[1]).toBe('03/01/2000,1469.250000,1478.000000,1438.359985,1455.219971,1455.219971,931800000');
    expect(parseMarketData(slashes, { symbol: 'SP500', dateFormat: 'DD/MM/YYYY' }).series).toEqual(expected);
    const dots = text.replace(/^(\d{4})-(\d{2})-(\d{2}),/gm, (_, year: string, month: string, day: string) => `${Number(day)}.${Number(month)}.${year} 00:00,`);
    expect(dots.split('\n')[1]).toBe('3.1.2000 00:00,1469.250000,1478.000000,1438.359985,1455.219971,1455.219971,931800000');
    expect(parseMarketData(dots, { symbol: 'SP500', dateFormat: 'DD.MM.YYYY' }).series).toEqual(expected);
  });
});
