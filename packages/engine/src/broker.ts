import type { Fill, FillReason, Logger, OrderSide } from '@ensemble/protocol';
import { noopLogger } from '@ensemble/protocol';
import type { Account } from './account';
import type { CommissionModel, SlippageModel } from './costs';
import { NO_COMMISSION, NO_SLIPPAGE, affordableQuantity, buyCost, commissionFor, isDust, slippedPrice } from './costs';
import type { OrderExecutor } from './strategy-runner';

/** Options of a {@link Broker}. */
export interface BrokerOptions {
  readonly commission?: CommissionModel;
  readonly slippage?: SlippageModel;
  /** Allow fractional units when shrinking (otherwise whole units). */
  readonly fractional?: boolean;
  /** Receives `order-shrunk` and `order-rejected` warnings and `fill` debug events. */
  readonly logger?: Logger;
}

/** An order to execute now: side, units and why. Stops apply to a position the order opens. */
export interface BrokerOrder {
  /** Index of the symbol in the account's `symbols`. */
  readonly symbolIndex: number;
  readonly side: OrderSide;
  /** Requested units (> 0; a non-positive quantity is rejected). */
  readonly quantity: number;
  readonly reason: FillReason;
  readonly stopLoss?: number | undefined;
  readonly takeProfit?: number | undefined;
  /**
   * An entry's signal strength (0..1) that `quantity` was sized with: for an executor that sizes
   * entries again when it settles them (the orchestrator's, after earlier fills moved the cash).
   */
  readonly strength?: number | undefined;
}

/** Counters of a {@link Broker}: orders filled, shrunk (filled smaller) and rejected. */
export interface BrokerStats {
  readonly filled: number;
  readonly shrunk: number;
  readonly rejected: number;
}

/**
 * Relative shortfall (of the requested quantity) up to which a buy that cash cannot quite pay for
 * is floating-point dust: it fills at what cash affords, silently, and is not counted as shrunk.
 */
export const SHRINK_TOLERANCE = 1e-9;

/**
 * True when a buy of `requested` units shrunk to `affordable` (> 0) misses only floating-point dust:
 * `requested − affordable ≤ SHRINK_TOLERANCE × requested` (a cost 1 ulp above the cash, e.g.
 * 26.512020587291147 units shrunk to 26.512020587291126). Shared by every executor of orders.
 */
export function isDustShortfall(requested: number, affordable: number): boolean {
  return requested - affordable <= SHRINK_TOLERANCE * requested;
}

function isoTime(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
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
 * event (an ISO date, an object) costs more than the order itself. Shared with the orchestrator.
 */
export function logOrderShrunk(logger: Logger, order: ShrunkOrder): void {
  if (logger === noopLogger) return;
  logger.warn(
    { event: 'order-shrunk', ...order, time: isoTime(order.time) },
    `order on ${order.symbol} shrunk from ${order.requested} to ${order.filled} units: cash ${order.cash} cannot pay for more`,
  );
}

/** What an `order-rejected` event says: an order that could not fill at all, and why. */
export interface RejectedOrder extends OrderEvent {
  /** `no-price`, `zero-quantity` or `insufficient-cash`. */
  readonly why: string;
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

/**
 * The simulated market: turns an order and a reference price (open, close or stop price) into a
 * fill with slippage and commission, and books it on an {@link Account}. Cash never goes negative
 * through a purchase: the part of a buy that opens or adds to a long position shrinks to what
 * cash affords (logged as `order-shrunk`, unless the shortfall is floating-point dust:
 * {@link isDustShortfall}), and an order left with nothing is rejected (logged as
 * `order-rejected`). Sells and the part of a buy that covers a short are never shrunk: closing a
 * position is always possible.
 */
export class Broker implements OrderExecutor {
  /** Commission charged on every fill. */
  readonly commission: CommissionModel;
  /** Slippage applied to every fill's reference price. */
  readonly slippage: SlippageModel;
  /** Whether shrunk orders keep fractional units. */
  readonly fractional: boolean;
  private readonly logger: Logger;
  private filledCount = 0;
  private shrunkCount = 0;
  private rejectedCount = 0;

  constructor(options: BrokerOptions = {}) {
    this.commission = options.commission ?? NO_COMMISSION;
    this.slippage = options.slippage ?? NO_SLIPPAGE;
    this.fractional = options.fractional ?? false;
    this.logger = options.logger ?? noopLogger;
  }

  /** Orders filled, shrunk and rejected so far. */
  get stats(): BrokerStats {
    return { filled: this.filledCount, shrunk: this.shrunkCount, rejected: this.rejectedCount };
  }

  /** The fill price of an order of `side` whose reference price is `reference` (slippage applied). */
  fillPrice(side: OrderSide, reference: number): number {
    return slippedPrice(this.slippage, side, reference);
  }

  /**
   * Executes `order` on `account` at `reference` (before slippage) on the bar at `time` (the
   * symbol's bar `barIndex`). Returns the booked fill, or null when the order is rejected.
   */
  execute(account: Account, order: BrokerOrder, reference: number, time: number, barIndex: number): Fill | null {
    const symbol = account.symbols[order.symbolIndex] ?? '?';
    const price = slippedPrice(this.slippage, order.side, reference);
    let quantity = order.quantity;
    if (!(quantity > 0) || !(price > 0) || (order.reason === 'entry' && isDust(quantity * price, account.equity()))) {
      this.reject(account, order, symbol, time, !(price > 0) ? 'no-price' : 'zero-quantity');
      return null;
    }
    if (order.side === 'buy') {
      const cash = account.cash;
      if (buyCost(this.commission, quantity, price) > cash) {
        const held = account.quantity[order.symbolIndex] ?? 0;
        const cover = held < 0 ? Math.min(quantity, -held) : 0;
        let affordable = Math.max(cover, Math.min(quantity, affordableQuantity(cash, price, this.commission, this.fractional)));
        // What a few ulps of cash left by an earlier "all the cash" buy afford is not a position.
        if (affordable > cover && isDust((affordable - cover) * price, account.equity())) affordable = cover;
        if (affordable < quantity) {
          if (!(affordable > 0)) {
            this.reject(account, order, symbol, time, 'insufficient-cash', cash);
            return null;
          }
          if (!isDustShortfall(quantity, affordable)) {
            this.shrunkCount++;
            logOrderShrunk(this.logger, {
              strategy: account.strategyId,
              symbol,
              time,
              side: order.side,
              reason: order.reason,
              requested: quantity,
              filled: affordable,
              cash,
              price,
            });
          }
          quantity = affordable;
        }
      }
    }
    const commission = commissionFor(this.commission, quantity, price);
    const fill = account.applyFill({
      symbolIndex: order.symbolIndex,
      side: order.side,
      quantity,
      price,
      commission,
      slippage: Math.abs(price - reference) * quantity,
      time,
      barIndex,
      reason: order.reason,
      stopLoss: order.stopLoss,
      takeProfit: order.takeProfit,
    });
    this.filledCount++;
    if (this.logger !== noopLogger) this.logger.debug({ event: 'fill', ...fill, time: isoTime(time) }, `${fill.side} ${fill.quantity} ${symbol} at ${fill.price}`);
    return fill;
  }

  private reject(account: Account, order: BrokerOrder, symbol: string, time: number, why: string, cash?: number): void {
    this.rejectedCount++;
    logOrderRejected(this.logger, {
      strategy: account.strategyId,
      symbol,
      time,
      side: order.side,
      reason: order.reason,
      requested: order.quantity,
      why,
      cash,
    });
  }
}
