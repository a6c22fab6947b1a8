import { describe, expect, it } from 'vitest';
import { barSeriesFromCloses } from './bars';
import { SeriesCursor } from './context';
import { LookaheadError } from './errors';
import type { Position } from './trading';

describe('SeriesCursor', () => {
  const series = barSeriesFromCloses('A', [1, 2, 3, 4], [10, 11, 12, 13]);

  it('reads the current and earlier bars, NaN before the first', () => {
    const cursor = new SeriesCursor(series, { double: new Float64Array([20, 22, 24, 26]) }, 's');
    const context = cursor.moveTo(2);
    expect(context).toBe(cursor.context);
    expect(context.symbol).toBe('A');
    expect(context.index).toBe(2);
    expect(context.time).toBe(3);
    expect(context.length).toBe(3);
    expect(context.close()).toBe(12);
    expect(context.close(2)).toBe(10);
    expect(context.close(3)).toBeNaN();
    expect(context.indicator('double', 1)).toBe(22);
    expect(Array.from(context.history('close'))).toEqual([10, 11, 12]);
    expect(Array.from(context.indicatorHistory('double'))).toEqual([20, 22, 24]);
    // From JavaScript a name that is no column arrives too: said, not a TypeError inside.
    expect(() => context.history('adjClose' as 'close')).toThrow(
      new RangeError('history("adjClose") names no bar column: the columns are time, open, high, low, close, volume (an indicator\'s history is indicatorHistory(name))'),
    );
  });

  it('refuses to read the future', () => {
    const context = new SeriesCursor(series, {}, 'peeker').moveTo(1);
    expect(() => context.close(-1)).toThrow(LookaheadError);
    expect(() => context.close(-1)).toThrow('Strategy "peeker" looks ahead');
    expect(() => context.indicator('x', -1)).toThrow();
    // A value whose valueOf answers 0 to the check and −1 to the index still cannot peek.
    let reads = 0;
    const shifty = { valueOf: () => (reads++ === 0 ? 0 : -1) } as unknown as number;
    const read = (() => {
      try {
        return context.close(shifty);
      } catch (error) {
        return error;
      }
    })();
    expect(read).not.toBe(12);
    expect(reads).toBe(1);
  });

  it('names the missing indicator and the ones it has', () => {
    const context = new SeriesCursor(series, { fast: new Float64Array(4) }, 's').moveTo(0);
    expect(() => context.indicator('slow')).toThrow('reads indicator "slow" but its indicators() returned only: fast');
    expect(() => new SeriesCursor(series, {}, 's').moveTo(0).indicator('')).toThrow(/only: none/);
  });

  it('reads every indicator column right whatever order they are asked in (the last one is remembered)', () => {
    const columns = {
      a: Float64Array.from([1, 2, 3, 4]),
      b: Float64Array.from([10, 20, 30, 40]),
      c: Float64Array.from([100, 200, 300, 400]),
    };
    const cursor = new SeriesCursor(series, columns, 's');
    const asks: ['a' | 'b' | 'c', number][] = [['a', 0], ['b', 0], ['a', 1], ['c', 2], ['c', 0], ['b', 3], ['a', 0], ['a', 4], ['b', 1]];
    for (let i = 0; i < series.length; i++) {
      const context = cursor.moveTo(i);
      for (const [name, ago] of asks) {
        const expected = i - ago >= 0 ? columns[name][i - ago] : Number.NaN;
        expect(context.indicator(name, ago), `${name}[${i} - ${ago}]`).toBe(expected);
      }
    }
    const context = cursor.moveTo(2);
    expect(() => context.indicator('nope')).toThrow(/"nope".*a, b, c/);
    expect(context.indicator('b')).toBe(30);
  });

  it('shows the position and account it is given', () => {
    const cursor = new SeriesCursor(series, {}, 's');
    const position: Position = Object.freeze({ strategyId: 's', symbol: 'A', side: 'long', quantity: 3, entryPrice: 10, entryTime: 1, entryCommission: 0 });
    cursor.setPosition(position);
    cursor.setAccount(70, 106);
    const context = cursor.moveTo(3);
    expect(context.position).toBe(position);
    expect(context.account.cash).toBe(70);
    expect(context.account.equity).toBe(106);
    expect(JSON.parse(JSON.stringify(context.account))).toEqual({ cash: 70, equity: 106 });
  });

  it('hands strategies a context that cannot move, reach the series or change what it shows', () => {
    const cursor = new SeriesCursor(series, { a: new Float64Array(4) }, 's');
    cursor.setAccount(5, 5);
    const context = cursor.moveTo(1);
    const loose = context as unknown as Record<string, unknown>;
    expect('moveTo' in context).toBe(false);
    expect(loose.series).toBeUndefined();
    expect(loose.indicators).toBeUndefined();
    expect(Object.keys(context)).toEqual([]);
    expect(Object.getOwnPropertySymbols(Object.getPrototypeOf(context) as object)).toEqual([]);
    // ES modules are strict: writing a getter-only property throws.
    expect(() => {
      loose.index = 3;
    }).toThrow(TypeError);
    expect(() => {
      loose.position = null;
    }).toThrow(TypeError);
    expect(() => {
      (context.account as unknown as Record<string, unknown>).cash = 1e9;
    }).toThrow(TypeError);
    expect(context.index).toBe(1);
    expect(context.account.cash).toBe(5);
  });
});
