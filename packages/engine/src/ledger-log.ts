import type { Fill, FillReason, OrderSide, Trade } from '@ensemble/protocol';
import { FILL_REASONS } from '@ensemble/protocol';

/** Every fill reason, in the order of their codes in a log. */
const REASONS: readonly FillReason[] = FILL_REASONS;
const REASON_CODES: ReadonlyMap<FillReason, number> = new Map(REASONS.map((reason, code) => [reason, code]));

/** The first capacity of a log's columns; they double when full. */
const FIRST_CAPACITY = 16;

function reasonCode(reason: FillReason): number {
  const code = REASON_CODES.get(reason);
  if (code === undefined) throw new RangeError(`unknown fill reason ${JSON.stringify(reason)}`);
  return code;
}

function reasonOf(code: number): FillReason {
  return REASONS[code] ?? 'entry';
}

/**
 * Entries of `stride` doubles in one growable column, and their protocol objects made on read:
 * what {@link FillLog} and {@link TradeLog} share.
 */
abstract class ColumnLog<T> {
  protected readonly strategyId: string;
  protected readonly symbols: readonly string[];
  protected values: Float64Array;
  private readonly stride: number;
  private size = 0;
  private readonly objects: T[] = [];

  constructor(strategyId: string, symbols: readonly string[], stride: number) {
    this.strategyId = strategyId;
    this.symbols = symbols;
    this.stride = stride;
    this.values = new Float64Array(stride * FIRST_CAPACITY);
  }

  /** Entries booked so far. */
  get length(): number {
    return this.size;
  }

  /** Entry `i` as a new protocol object. */
  abstract at(i: number): T;

  /** Every entry as protocol objects, in order: one array, extended with the entries booked since the last call. */
  list(): readonly T[] {
    for (let i = this.objects.length; i < this.size; i++) this.objects.push(this.at(i));
    return this.objects;
  }

  /** Appends an entry: returns the offset of its doubles in `values` (growing the column when full). */
  protected append(): number {
    const at = this.stride * this.size;
    if (at === this.values.length) {
      const next = new Float64Array(2 * at);
      next.set(this.values);
      this.values = next;
    }
    this.size++;
    return at;
  }

  /** The offset of entry `i`'s doubles, or a `RangeError` naming `what` outside the log. */
  protected offset(i: number, what: string): number {
    if (!(i >= 0 && i < this.size)) throw new RangeError(`${what} index ${i} is outside 0..${this.size - 1}`);
    return this.stride * i;
  }
}

/** Doubles per fill: time, quantity, price, commission, slippage, symbol index, code. */
const FILL_STRIDE = 7;

/**
 * The fills of one account in one column of doubles, seven per fill: a fill costs 56 bytes and
 * no object while a run books it. {@link FillLog.list} turns them into protocol {@link Fill}
 * objects on first read (and the ones booked since on later reads); the column stays the record.
 */
export class FillLog extends ColumnLog<Fill> {
  constructor(strategyId: string, symbols: readonly string[]) {
    super(strategyId, symbols, FILL_STRIDE);
  }

  /** Appends a fill of `quantity` units of symbol `k` at `price`; returns its index. */
  push(k: number, side: OrderSide, quantity: number, price: number, commission: number, slippage: number, time: number, reason: FillReason): number {
    const at = this.append();
    const v = this.values;
    v[at] = time;
    v[at + 1] = quantity;
    v[at + 2] = price;
    v[at + 3] = commission;
    v[at + 4] = slippage;
    v[at + 5] = k;
    // Bit 0: a sale; the bits above: the reason's code.
    v[at + 6] = (reasonCode(reason) << 1) | (side === 'sell' ? 1 : 0);
    return at / FILL_STRIDE;
  }

  /** The symbol index of fill `i`. */
  symbolIndex(i: number): number {
    return this.values[FILL_STRIDE * i + 5] ?? -1;
  }

