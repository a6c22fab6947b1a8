import { allocateBarSeries } from '@ensemble/protocol';
import type { BarSeries } from '@ensemble/protocol';
import { encodeText } from './bytes';

/**
 * Appends bars to one symbol's Float64Array columns, doubling the capacity when full; `finish`
 * trims to the exact length (48 bytes per bar). Also remembers the last time and line so parsers
 * can check the order of dates per symbol.
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

  constructor(symbol: string, capacity: number) {
    this.symbol = symbol;
    this.symbolBytes = encodeText(symbol);
    this.columns = allocateBarSeries(symbol, Math.max(16, capacity));
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
    this.lastTime = time;
    this.lastRow = row;
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
