import type { Logger, OrderSide } from '@ensemble/protocol';
import { noopLogger } from '@ensemble/protocol';
import type { Account } from './account';
import { AdmissionSlot } from './admit-order';
import type { CommissionModel, SlippageModel } from './costs';
import { NO_COMMISSION, NO_SLIPPAGE, slippedPrice } from './costs';
import type { ClosingTest, OrderExecutor, OrderRequest, RejectReason, TradeCosts } from './execution';
import { logFill, logOrderRejected, logOrderShrunk } from './execution';

/** Options of a {@link Broker}. */
export interface BrokerOptions {
  readonly commission?: CommissionModel;
  readonly slippage?: SlippageModel;
  /** Allow fractional units when shrinking (otherwise whole units). */
  readonly fractional?: boolean;
  /** Receives `order-shrunk` and `order-rejected` warnings and `fill` debug events. */
  readonly logger?: Logger;
}

/** Counters of a {@link Broker}: orders filled, shrunk (filled smaller) and rejected. */
export interface BrokerStats {
  readonly filled: number;
  readonly shrunk: number;
  readonly rejected: number;
  /**
   * Of the rejected orders, those refused because the position they would leave could not pay for
   * its own closing (`below-closing-costs`). Absent while there is none.
   */
  readonly belowClosingCosts?: number;
  /**
   * Of the rejected orders, the portfolio strategy's orders whose commission and slippage were at
   * least the value they traded (`below-costs`). Absent while there is none.
   */
  readonly belowCosts?: number;
}

/**
 * Order counts as {@link BrokerStats}: the counts of rejections for their costs only when there
 * were any (so that counts without them are as they were).
 */
export function orderCounts(filled: number, shrunk: number, rejected: number, belowClosingCosts: number, belowCosts: number): BrokerStats {
  return {
    filled,
    shrunk,
    rejected,
    ...(belowClosingCosts === 0 ? {} : { belowClosingCosts }),
    ...(belowCosts === 0 ? {} : { belowCosts }),
  };
}

/**
 * A result's order counts from `stats`, the orders `dropped` at the end, the fills at the
 * quantity cap (`capped`, see `cappedFillCount`) and the entries whose exit levels were reached at
 * their fill (`levelsCrossed`, see `Account.levelsCrossedAtEntry`), in the result's key order (the
 * refusals for costs, the capped fills and the crossed levels only when there were any), as the
 * engine and the orchestrator write them.
 */
export function resultOrderCounts(
  stats: BrokerStats,
  dropped: number,
  capped: number,
  levelsCrossed = 0,
): BrokerStats & { readonly dropped: number; readonly capped?: number; readonly levelsCrossed?: number } {
  const { filled, shrunk, rejected, belowClosingCosts, belowCosts } = stats;
  return {
    filled,
    shrunk,
    rejected,
    dropped,
    ...(belowClosingCosts === undefined ? {} : { belowClosingCosts }),
    ...(belowCosts === undefined ? {} : { belowCosts }),
    ...(capped === 0 ? {} : { capped }),
    ...(levelsCrossed === 0 ? {} : { levelsCrossed }),
  };
}

/**
 * The simulated market: turns an order and a reference price (open, close or stop price) into a
 * fill with slippage and commission, and books it on an {@link Account}. Cash never goes negative
 * through a purchase: the part of a buy that opens or adds to a long position shrinks to what
 * cash affords (logged as `order-shrunk`, unless the shortfall is floating-point dust), and an
 * order left with nothing is rejected (logged as `order-rejected`): the rule of `admitOrder`, which
 * the orchestrator's executor shares. Sells and the part of a buy that covers a short are never
 * shrunk: closing a position is always possible. An entry, or a portfolio strategy's order that
 * opens or adds to a position, is rejected (`below-closing-costs`) when the position it would
 * leave could not pay for its own closing (see `admitOrder`).
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
  private belowClosingCount = 0;
  private belowCostsCount = 0;
  /** Where each order is admitted (reused: admitting allocates nothing). */
  private readonly admission = new AdmissionSlot();

  constructor(options: BrokerOptions = {}) {
    this.commission = options.commission ?? NO_COMMISSION;
    this.slippage = options.slippage ?? NO_SLIPPAGE;
    this.fractional = options.fractional ?? false;
    this.logger = options.logger ?? noopLogger;
  }

  /** Orders filled, shrunk and rejected so far. */
  get stats(): BrokerStats {
    return orderCounts(this.filledCount, this.shrunkCount, this.rejectedCount, this.belowClosingCount, this.belowCostsCount);
  }

  /** Orders shrunk so far: `stats.shrunk`, read without building the counts (an executor attributing each order's outcome reads it around the call). */
  get shrunkOrders(): number {
    return this.shrunkCount;
  }

  /** The fill price of an order of `side` whose reference price is `reference` (slippage applied). */
  fillPrice(side: OrderSide, reference: number): number {
    return slippedPrice(this.slippage, side, reference);
  }

  /**
   * Executes `order` on `account` at `reference` (before slippage) on the bar at `time` (the
   * symbol's bar `barIndex`), admitted by `admitOrder`. Returns the booked fill's index in
   * `account.fillLog`, or null when the order is rejected.
   */
  execute(account: Account, order: OrderRequest, reference: number, time: number, barIndex: number): number | null {
    const admission = this.admission.admit(order, reference, account, this);
    // Read out at once: the slot is reused by the next order.
    const { quantity, price, commission, slippage, requested } = admission;
    if (admission.kind === 'reject') {
      this.reject(account, order, time, requested, admission.why, Number.isNaN(admission.cash) ? undefined : admission.cash, admission.closingTest(), admission.tradeTest());
      return null;
    }
    if (admission.shrunk) {
      this.shrunkCount++;
      const closing = admission.closingTest();
      logOrderShrunk(this.logger, {
        strategy: account.strategyId,
        symbol: account.symbols[order.symbolIndex] ?? '?',
        time,
        side: order.side,
        reason: order.reason,
        requested,
        filled: quantity,
        cash: account.cash,
        price,
        closing,
      });
    }
    const fill = account.applyFill({
      symbolIndex: order.symbolIndex,
      side: order.side,
      quantity,
      price,
      commission,
      slippage,
      time,
      barIndex,
      reason: order.reason,
      stopLoss: order.stopLoss,
      takeProfit: order.takeProfit,
    });
    this.filledCount++;
    logFill(this.logger, account, fill);
    return fill;
  }

  private reject(
    account: Account,
    order: OrderRequest,
    time: number,
    requested: number,
    why: RejectReason,
    cash: number | undefined,
    closing: ClosingTest | undefined,
    trade: TradeCosts | undefined,
  ): void {
    this.rejectedCount++;
    if (why === 'below-closing-costs') this.belowClosingCount++;
    else if (why === 'below-costs') this.belowCostsCount++;
    logOrderRejected(this.logger, {
      strategy: account.strategyId,
      symbol: account.symbols[order.symbolIndex] ?? '?',
      time,
      side: order.side,
      reason: order.reason,
      requested,
      why,
      cash,
      closing,
      trade,
    });
  }
}
