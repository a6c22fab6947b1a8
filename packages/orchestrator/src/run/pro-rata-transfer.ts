import { affordableQuantity, commissionFor, isDust, slippedPrice } from '@ensemble/engine';
import { isoTime, noopLogger } from '@ensemble/protocol';
import { saleProceeds } from '@ensemble/engine/internal';
import type { OrchestratorOrders, PositionBook } from '../internal/orchestrator-orders';
import { ExactUnits } from './exact-units';
import { DUST_CASH, cashToClose, holds, keptToClose, logLeftToClose, nearestUnits, unitsRaising, unitsScratch } from './transfer-costs';
import type { TransferCosts, TransferSleeve } from './transfer-costs';
import type { QueuedTransferOrders } from './transfer-orders';

/** Options of {@link ProRataTransfer}: the run's costs and the orchestrator's own orders of the step. */
export interface ProRataTransferOptions extends TransferCosts {
  readonly orders: OrchestratorOrders;
}

/**
 * `pro-rata` transfers (bt's `allocate`): every position of a sleeve is scaled by `f = target /
 * current` — longs bought or sold, shorts extended or covered — with orders sized at the prices of
 * the move, so that its cash ends at `f` times what it was and its exposure-to-equity ratio is
 * unchanged. The costs of those orders come out of the whole book (every position keeps `1 −
 * costs / target` of its scaled size); whole units are rounded to the nearest, a purchase never
 * spends more than the cash (sales first), and a giver's long sales round up where its cash would
 * otherwise end below zero. The unrounded sizes are remembered ({@link ExactUnits}). See
 * `CapitalTransfers` for when a sleeve is scaled at all.
 */
export class ProRataTransfer {
  private readonly options: ProRataTransferOptions;
  private readonly exact = new ExactUnits();
  /** Scratch of {@link ProRataTransfer.scale}, per symbol of the sleeve: the units wanted before costs (NaN: left alone). */
  private ideal = new Float64Array(0);
  /** Scratch of {@link ProRataTransfer.scale}, per symbol of the sleeve: the signed order. */
  private planned = new Float64Array(0);
  /** Scratch of {@link ProRataTransfer.scale}, per symbol of the sleeve: the units held once its orders fill. */
  private after = new Float64Array(0);
  /**
   * Whether the last {@link ProRataTransfer.scale} left the sleeve as it was because scaling its
   * book would have cost at least the amount it moved, or a giver would have kept back all it gave
   * to pay for closing what it keeps.
   */
  belowCosts = false;

  constructor(options: ProRataTransferOptions) {
    this.options = options;
    // A purchase a risk cap shrank is a trade of the position: its remembered units no longer hold.
    options.orders.whenIncreaseLimited((book, k) => {
      this.exact.forget(book, k);
    });
  }

