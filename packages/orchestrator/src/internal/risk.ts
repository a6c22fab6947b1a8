import type { CommissionModel, SlippageModel } from '@ensemble/engine';
import { commissionFor, slippedPrice } from '@ensemble/engine';
import type { Logger } from '@ensemble/protocol';
import { barTime, isoTime } from '@ensemble/protocol';
import type { RunConfig } from '../config';
import type { RiskEvent, RiskEventKind } from '../result';
import type { OrchestratorOrders, PositionBook } from './orchestrator-orders';
import { reductionFor } from './orchestrator-orders';

/** Breaches are ignored below this relative excess, so that rounding does not trim. */
const TOLERANCE = 1e-9;

/** An amount of money as the detail of an event gives it: 2 decimals, or 4 significant digits below 0.01. */
function formatMoney(amount: number): string {
  return Math.abs(amount) >= 0.01 || amount === 0 ? amount.toFixed(2) : amount.toPrecision(4);
}

/** The run's costs, as a risk trim's orders pay them. */
export interface TrimCosts {
  readonly commission: CommissionModel;
  readonly slippage: SlippageModel;
}

/** A symbol cap's positions: every symbol (`ALL_SYMBOLS`) for the gross and net caps. */
const ALL_SYMBOLS = -1;

/** Whether `limits` sets any risk limit (a run without one skips the checks entirely). */
export function anyRiskLimit(limits: RunConfig['risk']): boolean {
  const { maxGrossExposure, maxNetExposure, maxSymbolExposure, maxDrawdown } = limits;
  return maxGrossExposure !== undefined || maxNetExposure !== undefined || maxSymbolExposure !== undefined || maxDrawdown !== undefined;
}

/**
 * Portfolio risk limits, checked at each bar's close after the marks: exposure caps trim positions
 * pro rata (orders filled under the run's fill rule), the drawdown stop flattens and halts or
 * scales down once. A cap's trim whose costs (commission and slippage at the marks) are at least
 * what it sells is skipped. Every breach is recorded and logged.
 */
export class RiskManager {
  /** Every breach so far. */
  readonly events: RiskEvent[] = [];
  private readonly limits: RunConfig['risk'];
  private readonly fractional: boolean;
  private readonly costs: TrimCosts;
  private readonly logger: Logger;
  private readonly net: Float64Array;
  /**
   * Per book, each position's units as this step's orders of the orchestrator leave it — a
   * rebalance's transfers at this close — which the caps of {@link RiskManager.checkExposure}
   * measure; read only while {@link RiskManager.projecting}.
   */
  private readonly projected = new Map<PositionBook, Float64Array>();
  /** Whether the current check measures {@link RiskManager.projected} (the orchestrator placed orders on this step), not the holdings. */
  private projecting = false;
  /** Per book, the share of each position the trims planned in the current {@link RiskManager.checkExposure} keep. */
  private readonly kept = new Map<PositionBook, Float64Array>();
  /** What the trim last weighed by {@link RiskManager.weigh} sells at the marks, and what its orders cost. */
  private saleValue = 0;
  private saleCosts = 0;
  private peak = Number.NEGATIVE_INFINITY;
  private tripped = false;
  /** True once a `flatten` drawdown stop fired: no more trading. */
  halted = false;

  constructor(limits: RunConfig['risk'], symbolCount: number, fractional: boolean, logger: Logger, costs: TrimCosts) {
    this.limits = limits;
    this.fractional = fractional;
    this.costs = costs;
    this.logger = logger;
    this.net = new Float64Array(symbolCount);
  }

  /** Whether any limit is set (otherwise the checks are skipped entirely). */
  get enabled(): boolean {
    return anyRiskLimit(this.limits);
  }

  /**
   * The drawdown stop at portfolio equity `equity`: returns `flatten` or `scale-down` when it
   * fires (the caller acts), null otherwise. Fires at most once.
   */
  checkDrawdown(time: number, equity: number, books: readonly PositionBook[], orders: OrchestratorOrders): 'flatten' | 'scale-down' | null {
    const stop = this.limits.maxDrawdown;
    if (equity > this.peak) this.peak = equity;
    if (stop === undefined || this.tripped || !(this.peak > 0)) return null;
    const drawdown = equity / this.peak - 1;
    if (!(drawdown <= -stop.limit)) return null;
    this.tripped = true;
    if (stop.action === 'flatten') {
      this.halted = true;
      for (const book of books) {
        book.runner.closeOut('risk');
        book.runner.disable();
      }
      this.record(time, 'drawdown', null, -drawdown, stop.limit, 'flatten', 0, `portfolio drawdown ${(-drawdown * 100).toFixed(2)}% reached the ${(stop.limit * 100).toFixed(2)}% stop on ${barTime(time)}: every position closed, trading halted`);
      return 'flatten';
    }
    for (const book of books) {
      const quantity = book.account.quantity;
      for (let k = 0; k < quantity.length; k++) {
        const held = quantity[k] ?? 0;
        if (held !== 0) orders.reduce(book, k, reductionFor(held, stop.scale, this.fractional), 'risk');
      }
    }
    this.record(time, 'drawdown', null, -drawdown, stop.limit, 'scale-down', stop.scale, `portfolio drawdown ${(-drawdown * 100).toFixed(2)}% reached the ${(stop.limit * 100).toFixed(2)}% stop on ${barTime(time)}: every position scaled by ${stop.scale}`);
    return 'scale-down';
  }

