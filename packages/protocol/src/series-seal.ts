import type { BarColumn, BarSeries } from './bars';
import { BAR_COLUMNS } from './bars';
import { StrategyError } from './errors';
import { formatValue } from './format-value';
import { barTime } from './time';

/** A value of an input series that changed while it was sealed. */
export interface SeriesChange {
  readonly symbol: string;
  readonly column: BarColumn;
  /** Bar index of the first changed value in that column. */
  readonly index: number;
  readonly before: number;
  readonly after: number;
  /** The time of that bar as sealed (the copy's, so a write to the time column does not move it). */
  readonly time: number;
}

/** The 32-bit words of a column: compared word by word, a change is caught bit for bit (NaN and -0 included). */
function wordsOf(column: Float64Array): Uint32Array {
  return new Uint32Array(column.buffer, column.byteOffset, column.length * 2);
}

/**
 * A copy of every column of some series, taken when it is created, to prove afterwards that
 * nobody wrote to them (a strategy can reach a column through a `history()` view's `buffer`).
 * Costs one copy of the data; engines take one only when asked to check invariants.
 */
export class SeriesSeal {
  readonly #series: readonly BarSeries[];
  readonly #copies: readonly Float64Array[][];

  constructor(series: readonly BarSeries[]) {
    this.#series = [...series];
    this.#copies = this.#series.map((s) => BAR_COLUMNS.map((name) => s[name].slice()));
  }

  /** The first value that differs, bit for bit, from its copy (in series, column, bar order), or null. */
  firstChange(): SeriesChange | null {
    const series = this.#series;
    for (let s = 0; s < series.length; s++) {
      const current = series[s];
      const copies = this.#copies[s];
      if (current === undefined || copies === undefined) continue;
      for (let c = 0; c < BAR_COLUMNS.length; c++) {
        const name = BAR_COLUMNS[c] ?? 'time';
        const column = current[name];
        const copy = copies[c] ?? column;
        const now = wordsOf(column);
        const then = wordsOf(copy);
        let w = 0;
        while (w < now.length && now[w] === then[w]) w++;
        if (w < now.length || column.length !== copy.length) {
          const index = w >> 1;
          const time = copies[BAR_COLUMNS.indexOf('time')]?.[index] ?? Number.NaN;
          return { symbol: current.symbol, column: name, index, before: copy[index] ?? Number.NaN, after: column[index] ?? Number.NaN, time };
        }
      }
    }
    return null;
  }

  /** Writes every copied value back into its column: the series are as they were when sealed. */
  restore(): void {
    this.#series.forEach((s, i) => {
      BAR_COLUMNS.forEach((name, c) => {
        const copy = this.#copies[i]?.[c];
        if (copy?.length === s[name].length) s[name].set(copy);
      });
    });
  }

  /**
   * Throws a {@link StrategyError} if a value changed, naming `strategyId(symbol)` — the strategy
   * that could have written to the changed series — and the first changed bar.
   */
  verify(strategyId: (symbol: string) => string): void {
    const change = this.firstChange();
    if (change === null) return;
    // The bar written is named by its date in the message: the error's own time would be the bar being decided.
    const bar = Number.isFinite(change.time) ? ` (the bar of ${barTime(change.time)})` : '';
    throw new StrategyError(strategyId(change.symbol), {
      symbol: change.symbol,
      cause: change,
      message: `changed its input data: ${change.column}[${change.index}] of ${change.symbol}${bar} was ${formatValue(change.before)} and is now ${formatValue(change.after)}. Bars are read-only: never write to a ctx.history() or ctx.indicatorHistory() view or to its buffer`,
    });
  }
}

/** Whether `error` is the one {@link SeriesSeal.verify} throws: a strategy wrote to its data (the change is its cause). */
export function isDataWriteError(error: unknown): error is StrategyError & { readonly cause: SeriesChange } {
  if (!StrategyError.isInstance(error)) return false;
  const cause: unknown = error.cause;
  return typeof cause === 'object' && cause !== null && 'column' in cause && 'before' in cause && 'after' in cause && 'index' in cause;
}
