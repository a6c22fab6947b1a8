import type { FillReason, Logger, OrderSide, Position } from '@ensemble/protocol';
import { MAX_QUANTITY, isoTime, noopLogger } from '@ensemble/protocol';
import type { Account } from './account';
import { reachedLevel } from './account';
import type { SizingRule } from './sizing';
import { isCappedFill } from './quantity-cap';

/**
 * How an entry is sized at its fill, against the book then: the strategy's sizing rule and the
 * signal's strength (0..1). The executor resolves it (see `admitOrder`), so an executor that
 * settles orders later (the orchestrator's) sizes with the cash it has by then, and entries are
 * sized in one place.
 */
export interface EntrySizing {
  readonly rule: SizingRule;
  /** The signal's strength, 0..1 (1 when the signal gives none). */
  readonly strength: number;
}

/** An order to execute now: side, size and why. Stops apply to a position the order opens. */
export interface OrderRequest {
  /** Index of the symbol in the account's `symbols`. */
  readonly symbolIndex: number;
  readonly side: OrderSide;
  /**
   * Requested units (> 0; a non-positive quantity is rejected), or for an entry the sizing that
   * gives them at the fill.
   */
  readonly quantity: number | EntrySizing;
  readonly reason: FillReason;
  readonly stopLoss?: number | undefined;
  readonly takeProfit?: number | undefined;
}

/**
 * A reusable {@link OrderRequest}: a runner fills its one slot for each order it executes instead
 * of allocating a request (and an {@link EntrySizing}) per order. Only valid during the
 * `execute` call it is passed to: an executor that keeps an order copies it into a slot of its own.
 */
export class OrderSlot implements OrderRequest {
  symbolIndex = -1;
  side: OrderSide = 'buy';
  reason: FillReason = 'entry';
  stopLoss: number | undefined = undefined;
  takeProfit: number | undefined = undefined;
  /** Units of an order of a fixed size (NaN: an entry sized at the fill). */
  private units = 0;
  private readonly sizing: { rule: SizingRule; strength: number } = { rule: { kind: 'percent-of-cash', percent: 100 }, strength: 1 };

  get quantity(): number | EntrySizing {
    return Number.isNaN(this.units) ? this.sizing : this.units;
  }

  /** An order of `units` units (no stops). */
  order(symbolIndex: number, side: OrderSide, units: number, reason: FillReason): this {
    this.symbolIndex = symbolIndex;
    this.side = side;
    this.units = units;
    this.reason = reason;
    this.stopLoss = undefined;
    this.takeProfit = undefined;
    return this;
  }

  /** An entry sized at the fill by `rule` and `strength`, with its stops (NaN: none). */
  entry(symbolIndex: number, side: OrderSide, rule: SizingRule, strength: number, stopLoss: number, takeProfit: number): this {
    this.order(symbolIndex, side, Number.NaN, 'entry');
    this.sizing.rule = rule;
    this.sizing.strength = strength;
    this.stopLoss = Number.isNaN(stopLoss) ? undefined : stopLoss;
    this.takeProfit = Number.isNaN(takeProfit) ? undefined : takeProfit;
    return this;
  }

  /** A copy of `request` (its sizing too, when it has one). */
  copy(request: OrderRequest): this {
    const { quantity } = request;
    if (typeof quantity === 'number') {
      this.order(request.symbolIndex, request.side, quantity, request.reason);
    } else {
      this.order(request.symbolIndex, request.side, Number.NaN, request.reason);
      this.sizing.rule = quantity.rule;
      this.sizing.strength = quantity.strength;
    }
    this.stopLoss = request.stopLoss;
    this.takeProfit = request.takeProfit;
    return this;
  }
}

/**
 * What executes a runner's orders: the engine's `Broker`, or an orchestrator's own executor (for
 * instance one that crosses the orders of several sleeves). `execute` books the fill on `account`
 * and returns its index in `account.fillLog`, or returns null when the order is rejected (or, for
 * an executor that settles later, queued). The request may be a runner's reusable
 * {@link OrderSlot}: an executor that keeps it past the call copies it.
 */
export interface OrderExecutor {
  /**
   * Executes `order` on `account` at `reference` (the open, close or stop price, before slippage)
   * on the bar at `time` (epoch ms; the symbol's bar `barIndex`).
   */
  execute(account: Account, order: OrderRequest, reference: number, time: number, barIndex: number): number | null;
}

/**
 * Relative shortfall (of the requested quantity) up to which a buy that cash cannot quite pay for
 * is floating-point dust: it fills at what cash affords, silently, and is not counted as shrunk.
 */
export const SHRINK_TOLERANCE = 1e-9;

