import { DataValidationError } from '@ensemble/protocol';
import type { DataProblem } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { DayMonthOrder, dayMonthNeitherProblem } from './day-month-order';
import { parseDate } from './dates';
import { parseMarketData } from './parse';
import type { ParseOptions } from './types';

function problemsOf(text: string, options: ParseOptions = {}): DataProblem[] {
  try {
    parseMarketData(text, options);
  } catch (error) {
    if (DataValidationError.isInstance(error)) return [...error.problems];
    throw error;
  }
  throw new Error('expected the load to fail');
}

/** A close-only CSV with these dates, closes 1, 2, 3, … */
const csvOf = (dates: readonly string[]) => `Date,Close\n${dates.map((date, i) => `${date},${i + 1}`).join('\n')}\n`;

/** `DD/MM/YYYY` for days `from`..`to` of a month. */
const days = (from: number, to: number, month: string) => Array.from({ length: to - from + 1 }, (_, i) => `${String(from + i).padStart(2, '0')}/${month}`);

// 1–12 February and 1–8 March 2000 written day first: twenty dates that read either way (day
// and month both at most 12), on lines 2–21 of the file.
const twentyAmbiguous = [...days(1, 12, '02/2000'), ...days(1, 8, '03/2000')];

describe('the day-month dates of a column, under auto detection', () => {
  it('twenty dates that read either way, then 13/03/2000 on line 22: one problem, naming the order line 22 settles and the format to pass', () => {
    expect(twentyAmbiguous).toHaveLength(20);
    const problems = problemsOf(csvOf([...twentyAmbiguous, '13/03/2000']), { file: 'eu.csv' });
    // 13 is no month, so 13/03/2000 is 13 March 2000; no date is month first only; 21 day-month dates on lines 2–22.
    expect(problems).toEqual([
      {
        file: 'eu.csv',
        row: 22,
        field: 'Date',
        rule: 'bad-date',
        value: '13/03/2000',
        message:
          'the dates are day first: line 22 has "13/03/2000" (2000-03-13 only), and no date reads only month first (21 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
      },
    ]);
  });

  it('…and with --date-format DD/MM/YYYY the same file loads, 1 February to 13 March', () => {
    const data = parseMarketData(csvOf([...twentyAmbiguous, '13/03/2000']), { dateFormat: 'DD/MM/YYYY' });
    const time = data.series[0]?.time ?? [];
    expect(time).toHaveLength(21);
    expect(time[0]).toBe(Date.UTC(2000, 1, 1));
    expect(time[20]).toBe(Date.UTC(2000, 2, 13));
  });

  it('no date settles it: one problem for the column at its first date, naming both formats (not twenty, and the load does not guess)', () => {
    const problems = problemsOf(csvOf(twentyAmbiguous), { file: 'eu.csv' });
    expect(problems).toEqual([
      {
        file: 'eu.csv',
        row: 2,
        field: 'Date',
        rule: 'bad-date',
        value: '01/02/2000',
        message:
          'month first or day first? line 2 has "01/02/2000" (2000-01-02 or 2000-02-01), and no date has a day above 12 to settle it (20 day-month dates from line 2 on); the loader does not guess: pass --date-format MM/DD/YYYY or DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
      },
    ]);
  });

  it('dates in both orders: one problem naming a row of each, at the earlier', () => {
    // Line 14: 13/02/2000 is day first only; line 15: 02/14/2000 is month first only.
    const problems = problemsOf(csvOf([...days(1, 12, '02/2000'), '13/02/2000', '02/14/2000']), { file: 'mixed.csv' });
    expect(problems.map((p) => [p.row, p.value, p.message])).toEqual([
      [
        14,
        '13/02/2000',
        'the dates are in two orders: line 14 has "13/02/2000", only day first, and line 15 "02/14/2000", only month first; a file has one date format: correct the rows in the other order, then pass --date-format DD/MM/YYYY or MM/DD/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
      ],
    ]);
  });

  it('a month-first column settled by 01/13/1995, and one date alone, each with the separator the file uses', () => {
    expect(problemsOf('Ticker,Date,Close\nIBM,01/03/1995,18.33\nIBM,01/13/1995,18.48\n').map((p) => [p.row, p.message])).toEqual([
      [3, 'the dates are month first: line 3 has "01/13/1995" (1995-01-13 only), and no date reads only day first (2 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: pass --date-format MM/DD/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD'],
    ]);
    expect(problemsOf(csvOf(['13.1.2000'])).map((p) => p.message)).toEqual([
      'the dates are day first: line 2 has "13.1.2000" (2000-01-13 only), and no date reads only month first; automatic detection does not read a day and a month before the year: pass --date-format DD.MM.YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
    ]);
    expect(problemsOf(csvOf(['05-05-2000'])).map((p) => p.message)).toEqual([
      'month first or day first? line 2 has "05-05-2000" (2000-05-05 either way), and no date has a day above 12 to settle it; the loader does not guess: pass --date-format MM-DD-YYYY or DD-MM-YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
    ]);
  });

  it('JSON: the same one problem, its places named by element', () => {
    const json = JSON.stringify([{ date: '01/02/2000', close: 1 }, { date: '13/02/2000', close: 2 }]);
    expect(problemsOf(json, { file: 'bars.json' }).map((p) => [p.row, p.field, p.message])).toEqual([
      [2, 'date', 'the dates are day first: element 2 has "13/02/2000" (2000-02-13 only), and no date reads only month first (2 day-month dates from element 1 on); automatic detection does not read a day and a month before the year: pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD'],
    ]);
  });

  it('beside dates of other forms: a date format would refuse those, so the problem says to write these as YYYY-MM-DD', () => {
    expect(problemsOf(csvOf(['2000-01-03', 'Jan 4 2000', '13/01/2000', '05/01/2000']), { file: 'mixed.csv' }).map((p) => [p.row, p.message])).toEqual([
      [4, 'the day-month dates are day first: line 4 has "13/01/2000" (2000-01-13 only), and no date reads only month first (2 day-month dates from line 4 on); automatic detection does not read a day and a month before the year: the column\'s other dates are YYYY-MM-DD, month names, which a date format would refuse: write these as YYYY-MM-DD too'],
    ]);
    expect(problemsOf(csvOf(['2000-01-03', '05/01/2000'])).map((p) => p.message)).toEqual([
      'month first or day first? line 3 has "05/01/2000" (2000-05-01 or 2000-01-05), and no date has a day above 12 to settle it; the loader does not guess: the column\'s other dates are YYYY-MM-DD, which a date format would refuse: write these as YYYY-MM-DD too',
    ]);
  });

  it('the rows\' other problems are still reported, after the column\'s one, and a date that is no date either way keeps its own', () => {
    // Line 3: a close of 0; line 4: 31 February either way.
    const problems = problemsOf(csvOf(['01/02/2000', '02/02/2000', '31/02/2000']).replace('02/02/2000,2', '02/02/2000,0'), { file: 'eu.csv' });
    expect(problems.map((p) => [p.row, p.rule])).toEqual([
      [2, 'bad-date'],
      [3, 'non-positive-price'],
      [4, 'bad-date'],
    ]);
    expect(problems[2]?.message).toBe('"31/02/2000" is not a date, month first or day first; write dates as YYYY-MM-DD');
  });

  it('at the problem limit the column\'s problem comes first and says it saw only the rows read', () => {
    // Closes of 0 on every row: one not-positive problem a row; the load stops after 3.
    const csv = csvOf(twentyAmbiguous).replace(/,\d+$/gm, ',0');
    const problems = problemsOf(csv, { maxProblems: 3 });
    expect(problems.map((p) => [p.row, p.rule])).toEqual([
      [2, 'bad-date'],
      [2, 'non-positive-price'],
      [3, 'non-positive-price'],
    ]);
    expect(problems[0]?.message).toContain('and no date read before the load stopped has a day above 12 to settle it');
  });

  it('a time of day after the date (what a date format reads after it) changes nothing: the one problem names the order and the flag, CRLF too, and the flag reads the file', () => {
    // Lines 2–4: 3, 4 and 13 January 2000 at 09:30; 13 is no month, so line 4 settles day first.
    expect(problemsOf(csvOf(['03/01/2000 09:30', '04/01/2000 09:30', '13/01/2000 09:30']), { file: 'dmy_time.csv' })).toEqual([
      {
        file: 'dmy_time.csv',
        row: 4,
        field: 'Date',
        rule: 'bad-date',
        value: '13/01/2000 09:30',
        message:
          'the dates are day first: line 4 has "13/01/2000 09:30" (2000-01-13 only), and no date reads only month first (3 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
      },
    ]);
    const crlf = csvOf(['3/1/2000 16:00', '4/1/2000 16:00']).replace(/\n/g, '\r\n');
    expect(problemsOf(crlf).map((p) => [p.row, p.value, p.message])).toEqual([
      [
        2,
        '3/1/2000 16:00',
        'month first or day first? line 2 has "3/1/2000 16:00" (2000-03-01 or 2000-01-03), and no date has a day above 12 to settle it (2 day-month dates from line 2 on); the loader does not guess: pass --date-format MM/DD/YYYY or DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD',
      ],
    ]);
    expect([...(parseMarketData(crlf, { dateFormat: 'DD/MM/YYYY' }).series[0]?.time ?? [])]).toEqual([Date.UTC(2000, 0, 3, 16), Date.UTC(2000, 0, 4, 16)]);
    // Two-digit years: the existing two-digit-year problem, with its pivot.
    expect(problemsOf(csvOf(['03/01/00 09:30', '04/01/00 09:30'])).map((p) => p.message)).toEqual([
      'month first or day first? line 2 has "03/01/00 09:30" (2000-03-01 or 2000-01-03), and no date has a day above 12 to settle it (2 day-month dates from line 2 on); automatic detection reads no two-digit year; the loader does not guess: pass --date-format MM/DD/YY or DD/MM/YY (data.dateFormat in a config, dateFormat in code; YY 00–68 is 2000–2068, 69–99 is 1969–1999), or write dates as YYYY-MM-DD',
    ]);
    // JSON, with a T and a zone; a day-month date that is no date either way keeps its own problem.
    const json = JSON.stringify([{ date: '03/01/2000T09:30Z', close: 1 }, { date: '13/01/2000 09:30', close: 2 }, { date: '31/02/2000 09:30', close: 3 }]);
    expect(problemsOf(json).map((p) => [p.row, p.message])).toEqual([
      [2, 'the dates are day first: element 2 has "13/01/2000 09:30" (2000-01-13 only), and no date reads only month first (2 day-month dates from element 1 on); automatic detection does not read a day and a month before the year: pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD'],
      [3, '"31/02/2000 09:30" is not a date, month first or day first; write dates as YYYY-MM-DD'],
    ]);
  });

  it('two-digit years: never read by auto detection; the problem names the YY format and its pivot', () => {
    expect(parseDate('13/02/00')).toBeNull();
    expect(problemsOf(csvOf(['01/02/00', '13/02/00'])).map((p) => p.message)).toEqual([
      'the dates are day first: line 3 has "13/02/00" (2000-02-13 only), and no date reads only month first (2 day-month dates from line 2 on); automatic detection reads no two-digit year and no day and month before the year: pass --date-format DD/MM/YY (data.dateFormat in a config, dateFormat in code; YY 00–68 is 2000–2068, 69–99 is 1969–1999), or write dates as YYYY-MM-DD',
    ]);
    // 99 is 1999 (the pivot), so 12-31-99 is 31 December 1999, month first.
    expect(problemsOf(csvOf(['1-2-99', '12-31-99'])).map((p) => p.message)).toEqual([
      'the dates are month first: line 3 has "12-31-99" (1999-12-31 only), and no date reads only day first (2 day-month dates from line 2 on); automatic detection reads no two-digit year and no day and month before the year: pass --date-format MM-DD-YY (data.dateFormat in a config, dateFormat in code; YY 00–68 is 2000–2068, 69–99 is 1969–1999), or write dates as YYYY-MM-DD',
    ]);
    expect(problemsOf(csvOf(['01/02/00'])).map((p) => p.message)).toEqual([
      'month first or day first? line 2 has "01/02/00" (2000-01-02 or 2000-02-01), and no date has a day above 12 to settle it; automatic detection reads no two-digit year; the loader does not guess: pass --date-format MM/DD/YY or DD/MM/YY (data.dateFormat in a config, dateFormat in code; YY 00–68 is 2000–2068, 69–99 is 1969–1999), or write dates as YYYY-MM-DD',
    ]);
  });
});

