import type { Fill, FillReason, OrderSide, Position, PositionSide, Trade } from '@ensemble/protocol';
import { bookEquity } from './admit-order';
import { FillLog, TradeLog } from './ledger-log';

/** An open position marked to market: the protocol {@link Position} plus its current value. */
export interface OpenPosition extends Position {
  /** The price it is marked at: the symbol's latest close. */
  readonly markPrice: number;
  /** Signed market value, quantity × mark price × (+1 long, −1 short). */
  readonly marketValue: number;
  /** q × (mark − entry) × side − the entry commission still attributed to the position. */
  readonly unrealizedPnl: number;
  /** The symbol's last marked bar index minus its entry bar index. */
  readonly barsHeld: number;
}

/** A fill to book on an {@link Account}: the price already includes slippage. */
export interface AccountFill {
  /** Index of the symbol in the account's `symbols`. */
  readonly symbolIndex: number;
  readonly side: OrderSide;
  /** Units traded, > 0. */
  readonly quantity: number;
  /** Fill price per unit, slippage included. */
  readonly price: number;
  /** Commission in currency, charged on top of q × p. */
  readonly commission: number;
  /** Slippage cost in currency (|price − reference| × quantity), for reporting only. */
  readonly slippage: number;
  /** Epoch ms of the bar the fill happens on. */
  readonly time: number;
  /** The symbol's bar index at the fill (for `barsHeld`). */
  readonly barIndex: number;
  readonly reason: FillReason;
  /** Stop-loss of a position this fill opens (ignored when it adds to or reduces one). */
  readonly stopLoss?: number | undefined;
  /** Take-profit of a position this fill opens (ignored when it adds to or reduces one). */
  readonly takeProfit?: number | undefined;
}

/** Options of an {@link Account}. */
export interface AccountOptions {
  /** Id written on every fill and trade. */
  readonly strategyId: string;
  /** The symbols the account may hold, in a fixed order: positions are indexed by it. */
  readonly symbols: readonly string[];
  /** Starting cash, in currency. */
  readonly cash: number;
}

/**
 * The ledger of one strategy (or one orchestrator sleeve): cash, one position per symbol, every
 * fill and every closed trade. Positions are kept in columns indexed by symbol (signed quantity:
 * negative = short) so that marking and valuing them allocates nothing; objects are created only
 * when a fill is booked. Equity is `cash + Σ quantity × mark price`.
 *
 * Cash flows: a buy of q at p pays q·p + commission; a sell receives q·p − commission. Adding to
 * a position averages its entry price; reducing it closes a {@link Trade} for the reduced
 * quantity with the entry commission pro rata; a fill larger than the position flips it.
 */
export class Account {
  /** Written on every fill and trade. */
  readonly strategyId: string;
  /** The symbols positions are indexed by. */
  readonly symbols: readonly string[];
  /** Cash at construction, in currency. */
  readonly initialCash: number;
  /** Signed quantity per symbol (negative = short). Read-only for callers. */
  readonly quantity: Float64Array;
  /** Latest mark price per symbol (0 before the first mark). Read-only for callers. */
  readonly markPrice: Float64Array;
  /** Latest marked bar index per symbol (-1 before the first mark). */
  readonly markBar: Int32Array;
  /** Stop-loss per symbol, NaN when none. Read-only for callers. */
  readonly stopLoss: Float64Array;
  /** Take-profit per symbol, NaN when none. Read-only for callers. */
  readonly takeProfit: Float64Array;
  /** Every fill booked, in order, in columns (see {@link Account.fills} for objects). */
  readonly fillLog: FillLog;
  /** Every closed round trip, in order of closing, in columns (see {@link Account.trades} for objects). */
  readonly tradeLog: TradeLog;
  // Money fields start as a double (NaN until the constructor sets them), not `undefined` or a
  // small integer: V8 then keeps each one as an unboxed double for the life of the object, so
  // reading cash on every bar costs a load and changing it allocates nothing.
  private cashBalance = Number.NaN;
  private levels = 0;
  /** Entries whose exit level was reached at their fill price: see {@link Account.levelsCrossedAtEntry}. */
  private crossed = 0;
  private commissionPaid = 0;
  private slippagePaid = 0;
  private deposited = 0;
  private depositedGross = 0;
  /** How many positions are short: see {@link Account.shortPositions}. */
  private shorts = 0;
  private readonly entryPrice: Float64Array;
  private readonly entryTime: Float64Array;
  private readonly entryCommission: Float64Array;
  private readonly entryBar: Int32Array;
  private readonly positions: (Position | null)[];
  private readonly indexBySymbol: ReadonlyMap<string, number>;

