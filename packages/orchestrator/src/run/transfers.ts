import type { CommissionModel, SlippageModel } from '@ensemble/engine';
import { affordableQuantity, commissionFor, isDust, slippedPrice } from '@ensemble/engine';
import type { Logger } from '@ensemble/protocol';
import { isoTime, noopLogger } from '@ensemble/protocol';
import { commissionBeforeMinimum, saleProceeds } from '@ensemble/engine/internal';
import type { TransferMode } from '../config';
import type { OrchestratorOrders, PositionBook } from '../internal/risk';
import { reductionFor } from '../internal/risk';
import type { QueuedTransferOrders } from './transfer-orders';

/** A sleeve as a transfer sees it: its book (id, account, runner) and its logger. */
export interface TransferSleeve {
  readonly book: PositionBook;
  readonly logger: Logger;
}

/** What a pro-rata transfer remembers of a sleeve for the next one. */
interface ExactBook {
  /** Units per symbol the last transfer wanted, unrounded and after costs (NaN: none). */
  readonly exact: Float64Array;
  /** The sleeve's fill count then: a later fill of its own on a symbol supersedes the memory. */
  fills: number;
  /** The sleeve's own rebalance count then (portfolio strategies): a later one supersedes it all. */
  rebalances: number;
}

/** Options of {@link CapitalTransfers}: the run's transfer mode and costs. */
export interface CapitalTransfersOptions {
  readonly mode: TransferMode;
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
  readonly fractional: boolean;
  /** The orchestrator's own orders of the step, shared with the risk manager. */
  readonly orders: OrchestratorOrders;
}

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

/**
 * Moves capital into and out of sleeves on a rebalance (sleeves mode). The cash moves through the
 * reserve when the rebalance's orders are sized (see below); what the sleeve holds follows by
 * the run's mode:
 *
 * - **`pro-rata`** (bt's `allocate`): every position is scaled by `f = target / current` —
 *   longs bought or sold, shorts extended or covered — with orders sized at the prices of the move
 *   and filled at them (crossed with other sleeves' opposite orders, paying costs), so the
 *   sleeve's cash ends at `f` times what it was and its exposure-to-equity ratio is unchanged.
 *   The costs of those orders (commission and slippage at those prices) come out of the whole
 *   book: every position keeps `1 − costs / target` of its scaled size, so the ratio holds after
 *   costs too. Whole units are rounded to the nearest, a purchase never spends more than the cash
 *   (sales first) and a giver's long sales round up where its cash would otherwise end below zero.
 *   The unrounded sizes are remembered: the next transfer scales those, not the rounded holdings,
 *   unless something else traded the position in between, so rounding never piles up.
 * - **`cash`**: only cash moves. A giver whose cash goes negative sells the same fraction of every
 *   long to bring it back to zero; a giver holding a short is scaled down instead.
 *
 * Either way a giver keeps back, from what it gives, the cash that closes the positions it keeps
 * even at half their price, where their own sale would then raise less than its costs (crumbs a
 * cut leaves against a fixed or minimum commission): its strategy's later exit would otherwise
 * take it below 0. One that would keep back all it gives is left as it is (`belowCosts`).
 *
 * With `close` fills the move happens at the rebalance's close; with `next-open` fills at the
 * next open, after the exits, sales and placed orders of that close have filled, sized at the
 * open prices and filled at once, with the entries of that close (the sleeves are marked at the
 * open for it): either way a sleeve holds its own book until its capital moves.
 *
 * At the close, a sleeve whose portfolio strategy rebalances on this bar gets no order: its own
 * orders, sized to its new equity, replace any placed here (a target below its costs of selling
 * out keeps them back and has the strategy size its positions to nothing). At the open its own orders of the
 * last close have filled, and it is scaled like any sleeve. A sleeve with an order of its
 * strategy's waiting where it cannot be scaled is not moved at all (`unscalablePosition`); a risk
 * trim of this step stands against a purchase, and the larger of two reductions wins.
 */
