import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataValidationError, EnsembleError, MAX_PRICE, MAX_VOLUME } from '@ensemble/protocol';
import type { DataProblem, DataRule } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { loadMarketData } from './load';
import { parseMarketData } from './parse';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

async function problemsOf(name: string, options: { maxProblems?: number } = {}): Promise<DataValidationError> {
  const error: unknown = await loadMarketData(fixture(name), options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!DataValidationError.isInstance(error)) throw new Error(`expected a DataValidationError from ${name}, got ${String(error)}`);
  return error;
}

function expectProblem(problem: DataProblem | undefined, expected: { file: string; rule: DataRule; row?: number; field?: string }) {
  expect(problem).toBeDefined();
  expect(problem?.file).toBe(fixture(expected.file));
  expect(problem?.rule).toBe(expected.rule);
  expect(problem?.row).toBe(expected.row);
  expect(problem?.field).toBe(expected.field);
  expect(problem?.message.length).toBeGreaterThan(10);
}

describe('every validation rule, from a broken fixture file', () => {
  // Each case: fixture name, then the one problem it must produce (line numbers counted in the
  // fixture by hand; the header is line 1).
  const cases: { file: string; rule: DataRule; row?: number; field?: string }[] = [
    { file: 'empty-file.csv', rule: 'empty-file' },
    { file: 'binary-content.csv', rule: 'binary-content', row: 3 },
    { file: 'binary-invalid-utf8.csv', rule: 'binary-content', row: 3 },
    { file: 'missing-column.csv', rule: 'missing-column', row: 1, field: 'low' },
    { file: 'duplicate-column.csv', rule: 'duplicate-column', row: 1, field: 'AAPL' },
    { file: 'short-row.csv', rule: 'short-row', row: 3, field: 'close' },
    { file: 'long-row.csv', rule: 'long-row', row: 3, field: '#7' },
    { file: 'missing-value.csv', rule: 'missing-value', row: 3, field: 'close' },
    { file: 'non-numeric.csv', rule: 'non-numeric', row: 3, field: 'high' },
    { file: 'non-positive-price.csv', rule: 'non-positive-price', row: 3, field: 'low' },
    { file: 'negative-volume.csv', rule: 'negative-volume', row: 3, field: 'volume' },
    { file: 'high-below-low.csv', rule: 'high-below-low', row: 3, field: 'high' },
    { file: 'open-outside-range.csv', rule: 'open-outside-range', row: 3, field: 'open' },
    { file: 'close-outside-range.csv', rule: 'close-outside-range', row: 3, field: 'close' },
    { file: 'bad-date.csv', rule: 'bad-date', row: 3, field: 'date' },
    { file: 'unsorted-dates.csv', rule: 'unsorted-dates', row: 4, field: 'date' },
    { file: 'duplicate-date.csv', rule: 'duplicate-date', row: 4, field: 'date' },
    { file: 'no-data.csv', rule: 'no-data' },
    { file: 'bad-json.json', rule: 'bad-json', row: 3 },
    { file: 'too-large.csv', rule: 'too-large', row: 3, field: 'high' },
    { file: 'bad-symbol.csv', rule: 'bad-symbol', row: 4, field: 'symbol' },
  ];

  it.each(cases)('$file → $rule', async (expected) => {
    const error = await problemsOf(expected.file);
    expect(error.code).toBe('DATA_INVALID');
    expect(error.problems).toHaveLength(1);
    expectProblem(error.problems[0], expected);
    expect(error.file).toBe(fixture(expected.file));
    expect(error.row).toBe(expected.row);
    expect(error.field).toBe(expected.field);
    expect(error.truncated).toBe(false);
  });

  it('non-finite: NaN and Infinity are both reported, on their own lines and columns', async () => {
    const error = await problemsOf('non-finite.csv');
    expect(error.problems).toHaveLength(2);
    expectProblem(error.problems[0], { file: 'non-finite.csv', rule: 'non-finite', row: 3, field: 'open' });
    expectProblem(error.problems[1], { file: 'non-finite.csv', rule: 'non-finite', row: 4, field: 'high' });
    expect(error.problems[0]?.value).toBe('NaN');
  });

  it('names the offending raw value', async () => {
    expect((await problemsOf('non-numeric.csv')).problems[0]?.value).toBe('eleven');
    expect((await problemsOf('bad-date.csv')).problems[0]?.value).toBe('2000-02-30');
  });

  it('the message lists file:line and column', async () => {
    const error = await problemsOf('high-below-low.csv');
    expect(error.message).toContain(`${fixture('high-below-low.csv')}:3 column "high"`);
  });
});

describe('collecting several problems', () => {
  it('lists every problem of a file with several broken rows, in line order', async () => {
    const error = await problemsOf('many-problems.csv');
    expect(error.problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'open', 'non-numeric'],
      [4, 'date', 'bad-date'],
      [5, 'high', 'high-below-low'],
      [6, 'close', 'short-row'],
      [7, 'volume', 'negative-volume'],
    ]);
    expect(error.truncated).toBe(false);
  });

  it('stops at 20 problems by default and says there were more', async () => {
    // truncated.csv has 30 rows, each with a non-numeric close ("x0" … "x29") on lines 2..31.
    const error = await problemsOf('truncated.csv');
    expect(error.problems).toHaveLength(20);
    expect(error.truncated).toBe(true);
    expect(error.problems[0]?.row).toBe(2);
    expect(error.problems[19]?.row).toBe(21);
    expect(error.message).toContain('20+ problems');
  });

  it('honours maxProblems', async () => {
    const error = await problemsOf('truncated.csv', { maxProblems: 3 });
    expect(error.problems.map((p) => p.row)).toEqual([2, 3, 4]);
    expect(error.truncated).toBe(true);
  });

  it('is not truncated when the limit equals the number of problems', async () => {
    const error = await problemsOf('truncated.csv', { maxProblems: 30 });
    expect(error.problems).toHaveLength(30);
    expect(error.truncated).toBe(false);
  });

  it('rejects a maxProblems that is not a positive integer', () => {
    expect(() => parseMarketData('date,close\n2000-01-03,1\n', { maxProblems: 0 })).toThrow(/maxProblems/);
  });
});

