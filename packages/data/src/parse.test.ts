import { createMemoryLogger, seriesToBars } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSymbolFor, parseMarketData } from './parse';
import { generateSyntheticData } from './synthetic';
import { toCsv } from './to-csv';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('format detection', () => {
  it('detects OHLCV, long and wide CSV and JSON', () => {
    expect(parseMarketData('date,open,high,low,close\n2000-01-03,1,2,1,2\n').format).toBe('ohlcv');
    expect(parseMarketData('symbol,date,price\nA,2000-01-03,1\n').format).toBe('long');
    expect(parseMarketData('date,close\n2000-01-03,1\n').format).toBe('long');
    expect(parseMarketData('date,A,B\n2000-01-03,1,2\n').format).toBe('wide');
    expect(parseMarketData('[{"date":"2000-01-03","close":1}]').format).toBe('json');
    expect(parseMarketData('  {"A":[{"date":"2000-01-03","close":1}]}').format).toBe('json');
  });

  it('honours an explicit format', () => {
    // "close" as a wide column: one symbol named close.
    const wide = parseMarketData('date,close\n2000-01-03,1\n', { format: 'wide' });
    expect(wide.format).toBe('wide');
    expect(wide.timeline.symbols).toEqual(['close']);
    // An OHLCV override on a file without OHLC columns reports each missing column.
    expect(() => parseMarketData('date,price\n2000-01-03,1\n', { format: 'ohlcv' })).toThrow(/"open" column/);
  });
});

describe('long OHLCV CSV', () => {
  const csv = [
    'Date,Open,High,Low,Close,Adj Close,Volume',
    '2000-01-03,10,11,9,10.5,10.4,1000',
    '2000-01-04,10.5,12,10,11.5,11.4,2000',
  ].join('\r\n');

  it('reads every column, ignores extra ones, accepts CRLF and any header case', () => {
    const data = parseMarketData(csv, { file: 'data/abc.csv' });
    expect(data.source).toBe('data/abc.csv');
    expect(data.timeline.symbols).toEqual(['abc']);
    const [series] = data.series;
    expect(series === undefined ? [] : seriesToBars(series)).toEqual([
      { time: day('2000-01-03'), open: 10, high: 11, low: 9, close: 10.5, volume: 1000 },
      { time: day('2000-01-04'), open: 10.5, high: 12, low: 10, close: 11.5, volume: 2000 },
    ]);
  });

  it('reads a file whose lines end in CR alone (an old Mac export), with the same line numbers', () => {
    const data = parseMarketData(csv.split('\r\n').join('\r'), { file: 'data/abc.csv' });
    expect(data.series.map((series) => seriesToBars(series))).toEqual(parseMarketData(csv, { file: 'data/abc.csv' }).series.map((series) => seriesToBars(series)));
    expect(data.series[0]?.length).toBe(2);
    const bad = `${csv.split('\r\n').join('\r')}\r2000-01-05,10,9,11,10,10,1`;
    expect(() => parseMarketData(bad, { file: 'abc.csv' })).toThrow(/abc\.csv:4 column "High": high 9 is below low 11/);
  });

  it('names the single series after options.symbol when given', () => {
    expect(parseMarketData(csv, { symbol: 'XYZ' }).timeline.symbols).toEqual(['XYZ']);
  });

  it('volume defaults to 0 without a volume column', () => {
    const data = parseMarketData('date,open,high,low,close\n2000-01-03,1,2,1,2\n');
    expect(Array.from(data.series[0]?.volume ?? [])).toEqual([0]);
  });

  it('splits on a symbol column, symbols in order of first appearance', () => {
    const data = parseMarketData(
      'symbol,date,open,high,low,close,volume\nMSFT,2000-01-03,1,2,1,2,5\nAAPL,2000-01-03,3,4,3,4,6\nMSFT,2000-01-04,2,3,2,3,7\n',
    );
    expect(data.timeline.symbols).toEqual(['MSFT', 'AAPL']);
    expect(Array.from(data.series[0]?.close ?? [])).toEqual([2, 3]);
    expect(Array.from(data.series[1]?.volume ?? [])).toEqual([6]);
  });

  it('reads quoted fields, a BOM, blank lines and spaces around values', () => {
    const data = parseMarketData('\uFEFF"date","open","high","low","close"\n\n"2000-01-03", 1 ,"2",1,2\n\n');
    expect(data.series[0]?.length).toBe(1);
    expect(data.series[0]?.open[0]).toBe(1);
    expect(data.series[0]?.high[0]).toBe(2);
  });

  it('counts lines inside quoted fields, so later problems keep their real line number', () => {
    try {
      // (The line break sits in an ignored column: a symbol holding one is itself a problem.)
      parseMarketData('symbol,date,open,high,low,close,note\nA,2000-01-03,1,2,1,2,"two\nlines"\nX,2000-01-04,1,2,1,x,\n');
      expect.unreachable();
    } catch (error) {
      expect((error as { row?: number }).row).toBe(4);
    }
  });

  it('accepts bytes and decodes UTF-8', () => {
    const bytes = new TextEncoder().encode('date,close\n2000-01-03,1\n');
    expect(parseMarketData(bytes, { symbol: 'Ä' }).timeline.symbols).toEqual(['Ä']);
  });

  it('logs one structured event per load when given a logger', () => {
    const logger = createMemoryLogger();
    parseMarketData(csv, { logger, file: 'x.csv' });
    expect(logger.records).toHaveLength(1);
    expect(logger.records[0]?.fields).toMatchObject({ source: 'x.csv', format: 'ohlcv', symbols: 1, bars: 2 });
  });
});

