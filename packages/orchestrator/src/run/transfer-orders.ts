import type { TransferOrder } from '../result';

/**
 * The orders the transfers of one rebalance queued, kept in columns (a rebalance of 1,000 sleeves
 * queues about 1,000) until its `RebalanceEvent`'s `orders` and `sales` are first read.
 */
export class QueuedTransferOrders {
  private readonly strategyIds: string[] = [];
  private readonly symbols: string[] = [];
  /** Signed units, + buy, − sell. */
  private readonly quantities: number[] = [];
  /** Per order, whether it reduces a position. */
  private readonly reducing: boolean[] = [];

  /** Orders queued. */
  get length(): number {
    return this.quantities.length;
  }

  /** Queues a purchase (+) or sale (−) of `quantity` units that adds to a position or opens one. */
  add(strategyId: string, symbol: string, quantity: number): void {
    this.push(strategyId, symbol, quantity, false);
  }

  /** Queues a reduction by `reduced` units of a position of `held` units (a long sold, a short covered). */
  reduce(strategyId: string, symbol: string, held: number, reduced: number): void {
    this.push(strategyId, symbol, held > 0 ? -reduced : reduced, true);
  }

  /** Every order in signed units, + buy, − sell, in the order queued. */
  orders(): TransferOrder[] {
    return this.quantities.map((quantity, i) => ({ strategyId: this.strategyIds[i] ?? '?', symbol: this.symbols[i] ?? '?', quantity }));
  }

  /** The reducing orders, in units reduced: + a long sold, − a short covered. */
  sales(): TransferOrder[] {
    const out: TransferOrder[] = [];
    this.quantities.forEach((quantity, i) => {
      if (this.reducing[i] === true) out.push({ strategyId: this.strategyIds[i] ?? '?', symbol: this.symbols[i] ?? '?', quantity: -quantity });
    });
    return out;
  }

  private push(strategyId: string, symbol: string, quantity: number, reducing: boolean): void {
    this.strategyIds.push(strategyId);
    this.symbols.push(symbol);
    this.quantities.push(quantity);
    this.reducing.push(reducing);
  }
}