describe('DayMonthOrder', () => {
  it('keeps a day and a month before the year that reads one way or both, nothing else', () => {
    const order = new DayMonthOrder();
    const at = { row: 2, field: 'date', place: 'line 2' };
    for (const kept of ['01/03/1995', ' 12-31-1999 ', '13.1.2000', '05/05/2000', '1/3/95', '01/03/1995 10:00', '01/03/1995T10:00:30.5Z', '1/3/95 10:00+01:00']) expect(order.keep(kept, at)).toBe(true);
    // 31 February either way, 29 February 2001 either way; other forms; what follows the date is no time of day.
    for (const other of ['31/02/2000', '02/29/2001', '31/02/2000 09:30', '2000-01-03', '2000/01/03', 'Jan 1 2000', '01/03-1995', '1/3/195', '01/03/1995 24:00', '01/03/1995 10', '01/03/1995  10:00', '01/03/1995 10:00 am']) expect(order.keep(other, at)).toBe(false);
    expect(new DayMonthOrder().problem(false)).toBeNull();
  });

  it('a day-month date that is no date either way has its own problem', () => {
    expect(dayMonthNeitherProblem('31/02/2000')).toBe('"31/02/2000" is not a date, month first or day first; write dates as YYYY-MM-DD');
    expect(dayMonthNeitherProblem('02/29/2001')).toBe('"02/29/2001" is not a date, month first or day first; write dates as YYYY-MM-DD');
    expect(dayMonthNeitherProblem('01/03/1995')).toBeNull();
    expect(dayMonthNeitherProblem('soon')).toBeNull();
  });
});
