import { describe, expect, it } from 'vitest';
import { loadDataset } from './datasets';
import { formatDate } from './dates';
import { inferFrequency, inspectMarketData } from './inspect';
import { parseMarketData } from './parse';

const DAY = 86_400_000;
const spaced = (count: number, days: number) => Array.from({ length: count }, (_, i) => i * days * DAY);

describe('inferFrequency', () => {
  it('classifies by the median spacing', () => {
    expect(inferFrequency(spaced(10, 1 / 24))).toBe('intraday');
    expect(inferFrequency(spaced(10, 1))).toBe('daily');
    expect(inferFrequency(spaced(10, 7))).toBe('weekly');
    expect(inferFrequency(spaced(10, 30.4))).toBe('monthly');
    expect(inferFrequency(spaced(10, 91))).toBe('quarterly');
    expect(inferFrequency(spaced(10, 365))).toBe('yearly');
    expect(inferFrequency(spaced(10, 50))).toBe('irregular');
    expect(inferFrequency([0])).toBe('unknown');
  });

  it('business days with weekends are daily (median spacing 1 day)', () => {
    // Mon..Fri, Mon..Fri: spacings 1,1,1,1,3,1,1,1,1 → median 1.
    expect(inferFrequency([0, 1, 2, 3, 4, 7, 8, 9, 10, 11].map((d) => d * DAY))).toBe('daily');
  });
});

describe('inspectMarketData', () => {
  it('counts bars, ends, closes, missing bars and long calendar gaps per symbol', () => {
    // A: every business day but 01-05 and 01-06 (days B has); B: every day, with a 7-day hole
    // between 01-10 and 01-17.
    const data = parseMarketData(
      [
        'date,A,B',
        '2000-01-03,1,10',
        '2000-01-04,2,11',
        '2000-01-05,,12',
        '2000-01-06,,13',
        '2000-01-07,5,14',
        '2000-01-10,6,15',
        '2000-01-17,7,16',
      ].join('\n'),
    );
    const summary = inspectMarketData(data);
    expect(summary.symbols).toEqual(['A', 'B']);
    expect(summary.bars).toBe(12);
    expect(summary.timelineLength).toBe(7);
    expect(summary.frequency).toBe('daily');
    expect(summary.gapDays).toBe(5);
    const [a, b] = summary.series;
    expect(a).toMatchObject({ symbol: 'A', bars: 5, firstClose: 1, lastClose: 7, missingBars: 2, frequency: 'daily' });
    expect(a?.gaps.map((g) => [g.kind, formatDate(g.from), formatDate(g.to), g.bars, g.days])).toEqual([
      ['missing-bars', '2000-01-05', '2000-01-06', 2, 1],
      ['calendar', '2000-01-10', '2000-01-17', 0, 7],
    ]);
    expect(b?.missingBars).toBe(0);
    expect(b?.gaps.map((g) => g.kind)).toEqual(['calendar']);
    expect(formatDate(b?.first ?? 0)).toBe('2000-01-03');
    expect(formatDate(b?.last ?? 0)).toBe('2000-01-17');
  });

  it('does not count the months before a symbol starts as missing (stocks5: GOOG from 2004-08)', async () => {
    const summary = inspectMarketData(await loadDataset('stocks5'));
    expect(summary.frequency).toBe('monthly');
    const goog = summary.series.find((s) => s.symbol === 'GOOG');
    expect(goog).toMatchObject({ bars: 68, missingBars: 0, gaps: [], firstClose: 102.37, lastClose: 560.19 });
  });

  it('finds the 7-day closure after 2001-09-10 in sp500', async () => {
    const summary = inspectMarketData(await loadDataset('sp500'));
    const gaps = summary.series[0]?.gaps.map((g) => `${formatDate(g.from)}..${formatDate(g.to)}`);
    expect(gaps).toContain('2001-09-10..2001-09-17');
  });

  it('judges a monthly symbol on a daily timeline by its own spacing: a missing month, not every month', () => {
    // D: every business day of 2021-01-04 … 2021-06-30; M: the first business day of each month but April.
    const days: string[] = [];
    for (let t = Date.UTC(2021, 0, 4); t <= Date.UTC(2021, 5, 30); t += DAY) {
      const weekday = new Date(t).getUTCDay();
      if (weekday !== 0 && weekday !== 6) days.push(new Date(t).toISOString().slice(0, 10));
    }
    const firsts = ['2021-01-04', '2021-02-01', '2021-03-01', '2021-05-03', '2021-06-01'];
    const rows = days.map((day, i) => `${day},${100 + i},${firsts.includes(day) ? String(50 + i) : ''}`);
    const summary = inspectMarketData(parseMarketData(['date,D,M', ...rows].join('\n')));
    expect(summary.frequency).toBe('daily');
    expect(summary.gapDays).toBe(5);
    const [d, m] = summary.series;
    expect(d).toMatchObject({ frequency: 'daily', sparse: false, gapDays: 5, missingBars: 0, gaps: [] });
    // M's spacings (days): 28, 28, 63, 29 → median 28.5, its threshold 1.5 × 28.5 = 42.75 days.
    expect(m).toMatchObject({ frequency: 'monthly', sparse: true, gapDays: 42.75 });
    // Only the hole of April: the business days 2021-03-02 … 2021-04-30 (22 in March after the 1st, 22 in April) are missing, in one gap of 63 days.
    expect(m?.missingBars).toBe(44);
    expect(m?.gaps.map((g) => [g.kind, formatDate(g.from), formatDate(g.to), g.bars, g.days])).toEqual([
      ['calendar', '2021-03-01', '2021-05-03', 0, 63],
      ['missing-bars', '2021-03-02', '2021-04-30', 44, 59],
    ]);
  });

  it('honours gapDays and reports nulls for an empty series', () => {
    const data = parseMarketData('date,A,B\n2000-01-03,1,\n2000-01-04,2,\n2000-01-07,3,\n');
    const summary = inspectMarketData(data, { gapDays: 2 });
    expect(summary.series[0]?.gaps.map((g) => g.days)).toEqual([3]);
    expect(summary.series[1]).toMatchObject({ bars: 0, first: null, last: null, firstClose: null, frequency: 'unknown' });
  });
});