describe('validation in the other layouts', () => {
  const fail = (text: string | Uint8Array, options: Parameters<typeof parseMarketData>[1] = {}) => {
    try {
      parseMarketData(text, { file: 'inline.csv', ...options });
    } catch (error) {
      if (DataValidationError.isInstance(error)) return error.problems;
      throw error;
    }
    throw new Error('expected a DataValidationError');
  };

  it('wide: a bad cell names the symbol column; a short row is reported', () => {
    const problems = fail('date,AA,BB\n2000-01-03,1,2\n2000-01-04,x,2\n2000-01-05,1\n2000-01-06,1,-2\n');
    expect(problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'AA', 'non-numeric'],
      [4, 'BB', 'short-row'],
      [5, 'BB', 'non-positive-price'],
    ]);
  });

  it('a positive price below 1e-12 (a subnormal double, say) is a data error in every layout, named with its row and column', () => {
    const ohlcv = fail('date,open,high,low,close,volume\n2000-01-03,1,1,1,1,0\n2000-01-04,1e-320,1e-320,1e-320,1e-320,0\n');
    expect(ohlcv.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'open', 'too-small'],
      [3, 'high', 'too-small'],
      [3, 'low', 'too-small'],
      [3, 'close', 'too-small'],
    ]);
    expect(ohlcv[0]?.message).toBe('open is "1e-320"; prices are at least 1e-12 per unit (a smaller one is a data error: a move from it to 1 would be a return above 1e14 %)');
    expect(fail('date,AA,BB\n2000-01-03,1,2\n2000-01-04,1,9.9e-13\n').map((p) => [p.row, p.field, p.rule])).toEqual([[3, 'BB', 'too-small']]);
    expect(fail('[{"time":"2000-01-03","close":1},{"time":"2000-01-04","close":5e-324}]', { file: 'inline.json' }).map((p) => [p.field, p.rule])).toEqual([['close', 'too-small']]);
    // Adjusting takes the prices through the same range: a raw low of 0.5 scaled by 1e-6 / 1e6.
    const adjusted = fail('date,open,high,low,close,adj close,volume\n2020-01-01,1,1,1,1,1,10\n2020-01-02,0.5,1000000,0.5,1000000,0.000001,10\n', { adjust: true });
    expect(adjusted.map((p) => [p.row, p.field, p.rule])).toEqual([[3, 'adj close', 'too-small']]);
    expect(adjusted[0]?.message).toContain('makes the low 5e-13; prices are at least 1e-12 per unit');
    // 1e-12 itself is a price.
    expect(parseMarketData('date,close\n2000-01-03,1e-12\n2000-01-04,1\n', { file: 'inline.csv' }).series[0]?.close[0]).toBe(1e-12);
  });

  it('a quote opened and never closed is named where it opens, in every layout, not as the value it swallowed', () => {
    const ohlcv = fail('date,open,high,low,close,volume\n2020-01-02,1,1,1,1,100\n2020-01-03,1,1,1,1,"100\n2020-01-06,1,1,1,1,100\n');
    expect(ohlcv.map((p) => [p.row, p.field, p.rule])).toEqual([[3, 'volume', 'unclosed-quote']]);
    expect(ohlcv[0]?.message).toBe('"volume" opens a quote (") that is never closed: everything after it to the end of the file was read as this one field; close the quote or remove it');
    expect(fail('date,symbol,close\n2020-01-02,"AA,1\n2020-01-03,AA,2\n').map((p) => [p.row, p.field, p.rule])).toEqual([[2, 'symbol', 'unclosed-quote']]);
    expect(fail('date,AA,BB\n2020-01-02,1,2\n2020-01-03,1,"2\n').map((p) => [p.row, p.field, p.rule])).toEqual([[3, 'BB', 'unclosed-quote']]);
    // In the header too.
    expect(fail('"date,open,high,low,close,volume\n2020-01-02,1,1,1,1,100\n').map((p) => [p.row, p.field, p.rule])).toEqual([[1, '#1', 'unclosed-quote']]);
    expect(fail('date,"A,B\n2020-01-02,1\n').map((p) => [p.row, p.field, p.rule])).toEqual([[1, '#2', 'unclosed-quote']]);
    // A quoted field whose quote is closed may hold commas.
    expect(parseMarketData('date,symbol,close\n2020-01-02,"A,B",1\n', { file: 'inline.csv' }).series.map((s) => s.symbol)).toEqual(['A,B']);
  });

  it('wide: unsorted and duplicate dates are checked on the date column', () => {
    const problems = fail('date,AA\n2000-01-04,1\n2000-01-03,1\n2000-01-04,1\n');
    expect(problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'date', 'unsorted-dates'],
      [4, 'date', 'duplicate-date'],
    ]);
  });

  it('the order of dates is checked on rows that are invalid otherwise, so one pass reports both', () => {
    // OHLCV: line 3 has a bad close and is out of order; line 4 is checked against line 2, the
    // last row in order; line 5, valid, follows line 4's date (an invalid row in order still counts).
    const ohlcv = fail('date,open,high,low,close\n2020-01-03,1,2,0.5,1.5\n2020-01-02,1,2,0.5,abc\n2020-01-06,1,2,3,1.5\n2020-01-05,1,2,0.5,1.5\n');
    expect(ohlcv.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'close', 'non-numeric'],
      [3, 'date', 'unsorted-dates'],
      [4, 'high', 'high-below-low'],
      [5, 'date', 'unsorted-dates'],
    ]);
    expect(ohlcv[3]?.message).toBe('2020-01-05 comes before 2020-01-06 on line 4; sort the rows by date');
    // Long close-only, per symbol.
    const long = fail('symbol,date,price\nA,2000-01-04,1\nA,2000-01-03,-1\nB,2000-01-03,x\nB,2000-01-03,2\n');
    expect(long.map((p) => [p.row, p.rule])).toEqual([
      [3, 'non-positive-price'],
      [3, 'unsorted-dates'],
      [4, 'non-numeric'],
      [5, 'duplicate-date'],
    ]);
    // Long: a row without a price is no bar, but its date is in the file's order all the same.
    expect(fail('symbol,date,price\nA,2020-01-03,1\nA,2020-01-01,\nA,2020-01-04,2\n').map((p) => [p.row, p.rule])).toEqual([[3, 'unsorted-dates']]);
    // A row refused for its adjusted range still counts as the last date seen.
    const adjusted = fail('date,open,high,low,close,adj close\n2020-01-03,1,2,0.5,1,1\n2020-01-05,1,2,0.5,1,1e-12\n2020-01-04,1,2,0.5,1,1\n', { adjust: true });
    expect(adjusted.map((p) => [p.row, p.rule])).toEqual([
      [3, 'too-small'],
      [4, 'unsorted-dates'],
    ]);
    // JSON bars, close-only and OHLC.
    const json = fail(
      JSON.stringify([
        { date: '2020-01-03', close: 1 },
        { date: '2020-01-02', close: 'x' },
        { date: '2020-01-06', open: 1, high: 2, low: 3, close: 1.5 },
        { date: '2020-01-05', close: 1 },
      ]),
      { file: 'inline.json' },
    );
    expect(json.map((p) => [p.row, p.rule])).toEqual([
      [2, 'non-numeric'],
      [2, 'unsorted-dates'],
      [3, 'high-below-low'],
      [4, 'unsorted-dates'],
    ]);
  });

  it('wide: a column without a name and a file without symbol columns', () => {
    expect(fail('date,AA,\n2000-01-03,1,2\n').map((p) => [p.field, p.rule])).toEqual([['#3', 'missing-column']]);
    expect(fail('date\n2000-01-03\n').map((p) => p.rule)).toEqual(['missing-column']);
  });

  it('wide: a volume column is refused, not traded as a symbol named Volume', () => {
    expect(fail('date,SPY,Volume\n2000-01-03,145,1000\n').map((p) => [p.row, p.field, p.rule, p.message])).toEqual([
      [1, 'Volume', 'missing-column', 'column "Volume" is a volume, but a wide file (a date, then one column of prices per symbol) has no volumes: remove the column, or write the file as OHLCV (date,open,high,low,close,volume) or long (symbol,date,price)'],
    ]);
    // A load that names the layout reads every column as a symbol, as asked.
    expect(parseMarketData('date,SPY,Volume\n2000-01-03,145,1000\n', { format: 'wide' }).series.map((s) => s.symbol)).toEqual(['SPY', 'Volume']);
  });

  it('long: dates are checked per symbol, so interleaved symbols are fine but a step back is not', () => {
    const ok = parseMarketData('symbol,date,price\nA,2000-01-03,1\nB,2000-01-03,2\nA,2000-01-04,1\nB,2000-01-04,2\n');
    expect(ok.series.map((s) => s.length)).toEqual([2, 2]);
    const problems = fail('symbol,date,price\nA,2000-01-03,1\nB,2000-01-05,2\nB,2000-01-04,2\n');
    expect(problems.map((p) => [p.row, p.rule])).toEqual([[4, 'unsorted-dates']]);
    expect(problems[0]?.message).toContain('for B');
  });

  it('long: an empty symbol, and a missing price column', () => {
    expect(fail('symbol,date,price\n,2000-01-03,1\n').map((p) => [p.row, p.field, p.rule])).toEqual([[2, 'symbol', 'missing-value']]);
    expect(fail('symbol,date,value\nA,2000-01-03,1\n', { format: 'long' }).map((p) => [p.field, p.rule])).toEqual([
      ['price', 'missing-column'],
    ]);
  });

  it('ohlcv with a symbol column: order is per symbol', () => {
    const problems = fail(
      'symbol,date,open,high,low,close\nA,2000-01-04,1,1,1,1\nB,2000-01-03,1,1,1,1\nA,2000-01-04,1,1,1,1\n',
    );
    expect(problems.map((p) => [p.row, p.rule])).toEqual([[4, 'duplicate-date']]);
  });

  it('a date with the day and the month before the year (a US or European export): one problem for the column, naming the order its dates allow and the date format to pass, in CSV and JSON', () => {
    const csv = fail('Ticker,Date,Close\nIBM,01/03/1995,18.33\nIBM,01/13/1995,18.48\n');
    // 13 is no month: 01/13/1995 is month first only, so the column is month first.
    expect(csv.map((p) => [p.row, p.field, p.rule, p.message])).toEqual([
      [3, 'Date', 'bad-date', 'the dates are month first: line 3 has "01/13/1995" (1995-01-13 only), and no date reads only day first (2 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: pass --date-format MM/DD/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD'],
    ]);
    const json = fail(JSON.stringify([{ date: '13/01/1995', close: 18.33 }]), { file: 'inline.json' });
    expect(json.map((p) => [p.row, p.field, p.rule, p.message])).toEqual([
      [1, 'date', 'bad-date', 'the dates are day first: element 1 has "13/01/1995" (1995-01-13 only), and no date reads only month first; automatic detection does not read a day and a month before the year: pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD'],
    ]);
  });

  it('json: problems name the element (index + 1) and the field', () => {
    const problems = fail(
      JSON.stringify([
        { date: '2000-01-03', open: 10, high: 11, low: 9, close: 10 },
        { date: '2000-01-04', open: 10, high: 9, low: 11, close: 10 },
        { date: 'soon', open: 10, high: 11, low: 9, close: 10 },
        { date: '2000-01-06', open: 'x', high: 11, low: 9, close: null },
        { date: '2000-01-07', open: 10, high: 11, low: 9, close: 10, volume: -1 },
        7,
      ]),
      { file: 'inline.json' },
    );
    expect(problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [2, 'high', 'high-below-low'],
      [3, 'date', 'bad-date'],
      [4, 'open', 'non-numeric'],
      [4, 'close', 'missing-value'],
      [5, 'volume', 'negative-volume'],
      [6, 'bar', 'bad-json'],
    ]);
  });

  it('json: the object form names the symbol and element in the field', () => {
    const problems = fail(JSON.stringify({ AAPL: [{ date: '2000-01-03', close: 1 }, { date: '2000-01-03', close: 2 }], MSFT: 3 }));
    expect(problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [2, 'AAPL[1].date', 'duplicate-date'],
      [undefined, 'MSFT', 'bad-json'],
    ]);
  });

  it('json: a field given twice in one bar is refused, naming its line, where JSON.parse would keep the last', () => {
    const text = '[\n  {"date": "2000-01-03", "close": 10},\n  {"date": "2000-01-04", "close": 11,\n   "close": 12}\n]';
    expect(JSON.parse(text)).toHaveLength(2);
    const problems = fail(text, { format: 'json' });
    expect(problems.map((p) => p.rule)).toEqual(['duplicate-column']);
    expect(problems[0]?.message).toBe('line 4, column 4: "close" is given twice in this object (first on line 3): JSON keeps only the last one, so remove the one you did not mean');
    // The same field in two bars, or a symbol's name used as a field, is fine.
    expect(() => parseMarketData(JSON.stringify({ close: [{ date: '2000-01-03', close: 1 }] }), { format: 'json' })).not.toThrow();
  });

  // JSON.parse reads 1e400 as Infinity, and the problems quoted "Infinity" (a date as "null").
  it('json: a number beyond the range of doubles is quoted as the file writes it, in both forms', () => {
    const array = fail('[{"date": "2000-01-03", "open": 1, "high": 1e400, "low": 1, "close": 1, "volume": -2E+999}, {"date": 1e400, "close": 1}]', { file: 'inline.json' });
    expect(array.map((p) => [p.row, p.field, p.value, p.message])).toEqual([
      [1, 'high', '1e400', 'high is "1e400"; prices are at most 1e12 per unit (larger ones overflow position values)'],
      [1, 'volume', '-2E+999', 'volume is "-2E+999"; volume must not be negative'],
      [2, 'date', '1e400', '"1e400" is not a date; use "YYYY-MM-DD", an ISO date-time or epoch seconds/milliseconds (≥ 1e8)'],
    ]);
    const object = fail('{"AAPL": [{"date": "2000-01-03", "close": 1}], "MSFT": [{"date": "2000-01-03", "price": 5e999}]}', { file: 'inline.json' });
    expect(object.map((p) => [p.row, p.field, p.message])).toEqual([[1, 'MSFT[0].price', 'price is "5e999"; prices are at most 1e12 per unit (larger ones overflow position values)']]);
  });

  // A bar, a symbol's value or a field that is not a number, holding such a number, was quoted
  // through JSON.stringify, which writes Infinity as null: `element 1 is "null"`, `[null]`.
  it('json: a number beyond the range of doubles inside a bar, a field or a symbol\'s value is quoted as written', () => {
    const array = fail('[{"date": "2000-01-03", "close": 1}, 1e400, [2, -1e999], {"date": "2000-01-04", "close": {"v": [1e400]}}]', { file: 'inline.json' });
    expect(array.map((p) => [p.row, p.field, p.message])).toEqual([
      [2, 'bar', 'element 1 is "1e400", not a bar object'],
      [3, 'bar', 'element 2 is "[2,-1e999]", not a bar object'],
      [4, 'close', 'close is "{"v":[1e400]}", which is not a number'],
    ]);
    expect(array[2]?.value).toBe('{"v":[1e400]}');
    const object = fail('{"AAPL": [{"date": "2000-01-03", "close": 1}, [1e400, "1e400", 5]], "MSFT": -1e400}', { file: 'inline.json' });
    expect(object.map((p) => [p.field, p.message])).toEqual([
      ['AAPL[1].bar', 'element 1 is "[1e400,"1e400",5]", not a bar object'],
      ['MSFT', '"MSFT" should hold an array of bars, not "-1e400"'],
    ]);
    // Without such a number a value reads as JSON writes it, as before.
    expect(fail('[{"date": "2000-01-03", "close": 1}, [1, null]]').map((p) => p.message)).toEqual(['element 1 is "[1,null]", not a bar object']);
  });

  it('json: a top level that is neither an array nor an object', () => {
    expect(fail('"hello"', { format: 'json' }).map((p) => p.rule)).toEqual(['bad-json']);
  });

  // Regression: a carriage return alone in a file of line feeds joined two lines into one, and the
  // row's width was all that was said.
  it('a carriage return that ends no line is named with the width problem it makes', () => {
    const header = fail('date,open,high,low,close,volume\r2020-01-01,1,1,1,1,1\n2020-01-02,1,1,1,1,1\n');
    expect(header.map((p) => [p.row, p.rule])).toEqual([[2, 'short-row']]);
    expect(header[0]?.message).toContain('(the header holds a carriage return (\\r) that ends no line, so two lines were read as one: the file mixes line endings; save it with one kind, LF or CRLF)');
    const row = fail('date,open,high,low,close,volume\n2020-01-01,1,1,1,1,1\n2020-01-02,1,1,1,1,1\r2020-01-03,1,1,1,1,1\n');
    expect(row.map((p) => [p.row, p.rule])).toEqual([[3, 'long-row']]);
    expect(row[0]?.message).toContain('(the row holds a carriage return (\\r) that ends no line');
    // CRLF and CR-only files end their lines with it: no such problem.
    expect(parseMarketData('date,close\r\n2020-01-01,1\r\n2020-01-02,2\r\n').series[0]?.length).toBe(2);
    expect(parseMarketData('date,close\r2020-01-01,1\r2020-01-02,2\r').series[0]?.length).toBe(2);
  });

  // Regression: a bar under "A" naming "B" as its symbol was read as A's without a word.
  it('json: a bar under one symbol that names another is refused', () => {
    const text = '{"A":[{"date":"2000-01-03","close":1,"symbol":"B"},{"date":"2000-01-04","close":2,"symbol":"A"}]}';
    expect(fail(text).map((p) => [p.row, p.field, p.rule, p.message])).toEqual([[1, 'A[0].symbol', 'bad-symbol', 'the bar says "symbol": "B" but is under "A"; remove its symbol, or move it under "B"']]);
    // The same symbol in another case is the same symbol.
    expect(parseMarketData('{"AAA":[{"date":"2000-01-03","close":1,"symbol":"aaa"}]}').series[0]?.symbol).toBe('AAA');
  });

  // Regression: a JSON file read as --format ohlcv showed its first line as a CSV header, and a CSV
  // file read as --format json gave JSON.parse's "Unexpected token".
  it('a format given that the file\'s first character contradicts is said as such', () => {
    expect(fail('[{"date":"2000-01-03","close":1}]', { format: 'ohlcv' }).map((p) => [p.row, p.rule, p.message])).toEqual([
      [1, 'unknown-format', 'the file starts with "[", as JSON does, but the format given is ohlcv (CSV): leave the format out to detect it, or give json'],
    ]);
    expect(fail('date,close\n2000-01-03,1\n', { format: 'json' }).map((p) => [p.row, p.rule, p.message])).toEqual([
      [1, 'unknown-format', 'the format given is json, but the file starts with "d", not "[" or "{" as JSON does: leave the format out to detect it, or give ohlcv, long or wide for CSV'],
    ]);
  });

  it('binary content in bytes or text given directly', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('date,close\n2000-01-03,1\n2000-01-04,'), 0xff, 0x31, 0x0a]);
    expect(fail(bytes).map((p) => [p.row, p.rule])).toEqual([[3, 'binary-content']]);
    expect(fail('date,close\n2000-01-03,\uFFFD\n').map((p) => [p.row, p.rule])).toEqual([[2, 'binary-content']]);
    expect(fail('date,close\n\n\n2000-01-03,1\u0000\n').map((p) => [p.row, p.rule])).toEqual([[4, 'binary-content']]);
  });

  it('UTF-16 text (a spreadsheet\'s "Unicode text" export) is named as such, with what to do', () => {
    const text = 'date,close\n2000-01-03,1\n';
    const littleEndian = new Uint8Array([0xff, 0xfe, ...Array.from(text).flatMap((character) => [character.charCodeAt(0), 0])]);
    const bigEndian = new Uint8Array([0xfe, 0xff, ...Array.from(text).flatMap((character) => [0, character.charCodeAt(0)])]);
    for (const bytes of [littleEndian, bigEndian]) {
      const problems = fail(bytes);
      expect(problems.map((p) => [p.row, p.rule])).toEqual([[1, 'binary-content']]);
      expect(problems[0]?.message).toBe('the file is UTF-16 text (it starts with a UTF-16 byte-order mark), not UTF-8; save it as UTF-8 CSV or JSON');
    }
    // Without the byte-order mark: a zero beside every character, after it or before it.
    expect(fail(littleEndian.subarray(2)).map((p) => [p.row, p.rule, p.message])).toEqual([[1, 'binary-content', 'the file is UTF-16 text (little-endian, without a byte-order mark), not UTF-8; save it as UTF-8 CSV or JSON']]);
    expect(fail(bigEndian.subarray(2)).map((p) => p.message)).toEqual(['the file is UTF-16 text (big-endian, without a byte-order mark), not UTF-8; save it as UTF-8 CSV or JSON']);
    // Zeros of binary data are not so regular: still binary.
    expect(fail(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 8, 0, 0x21, 0])).map((p) => p.message)).toEqual(['the file contains NUL bytes: it is binary (compressed? a spreadsheet?), not CSV or JSON text']);
  });

  // Regression: UTF-32's little-endian mark (FF FE 00 00) starts with UTF-16's, and was named so.
  it('UTF-32 text is named as such', () => {
    const text = 'date,close\n2000-01-03,1\n';
    const littleEndian = new Uint8Array([0xff, 0xfe, 0, 0, ...Array.from(text).flatMap((character) => [character.charCodeAt(0), 0, 0, 0])]);
    const bigEndian = new Uint8Array([0, 0, 0xfe, 0xff, ...Array.from(text).flatMap((character) => [0, 0, 0, character.charCodeAt(0)])]);
    for (const bytes of [littleEndian, bigEndian]) {
      expect(fail(bytes).map((p) => [p.row, p.rule, p.message])).toEqual([[1, 'binary-content', 'the file is UTF-32 text (it starts with a UTF-32 byte-order mark), not UTF-8; save it as UTF-8 CSV or JSON']]);
    }
  });

  it('a whitespace-only file is empty', () => {
    expect(fail(' \n\n \n').map((p) => p.rule)).toEqual(['empty-file']);
  });
});

