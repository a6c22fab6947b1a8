import type { BarColumn, BarSeries } from './bars';
import { LookaheadError } from './errors';
import type { IndicatorColumns, StrategyContext } from './strategy';
import type { AccountView, Position } from './trading';

const emptyAccount: AccountView = { cash: 0, equity: 0 };

/**
 * A reusable {@link StrategyContext} over one series: move it with {@link SeriesCursor.moveTo}
 * instead of allocating a context per bar. Engines set `account` and `position` before asking.
 */
export class SeriesCursor implements StrategyContext {
  index = -1;
  time = Number.NaN;
  account: AccountView = emptyAccount;
  position: Position | null = null;

  constructor(
    readonly series: BarSeries,
    readonly indicators: IndicatorColumns = {},
    readonly strategyId = 'strategy',
  ) {}

  get symbol(): string {
    return this.series.symbol;
  }

  get length(): number {
    return this.index + 1;
  }

  /** Points the cursor at bar `index`. */
  moveTo(index: number): this {
    this.index = index;
    this.time = this.series.time[index] ?? Number.NaN;
    return this;
  }

  private at(column: Float64Array, ago: number): number {
    if (ago < 0) {
      throw new LookaheadError(this.strategyId, `asked for a bar ${-ago} ahead of ${this.symbol} bar ${this.index}`);
    }
    const i = this.index - ago;
    return i >= 0 ? (column[i] ?? Number.NaN) : Number.NaN;
  }

  open(ago = 0): number {
    return this.at(this.series.open, ago);
  }

  high(ago = 0): number {
    return this.at(this.series.high, ago);
  }

  low(ago = 0): number {
    return this.at(this.series.low, ago);
  }

  close(ago = 0): number {
    return this.at(this.series.close, ago);
  }

  volume(ago = 0): number {
    return this.at(this.series.volume, ago);
  }

  private column(name: string): Float64Array {
    const column = this.indicators[name];
    if (column === undefined) {
      throw new RangeError(
        `Strategy "${this.strategyId}" reads indicator "${name}" but its indicators() returned only: ${Object.keys(this.indicators).join(', ') || 'none'}`,
      );
    }
    return column;
  }

  indicator(name: string, ago = 0): number {
    return this.at(this.column(name), ago);
  }

  history(column: BarColumn): Float64Array {
    return this.series[column].subarray(0, this.index + 1);
  }

  indicatorHistory(name: string): Float64Array {
    return this.column(name).subarray(0, this.index + 1);
  }
}
