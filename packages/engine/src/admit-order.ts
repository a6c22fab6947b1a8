import type { CommissionModel, SlippageModel } from './costs';
import { affordableQuantity, buyCost, commissionFor, isDust, slippedPrice } from './costs';
import type { ClosingTest, OrderRequest, RejectReason, TradeCosts } from './execution';
import { isDustShortfall } from './execution';
import { entryQuantity } from './sizing';

/**
 * The book an order is admitted against: cash and quantities (per symbol of the account) as they
 * stand when the order fills, and the latest mark prices. An `Account` is one; an executor that
 * plans several fills before booking them passes its planned cash and quantities.
 */
export interface BookState {
  readonly cash: number;
  readonly quantity: ArrayLike<number>;
  readonly markPrice: ArrayLike<number>;
}

/** The cost models an executor fills with, and whether quantities may be fractional. */
export interface ExecutionCosts {
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
  /** Allow fractional units when sizing and shrinking (otherwise whole units). */
  readonly fractional: boolean;
}

/** An admitted order: what fills, at what price and costs. */
export interface AdmittedFill {
  readonly kind: 'fill';
  /** Units that fill (the requested ones, or fewer when cash ran short). */
  readonly quantity: number;
  /** Fill price, slippage applied. */
  readonly price: number;
  /** Commission on the fill, currency. */
  readonly commission: number;
  /** Slippage cost, |price − reference| × quantity, currency. */
  readonly slippage: number;
  /** Units asked for (an entry's after sizing). */
  readonly requested: number;
  /** True when cash cut the buy short by more than floating-point dust: an `order-shrunk` event. */
  readonly shrunk: boolean;
  /** Set when the order was cut to the part that closes a position, the rest failing the closing test. */
  readonly closing?: ClosingTest;
}

/** A rejected order and why. */
export interface RejectedAdmission {
  readonly kind: 'reject';
  readonly why: RejectReason;
  /** Units asked for (an entry's after sizing). */
  readonly requested: number;
  /** The cash there was, when cash was the reason. */
  readonly cash: number | undefined;
  /** With `below-closing-costs`: the position the order would have left, and its closing. */
  readonly closing?: ClosingTest;
  /** With `below-costs`: what the order would have traded, and its costs. */
  readonly trade?: TradeCosts;
}

/** What {@link admitOrder} decides. */
export type Admission = AdmittedFill | RejectedAdmission;

/**
 * Cash plus Σ quantity × mark price over the symbols of `book` (the mark columns' length): the
 * value of the book at its latest marks. `Account.equity()` is this of the account.
 */
export function bookEquity(book: BookState): number {
  let equity = book.cash;
  const quantity = book.quantity;
  const mark = book.markPrice;
  for (let k = 0; k < mark.length; k++) {
    const q = quantity[k] ?? 0;
    if (q !== 0) equity += q * (mark[k] ?? 0);
  }
  return equity;
}

/**
 * The cash of `book` not held against its shorts: `cash − 2 × Σ |short quantity| × mark`, which is
 * also `equity − gross exposure`. A short sale's proceeds are cash the position owes back, and
 * the short ties up as much again as a long of its value would have spent, so an entry sized from
 * this amount spends the same share of the book whether earlier entries went long or short.
 * Without shorts it is the cash, exactly.
 */
export function freeCash(book: BookState): number {
  let held = 0;
  const quantity = book.quantity;
  const mark = book.markPrice;
  for (let k = 0; k < mark.length; k++) {
    const q = quantity[k] ?? 0;
    if (q < 0) held -= q * (mark[k] ?? 0);
  }
  return held === 0 ? book.cash : book.cash - 2 * held;
}

/**
 * Cash a sale of `units` at `reference` (before slippage) brings in, net of slippage and
 * commission: `units × p − commission(units, p)` with `p` the slipped sell price.
 */
export function saleProceeds(costs: Omit<ExecutionCosts, 'fractional'>, units: number, reference: number): number {
  const price = slippedPrice(costs.slippage, 'sell', reference);
  return units * price - commissionFor(costs.commission, units, price);
}

/**
 * A reusable holder of {@link admitOrderInto}'s decision: an executor keeps one and has every order
 * admitted into it, so admitting allocates nothing (its number fields are updated in place).
 * Valid until the next admission into it.
 */