  /**
   * Exposure caps at portfolio equity `equity`: trims what breaches them — the symbol caps, then
   * the gross cap on the book those trims leave, then the net cap on the book both leave — so that
   * a later cap cuts only what the earlier trims did not (a symbol trimmed to its cap can leave
   * gross exposure under its cap, and then the other positions keep their size). A cap's trim
   * whose orders would cost (commission and slippage at the marks) at least what they sell is
   * skipped and recorded as such: the cap then stays exceeded by at most that cost.
   */
  checkExposure(time: number, equity: number, books: readonly PositionBook[], orders: OrchestratorOrders): void {
    const { maxGrossExposure, maxNetExposure, maxSymbolExposure } = this.limits;
    if ((maxGrossExposure === undefined && maxNetExposure === undefined && maxSymbolExposure === undefined) || !(equity > 0)) return;
    this.project(books, orders);
    // Measured after the transfers a rebalance placed at this close: they fill with the trims, so
    // a cap holds once they have; a trim takes back a transfer's purchase before it sells.
    const transfers = !this.projecting ? '' : orders.transfersPlaced ? " (after this close's transfers)" : " (after this close's drawdown scale-down)";
    const net = this.net;
    this.sumNet(books, false);
    let trimmed = false;
    if (maxSymbolExposure !== undefined) {
      for (let g = 0; g < net.length; g++) {
        const value = net[g] ?? 0;
        const share = Math.abs(value) / equity;
        if (share > maxSymbolExposure * (1 + TOLERANCE)) {
          const direction = Math.sign(value);
          // Only the positions on the net's side are cut, so they keep what brings the net to the
          // cap: with sleeves long 90 and short 10, a cap of 50 cuts the longs by 30 (to 2/3), not
          // to 50/80 of themselves (which would leave a net of 46.25).
          let side = 0;
          let symbol = '';
          for (const book of books) {
            const { markPrice } = book.account;
            const quantity = this.unitsIn(book);
            for (let k = 0; k < quantity.length; k++) {
              const held = quantity[k] ?? 0;
              if (book.globalIndex[k] === g && Math.sign(held) === direction) {
                side += Math.abs(held * (markPrice[k] ?? 0));
                symbol = book.account.symbols[k] ?? symbol;
              }
            }
          }
          const excess = Math.abs(value) - maxSymbolExposure * equity;
          const factor = side > 0 ? Math.max(0, (side - excess) / side) : 0;
          const subject = `${symbol} exposure ${(share * 100).toFixed(2)}% of equity${transfers} is above the ${(maxSymbolExposure * 100).toFixed(2)}% cap on ${barTime(time)}`;
          if (this.weigh(books, g, direction, factor, trimmed)) {
            this.trim(books, orders, g, direction, factor, trimmed);
            trimmed = true;
            this.record(time, 'symbol-exposure', symbol, share, maxSymbolExposure, 'trim', factor, `${subject}: its positions trimmed to ${(factor * 100).toFixed(2)}% of their size`);
          } else {
            this.recordSkip(time, 'symbol-exposure', symbol, share, maxSymbolExposure, factor, subject, 'its positions');
          }
        }
      }
    }
    // The book as the trims so far leave it: what the next cap measures.
    if (trimmed) this.sumNet(books, true);
    let gross = 0;
    let total = 0;
    for (const value of net) {
      gross += Math.abs(value);
      total += value;
    }
    const after = trimmed ? ' (after the trims above)' : transfers;
    if (maxGrossExposure !== undefined && gross / equity > maxGrossExposure * (1 + TOLERANCE)) {
      const share = gross / equity;
      const factor = maxGrossExposure / share;
      const subject = `gross exposure ${(share * 100).toFixed(2)}% of equity${after} is above the ${(maxGrossExposure * 100).toFixed(2)}% cap on ${barTime(time)}`;
      if (this.weigh(books, ALL_SYMBOLS, 0, factor, trimmed)) {
        this.trim(books, orders, ALL_SYMBOLS, 0, factor, trimmed);
        if (maxNetExposure !== undefined) total *= factor;
        trimmed = true;
        this.record(time, 'gross-exposure', null, share, maxGrossExposure, 'trim', factor, `${subject}: every position trimmed to ${(factor * 100).toFixed(2)}% of its size`);
      } else {
        this.recordSkip(time, 'gross-exposure', null, share, maxGrossExposure, factor, subject, 'every position');
      }
    }
    if (maxNetExposure !== undefined && Math.abs(total) / equity > maxNetExposure * (1 + TOLERANCE)) {
      const share = Math.abs(total) / equity;
      const direction = Math.sign(total);
      // The positions on the net's side, each at its own value (not netted per symbol): they are what is cut.
      let dominant = 0;
      for (const book of books) {
        const { markPrice } = book.account;
        const quantity = this.unitsIn(book);
        const kept = trimmed ? this.kept.get(book) : undefined;
        for (let k = 0; k < quantity.length; k++) {
          const held = quantity[k] ?? 0;
          if (Math.sign(held) === direction) dominant += Math.abs(held * (markPrice[k] ?? 0)) * (kept?.[k] ?? 1);
        }
      }
      const excess = Math.abs(total) - maxNetExposure * equity;
      const factor = dominant > 0 ? Math.max(0, (dominant - excess) / dominant) : 0;
      const netAfter = trimmed ? ' (after the trims above)' : transfers;
      const subject = `net exposure ${(share * 100).toFixed(2)}% of equity${netAfter} is above the ${(maxNetExposure * 100).toFixed(2)}% cap on ${barTime(time)}`;
      const sides = `${direction > 0 ? 'long' : 'short'} positions`;
      if (this.weigh(books, ALL_SYMBOLS, direction, factor, trimmed)) {
        this.trim(books, orders, ALL_SYMBOLS, direction, factor, trimmed);
        this.record(time, 'net-exposure', null, share, maxNetExposure, 'trim', factor, `${subject}: ${sides} trimmed to ${(factor * 100).toFixed(2)}% of their size`);
      } else {
        this.recordSkip(time, 'net-exposure', null, share, maxNetExposure, factor, subject, sides);
      }
    }
  }