export class CapitalTransfers {
  private readonly options: CapitalTransfersOptions;
  /** Per sleeve (its runner), what the last pro-rata transfer wanted it to hold. */
  private readonly memory = new Map<PositionBook['runner'], ExactBook>();
  /** Scratch of {@link CapitalTransfers.scale}, per symbol of the sleeve: the units wanted before costs (NaN: left alone). */
  private ideal = new Float64Array(0);
  /** Scratch of {@link CapitalTransfers.scale}, per symbol of the sleeve: the signed order. */
  private planned = new Float64Array(0);
  /** Scratch of {@link CapitalTransfers.tradedSince}, per symbol of the sleeve. */
  private traded = new Uint8Array(0);
  /** Scratch of {@link CapitalTransfers.cashToClose}'s callers, per symbol of the sleeve: the units held once its orders fill. */
  private after = new Float64Array(0);
  /**
   * Whether the last {@link CapitalTransfers.move} left the sleeve as it was because scaling its
   * book would have cost at least the amount it moved (a fixed or minimum commission against a
   * small transfer): no order, no cash moved, and it returned 0.
   */
  belowCosts = false;

  constructor(options: CapitalTransfersOptions) {
    this.options = options;
  }

  /**
   * The first symbol of `book` that keeps it from being scaled at this step, or null when none
   * does (always null with `cash` transfers, which move cash only): a position whose symbol has no
   * bar now or with an order of the strategy's waiting on it, or an order of a fixed number of
   * units waiting on a symbol it does not hold yet (a portfolio strategy's purchase, sized to the
   * sleeve before the transfer). Either would keep its size while the cash moved, and the sleeve
   * would stop being its strategy scaled, so a rebalance leaves that sleeve's capital as it is (see
   * `Rebalancing`). An entry waiting on a flat symbol is sized at its fill, from the scaled cash.
   */
  unscalablePosition(book: PositionBook): string | null {
    if (this.options.mode !== 'pro-rata') return null;
    const { account, runner } = book;
    const { quantity } = account;
    const orders = this.options.orders;
    for (let k = 0; k < quantity.length; k++) {
      const mine = orders.has(book, k);
      const blocked =
        (quantity[k] ?? 0) === 0
          ? !mine && runner.hasPlacedOrder(k)
          : (runner.index[k] ?? -1) < 0 || (!mine && runner.hasPendingOrder(k));
      if (blocked) return account.symbols[k] ?? '?';
    }
    return null;
  }

