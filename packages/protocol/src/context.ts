import type { BarColumn, BarSeries } from './bars';
import { BAR_COLUMNS } from './bars';
import { formatValue } from './format-value';
import { LookaheadError } from './errors';
import type { IndicatorColumns, StrategyContext } from './strategy';
import type { AccountView, Position } from './trading';

const EMPTY = new Float64Array(0);

/**
 * The state behind one context: written by its {@link SeriesCursor}, read by the context and its
 * account view, both of which keep it in a private field, so a strategy never reaches it.
 */
interface CursorState {
  index: number;
  position: Position | null;
  cash: number;
  equity: number;
}

/** An {@link AccountView} with getters only: a strategy reads it, only its cursor changes it. */
class AccountReading implements AccountView {
  readonly #state: CursorState;

  constructor(state: CursorState) {
    this.#state = state;
  }

  get cash(): number {
    return this.#state.cash;
  }

  get equity(): number {
    return this.#state.equity;
  }

  toJSON(): AccountView {
    return { cash: this.#state.cash, equity: this.#state.equity };
  }
}

/**
 * The {@link StrategyContext} a strategy is handed: every field private, no way to move it, and
 * no reference to the series beyond what its accessors show. `indicator(name)`, the hottest call
 * of a typical strategy, avoids a keyed lookup: the column last asked for is remembered (a
 * strategy mostly reads the same one bar after bar; a string literal compares by pointer), any
 * other is found by a short scan of the declared names.
 */
class BarContext implements StrategyContext {
  readonly #strategyId: string;
  readonly #symbol: string;
  readonly #time: Float64Array;
  readonly #open: Float64Array;
  readonly #high: Float64Array;
  readonly #low: Float64Array;
  readonly #close: Float64Array;
  readonly #volume: Float64Array;
  readonly #names: readonly string[];
  readonly #columns: readonly Float64Array[];
  readonly #state: CursorState;
  readonly #account: AccountReading;
  // The indicator column last found, by name (null until one is: no name matches it, not even '').
  #lastName: string | null = null;
  #lastColumn: Float64Array = EMPTY;

  constructor(series: BarSeries, indicators: IndicatorColumns, strategyId: string, state: CursorState) {
    this.#strategyId = strategyId;
    this.#state = state;
    this.#account = new AccountReading(state);
    this.#symbol = series.symbol;
    this.#time = series.time;
    this.#open = series.open;
    this.#high = series.high;
    this.#low = series.low;
    this.#close = series.close;
    this.#volume = series.volume;
    this.#names = Object.keys(indicators);
    this.#columns = this.#names.map((name) => indicators[name] ?? EMPTY);
  }

  get symbol(): string {
    return this.#symbol;
  }

  get index(): number {
    return this.#state.index;
  }

  get time(): number {
    return this.#time[this.#state.index] ?? Number.NaN;
  }

  get length(): number {
    return this.#state.index + 1;
  }

  get account(): AccountView {
    return this.#account;
  }

  get position(): Position | null {
    return this.#state.position;
  }

  #at(column: Float64Array, ago: number): number {
    const index = this.#state.index;
    // Read once: an object whose valueOf answers differently each time must not pass the check
    // with one value and index with another.
    const back = typeof ago === 'number' ? ago : Number(ago);
    if (back < 0) {
      throw new LookaheadError(this.#strategyId, `asked for a bar ${-back} ahead of ${this.#symbol} bar ${index}`);
    }
    const i = index - back;
    return i >= 0 ? (column[i] ?? Number.NaN) : Number.NaN;
  }

  open(ago = 0): number {
    return this.#at(this.#open, ago);
  }

  high(ago = 0): number {
    return this.#at(this.#high, ago);
  }

  low(ago = 0): number {
    return this.#at(this.#low, ago);
  }

  close(ago = 0): number {
    return this.#at(this.#close, ago);
  }