describe('errors for bad paths', () => {
  it('a missing file is DATA_NOT_FOUND naming the path', async () => {
    const error: unknown = await loadMarketData('/nonexistent/prices.csv').catch((caught: unknown) => caught);
    expect(EnsembleError.isInstance(error)).toBe(true);
    expect((error as EnsembleError).code).toBe('DATA_NOT_FOUND');
    expect((error as EnsembleError).message).toContain('/nonexistent/prices.csv');
  });

  it('a directory is IO_FAILED', async () => {
    const error: unknown = await loadMarketData(fileURLToPath(new URL('./__fixtures__', import.meta.url))).catch(
      (caught: unknown) => caught,
    );
    expect((error as EnsembleError).code).toBe('IO_FAILED');
    expect((error as EnsembleError).message).toContain('directory');
  });

  // Regression: `ensemble data inspect /dev/zero` never returned, reading a file without an end.
  it.skipIf(process.platform === 'win32')('a device is IO_FAILED at once, and a named pipe is read', async () => {
    const error: unknown = await loadMarketData('/dev/zero').catch((caught: unknown) => caught);
    expect((error as EnsembleError).code).toBe('IO_FAILED');
    expect((error as EnsembleError).message).toBe('"/dev/zero" is a device, not a file: pass a CSV or JSON file (to read a pipe, as /dev/stdin, pipe a file into the command).');
    // A named pipe ends when its writer closes it, and is read as a file.
    const directory = mkdtempSync(path.join(tmpdir(), 'ensemble-pipe-'));
    try {
      const fifo = path.join(directory, 'prices.csv');
      execFileSync('mkfifo', [fifo]);
      const writing = writeFile(fifo, 'date,close\n2020-01-02,10\n2020-01-03,11\n');
      const data = await loadMarketData(fifo);
      await writing;
      expect(data.series[0]?.close).toEqual(new Float64Array([10, 11]));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 10_000);
});

// eslint-disable-next-line no-control-regex -- the tests look for raw control characters
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function parseError(text: string, options: { file?: string; maxProblems?: number; sort?: boolean } = {}): DataValidationError {
  try {
    parseMarketData(text, options);
  } catch (error) {
    if (DataValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a DataValidationError');
}

describe('limits on values and symbols', () => {
  // Regression: a row of 1e308 was accepted, and the run then failed with "invalid market data …
  // equity curve:53 column "grossExposure" [non-finite]", naming a file that does not exist.
  it('a row of 1e308 is refused at its line, every column named, rule too-large', () => {
    const error = parseError('date,open,high,low,close,volume\n2020-01-02,1,1,1,1,1\n2020-01-03,1e308,1e308,1e308,1e308,1e308\n', { file: 'big.csv' });
    expect(error.problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'open', 'too-large'],
      [3, 'high', 'too-large'],
      [3, 'low', 'too-large'],
      [3, 'close', 'too-large'],
      [3, 'volume', 'too-large'],
    ]);
    expect(error.message).toContain('big.csv:3 column "open": open is "1e308"; prices are at most 1e12 per unit');
    expect(error.message).not.toContain('equity curve');
  });

  it('the bounds themselves pass, on the single-pass path and the general one', () => {
    const data = parseMarketData(`date,open,high,low,close,volume\n2020-01-02,1,${MAX_PRICE},1,1,${MAX_VOLUME}\n2020-01-03,1,1e12,1,1,1e18\n`);
    expect(Array.from(data.series[0]?.high ?? [])).toEqual([MAX_PRICE, MAX_PRICE]);
    expect(Array.from(data.series[0]?.volume ?? [])).toEqual([MAX_VOLUME, MAX_VOLUME]);
    const json = parseMarketData(JSON.stringify([{ date: '2020-01-02', close: MAX_PRICE, volume: MAX_VOLUME }]));
    expect([json.series[0]?.close[0], json.series[0]?.volume[0]]).toEqual([MAX_PRICE, MAX_VOLUME]);
  });

  it('JSON prices and volumes over the bounds are refused too', () => {
    const error = parseError(JSON.stringify([{ date: '2020-01-02', close: 1e13 }, { date: '2020-01-03', close: 1, volume: 1e19 }]));
    expect(error.problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [1, 'close', 'too-large'],
      [2, 'volume', 'too-large'],
    ]);
  });

  // Regression: the raw cell reached the terminal and set its title, cleared the screen.
  it('a volume cell of escape sequences is echoed escaped', () => {
    const error = parseError('date,open,high,low,close,volume\n2020-01-02,1,1,1,1,"\u001b]0;PWNED\u0007\u001b[2J\u001b[31mRED"\n', { file: 'v.csv' });
    expect(RAW_CONTROL.test(error.message)).toBe(false);
    expect(error.message).toContain('volume is "\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31mRED", which is not a number');
  });

  // Regression: a spreadsheet's or a web page's number formats (investing.com writes "1,184.25"
  // and volumes as "58.41M", nasdaq.com "$184.25", a German Excel "1234,5") were each "not a
  // number (use a plain decimal such as 101.25)", without saying what was wrong with them.
  it('numbers with thousands separators, a decimal comma, a magnitude suffix, a currency or a percent sign say so and how to write them', () => {
    const csv = [
      'date,open,high,low,close,volume',
      '2020-01-02,"1,184.25","1.234,5",1234,"1234,5",58.41M',
      '2020-01-03,$184.25,"1 234,5",1000,"1,234",2b',
      '2020-01-06,184.25 €,-0.75%,1000,"12,345,678",1.5 K',
    ].join('\n');
    const error = parseError(`${csv}\n`, { file: 'formats.csv' });
    expect(error.problems.map((p) => [p.row, p.field, p.rule, p.message])).toEqual([
      [2, 'open', 'non-numeric', 'open is "1,184.25", which is not a plain number: it has thousands separators; write 1184.25, without them (save the file with the number format "General", not with separators)'],
      [2, 'high', 'non-numeric', 'high is "1.234,5", which is not a plain number: it is written with a decimal comma; write 1234.5, with a decimal point and no thousands separators (save the file from a spreadsheet set to an English locale, or replace the commas)'],
      [2, 'close', 'non-numeric', 'close is "1234,5", which is not a plain number: it is written with a decimal comma; write 1234.5, with a decimal point and no thousands separators (save the file from a spreadsheet set to an English locale, or replace the commas); or, to read the file as it is, pass --decimal comma (data.decimal in a config, decimal in code)'],
      [2, 'volume', 'non-numeric', 'volume is "58.41M", which is not a plain number: it is abbreviated with "M" (× 1,000,000), which loses digits; write the whole number (download the data with full values)'],
      [3, 'high', 'non-numeric', 'high is "1 234,5", which is not a plain number: it is written with a decimal comma; write 1234.5, with a decimal point and no thousands separators (save the file from a spreadsheet set to an English locale, or replace the commas)'],
      [3, 'close', 'non-numeric', 'close is "1,234", which is not a plain number: it has thousands separators; write 1234 (or 1.234, if the comma is a decimal comma), without them (save the file with the number format "General", not with separators)'],
      [3, 'volume', 'non-numeric', 'volume is "2b", which is not a plain number: it is abbreviated with "b" (× 1,000,000,000), which loses digits; write the whole number (download the data with full values)'],
      // A currency sign is read (nasdaq.com's "$184.25" on line 3), but one currency a file.
      [4, 'open', 'non-numeric', 'open is "184.25 €", in another currency than the "$" of line 3: the prices of a file are in one currency; convert them, or keep the currency\'s file apart'],
      [4, 'high', 'non-numeric', 'high is "-0.75%", which is not a plain number: it is a percentage (a change, not a price or a volume); remove the column, or give the column its own name'],
      [4, 'close', 'non-numeric', 'close is "12,345,678", which is not a plain number: it has thousands separators; write 12345678, without them (save the file with the number format "General", not with separators)'],
      [4, 'volume', 'non-numeric', 'volume is "1.5 K", which is not a plain number: it is abbreviated with "K" (× 1,000), which loses digits; write the whole number (download the data with full values)'],
    ]);
    // Anything else keeps the general advice.
    expect(parseError('date,close\n2020-01-02,1e5x\n').problems[0]?.message).toBe('close is "1e5x", which is not a number (use a plain decimal such as 101.25)');
  });

  // Regression: nasdaq.com's historical data (`Date,Close/Last,Volume,Open,High,Low`, prices as
  // "$236.85", newest first) was refused for want of a "close" column, then for every price.
  it("reads nasdaq.com's download: the Close/Last column and prices with a currency sign, noted", () => {
    const nasdaq = [
      'Date,Close/Last,Volume,Open,High,Low',
      '01/13/2025,$234.40,49630730,$233.53,$234.67,$229.72',
      '01/10/2025,$236.85,61710860,$240.01,$240.16,$233.00',
      '01/08/2025,$242.70,37628940,$241.92,$243.7123,$240.05',
    ].join('\n');
    const plain = ['date,open,high,low,close,volume', '2025-01-08,241.92,243.7123,240.05,242.70,37628940', '2025-01-10,240.01,240.16,233.00,236.85,61710860', '2025-01-13,233.53,234.67,229.72,234.40,49630730'].join('\n');
    const read = parseMarketData(`${nasdaq}\n`, { file: 'HistoricalData.csv', dateFormat: 'MM/DD/YYYY', sort: true });
    const expected = parseMarketData(`${plain}\n`, { file: 'HistoricalData.csv' });
    const [series] = read.series;
    const [want] = expected.series;
    for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) expect(series?.[column]).toEqual(want?.[column]);
    expect(read.notes).toContain('prices read without their currency sign "$" ("Close/Last", "Open", "High", "Low"): the run\'s cash is in that currency too');
    // A sign after the number, and a close-only file: the same.
    const euro = parseMarketData('date,close\n2020-01-02,184.25 €\n2020-01-03,185\n');
    expect(euro.series[0]?.close).toEqual(new Float64Array([184.25, 185]));
    expect(euro.notes).toContain('prices read without their currency sign "€" ("close"): the run\'s cash is in that currency too');
    // Without a sign, no note.
    expect(expected.notes ?? []).not.toContainEqual(expect.stringContaining('currency'));
  });

  it('a volume with a currency sign, a sign without a number and prices in two currencies are refused, named', () => {
    const error = parseError('date,open,high,low,close,volume\n2020-01-02,$1,$1,$1,$1,$5\n2020-01-03,$1,$1,$1,£1,5\n2020-01-06,$,1,1,1,5\n');
    expect(error.problems.map((p) => [p.row, p.field, p.message])).toEqual([
      [2, 'volume', 'volume is "$5", which is not a plain number: it has a currency sign; write 5, the number alone'],
      [3, 'close', 'close is "£1", in another currency than the "$" of line 2: the prices of a file are in one currency; convert them, or keep the currency\'s file apart'],
      [4, 'open', 'open is "$", which is not a number (use a plain decimal such as 101.25)'],
    ]);
  });

  // Regression: a year-first date with a one-digit month or day was told to "use YYYY-MM-DD", though
  // `--date-format YYYY-MM-DD` reads it as it is.
  it('a year-first date with a one-digit month or day names the date format that reads it', () => {
    const error = parseError('date,close\n2024-1-5,10\n2024-1-16,11\n');
    expect(error.problems.map((p) => [p.row, p.rule, p.message])).toEqual([
      [2, 'bad-date', '"2024-1-5" has a one-digit month or day, which automatic detection does not read; pass --date-format YYYY-MM-DD (data.dateFormat in a config, dateFormat in code), which reads one or two digits, or write dates as 2024-01-05'],
      [3, 'bad-date', '"2024-1-16" has a one-digit month or day, which automatic detection does not read; pass --date-format YYYY-MM-DD (data.dateFormat in a config, dateFormat in code), which reads one or two digits, or write dates as 2024-01-16'],
    ]);
    // With the file's separator, and a time of day after the date.
    expect(parseError('date,close\n2024/3/15 09:30,10\n').problems[0]?.message).toBe(
      '"2024/3/15 09:30" has a one-digit month or day, which automatic detection does not read; pass --date-format YYYY/MM/DD (data.dateFormat in a config, dateFormat in code), which reads one or two digits, or write dates as 2024-03-15',
    );
    // The format named reads them.
    expect(parseMarketData('date,close\n2024-1-5,10\n2024-1-16,11\n', { dateFormat: 'YYYY-MM-DD' }).series[0]?.time).toEqual(new Float64Array([Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 16)]));
    // No such date (30 February) keeps the general advice.
    expect(parseError('date,close\n2024-2-30,10\n').problems[0]?.message).toBe('"2024-2-30" is not a date; use YYYY-MM-DD, an ISO date-time, "Jan 1 2000" or epoch seconds/milliseconds');
  });

  // Regression: Yahoo Finance's row of "null" (a day without prices) read as five unrelated
  // "not a number" problems with the advice to write a decimal, not to remove the row; then, named a
  // placeholder, it still stopped the load of every download that had one.
  it('skips a Yahoo Finance row of "null" in every column as a day without prices, noted with its line', () => {
    const header = 'Date,Open,High,Low,Close,Adj Close,Volume';
    const csv = `${header}\n2020-01-02,10,11,9,10.5,10.5,1000\n2020-01-03,null,null,null,null,null,null\n2020-01-06,11,12,10,11.5,11.5,900\n2020-01-07,null,null,null,null,null,null\n`;
    const data = parseMarketData(csv, { file: 'yahoo.csv' });
    expect(Array.from(data.series[0]?.time ?? [])).toEqual([Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 6)]);
    expect(Array.from(data.series[0]?.close ?? [])).toEqual([10.5, 11.5]);
    expect(data.notes).toContain('2 rows skipped whose every value is "null" (days without prices, as Yahoo Finance writes them): lines 3, 5');
    // With --adjust too (the general path), and "N/A" as well.
    const adjusted = parseMarketData(csv.replace('2020-01-07,null,null,null,null,null,null', '2020-01-07,N/A,N/A,N/A,N/A,N/A,N/A'), { file: 'yahoo.csv', adjust: true });
    expect(adjusted.series[0]?.length).toBe(2);
    // The placeholders of the rows are named when they differ.
    const mixed = parseMarketData(csv.replace('2020-01-07,null,null,null,null,null,null', '2020-01-07,N/A,N/A,N/A,N/A,N/A,N/A'), { file: 'yahoo.csv' });
    expect(mixed.notes).toContain('2 rows skipped whose every value is a placeholder ("null", "N/A") (days without prices, as Yahoo Finance writes them): lines 3, 5');
    // An ignored adjusted close may hold a number: the row is still a day without prices.
    expect(parseMarketData(`${header}\n2020-01-02,10,11,9,10.5,10.5,1000\n2020-01-03,null,null,null,null,10.5,null\n`).series[0]?.length).toBe(1);
    // Its date is read and checked as any row's: a bad, repeated or earlier date is a problem.
    const dated = (row: string) => parseError(`${header}\n2020-01-02,10,11,9,10.5,10.5,1000\n${row}\n2020-01-06,11,12,10,11.5,11.5,900\n`, { file: 'yahoo.csv' }).problems.map((p) => [p.row, p.rule]);
    expect(dated('garbage,null,null,null,null,null,null')).toEqual([[3, 'bad-date']]);
    expect(dated('2020-01-02,null,null,null,null,null,null')).toEqual([[3, 'duplicate-date']]);
    expect(dated('2020-01-08,null,null,null,null,null,null')).toEqual([[4, 'unsorted-dates']]);
    // A placeholder beside numbers is a problem: the row has values, one missing.
    const partial = parseError(`${header}\n2020-01-02,10,11,9,10.5,10.5,1000\n2020-01-03,null,11,9,10,10,1000\n`, { file: 'yahoo.csv' });
    expect(partial.problems.map((p) => [p.row, p.field, p.rule])).toEqual([[3, 'Open', 'non-numeric']]);
  });

  it('names a placeholder for a missing value, with what to do', () => {
    const csv = 'Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,10,11,9,10.5,10.5,1000\n2020-01-03,null,null,null,null,null,7\n';
    const error = parseError(csv, { file: 'yahoo.csv' });
    expect(error.problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'Open', 'non-numeric'],
      [3, 'High', 'non-numeric'],
      [3, 'Low', 'non-numeric'],
      [3, 'Close', 'non-numeric'],
    ]);
    for (const problem of error.problems) expect(problem.message).toMatch(/is "null", a placeholder for a missing value .*remove the row or fill in the value$/);
    for (const mark of ['N/A', '#N/A', '.', '-', 'None']) {
      const one = parseError(`date,close\n2020-01-02,${mark}\n`);
      expect(one.problems[0]?.message).toContain('a placeholder for a missing value');
    }
    expect(parseError('date,close\n2020-01-02,abc\n').problems[0]?.message).toContain('which is not a number (use a plain decimal');
  });

  // Regression: a 1 MB header gave a 1 MB message, a 5,000,000-digit number a 5 MB one.
  it('a 1 MB header and a 5,000,000-digit number give messages of a few hundred characters', () => {
    const header = parseError(`${'x'.repeat(1_048_576)}\n2020-01-02,1\n`);
    expect(header.message.length).toBeLessThan(1000);
    expect(header.message).toContain('(1,048,576 chars)');
    const digits = parseError(`date,close\n2020-01-02,${'9'.repeat(5_000_000)}\n`);
    expect(digits.message.length).toBeLessThan(1000);
    expect(digits.message).toContain('(5,000,000 chars)');
    // A decimal beyond the range of doubles is a value too large, like 1e13.
    expect(digits.problems.map((p) => p.rule)).toEqual(['too-large']);
  });

  // Regression: the number pattern backtracked quadratically; this cell took hours.
  it('a cell of a million digits ending in a letter is refused at once', () => {
    const error = parseError(`date,close\n2020-01-02,${'9'.repeat(1_000_000)}x\n`);
    expect(error.problems.map((p) => p.rule)).toEqual(['non-numeric']);
  });

  it('symbols with control characters or over 64 characters are refused where they first appear', () => {
    const long = parseError(`symbol,date,close\nA,2020-01-02,1\n${'S'.repeat(65)},2020-01-02,1\n`);
    expect(long.problems.map((p) => [p.row, p.field, p.rule])).toEqual([[3, 'symbol', 'bad-symbol']]);
    expect(long.message).toContain('is 65 characters long');
    const wide = parseError('date,AAA,B\u001b[2J\n2020-01-02,1,2\n');
    expect(wide.problems.map((p) => [p.row, p.field, p.rule])).toEqual([[1, '#3', 'bad-symbol']]);
    expect(RAW_CONTROL.test(wide.message)).toBe(false);
    const json = parseError(JSON.stringify([{ symbol: 'A\u0000', date: '2020-01-02', close: 1 }]));
    expect(json.problems.map((p) => [p.row, p.field, p.rule])).toEqual([[1, 'symbol', 'bad-symbol']]);
  });

  it('a separate time-of-day column (Date,Time,… as intraday exports write) is read with the date: two bars of a day are two bars', () => {
    // 2020-01-02T09:30Z = 1,577,957,400,000 ms (18,263 days × 86,400,000 + 9.5 h × 3,600,000).
    const at0930 = 18_263 * 86_400_000 + 9.5 * 3_600_000;
    expect(at0930).toBe(Date.parse('2020-01-02T09:30:00Z'));
    const ohlcv = parseMarketData('Date,Time,Open,High,Low,Close,Volume\n2020-01-02,09:30,1,1,1,1,10\n2020-01-02,09:31,1,1,1,1,10\n');
    expect(Array.from(ohlcv.series[0]?.time ?? [])).toEqual([at0930, at0930 + 60_000]);
    const long = parseMarketData('Date,Time,Symbol,Close\n2020-01-02,09:30,A,10\n2020-01-02,09:31,A,11\n');
    expect(Array.from(long.series[0]?.time ?? [])).toEqual([at0930, at0930 + 60_000]);
    expect(Array.from(long.series[0]?.close ?? [])).toEqual([10, 11]);
    const sorted = parseMarketData('Date,Time,Open,High,Low,Close\n2020-01-02,09:31,2,2,2,2\n2020-01-02,09:30,1,1,1,1\n', { sort: true });
    expect(Array.from(sorted.series[0]?.close ?? [])).toEqual([1, 2]);
    // The same date and time twice is a duplicate, with the usual advice.
    expect(parseError('Date,Time,Open,High,Low,Close\n2020-01-02,09:30,1,1,1,1\n2020-01-02,09:30,1,1,1,1\n').problems[0]?.message).toBe('line 2 already has 2020-01-02T09:30:00.000Z; remove one of the two rows');
    // A date-like column that is still not read (beside `time`, no `date`) is named when two bars of a day read as one date.
    const advice = ': the "Timestamp" column is not read, as one column holds the date and its time of day; join the two columns ("2020-01-02 09:30"), or remove one of the two rows if the day has one bar';
    const unread = parseError('Time,Timestamp,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,1,1,10\n2020-01-02,2,1,1,1,1,10\n');
    expect(unread.problems.map((p) => [p.row, p.field, p.rule, p.message])).toEqual([[3, 'Time', 'duplicate-date', `line 2 already has 2020-01-02${advice}`]]);
    // Without such a column the advice is to remove a row, as before; one bar a day with a time column loads.
    expect(parseError('date,open,high,low,close\n2020-01-02,1,1,1,1\n2020-01-02,1,1,1,1\n').problems[0]?.message).toBe('line 2 already has 2020-01-02; remove one of the two rows');
    expect(parseMarketData('Date,Time,Open,High,Low,Close\n2020-01-02,16:00,1,1,1,1\n2020-01-03,16:00,1,1,1,1\n').series[0]?.length).toBe(2);
  });

  it('a file name that is no usable symbol names its series DATA', () => {
    expect(parseMarketData('date,close\n2020-01-02,1\n', { file: `dir/${'n'.repeat(70)}.csv` }).timeline.symbols).toEqual(['DATA']);
    expect(parseMarketData('date,close\n2020-01-02,1\n', { file: 'dir/a\u001b[2J.csv' }).timeline.symbols).toEqual(['DATA']);
    expect(parseMarketData('date,close\n2020-01-02,1\n', { file: 'dir/spx.csv' }).timeline.symbols).toEqual(['spx']);
  });
});
