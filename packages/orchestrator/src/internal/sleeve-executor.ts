import type { Account, BrokerOrder, CommissionModel, OrderExecutor, SizingRule, SlippageModel } from '@ensemble/engine';
import {
  Broker,
  affordableQuantity,
  buyCost,
  commissionFor,
  entryQuantity,
  isDust,
  isDustShortfall,
  logOrderRejected,
  logOrderShrunk,
  slippedPrice,
} from '@ensemble/engine';
import type { Fill, FillReason, Logger, OrderSide } from '@ensemble/protocol';
import { noopLogger } from '@ensemble/protocol';

/** What the executor needs to know of a sleeve. */
export interface SleeveBinding {
  readonly id: string;
  readonly account: Account;
  readonly logger: Logger;
  /** Entry sizing of the sleeve's signal strategy. */
  readonly sizing: SizingRule;
  /** Index of each sleeve symbol in the run's symbol list. */
  readonly globalIndex: Int32Array;
  /** True when orders of this sleeve are collected and crossed; false: booked at once. */
  readonly crossing: boolean;
}

/** Totals of what internal crossing saved. */
export interface CrossingTotals {
  /** Units that did not reach the market: Σ over crossings of min(bought, sold). */
  crossedQuantity: number;
  /** Traded value kept off the market: Σ (bought + sold − net) × reference price, currency. */
  savedTurnover: number;
  /** Commission the sleeves would have paid trading alone minus what the net order paid, currency. */
  savedCommission: number;
  /** Slippage the sleeves would have paid trading alone minus the net order's, currency. */
  savedSlippage: number;
  /** Symbol-bars on which opposite orders were crossed. */
  crossings: number;
}

interface QueuedOrder {
  readonly sleeve: number;
  readonly symbolIndex: number;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly reason: FillReason;
  readonly stopLoss: number | undefined;
  readonly takeProfit: number | undefined;
  /** An entry's signal strength, 0..1. */
  readonly strength: number;
  readonly reference: number;
  readonly time: number;
  readonly barIndex: number;
}

interface PlannedFill {
  readonly sleeve: number;
  readonly symbolIndex: number;
  readonly global: number;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly reference: number;
  price: number;
  commission: number;
  slippage: number;
  readonly reason: FillReason;
  readonly stopLoss: number | undefined;
  readonly takeProfit: number | undefined;
  readonly time: number;
  readonly barIndex: number;
}

/**
 * What Account.equity() would value `account` at with `cash` and `held` (its quantities after the
 * fills planned so far, in the first `account.symbols.length` slots).
 */
function valueAfter(account: Account, cash: number, held: Float64Array): number {
  let equity = cash;
  const mark = account.markPrice;
  for (let j = 0; j < mark.length; j++) {
    const q = held[j] ?? 0;
    if (q !== 0) equity += q * (mark[j] ?? 0);
  }
  return equity;
}

function isoTime(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}

/**
 * The orchestrator's `OrderExecutor` for sleeves. Outside a collection window (stops,
 * close-at-end) and for sleeves that share no symbol it is the engine's `Broker`. Inside a fill
 * phase ({@link SleeveExecutor.begin} … {@link SleeveExecutor.settle}) the orders of crossing
 * sleeves are collected, then:
 *
 * 1. **Sizing as if alone.** Each sleeve's orders are replayed in the order its runner gave
 *    them (sells and exits first, then entries and buys) against its own cash, exactly as the
 *    `Broker` would book them: entries sized by the sleeve's rule at the standalone fill price
 *    (slippage applied), buys shrunk to what cash affords (silently when the shortfall is
 *    floating-point dust, `isDustShortfall`), empty orders and entries worth only cash dust
 *    (`isDust`) rejected.
 * 2. **Crossing.** Per symbol, opposite quantities of different sleeves are matched: the matched
 *    side fills at the reference price with no slippage and no commission; only the net quantity
 *    goes to the market, at the slipped price, paying commission on the net; that slippage and
 *    commission are shared by the sleeves on the net side pro rata to their quantities.
 * 3. **Booking.** Every fill is booked on its sleeve with the crossed price and commission.
 *
 * Quantities never depend on crossing and every sleeve pays at most what it would have paid
 * alone, so a buy that cash afforded alone is affordable crossed, and positions, P&L before costs
 * and every decision are the same as without crossing: only costs fall.
 */
export class SleeveExecutor implements OrderExecutor {
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
  readonly fractional: boolean;
  /** What crossing saved so far. */
  readonly totals: CrossingTotals = { crossedQuantity: 0, savedTurnover: 0, savedCommission: 0, savedSlippage: 0, crossings: 0 };
  private readonly broker: Broker;
  private readonly sleeves: readonly SleeveBinding[];
  private readonly sleeveOf = new Map<Account, number>();
  private readonly logger: Logger;
  private readonly queue: QueuedOrder[] = [];
  /** Scratch for {@link SleeveExecutor.plan}: a sleeve's quantities as its planned fills change them. */
  private readonly held: Float64Array;
  private collecting = false;
  private shrunkCount = 0;
  private rejectedCount = 0;
  private filledCount = 0;

