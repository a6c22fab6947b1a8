import type { Fill, FillReason, Logger, OrderSide } from '@ensemble/protocol';
import { isoTime, noopLogger } from '@ensemble/protocol';
import type { Account } from './account';
import type { SizingRule } from './sizing';

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
 * What executes a runner's orders: the engine's `Broker`, or an orchestrator's own executor (for
 * instance one that crosses the orders of several sleeves). `execute` books the fill on `account`
 * and returns it, or returns null when the order is rejected (or, for an executor that settles
 * later, queued).
 */
export interface OrderExecutor {
  /**
   * Executes `order` on `account` at `reference` (the open, close or stop price, before slippage)
   * on the bar at `time` (epoch ms; the symbol's bar `barIndex`).
   */
  execute(account: Account, order: OrderRequest, reference: number, time: number, barIndex: number): Fill | null;
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
}

/**
 * Logs an `order-shrunk` warning; with the silent logger it returns at once, since formatting the
 * event (an ISO date, an object) costs more than the order itself.
 */
export function logOrderShrunk(logger: Logger, order: ShrunkOrder): void {
  if (logger === noopLogger) return;
  logger.warn(
    { event: 'order-shrunk', ...order, time: isoTime(order.time) },
    `order on ${order.symbol} shrunk from ${order.requested} to ${order.filled} units: cash ${order.cash} cannot pay for more`,
  );
}

/** Why an order could not fill at all. */
export type RejectReason = 'no-price' | 'zero-quantity' | 'insufficient-cash';

/** What an `order-rejected` event says: an order that could not fill at all, and why. */
export interface RejectedOrder extends OrderEvent {
  readonly why: RejectReason;
  /** The cash there was, when cash was the reason. */
  readonly cash?: number | undefined;
}

/** Logs an `order-rejected` warning (returning at once with the silent logger, as {@link logOrderShrunk}). */
export function logOrderRejected(logger: Logger, order: RejectedOrder): void {
  if (logger === noopLogger) return;
  const { cash, ...fields } = order;
  logger.warn(
    { event: 'order-rejected', ...fields, time: isoTime(order.time), ...(cash === undefined ? {} : { cash }) },
    `order on ${order.symbol} rejected: ${order.why}`,
  );
}

/** Logs a `fill` debug event (returning at once with the silent logger). */
export function logFill(logger: Logger, fill: Fill): void {
  if (logger === noopLogger) return;
  logger.debug({ event: 'fill', ...fill, time: isoTime(fill.time) }, `${fill.side} ${fill.quantity} ${fill.symbol} at ${fill.price}`);
}