  /** Sets {@link RiskManager.projected} from each book's holdings and this step's orders of the orchestrator, when it placed any. */
  private project(books: readonly PositionBook[], orders: OrchestratorOrders): void {
    this.projecting = orders.placedAny;
    if (!this.projecting) return;
    for (const book of books) {
      const quantity = book.account.quantity;
      let column = this.projected.get(book);
      if (column === undefined) {
        column = new Float64Array(quantity.length);
        this.projected.set(book, column);
      }
      for (let k = 0; k < quantity.length; k++) {
        const held = quantity[k] ?? 0;
        column[k] = held === 0 ? 0 : held + Math.sign(held) * orders.placedChange(book, k);
      }
    }
  }

  /** The units of each position of `book` the current check measures: its holdings, or as this step's orders of the orchestrator leave them. */
  private unitsIn(book: PositionBook): Float64Array {
    return (this.projecting ? this.projected.get(book) : undefined) ?? book.account.quantity;
  }

  /**
   * Fills {@link RiskManager.net} with each symbol's net position value across the books: at the
   * marks, or, with `kept`, as the trims planned in this check leave the positions.
   */
  private sumNet(books: readonly PositionBook[], kept: boolean): void {
    const net = this.net;
    net.fill(0);
    for (const book of books) {
      const { markPrice } = book.account;
      const quantity = this.unitsIn(book);
      const share = kept ? this.kept.get(book) : undefined;
      for (let k = 0; k < quantity.length; k++) {
        const held = quantity[k] ?? 0;
        if (held !== 0) {
          const g = book.globalIndex[k] ?? -1;
          if (g >= 0) net[g] = (net[g] ?? 0) + held * (markPrice[k] ?? 0) * (share?.[k] ?? 1);
        }
      }
    }
  }

  /**
   * The share of each position of `book` the trims planned in this check keep: a column of 1s at
   * the first trim of a check (`started` false), the same column after it.
   */
  private keptOf(book: PositionBook, started: boolean): Float64Array {
    let column = this.kept.get(book);
    if (column === undefined) {
      column = new Float64Array(book.account.quantity.length);
      this.kept.set(book, column);
    }
    if (!started) column.fill(1);
    return column;
  }

  /** Whether position `k` of `book` is one a cut of symbol `g` (or {@link ALL_SYMBOLS}) on side `direction` (0: both) takes. */
  private static cuts(book: PositionBook, k: number, held: number, g: number, direction: number): boolean {
    return held !== 0 && (g === ALL_SYMBOLS || book.globalIndex[k] === g) && (direction === 0 || Math.sign(held) === direction);
  }