  constructor(options: {
    readonly commission: CommissionModel;
    readonly slippage: SlippageModel;
    readonly fractional: boolean;
    readonly sleeves: readonly SleeveBinding[];
    readonly logger: Logger;
  }) {
    this.commission = options.commission;
    this.slippage = options.slippage;
    this.fractional = options.fractional;
    this.sleeves = options.sleeves;
    this.logger = options.logger;
    this.broker = new Broker({ commission: options.commission, slippage: options.slippage, fractional: options.fractional, logger: options.logger });
    options.sleeves.forEach((sleeve, s) => this.sleeveOf.set(sleeve.account, s));
    this.held = new Float64Array(options.sleeves.reduce((most, sleeve) => Math.max(most, sleeve.account.symbols.length), 0));
  }

  /** Orders filled, shrunk and rejected so far, over every sleeve. */
  get stats(): { filled: number; shrunk: number; rejected: number } {
    const broker = this.broker.stats;
    return {
      filled: broker.filled + this.filledCount,
      shrunk: broker.shrunk + this.shrunkCount,
      rejected: broker.rejected + this.rejectedCount,
    };
  }

  fillPrice(side: OrderSide, reference: number): number {
    return slippedPrice(this.slippage, side, reference);
  }

  execute(account: Account, order: BrokerOrder, reference: number, time: number, barIndex: number): Fill | null {
    const s = this.sleeveOf.get(account);
    if (!this.collecting || s === undefined || this.sleeves[s]?.crossing !== true) {
      return this.broker.execute(account, order, reference, time, barIndex);
    }
    this.queue.push({
      sleeve: s,
      symbolIndex: order.symbolIndex,
      side: order.side,
      quantity: order.quantity,
      reason: order.reason,
      stopLoss: order.stopLoss,
      takeProfit: order.takeProfit,
      strength: order.strength ?? 1,
      reference,
      time,
      barIndex,
    });
    return null;
  }

  /** Opens a fill phase: orders of crossing sleeves are collected until {@link SleeveExecutor.settle}. */
  begin(): void {
    this.collecting = true;
  }

  /** Closes the fill phase: sizes, crosses and books every collected order (see the class). */
  settle(): void {
    this.collecting = false;
    const queue = this.queue;
    if (queue.length === 0) return;
    const planned = this.plan(queue);
    queue.length = 0;
    if (planned.length === 0) return;
    this.cross(planned);
    for (const fill of planned) this.book(fill);
  }

