import type { ConfigIssue } from './errors';

/** One OHLCV bar at the edges of the system (files, JSON). `time` is epoch milliseconds, UTC. */
export interface Bar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** The numeric columns of a {@link BarSeries}. */
export type BarColumn = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume';

/** The price and volume columns (every column but `time`). */
export type PriceField = Exclude<BarColumn, 'time'>;

/** Every column name, in file order. */
export const BAR_COLUMNS: readonly BarColumn[] = ['time', 'open', 'high', 'low', 'close', 'volume'];

/**
 * One symbol's bars in columns: `length` bars, each column a `Float64Array` of that length,
 * sorted by strictly increasing `time` (epoch ms, UTC). About 48 bytes per bar.
 */
export interface BarSeries {
  readonly symbol: string;
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Allocates a series of `length` zeroed bars, to be filled column by column. */
export function allocateBarSeries(symbol: string, length: number): BarSeries {
  const buffer = new ArrayBuffer(length * 6 * Float64Array.BYTES_PER_ELEMENT);
  const column = (k: number) => new Float64Array(buffer, k * length * Float64Array.BYTES_PER_ELEMENT, length);
  return {
    symbol,
    length,
    time: column(0),
    open: column(1),
    high: column(2),
    low: column(3),
    close: column(4),
    volume: column(5),
  };
}

/** Builds a columnar series from bar objects (already validated and sorted). */
export function barSeriesFromBars(symbol: string, bars: readonly Bar[]): BarSeries {
  const series = allocateBarSeries(symbol, bars.length);
  bars.forEach((bar, i) => {
    series.time[i] = bar.time;
    series.open[i] = bar.open;
    series.high[i] = bar.high;
    series.low[i] = bar.low;
    series.close[i] = bar.close;
    series.volume[i] = bar.volume;
  });
  return series;
}

/** Builds a close-only series: open = high = low = close, volume 0. */
export function barSeriesFromCloses(symbol: string, times: ArrayLike<number>, closes: ArrayLike<number>): BarSeries {
  if (times.length !== closes.length) {
    throw new RangeError(`times (${times.length}) and closes (${closes.length}) differ in length`);
  }
  const series = allocateBarSeries(symbol, times.length);
  for (let i = 0; i < times.length; i++) {
    const close = closes[i] ?? Number.NaN;
    series.time[i] = times[i] ?? Number.NaN;
    series.open[i] = close;
    series.high[i] = close;
    series.low[i] = close;
    series.close[i] = close;
  }
  return series;
}

/** The bar at `index` as an object (allocates; for edges and tests, not hot loops). */
export function barAt(series: BarSeries, index: number): Bar {
  if (!Number.isInteger(index) || index < 0 || index >= series.length) {
    throw new RangeError(`bar index ${index} is outside 0..${series.length - 1} of ${series.symbol}`);
  }
  return {
    time: series.time[index] ?? Number.NaN,
    open: series.open[index] ?? Number.NaN,
    high: series.high[index] ?? Number.NaN,
    low: series.low[index] ?? Number.NaN,
    close: series.close[index] ?? Number.NaN,
    volume: series.volume[index] ?? Number.NaN,
  };
}

/** Every bar as an object (allocates). */
export function seriesToBars(series: BarSeries): Bar[] {
  return Array.from({ length: series.length }, (_, i) => barAt(series, i));
}

/**
 * The first `length` bars as zero-copy views of the same memory: what a strategy deciding on bar
 * `length - 1` may see.
 */
export function truncateSeries(series: BarSeries, length: number): BarSeries {
  const n = Math.max(0, Math.min(series.length, Math.floor(length)));
  return viewOf(series, {
    symbol: series.symbol,
    length: n,
    time: series.time.subarray(0, n),
    open: series.open.subarray(0, n),
    high: series.high.subarray(0, n),
    low: series.low.subarray(0, n),
    close: series.close.subarray(0, n),
    volume: series.volume.subarray(0, n),
  });
}

/** `view` (of `series`' memory), known sound when `series` is (see {@link seriesValueIssue}). */
function viewOf(series: BarSeries, view: BarSeries): BarSeries {
  if (checked.has(series)) checked.add(view);
  return view;
}

/** The bars with `from <= time <= to` (either bound optional), as zero-copy views. */
export function sliceSeriesByTime(series: BarSeries, from?: number, to?: number): BarSeries {
  let start = 0;
  let end = series.length;
  if (from !== undefined) while (start < end && (series.time[start] ?? 0) < from) start++;
  if (to !== undefined) while (end > start && (series.time[end - 1] ?? 0) > to) end--;
  return viewOf(series, {
    symbol: series.symbol,
    length: end - start,
    time: series.time.subarray(start, end),
    open: series.open.subarray(start, end),
    high: series.high.subarray(start, end),
    low: series.low.subarray(start, end),
    close: series.close.subarray(start, end),
    volume: series.volume.subarray(start, end),
  });
}

/**
 * The issue of series `k` of a run's series list when one of its times is not finite or not after
 * the previous one (the first such bar, at path `series.k.time.i`), or null when its times are in
 * order. Data loaded through `@ensemble/data` never has one.
 */
export function seriesTimeIssue(series: BarSeries, k: number): ConfigIssue | null {
  const time = series.time;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < series.length; i++) {
    const t = time[i] ?? Number.NaN;
    if (!Number.isFinite(t) || !(t > previous)) {
      return {
        path: `series.${k}.time.${i}`,
        message: `times of ${series.symbol} must be finite and strictly increasing (bar ${i} is ${t}); load data through @ensemble/data`,
      };
    }
    previous = t;
  }
  return null;
}