  volume(ago = 0): number {
    return this.#at(this.#volume, ago);
  }

  #column(name: string): Float64Array {
    if (name === this.#lastName) return this.#lastColumn;
    const names = this.#names;
    let j = 0;
    while (j < names.length && names[j] !== name) j++;
    const found = this.#columns[j];
    if (found === undefined) {
      throw new RangeError(
        `Strategy "${this.#strategyId}" reads indicator "${name}" but its indicators() returned only: ${names.join(', ') || 'none'}`,
      );
    }
    this.#lastName = name;
    this.#lastColumn = found;
    return found;
  }

  indicator(name: string, ago = 0): number {
    return this.#at(this.#column(name), ago);
  }

  history(column: BarColumn): Float64Array {
    return this.#series(column).subarray(0, this.#state.index + 1);
  }

  indicatorHistory(name: string): Float64Array {
    return this.#column(name).subarray(0, this.#state.index + 1);
  }

  #series(column: BarColumn): Float64Array {
    switch (column) {
      case 'time':
        return this.#time;
      case 'open':
        return this.#open;
      case 'high':
        return this.#high;
      case 'low':
        return this.#low;
      case 'close':
        return this.#close;
      case 'volume':
        return this.#volume;
    }
    // From JavaScript any name arrives (`history('adjClose')`): said as the indicator's is, not as a TypeError inside.
    throw new RangeError(`history(${formatValue(column)}) names no bar column: the columns are ${BAR_COLUMNS.join(', ')} (an indicator's history is indicatorHistory(name))`);
  }
}

/**
 * What an engine holds to show a strategy one series bar by bar: a {@link StrategyContext}
 * (`context`, created once) that the cursor moves with {@link SeriesCursor.moveTo} instead of
 * allocating a context per bar (moving it and setting its position and account are plain
 * stores). Strategies are handed `context` only: it has no `moveTo`, no `series` and no writable
 * field, so a strategy can neither move itself ahead nor reach the bars after the current one
 * through it. (A `history()` view's `buffer` still spans the whole column: the residual risk,
 * which `checkLookahead` detects by replaying on truncated copies.)
 */
export class SeriesCursor {
  /** The context handed to the strategy: always the same object. */
  readonly context: StrategyContext;
  /** Id of the strategy the context is for (named in its errors). */
  readonly strategyId: string;
  readonly #context: BarContext;
  // Cash and equity start as doubles (NaN, then 0): V8 then stores them unboxed.
  readonly #state: CursorState = { index: -1, position: null, cash: Number.NaN, equity: Number.NaN };

  /**
   * @param series the bars; the cursor keeps its columns, never a copy.
   * @param indicators the strategy's indicator columns (see `computeIndicators`), aligned with the bars.
   */
  constructor(series: BarSeries, indicators: IndicatorColumns = {}, strategyId = 'strategy') {
    this.#state.cash = 0;
    this.#state.equity = 0;
    this.#context = new BarContext(series, indicators, strategyId, this.#state);
    this.context = this.#context;
    this.strategyId = strategyId;
  }

  /** The series' symbol. */
  get symbol(): string {
    return this.#context.symbol;
  }

  /** The bar the context is at (-1 before the first move). */
  get index(): number {
    return this.#context.index;
  }

  /** Epoch ms of that bar (NaN before the first move). */
  get time(): number {
    return this.#context.time;
  }

  /** Points the context at bar `index` and returns it. */
  moveTo(index: number): StrategyContext {
    this.#state.index = index;
    return this.#context;
  }

  /** Sets the position the context shows (pass a frozen snapshot: the strategy sees that object). */
  setPosition(position: Position | null): void {
    this.#state.position = position;
  }

  /** Sets the account values the context shows (its `account` object is read-only to strategies). */
  setAccount(cash: number, equity: number): void {
    const state = this.#state;
    state.cash = cash;
    state.equity = equity;
  }
}
