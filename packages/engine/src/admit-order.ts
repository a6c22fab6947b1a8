import type { CommissionModel, SlippageModel } from './costs';
import { affordableQuantity, buyCost, commissionFor, isDust, slippedPrice } from './costs';
import type { OrderRequest, RejectReason } from './execution';
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
}

/** A rejected order and why. */
export interface RejectedAdmission {
  readonly kind: 'reject';
  readonly why: RejectReason;
  /** Units asked for (an entry's after sizing). */
  readonly requested: number;
  /** The cash there was, when cash was the reason. */
  readonly cash: number | undefined;
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

  private reject(why: RejectReason, requested: number, cash: number): this {
    this.kind = 'reject';
    this.why = why;
    this.requested = requested;
    this.cash = cash;
    return this;
  }

  private fill(quantity: number, price: number, commission: number, slippage: number, requested: number, shrunk: boolean): this {
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
   * 4. Commission and slippage of what fills.
   *
   * Sells are never shrunk: closing a position is always possible. It reads the book and changes
   * nothing but this slot.
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
    return this.fill(quantity, price, commissionFor(costs.commission, quantity, price), Math.abs(price - reference) * quantity, requested, shrunk);
  }

  /** The decision as a plain, immutable {@link Admission}. */
  toAdmission(): Admission {
    if (this.kind === 'reject') return { kind: 'reject', why: this.why, requested: this.requested, cash: Number.isNaN(this.cash) ? undefined : this.cash };
    const { quantity, price, commission, slippage, requested, shrunk } = this;
    return { kind: 'fill', quantity, price, commission, slippage, requested, shrunk };
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