  scale(sleeve: TransferSleeve, current: number, target: number, time: number, queued: QueuedTransferOrders): number {
    this.belowCosts = false;
    const { book, logger } = sleeve;
    const { account, id } = book;
    const { commission, slippage, fractional, orders } = this.options;
    if (!(current > 0)) {
      if (holds(account.quantity, 0)) {
        logger.warn(
          { event: 'transfer-unscaled', time: isoTime(time), equity: current, amount: target - current },
          `sleeve ${id} is worth ${current}: its positions cannot be scaled, the transfer moved cash only`,
        );
      }
      return 0;
    }
    const factor = Math.max(0, target / current);
    const amount = target - current;
    // A sleeve worth next to nothing against its target (what an emptied sleeve keeps of rounding)
    // holds dust, not a book: scaling it by 1e17 would turn a 1e-14 remainder into a position.
    if (!(factor <= 1e9)) {
      if (holds(account.quantity, 0)) {
        logger.warn(
          { event: 'transfer-unscaled', time: isoTime(time), equity: current, amount },
          `sleeve ${id} is worth ${current}, next to nothing against its target ${target}: its positions are not scaled, the transfer moved cash only`,
        );
      }
      return 0;
    }
    const { quantity, markPrice, symbols } = account;
    const memory = this.exact.of(book);
    const n = quantity.length;
    // 1. The units each position should hold, before costs: what the rule wanted last time (when
    //    nothing else traded it since) or what it holds, times the factor.
    if (this.ideal.length < n) {
      this.ideal = new Float64Array(n);
      this.planned = new Float64Array(n);
    }
    const ideal = this.ideal.fill(Number.NaN, 0, n);
    const traded = this.exact.tradedSince(book, memory, n);
    let unscalable = 0;
    // Every position can trade now: a sleeve holding one that cannot is not moved (`unscalablePosition`).
    for (let k = 0; k < n; k++) {
      const held = quantity[k] ?? 0;
      const mark = markPrice[k] ?? 0;
      if (held === 0 || !(mark > 0)) continue;
      const units = this.exact.baseUnits(book, memory, k, held, traded) * factor;
      // A book worth next to nothing against its positions cannot be scaled to a real target.
      if (!(Math.abs(units - held) <= Number.MAX_SAFE_INTEGER)) {
        unscalable++;
        continue;
      }
      ideal[k] = units;
    }
    // What the ideal orders would cost; the costs of what is kept are worked out below.
    let costs = this.orderCosts(ideal, quantity, markPrice, n, 1);
    // A transfer that would cost at least what it moves is not made (a fixed or minimum commission
    // against a small transfer would otherwise trade a receiver's book down to pay for its own
    // order): the sleeve keeps its capital, and a later rebalance moves the gap once it is worth it.
    // So too a giver sold out whose book is worth no more than selling it costs (crumbs against a
    // minimum commission): selling would take the difference from the reserve.
    if (costs > 0 && costs >= Math.abs(amount)) {
      account.deposit(-amount);
      this.belowCosts = true;
      if (logger !== noopLogger) {
        logger.info(
          { event: 'transfer-skipped', time: isoTime(time), amount, costs },
          `sleeve ${id}: moving ${amount} would cost ${costs} in orders, at least what it moves; its capital stays as it is`,
        );
      }
      return -amount;
    }
    // 2. The costs come out of the whole book, pro rata: every position keeps `keep` of its ideal.
    //    A target of 0 keeps nothing (0 / 0 would make `keep` NaN, and NaN sells nothing). A giver
    //    whose target cannot pay the costs of selling sells everything and keeps back what they
    //    cost, so that it ends at 0, not below: it gives `costs − target` less.
    //    The costs are those of the orders that keep `keep`, which sell (or buy) that much more
    //    or less: `keep = 1 − costs(keep) / target`, solved by iterating from the ideal's costs
    //    (with a percent commission c each step shrinks the error by about c; a fixed one is
    //    exact at once). One step left a fully invested giver c² of its transfer below zero.
    let keep = target > 0 ? Math.max(0, 1 - costs / target) : 0;
    for (let i = 0; i < 8 && keep > 0; i++) {
      const actual = this.orderCosts(ideal, quantity, markPrice, n, keep);
      const next = Math.max(0, 1 - actual / target);
      if (next === keep) break;
      keep = next;
      costs = actual;
    }
    let kept = amount < 0 && costs > target ? costs - target : 0;
    if (kept > 0) account.deposit(kept);
    // 3. Sales first (their cash pays for the purchases), then purchases, never beyond the cash.
    let cash = account.cash;
    const planned = this.planned.fill(0, 0, n);
    for (let k = 0; k < n; k++) {
      const units = ideal[k] ?? Number.NaN;
      const held = quantity[k] ?? 0;
      if (Number.isNaN(units) || !(units * keep < held)) continue;
      const sold = Math.min(held > 0 ? held : Number.POSITIVE_INFINITY, nearestUnits(held - units * keep, fractional));
      planned[k] = -sold;
      cash += this.proceeds(sold, markPrice[k] ?? 0);
    }
    if (!fractional && cash < 0) cash = this.coverShortfall(account, planned, n, cash);
    // A giver whose sales cannot raise what it gives — whole units with nothing left to sell, or a
    // whole book sold for almost nothing at a punishing slippage — keeps back the shortfall, so that
    // its cash does not go below zero: it gives that much less.
    if (amount < 0 && (!fractional || keep === 0) && cash < -DUST_CASH * Math.max(1, current)) {
      account.deposit(-cash);
      kept -= cash;
      cash = 0;
    }
    for (let k = 0; k < n; k++) {
      const units = ideal[k] ?? Number.NaN;
      const held = quantity[k] ?? 0;
      // Not one the shortfall's cover sells (held rounded below what the last transfer wanted).
      if (Number.isNaN(units) || !(units * keep > held) || (planned[k] ?? 0) < 0) continue;
      const price = slippedPrice(slippage, 'buy', markPrice[k] ?? 0);
      let bought = nearestUnits(units * keep - held, fractional);
      if (held > 0) bought = Math.min(bought, affordableQuantity(cash, price, commission, fractional));
      planned[k] = bought;
      cash -= bought * price + commissionFor(commission, bought, price);
    }
    // A giver keeps back what closing the positions it keeps would cost beyond their value and its
    // cash (crumbs against a fixed or minimum commission); one that would keep back all it gives
    // is left as it is (see `keptToClose`).
    if (amount < 0) {
      const after = (this.after = unitsScratch(this.after, n));
      for (let k = 0; k < n; k++) after[k] = (quantity[k] ?? 0) + (planned[k] ?? 0);
      const lacking = cashToClose(this.options, account, cash, after);
      const toClose = keptToClose(lacking, kept, -amount);
      if (toClose === null) {
        account.deposit(-amount - kept);
        this.belowCosts = true;
        logLeftToClose(sleeve, amount, lacking, time);
        return -amount;
      }
      if (toClose > 0) {
        account.deposit(toClose);
        kept += toClose;
        cash += toClose;
      }
    }
    // 4. Queue them; remember the exact units for the next transfer.
    let count = 0;
    for (let k = 0; k < n; k++) {
      const units = ideal[k] ?? Number.NaN;
      memory.exact[k] = Number.isNaN(units) ? Number.NaN : units * keep;
      const order = planned[k] ?? 0;
      const held = quantity[k] ?? 0;
      if (order === 0 || isDust(order * (markPrice[k] ?? 0), current)) continue;
      const symbol = symbols[k] ?? '?';
      const size = Math.abs(order);
      if (Math.sign(order) === Math.sign(held)) {
        if (!orders.increase(book, k, size, 'transfer')) continue;
        queued.add(id, symbol, order);
      } else {
        const reduced = orders.reduce(book, k, size, 'transfer');
        if (!(reduced > 0)) continue;
        queued.reduce(id, symbol, held, reduced);
      }
      count++;
    }
    this.exact.remember(book, memory);
    if (unscalable > 0) {
      logger.warn(
        { event: 'transfer-unscaled', time: isoTime(time), equity: current, amount, factor, positions: unscalable },
        `sleeve ${id} is worth ${current}, too little to scale ${unscalable} of its positions by ${factor}: they stay as they are, the transfer moved cash for them`,
      );
    }
    if (count > 0 && logger !== noopLogger) {
      logger.info(
        { event: 'transfer-scale', time: isoTime(time), factor, amount: amount + kept, costs, orders: count },
        `sleeve ${id} scaled by ${factor}: ${count} order(s) queued${kept > 0 ? `; it keeps ${kept} to pay the costs of selling` : ''}`,
      );
    }
    return kept;
  }

