import type { Account, StrategyRunner } from '@ensemble/engine';
import type { FillReason } from '@ensemble/protocol';

/** An account the risk manager may trim: its runner and the run-wide index of each of its symbols. */
export interface PositionBook {
  readonly id: string;
  readonly runner: StrategyRunner;
  readonly account: Account;
  readonly globalIndex: Int32Array;
}

/** A slot's mark for a reduction of the last close carried into a move at this open: it refuses increases, and counts as no order. */
const CARRIED_REDUCTION = Number.NEGATIVE_INFINITY;

/**
 * The orders the orchestrator itself places on one step (transfer orders, risk trims), kept so
 * that two reductions of one position on one step combine into the larger one instead of the
 * later replacing the earlier, and so that a reduction (a risk trim) always wins over an increase
 * (a transfer into the sleeve) of the same position.
 */
export class OrchestratorOrders {
  /**
   * Per runner, per symbol: units of the reduction placed on this step (> 0), −units of the
   * increase, NaN for none, {@link CARRIED_REDUCTION} for a reduction of the last close carried
   * into a move at this open. Kept from step to step (a rebalance of 1,000 sleeves would otherwise
   * build 1,000 maps); {@link OrchestratorOrders.clear} resets the slots this step used.
   */
  private readonly slots = new Map<StrategyRunner, Float64Array>();
  /** The slot columns written since the last clear (a column may appear more than once). */
  private readonly used: Float64Array[] = [];
  /** Whether a transfer placed an order on this step (what the exposure caps then measure after). */
  transfersPlaced = false;
  /** Told of each increase {@link OrchestratorOrders.limitIncrease} shrank (see {@link OrchestratorOrders.whenIncreaseLimited}). */
  private limited: ((book: PositionBook, k: number) => void) | null = null;

  /** Has `listener` told of each increase {@link OrchestratorOrders.limitIncrease} shrinks (the pro-rata transfers forget the units they wanted). */
  whenIncreaseLimited(listener: (book: PositionBook, k: number) => void): void {
    this.limited = listener;
  }

  /** Forgets the orders of the previous step. */
  clear(): void {
    this.transfersPlaced = false;
    const used = this.used;
    if (used.length === 0) return;
    for (const column of used) column.fill(Number.NaN);
    used.length = 0;
  }

  /**
   * Carries the reductions of the last close into a move at this open (`next-open` fills): they
   * filled at this open already, so a transfer's reduction is not combined with them (it is
   * sized from the book after them), but a transfer's purchase of such a position is refused, as
   * on the close where both are decided. Everything else is forgotten.
   */
  carryReductionsToOpen(): void {
    this.transfersPlaced = false;
    for (const column of this.used) {
      for (let k = 0; k < column.length; k++) {
        const placed = column[k] ?? Number.NaN;
        column[k] = placed > 0 || placed === CARRIED_REDUCTION ? CARRIED_REDUCTION : Number.NaN;
      }
    }
  }

  private placedOn(book: PositionBook): Float64Array {
    let column = this.slots.get(book.runner);
    if (column === undefined) {
      column = new Float64Array(book.account.quantity.length).fill(Number.NaN);
      this.slots.set(book.runner, column);
    }
    return column;
  }

  private place(column: Float64Array, k: number, value: number): void {
    column[k] = value;
    this.used.push(column);
  }