  constructor(options: AccountOptions) {
    const n = options.symbols.length;
    this.strategyId = options.strategyId;
    this.symbols = Object.freeze([...options.symbols]);
    this.initialCash = options.cash;
    this.cashBalance = options.cash;
    this.quantity = new Float64Array(n);
    this.markPrice = new Float64Array(n);
    this.markBar = new Int32Array(n).fill(-1);
    this.stopLoss = new Float64Array(n).fill(Number.NaN);
    this.takeProfit = new Float64Array(n).fill(Number.NaN);
    this.entryPrice = new Float64Array(n);
    this.entryTime = new Float64Array(n);
    this.entryCommission = new Float64Array(n);
    this.entryBar = new Int32Array(n);
    this.positions = Array.from({ length: n }, () => null);
    this.indexBySymbol = new Map(this.symbols.map((symbol, k) => [symbol, k]));
    this.fillLog = new FillLog(this.strategyId, this.symbols);
    this.tradeLog = new TradeLog(this.strategyId, this.symbols);
  }

  /**
   * Every fill booked, in order, as protocol objects: made from {@link Account.fillLog} on first
   * read (the same array afterwards, extended with later fills). Code that runs every bar reads
   * the log's columns instead.
   */
  get fills(): readonly Fill[] {
    return this.fillLog.list();
  }

  /** Every closed round trip, in order of closing, as protocol objects (made from {@link Account.tradeLog} as `fills` is). */
  get trades(): readonly Trade[] {
    return this.tradeLog.list();
  }

  /** Cash in currency (negative only after a short is covered at a loss larger than cash). */
  get cash(): number {
    return this.cashBalance;
  }

  /** Σ commission of every fill, in currency. */
  get totalCommission(): number {
    return this.commissionPaid;
  }

  /** Σ slippage cost of every fill, in currency. */
  get totalSlippage(): number {
    return this.slippagePaid;
  }

  /** Number of open positions with a stop-loss or take-profit level (0: nothing to watch). */
  get exitLevels(): number {
    return this.levels;
  }

  /**
   * Entries (fills of reason `entry` that opened a position) whose stop-loss or take-profit was
   * already reached at their fill price — a long's stop-loss at or above it or take-profit at or
   * below it, the reverse for a short: such a position exits at the first check of its levels,
   * paying costs both ways (usually a level written on the wrong side of the price).
   */
  get levelsCrossedAtEntry(): number {
    return this.crossed;
  }

  /** Cash moved in and out with {@link Account.deposit}, both counted as positive: the scale of the capital that passed through. */
  get grossDeposits(): number {
    return this.depositedGross;
  }

  /** Net cash moved in (+) or out (−) with {@link Account.deposit}. */
  get netDeposits(): number {
    return this.deposited;
  }

  /** The index of `symbol` in `symbols`, or -1. */
  symbolIndex(symbol: string): number {
    return this.indexBySymbol.get(symbol) ?? -1;
  }

  /**
   * The open position on symbol `k`, or null when flat: a frozen snapshot, created when a fill or
   * a change of exit levels changes the position (the same object until then), so it can be
   * handed to a strategy as it is — its fields are copies, never the ledger.
   */
  position(k: number): Position | null {
    return this.positions[k] ?? null;
  }

