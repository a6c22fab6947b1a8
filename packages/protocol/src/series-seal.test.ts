import { describe, expect, it } from 'vitest';
import { allocateBarSeries, barSeriesFromCloses } from './bars';
import { StrategyError } from './errors';
import { SeriesSeal } from './series-seal';

describe('SeriesSeal', () => {
  it('finds nothing when nothing was written', () => {
    const series = [barSeriesFromCloses('A', [1, 2, 3], [10, Number.NaN, 12]), barSeriesFromCloses('B', [1, 2], [5, 6])];
    const seal = new SeriesSeal(series);
    expect(seal.firstChange()).toBeNull();
    expect(() => {
      seal.verify(() => 'x');
    }).not.toThrow();
  });

  it('finds a write made through any view of the buffer, naming column, bar and values', () => {
    const series = barSeriesFromCloses('A', [1, 2, 3, 4], [10, 11, 12, 13]);
    const seal = new SeriesSeal([series]);
    // allocateBarSeries puts the six columns in one buffer: close's view reaches open.
    const all = new Float64Array(series.close.subarray(0, 1).buffer);
    all[4 + 2] = 1; // open[2]
    expect(seal.firstChange()).toEqual({ symbol: 'A', column: 'open', index: 2, before: 12, after: 1, time: 3 });
    // A write to the time column itself: the bar's time as sealed, not the one written.
    series.open[2] = 12;
    series.time[1] = 99;
    expect(seal.firstChange()).toEqual({ symbol: 'A', column: 'time', index: 1, before: 2, after: 99, time: 2 });
  });

  it('restore puts every written value back, bit for bit', () => {
    const series = barSeriesFromCloses('A', [1, 2, 3], [10, Number.NaN, 12]);
    const seal = new SeriesSeal([series]);
    series.close[0] = 99;
    series.open[2] = -0;
    series.close[1] = 5;
    seal.restore();
    expect(seal.firstChange()).toBeNull();
    expect(Array.from(series.close)).toEqual([10, Number.NaN, 12]);
  });

  it('compares bit for bit: -0 over 0 and one NaN over another count as changes', () => {
    const series = allocateBarSeries('Z', 2);
    const seal = new SeriesSeal([series]);
    series.volume[1] = -0;
    expect(seal.firstChange()).toMatchObject({ column: 'volume', index: 1 });
    series.volume[1] = 0;
    expect(seal.firstChange()).toBeNull();
    series.close[0] = Number.NaN;
    const nan = new SeriesSeal([series]);
    const words = new Uint32Array(series.close.buffer, series.close.byteOffset, 2);
    words[0] = (words[0] ?? 0) ^ 1; // another NaN payload
    expect(Number.isNaN(series.close[0])).toBe(true);
    expect(nan.firstChange()).toMatchObject({ column: 'close', index: 0 });
  });

  it('verify throws a StrategyError naming the strategy the callback picks for the symbol', () => {
    const series = [barSeriesFromCloses('A', [1], [10]), barSeriesFromCloses('B', [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)], [5, 6])];
    const seal = new SeriesSeal(series);
    const b = series[1];
    if (b !== undefined) b.high[1] = Number.NaN;
    let thrown: unknown = null;
    try {
      seal.verify((symbol) => `owner-of-${symbol}`);
    } catch (error) {
      thrown = error;
    }
    expect(StrategyError.isInstance(thrown)).toBe(true);
    expect((thrown as StrategyError).strategyId).toBe('owner-of-B');
    expect((thrown as StrategyError).symbol).toBe('B');
    expect((thrown as StrategyError).message).toBe(
      'Strategy "owner-of-B" failed on B: changed its input data: high[1] of B (the bar of 2024-01-02) was 6 and is now NaN. Bars are read-only: never write to a ctx.history() or ctx.indicatorHistory() view or to its buffer',
    );
  });
});