  /**
   * Queues a reduction of `units` (> 0) of the position on symbol `k` of `book`, filled under the
   * run's fill rule; with an earlier reduction on this step, the larger one stands; an earlier
   * increase is replaced. Returns the units of the reduction now queued (0: none).
   *
   * Two reductions combined into one order take the reason of the decision among them: a risk
   * trim and a transfer's sale of one position fill as one `risk` order (the trim would have been
   * made without the transfer; the transfer's part rides along), so the trade it closes counts
   * as a decision in the trade statistics, which leave `transfer` trades out.
   */
  reduce(book: PositionBook, k: number, units: number, reason: FillReason): number {
    const held = book.account.quantity[k] ?? 0;
    if (held === 0 || !(units > 0)) return 0;
    const column = this.placedOn(book);
    const placed = column[k] ?? Number.NaN;
    const previous = placed > 0 ? placed : 0;
    const reduction = Math.min(Math.abs(held), Math.max(previous, units));
    const current = previous > 0 ? book.runner.placedOrderReason(k) : null;
    const combined = reason === 'transfer' && current !== null ? current : reason;
    if (reduction === previous) {
      if (current !== null && combined !== current) book.runner.relabelPlacedOrder(k, combined);
      return previous;
    }
    // An order of the orchestrator's own on this step (a transfer's purchase) is resized, not
    // dropped: it is the same decision of the portfolio, and no order was lost.
    const own = !Number.isNaN(placed) && placed !== CARRIED_REDUCTION;
    if (reason === 'transfer') this.transfersPlaced = true;
    this.place(column, k, reduction);
    if (own) book.runner.resizePlacedOrder(k, held > 0 ? -reduction : reduction, combined);
    else book.runner.placeOrder(k, held > 0 ? -reduction : reduction, combined);
    return reduction;
  }

  /** Whether the orchestrator placed an order on this step (a carried reduction does not count). */
  get placedAny(): boolean {
    for (const column of this.used) {
      for (const placed of column) if (!Number.isNaN(placed) && placed !== CARRIED_REDUCTION) return true;
    }
    return false;
  }

  /**
   * The units this step's order of the orchestrator on symbol `k` of `book` adds to the size of
   * the position (+ an increase, − a reduction); 0 when it placed none there (or the order is a
   * reduction of the last close carried into this open, which has filled).
   */
  placedChange(book: PositionBook, k: number): number {
    const placed = this.slots.get(book.runner)?.[k];
    if (placed === undefined || Number.isNaN(placed) || placed === CARRIED_REDUCTION) return 0;
    return -placed;
  }

  /**
   * Shrinks this step's increase of the position on symbol `k` of `book` to `units` (0: none
   * left), keeping its reason: a risk cap that the increase (a transfer's purchase) would breach
   * takes back what it must of it. Nothing changes when no increase of more units is placed.
   */
  limitIncrease(book: PositionBook, k: number, units: number): void {
    const column = this.slots.get(book.runner);
    const placed = column?.[k] ?? Number.NaN;
    if (column === undefined || !(placed < 0) || placed === CARRIED_REDUCTION || !(units < -placed)) return;
    const held = book.account.quantity[k] ?? 0;
    const reason = book.runner.placedOrderReason(k) ?? 'transfer';
    this.limited?.(book, k);
    if (units > 0) {
      this.place(column, k, -units);
      book.runner.resizePlacedOrder(k, held > 0 ? units : -units, reason);
    } else {
      column[k] = Number.NaN;
      book.runner.resizePlacedOrder(k, 0, reason);
    }
  }

  /** Whether an order of the orchestrator on symbol `k` of `book` was placed on this step (a carried reduction filled already). */
  has(book: PositionBook, k: number): boolean {
    const placed = this.slots.get(book.runner)?.[k];
    return placed !== undefined && !Number.isNaN(placed) && placed !== CARRIED_REDUCTION;
  }

  /**
   * Queues an increase of `units` (> 0) of the position on symbol `k` of `book` (a buy of a long,
   * a sale of a short), filled under the run's fill rule, unless an order of the orchestrator on
   * that position was placed on this step already. Returns whether it was placed.
   */
  increase(book: PositionBook, k: number, units: number, reason: FillReason): boolean {
    const held = book.account.quantity[k] ?? 0;
    if (held === 0 || !(units > 0)) return false;
    const column = this.placedOn(book);
    if (!Number.isNaN(column[k] ?? Number.NaN)) return false;
    if (reason === 'transfer') this.transfersPlaced = true;
    this.place(column, k, -units);
    book.runner.placeOrder(k, held > 0 ? units : -units, reason);
    return true;
  }
}

/** Units to sell or cover so that a position of `held` units keeps `factor` of itself (whole units unless fractional). */
export function reductionFor(held: number, factor: number, fractional: boolean): number {
  const size = Math.abs(held);
  const keep = factor <= 0 ? 0 : size * factor;
  const reduction = size - (fractional ? keep : Math.floor(keep));
  return Math.min(size, Math.max(0, reduction));
}
