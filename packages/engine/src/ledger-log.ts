import type { Fill, FillReason, OrderSide, PositionSide, Trade } from '@ensemble/protocol';

/** Every fill reason, in the order of their codes in a log. */
const REASONS: readonly FillReason[] = ['entry', 'exit', 'stop-loss', 'take-profit', 'rebalance', 'close-at-end', 'isolate', 'risk'];
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

function grown(column: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(capacity);
  next.set(column);
  return next;
}

/** Doubles per fill: time, quantity, price, commission, slippage, symbol index, code. */
const FILL_STRIDE = 7;

/**
 * The fills of one account in one column of doubles, seven per fill: a fill costs 56 bytes and
 * no object while a run books it. {@link FillLog.list} turns them into protocol {@link Fill}
 * objects on first read (and the ones booked since on later reads); the column stays the record.
 */
export class FillLog {
  private readonly strategyId: string;
  private readonly symbols: readonly string[];
  private size = 0;
  private values = new Float64Array(FILL_STRIDE * FIRST_CAPACITY);
  private readonly objects: Fill[] = [];

  constructor(strategyId: string, symbols: readonly string[]) {
    this.strategyId = strategyId;
    this.symbols = symbols;
  }

  /** Fills booked so far. */
  get length(): number {
    return this.size;
  }

  /** Appends a fill of `quantity` units of symbol `k` at `price`; returns its index. */
  push(k: number, side: OrderSide, quantity: number, price: number, commission: number, slippage: number, time: number, reason: FillReason): number {
    const i = this.size;
    const at = FILL_STRIDE * i;
    if (at === this.values.length) this.values = grown(this.values, 2 * at);
    const v = this.values;
    v[at] = time;
    v[at + 1] = quantity;
    v[at + 2] = price;
    v[at + 3] = commission;
    v[at + 4] = slippage;
    v[at + 5] = k;
    // Bit 0: a sale; the bits above: the reason's code.
    v[at + 6] = (reasonCode(reason) << 1) | (side === 'sell' ? 1 : 0);
    this.size = i + 1;
    return i;
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

  /** Fill `i` as a new protocol object. */
  at(i: number): Fill {
    if (!(i >= 0 && i < this.size)) throw new RangeError(`fill index ${i} is outside 0..${this.size - 1}`);
    const v = this.values;
    const at = FILL_STRIDE * i;
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

  /** Every fill as protocol objects, in order: one array, extended with the fills booked since the last call. */
  list(): readonly Fill[] {
    for (let i = this.objects.length; i < this.size; i++) this.objects.push(this.at(i));
    return this.objects;
  }
}

/** What {@link TradeLog.push} books: one closed round trip (`returnPct` follows from it). */
export interface ClosedTrade {
  readonly symbolIndex: number;
  readonly side: PositionSide;
  readonly quantity: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  readonly commission: number;
  readonly pnl: number;
  readonly barsHeld: number;
  readonly exitReason: FillReason;
}

/** Doubles per trade: quantity, entry time, entry price, exit time, exit price, commission, pnl, symbol index, bars held, code. */
const TRADE_STRIDE = 10;

/**
 * The closed trades of one account in one column of doubles, ten per trade, as {@link FillLog}
 * keeps fills: protocol {@link Trade} objects are made on first read.
 */
export class TradeLog {
  private readonly strategyId: string;
  private readonly symbols: readonly string[];
  private size = 0;
  private values = new Float64Array(TRADE_STRIDE * FIRST_CAPACITY);
  private readonly objects: Trade[] = [];

  constructor(strategyId: string, symbols: readonly string[]) {
    this.strategyId = strategyId;
    this.symbols = symbols;
  }

  /** Trades closed so far. */
  get length(): number {
    return this.size;
  }

  /** Appends a closed trade (its fields copied). */
  push(trade: ClosedTrade): void {
    const i = this.size;
    const at = TRADE_STRIDE * i;
    if (at === this.values.length) this.values = grown(this.values, 2 * at);
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
    this.size = i + 1;
  }

  /** Trade `i` as a new protocol object. */
  at(i: number): Trade {
    if (!(i >= 0 && i < this.size)) throw new RangeError(`trade index ${i} is outside 0..${this.size - 1}`);
    const v = this.values;
    const at = TRADE_STRIDE * i;
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

  /** Every trade as protocol objects, in order of closing: one array, extended with the trades closed since the last call. */
  list(): readonly Trade[] {
    for (let i = this.objects.length; i < this.size; i++) this.objects.push(this.at(i));
    return this.objects;
  }
}
