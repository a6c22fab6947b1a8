import { describe, expect, it } from 'vitest';
import { dataHoles, inspectMarketData, splitJumps } from './inspect';
import { parseMarketData } from './parse';
import { priceJumps } from './price-jumps';

/** Daily closes from 2024-01-01 on, one a day, as a close-only CSV. */
function closes(values: readonly number[], start = '2024-01-01'): string {
  const day = Date.parse(`${start}T00:00:00Z`);
  return ['date,close', ...values.map((close, i) => `${new Date(day + i * 86_400_000).toISOString().slice(0, 10)},${String(close)}`)].join('\n');
}

describe('priceJumps', () => {
  it('lists closes at least 1.4 times or at most 1/1.4 of the one before, with the split ratio each is within 3% of', () => {
    // 101 → 50.6: 1.996 (2:1). 50 → 150.5: 1/3.01 (a 1:3 reverse split). 151 → 80: 1.8875, 5.6%
    // from 2 and far from 5:2 (none). 80 → 113: +41.25%, 1/1.4125, 5.8% from 3:2 (none).
    // 113 → 81.5: −27.9%, under the 1.4 factor (1.3865): not listed.
    const data = parseMarketData(closes([100, 101, 50.6, 50, 150.5, 151, 80, 113, 81.5]), { file: 'jumps.csv' });
    const series = data.series[0];
    if (series === undefined) throw new Error('one series');
    const day = (n: number) => Date.parse('2024-01-01T00:00:00Z') + n * 86_400_000;
    expect(priceJumps(series)).toEqual([
      { from: day(1), to: day(2), fromClose: 101, toClose: 50.6, change: 50.6 / 101 - 1, split: '2:1' },
      { from: day(3), to: day(4), fromClose: 50, toClose: 150.5, change: 150.5 / 50 - 1, split: '1:3' },
      { from: day(5), to: day(6), fromClose: 151, toClose: 80, change: 80 / 151 - 1, split: null },
      { from: day(6), to: day(7), fromClose: 80, toClose: 113, change: 113 / 80 - 1, split: null },
    ]);
  });

  it('finds a 3:2 split and a 1:10 reverse split within a day\'s move of their ratios', () => {
    const series = parseMarketData(closes([90, 61.2, 60, 612]), { file: 'splits.csv' }).series[0];
    if (series === undefined) throw new Error('one series');
    // 90 / 61.2 = 1.4706, 2.0% from 1.5; 612 / 60 = 10.2, 2.0% from 10.
    expect(priceJumps(series).map((jump) => jump.split)).toEqual(['3:2', '1:10']);
  });

  it('reads a split by the open after it when the day moved the close further (AAPL\'s 4:1 of 2020-08-31)', () => {
    // Yahoo Finance's rows as traded: 499.24 on 08-28, then open 127.58 and close 129.04 on 08-31.
    // 499.24 / 129.04 = 3.869, 3.4% from 4; 499.24 / 127.58 = 3.913, 2.2% from 4.
    const csv = ['date,open,high,low,close', '2020-08-28,504.00,505.00,498.00,499.24', '2020-08-31,127.58,131.00,126.00,129.04'].join('\n');
    const series = parseMarketData(csv, { file: 'aapl.csv' }).series[0];
    if (series === undefined) throw new Error('one series');
    expect(priceJumps(series).map((jump) => jump.split)).toEqual(['4:1']);
  });

  it('is in the inspection of daily symbols, not of monthly ones, whose bars move that far by themselves', () => {
    const daily = inspectMarketData(parseMarketData(closes([100, 101, 50.6, 50]), { file: 'daily.csv' }));
    expect(daily.series[0]?.jumps.map((jump) => jump.split)).toEqual(['2:1']);
    const monthly = ['date,close', '2024-01-01,100', '2024-02-01,101', '2024-03-01,50.6', '2024-04-01,50'].join('\n');
    expect(inspectMarketData(parseMarketData(monthly, { file: 'monthly.csv' })).series[0]?.jumps).toEqual([]);
  });

  it('checks the kind of its argument', () => {
    expect(() => priceJumps(null as never)).toThrow(/series/);
  });
});

describe('splitJumps', () => {
  it('lists the split-like jumps of every daily or intraday symbol, symbol by symbol, none of a monthly one and no jump without a split ratio', () => {
    // A: 101 → 50.6 (2:1), 51 → 80 (×1.569, 4.6% from 3:2: no ratio). B: 90 → 61.2 (3:2). A monthly close halved: not listed.
    const wide = ['date,A,B', ...[[100, 90], [101, 61.2], [50.6, 60], [51, 61], [80, 62]].map(([a, b], i) => `2024-01-0${String(i + 1)},${String(a)},${String(b)}`)].join('\n');
    const found = splitJumps(parseMarketData(wide, { file: 'wide.csv' }));
    expect(found.map(({ symbol, jump }) => [symbol, jump.fromClose, jump.toClose, jump.split])).toEqual([
      ['A', 101, 50.6, '2:1'],
      ['B', 90, 61.2, '3:2'],
    ]);
    const monthly = ['date,close', '2024-01-01,100', '2024-02-01,101', '2024-03-01,50.6', '2024-04-01,50'].join('\n');
    expect(splitJumps(parseMarketData(monthly, { file: 'monthly.csv' }))).toEqual([]);
    expect(() => splitJumps(null as never)).toThrow(/data/);
  });
});

describe('dataHoles', () => {
  it("gives each daily symbol's longest stretch without a bar over 30 days, none of a monthly one", () => {
    // A: bars on 2024-01-01…05, then 2024-03-01…02 (56 days), then 2024-03-20 (18 days). B: no hole.
    const dates = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-03-01', '2024-03-02', '2024-03-20'];
    const long = ['symbol,date,close', ...dates.map((date) => `A,${date},1`), ...dates.slice(0, 5).map((date) => `B,${date},2`)].join('\n');
    expect(dataHoles(parseMarketData(long, { file: 'long.csv' }))).toEqual([{ symbol: 'A', from: Date.UTC(2024, 0, 5), to: Date.UTC(2024, 2, 1) }]);
    expect(dataHoles(parseMarketData(long, { file: 'long.csv' }), 60)).toEqual([]);
    const monthly = ['date,close', '2024-01-01,100', '2024-02-01,101', '2024-03-01,50.6', '2024-05-01,50'].join('\n');
    expect(dataHoles(parseMarketData(monthly, { file: 'monthly.csv' }))).toEqual([]);
    expect(() => dataHoles(null as never)).toThrow(/data/);
  });
});