  /**
   * Moves `target − current` (negative: out) into `sleeve`, worth `current` at its latest marks,
   * at timeline step `step` (time `time`), and queues its orders, recorded in `queued`. `atOpen`:
   * the move happens at the step's open (`next-open` fills), with the sleeve marked at the open
   * and its exits, sales and placed orders of the last close already filled (its entries fill
   * after); otherwise at the step's close, before the strategies decide. Returns the amount
   * moved: `target − current`, less what a giver whose target cannot pay the costs of its sales
   * keeps to pay them (see `scale`), and what it keeps to close the positions it keeps (see
   * `cashToClose`).
   */
  move(sleeve: TransferSleeve, current: number, target: number, step: number, time: number, queued: QueuedTransferOrders, atOpen = false): number {
    const { account, runner, id } = sleeve.book;
    const amount = target - current;
    this.belowCosts = false;
    account.deposit(amount);
    const proRata = this.options.mode === 'pro-rata';
    if (!atOpen && runner.rebalancesAt(step)) {
      // Its own orders, sized to its new equity, sell what the transfer takes and pay for it: a
      // target below what selling the whole book costs would leave it below 0, so it keeps that
      // (with either transfer mode: here the strategy's orders, not the mode, move the book).
      const selling = amount < 0 ? this.sellingCosts(account) : 0;
      if (amount < 0 && selling > 0 && selling >= current) {
        // A book worth no more than selling it costs (crumbs against a minimum commission) is left
        // as it is: its sale would take the difference from the reserve.
        account.deposit(-amount);
        this.belowCosts = true;
        return 0;
      }
      const kept = amount < 0 ? Math.max(0, selling - target) : 0;
      if (kept > 0) {
        account.deposit(kept);
        // What it keeps pays for the sales; it is not capital: the strategy sells out (sized to its
        // new equity, a whole unit kept by rounding would be held on borrowed cash, and the sleeve
        // of weight 0 would go below 0 as that unit's price fell).
        runner.sizeRebalanceTo(step, 0);
      }
      const wouldTrade = proRata ? holds(account.quantity, 0) : amount < 0 && (holds(account.quantity, -1) || account.cash < 0);
      if (wouldTrade && sleeve.logger !== noopLogger) {
        sleeve.logger.info(
          { event: 'transfer-funded-by-rebalance', time: isoTime(time), amount, cash: account.cash },
          `sleeve ${id} rebalances on this bar: its own orders, sized to its new equity, carry the transfer`,
        );
      }
      return amount + kept;
    }
    if (proRata) return amount + this.scale(sleeve, current, target, time, queued);
    if (amount < 0 && holds(account.quantity, -1)) this.scaleDown(sleeve, current > 0 ? Math.max(0, target / current) : 0, time, queued);
    else if (amount < 0) {
      const shortfall = account.cash < -DUST_CASH * Math.max(1, Math.abs(current)) ? -account.cash : 0;
      return amount + this.raiseCash(sleeve, shortfall, -amount, time, queued);
    }
    return amount;
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
  private cashToClose(account: PositionBook['account'], cash: number, units: Float64Array): number {
    // `units` may be longer than the account's symbols: only its first entries are read.
    const { commission, slippage } = this.options;
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
      if (held > 0) halved += Math.max(0, -saleProceeds(this.options, size, mark / 2));
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
  private keptToClose(lacking: number, kept: number, giving: number): number | null {
    if (!(lacking > 0)) return 0;
    return kept + lacking >= giving ? null : lacking;
  }

  /** Logs a giver left as it is by {@link keptToClose}. */
  private logLeftToClose(sleeve: TransferSleeve, amount: number, lacking: number, time: number): void {
    const { logger, book } = sleeve;
    if (logger === noopLogger) return;
    logger.info(
      { event: 'transfer-skipped', time: isoTime(time), amount, closing: lacking },
      `sleeve ${book.id}: giving ${-amount} would leave it ${lacking} short of the cash that pays for closing what it keeps; its capital stays as it is`,
    );
  }

  /** What selling every position of `account` at its marks costs: commission and slippage. */
  private sellingCosts(account: PositionBook['account']): number {
    const { commission, slippage } = this.options;
    const { quantity, markPrice } = account;
    let costs = 0;
    for (let k = 0; k < quantity.length; k++) {
      const held = quantity[k] ?? 0;
      const mark = markPrice[k] ?? 0;
      if (held === 0 || !(mark > 0)) continue;
      const units = Math.abs(held);
      const price = slippedPrice(slippage, held > 0 ? 'sell' : 'buy', mark);
      costs += commissionFor(commission, units, price) + Math.abs(price - mark) * units;
    }
    return costs;
  }

  /**
   * `pro-rata`: every position of the sleeve scaled by `target / current`, the costs of doing so
   * spread over the whole book, whole units rounded to the nearest (see the class).
   */
  private scale(sleeve: TransferSleeve, current: number, target: number, time: number, queued: QueuedTransferOrders): number {
    const { book, logger } = sleeve;
    const { account, runner, id } = book;
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
    const memory = this.memoryOf(book);
    const n = quantity.length;
    // 1. The units each position should hold, before costs: what the rule wanted last time (when
    //    nothing else traded it since) or what it holds, times the factor.
    if (this.ideal.length < n) {
      this.ideal = new Float64Array(n);
      this.planned = new Float64Array(n);
    }
    const ideal = this.ideal.fill(Number.NaN, 0, n);
    const traded = this.tradedSince(book, memory, n);
    let unscalable = 0;
    // Every position can trade now: a sleeve holding one that cannot is not moved (`unscalablePosition`).
    for (let k = 0; k < n; k++) {
      const held = quantity[k] ?? 0;
      const mark = markPrice[k] ?? 0;
      if (held === 0 || !(mark > 0)) continue;
      const units = this.baseUnits(book, memory, k, held, traded) * factor;
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
      const after = this.unitsAfter(n);
      for (let k = 0; k < n; k++) after[k] = (quantity[k] ?? 0) + (planned[k] ?? 0);
      const lacking = this.cashToClose(account, cash, after);
      const toClose = this.keptToClose(lacking, kept, -amount);
      if (toClose === null) {
        account.deposit(-amount - kept);
        this.belowCosts = true;
        this.logLeftToClose(sleeve, amount, lacking, time);
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
    memory.fills = account.fillLog.length;
    memory.rebalances = runner.rebalances.length;
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

  /** The {@link CapitalTransfers.after} scratch, at least `n` long (a closure per call instead was an allocation per sleeve moved). */
  private unitsAfter(n: number): Float64Array {
    if (this.after.length < n) this.after = new Float64Array(n);
    return this.after;
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

  /**
   * The units position `k` is scaled from: the exact units the last transfer wanted, unless
   * something else traded the position since (a fill of the strategy's own, a stop, a risk trim,
   * a portfolio rebalance of the sleeve) — then what it holds. Rounding to whole units and what a
   * purchase could not afford therefore do not pile up from one transfer to the next.
   */
  private baseUnits(book: PositionBook, memory: ExactBook, k: number, held: number, traded: Uint8Array): number {
    const exact = memory.exact[k] ?? Number.NaN;
    if (Number.isNaN(exact) || Math.sign(exact) !== Math.sign(held) || book.runner.rebalances.length !== memory.rebalances) return held;
    return traded[k] === 1 ? held : exact;
  }

  /**
   * Per symbol of `book` (the first `n` entries of a scratch): 1 when a fill other than a
   * transfer's traded it since the last transfer's `memory`, else 0. One pass over those fills
   * per scaled sleeve, where a pass per position read them once for each.
   */
  private tradedSince(book: PositionBook, memory: ExactBook, n: number): Uint8Array {
    if (this.traded.length < n) this.traded = new Uint8Array(n);
    const traded = this.traded.fill(0, 0, n);
    const fills = book.account.fillLog;
    for (let i = memory.fills; i < fills.length; i++) {
      if (fills.reason(i) !== 'transfer') traded[fills.symbolIndex(i)] = 1;
    }
    return traded;
  }

  private memoryOf(book: PositionBook): ExactBook {
    let memory = this.memory.get(book.runner);
    if (memory === undefined) {
      memory = { exact: new Float64Array(book.account.symbols.length).fill(Number.NaN), fills: 0, rebalances: 0 };
      this.memory.set(book.runner, memory);
    }
    return memory;
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

  /**
   * `cash`, a giver holding a short: its cash is partly short-sale proceeds, so paying the transfer
   * from cash alone would lever it up. Every position is cut to `factor` = new equity / old equity
   * instead (sells of longs, covers of shorts, under the fill rule).
   */
  private scaleDown(sleeve: TransferSleeve, factor: number, time: number, queued: QueuedTransferOrders): void {
    const { book, logger } = sleeve;
    const { quantity, symbols } = book.account;
    for (let k = 0; k < quantity.length; k++) {
      const held = quantity[k] ?? 0;
      if (held === 0) continue;
      const reduced = this.options.orders.reduce(book, k, reductionFor(held, factor, this.options.fractional), 'transfer');
      if (reduced > 0) queued.reduce(book.id, symbols[k] ?? '?', held, reduced);
    }
    if (logger === noopLogger) return;
    logger.info(
      { event: 'transfer-scale-down', time: isoTime(time), factor },
      `sleeve ${book.id} holds a short: every position scaled by ${factor} to fund its transfer`,
    );
  }

  /**
   * `cash`, a giver: when its transfer exceeded its cash (`shortfall` > 0), sales of one share `f`
   * of each long position whose symbol has a bar now, sized at its latest mark with each sale's
   * own slippage and commission (a fixed or minimum commission is paid per sale, not in
   * proportion), the smallest share whose proceeds bring its cash back to zero. What even selling
   * all of them cannot raise (a target of 0 against the costs of selling out, a position that
   * cannot trade now) is kept back: the giver moves that much less and ends at zero, not below.
   * So too what closing the positions it keeps would cost beyond their value and its cash (crumbs
   * left against a fixed or minimum commission, see {@link keptToClose}); a giver that would keep
   * back all it gives (`giving`) is left as it is (`belowCosts`). Returns what it keeps.
   */
  private raiseCash(sleeve: TransferSleeve, shortfall: number, giving: number, time: number, queued: QueuedTransferOrders): number {
    const { book, logger } = sleeve;
    const { fractional } = this.options;
    const { account } = book;
    const { quantity, markPrice, symbols } = account;
    // A long with a bar now, whose sale raises something after its costs (a minimum commission
    // above a small position's value would only deepen the shortfall).
    const tradable = (k: number): boolean =>
      (quantity[k] ?? 0) > 0 && (markPrice[k] ?? 0) > 0 && (book.runner.index[k] ?? -1) >= 0 && this.proceeds(quantity[k] ?? 0, markPrice[k] ?? 0) > 0;
    const unitsAt = (k: number, share: number): number => {
      const held = quantity[k] ?? 0;
      return share >= 1 ? held : fractional ? held * share : Math.min(held, Math.ceil(held * share - 1e-9));
    };
    const raised = (share: number): number => {
      let total = 0;
      for (let k = 0; k < quantity.length; k++) {
        if (!tradable(k)) continue;
        const units = unitsAt(k, share);
        if (units > 0) total += this.proceeds(units, markPrice[k] ?? 0);
      }
      return total;
    };
    let share = 0;
    let kept = 0;
    if (shortfall > 0) {
      const all = raised(1);
      share = 1;
      if (all > shortfall) {
        // Proceeds grow with the share (whole units in steps): the smallest share that covers it.
        let low = 0;
        for (let i = 0; i < 60 && share - low > 1e-12; i++) {
          const middle = (low + share) / 2;
          if (raised(middle) >= shortfall) share = middle;
          else low = middle;
        }
      }
      kept = all >= shortfall ? 0 : shortfall - Math.max(0, all);
    }
    const sold = (k: number): number => (share > 0 && tradable(k) ? unitsAt(k, share) : 0);
    // What it keeps, once those sales have filled, has to pay for its own closing.
    const unraised = kept;
    const after = this.unitsAfter(quantity.length);
    for (let k = 0; k < quantity.length; k++) after[k] = (quantity[k] ?? 0) - sold(k);
    const lacking = this.cashToClose(account, account.cash + kept + (share > 0 ? raised(share) : 0), after);
    const toClose = this.keptToClose(lacking, kept, giving);
    if (toClose === null) {
      account.deposit(giving);
      this.belowCosts = true;
      this.logLeftToClose(sleeve, -giving, lacking, time);
      return giving;
    }
    kept += toClose;
    let count = 0;
    for (let k = 0; k < quantity.length; k++) {
      const units = sold(k);
      if (!(units > 0)) continue;
      const held = quantity[k] ?? 0;
      const reduced = this.options.orders.reduce(book, k, units, 'transfer');
      if (reduced > 0) {
        queued.reduce(book.id, symbols[k] ?? '?', held, reduced);
        count++;
      }
    }
    if (kept > 0) account.deposit(kept);
    if (logger === noopLogger) return kept;
    if (kept > 0) {
      logger.info(
        { event: 'transfer-kept', time: isoTime(time), shortfall, kept, ...(toClose > 0 ? { closing: toClose } : {}) },
        toClose > 0
          ? `sleeve ${book.id} keeps back ${kept} and gives that much less: ${toClose} of it pays for closing the positions it keeps, even at half their price${unraised > 0 ? `; ${unraised} it cannot raise from the positions it can sell now` : ''}`
          : `sleeve ${book.id} cannot raise ${shortfall} from the positions it can sell now (net of their costs): it keeps back ${kept} and gives that much less`,
      );
    }
    if (count > 0) {
      logger.info(
        { event: 'transfer-sale', time: isoTime(time), shortfall, fraction: share },
        `sleeve ${book.id} sells ${(share * 100).toFixed(2)}% of its long positions to fund its transfer`,
      );
    }
    return kept;
  }
}

/** Cash below this share of a giver's equity (at least 1) is rounding, not a shortfall to keep back. */
const DUST_CASH = 1e-9;

/** `units` (≥ 0) to the nearest whole unit, unless fractional. */
function nearestUnits(units: number, fractional: boolean): number {
  if (!(units > 0)) return 0;
  return fractional ? units : Math.round(units);
}

/** Whether `quantity` holds a position: any (`side` 0), or a short (`side` −1). */
function holds(quantity: Float64Array, side: 0 | -1): boolean {
  for (const held of quantity) if (side === 0 ? held !== 0 : held < 0) return true;
  return false;
}
