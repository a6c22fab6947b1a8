import type { OrchestratorOrders } from '../internal/orchestrator-orders';
import type { SleeveExecutor } from '../internal/sleeve-executor';
import type { Rebalancing } from './rebalancing';
import type { Sleeve } from './sleeves';

/** A sleeve whose capital has moved at an open: its marks put back at the last close, its orders into the open's window. */
function fillAfterMove(sleeve: Sleeve): void {
  const runner = sleeve.runner;
  runner.restoreMarks();
  if (runner.pendingOrders > 0) runner.fillAtOpen();
}

/**
 * Sleeves mode with `next-open` fills: the open's fill window (phase 1 of a step) of the sleeves
 * with orders waiting, crossed together, and the capital of a rebalance decided at the last close
 * moved at this open.
 */
export class OpenWindow {
  private readonly sleeves: readonly Sleeve[];
  private readonly executor: SleeveExecutor;
  private readonly rebalancing: Rebalancing;
  private readonly orders: OrchestratorOrders;

  constructor(sleeves: readonly Sleeve[], executor: SleeveExecutor, rebalancing: Rebalancing, orders: OrchestratorOrders) {
    this.sleeves = sleeves;
    this.executor = executor;
    this.rebalancing = rebalancing;
    this.orders = orders;
  }

  /** The open fills of step `t` of the sleeves with orders waiting (`entries` false: all but the entries). */
  fill(t: number, entries: boolean): void {
    const executor = this.executor;
    executor.begin();
    for (const sleeve of this.sleeves) {
      const runner = sleeve.runner;
      if (runner.pendingOrders > 0) {
        runner.beginStep(t);
        runner.fillAtOpen(entries);
      }
    }
    executor.settle();
  }

  /**
   * The open of step `t` after a rebalance at the last close: the exits, sales and placed orders
   * fill, then the capital moves ({@link OpenWindow.move}) — the entries, sized at their fill, are
   * left for after the move. A move keeps the last close's risk trims in view: a trim decided with
   * the rebalance stands against the transfer's purchase of that position, as with close fills.
   */
  fillAndMove(t: number): void {
    this.orders.carryReductionsToOpen();
    this.fill(t, false);
    this.move(t);
  }

  /**
   * The capital of the rebalance decided at the last close moves at this open, after the exits,
   * sales and placed orders of the close have filled (as the strategy's would alone). Every sleeve
   * is marked at its open, the portfolio valued there, and the transfer orders, sized at the open,
   * fill in a second open window, crossed together, with the entries of the close: an entry is
   * sized at its fill, so on the sleeve's new capital, in one order.
   */
  private move(t: number): void {
    const { sleeves, executor, rebalancing } = this;
    let equity = rebalancing.reserve;
    for (const sleeve of sleeves) {
      sleeve.runner.markOpen(t);
      equity += sleeve.runner.markedEquity;
    }
    // The entries filled next are sized against the last close, as the strategy alone sizes them:
    // a sleeve's marks are its own, each put back once its capital has moved, just before its
    // orders join the open's window.
    executor.begin();
    if (!rebalancing.moveAtOpen(t, equity, fillAfterMove)) for (const sleeve of sleeves) fillAfterMove(sleeve);
    executor.settle();
    // The risk checks of this close start from nothing placed.
    this.orders.clear();
  }
}
