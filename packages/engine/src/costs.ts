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

function commissionBeforeMinimum(model: CommissionModel, quantity: number, price: number): number {
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

/**
 * The largest quantity whose cost q × p + commission(q) fits in `budget` (currency), whole units
 * unless `fractional`. With a percent commission this is `budget / (price × (1 + rate))`, floored:
 * the engine's `percent-of-cash` formula. Returns 0 when nothing fits.
 */
export function affordableQuantity(
  budget: number,
  price: number,
  commission: CommissionModel,
  fractional: boolean,
): number {
  if (!(budget > 0) || !(price > 0)) return 0;
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
  quantity = roundQuantity(quantity, fractional);
  // Guard against the last bits of floating-point rounding: never exceed the budget.
  while (quantity > 0 && buyCost(commission, quantity, price) > budget) {
    quantity = fractional ? quantity - quantity * 4 * Number.EPSILON : quantity - 1;
  }
  return quantity > 0 ? quantity : 0;
}