/**
 * True when a buy of `requested` units shrunk to `affordable` (> 0) misses only floating-point dust:
 * `requested − affordable ≤ SHRINK_TOLERANCE × requested` (a cost 1 ulp above the cash, e.g.
 * 26.512020587291147 units shrunk to 26.512020587291126).
 */
export function isDustShortfall(requested: number, affordable: number): boolean {
  return requested - affordable <= SHRINK_TOLERANCE * requested;
}

/** The fields every order event (`order-shrunk`, `order-rejected`) starts with. */
export interface OrderEvent {
  readonly strategy: string;
  readonly symbol: string;
  /** Epoch ms of the bar the order was to fill on (logged as an ISO date). */
  readonly time: number;
  readonly side: OrderSide;
  readonly reason: FillReason;
  readonly requested: number;
}

/** What an `order-shrunk` event says: a buy filled smaller than asked because cash ran short. */
export interface ShrunkOrder extends OrderEvent {
  readonly filled: number;
  readonly cash: number;
  readonly price: number;
  /**
   * Set when the order was cut to the part that closes a position on the other side because the
   * position the rest would open could not pay for its own closing (see {@link ClosingTest}), not
   * for want of cash.
   */
  readonly closing?: ClosingTest | undefined;
}

/**
 * Why a position is crumbs (`below-closing-costs`): the position an order would leave, and what
 * closing it costs at the price it is tested at — half the order's reference price for a long
 * (what it could still be sold for after a halving), the reference price for a short. The order
 * is not admitted when the costs are at least the position's worth there: its sale would raise
 * nothing, and its exit would take the costs from the account's other cash, or from nowhere.
 */
export interface ClosingTest {
  /** The position the order would leave, units (negative: a short). */
  readonly position: number;
  /** The price its closing is tested at (before slippage). */
  readonly price: number;
  /** What the position is worth at that price: |position| × price. */
  readonly worth: number;
  /** The commission and slippage of closing it at that price. */
  readonly costs: number;
}

/**
 * Logs an `order-shrunk` warning; with the silent logger it returns at once, since formatting the
 * event (an ISO date, an object) costs more than the order itself.
 */
export function logOrderShrunk(logger: Logger, order: ShrunkOrder): void {
  if (logger === noopLogger) return;
  const { closing, ...fields } = order;
  logger.warn(
    { event: 'order-shrunk', ...fields, time: isoTime(order.time), ...(closing === undefined ? {} : { closing }) },
    closing === undefined
      ? `order on ${order.symbol} shrunk from ${order.requested} to ${order.filled} units: cash ${order.cash} cannot pay for more`
      : `order on ${order.symbol} cut from ${order.requested} to the ${order.filled} units that close the position held: ${closingText(closing)}`,
  );
}

/**
 * Why an order could not fill at all: no price, nothing to fill, no cash for any of it, (an
 * entry, or a portfolio strategy's order that opens or adds to a position) a position that could
 * not pay for its own closing (see {@link ClosingTest}), or (a portfolio strategy's order) costs
 * at least the value it trades (see {@link TradeCosts}).
 */
export type RejectReason = 'no-price' | 'zero-quantity' | 'insufficient-cash' | 'below-closing-costs' | 'below-costs';

/** What a `below-costs` order would have traded at its reference price, and its commission and slippage (at least as much). */
export interface TradeCosts {
  readonly value: number;
  readonly costs: number;
}

/** What an `order-rejected` event says: an order that could not fill at all, and why. */
export interface RejectedOrder extends OrderEvent {
  readonly why: RejectReason;
  /** The cash there was, when cash was the reason (or what an entry sized to nothing was sized from: under `percent-of-cash`, the cash not held against open shorts). */
  readonly cash?: number | undefined;
  /** With `below-closing-costs`: the position the order would have left, and its closing. */
  readonly closing?: ClosingTest | undefined;
  /** With `below-costs`: what the order would have traded, and its costs. */
  readonly trade?: TradeCosts | undefined;
}

/** The words saying why a position is crumbs (see {@link ClosingTest}). */
function closingText(closing: ClosingTest): string {
  const { position, price, worth, costs } = closing;
  const side = position > 0 ? 'long' : 'short';
  const where = position > 0 ? `at half the order's price, ${String(price)},` : `at the order's price, ${String(price)},`;
  return `the ${side} of ${String(Math.abs(position))} units it would leave is worth ${String(worth)} ${where} and closing it there costs ${String(costs)} in commission and slippage: it could not pay for its own closing (against a fixed or minimum commission more capital per position helps: a larger weight, percent or cash; against a cost per unit or in percent this large, only lower costs do)`;
}

