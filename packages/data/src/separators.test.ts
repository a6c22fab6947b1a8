import { DataValidationError } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarketData } from './parse';
import type { ParseOptions } from './types';

/** What a load gives, notes left out: every series' columns, or the problems (row, field, rule, message). */
function outcome(text: string, options: ParseOptions = {}): unknown {
  try {
    const data = parseMarketData(text, options);
    return { series: data.series.map((s) => ({ symbol: s.symbol, time: [...s.time], open: [...s.open], high: [...s.high], low: [...s.low], close: [...s.close], volume: [...s.volume] })) };
  } catch (error) {
    if (DataValidationError.isInstance(error)) return { problems: error.problems.map((p) => [p.row, p.field, p.rule, p.message]), truncated: error.truncated };
    throw error;
  }
}

function notesOf(text: string, options: ParseOptions = {}): readonly string[] {
  return parseMarketData(text, options).notes ?? [];
}

describe('files separated by semicolons or tabs', () => {
  it('are read as their header line separates them, noted; a decimal comma is read in them, noted', () => {
    const comma = 'date,open,high,low,close,volume\n2020-01-02,1.5,2,1,1.75,100\n2020-01-03,1.75,2.5,1.5,2,200\n';
    const semicolons = 'Date;Open;High;Low;Close;Volume\n2020-01-02;1,5;2;1;1,75;100\n2020-01-03;1,75;2,5;1,5;2;200\n';
    const tabs = 'date\topen\thigh\tlow\tclose\tvolume\n2020-01-02\t1.5\t2\t1\t1.75\t100\n2020-01-03\t1.75\t2.5\t1.5\t2\t200\n';
    const expected = {
      series: [{ symbol: 'default', time: [Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3)], open: [1.5, 1.75], high: [2, 2.5], low: [1, 1.5], close: [1.75, 2], volume: [100, 200] }],
    };
    expect(outcome(comma, { symbol: 'default' })).toEqual(expected);
    expect(outcome(semicolons, { symbol: 'default' })).toEqual(expected);
    expect(outcome(tabs, { symbol: 'default' })).toEqual(expected);
    expect(notesOf(semicolons)).toEqual(['fields separated by semicolons, as the header line separates them', 'numbers read with a decimal comma ("1,5" on line 2), as the file writes them']);
    expect(notesOf(tabs)).toEqual(['fields separated by tabs, as the header line separates them']);
    expect(notesOf(comma)).toEqual([]);
    // A wide file, a long one with a symbol column, a quoted cell and a currency sign.
    expect(outcome('date;AAA;BBB\n2020-01-02;1,5;"2,25"\n', { symbol: 'x' })).toEqual(outcome('date,AAA,BBB\n2020-01-02,1.5,2.25\n', { symbol: 'x' }));
    expect(outcome('symbol\tdate\tclose\nA\t2020-01-02\t1.5\nB\t2020-01-02\t€ 2.5\n')).toEqual(outcome('symbol,date,close\nA,2020-01-02,1.5\nB,2020-01-02,2.5\n'));
    // A comma inside quotes in the header does not make it comma-separated.
    expect(outcome('"date";"close, last"\n2020-01-02;1,5\n', { symbol: 's' })).toMatchObject({ series: [{ symbol: 'close, last', close: [1.5] }] });
  });

  it("chooses the separator the header holds most of, takes Excel's sep= line, reads MetaTrader's <DATE> headers and says when rows use another separator", () => {
    // A column named "Change, %" among semicolons.
    const change = outcome('Date;Open;High;Low;Close;Volume;Change, %\n2020-01-02;1,5;1,6;1,4;1,55;100;0,5%\n', { symbol: 's' });
    expect(change).toMatchObject({ series: [{ close: [1.55], volume: [100] }] });
    // Excel's first line `sep=;`: the header is line 2, and problems keep their lines.
    expect(outcome('sep=;\nDate;Close\n2020-01-02;1,5\n', { symbol: 's' })).toEqual(outcome('Date;Close\n2020-01-02;1,5\n', { symbol: 's' }));
    expect(outcome('SEP=,\r\nDate,Close\r\n2020-01-02,x\r\n')).toMatchObject({ problems: [[3, 'Close', 'non-numeric', expect.any(String)]] });
    expect(outcome('sep=,\nDate;Close\n2020-01-02;1\n')).toEqual({
      problems: [[2, undefined, 'missing-column', 'the header is one column, "Date;Close": its fields are separated by semicolons, not by the separator the file\'s "sep=" line names; correct that line or remove it']],
      truncated: false,
    });
    expect(outcome('sep=;\ndate,open,high,low,close\n2020-01-02,1,1,1,1\n')).toEqual({
      problems: [[2, undefined, 'missing-column', 'the header is one column, "date,open,high,low,close": its fields are separated by commas, not by the separator the file\'s "sep=" line names; correct that line or remove it']],
      truncated: false,
    });
    expect(outcome('sep=|\ndate|close\n2020-01-02|1\n')).toEqual({
      problems: [[1, undefined, 'missing-column', 'the file\'s first line "sep=|" names "|" as its separator; fields are separated by commas, semicolons or tabs: save the file with one of them']],
      truncated: false,
    });
    expect(notesOf('sep=;\ndate;close\n2020-01-02;1\n')).toEqual(['fields separated by semicolons, as its "sep=" line says']);
    // MetaTrader 5's bar export: tabs, <NAMES>, dates YYYY.MM.DD and a time column.
    const mt5 = '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n2020.01.02\t09:30:00\t1.12100\t1.12200\t1.12000\t1.12150\t100\t7\t2\n';
    expect(outcome(mt5, { symbol: 's' })).toMatchObject({ series: [{ time: [Date.UTC(2020, 0, 2, 9, 30)], open: [1.121], close: [1.1215], volume: [7] }] });
    // A header separated by commas over rows separated by semicolons, the same width (a decimal comma in the row).
    expect(outcome('Date,Close\n2020-01-02;1,5\n')).toEqual({
      problems: [[2, 'Date', 'bad-date', '"2020-01-02;1" is not a date; use YYYY-MM-DD, an ISO date-time, "Jan 1 2000" or epoch seconds/milliseconds (its fields are separated by semicolons, the header\'s by commas: write every line with one separator)']],
      truncated: false,
    });
    // No such hint for a decimal comma beside a bad date, or in a short row of a semicolon file.
    expect(outcome('date;close\n2020-13-45;1,5\n')).toMatchObject({ problems: [[2, 'date', 'bad-date', expect.not.stringContaining('separated')]] });
    expect(outcome('date;open;high;low;close\n2020-01-02;1,5;2\n')).toMatchObject({ problems: [[2, 'low', 'short-row', expect.not.stringContaining('separated')]] });
    // A header separated by commas over rows separated by semicolons.
    expect(outcome('Date,Open,High,Low,Close\n2020-01-02;1.5;1.6;1.4;1.55\n')).toEqual({
      problems: [[2, 'Open', 'short-row', 'the row has 1 field but the header has 5; "Open" and later columns are missing (its fields are separated by semicolons, the header\'s by commas: write every line with one separator)']],
      truncated: false,
    });
  });

  it("skips a line of separators alone, and takes one separator after a row's or the header's last field", () => {
    const plain = outcome('date,open,high,low,close,volume\n2020-01-02,1,2,1,1.5,5\n2020-01-03,1,2,1,1.5,5\n', { symbol: 's' });
    expect(outcome('date;open;high;low;close;volume\n2020-01-02;1;2;1;1,5;5\n;;;;;\n ; ;\r\n2020-01-03;1;2;1;1,5;5\n;;;;;', { symbol: 's' })).toEqual(plain);
    expect(outcome('date,open,high,low,close,volume\n2020-01-02,1,2,1,1.5,5,\n2020-01-03,1,2,1,1.5,5,\n', { symbol: 's' })).toEqual(plain);
    expect(outcome('date,open,high,low,close,volume,\n2020-01-02,1,2,1,1.5,5\n2020-01-03,1,2,1,1.5,5\n', { symbol: 's' })).toEqual(plain);
    // A field after the last that is not empty is still a long row; a missing named column a short one.
    expect(outcome('date,close\n2020-01-02,1,x\n')).toMatchObject({ problems: [[2, '#3', 'long-row', expect.any(String)]] });
    expect(outcome('date,open,high,low,close\n2020-01-02,1,2,1\n')).toMatchObject({ problems: [[2, 'close', 'short-row', expect.any(String)]] });
    // Counts with thousands separators, as every other count the messages give.
    expect(outcome(`date,close\n2020-01-02,1${',1'.repeat(1_999)}\n`)).toMatchObject({
      problems: [[2, '#3', 'long-row', 'the row has 2,001 fields but the header has 2; remove the extra fields or add a header for them']],
    });
  });

  it('a tab between fields ends an empty one, where a comma file trims tabs as blanks', () => {
    expect(outcome('date\topen\thigh\tlow\tclose\tvolume\n2020-01-02\t\t2\t1\t1.75\t100\n', { symbol: 's' })).toEqual(outcome('date,open,high,low,close,volume\n2020-01-02,,2,1,1.75,100\n', { symbol: 's' }));
    expect(outcome('date,close\n\t2020-01-02 ,\t1.5\t\n', { symbol: 's' })).toEqual(outcome('date,close\n2020-01-02,1.5\n', { symbol: 's' }));
  });

  it('one decimal mark a file, decided before any row is read: both marks, a thousands separator beside the other mark and only undecidable values are each one problem', () => {
    // A stray decimal point among decimal commas: named once, with the counts, not the five others.
    const stray = `date;close\n2020-01-02;10.5\n${['03', '06', '07', '08', '09'].map((day) => `2020-01-${day};10,5`).join('\n')}\n`;
    expect(outcome(stray)).toEqual({
      problems: [[2, 'close', 'non-numeric', 'the file writes fractions both ways: with a decimal comma (5 values, the first on line 3: "10,5") and with a decimal point (1 value, the first on line 2: "10.5"); with both, "1.234" could be 1.234 or 1234. Write them all one way: with a decimal comma, as most are']],
      truncated: false,
    });
    // Beside decimal commas, one dot and three digits is a thousands separator, wherever it comes.
    expect(outcome('date;close\n2020-01-02;1.234\n2020-01-03;1,5\n2020-01-06;1.500\n')).toEqual({
      problems: [[2, 'close', 'non-numeric', 'the file writes decimal commas (1 value, the first on line 3: "1,5"), so the dot of "1.234" (line 2, and 1 more like it) separates thousands: write 1234, without it']],
      truncated: false,
    });
    // Nothing says which: 995 then 1.000 is 1 or 1000 (a price series read 1000 times too small),
    // and it is said before any row is read (no "high below low" of a misread row first).
    expect(outcome('date;AAA\n2020-01-02;995\n2020-01-03;1.000\n2020-01-06;1.005\n')).toEqual({
      problems: [[3, 'AAA', 'non-numeric', '"1.000" (line 3, and 1 more like it) could be 1 (a decimal point) or 1000 (a thousands dot): every number with a fraction in this file separated by semicolons has one to three digits, a dot and three digits, and none says which. Say which: pass --decimal point if they are fractions, --decimal comma if the dot separates thousands (data.decimal in a config, decimal in code); or write the thousands without separators (1000); or save the file with commas between its fields, where a dot is a decimal point']],
      truncated: false,
    });
    expect(outcome('date;open;high;low;close\n2020-01-02;1.000;1.050;990;1.020\n')).toMatchObject({ problems: [[2, 'open', 'non-numeric', expect.stringContaining('"1.000" (line 2, and 2 more like it) could be 1')]] });
    // The same with a comma: 999 then 1,000 in a tab file (a US spreadsheet's thousands).
    expect(outcome('date\tclose\n2020-01-02\t999\n2020-01-03\t1,000\n')).toEqual({
      problems: [[3, 'close', 'non-numeric', '"1,000" (line 3) could be 1 (a decimal comma) or 1000 (a thousands comma): every number with a fraction in this file separated by tabs has one to three digits, a comma and three digits, and none says which. Say which: pass --decimal comma if they are fractions, --decimal point if the comma separates thousands (data.decimal in a config, decimal in code); or write the thousands without separators (1000)']],
      truncated: false,
    });
    // Beside decimal points, 12,345 is a thousands comma.
    expect(outcome('date\topen\thigh\tlow\tclose\tvolume\n2020-01-02\t101.25\t101.25\t101.25\t101.25\t12,345\n')).toMatchObject({ problems: [[2, 'volume', 'non-numeric', 'the file writes decimal points (4 values, the first on line 2: "101.25"), so the comma of "12,345" (line 2) separates thousands: write 12345, without it']] });
    // A lone 0 before the mark is no thousands: 0.500 is a half.
    expect(outcome('date;close\n2020-01-02;0.500\n2020-01-03;1.000\n', { symbol: 's' })).toMatchObject({ series: [{ close: [0.5, 1] }] });
    expect(outcome('date;close\n2020-01-02;0,500\n2020-01-03;1,000\n', { symbol: 's' })).toMatchObject({ series: [{ close: [0.5, 1] }] });
    // A fraction of another length says it: a decimal point, and 1.000 is 1.
    expect(outcome('date\tclose\n2020-01-02\t1.000\n2020-01-03\t1.5\n', { symbol: 's' })).toMatchObject({ series: [{ close: [1, 1.5] }] });
    // Thousands separators and a decimal comma: how to write them, keeping the comma.
    expect(outcome('date;close\n2020-01-02;12.345.678\n2020-01-03;"$1.234,50"\n2020-01-06;1 234,5\n')).toEqual({
      problems: [
        [2, 'close', 'non-numeric', 'close is "12.345.678", which is not a plain number: it has thousands separators; write 12345678, without them (save the file with the number format "General", not with separators)'],
        [3, 'close', 'non-numeric', 'close is "$1.234,50", which is not a plain number: it has thousands separators; write 1234,50, without them (save the file with the number format "General", not with separators)'],
        [4, 'close', 'non-numeric', 'close is "1 234,5", which is not a plain number: it has thousands separators; write 1234,5, without them (save the file with the number format "General", not with separators)'],
      ],
      truncated: false,
    });
    // Whole numbers, exponents without a mark included, read alike with either mark; a value
    // refused for its size decides nothing.
    expect(outcome('date;open;high;low;close;volume\n2020-01-02;2;2;2;2;1e3\n2020-01-03;1,5;1,5;1,5;1,5;2E+12\n2020-01-06;3;3;3;3;0\n', { symbol: 's' })).toMatchObject({ series: [{ close: [2, 1.5, 3], volume: [1000, 2e12, 0] }] });
    expect(outcome('date;close\n2020-01-02;1.5e400\n2020-01-03;1,5\n')).toMatchObject({ problems: [[2, 'close', 'non-finite', 'close is "1.5e400", which is not a finite number']] });
    // A quoted header line: its semicolons are inside one field.
    expect(outcome('"date;close"\n"2020-01-02;1,5"\n')).toEqual({
      problems: [[1, undefined, 'missing-column', 'the header is one column, "date;close": its fields are separated by semicolons inside one pair of quotes, which make them one field; remove the quotes around the whole line (and around each data line)']],
      truncated: false,
    });
  });

  // Property: a file written with semicolons or tabs (decimal points) loads as the same file with
  // commas — the same bars or the same problems — though only the comma file takes the single-pass path.
  it('load as the same file separated by commas (property)', () => {
    const cell = fc.constantFrom('10', '10.5', '11', '9', '1e1', '0', '-1', 'x', '', '$10.25', '1e-13', '10.500000000000001');
    const date = fc.constantFrom('2001-01-05', '2001-01-06', '2001-01-08', '2001-01-04', '', 'not a date', '2001-01-05 09:30');
    const row = fc.tuple(date, fc.array(cell, { minLength: 4, maxLength: 4 }), fc.constantFrom('1000', '0', '-5', '1.5', ''), fc.constantFrom('A', 'B'));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), fc.boolean(), fc.boolean(), fc.constantFrom(';', '\t'), fc.integer({ min: 1, max: 25 }), (rows, symbols, crlf, separator, maxProblems) => {
        const write = (sep: string): string => {
          const header = [...(symbols ? ['symbol'] : []), 'date', 'open', 'high', 'low', 'close', 'volume'].join(sep);
          const lines = rows.map(([day, prices, volume, symbol]) => [...(symbols ? [symbol] : []), day, ...prices, volume].join(sep));
          return `${[header, ...lines].join(crlf ? '\r\n' : '\n')}\n`;
        };
        expect(outcome(write(separator), { maxProblems, sort: true })).toEqual(outcome(write(','), { maxProblems, sort: true }));
      }),
      { seed: 20_261_206, numRuns: 300 },
    );
  });

  // Property: a file separated by semicolons with decimal commas loads as the same file separated
  // by commas with decimal points.
  it('read a decimal comma as the decimal point it stands for (property)', () => {
    const price = fc.integer({ min: 1, max: 10_000_000 }).map((n) => (n / 1000).toString());
    fc.assert(
      fc.property(fc.array(fc.tuple(price, price), { minLength: 1, maxLength: 15 }), (rows) => {
        const day = (i: number): string => `2001-01-${String(i + 1).padStart(2, '0')}`;
        // A first row of 1.5 says the file's mark (1,234 alone could be a thousands comma).
        const all: (readonly [string, string])[] = [['1.5', '2.5'], ...rows];
        const pointed = `date,AAA,BBB\n${all.map(([a, b], i) => `${day(i)},${a},${b}`).join('\n')}\n`;
        const commas = `date;AAA;BBB\n${all.map(([a, b], i) => `${day(i)};${a.replace('.', ',')};${b.replace('.', ',')}`).join('\n')}\n`;
        const point = outcome(pointed, { symbol: 's' });
        expect(outcome(commas, { symbol: 's' })).toEqual(point);
        expect(point).toHaveProperty('series');
      }),
      { seed: 20_261_207, numRuns: 200 },
    );
  });
});