export class AdmissionSlot {
  kind: 'fill' | 'reject' = 'reject';
  /** Fill: units that fill. */
  quantity = 0;
  /** Fill: price, slippage applied. */
  price = 0;
  /** Fill: commission, currency. */
  commission = 0;
  /** Fill: slippage cost, currency. */
  slippage = 0;
  /** Units asked for (an entry's after sizing). */
  requested = 0;
  /** Fill: cash cut the buy short by more than dust. */
  shrunk = false;
  /** Reject: why. */
  why: RejectReason = 'zero-quantity';
  /** Reject: the cash there was, when cash was the reason (NaN otherwise). */
  cash = 0;
  /**
   * With `below-closing-costs`, or a fill cut to its closing part for that reason: the position
   * the order would have left (NaN otherwise); see {@link AdmissionSlot.closingTest}.
   */
  closingPosition = Number.NaN;
  /** The price that position's closing was tested at. */
  closingPrice = Number.NaN;
  /** What closing it there costs: commission and slippage. */
  closingCosts = Number.NaN;
  /** With `below-costs`: what the order would have traded at its reference price (NaN otherwise). */
  tradeValue = Number.NaN;
  /** With `below-costs`: its commission and slippage. */
  tradeCosts = Number.NaN;

  private reject(why: RejectReason, requested: number, cash: number): this {
    if (why !== 'below-closing-costs') this.closingPosition = Number.NaN;
    this.tradeValue = Number.NaN;
    this.kind = 'reject';
    this.why = why;
    this.requested = requested;
    this.cash = cash;
    return this;
  }

  private fill(quantity: number, price: number, commission: number, slippage: number, requested: number, shrunk: boolean, cutToClose = false): this {
    if (!cutToClose) this.closingPosition = Number.NaN;
    this.tradeValue = Number.NaN;
    this.kind = 'fill';
    this.quantity = quantity;
    this.price = price;
    this.commission = commission;
    this.slippage = slippage;
    this.requested = requested;
    this.shrunk = shrunk;
    return this;
  }

  /**
   * Decides how `request` fills against `book` at `reference` (before slippage) and holds the
   * decision: the one admission rule every executor of orders applies. In order:
   *
   * 1. The fill price is the reference with slippage; an entry given as {@link EntrySizing} is
   *    sized at that price against the book's cash (or equity).
   * 2. Rejected: no positive price (`no-price`), no positive quantity, or an entry worth only
   *    floating-point dust of the book's equity (`zero-quantity`).
   * 3. A buy that costs more than the cash shrinks to what cash affords, covers of a short never:
   *    the part that opens or adds to a long is cut, and a part worth only dust is dropped. Nothing
   *    left: `insufficient-cash`. A shortfall of at most `SHRINK_TOLERANCE` of the quantity
   *    (`isDustShortfall`) fills at what cash affords without being reported as shrunk.
   * 4. An order a strategy decides (reason `entry` or `rebalance`) must leave a position that pays
   *    for its own closing: where the part that opens or adds to a position would leave one whose
   *    closing costs at least its worth — a long sold at half the reference price, a short bought
   *    back at the reference price ({@link AdmissionSlot.closingTest}) — that part is not filled:
   *    `below-closing-costs`, or, when the order also closes a position on the other side, a fill
   *    of the closing part alone, reported as shrunk. Such a position (a fixed or minimum
   *    commission against a sliver of capital) could only be closed by paying more than it brings.
   * 5. Commission and slippage of what fills. A portfolio strategy's order (`rebalance`) whose
   *    commission and slippage are at least the value it trades at the reference price is not
   *    placed (`below-costs`): it would move nothing but its costs, and a sale of it would take
   *    them from the account's other cash.
   *
   * Sells are never shrunk for cash: closing a position is always possible. It reads the book and
   * changes nothing but this slot.
   */
  admit(request: OrderRequest, reference: number, book: BookState, costs: ExecutionCosts): this {
    const { side } = request;
    const price = slippedPrice(costs.slippage, side, reference);
    const sizing = request.quantity;
    const requested =
      typeof sizing === 'number'
        ? sizing
        : entryQuantity(sizing.rule, {
            cash: sizing.rule.kind === 'percent-of-cash' ? freeCash(book) : book.cash,
            equity: sizing.rule.kind === 'percent-of-equity' ? bookEquity(book) : 0,
            price,
            commission: costs.commission,
            strength: sizing.strength,
            fractional: costs.fractional,
          });
    if (!(requested > 0) || !(price > 0) || (request.reason === 'entry' && isDust(requested * price, bookEquity(book)))) {
      // An entry sized from the book that comes to nothing: the cash it was sized from says why.
      const cash = price > 0 && typeof sizing !== 'number' ? (sizing.rule.kind === 'percent-of-cash' ? freeCash(book) : book.cash) : Number.NaN;
      return this.reject(!(price > 0) ? 'no-price' : 'zero-quantity', requested, cash);
    }
    let quantity = requested;
    let shrunk = false;
    if (side === 'buy') {
      const cash = book.cash;
      if (buyCost(costs.commission, quantity, price) > cash) {
        const held = book.quantity[request.symbolIndex] ?? 0;
        const cover = held < 0 ? Math.min(quantity, -held) : 0;
        let affordable = Math.max(cover, Math.min(quantity, affordableQuantity(cash, price, costs.commission, costs.fractional)));
        // What a few ulps of cash left by an earlier "all the cash" buy afford is not a position.
        if (affordable > cover && isDust((affordable - cover) * price, bookEquity(book))) affordable = cover;
        if (affordable < quantity) {
          if (!(affordable > 0)) return this.reject('insufficient-cash', requested, cash);
          shrunk = !isDustShortfall(quantity, affordable);
          quantity = affordable;
        }
      }
    }
    let cutToClose = false;
    if (request.reason === 'entry' || request.reason === 'rebalance') {
      const held = book.quantity[request.symbolIndex] ?? 0;
      // The part of the order that closes a position held on the other side; the rest opens or adds.
      const closing = side === 'buy' ? (held < 0 ? Math.min(quantity, -held) : 0) : held > 0 ? Math.min(quantity, held) : 0;
      if (quantity > closing && !this.paysForClosing(side === 'buy' ? held + quantity : held - quantity, reference, costs)) {
        if (!(closing > 0)) return this.reject('below-closing-costs', requested, Number.NaN);
        quantity = closing;
        shrunk = true;
        cutToClose = true;
      }
    }
    const commission = commissionFor(costs.commission, quantity, price);
    const slippage = Math.abs(price - reference) * quantity;
    // A portfolio strategy's order that costs at least what it trades moves nothing but its costs
    // (a sale of it would raise nothing): not placed, as a transfer or a risk trim that would cost
    // what it moves is not made.
    if (request.reason === 'rebalance' && commission + slippage > 0 && commission + slippage >= quantity * reference) {
      this.reject('below-costs', requested, Number.NaN);
      this.tradeCosts = commission + slippage;
      this.tradeValue = quantity * reference;
      return this;
    }
    return this.fill(quantity, price, commission, slippage, requested, shrunk, cutToClose);
  }

