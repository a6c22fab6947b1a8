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

  it('a tab between fields ends an empty one, where a comma file trims tabs as blanks', () => {
    expect(outcome('date\topen\thigh\tlow\tclose\tvolume\n2020-01-02\t\t2\t1\t1.75\t100\n', { symbol: 's' })).toEqual(outcome('date,open,high,low,close,volume\n2020-01-02,,2,1,1.75,100\n', { symbol: 's' }));
    expect(outcome('date,close\n\t2020-01-02 ,\t1.5\t\n', { symbol: 's' })).toEqual(outcome('date,close\n2020-01-02,1.5\n', { symbol: 's' }));
  });

  it('a file with both decimal marks is refused where the second appears; other formats say how to write them', () => {
    expect(outcome('date;close\n2020-01-02;1,5\n2020-01-03;1.234\n2020-01-06;1.234,5\n')).toEqual({
      problems: [
        [3, 'close', 'non-numeric', 'close is "1.234", written with a decimal point, where line 2 has "1,5" with a decimal comma: a file writes its fractions one way (with both, "1.234" could be 1.234 or 1234); write them all with a decimal point'],
        [4, 'close', 'non-numeric', 'close is "1.234,5", which is not a plain number: it is written with a decimal comma; write 1234.5, with a decimal point and no thousands separators (save the file from a spreadsheet set to an English locale, or replace the commas)'],
      ],
      truncated: false,
    });
    // Whole numbers read alike with either mark.
    expect(outcome('date;close\n2020-01-02;2\n2020-01-03;1,5\n2020-01-06;3\n', { symbol: 's' })).toMatchObject({ series: [{ close: [2, 1.5, 3] }] });
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

  // Property: with semicolons, every decimal written with a comma reads as with a point.
  it('read a decimal comma as the decimal point it stands for (property)', () => {
    const price = fc.integer({ min: 1, max: 10_000_000 }).map((n) => (n / 1000).toString());
    fc.assert(
      fc.property(fc.array(fc.tuple(price, price), { minLength: 1, maxLength: 15 }), (rows) => {
        const lines = rows.map(([a, b], i) => `2001-01-${String(i + 1).padStart(2, '0')};${a};${b}`);
        const pointed = `date;AAA;BBB\n${lines.join('\n')}\n`;
        const commas = `date;AAA;BBB\n${lines.map((line) => line.replace(/(\d)\.(\d)/g, '$1,$2')).join('\n')}\n`;
        const point = outcome(pointed, { symbol: 's' });
        // A file whose prices are all whole numbers has no fraction to write either way.
        expect(outcome(commas, { symbol: 's' })).toEqual(point);
        expect(point).toHaveProperty('series');
      }),
      { seed: 20_261_207, numRuns: 200 },
    );
  });
});
