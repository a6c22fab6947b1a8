import type { CommissionModel } from './costs';
import { affordableQuantity, roundQuantity } from './costs';

/**
 * How big an entry is, resolved at the fill and scaled by the signal's `strength` (0..1):
 * `percent-of-cash` and `percent-of-equity` spend `percent` (0..100) of the account's cash (the
 * cash not held against open shorts: `freeCash` in `admit-order.ts`) or equity, commission included; `fixed-cash` spends `amount` currency, commission included;
 * `fixed-quantity` buys or sells `quantity` units.
 */
export type SizingRule =
  | { readonly kind: 'percent-of-cash'; readonly percent: number }
  | { readonly kind: 'percent-of-equity'; readonly percent: number }
  | { readonly kind: 'fixed-quantity'; readonly quantity: number }
  | { readonly kind: 'fixed-cash'; readonly amount: number };

/** The default sizing: all the cash, `percent-of-cash` 100. */
export const DEFAULT_SIZING: SizingRule = { kind: 'percent-of-cash', percent: 100 };

/** What {@link entryQuantity} needs to know at the fill. */
export interface SizingInput {
  /** Cash of the account at the fill (currency). */
  readonly cash: number;
  /** Equity of the account at its latest mark (currency). */
  readonly equity: number;
  /** The fill price, slippage included. */
  readonly price: number;
  readonly commission: CommissionModel;
  /** The signal's strength, 0..1 (1 when the signal gives none). */
  readonly strength: number;
  /** Allow fractional units (otherwise whole units, rounded down). */
  readonly fractional: boolean;
}

/**
 * The quantity (units, ≥ 0) an entry asks for under `rule`. For `percent-of-cash` this is
 * `floor(cash × percent/100 × strength / (price × (1 + commission rate)))` with a percent
 * commission (the budget pays the commission too). The engine sizes shorts the same way. It may
 * exceed what cash affords (`percent-of-equity`, `fixed-*`): the broker then shrinks buys.
 */
export function entryQuantity(rule: SizingRule, input: SizingInput): number {
  const { price, commission, strength, fractional } = input;
  switch (rule.kind) {
    case 'percent-of-cash':
      return affordableQuantity(input.cash * (rule.percent / 100) * strength, price, commission, fractional);
    case 'percent-of-equity':
      return affordableQuantity(input.equity * (rule.percent / 100) * strength, price, commission, fractional);
    case 'fixed-cash':
      return affordableQuantity(rule.amount * strength, price, commission, fractional);
    case 'fixed-quantity':
      return roundQuantity(rule.quantity * strength, fractional);
  }
}