/** The words after `rejected: ` of an `order-rejected` event. */
function rejection(order: RejectedOrder): string {
  if (order.why === 'below-closing-costs' && order.closing !== undefined) return `below-closing-costs: ${closingText(order.closing)}`;
  if (order.why === 'below-costs' && order.trade !== undefined) {
    return `below-costs: it would trade ${String(order.trade.value)} for ${String(order.trade.costs)} in commission and slippage, at least what it trades (a fixed or minimum commission against a small adjustment; it is made once it is worth more than its costs)`;
  }
  if (order.why !== 'zero-quantity' || order.cash === undefined) return order.why;
  // Sized from the cash by the entry's rule: spent, or too little for one whole unit.
  return `zero-quantity: the entry sized to nothing from cash ${String(order.cash)} (spent by earlier entries or held against open shorts, or less than one whole unit; fractional units — --fractional, or "fractional": true in a run config —, a smaller percent per entry or more cash changes that)`;
}

/** Logs an `order-rejected` warning (returning at once with the silent logger, as {@link logOrderShrunk}). */
export function logOrderRejected(logger: Logger, order: RejectedOrder): void {
  if (logger === noopLogger) return;
  const { cash, closing, trade, ...fields } = order;
  logger.warn(
    {
      event: 'order-rejected',
      ...fields,
      time: isoTime(order.time),
      ...(cash === undefined ? {} : { cash }),
      ...(closing === undefined ? {} : { closing }),
      ...(trade === undefined ? {} : { trade }),
    },
    `order on ${order.symbol} rejected: ${rejection(order)}`,
  );
}

/**
 * Logs a `fill` debug event for fill `index` of `account` (returning at once with the silent
 * logger), and an `exit-level-crossed` warning when the fill opened a position whose stop-loss or
 * take-profit is already reached at its entry price (see {@link crossedExitLevel}).
 */
export function logFill(logger: Logger, account: Account, index: number): void {
  if (logger === noopLogger) return;
  const fill = account.fillLog.at(index);
  logger.debug({ event: 'fill', ...fill, time: isoTime(fill.time) }, `${fill.side} ${fill.quantity} ${fill.symbol} at ${fill.price}`);
  const k = account.fillLog.symbolIndex(index);
  if (isCappedFill(fill.reason, fill.side === 'buy' ? 1 : -1, fill.quantity, account.quantity[k] ?? 0)) {
    logger.warn(
      { event: 'order-capped', strategy: fill.strategyId, symbol: fill.symbol, time: isoTime(fill.time), side: fill.side, reason: fill.reason, filled: fill.quantity, price: fill.price, cap: MAX_QUANTITY },
      `order on ${fill.symbol} filled at the quantity cap, ${String(MAX_QUANTITY)} units (2^53 − 1, the most whole units the engine sizes an order to), worth ${String(fill.quantity * fill.price)} at ${String(fill.price)}: its sizing may have asked for more; quote prices this small per million units, or trade fractional units, which are not capped`,
    );
  }
  const position = fill.reason === 'entry' ? account.position(k) : null;
  if (position?.entryTime !== fill.time) return;
  const crossed = crossedExitLevel(position, fill.price);
  if (crossed === null) return;
  const which = crossed.level === 'stopLoss' ? 'stop-loss' : 'take-profit';
  const side = crossed.level === 'stopLoss' ? (position.side === 'long' ? 'below' : 'above') : position.side === 'long' ? 'above' : 'below';
  logger.warn(
    { event: 'exit-level-crossed', strategy: fill.strategyId, symbol: fill.symbol, time: isoTime(fill.time), side: position.side, exitLevel: which, price: crossed.price, entryPrice: fill.price },
    `the ${which} ${crossed.price} of the ${position.side} on ${fill.symbol} is already reached at its entry price ${fill.price}: the position is likely to exit at the first check of its levels, paying costs both ways (a ${position.side}'s ${which} goes ${side} the price)`,
  );
}

/**
 * The exit level of `position` already reached at `price` — a long's stop-loss at or above it or
 * take-profit at or below it, the reverse for a short — or null. Such a position exits at the
 * first check of its levels: at once, or at the next bar's open.
 */
export function crossedExitLevel(position: Position, price: number): { level: 'stopLoss' | 'takeProfit'; price: number } | null {
  const stopLoss = position.stopLoss ?? Number.NaN;
  const takeProfit = position.takeProfit ?? Number.NaN;
  const level = reachedLevel(position.side === 'long', stopLoss, takeProfit, price);
  return level === null ? null : { level, price: level === 'stopLoss' ? stopLoss : takeProfit };
}