describe("investing.com's OHLC layout", () => {
  // Regression: "Price" beside "Open", "High" and "Low" (investing.com's close) was refused as a
  // header without a close column.
  it('reads "Price" as the close beside open, high and low, saying so; "Close" wins over it', () => {
    const csv = ['"Date","Price","Open","High","Low","Vol.","Change %"', '"2024-01-02","101.50","100.00","102.00","99.50","1.23M","0.52%"', '"2024-01-03","102.00","101.50","102.50","101.00","2.00M","0.49%"'].join('\n');
    const data = parseMarketData(csv, { symbol: 'X' });
    expect(data.format).toBe('ohlcv');
    expect(Array.from(data.series[0]?.close ?? [])).toEqual([101.5, 102]);
    expect(Array.from(data.series[0]?.open ?? [])).toEqual([100, 101.5]);
    expect(data.notes).toContain('column "Price" read as the close, beside the open, high and low (as investing.com writes it)');
    const both = parseMarketData('date,open,high,low,close,price\n2024-01-02,1,3,1,2,9\n', { symbol: 'X' });
    expect(both.series[0]?.close[0]).toBe(2);
    expect(both.notes).toContain('column "price" ignored: it is not one of the columns this layout reads');
  });
});

describe('close-only CSV', () => {
  it('long: open = high = low = close, volume 0; a symbol without rows simply has fewer bars', () => {
    const data = parseMarketData('symbol,date,price\nA,Jan 1 2000,10\nA,Feb 1 2000,11\nB,Feb 1 2000,20\n');
    expect(data.format).toBe('long');
    const [a, b] = data.series;
    expect(a === undefined ? [] : seriesToBars(a)).toEqual([
      { time: day('2000-01-01'), open: 10, high: 10, low: 10, close: 10, volume: 0 },
      { time: day('2000-02-01'), open: 11, high: 11, low: 11, close: 11, volume: 0 },
    ]);
    expect(b?.length).toBe(1);
    expect(data.timeline.barIndex[1] === undefined ? [] : Array.from(data.timeline.barIndex[1])).toEqual([-1, 0]);
  });

  it('wide: an empty or NA cell means no bar for that symbol on that date, never a forward-filled one', () => {
    const data = parseMarketData('date,A,B\n2000-01-03,1,10\n2000-01-04,,11\n2000-01-05,3,NA\n2000-01-06,4,13\n');
    expect(data.timeline.length).toBe(4);
    const [a, b] = data.series;
    expect(Array.from(a?.time ?? [])).toEqual([day('2000-01-03'), day('2000-01-05'), day('2000-01-06')]);
    expect(Array.from(a?.close ?? [])).toEqual([1, 3, 4]);
    expect(Array.from(b?.close ?? [])).toEqual([10, 11, 13]);
    expect(Array.from(data.timeline.barIndex[0] ?? [])).toEqual([0, -1, 1, 2]);
    expect(Array.from(data.timeline.barIndex[1] ?? [])).toEqual([0, 1, -1, 2]);
    expect(a?.high[1]).toBe(3);
    expect(a?.volume[1]).toBe(0);
  });

  it('wide: a first column with an empty name (R row names) is the date', () => {
    const data = parseMarketData('"","A"\n"2000-01-03",1\n', { format: 'wide' });
    expect(data.timeline.symbols).toEqual(['A']);
  });
});

