import type { CommissionModel, SlippageModel } from '@ensemble/engine';
import { commissionFor, slippedPrice } from '@ensemble/engine';
import type { Logger } from '@ensemble/protocol';
import { isoTime, noopLogger } from '@ensemble/protocol';
import { commissionBeforeMinimum, saleProceeds } from '@ensemble/engine/internal';
import type { PositionBook } from '../internal/orchestrator-orders';

/**
 * What a capital transfer's orders cost, and what a giver keeps back to pay for closing the book
 * it keeps: the checks both transfer modes share (`run/pro-rata-transfer.ts`,
 * `run/cash-transfer.ts`).
 */

/** A sleeve as a transfer sees it: its book (id, account, runner) and its logger. */
export interface TransferSleeve {
  readonly book: PositionBook;
  readonly logger: Logger;
}

/** The run's costs and units, as a transfer's orders pay them. */
export interface TransferCosts {
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
  readonly fractional: boolean;
}

/** Cash below this share of a giver's equity (at least 1) is rounding, not a shortfall to keep back. */
export const DUST_CASH = 1e-9;

/**
 * Units of a long to sell at `price` (after slippage) for proceeds net of commission of at least
 * `amount`: `amount / (price × (1 − rate))` with a percent commission, `amount / (price − per
 * unit)`, `(amount + fee) / price` with a fixed one, `(amount + minimum) / price` where the minimum
 * binds; whole units rounded up unless `fractional`. Infinity when no quantity raises it (a
 * commission that takes the whole price).
 */
export function unitsRaising(amount: number, price: number, commission: CommissionModel, fractional: boolean): number {
  if (!(amount > 0)) return 0;
  let units: number;
  switch (commission.kind) {
    case 'percent':
      units = amount / (price * (1 - commission.rate));
      break;
    case 'per-unit':
      units = amount / (price - commission.amount);
      break;
    case 'fixed':
      units = (amount + commission.amount) / price;
      break;
  }
  const minimum = commission.minimum;
  if (minimum !== undefined && units > 0 && commissionBeforeMinimum(commission, units, price) < minimum) {
    // The minimum binds: the commission is a constant `minimum` at this size.
    units = (amount + minimum) / price;
  }
  if (!(units > 0) || !Number.isFinite(units) || !(netProceeds(units + 1, price, commission) > netProceeds(units, price, commission))) return Number.POSITIVE_INFINITY;
  units = fractional ? units : Math.ceil(units - 1e-9);
  // The last bits of floating-point rounding (the closed form is within a few ulps): never raise less than asked.
  for (let step = 0; step < 8 && netProceeds(units, price, commission) < amount; step++) units = fractional ? units + units * 4 * Number.EPSILON : units + 1;
  return units;
}

/** `units × price` net of the commission on them. */
function netProceeds(units: number, price: number, commission: CommissionModel): number {
  return units * price - commissionFor(commission, units, price);
}

/** `units` (≥ 0) to the nearest whole unit, unless fractional. */
export function nearestUnits(units: number, fractional: boolean): number {
  if (!(units > 0)) return 0;
  return fractional ? units : Math.round(units);
}

/** Whether `quantity` holds a position: any (`side` 0), or a short (`side` −1). */
export function holds(quantity: Float64Array, side: 0 | -1): boolean {
  for (const held of quantity) if (side === 0 ? held !== 0 : held < 0) return true;
  return false;
}

/** What selling every position of `account` at its marks costs: commission and slippage. */
export function sellingCosts(costs: TransferCosts, account: PositionBook['account']): number {
  const { commission, slippage } = costs;
  const { quantity, markPrice } = account;
  let total = 0;
  for (let k = 0; k < quantity.length; k++) {
    const held = quantity[k] ?? 0;
    const mark = markPrice[k] ?? 0;
    if (held === 0 || !(mark > 0)) continue;
    const units = Math.abs(held);
    const price = slippedPrice(slippage, held > 0 ? 'sell' : 'buy', mark);
    total += commissionFor(commission, units, price) + Math.abs(price - mark) * units;
  }
  return total;
}

/**
 * What a giver holding `units[k]` of each position of `account` (signed) and `cash` lacks of the
 * cash that pays for closing them (0 when nothing): the most of (a) what closing its whole book
 * at its marks would cost beyond the book's value and its cash, and (b) the cash that closes
 * each long even at half its mark, where the long's own sale would then raise less than its
 * costs. (b) guards the crumbs a cut leaves against a fixed or minimum commission: a long worth
 * just its closing costs at the cut went below 0 when its price then fell 0.3% and its strategy
 * sold it. A book worth at least twice its closing costs — every position of an ordinary run —
 * needs nothing under (b), and (a) is the same check at the marks for any book, shorts included.
 */
export function cashToClose(costs: TransferCosts, account: PositionBook['account'], cash: number, units: Float64Array): number {
  // `units` may be longer than the account's symbols: only its first entries are read.
  const { commission, slippage } = costs;
  const { markPrice } = account;
  let value = cash;
  let halved = 0;
  for (let k = 0; k < markPrice.length; k++) {
    const held = units[k] ?? 0;
    const mark = markPrice[k] ?? 0;
    if (held === 0 || !(mark > 0)) continue;
    const size = Math.abs(held);
    const price = slippedPrice(slippage, held > 0 ? 'sell' : 'buy', mark);
    value += held > 0 ? size * price - commissionFor(commission, size, price) : -(size * price + commissionFor(commission, size, price));
    if (held > 0) halved += Math.max(0, -saleProceeds(costs, size, mark / 2));
  }
  return Math.max(0, -value, halved > 0 ? halved - cash : 0);
}

/**
 * A giver that keeps positions after its cut keeps back, from what it gives, what it lacks of
 * the cash that pays for closing them (`lacking`, see {@link cashToClose}): its strategy's own
 * exit of a position left worth less than its commission would otherwise take it below 0.
 * `kept`: what it keeps back already; `giving`: what it was to give. Returns what it keeps back
 * besides, or null when that is all it gives: it is then left as it is (`belowCosts`), since
 * cutting it would cost it more than it could give.
 */
export function keptToClose(lacking: number, kept: number, giving: number): number | null {
  if (!(lacking > 0)) return 0;
  return kept + lacking >= giving ? null : lacking;
}

/** Logs a giver left as it is by {@link keptToClose}. */
export function logLeftToClose(sleeve: TransferSleeve, amount: number, lacking: number, time: number): void {
  const { logger, book } = sleeve;
  if (logger === noopLogger) return;
  logger.info(
    { event: 'transfer-skipped', time: isoTime(time), amount, closing: lacking },
    `sleeve ${book.id}: giving ${-amount} would leave it ${lacking} short of the cash that pays for closing what it keeps; its capital stays as it is`,
  );
}

/** A scratch of at least `n` units, `scratch` itself when long enough (one array per transfer mode, not an allocation per sleeve moved). */
export function unitsScratch(scratch: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return scratch.length < n ? new Float64Array(n) : scratch;
}
