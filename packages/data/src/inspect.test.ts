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

describe('inspectMarketData of intraday bars: gaps inside a session, sessions without a bar', () => {
  const MINUTE = 60_000;
  /** `date,X` rows of bars every `step` minutes from `open` to `last` (times of day, minutes) on each of `days` (ISO dates), less `skip`. */
  function intraday(days: readonly string[], open: number, last: number, step: number, skip: (time: number) => boolean = () => false): string {
    const rows = ['date,X'];
    for (const day of days) {
      for (let minute = open; minute <= last; minute += step) {
        const time = Date.parse(`${day}T00:00:00Z`) + minute * MINUTE;
        if (!skip(time)) rows.push(`${new Date(time).toISOString().slice(0, 16).replace('T', ' ')},100`);
      }
    }
    return rows.join('\n');
  }
  /** The weekdays from `from` to `to` (ISO dates), less `except`. */
  function weekdays(from: string, to: string, except: readonly string[] = []): string[] {
    const days: string[] = [];
    for (let time = Date.parse(from); time <= Date.parse(to); time += DAY) {
      const weekday = new Date(time).getUTCDay();
      const day = new Date(time).toISOString().slice(0, 10);
      if (weekday !== 0 && weekday !== 6 && !except.includes(day)) days.push(day);
    }
    return days;
  }
  const at = (text: string) => Date.parse(`${text.replace(' ', 'T')}:00Z`);
  const OPEN = 9 * 60 + 30;
  const LAST = 15 * 60 + 59;
  const gapsOf = (csv: string) => {
    const series = inspectMarketData(parseMarketData(csv)).series[0];
    return { series, gaps: series?.gaps.map((gap) => [gap.kind, gap.from, gap.to, gap.bars]) };
  };

  it('finds a missing hour and a missing day of minute bars, not the nights and the weekend', () => {
    // Minute bars 09:30–15:59 on the weekdays of 2024-01-08 … 2024-01-19, without 11:00–11:59 on
    // 01-10 and without Wednesday 01-17. The hour: the bars 10:59 and 12:00 around 60 missing
    // ones (61 minutes apart, one bar a minute). The day: the bars around it are Tuesday's last
    // and Thursday's first, one session (Wednesday) without a bar; the weekend skips none.
    const hour = (time: number) => time >= at('2024-01-10 11:00') && time < at('2024-01-10 12:00');
    const { series, gaps } = gapsOf(intraday(weekdays('2024-01-08', '2024-01-19', ['2024-01-17']), OPEN, LAST, 1, hour));
    expect(series?.frequency).toBe('intraday');
    expect(gaps).toEqual([
      ['intraday', at('2024-01-10 10:59'), at('2024-01-10 12:00'), 60],
      ['session', at('2024-01-16 15:59'), at('2024-01-18 09:30'), 1],
    ]);
    expect(series?.sessions).toEqual({ opens: [OPEN * MINUTE], closes: [LAST * MINUTE], weekdays: [1, 2, 3, 4, 5], spacing: MINUTE });
  });

  it('lists nothing for whole sessions, and a holiday Monday as one session without a bar', () => {
    expect(gapsOf(intraday(weekdays('2024-01-08', '2024-01-19'), OPEN, LAST, 1)).gaps).toEqual([]);
    // Monday 2024-01-15 missing: Friday 15:59 → Tuesday 09:30 skips Saturday, Sunday and Monday, of which Monday trades.
    expect(gapsOf(intraday(weekdays('2024-01-08', '2024-01-19', ['2024-01-15']), OPEN, LAST, 1)).gaps).toEqual([['session', at('2024-01-12 15:59'), at('2024-01-16 09:30'), 1]]);
  });

  it('bars missing at the end of one session and the start of the next count, the night between them does not', () => {
    // 15:30–15:59 on 01-10 and 09:30–09:44 on 01-11 missing: 30 + 15 bars, from 15:29 to 09:45.
    const edges = (time: number) => (time >= at('2024-01-10 15:30') && time <= at('2024-01-10 15:59')) || (time >= at('2024-01-11 09:30') && time < at('2024-01-11 09:45'));
    expect(gapsOf(intraday(weekdays('2024-01-08', '2024-01-19'), OPEN, LAST, 1, edges)).gaps).toEqual([['intraday', at('2024-01-10 15:29'), at('2024-01-11 09:45'), 45]]);
  });

  it('a lunch break that recurs is a break; bars of two days have one night', () => {
    // 30-minute bars 09:00–11:00 and 12:30–14:30: the 11:00 → 12:30 gap (3 spacings) comes back every day.
    const lunch = (time: number) => {
      const minutes = (time % DAY) / MINUTE;
      return minutes > 11 * 60 && minutes < 12 * 60 + 30;
    };
    const { series, gaps } = gapsOf(intraday(weekdays('2024-01-08', '2024-01-19'), 9 * 60, 14 * 60 + 30, 30, lunch));
    expect(gaps).toEqual([]);
    expect(series?.sessions?.opens).toEqual([9 * 60 * MINUTE, (12 * 60 + 30) * MINUTE]);
    expect(series?.sessions?.closes).toEqual([11 * 60 * MINUTE, (14 * 60 + 30) * MINUTE]);
    expect(gapsOf(intraday(['2024-01-08', '2024-01-09'], OPEN, LAST, 1)).gaps).toEqual([]);
  });

  // Regression: a session that opens before midnight UTC while daylight saving lasts and after it
  // later (Sydney: 10:00 local is 23:00 UTC in summer, 00:00 UTC in winter) counted on Sunday in
  // one half and Friday in the other; every weekend of the first half read as a Friday's session
  // without a bar. Sessions are dated by their last bar, as exchanges date them.
  it('a session opening before midnight UTC, moved past it by daylight saving, is dated by its last bar', () => {
    const rows = ['date,X'];
    const days = weekdays('2021-03-22', '2021-04-16', ['2021-04-07']);
    for (const day of days) {
      // Until Sunday 2021-04-04 (daylight saving's end) the session runs 23:00 (the day before) to
      // 04:30 UTC; from then on 00:00 to 05:30, half-hourly.
      const summer = Date.parse(`${day}T00:00:00Z`) < Date.UTC(2021, 3, 4);
      const open = Date.parse(`${day}T00:00:00Z`) - (summer ? 60 : 0) * MINUTE;
      for (let k = 0; k < 12; k++) rows.push(`${new Date(open + k * 30 * MINUTE).toISOString().slice(0, 16).replace('T', ' ')},100`);
    }
    const { series, gaps } = gapsOf(rows.join('\n'));
    expect(series?.sessions?.weekdays).toEqual([1, 2, 3, 4, 5]);
    // Only Wednesday 2021-04-07 (left out) is missing: from Tuesday's last bar to Thursday's first.
    expect(gaps).toEqual([['session', at('2021-04-06 05:30'), at('2021-04-08 00:00'), 1]]);
  });

  it('bars without a recurring break (24/7): every gap is inside the session', () => {
    // Hourly bars around the clock for two weeks, without 23:00 on 01-05 and 00:00 on 01-06: 2 bars from 22:00 to 01:00.
    const days = Array.from({ length: 14 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
    const missing = [at('2024-01-05 23:00'), at('2024-01-06 00:00')];
    const { series, gaps } = gapsOf(intraday(days, 0, 23 * 60, 60, (time) => missing.includes(time)));
    expect(gaps).toEqual([['intraday', at('2024-01-05 22:00'), at('2024-01-06 01:00'), 2]]);
    expect(series?.sessions).toMatchObject({ opens: [], closes: [], weekdays: [0, 1, 2, 3, 4, 5, 6] });
  });

  it('daily data has no sessions and no intraday gaps', () => {
    const series = inspectMarketData(parseMarketData(['date,X', '2024-01-08,1', '2024-01-09,1', '2024-01-11,1'].join('\n'))).series[0];
    expect(series === undefined ? true : 'sessions' in series).toBe(false);
    expect(series?.gaps).toEqual([]);
  });
});
