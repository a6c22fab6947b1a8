import { isoTime, noopLogger } from '@ensemble/protocol';
import { saleProceeds } from '@ensemble/engine/internal';
import type { OrchestratorOrders } from '../internal/orchestrator-orders';
import { reductionFor } from '../internal/orchestrator-orders';
import { cashToClose, keptToClose, logLeftToClose, unitsScratch } from './transfer-costs';
import type { TransferCosts, TransferSleeve } from './transfer-costs';
import type { QueuedTransferOrders } from './transfer-orders';

/** Options of {@link CashTransfer}: the run's costs and the orchestrator's own orders of the step. */
export interface CashTransferOptions extends TransferCosts {
  readonly orders: OrchestratorOrders;
}

/**
 * `cash` transfers: only cash moves. A giver whose cash goes negative sells the same fraction of
 * every long to bring it back to zero; a giver holding a short is scaled down instead. See
 * `CapitalTransfers` for when a sleeve is moved at all.
 */
export class CashTransfer {
  private readonly options: CashTransferOptions;
  /** Scratch of {@link CashTransfer.raiseCash}, per symbol of the sleeve: the units held once its sales fill. */
  private after = new Float64Array(0);
  /**
   * Whether the last {@link CashTransfer.raiseCash} left the sleeve as it was because it would have
   * kept back all it gave to pay for closing what it keeps.
   */
  belowCosts = false;

  constructor(options: CashTransferOptions) {
    this.options = options;
  }

  /** Cash a sale of `units` at `mark` brings in, net of slippage and commission. */
  private proceeds(units: number, mark: number): number {
    return saleProceeds(this.options, units, mark);
  }

  /**
   * `cash`, a giver holding a short: its cash is partly short-sale proceeds, so paying the transfer
   * from cash alone would lever it up. Every position is cut to `factor` = new equity / old equity
   * instead (sells of longs, covers of shorts, under the fill rule).
   */
  scaleDown(sleeve: TransferSleeve, factor: number, time: number, queued: QueuedTransferOrders): void {
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
  raiseCash(sleeve: TransferSleeve, shortfall: number, giving: number, time: number, queued: QueuedTransferOrders): number {
    this.belowCosts = false;
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
    const after = (this.after = unitsScratch(this.after, quantity.length));
    for (let k = 0; k < quantity.length; k++) after[k] = (quantity[k] ?? 0) - sold(k);
    const lacking = cashToClose(this.options, account, account.cash + kept + (share > 0 ? raised(share) : 0), after);
    const toClose = keptToClose(lacking, kept, giving);
    if (toClose === null) {
      account.deposit(giving);
      this.belowCosts = true;
      logLeftToClose(sleeve, -giving, lacking, time);
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
