import { MAX_QUANTITY } from '@ensemble/protocol';
import type { OrderSide } from '@ensemble/protocol';

/**
 * How commission is charged on one fill, in the account currency: `percent` charges `rate`
 * (a fraction: 0.001 = 0.1 %) of the traded value q × p, `per-unit` charges `amount` per unit,
 * `fixed` charges `amount` per order. `minimum`, when set, is the least any fill pays.
 */
export type CommissionModel =
  | { readonly kind: 'percent'; readonly rate: number; readonly minimum?: number | undefined }
  | { readonly kind: 'per-unit'; readonly amount: number; readonly minimum?: number | undefined }
  | { readonly kind: 'fixed'; readonly amount: number; readonly minimum?: number | undefined };

/**
 * How far a fill price moves against the trader from the reference price: `bps` basis points of
 * the price (10 bps = 0.1 %), or a `fixed` amount per unit. Buys pay more, sells receive less.
 */
export type SlippageModel =
  | { readonly kind: 'bps'; readonly bps: number }
  | { readonly kind: 'fixed'; readonly amount: number };

/** No commission: 0 % of traded value. The engine's default. */
export const NO_COMMISSION: CommissionModel = { kind: 'percent', rate: 0 };

/** No slippage: 0 bps. The engine's default. */
export const NO_SLIPPAGE: SlippageModel = { kind: 'bps', bps: 0 };

/**
 * Commission in currency for a fill of `quantity` units (> 0) at `price` (after slippage).
 * A fill of zero units pays nothing, not even the minimum.
 */
export function commissionFor(model: CommissionModel, quantity: number, price: number): number {
  if (!(quantity > 0)) return 0;
  const commission = commissionBeforeMinimum(model, quantity, price);
  const minimum = model.minimum;
  return minimum !== undefined && commission < minimum ? minimum : commission;
}

/** The commission on `quantity` at `price` before the model's minimum applies. */
export function commissionBeforeMinimum(model: CommissionModel, quantity: number, price: number): number {
  switch (model.kind) {
    case 'percent':
      return quantity * price * model.rate;
    case 'per-unit':
      return quantity * model.amount;
    case 'fixed':
      return model.amount;
  }
}

/**
 * The price a fill gets after slippage from `reference` (the open, close or stop price): a buy
 * pays `reference × (1 + bps / 10 000)` or `reference + amount`, a sell receives
 * `reference × (1 − bps / 10 000)` or `reference − amount` (never below 0).
 */
export function slippedPrice(model: SlippageModel, side: OrderSide, reference: number): number {
  switch (model.kind) {
    case 'bps': {
      const fraction = model.bps / 10_000;
      return side === 'buy' ? reference * (1 + fraction) : reference * (1 - fraction);
    }
    case 'fixed':
      return side === 'buy' ? reference + model.amount : Math.max(0, reference - model.amount);
  }
}

/**
 * Fraction of an account's equity at or below which the value of an order (or of the part of it
 * that opens or adds to a position) is floating-point dust, not money: 1e-10.
 */
export const DUST_FRACTION = 1e-10;

/**
 * True when `value` (currency) is floating-point dust for an account worth `equity`:
 * `|value| ≤ DUST_FRACTION × max(1, |equity|)`. A buy shrunk to "all the cash" can leave a few
 * ulps of cash behind; an entry sized from or shrunk to that residue is dust, and the broker
 * rejects it instead of opening a position of 1e-13 units.
 */
export function isDust(value: number, equity: number): boolean {
  return Math.abs(value) <= DUST_FRACTION * Math.max(1, Math.abs(equity));
}

/** Rounds a quantity down to whole units unless `fractional`; never below 0. */
export function roundQuantity(quantity: number, fractional: boolean): number {
  if (!(quantity > 0)) return 0;
  return fractional ? quantity : Math.floor(quantity);
}

/** Cash a buy of `quantity` at `price` pays, commission included: q × p + commission. */
export function buyCost(commission: CommissionModel, quantity: number, price: number): number {
  return quantity * price + commissionFor(commission, quantity, price);
}

/** True when a buy of `quantity` at `price` costs at most `budget` (cost is non-decreasing in q). */
function fits(budget: number, price: number, commission: CommissionModel, quantity: number): boolean {
  return buyCost(commission, quantity, price) <= budget;
}

/**
 * The real-number solution of q × p + commission(q) = budget (within a few ulps; ≤ 0 or NaN when
 * nothing fits): `budget / (p × (1 + rate))`, `budget / (p + amount)` or `(budget − amount) / p`,
 * and `(budget − minimum) / p` where the minimum binds.
 */
