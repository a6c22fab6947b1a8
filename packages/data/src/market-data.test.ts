import { ConfigError, DataValidationError, barSeriesFromCloses } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMarketData, getSeries, resolveDateBound, selectRange, selectSymbols } from './market-data';
import { parseMarketData } from './parse';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

const data = parseMarketData(
  [
    'symbol,date,price',
    'AAPL,2000-01-03,1',
    'AAPL,2000-01-05,2',
    'AAPL,2000-01-06,3',
    'MSFT,2000-01-04,10',
    'MSFT,2000-01-05,11',
  ].join('\n'),
  { file: 'two.csv' },
);

describe('the merged timeline', () => {
  it('is the sorted union of timestamps with each symbol’s bar index (-1: no bar)', () => {
    expect(Array.from(data.timeline.time)).toEqual([day('2000-01-03'), day('2000-01-04'), day('2000-01-05'), day('2000-01-06')]);
    expect(data.timeline.symbols).toEqual(['AAPL', 'MSFT']);
    expect(Array.from(data.timeline.barIndex[0] ?? [])).toEqual([0, -1, 1, 2]);
    expect(Array.from(data.timeline.barIndex[1] ?? [])).toEqual([-1, 0, 1, -1]);
  });

  it('maps every bar of every symbol to the step with its time (property)', () => {
    const sortedUnique = fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { maxLength: 60 }).map((days) => days.sort((a, b) => a - b));
    fc.assert(
      fc.property(fc.array(sortedUnique, { minLength: 1, maxLength: 5 }), (lists) => {
        const series = lists.map((days, k) =>
          barSeriesFromCloses(
            `S${k}`,
            days.map((d) => d * 86_400_000),
            days.map(() => 1),
          ),
        );
        const merged = createMarketData(series).timeline;
        const union = [...new Set(lists.flat())].sort((a, b) => a - b);
        expect(Array.from(merged.time)).toEqual(union.map((d) => d * 86_400_000));
        series.forEach((s, k) => {
          const index = merged.barIndex[k] ?? new Int32Array(0);
          let seen = 0;
          for (let t = 0; t < merged.length; t++) {
            const i = index[t] ?? -1;
            if (i === -1) {
              expect(Array.from(s.time)).not.toContain(merged.time[t]);
            } else {
              expect(s.time[i]).toBe(merged.time[t]);
              seen++;
            }
          }
          expect(seen).toBe(s.length);
        });
      }),
    );
  });
});

describe('createMarketData', () => {
  it('rejects duplicate symbols and unsorted times', () => {
    const a = barSeriesFromCloses('A', [1, 2], [1, 1]);
    expect(() => createMarketData([a, a])).toThrow(DataValidationError);
    const unsorted = barSeriesFromCloses('B', [2, 1], [1, 1]);
    try {
      createMarketData([unsorted], { source: 'mine' });
      expect.unreachable();
    } catch (error) {
      expect(DataValidationError.isInstance(error) && error.problems[0]?.rule).toBe('unsorted-dates');
    }
  });
});

describe('selectSymbols and getSeries', () => {
  it('keeps the symbols asked for, in that order, case-insensitively when unambiguous', () => {
    const picked = selectSymbols(data, ['msft', 'AAPL', 'MSFT']);
    expect(picked.timeline.symbols).toEqual(['MSFT', 'AAPL']);
    expect(Array.from(picked.timeline.barIndex[0] ?? [])).toEqual([-1, 0, 1, -1]);
    expect(selectSymbols(data, [])).toBe(data);
    expect(getSeries(data, 'aapl').symbol).toBe('AAPL');
  });

  it('lists every unknown symbol with the available ones', () => {
    try {
      selectSymbols(data, ['IBM', 'AAPL', 'GOOG']);
      expect.unreachable();
    } catch (error) {
      if (!DataValidationError.isInstance(error)) throw error;
      expect(error.problems.map((p) => [p.rule, p.value])).toEqual([
        ['unknown-symbol', 'IBM'],
        ['unknown-symbol', 'GOOG'],
      ]);
      expect(error.problems[0]?.message).toContain('available: AAPL, MSFT');
      expect(error.problems[0]?.file).toBe('two.csv');
    }
    expect(() => getSeries(data, 'IBM')).toThrow(/unknown symbol "IBM"; available: AAPL, MSFT/);
  });
});

describe('selectRange', () => {
  it('keeps bars within [from, to]; symbols left without bars stay, empty', () => {
    const range = selectRange(data, { from: '2000-01-06' });
    expect(range.series.map((s) => s.length)).toEqual([1, 0]);
    expect(range.timeline.length).toBe(1);
  });

  it('a date-only `to` includes the whole day; a date-time `to` is exact', () => {
    expect(selectRange(data, { to: '2000-01-04' }).timeline.length).toBe(2);
    expect(selectRange(data, { to: '2000-01-03T23:59:59Z' }).timeline.length).toBe(1);
    expect(selectRange(data, { from: day('2000-01-04'), to: day('2000-01-05') }).timeline.length).toBe(2);
  });

  it('an empty range is a no-data problem that says what the data covers', () => {
    try {
      selectRange(data, { from: '2001-01-01' });
      expect.unreachable();
    } catch (error) {
      if (!DataValidationError.isInstance(error)) throw error;
      expect(error.problems[0]?.rule).toBe('no-data');
      expect(error.message).toContain('the data covers 2000-01-03 to 2000-01-06');
    }
  });

  it('a date-only `to` is named as the day it was given, resolved or not; a date-time `to` as itself', () => {
    const problem = (range: Parameters<typeof selectRange>[1]): string => {
      try {
        selectRange(data, range);
      } catch (error) {
        if (DataValidationError.isInstance(error)) return error.problems[0]?.message ?? '';
        if (ConfigError.isInstance(error)) return error.issues[0]?.message ?? '';
        throw error;
      }
      return expect.unreachable();
    };
    expect(problem({ to: '1999-06-01' })).toBe('no bar between the start and 1999-06-01; the data covers 2000-01-03 to 2000-01-06');
    // As the CLI passes it, resolved: the last millisecond of the day.
    expect(problem({ to: resolveDateBound('1999-06-01', 'to') })).toBe('no bar between the start and 1999-06-01; the data covers 2000-01-03 to 2000-01-06');
    expect(problem({ to: '1999-06-01T12:00:00Z' })).toBe('no bar between the start and 1999-06-01T12:00:00.000Z; the data covers 2000-01-03 to 2000-01-06');
    expect(problem({ from: '2000-01-05', to: '2000-01-04' })).toBe('from (2000-01-05) is after to (2000-01-04)');
  });

  it('unreadable bounds and from after to are configuration errors', () => {
    expect(() => selectRange(data, { from: 'soon' })).toThrow(ConfigError);
    expect(() => selectRange(data, { from: '2000-01-05', to: '2000-01-04' })).toThrow(/after/);
    expect(() => resolveDateBound(Number.NaN, 'from')).toThrow(ConfigError);
    expect(resolveDateBound('2000-01-04', 'to')).toBe(day('2000-01-05') - 1);
  });
});
