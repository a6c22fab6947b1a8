import type { Account, AccountFill, CommissionModel, OrderExecutor, OrderRequest, SizingRule, SlippageModel } from '@ensemble/engine';
import { Broker, commissionFor, logOrderRejected, logOrderShrunk, slippedPrice } from '@ensemble/engine';
import type { BrokerStats } from '@ensemble/engine';
import type { BookState } from '@ensemble/engine/internal';
import { AdmissionSlot, OrderSlot, logFill, orderCounts } from '@ensemble/engine/internal';
import type { Logger, OrderSide } from '@ensemble/protocol';
import { isoTime, noopLogger } from '@ensemble/protocol';

/** What the executor needs to know of a sleeve. */
export interface SleeveBinding {
  readonly id: string;
  readonly account: Account;
  readonly logger: Logger;
  /** Entry sizing of the sleeve's signal strategy (its runner's; entries reach the executor sized by it). */
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

/** An order collected in a fill phase (slots are reused from phase to phase). */
interface QueuedOrder {
  sleeve: number;
  /** The slot's own copy of the order: a runner's request is only valid during `execute`. */
  readonly order: OrderSlot;
  reference: number;
  time: number;
  barIndex: number;
}

/** A sleeve's book as the fills planned so far leave it: what its next order is admitted against. */
class PlannedBook implements BookState {
  cash = 0;
  /** The sleeve's quantities (in its first `markPrice.length` slots), one column for every sleeve. */
  readonly quantity: Float64Array;
  markPrice: Float64Array = new Float64Array(0);

  constructor(size: number) {
    this.quantity = new Float64Array(size);
  }