  /**
   * Whether a position of `position` units (negative: a short) of a symbol whose order's reference
   * price is `reference` pays for its own closing: a long sold at half the reference raises more
   * than its commission and slippage there, a short is worth more at the reference than buying it
   * back there costs. Half the price for a long is the margin the orchestrator's transfers keep for
   * the crumbs a cut leaves (a long worth just its closing costs goes below zero on the first
   * fall); a short's worth grows with a rise, as its costs do. Without a fixed or minimum
   * commission or a fixed slippage every position pays for its closing. When it does not, the
   * test is kept in the slot's `closing…` fields.
   */
  private paysForClosing(position: number, reference: number, costs: ExecutionCosts): boolean {
    const long = position > 0;
    const units = Math.abs(position);
    const at = long ? reference / 2 : reference;
    const price = slippedPrice(costs.slippage, long ? 'sell' : 'buy', at);
    const closing = commissionFor(costs.commission, units, price) + Math.abs(price - at) * units;
    if (units * at > closing) return true;
    this.closingPosition = position;
    this.closingPrice = at;
    this.closingCosts = closing;
    return false;
  }

  /**
   * The closing test an order failed (`below-closing-costs`, or a fill cut to its closing part),
   * as the order events carry it; undefined for any other decision.
   */
  closingTest(): ClosingTest | undefined {
    const position = this.closingPosition;
    if (Number.isNaN(position)) return undefined;
    return { position, price: this.closingPrice, worth: Math.abs(position) * this.closingPrice, costs: this.closingCosts };
  }

  /** With `below-costs`: what the order would have traded and what that would have cost; undefined otherwise. */
  tradeTest(): TradeCosts | undefined {
    return Number.isNaN(this.tradeValue) ? undefined : { value: this.tradeValue, costs: this.tradeCosts };
  }

  /** The decision as a plain, immutable {@link Admission}. */
  toAdmission(): Admission {
    const closing = this.closingTest();
    if (this.kind === 'reject') {
      const rejected: RejectedAdmission = { kind: 'reject', why: this.why, requested: this.requested, cash: Number.isNaN(this.cash) ? undefined : this.cash };
      const trade = this.tradeTest();
      if (trade !== undefined) return { ...rejected, trade };
      return closing === undefined ? rejected : { ...rejected, closing };
    }
    const { quantity, price, commission, slippage, requested, shrunk } = this;
    const fill: AdmittedFill = { kind: 'fill', quantity, price, commission, slippage, requested, shrunk };
    return closing === undefined ? fill : { ...fill, closing };
  }
}

/**
 * Decides how `request` fills against `book` at `reference` (before slippage), as a new
 * {@link Admission}: {@link AdmissionSlot.admit} (the rule, stated there) into a fresh slot.
 * Executors admit into a slot they keep instead. Pure: it reads the book and changes nothing.
 */
export function admitOrder(request: OrderRequest, reference: number, book: BookState, costs: ExecutionCosts): Admission {
  return new AdmissionSlot().admit(request, reference, book, costs).toAdmission();
}