/** The price columns a bar series holds, in the order their issues are looked for. */
const PRICE_COLUMNS = ['open', 'high', 'low', 'close'] as const;

/**
 * The issue of series `k` of a run's series list when it is not a bar series (an object with a
 * string `symbol`, a whole `length` and six `Float64Array` columns of at least that length — an
 * array of bar objects is not one), or when a price is not a finite number above 0 or a volume not
 * a finite number of at least 0 (the first such value, at path `series.k.close.i`); null when it is
 * sound. A price of 0 or NaN took an account's equity to nothing, or failed the run as an
 * overflow. Data loaded through `@ensemble/data` never has one.
 */
export function seriesValueIssue(series: unknown, k: number): ConfigIssue | null {
  const shape = seriesShapeProblem(series);
  if (shape !== null) return { path: `series.${String(k)}`, message: shape };
  const bars = series as BarSeries;
  if (checked.has(bars)) return null;
  const issue = seriesValuesProblem(bars, k);
  if (issue === null) checked.add(bars);
  return issue;
}

/**
 * Series whose values are known sound: those `@ensemble/data` built (it checks every value as it
 * reads it), those {@link seriesValueIssue} found sound, and views of either. Reading 40 MB of
 * columns again took longer than a backtest's bar loop of a million bars; a series written after
 * it was checked is not checked again.
 */
const checked = new WeakSet<BarSeries>();

/** Marks `series` as holding only sound values (see {@link seriesValueIssue}); returns it. For loaders that check every value they read. */
export function markSeriesChecked<T extends BarSeries>(series: T): T {
  checked.add(series);
  return series;
}

/** The first problem of a series' values (see {@link seriesValueIssue}), or null. */
function seriesValuesProblem(bars: BarSeries, k: number): ConfigIssue | null {
  const n = bars.length;
  for (const name of PRICE_COLUMNS) {
    const i = firstOutside(bars[name], n, Number.MIN_VALUE);
    if (i >= 0) {
      return { path: `series.${String(k)}.${name}.${String(i)}`, message: `prices of ${bars.symbol} must be finite numbers above 0 (the ${name} of bar ${String(i)} is ${String(bars[name][i])}); load data through @ensemble/data, which says where such a value comes from` };
    }
  }
  const i = firstOutside(bars.volume, n, 0);
  if (i >= 0) return { path: `series.${String(k)}.volume.${String(i)}`, message: `volumes of ${bars.symbol} must be finite numbers of at least 0 (bar ${String(i)} has ${String(bars.volume[i])})` };
  return null;
}

/**
 * The first index below `n` whose value is not a finite number of at least `least` (NaN
 * included), or -1. One small loop over a typed array, which the engine optimises at once: the
 * check runs before every backtest.
 */
function firstOutside(column: Float64Array, n: number, least: number): number {
  for (let i = 0; i < n; i++) {
    const value = column[i] ?? Number.NaN;
    if (!(value >= least && value < Number.POSITIVE_INFINITY)) return i;
  }
  return -1;
}

/** Why `series` is not a bar series, or null when it is one (see {@link seriesValueIssue}). */
function seriesShapeProblem(series: unknown): string | null {
  const expected = 'must be a bar series { symbol, length, time, open, high, low, close, volume } with Float64Array columns (loadMarketData of @ensemble/data makes them; an array of bar objects is not one)';
  if (typeof series !== 'object' || series === null || Array.isArray(series)) return `${expected}; got ${Array.isArray(series) ? 'an array' : series === null ? 'null' : typeof series}`;
  const record = series as Record<string, unknown>;
  if (typeof record.symbol !== 'string') return `${expected}; its symbol is ${typeof record.symbol}`;
  const length = record.length;
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) return `${expected}; its length is ${String(length)}`;
  for (const name of ['time', ...PRICE_COLUMNS, 'volume']) {
    const column = record[name];
    if (!(column instanceof Float64Array)) return `${expected}; its ${name} is not a Float64Array`;
    if (column.length < length) return `${expected}; its ${name} has ${String(column.length)} values for a length of ${String(length)}`;
  }
  return null;
}
