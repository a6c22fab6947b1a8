import { allocateBarSeries } from '@ensemble/protocol';
import type { BarSeries } from '@ensemble/protocol';
import { encodeText } from './bytes';

/** A date that two rows of one symbol share, found by {@link SeriesBuilder.sortByTime}. */
export interface DuplicateTime {
  readonly time: number;
  /** Lines (or JSON elements) of the first and the second row with that time. */
  readonly firstRow: number;
  readonly secondRow: number;
}

/**
 * Appends bars to one symbol's Float64Array columns, doubling the capacity when full; `finish`
 * trims to the exact length (48 bytes per bar). Also remembers the last time and line so parsers
 * can check the order of dates per symbol. A builder made with `unordered` (the loaders' `sort`
 * option) accepts bars in any order — `lastTime` stays -Infinity, so every order check passes —
 * records each bar's line, and is put in date order by {@link SeriesBuilder.sortByTime}.
 */
export class SeriesBuilder {
  readonly symbol: string;
  /** UTF-8 bytes of `symbol`, to recognise it in the input without decoding. */
  readonly symbolBytes: Uint8Array;
  length = 0;
  /** Time of the last bar appended (epoch ms), -Infinity before the first. */
  lastTime = Number.NEGATIVE_INFINITY;
  /** Line (or JSON element) of the last bar appended. */
  lastRow = 0;
  private columns: BarSeries;
  /** Line of every bar, kept only when the builder is `unordered`. */
  private readonly rows: number[] | undefined;

  constructor(symbol: string, capacity: number, unordered = false) {
    this.symbol = symbol;
    this.symbolBytes = encodeText(symbol);
    this.columns = allocateBarSeries(symbol, Math.max(16, capacity));
    this.rows = unordered ? [] : undefined;
  }

  /** Records `time` on line `row` as the last one seen, for order checks (not in an unordered builder). */
  markRow(time: number, row: number): void {
    if (this.rows !== undefined) return;
    this.lastTime = time;
    this.lastRow = row;
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number, row: number): void {
    let columns = this.columns;
    const i = this.length;
    if (i === columns.length) columns = this.grow();
    columns.time[i] = time;
    columns.open[i] = open;
    columns.high[i] = high;
    columns.low[i] = low;
    columns.close[i] = close;
    columns.volume[i] = volume;
    this.length = i + 1;
    if (this.rows === undefined) {
      this.lastTime = time;
      this.lastRow = row;
    } else {
      this.rows.push(row);
    }
  }

  /**
   * Puts the bars of an `unordered` builder in ascending date order (stable: rows of one date keep
   * their file order) and returns whether they were in strictly descending order before (newest
   * first) and every date that two rows share, with both lines. A no-op on an ordered builder.
   */
  sortByTime(): { readonly descending: boolean; readonly duplicates: readonly DuplicateTime[] } {
    const rows = this.rows;
    const n = this.length;
    const time = this.columns.time;
    if (rows === undefined) return { descending: false, duplicates: [] };
    let descending = n > 1;
    for (let i = 1; i < n && descending; i++) descending = (time[i] ?? 0) < (time[i - 1] ?? 0);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (time[a] ?? 0) - (time[b] ?? 0) || a - b);
    const sorted = allocateBarSeries(this.symbol, Math.max(16, n));
    const from = this.columns;
    const duplicates: DuplicateTime[] = [];
    const sortedRows: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = order[k] ?? 0;
      sorted.time[k] = from.time[i] ?? 0;
      sorted.open[k] = from.open[i] ?? 0;
      sorted.high[k] = from.high[i] ?? 0;
      sorted.low[k] = from.low[i] ?? 0;
      sorted.close[k] = from.close[i] ?? 0;
      sorted.volume[k] = from.volume[i] ?? 0;
      sortedRows.push(rows[i] ?? 0);
      if (k > 0 && sorted.time[k] === sorted.time[k - 1]) {
        duplicates.push({ time: sorted.time[k] ?? 0, firstRow: sortedRows[k - 1] ?? 0, secondRow: rows[i] ?? 0 });
      }
    }
    this.columns = sorted;
    for (let k = 0; k < n; k++) rows[k] = sortedRows[k] ?? 0;
    return { descending, duplicates };
  }

  /** The bars appended so far, in columns of exactly `length`. */
  finish(): BarSeries {
    const columns = this.columns;
    if (columns.length === this.length) return columns;
    return copyColumns(columns, allocateBarSeries(this.symbol, this.length), this.length);
  }

  private grow(): BarSeries {
    const bigger = copyColumns(this.columns, allocateBarSeries(this.symbol, this.columns.length * 2), this.length);
    this.columns = bigger;
    return bigger;
  }
}

function copyColumns(from: BarSeries, to: BarSeries, length: number): BarSeries {
  to.time.set(from.time.subarray(0, length));
  to.open.set(from.open.subarray(0, length));
  to.high.set(from.high.subarray(0, length));
  to.low.set(from.low.subarray(0, length));
  to.close.set(from.close.subarray(0, length));
  to.volume.set(from.volume.subarray(0, length));
  return to;
}