  /**
   * Whether a cut of the positions of symbol `g` (or every symbol) on side `direction` to `factor`
   * of what the earlier trims of this check (`started`) keep sells more than its orders cost:
   * the units it adds to those trims' reductions, at the marks, against the commission and
   * slippage they add (a position an earlier trim reduces already pays its order's fixed or
   * minimum commission once). Sets {@link RiskManager.saleValue} and {@link RiskManager.saleCosts}.
   */
  private weigh(books: readonly PositionBook[], g: number, direction: number, factor: number, started: boolean): boolean {
    const fractional = this.fractional;
    let value = 0;
    let costs = 0;
    for (const book of books) {
      const { quantity, markPrice } = book.account;
      const units = this.unitsIn(book);
      const kept = started ? this.kept.get(book) : undefined;
      for (let k = 0; k < units.length; k++) {
        const size = units[k] ?? 0;
        if (!RiskManager.cuts(book, k, size, g, direction)) continue;
        const held = quantity[k] ?? 0;
        const mark = markPrice[k] ?? 0;
        const before = kept?.[k] ?? 1;
        const earlier = before < 1 ? reductionFor(size, before, fractional) : 0;
        const cut = reductionFor(size, before * factor, fractional);
        value += (cut - earlier) * mark;
        // The cost the cut adds to the position's order (a transfer's purchase it shrinks costs less).
        costs += this.orderCost(held, size, cut, mark) - this.orderCost(held, size, earlier, mark);
      }
    }
    this.saleValue = value;
    this.saleCosts = costs;
    return !(costs > 0 && costs >= value);
  }

  /**
   * What the order taking a position of `held` units to `size` (its size after this step's orders
   * of the orchestrator) less `cut` costs at `mark`: commission and slippage.
   */
  private orderCost(held: number, size: number, cut: number, mark: number): number {
    const change = Math.abs(size) - cut - Math.abs(held);
    const units = Math.abs(change);
    if (!(units > 0) || !(mark > 0)) return 0;
    const price = slippedPrice(this.costs.slippage, (held > 0) === (change > 0) ? 'buy' : 'sell', mark);
    return commissionFor(this.costs.commission, units, price) + Math.abs(price - mark) * units;
  }

  /**
   * Cuts the positions of symbol `g` (or every symbol) on side `direction` (0: both) to `factor` of
   * what the earlier trims of this check keep, with orders: a cut takes back a transfer's purchase
   * of this close first (the purchase shrinks), and sells beyond it only where it must.
   */
  private trim(books: readonly PositionBook[], orders: OrchestratorOrders, g: number, direction: number, factor: number, started: boolean): void {
    if (!started) for (const book of books) this.keptOf(book, false);
    for (const book of books) {
      const quantity = book.account.quantity;
      const units = this.unitsIn(book);
      const kept = this.keptOf(book, true);
      for (let k = 0; k < units.length; k++) {
        const size = units[k] ?? 0;
        if (!RiskManager.cuts(book, k, size, g, direction)) continue;
        kept[k] = (kept[k] ?? 1) * factor;
        const change = Math.abs(size) - reductionFor(size, kept[k] ?? factor, this.fractional) - Math.abs(quantity[k] ?? 0);
        if (change < 0) orders.reduce(book, k, -change, 'risk');
        else orders.limitIncrease(book, k, change);
      }
    }
  }

  /** Records a cap's trim skipped by {@link RiskManager.weigh}: a `skip` event keeping every position (factor 1), logged at info. */
  private recordSkip(time: number, kind: RiskEventKind, symbol: string | null, share: number, limit: number, factor: number, subject: string, what: string): void {
    const detail = `${subject}: trimming ${what} to ${(factor * 100).toFixed(2)}% of their size would sell ${formatMoney(this.saleValue)} for ${formatMoney(this.saleCosts)} of costs, so nothing was sold`;
    this.record(time, kind, symbol, share, limit, 'skip', 1, detail);
  }

  private record(
    time: number,
    kind: RiskEventKind,
    symbol: string | null,
    value: number,
    limit: number,
    action: RiskEvent['action'],
    factor: number,
    detail: string,
  ): void {
    const event: RiskEvent = { time, kind, symbol, value, limit, action, factor, detail };
    this.events.push(event);
    if (action === 'skip') this.logger.info({ event: 'risk-trim-skipped', ...event, time: isoTime(time) }, detail);
    else this.logger.warn({ event: 'risk-breach', ...event, time: isoTime(time) }, detail);
  }
}