function estimateQuantity(budget: number, price: number, commission: CommissionModel): number {
  let quantity: number;
  switch (commission.kind) {
    case 'percent':
      quantity = budget / (price * (1 + commission.rate));
      break;
    case 'per-unit':
      quantity = budget / (price + commission.amount);
      break;
    case 'fixed':
      quantity = (budget - commission.amount) / price;
      break;
  }
  const minimum = commission.minimum;
  if (minimum !== undefined && quantity > 0 && commissionBeforeMinimum(commission, quantity, price) < minimum) {
    // The minimum binds: the commission is a constant `minimum` at this size.
    quantity = (budget - minimum) / price;
  }
  return quantity;
}

/** Bound on the probes of each phase of the search; far above what any finite input needs (about 100). */
const MAX_PROBES = 256;

/** Relative precision of a fractional quantity: the answer is within 4 ulps of the largest that fits. */
const FRACTION_PRECISION = 4 * Number.EPSILON;

/**
 * The largest q that fits — a whole number up to `MAX_QUANTITY`, or with `fractional` a double to
 * {@link FRACTION_PRECISION}, not capped — searched from `guess` (a whole number unless `fractional`): a
 * gallop away from the guess with doubling steps (of units, or of 4 ulps) until the answer is
 * bracketed, then bisection until one more unit, or q × (1 + 4ε), no longer fits. From a good
 * guess that is two cost evaluations; never more than a few hundred, whatever the magnitudes.
 * Fractional: 0 when not even half the guess fits (what would fit is floating-point dust).
 */
function largestFitting(budget: number, price: number, commission: CommissionModel, guess: number, fractional: boolean): number {
  // Invariant: `low` fits (0 always does: a buy of nothing costs nothing); `high` does not, or is
  // past the cap (2^53, exact, for whole units) when nothing above `low` was seen to fail.
  let low = 0;
  let high = fractional ? Number.POSITIVE_INFINITY : MAX_QUANTITY + 1;
  let step = fractional ? FRACTION_PRECISION : Math.max(1, Math.ceil(guess * 16 * Number.EPSILON));
  if (fits(budget, price, commission, guess)) {
    low = guess;
    for (let probes = 0; probes < MAX_PROBES && (fractional || low < MAX_QUANTITY); probes++) {
      const probe = fractional ? low * (1 + step) : Math.min(low + step, MAX_QUANTITY);
      if (!fits(budget, price, commission, probe)) {
        high = probe;
        break;
      }
      low = probe;
      step *= 2;
    }
    if (!fractional && low >= MAX_QUANTITY) return MAX_QUANTITY;
  } else {
    high = guess;
    for (let probes = 0; probes < MAX_PROBES && high > 0; probes++) {
      if (fractional && step > 0.5) return 0;
      const probe = fractional ? high * (1 - step) : Math.max(high - step, 0);
      if (fits(budget, price, commission, probe)) {
        low = probe;
        break;
      }
      high = probe;
      step *= 2;
    }
  }
  for (let probes = 0; probes < MAX_PROBES && (fractional ? low * (1 + FRACTION_PRECISION) < high : high - low > 1); probes++) {
    const middle = fractional ? low + (high - low) / 2 : low + Math.floor((high - low) / 2);
    if (fits(budget, price, commission, middle)) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * The largest quantity whose cost q × p + commission(q) fits in `budget` (currency): whole units
 * of at most `MAX_QUANTITY` (2^53 − 1, above which whole numbers are not exact), or with
 * `fractional` a double however large (not capped); 0 when nothing fits. With a
 * percent commission this is `budget / (price × (1 + rate))`, floored: the engine's
 * `percent-of-cash` formula. Closed form, then corrected against the cost as the broker computes
 * it (a bounded search from that estimate, usually one or two evaluations), so the result never
 * exceeds the budget and is maximal: one more unit (or 4 ulps more, fractional) would.
 */
export function affordableQuantity(
  budget: number,
  price: number,
  commission: CommissionModel,
  fractional: boolean,
): number {
  if (!(budget > 0) || !(price > 0)) return 0;
  const estimate = estimateQuantity(budget, price, commission);
  if (fractional) return estimate > 0 ? largestFitting(budget, price, commission, Math.min(estimate, Number.MAX_VALUE), true) : 0;
  const guess = estimate > 0 ? Math.min(estimate, MAX_QUANTITY) : 0;
  return largestFitting(budget, price, commission, Math.floor(guess), false);
}
