import { describe, expect, it } from 'vitest';
import {
  allocateBarSeries,
  barAt,
  barSeriesFromBars,
  barSeriesFromCloses,
  markSeriesChecked,
  seriesToBars,
  seriesValueIssue,
  sliceSeriesByTime,
  truncateSeries,
} from './bars';

const day = 86_400_000;
const bars = [
  { time: 0, open: 10, high: 11, low: 9, close: 10.5, volume: 100 },
  { time: day, open: 10.5, high: 12, low: 10, close: 11.5, volume: 200 },
  { time: 2 * day, open: 11.5, high: 11.5, low: 8, close: 9, volume: 300 },
];

describe('bar series', () => {
  it('stores six float64 columns in one buffer: 48 bytes a bar', () => {
    const series = allocateBarSeries('X', 1000);
    expect(series.close.buffer.byteLength).toBe(48 * 1000);
    expect(series.time.buffer).toBe(series.volume.buffer);
  });

  it('round-trips bar objects', () => {
    const series = barSeriesFromBars('X', bars);
    expect(series.length).toBe(3);
    expect(seriesToBars(series)).toEqual(bars);
    expect(barAt(series, 1).high).toBe(12);
    expect(() => barAt(series, 3)).toThrow(RangeError);
  });

  it('builds close-only series with open = high = low = close', () => {
    const series = barSeriesFromCloses('Y', [0, day], [5, 6]);
    expect(barAt(series, 1)).toEqual({ time: day, open: 6, high: 6, low: 6, close: 6, volume: 0 });
    expect(() => barSeriesFromCloses('Y', [0], [1, 2])).toThrow(RangeError);
  });

  it('truncates with views of the same memory', () => {
    const series = barSeriesFromBars('X', bars);
    const head = truncateSeries(series, 2);
    expect(head.length).toBe(2);
    expect(Array.from(head.close)).toEqual([10.5, 11.5]);
    series.close[0] = 42;
    expect(head.close[0]).toBe(42);
    expect(truncateSeries(series, 10).length).toBe(3);
    expect(truncateSeries(series, -1).length).toBe(0);
  });

  it('slices by inclusive time bounds', () => {
    const series = barSeriesFromBars('X', bars);
    expect(Array.from(sliceSeriesByTime(series, day).time)).toEqual([day, 2 * day]);
    expect(Array.from(sliceSeriesByTime(series, undefined, day).time)).toEqual([0, day]);
    expect(sliceSeriesByTime(series, 3 * day).length).toBe(0);
  });
});

describe('seriesValueIssue', () => {
  const make = (close: number[]) => {
    const series = allocateBarSeries('A', close.length);
    close.forEach((value, i) => {
      series.time[i] = i * 86_400_000;
      series.open[i] = value;
      series.high[i] = value;
      series.low[i] = value;
      series.close[i] = value;
    });
    return series;
  };

  it('names the first price not above 0 or not finite, and a volume below 0', () => {
    expect(seriesValueIssue(make([1, 2, 3]), 0)).toBeNull();
    expect(seriesValueIssue(make([1, 0, 3]), 2)?.path).toBe('series.2.open.1');
    expect(seriesValueIssue(make([1, 2, Number.POSITIVE_INFINITY]), 0)?.path).toBe('series.0.open.2');
    const volume = make([1, 2]);
    volume.volume[1] = -1;
    expect(seriesValueIssue(volume, 0)).toEqual({ path: 'series.0.volume.1', message: 'volumes of A must be finite numbers of at least 0 (bar 1 has -1)' });
    expect(seriesValueIssue([{ close: 1 }], 0)?.path).toBe('series.0');
  });

  it('reads a series once: one found sound, or marked by a loader, and views of either, are not read again', () => {
    const sound = make([1, 2, 3]);
    expect(seriesValueIssue(sound, 0)).toBeNull();
    // Written after the check: not read again (documented).
    sound.close[1] = Number.NaN;
    expect(seriesValueIssue(sound, 0)).toBeNull();
    const marked = markSeriesChecked(make([1, Number.NaN, 3]));
    expect(seriesValueIssue(marked, 0)).toBeNull();
    expect(seriesValueIssue(sliceSeriesByTime(marked, 0), 0)).toBeNull();
    // A view of an unchecked series is read.
    expect(seriesValueIssue(truncateSeries(make([1, Number.NaN, 3]), 3), 0)?.path).toBe('series.0.open.1');
  });
});