  /** Records the price symbol `k` is worth now (its close) and the bar index it came from. */
  mark(k: number, price: number, barIndex: number): void {
    this.markPrice[k] = price;
    this.markBar[k] = barIndex;
  }

  /** Cash plus Σ quantity × mark price: the account's value at its latest marks. */
  equity(): number {
    return bookEquity(this);
  }

  /** Σ |quantity × mark price|: the gross market value of open positions. */
  grossExposure(): number {
    let gross = 0;
    const quantity = this.quantity;
    const mark = this.markPrice;
    for (let k = 0; k < quantity.length; k++) {
      const q = quantity[k] ?? 0;
      if (q !== 0) gross += Math.abs(q * (mark[k] ?? 0));
    }
    return gross;
  }

  /** Adds `amount` of cash (negative withdraws): how an orchestrator moves capital between sleeves. */
  deposit(amount: number): void {
    this.cashBalance += amount;
    this.deposited += amount;
    this.depositedGross += Math.abs(amount);
  }

  /** Sets or clears (NaN) the stop-loss and take-profit of the open position on symbol `k`. */
  setExitPrices(k: number, stopLoss: number, takeProfit: number): void {
    this.stopLoss[k] = stopLoss;
    this.takeProfit[k] = takeProfit;
    this.refreshPosition(k);
  }

  /**
   * Books `fill`: moves cash, updates the position, appends the fill to {@link Account.fillLog}
   * and, when the fill reduces or flips a position, the closed trade to {@link Account.tradeLog}.
   * Returns the fill's index in the log (`fillLog.at(index)` is the protocol {@link Fill}).
   */
  applyFill(fill: AccountFill): number {
    const k = fill.symbolIndex;
    const symbol = this.symbols[k];
    if (symbol === undefined) throw new RangeError(`symbol index ${k} is outside 0..${this.symbols.length - 1}`);
    const { quantity: q, price, commission } = fill;
    const sign = fill.side === 'buy' ? 1 : -1;
    this.cashBalance += fill.side === 'buy' ? -(q * price + commission) : q * price - commission;
    this.commissionPaid += commission;
    this.slippagePaid += fill.slippage;
    const booked = this.fillLog.push(k, fill.side, q, price, commission, fill.slippage, fill.time, fill.reason);

    const current = this.quantity[k] ?? 0;
    if (current < 0) this.shorts--;
    if (current === 0 || Math.sign(current) === sign) {
      const held = Math.abs(current);
      if (held === 0) {
        this.entryPrice[k] = price;
        this.entryCommission[k] = commission;
        this.openAt(k, fill);
      } else {
        this.entryPrice[k] = (held * (this.entryPrice[k] ?? 0) + q * price) / (held + q);
        this.entryCommission[k] = (this.entryCommission[k] ?? 0) + commission;
      }
      this.quantity[k] = current + sign * q;
    } else {
      const held = Math.abs(current);
      const closed = Math.min(q, held);
      const exitCommission = closed === q ? commission : (commission * closed) / q;
      const entryCommissionShare = closed === held ? (this.entryCommission[k] ?? 0) : ((this.entryCommission[k] ?? 0) * closed) / held;
      const side: PositionSide = current > 0 ? 'long' : 'short';
      const entryPrice = this.entryPrice[k] ?? 0;
      const tradeCommission = entryCommissionShare + exitCommission;
      const pnl = closed * (price - entryPrice) * (side === 'long' ? 1 : -1) - tradeCommission;
      this.tradeLog.push({
        symbolIndex: k,
        side,
        quantity: closed,
        entryTime: this.entryTime[k] ?? 0,
        entryPrice,
        exitTime: fill.time,
        exitPrice: price,
        commission: tradeCommission,
        pnl,
        barsHeld: fill.barIndex - (this.entryBar[k] ?? 0),
        exitReason: fill.reason,
      });
      this.entryCommission[k] = (this.entryCommission[k] ?? 0) - entryCommissionShare;
      const opened = q - closed;
      if (closed < held) {
        this.quantity[k] = current + sign * q;
      } else if (opened > 0) {
        this.quantity[k] = sign * opened;
        this.entryPrice[k] = price;
        this.entryCommission[k] = commission - exitCommission;
        this.openAt(k, fill);
      } else {
        this.quantity[k] = 0;
        this.entryPrice[k] = 0;
        this.entryCommission[k] = 0;
        this.stopLoss[k] = Number.NaN;
        this.takeProfit[k] = Number.NaN;
      }
    }
    if ((this.quantity[k] ?? 0) < 0) this.shorts++;
    this.refreshPosition(k);
    return booked;
  }