  /** Starts from `account` as it stands. */
  reset(account: Account): void {
    this.cash = account.cash;
    this.quantity.set(account.quantity);
    this.markPrice = account.markPrice;
  }
}

/**
 * A fill planned in a window: the account fill it books (prices and costs set by crossing), its
 * sleeve and symbol. Slots are reused from window to window (the account copies what it keeps).
 */
class PlannedFill implements AccountFill {
  sleeve = 0;
  /** The symbol's index in the run's symbol list (what crossing matches on). */
  global = 0;
  symbolIndex = 0;
  side: OrderSide = 'buy';
  quantity = 0;
  /** The fill's reference price before slippage. */
  reference = 0;
  price = 0;
  commission = 0;
  slippage = 0;
  reason: AccountFill['reason'] = 'entry';
  stopLoss: number | undefined = undefined;
  takeProfit: number | undefined = undefined;
  time = 0;
  barIndex = 0;
}

/**
 * The orchestrator's `OrderExecutor` for sleeves. Outside a collection window (stops,
 * close-at-end) and for sleeves that share no symbol it is the engine's `Broker`. Inside a fill
 * phase ({@link SleeveExecutor.begin} … {@link SleeveExecutor.settle}) the orders of crossing
 * sleeves are collected, then:
 *
 * 1. **Sizing as if alone.** Each sleeve's orders are replayed in the order its runner gave
 *    them (sells and exits first, then entries and buys) against its own cash, exactly as the
 *    `Broker` would book them: admitted by the engine's `admitOrder` against the sleeve's cash and
 *    quantities as its earlier planned fills leave them (entries sized at the standalone fill
 *    price, buys shrunk to what cash affords, empty and dust orders rejected).
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
  /** Slots of the orders collected in this fill phase: the first {@link SleeveExecutor.queued} are in use. */
  private readonly queue: QueuedOrder[] = [];
  private queued = 0;
  /** Slots of the fills planned in this window (as many in use as `plan` returned). */
  private readonly fills: PlannedFill[] = [];
  /** Where each order is admitted (reused). */
  private readonly admission = new AdmissionSlot();
  /** Scratch of {@link SleeveExecutor.cross}: the planned fills by symbol (lists emptied after use, kept). */
  private readonly bySymbol = new Map<number, PlannedFill[]>();
  /** Scratch of {@link SleeveExecutor.cross}: the symbols of the window in the order of their first fill. */
  private readonly crossOrder: number[] = [];
  /** Scratch for {@link SleeveExecutor.plan}: a sleeve's book as its planned fills change it. */
  private readonly planBook: PlannedBook;
  private collecting = false;
  private shrunkCount = 0;
  private rejectedCount = 0;
  private belowClosingCount = 0;
  private belowCostsCount = 0;
  private filledCount = 0;
  /** Per sleeve (in the order of `sleeves`), its orders shrunk so far. */
  private readonly shrunkBy: Int32Array;
  /** Per sleeve, its orders rejected so far. */
  private readonly rejectedBy: Int32Array;

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
    this.shrunkBy = new Int32Array(options.sleeves.length);
    this.rejectedBy = new Int32Array(options.sleeves.length);
    this.planBook = new PlannedBook(options.sleeves.reduce((most, sleeve) => Math.max(most, sleeve.account.symbols.length), 0));
  }

  /** Orders filled, shrunk and rejected so far, over every sleeve, and those refused for their closing costs. */
  get stats(): BrokerStats {
    const broker = this.broker.stats;
    return orderCounts(
      broker.filled + this.filledCount,
      broker.shrunk + this.shrunkCount,
      broker.rejected + this.rejectedCount,
      (broker.belowClosingCosts ?? 0) + this.belowClosingCount,
      (broker.belowCosts ?? 0) + this.belowCostsCount,
    );
  }

  /** Sleeve `s`'s orders shrunk and rejected so far (`s` in the order of the sleeves given). */
  sleeveStats(s: number): { readonly shrunk: number; readonly rejected: number } {
    return { shrunk: this.shrunkBy[s] ?? 0, rejected: this.rejectedBy[s] ?? 0 };
  }

  execute(account: Account, order: OrderRequest, reference: number, time: number, barIndex: number): number | null {
    const s = this.sleeveOf.get(account);
    if (!this.collecting || s === undefined || this.sleeves[s]?.crossing !== true) {
      const broker = this.broker;
      const shrunk = broker.shrunkOrders;
      const fill = broker.execute(account, order, reference, time, barIndex);
      if (s !== undefined) {
        if (fill === null) this.rejectedBy[s] = (this.rejectedBy[s] ?? 0) + 1;
        else if (broker.shrunkOrders !== shrunk) this.shrunkBy[s] = (this.shrunkBy[s] ?? 0) + 1;
      }
      return fill;
    }
    let slot = this.queue[this.queued];
    if (slot === undefined) {
      slot = { sleeve: s, order: new OrderSlot().copy(order), reference, time, barIndex };
      this.queue.push(slot);
    } else {
      slot.sleeve = s;
      slot.order.copy(order);
      slot.reference = reference;
      slot.time = time;
      slot.barIndex = barIndex;
    }
    this.queued++;
    return null;
  }

  /** Opens a fill phase: orders of crossing sleeves are collected until {@link SleeveExecutor.settle}. */
  begin(): void {
    this.collecting = true;
  }

  /** Closes the fill phase: sizes, crosses and books every collected order (see the class). */
  settle(): void {
    this.collecting = false;
    const count = this.queued;
    if (count === 0) return;
    this.queued = 0;
    const planned = this.plan(count);
    if (planned === 0) return;
    const fills = this.fills;
    this.cross(planned);
    for (let f = 0; f < planned; f++) {
      const fill = fills[f];
      if (fill !== undefined) this.book(fill);
    }
  }

  /** Plans the first `count` queued orders into fill slots; returns how many fills. */
  private plan(count: number): number {
    const { queue, fills } = this;
    let planned = 0;
    let current = -1;
    // One scratch book for every sleeve's turn (re-read from its account when its turn starts):
    // a typed array allocated per order cost more than the rest of planning it.
    const book = this.planBook;
    for (let q = 0; q < count; q++) {
      const queued = queue[q];
      if (queued === undefined) continue;
      const sleeve = this.sleeves[queued.sleeve];
      if (sleeve === undefined) continue;
      const account = sleeve.account;
      if (queued.sleeve !== current) {
        current = queued.sleeve;
        book.reset(account);
      }
      const { order } = queued;
      const k = order.symbolIndex;
      const admission = this.admission.admit(order, queued.reference, book, this);
      if (admission.kind === 'reject') {
        this.reject(sleeve, queued, admission);
        continue;
      }
      const { quantity, price, commission, slippage } = admission;
      if (admission.shrunk) {
        this.shrunkCount++;
        this.shrunkBy[queued.sleeve] = (this.shrunkBy[queued.sleeve] ?? 0) + 1;
        const closing = admission.closingTest();
        logOrderShrunk(this.logger, {
          strategy: sleeve.id,
          symbol: account.symbols[k] ?? '?',
          time: queued.time,
          side: order.side,
          reason: order.reason,
          requested: admission.requested,
          filled: quantity,
          cash: book.cash,
          price,
          closing,
        });
      }
      book.cash += order.side === 'buy' ? -(quantity * price + commission) : quantity * price - commission;
      book.quantity[k] = (book.quantity[k] ?? 0) + (order.side === 'buy' ? quantity : -quantity);
      let fill = fills[planned];
      if (fill === undefined) {
        fill = new PlannedFill();
        fills.push(fill);
      }
      planned++;
      fill.sleeve = queued.sleeve;
      fill.symbolIndex = k;
      fill.global = sleeve.globalIndex[k] ?? -1;
      fill.side = order.side;
      fill.quantity = quantity;
      fill.reference = queued.reference;
      fill.price = price;
      fill.commission = commission;
      fill.slippage = slippage;
      fill.reason = order.reason;
      fill.stopLoss = order.stopLoss;
      fill.takeProfit = order.takeProfit;
      fill.time = queued.time;
      fill.barIndex = queued.barIndex;
    }
    return planned;
  }

  /** Crosses the first `count` planned fills (see the class). */
  private cross(count: number): void {
    if (count < 2) return;
    const { bySymbol, crossOrder } = this;
    crossOrder.length = 0;
    for (let f = 0; f < count; f++) {
      const fill = this.fills[f];
      if (fill === undefined) continue;
      let list = bySymbol.get(fill.global);
      if (list === undefined) {
        list = [];
        bySymbol.set(fill.global, list);
      }
      if (list.length === 0) crossOrder.push(fill.global);
      list.push(fill);
    }
    // Symbols in the order of their first fill in this window (as totals add up and events log).
    for (const global of crossOrder) {
      const fills = bySymbol.get(global) ?? [];
      this.crossSymbol(fills);
      fills.length = 0;
    }
  }

  /** Crosses the planned fills of one symbol (see the class). */
  private crossSymbol(fills: readonly PlannedFill[]): void {
    if (fills.length < 2) return;
    let bought = 0;
    let sold = 0;
    const reference = fills[0]?.reference ?? Number.NaN;
    let sameReference = true;
    for (const fill of fills) {
      if (fill.side === 'buy') bought += fill.quantity;
      else sold += fill.quantity;
      if (fill.reference !== reference) sameReference = false;
    }
    if (bought === 0 || sold === 0 || !sameReference || !(reference > 0)) return;
    const netSide: OrderSide = bought >= sold ? 'buy' : 'sell';
    const net = Math.abs(bought - sold);
    const major = netSide === 'buy' ? bought : sold;
    const marketPrice = slippedPrice(this.slippage, netSide, reference);
    const perUnitSlippage = Math.abs(marketPrice - reference);
    const marketCommission = net > 0 ? commissionFor(this.commission, net, marketPrice) : 0;
    let aloneCommission = 0;
    let aloneSlippage = 0;
    const logged = this.logger !== noopLogger;
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
      if (logged) details.push({
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
    if (first !== undefined && logged) {
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

  private book(fill: PlannedFill): void {
    const sleeve = this.sleeves[fill.sleeve];
    if (sleeve === undefined) return;
    // A planned fill is an `AccountFill` (the account copies what it keeps).
    const booked = sleeve.account.applyFill(fill);
    this.filledCount++;
    logFill(sleeve.logger, sleeve.account, booked);
  }

  private reject(sleeve: SleeveBinding, queued: QueuedOrder, admission: AdmissionSlot): void {
    this.rejectedCount++;
    this.rejectedBy[queued.sleeve] = (this.rejectedBy[queued.sleeve] ?? 0) + 1;
    const { why, requested } = admission;
    if (why === 'below-closing-costs') this.belowClosingCount++;
    else if (why === 'below-costs') this.belowCostsCount++;
    const { order } = queued;
    const symbol = sleeve.account.symbols[order.symbolIndex] ?? '?';
    const cash = Number.isNaN(admission.cash) ? undefined : admission.cash;
    logOrderRejected(this.logger, { strategy: sleeve.id, symbol, time: queued.time, side: order.side, reason: order.reason, requested, why, cash, closing: admission.closingTest(), trade: admission.tradeTest() });
  }
}
