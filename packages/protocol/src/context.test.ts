import { describe, expect, it } from 'vitest';
import { barSeriesFromCloses } from './bars';
import { SeriesCursor } from './context';
import { LookaheadError } from './errors';

describe('SeriesCursor', () => {
  const series = barSeriesFromCloses('A', [1, 2, 3, 4], [10, 11, 12, 13]);

  it('reads the current and earlier bars, NaN before the first', () => {
    const cursor = new SeriesCursor(series, { double: new Float64Array([20, 22, 24, 26]) }, 's');
    cursor.moveTo(2);
    expect(cursor.symbol).toBe('A');
    expect(cursor.time).toBe(3);
    expect(cursor.length).toBe(3);
    expect(cursor.close()).toBe(12);
    expect(cursor.close(2)).toBe(10);
    expect(cursor.close(3)).toBeNaN();
    expect(cursor.indicator('double', 1)).toBe(22);
    expect(Array.from(cursor.history('close'))).toEqual([10, 11, 12]);
    expect(Array.from(cursor.indicatorHistory('double'))).toEqual([20, 22, 24]);
  });

  it('refuses to read the future', () => {
    const cursor = new SeriesCursor(series, {}, 'peeker').moveTo(1);
    expect(() => cursor.close(-1)).toThrow(LookaheadError);
    expect(() => cursor.close(-1)).toThrow('Strategy "peeker" looks ahead');
  });

  it('names the missing indicator and the ones it has', () => {
    const cursor = new SeriesCursor(series, { fast: new Float64Array(4) }, 's').moveTo(0);
    expect(() => cursor.indicator('slow')).toThrow('reads indicator "slow" but its indicators() returned only: fast');
  });
});