describe('a load that names the decimal mark (decimal)', () => {
  const tabs = 'date\tOpen\thigh\tlow\tclose\n2020-01-02\t110.123\t110.500\t109.875\t110.250\n2020-01-03\t110.250\t110.750\t110.125\t110.625\n';
  const read = { series: [{ symbol: 'x', time: [Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3)], open: [110.123, 110.25], high: [110.5, 110.75], low: [109.875, 110.125], close: [110.25, 110.625], volume: [0, 0] }] };

  it('reads the values no value decides: a yen pair at three decimals, with a point or a comma', () => {
    expect(outcome(tabs, { symbol: 'x' })).toMatchObject({ problems: [[2, 'Open', 'non-numeric', expect.stringContaining('Say which: pass --decimal point if they are fractions')]] });
    expect(outcome(tabs, { symbol: 'x', decimal: 'point' })).toEqual(read);
    const semicolons = tabs.replaceAll('\t', ';').replaceAll('.', ',');
    expect(outcome(semicolons, { symbol: 'x', decimal: 'comma' })).toEqual(read);
    expect(notesOf(semicolons, { decimal: 'comma' })).toEqual(['fields separated by semicolons, as the header line separates them', 'numbers read with a decimal comma, as the load says (decimal: comma)']);
    // The same 1.000 is a thousand under a decimal point's other reading: whole numbers read alike.
    expect(outcome('date;close\n2020-01-02;1000\n2020-01-03;12\n', { symbol: 'x', decimal: 'comma' })).toMatchObject({ series: [{ close: [1000, 12] }] });
    expect(outcome('date;close\n2020-01-02;1000\n2020-01-03;12\n', { symbol: 'x', decimal: 'auto' })).toMatchObject({ series: [{ close: [1000, 12] }] });
  });

  it('refuses a number with the other mark, or with what that mark makes a thousands separator, naming the value and the way out', () => {
    expect(outcome(tabs, { symbol: 'x', decimal: 'comma' })).toMatchObject({
      problems: expect.arrayContaining([
        [2, 'Open', 'non-numeric', 'Open is "110.123": with a decimal comma (decimal: comma) its dot separates thousands, which are written without separators: write 110123, or, if it is 110,123, load the file with decimal: point'],
      ]),
    });
    expect(outcome('date;close\n2020-01-02;10,5\n2020-01-03;10.25\n', { symbol: 'x', decimal: 'comma' })).toEqual({
      problems: [[3, 'close', 'non-numeric', 'close is "10.25": it is written with a decimal point, but the load reads numbers with a decimal comma (decimal: comma): write 10,25, or load the file with decimal: point']],
      truncated: false,
    });
    expect(outcome('date\tclose\n2020-01-02\t10.5\n2020-01-03\t1,250\n', { symbol: 'x', decimal: 'point' })).toEqual({
      problems: [[3, 'close', 'non-numeric', 'close is "1,250": with a decimal point (decimal: point) its comma separates thousands, which are written without separators: write 1250, or, if it is 1.250, load the file with decimal: comma']],
      truncated: false,
    });
    // Both separators: the hint to drop the thousands dots, keeping the decimal comma.
    expect(outcome('date;close\n2020-01-02;1.234,5\n', { symbol: 'x', decimal: 'comma' })).toMatchObject({ problems: [[2, 'close', 'non-numeric', expect.stringContaining('write 1234,5, without them')]] });
  });

  it('reads quoted decimal commas in a file separated by commas, and refuses its decimal points then', () => {
    const quoted = 'date,open,high,low,close\n2020-01-02,"110,123","110,5","109,875","110,25"\n2020-01-03,"110,25","110,75","110,125","110,625"\n';
    expect(outcome(quoted, { symbol: 'x', decimal: 'comma' })).toEqual(read);
    expect(outcome(quoted, { symbol: 'x' })).toMatchObject({
      problems: expect.arrayContaining([[3, 'open', 'non-numeric', expect.stringContaining('"110,25", which is not a plain number: it is written with a decimal comma; write 110.25, with a decimal point and no thousands separators (save the file from a spreadsheet set to an English locale, or replace the commas); or, to read the file as it is, pass --decimal comma')]]),
    });
    // Decimal points in a comma file under decimal: comma are refused, not read by the fast path.
    expect(outcome('date,close\n2020-01-02,1.5\n', { symbol: 'x', decimal: 'comma' })).toMatchObject({ problems: [[2, 'close', 'non-numeric', expect.stringContaining('it is written with a decimal point')]] });
    expect(outcome('date,close\n2020-01-02,1.5\n', { symbol: 'x', decimal: 'point' })).toMatchObject({ series: [{ close: [1.5] }] });
  });

  it('is checked: an unknown setting is a config error naming the setting meant', () => {
    expect(() => parseMarketData('date,close\n2020-01-02,1.5\n', { decimal: ',' as never })).toThrow('decimal: unknown decimal mark ",": write "comma" (a decimal comma, as in 1234,56)');
  });
});