  /** The costs (commission and slippage) of orders taking each position to `ideal[k] × keep` units, at its mark. */
  private orderCosts(ideal: Float64Array, quantity: Float64Array, markPrice: Float64Array, n: number, keep: number): number {
    const { commission, slippage } = this.options;
    let costs = 0;
    for (let k = 0; k < n; k++) {
      const units = ideal[k] ?? Number.NaN;
      const mark = markPrice[k] ?? 0;
      if (Number.isNaN(units) || !(mark > 0)) continue;
      const held = quantity[k] ?? 0;
      const delta = Math.abs(units * keep - held);
      if (delta === 0) continue;
      const price = slippedPrice(slippage, units * keep > held ? 'buy' : 'sell', mark);
      costs += commissionFor(commission, delta, price) + Math.abs(price - mark) * delta;
    }
    return costs;
  }

  /** Cash a sale of `units` at `mark` brings in, net of slippage and commission. */
  private proceeds(units: number, mark: number): number {
    return saleProceeds(this.options, units, mark);
  }

  /**
   * Whole units: sales rounded to the nearest unit may leave a giver's cash below zero at this
   * close; sell more of its long positions (the first `n` entries of `planned`), one position
   * after the other, until it is not. Returns the cash then.
   */
  private coverShortfall(account: PositionBook['account'], planned: Float64Array, n: number, cash: number): number {
    let left = cash;
    for (let k = 0; k < n && left < 0; k++) {
      const held = account.quantity[k] ?? 0;
      const sold = -(planned[k] ?? 0);
      // Longs only, and not one the plan buys (a sale rounded to nothing can still be made larger).
      if (held <= 0 || sold < 0) continue;
      const mark = account.markPrice[k] ?? 0;
      const price = slippedPrice(this.options.slippage, 'sell', mark);
      const needed = unitsRaising(this.proceeds(sold, mark) - left, price, this.options.commission, false);
      const total = Math.min(held, Number.isFinite(needed) ? needed : held);
      if (!(total > sold)) continue;
      left += this.proceeds(total, mark) - this.proceeds(sold, mark);
      planned[k] = -total;
    }
    return left;
  }
}