  private plan(queue: readonly QueuedOrder[]): PlannedFill[] {
    const planned: PlannedFill[] = [];
    let current = -1;
    let cash = 0;
    // One scratch column for every sleeve's turn (re-read from its account when its turn starts):
    // a typed array allocated per order cost more than the rest of planning it.
    const held = this.held;
    for (const order of queue) {
      const sleeve = this.sleeves[order.sleeve];
      if (sleeve === undefined) continue;
      const account = sleeve.account;
      if (order.sleeve !== current) {
        current = order.sleeve;
        cash = account.cash;
        held.set(account.quantity);
      }
      const k = order.symbolIndex;
      const price = slippedPrice(this.slippage, order.side, order.reference);
      let quantity = order.quantity;
      if (order.reason === 'entry') {
        quantity = entryQuantity(sleeve.sizing, {
          cash,
          equity: sleeve.sizing.kind === 'percent-of-equity' ? valueAfter(account, cash, held) : 0,
          price,
          commission: this.commission,
          strength: order.strength,
          fractional: this.fractional,
        });
      }
      const symbol = account.symbols[k] ?? '?';
      if (!(quantity > 0) || !(price > 0) || (order.reason === 'entry' && isDust(quantity * price, valueAfter(account, cash, held)))) {
        this.reject(sleeve, order, quantity, symbol, !(price > 0) ? 'no-price' : 'zero-quantity');
        continue;
      }
      if (order.side === 'buy' && buyCost(this.commission, quantity, price) > cash) {
        const position = held[k] ?? 0;
        const cover = position < 0 ? Math.min(quantity, -position) : 0;
        let affordable = Math.max(cover, Math.min(quantity, affordableQuantity(cash, price, this.commission, this.fractional)));
        // As the engine's broker: what a few ulps of cash left by an earlier buy afford is not a position.
        if (affordable > cover && isDust((affordable - cover) * price, valueAfter(account, cash, held))) affordable = cover;
        if (affordable < quantity) {
          if (!(affordable > 0)) {
            this.reject(sleeve, order, quantity, symbol, 'insufficient-cash', cash);
            continue;
          }
          if (!isDustShortfall(quantity, affordable)) {
            this.shrunkCount++;
            logOrderShrunk(this.logger, {
              strategy: sleeve.id,
              symbol,
              time: order.time,
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
      const commission = commissionFor(this.commission, quantity, price);
      cash += order.side === 'buy' ? -(quantity * price + commission) : quantity * price - commission;
      held[k] = (held[k] ?? 0) + (order.side === 'buy' ? quantity : -quantity);
      planned.push({
        sleeve: order.sleeve,
        symbolIndex: k,
        global: sleeve.globalIndex[k] ?? -1,
        side: order.side,
        quantity,
        reference: order.reference,
        price,
        commission,
        slippage: Math.abs(price - order.reference) * quantity,
        reason: order.reason,
        stopLoss: order.stopLoss,
        takeProfit: order.takeProfit,
        time: order.time,
        barIndex: order.barIndex,
      });
    }
    return planned;
  }

  private cross(planned: PlannedFill[]): void {
    if (planned.length < 2) return;
    const bySymbol = new Map<number, PlannedFill[]>();
    for (const fill of planned) {
      const list = bySymbol.get(fill.global);
      if (list === undefined) bySymbol.set(fill.global, [fill]);
      else list.push(fill);
    }
    for (const fills of bySymbol.values()) {
      if (fills.length < 2) continue;
      let bought = 0;
      let sold = 0;
      const reference = fills[0]?.reference ?? Number.NaN;
      let sameReference = true;
      for (const fill of fills) {
        if (fill.side === 'buy') bought += fill.quantity;
        else sold += fill.quantity;
        if (fill.reference !== reference) sameReference = false;
      }
      if (bought === 0 || sold === 0 || !sameReference || !(reference > 0)) continue;
      const netSide: OrderSide = bought >= sold ? 'buy' : 'sell';
      const net = Math.abs(bought - sold);
      const major = netSide === 'buy' ? bought : sold;
      const marketPrice = slippedPrice(this.slippage, netSide, reference);
      const perUnitSlippage = Math.abs(marketPrice - reference);
      const marketCommission = net > 0 ? commissionFor(this.commission, net, marketPrice) : 0;
      let aloneCommission = 0;
      let aloneSlippage = 0;
      const details: { strategy: string; side: OrderSide; quantity: number; price: number; commission: number }[] = [];
      for (const fill of fills) {
        aloneCommission += fill.commission;
        aloneSlippage += fill.slippage;
        if (fill.side === netSide && net > 0) {
          const share = fill.quantity / major;
          const slip = (perUnitSlippage * net) / major;
          fill.price = netSide === 'buy' ? reference + slip : reference - slip;
          fill.slippage = perUnitSlippage * net * share;
          fill.commission = marketCommission * share;
        } else {
          fill.price = reference;
          fill.slippage = 0;
          fill.commission = 0;
        }
        details.push({
          strategy: this.sleeves[fill.sleeve]?.id ?? '?',
          side: fill.side,
          quantity: fill.quantity,
          price: fill.price,
          commission: fill.commission,
        });
      }
      const crossed = Math.min(bought, sold);
      const totals = this.totals;
      totals.crossedQuantity += crossed;
      totals.savedTurnover += (bought + sold - net) * reference;
      totals.savedCommission += aloneCommission - marketCommission;
      totals.savedSlippage += aloneSlippage - perUnitSlippage * net;
      totals.crossings++;
      const first = fills[0];
      if (first !== undefined && this.logger !== noopLogger) {
        const symbol = this.sleeves[first.sleeve]?.account.symbols[first.symbolIndex] ?? '?';
        this.logger.info(
          {
            event: 'orders-crossed',
            symbol,
            time: isoTime(first.time),
            reference,
            bought,
            sold,
            crossed,
            net,
            netSide: net > 0 ? netSide : null,
            savedCommission: aloneCommission - marketCommission,
            savedSlippage: aloneSlippage - perUnitSlippage * net,
            fills: details,
          },
          `crossed ${crossed} ${symbol} between sleeves; ${net} to the market`,
        );
      }
    }
  }

  private book(fill: PlannedFill): void {
    const sleeve = this.sleeves[fill.sleeve];
    if (sleeve === undefined) return;
    const booked = sleeve.account.applyFill({
      symbolIndex: fill.symbolIndex,
      side: fill.side,
      quantity: fill.quantity,
      price: fill.price,
      commission: fill.commission,
      slippage: fill.slippage,
      time: fill.time,
      barIndex: fill.barIndex,
      reason: fill.reason,
      stopLoss: fill.stopLoss,
      takeProfit: fill.takeProfit,
    });
    this.filledCount++;
    if (sleeve.logger !== noopLogger) {
      sleeve.logger.debug({ event: 'fill', ...booked, time: isoTime(fill.time) }, `${booked.side} ${booked.quantity} ${booked.symbol} at ${booked.price}`);
    }
  }

  private reject(sleeve: SleeveBinding, order: QueuedOrder, requested: number, symbol: string, why: string, cash?: number): void {
    this.rejectedCount++;
    logOrderRejected(this.logger, { strategy: sleeve.id, symbol, time: order.time, side: order.side, reason: order.reason, requested, why, cash });
  }
}