  /** +1 when fill `i` is a purchase, −1 a sale. */
  direction(i: number): 1 | -1 {
    return ((this.values[FILL_STRIDE * i + 6] ?? 0) & 1) === 1 ? -1 : 1;
  }

  /** The reason of fill `i`. */
  reason(i: number): FillReason {
    return reasonOf((this.values[FILL_STRIDE * i + 6] ?? 0) >> 1);
  }

  /** Units of fill `i`. */
  quantity(i: number): number {
    return this.values[FILL_STRIDE * i + 1] ?? Number.NaN;
  }

  /** Price per unit of fill `i`, slippage included. */
  price(i: number): number {
    return this.values[FILL_STRIDE * i + 2] ?? Number.NaN;
  }

  /** Commission of fill `i`. */
  commission(i: number): number {
    return this.values[FILL_STRIDE * i + 3] ?? Number.NaN;
  }

  at(i: number): Fill {
    const at = this.offset(i, 'fill');
    const v = this.values;
    return {
      strategyId: this.strategyId,
      symbol: this.symbols[v[at + 5] ?? -1] ?? '?',
      time: v[at] ?? Number.NaN,
      side: this.direction(i) === 1 ? 'buy' : 'sell',
      quantity: v[at + 1] ?? Number.NaN,
      price: v[at + 2] ?? Number.NaN,
      commission: v[at + 3] ?? Number.NaN,
      slippage: v[at + 4] ?? Number.NaN,
      reason: this.reason(i),
    };
  }
}

/** What {@link TradeLog.push} books: a closed round trip by its symbol's index (`returnPct` follows from it). */
export type ClosedTrade = Omit<Trade, 'strategyId' | 'symbol' | 'returnPct'> & { readonly symbolIndex: number };

/** Doubles per trade: quantity, entry time, entry price, exit time, exit price, commission, pnl, symbol index, bars held, code. */
const TRADE_STRIDE = 10;

/**
 * The closed trades of one account in one column of doubles, ten per trade, as {@link FillLog}
 * keeps fills: protocol {@link Trade} objects are made on first read.
 */
export class TradeLog extends ColumnLog<Trade> {
  constructor(strategyId: string, symbols: readonly string[]) {
    super(strategyId, symbols, TRADE_STRIDE);
  }

  /** Appends a closed trade (its fields copied). */
  push(trade: ClosedTrade): void {
    const at = this.append();
    const v = this.values;
    v[at] = trade.quantity;
    v[at + 1] = trade.entryTime;
    v[at + 2] = trade.entryPrice;
    v[at + 3] = trade.exitTime;
    v[at + 4] = trade.exitPrice;
    v[at + 5] = trade.commission;
    v[at + 6] = trade.pnl;
    v[at + 7] = trade.symbolIndex;
    v[at + 8] = trade.barsHeld;
    // Bit 0: a short; the bits above: the exit reason's code.
    v[at + 9] = (reasonCode(trade.exitReason) << 1) | (trade.side === 'short' ? 1 : 0);
  }

  at(i: number): Trade {
    const at = this.offset(i, 'trade');
    const v = this.values;
    const quantity = v[at] ?? Number.NaN;
    const entryPrice = v[at + 2] ?? Number.NaN;
    const pnl = v[at + 6] ?? Number.NaN;
    const code = v[at + 9] ?? 0;
    return {
      strategyId: this.strategyId,
      symbol: this.symbols[v[at + 7] ?? -1] ?? '?',
      side: (code & 1) === 1 ? 'short' : 'long',
      quantity,
      entryTime: v[at + 1] ?? Number.NaN,
      entryPrice,
      exitTime: v[at + 3] ?? Number.NaN,
      exitPrice: v[at + 4] ?? Number.NaN,
      commission: v[at + 5] ?? Number.NaN,
      pnl,
      returnPct: pnl / (quantity * entryPrice),
      barsHeld: v[at + 8] ?? 0,
      exitReason: reasonOf(code >> 1),
    };
  }
}
