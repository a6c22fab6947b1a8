import type { CommissionModel, SlippageModel } from '@ensemble/engine';
import { isoTime, noopLogger } from '@ensemble/protocol';
import type { TransferMode } from '../config';
import type { OrchestratorOrders, PositionBook } from '../internal/orchestrator-orders';
import { CashTransfer } from './cash-transfer';
import { ProRataTransfer } from './pro-rata-transfer';
import { DUST_CASH, holds, sellingCosts } from './transfer-costs';
import type { TransferSleeve } from './transfer-costs';
import type { QueuedTransferOrders } from './transfer-orders';

export type { TransferSleeve } from './transfer-costs';

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
 *   unless something else traded the position in between, so rounding never piles up
 *   (`run/pro-rata-transfer.ts`, `run/exact-units.ts`).
 * - **`cash`**: only cash moves. A giver whose cash goes negative sells the same fraction of every
 *   long to bring it back to zero; a giver holding a short is scaled down instead
 *   (`run/cash-transfer.ts`).
 *
 * Either way a giver keeps back, from what it gives, the cash that closes the positions it keeps
 * even at half their price, where their own sale would then raise less than its costs (crumbs a
 * cut leaves against a fixed or minimum commission): its strategy's later exit would otherwise
 * take it below 0. One that would keep back all it gives is left as it is (`belowCosts`); those
 * checks are `run/transfer-costs.ts`.
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
  private readonly proRata: ProRataTransfer;
  private readonly cash: CashTransfer;
  /**
   * Whether the last {@link CapitalTransfers.move} left the sleeve as it was because scaling its
   * book would have cost at least the amount it moved (a fixed or minimum commission against a
   * small transfer): no order, no cash moved, and it returned 0.
   */
  belowCosts = false;

  constructor(options: CapitalTransfersOptions) {
    this.options = options;
    this.proRata = new ProRataTransfer(options);
    this.cash = new CashTransfer(options);
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
      const selling = amount < 0 ? sellingCosts(this.options, account) : 0;
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
      } else if (selling > 0) {
        // Its orders sell what the transfer took from its cash, with no purchase whose size its
        // cash would shrink: sized to its new equity, weights summing to 1 would leave its cash
        // below 0 by their costs. They are sized to the new equity less what selling its whole
        // book costs — at least what these sales cost, crossed or not — which stays in its cash.
        runner.sizeRebalanceTo(step, target - selling);
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
    if (proRata) {
      const kept = this.proRata.scale(sleeve, current, target, time, queued);
      this.belowCosts = this.proRata.belowCosts;
      return amount + kept;
    }
    if (amount < 0 && holds(account.quantity, -1)) this.cash.scaleDown(sleeve, current > 0 ? Math.max(0, target / current) : 0, time, queued);
    else if (amount < 0) {
      const shortfall = account.cash < -DUST_CASH * Math.max(1, Math.abs(current)) ? -account.cash : 0;
      const kept = this.cash.raiseCash(sleeve, shortfall, -amount, time, queued);
      this.belowCosts = this.cash.belowCosts;
      return amount + kept;
    }
    return amount;
  }
}