  /**
   * How many of the account's positions are short. With none, and cash of zero or more, the
   * account cannot be worth less than zero at any price.
   */
  get shortPositions(): number {
    return this.shorts;
  }

  /** Every open position marked at its latest mark price, in symbol order. */
  openPositions(): OpenPosition[] {
    const out: OpenPosition[] = [];
    for (let k = 0; k < this.symbols.length; k++) {
      const position = this.positions[k];
      if (position === null || position === undefined) continue;
      const markPrice = this.markPrice[k] ?? 0;
      const direction = position.side === 'long' ? 1 : -1;
      out.push({
        ...position,
        markPrice,
        marketValue: direction * position.quantity * markPrice,
        unrealizedPnl: position.quantity * (markPrice - position.entryPrice) * direction - position.entryCommission,
        barsHeld: (this.markBar[k] ?? 0) - (this.entryBar[k] ?? 0),
      });
    }
    return out;
  }

  private openAt(k: number, fill: AccountFill): void {
    this.entryTime[k] = fill.time;
    this.entryBar[k] = fill.barIndex;
    const stopLoss = fill.stopLoss ?? Number.NaN;
    const takeProfit = fill.takeProfit ?? Number.NaN;
    this.stopLoss[k] = stopLoss;
    this.takeProfit[k] = takeProfit;
    if (fill.reason === 'entry' && reachedLevel(fill.side === 'buy', stopLoss, takeProfit, fill.price) !== null) this.crossed++;
  }

  private refreshPosition(k: number): void {
    const quantity = this.quantity[k] ?? 0;
    const symbol = this.symbols[k];
    const before = this.positions[k];
    if (before !== null && before !== undefined && (before.stopLoss !== undefined || before.takeProfit !== undefined)) this.levels--;
    if (quantity === 0 || symbol === undefined) {
      this.positions[k] = null;
      return;
    }
    const stopLoss = this.stopLoss[k] ?? Number.NaN;
    const takeProfit = this.takeProfit[k] ?? Number.NaN;
    const position: { -readonly [K in keyof Position]: Position[K] } = {
      strategyId: this.strategyId,
      symbol,
      side: quantity > 0 ? 'long' : 'short',
      quantity: Math.abs(quantity),
      entryPrice: this.entryPrice[k] ?? 0,
      entryTime: this.entryTime[k] ?? 0,
      entryCommission: this.entryCommission[k] ?? 0,
    };
    if (!Number.isNaN(stopLoss)) position.stopLoss = stopLoss;
    if (!Number.isNaN(takeProfit)) position.takeProfit = takeProfit;
    if (position.stopLoss !== undefined || position.takeProfit !== undefined) this.levels++;
    this.positions[k] = Object.freeze(position);
  }
}

/**
 * The exit level already reached at `price` by a position (`long` or short) with these levels (NaN
 * for none) — a long's stop-loss at or above it or take-profit at or below it, the reverse for a
 * short — or null. Such a position exits at the first check of its levels.
 */
export function reachedLevel(long: boolean, stopLoss: number, takeProfit: number, price: number): 'stopLoss' | 'takeProfit' | null {
  if (long ? stopLoss >= price : stopLoss <= price) return 'stopLoss';
  if (long ? takeProfit <= price : takeProfit >= price) return 'takeProfit';
  return null;
}