describe('JSON bars', () => {
  it('reads an array of bar objects with date or time, epoch numbers included', () => {
    const data = parseMarketData(
      JSON.stringify([
        { date: '2000-01-03', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
        { time: 946_944_000, open: '1.5', high: 2, low: 1, close: 2 },
        { time: 947_030_400_000, open: 2, high: 3, low: 2, close: 3 },
      ]),
      { symbol: 'X' },
    );
    // 946,944,000 s = 2000-01-04 (946,684,800 + 3 × 86,400); 947,030,400,000 ms = 2000-01-05.
    expect(Array.from(data.series[0]?.time ?? [])).toEqual([day('2000-01-03'), day('2000-01-04'), day('2000-01-05')]);
    expect(Array.from(data.series[0]?.open ?? [])).toEqual([1, 1.5, 2]);
    expect(Array.from(data.series[0]?.volume ?? [])).toEqual([10, 0, 0]);
  });

  it('reads { SYMBOL: [...] } and per-bar symbol fields', () => {
    const bySymbol = parseMarketData(JSON.stringify({ A: [{ date: '2000-01-03', close: 1 }], B: [{ date: '2000-01-04', price: 2 }] }));
    expect(bySymbol.timeline.symbols).toEqual(['A', 'B']);
    expect(bySymbol.series[1]?.open[0]).toBe(2);
    const tagged = parseMarketData(
      JSON.stringify([
        { symbol: 'B', date: '2000-01-03', close: 1 },
        { symbol: 'A', date: '2000-01-03', close: 2 },
      ]),
    );
    expect(tagged.timeline.symbols).toEqual(['B', 'A']);
  });

  // Regression: "Date" and "Close" keys (pandas' to_json of a Yahoo frame) were "no date field" on
  // every bar, where a CSV header reads in any case.
  it('reads keys in any case, and refuses two keys that differ only in case', () => {
    const data = parseMarketData(
      JSON.stringify([
        { Date: '2000-01-03', Open: 1, HIGH: 2, low: 0.5, Close: 1.5, Volume: 10, Symbol: 'A' },
        { Date: '2000-01-04', Open: 1.5, HIGH: 2, low: 1, Close: 2, Volume: 20, Symbol: 'A' },
      ]),
    );
    expect(data.timeline.symbols).toEqual(['A']);
    expect(Array.from(data.series[0]?.time ?? [])).toEqual([day('2000-01-03'), day('2000-01-04')]);
    expect(Array.from(data.series[0]?.high ?? [])).toEqual([2, 2]);
    expect(Array.from(data.series[0]?.close ?? [])).toEqual([1.5, 2]);
    expect(Array.from(data.series[0]?.volume ?? [])).toEqual([10, 20]);
    expect(() => parseMarketData('[{"date":"2000-01-03","close":1,"Close":2}]')).toThrow('the bar has both "close" and "Close", one field whatever the case; keep one');
  });

  // Regression: one object per line failed with the JSON parser's "Unexpected non-whitespace
  // character after JSON at position 40".
  it('reads JSON lines, one bar object per line, saying so', () => {
    const lines = ['{"date":"2000-01-03","close":1}', '', '{"date":"2000-01-04","close":2}', '{"date":"2000-01-05","close":3}', ''].join('\n');
    const data = parseMarketData(lines, { symbol: 'X' });
    expect(Array.from(data.series[0]?.close ?? [])).toEqual([1, 2, 3]);
    expect(data.notes).toContain('read as JSON lines: one bar object per line');
    expect(() => parseMarketData('{"date":"2000-01-03","close":1}\n{"date":"2000-01-04","close":2\n')).toThrow(/line 2 of the JSON lines is not valid JSON/);
    // One object alone, or lines of arrays, are not JSON lines: the parser's message stands.
    expect(() => parseMarketData('{"date":"2000-01-03","close":1} x')).toThrow(/the file is not valid JSON/);
    expect(() => parseMarketData('[1]\n[2]\n')).toThrow(/the file is not valid JSON/);
    // Regression: placed by JSON.parse's character position at most, and a trailing comma not at all.
    expect(() => parseMarketData('[{"date":"2000-01-03","close":1},\n {"date":"2000-01-04","close":2},]\n', { file: 'bars.json' })).toThrow(
      /bars\.json:2: the file is not valid JSON at line 2, column 34: a trailing comma before "\]" is not allowed in JSON; remove the last ","/,
    );
  });
});

describe('selection options', () => {
  const csv = 'symbol,date,price\nA,2000-01-03,1\nA,2000-01-04,2\nA,2000-01-05,3\nB,2000-01-04,4\n';

  it('keeps the symbols asked for, in that order', () => {
    expect(parseMarketData(csv, { symbols: ['B', 'A'] }).timeline.symbols).toEqual(['B', 'A']);
  });

  it('keeps the date range, inclusive, a date-only `to` covering its day', () => {
    const data = parseMarketData(csv, { from: '2000-01-04', to: '2000-01-04' });
    expect(data.series.map((s) => s.length)).toEqual([1, 1]);
    expect(data.timeline.length).toBe(1);
  });
});

describe('defaultSymbolFor', () => {
  it('uses the file name without directory and extension', () => {
    expect(defaultSymbolFor('/a/b/sp500-2000.csv')).toBe('sp500-2000');
    expect(defaultSymbolFor('C:\\data\\AAPL.json')).toBe('AAPL');
    expect(defaultSymbolFor('.hidden')).toBe('.hidden');
    expect(defaultSymbolFor(undefined)).toBe('DATA');
  });
});

describe('the single-pass path and the general path agree', () => {
  it('rows written in other ways (quotes, blanks, blank lines, CRLF, exponents, other date forms) give the same bars (property)', () => {
    const clean = toCsv(generateSyntheticData({ symbols: 2, bars: 40, seed: 11 }), { decimals: 4 });
    const lines = clean.trimEnd().split('\n');
    const reference = parseMarketData(clean);
    const styles = [
      (line: string) => line.split(',').map((field) => (field.trim().startsWith('"') ? field : `"${field}"`)).join(','),
      (line: string) => line.split(',').join(' , '),
      (line: string) => `${line}\r`,
      (line: string) => line.replace(/,(\d+)\.(\d{4}),/, (_, whole: string, fraction: string) => `,${whole}${fraction}e-4,`),
      (line: string) => line.replace(/(\d{4})-(\d{2})-(\d{2})/, '$1/$2/$3'),
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: lines.length - 1 }), fc.integer({ min: 0, max: styles.length - 1 }))),
        fc.uniqueArray(fc.integer({ min: 1, max: lines.length - 1 })),
        (edits, blankBefore) => {
        const edited = [...lines];
        for (const [row, style] of edits) edited[row] = styles[style]!(edited[row]!);
        for (const row of blankBefore) edited[row] = `\n${edited[row]!}`;
        const data = parseMarketData(`${edited.join('\n')}\n`);
        expect(data.series.map((s) => seriesToBars(s))).toEqual(reference.series.map((s) => seriesToBars(s)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('line numbers stay right across plain rows, blank lines, CRLF and quoted line breaks', () => {
    const text = [
      'symbol,date,open,high,low,close,note', // line 1
      'A,2000-01-03,1,2,1,2,', // 2 (single pass)
      '', // 3 (blank)
      'A,2000-01-04,1,2,1,2,\r', // 4 (CRLF)
      'B,2000-01-03,1,2,1,2,"two',
      'lines"', // 5-6 (a quoted line break)
      'A,2000-01-05,1,2,1,2,', // 7
      'A,2000-01-06,1,2,1,x,', // 8: broken
      '',
      'A,2000-01-07,1,1,2,2,', // 10: broken (high below low)
    ].join('\n');
    try {
      parseMarketData(text);
      expect.unreachable();
    } catch (error) {
      expect((error as { problems: { row: number; rule: string }[] }).problems.map((p) => [p.row, p.rule])).toEqual([
        [8, 'non-numeric'],
        [10, 'high-below-low'],
      ]);
    }
  });

  it('problems name the column as the header spells it', () => {
    expect(() => parseMarketData('Date,Open,High,Low,Close\n2000-01-03,1,x,1,1\n')).toThrow(/column "High"/);
  });
});

describe('onProgress', () => {
  it.each([
    ['shortest numbers (the general row path)', undefined],
    ['6 decimals (the fast OHLCV path)', 6],
  ])('reports the bytes scanned every 65,536 rows and once at the end, and changes nothing: %s', (_, decimals) => {
    const rows = 65_536 * 2 + 100;
    const text = toCsv(generateSyntheticData({ bars: rows, seed: 4 }), { decimals });
    const bytes = new TextEncoder().encode(text);
    const calls: [number, number][] = [];
    const data = parseMarketData(bytes, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.map(([, total]) => total)).toEqual([bytes.length, bytes.length, bytes.length]);
    // Each report comes between two rows: at the start of a line, 65,536 lines after the last one.
    const linesBefore = (offset: number) => {
      let lines = 0;
      for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) lines++;
      return lines;
    };
    for (const [k, [done]] of calls.slice(0, 2).entries()) {
      expect(text[done - 1]).toBe('\n');
      expect(Math.abs(linesBefore(done) - (k + 1) * 65_536)).toBeLessThanOrEqual(1);
    }
    expect(calls[2]?.[0]).toBe(bytes.length);
    const plain = parseMarketData(bytes).series[0];
    const watched = data.series[0];
    expect(watched?.length).toBe(rows);
    const bytesOf = (column: Float64Array | undefined) => (column === undefined ? Buffer.alloc(0) : Buffer.from(column.buffer, column.byteOffset, column.byteLength));
    for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(bytesOf(watched?.[column]).equals(bytesOf(plain?.[column]))).toBe(true);
    }
  });

  it('JSON: once, at the end', () => {
    const calls: number[] = [];
    parseMarketData('[{"date":"2000-01-03","close":1}]', { onProgress: (done) => calls.push(done) });
    expect(calls).toEqual([33]);
  });
});

describe('date-times at midnight with a UTC offset (a daily index in an exchange time zone, as pandas writes it)', () => {
  const rows = ['2021-03-26 00:00:00+01:00', '2021-03-29 00:00:00+02:00', '2021-03-31 00:00:00+02:00', '2021-04-01 00:00:00+02:00', '2021-04-06 00:00:00+02:00'];
  const csv = `Date,Open,High,Low,Close,Volume\n${rows.map((date, i) => `${date},${String(10 + i)},${String(11 + i)},${String(9 + i)},${String(10 + i)},100`).join('\n')}\n`;

  it('are the days they name, not the instants before them in UTC: a month keeps its first bar, from: keeps its day', () => {
    const data = parseMarketData(csv, { file: 'dax.csv' });
    expect(Array.from(data.series[0]?.time ?? [])).toEqual(['2021-03-26', '2021-03-29', '2021-03-31', '2021-04-01', '2021-04-06'].map(day));
    expect(data.notes).toContain('dates read as the days they name: every one is midnight with a UTC offset (2021-04-01 00:00:00+02:00 is the bar of 2021-04-01, not of 2021-03-31 22:00 UTC)');
    expect(Array.from(parseMarketData(csv, { file: 'dax.csv', from: '2021-04-01' }).series[0]?.time ?? [])).toEqual([day('2021-04-01'), day('2021-04-06')]);
    // West of Greenwich too (the instant was later on the same day), and in JSON.
    const json = JSON.stringify([{ date: '2021-04-01T00:00:00-04:00', close: 1 }, { date: '2021-04-05T00:00:00-04:00', close: 2 }]);
    expect(Array.from(parseMarketData(json).series[0]?.time ?? [])).toEqual([day('2021-04-01'), day('2021-04-05')]);
  });

  it('keeps instants when any date-time is not such a midnight, or the offset is 0', () => {
    const intraday = 'Date,Close\n2021-04-01 00:00:00+08:00,1\n2021-04-01 01:00:00+08:00,2\n';
    const data = parseMarketData(intraday);
    expect(Array.from(data.series[0]?.time ?? [])).toEqual([Date.parse('2021-03-31T16:00:00Z'), Date.parse('2021-03-31T17:00:00Z')]);
    expect(data.notes ?? []).toEqual([]);
    expect(Array.from(parseMarketData('Date,Close\n2021-04-01T00:00:00Z,1\n2021-04-02T00:00:00+00:00,2\n').series[0]?.time ?? [])).toEqual([day('2021-04-01'), day('2021-04-02')]);
  });

  it('a London file: its winter days at +00:00 beside its summer days at +01:00 are all the days they name', () => {
    const london = 'Date,Open,High,Low,Close\n2021-03-26 00:00:00+00:00,1,1,1,1\n2021-03-29 00:00:00+01:00,2,2,2,2\n2021-03-30 00:00:00+01:00,3,3,3,3\n';
    const data = parseMarketData(london, { file: 'lse.csv' });
    expect(Array.from(data.series[0]?.time ?? [])).toEqual([day('2021-03-26'), day('2021-03-29'), day('2021-03-30')]);
    expect(Array.from(parseMarketData(london, { file: 'lse.csv', to: '2021-03-29' }).series[0]?.close ?? [])).toEqual([1, 2]);
  });
});
