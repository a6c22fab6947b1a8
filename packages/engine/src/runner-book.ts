import type { AnyStrategy, BarSeries, EntrySignal, FillReason, Logger, PortfolioStrategy, RebalanceRule, Strategy } from '@ensemble/protocol';
import { SeriesCursor, computeIndicators, isPortfolioStrategy, isoTime, noopLogger } from '@ensemble/protocol';
import type { Account } from './account';
import { checkEntrySignal } from './entry-signal';
import type { OrderExecutor } from './execution';
import { OrderSlot } from './execution';
import type { StrategyRunnerOptions } from './runner-options';
import type { SizingRule } from './sizing';
import { DEFAULT_SIZING } from './sizing';

/** Kinds of the order pending on a symbol: none, the strategy's entry or exit, or a placed order. */
export const NONE = 0;
export const ENTRY = 1;
export const EXIT = 2;
export const ORDER = 3;

/** Equity below −this × gross exposure is below zero for the margin call (above it: rounding). */
const MARGIN_DUST = 1e-9;

/** Columns already found to be the identity over their timeline's steps (by column, then steps). */
const identities = new WeakMap<Int32Array, number>();

/** Whether `column[t] === t` for every step `t` of a timeline of `steps` steps (remembered per column). */
function isIdentity(column: Int32Array | undefined, steps: number): boolean {
  if (column === undefined || column.length < steps) return false;
  if (identities.get(column) === steps) return true;
  for (let t = 0; t < steps; t++) if (column[t] !== t) return false;
  identities.set(column, steps);
  return true;
}

/** The timeline steps holding each series' last bar, sorted and unique. */
function endStepsOf(series: readonly BarSeries[], barIndex: readonly Int32Array[] | null): Int32Array {
  if (barIndex === null) return Int32Array.of((series[0]?.length ?? 0) - 1);
  const steps = series.map((s, k) => {
    const map = barIndex[k];
    if (map === undefined) return -1;
    let t = map.length - 1;
    while (t >= 0 && map[t] !== s.length - 1) t--;
    return t;
  });
  return Int32Array.from(new Set(steps)).sort();
}

/** Why an order was dropped, in words, for its `order-dropped` event. */
const DROPPED_BECAUSE: Readonly<Record<'last-bar' | 'end-of-data' | 'replaced' | 'margin-call', string>> = {
  'last-bar': "it was waiting for the next open on the symbol's last bar, and no bar follows",
  'end-of-data': 'the data ended before it could fill',
  replaced: "a newer decision on the symbol (the strategy's, a rebalance's or a close-out) replaced it before it filled",
  'margin-call': 'the account was margin-called, and its waiting orders cancelled',
};

/**
 * What a {@link StrategyRunner} holds and how its orders execute: the strategy, its account and
 * series, the order pending on each symbol, and the fills of those orders (at the open or the
 * close, stops and take-profits inside a bar, last bars). The step phases build on it
 * (`step-runner.ts`), the fused loops on those (`strategy-runner.ts`).
 */
export abstract class RunnerBook {
  /** The strategy being run. */
  readonly strategy: AnyStrategy;
  /** The ledger it trades in. */
  readonly account: Account;
  /** Its symbols' bars, in the account's symbol order. */
  readonly series: readonly BarSeries[];
  /** The rebalance schedule in use (portfolio strategies), or null. */
  readonly rebalanceRule: RebalanceRule | null;
  /** Bar index of each symbol at the current step (-1: no bar). Read-only for callers. */
  readonly index: Int32Array;
  // The numbers written on every step start as doubles (NaN until the constructor sets them), not
  // `undefined` or a small integer: V8 then stores them unboxed, and a write allocates nothing.
  /** Equity of the account at its latest valuation (cash + Σ quantity × mark). */
  markedEquity = Number.NaN;
  /** Gross exposure of the account at its latest valuation (Σ |quantity × mark|). */
  markedGross = Number.NaN;
  protected readonly portfolio: PortfolioStrategy | null;
  protected readonly signal: Strategy | null;
  protected readonly executor: OrderExecutor;
  protected readonly logger: Logger;
  protected readonly time: Float64Array;
  protected readonly barIndex: readonly Int32Array[] | null;
  protected readonly nextOpen: boolean;
  protected readonly sizing: SizingRule;
  protected readonly fractional: boolean;
  protected readonly closeAtEnd: boolean;
  protected readonly cursors: readonly SeriesCursor[];
  /** The cash and equity strategies are shown, set before they are asked. */
  protected viewCash = Number.NaN;
  protected viewEquity = Number.NaN;
  protected readonly lastIndex: Int32Array;
  /** Sorted timeline steps on which some symbol has its last bar. */
  protected readonly endSteps: Int32Array;
  protected nextEnd = 0;
  protected readonly pendingKind: Int8Array;
  protected readonly pendingLong: Uint8Array;
  protected readonly pendingStrength: Float64Array;
  protected readonly pendingStop: Float64Array;
  protected readonly pendingTake: Float64Array;
  protected readonly pendingQuantity: Float64Array;
  protected readonly pendingReason: FillReason[];
  protected readonly rebalanceTimes: number[] = [];
  /** The request every order of this runner is executed with (refilled per order). */
  private readonly request = new OrderSlot();
  protected readonly indexBySymbol: ReadonlyMap<string, number>;
  protected pendingCount = 0;
  protected droppedCount = 0;
  protected fillsAtValuation = 0;
  protected depositsAtValuation = 0;
  protected lastRebalance = -1;
  protected enabled = true;
  /** Margin calls so far (see {@link RunnerBook.checkMargin}). */
  protected marginCallCount = 0;
  /** Set by a margin call, cleared once the equity is above zero again: the strategy is not asked meanwhile. */
  protected marginCalled = false;
  protected currentStep = -1;
  /** A signal strategy on one symbol: the per-step phases take their one-symbol paths. */
  protected readonly lone: boolean;
  /** That symbol's closes, and its bar index at every step (null: the bars are the steps). */
  protected readonly loneClose: Float64Array;
  protected readonly loneBars: Int32Array | null;
  /**
   * True when every series has a bar at every step (each bar index is the step): a step then
   * points every symbol at bar `step` without reading the bar-index columns.
   */
  protected readonly aligned: boolean;

  constructor(options: StrategyRunnerOptions) {
    const { strategy, series, account } = options;
    if (series.length !== account.symbols.length || series.some((s, k) => s.symbol !== account.symbols[k])) {
      throw new RangeError(`the runner's series (${series.map((s) => s.symbol).join(', ')}) must match the account's symbols (${account.symbols.join(', ')})`);
    }
    const n = series.length;
    this.strategy = strategy;
    this.account = account;
    this.series = series;
    this.executor = options.executor;
    this.logger = options.logger ?? noopLogger;
    this.time = options.time;
    this.barIndex = options.barIndex;
    this.nextOpen = (options.fill ?? 'next-open') === 'next-open';
    this.sizing = options.sizing ?? DEFAULT_SIZING;
    this.fractional = options.fractional ?? false;
    this.closeAtEnd = options.closeAtEnd ?? false;
    this.portfolio = isPortfolioStrategy(strategy) ? strategy : null;
    this.signal = isPortfolioStrategy(strategy) ? null : strategy;
    this.rebalanceRule = this.portfolio === null ? null : (options.rebalance ?? this.portfolio.rebalance);
    const signal = this.signal;
    const indicators = options.indicators;
    this.cursors = series.map((s, k) => new SeriesCursor(s, signal === null ? {} : (indicators?.[k] ?? computeIndicators(signal, s)), strategy.id));
    this.index = new Int32Array(n).fill(-1);
    this.lastIndex = Int32Array.from(series, (s) => s.length - 1);
    this.endSteps = endStepsOf(series, options.barIndex);
    this.pendingKind = new Int8Array(n);
    this.pendingLong = new Uint8Array(n);
    this.pendingStrength = new Float64Array(n);
    this.pendingStop = new Float64Array(n);
    this.pendingTake = new Float64Array(n);
    this.pendingQuantity = new Float64Array(n);
    this.pendingReason = Array.from({ length: n }, (): FillReason => 'entry');
    this.indexBySymbol = new Map(series.map((s, k) => [s.symbol, k]));
    this.lone = this.signal !== null && n === 1;
    this.loneClose = series[0]?.close ?? new Float64Array(0);
    this.aligned = options.barIndex?.every((column) => isIdentity(column, options.time.length)) ?? false;
    this.loneBars = this.aligned ? null : (options.barIndex?.[0] ?? null);
    this.markedEquity = account.equity();
    this.markedGross = 0;
  }

  /** Orders dropped so far (never filled: last bar, end of data, or replaced). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** How many times the account was margin-called: closes at which its equity was at or below zero with positions open. */
  get marginCalls(): number {
    return this.marginCallCount;
  }

  /**
   * Whether a margin call stands: the account was margin-called and its equity has not been above
   * zero at a decision since (its strategy is not asked meanwhile).
   */
  get underMarginCall(): boolean {
    return this.marginCalled;
  }

  /** Epoch ms of every rebalance decision so far (portfolio strategies). */
  get rebalances(): readonly number[] {
    return this.rebalanceTimes;
  }

  /** Whether the strategy is still asked for decisions (see {@link StrategyRunner.disable}). */
  get active(): boolean {
    return this.enabled;
  }


  /** Orders waiting to fill (the strategy's and placed ones). */
  get pendingOrders(): number {
    return this.pendingCount;
  }

  /** Epoch ms of the current step (NaN before the first). */
  protected get currentTime(): number {
    return this.time[this.currentStep] ?? Number.NaN;
  }

  /**
   * Values the account at its latest marks into {@link StrategyRunner.markedEquity} and
   * {@link StrategyRunner.markedGross}, unless nothing was booked or deposited since the last
   * valuation.
   * Returns the equity.
   */
  revalue(): number {
    const account = this.account;
    if (account.fillLog.length !== this.fillsAtValuation || account.netDeposits !== this.depositsAtValuation) this.value();
    return this.markedEquity;
  }

  /** After the last step: drops (and logs) every order still pending. */
  finish(): void {
    for (let k = 0; k < this.pendingKind.length; k++) if (this.pendingKind[k] !== NONE) this.drop(k, 'end-of-data');
  }

  /**
   * Queues an order of `quantity` units on symbol `k` (positive buys, negative sells), filled
   * under the fill rule like the strategy's own orders; it replaces any order pending on `k`.
   * How an orchestrator moves capital out of a sleeve or enforces a risk limit.
   */
  placeOrder(k: number, quantity: number, reason: FillReason): void {
    if (this.pendingKind[k] !== NONE) this.drop(k, 'replaced');
    if (quantity === 0 || !Number.isFinite(quantity)) return;
    this.pendingKind[k] = ORDER;
    this.pendingQuantity[k] = quantity;
    this.pendingReason[k] = reason;
    this.pendingCount++;
  }

  /**
   * Resizes the order placed on symbol `k` with {@link StrategyRunner.placeOrder} to `quantity`
   * (signed units; 0 withdraws it) with `reason`, without counting a dropped order: its placer
   * adjusting its own order before it fills (an orchestrator's risk cap shrinking the purchase its
   * transfer placed on the same close). With no placed order waiting there, places it as
   * `placeOrder` does.
   */
  resizePlacedOrder(k: number, quantity: number, reason: FillReason): void {
    if (this.pendingKind[k] !== ORDER) {
      this.placeOrder(k, quantity, reason);
      return;
    }
    if (quantity === 0 || !Number.isFinite(quantity)) {
      this.pendingKind[k] = NONE;
      this.pendingCount--;
      return;
    }
    this.pendingQuantity[k] = quantity;
    this.pendingReason[k] = reason;
  }

  /** The reason of the order placed with {@link StrategyRunner.placeOrder} waiting on symbol `k`, or null when none is. */
  placedOrderReason(k: number): FillReason | null {
    return this.pendingKind[k] === ORDER ? (this.pendingReason[k] ?? null) : null;
  }

  /**
   * Gives the order placed on symbol `k` (see {@link StrategyRunner.placeOrder}) another reason,
   * keeping its units: an orchestrator that folds a risk trim into a transfer's sale of the same
   * position labels the one order with the decision. Nothing happens when no placed order waits.
   */
  relabelPlacedOrder(k: number, reason: FillReason): void {
    if (this.pendingKind[k] === ORDER) this.pendingReason[k] = reason;
  }

  /**
   * Whether an order placed with {@link StrategyRunner.placeOrder} (a portfolio strategy's, a
   * transfer, a risk trim: a number of units, not sized at its fill) is waiting on symbol `k`.
   */
  hasPlacedOrder(k: number): boolean {
    return this.pendingKind[k] === ORDER;
  }

  /** Whether an order (the strategy's or a placed one) is waiting to fill on symbol `k`. */
  hasPendingOrder(k: number): boolean {
    return (this.pendingKind[k] ?? NONE) !== NONE;
  }

  /** Queues orders closing every open position (e.g. reason `isolate` or `risk`). */
  closeOut(reason: FillReason): void {
    for (let k = 0; k < this.pendingKind.length; k++) {
      const held = this.account.quantity[k] ?? 0;
      if (held !== 0) this.placeOrder(k, -held, reason);
      else if (this.pendingKind[k] !== NONE) this.drop(k, 'replaced');
    }
  }

  /** Stops asking the strategy; pending orders and stops still execute. */
  disable(): void {
    this.enabled = false;
  }

  protected triggerExitLevels(): void {
    const { account, index, series } = this;
    const stopLoss = account.stopLoss;
    const takeProfit = account.takeProfit;
    for (let k = 0; k < index.length; k++) {
      const held = account.quantity[k] ?? 0;
      const i = index[k] ?? -1;
      if (held === 0 || i < 0) continue;
      const stop = stopLoss[k] ?? Number.NaN;
      const take = takeProfit[k] ?? Number.NaN;
      if (Number.isNaN(stop) && Number.isNaN(take)) continue;
      const s = series[k];
      if (s === undefined) continue;
      const open = s.open[i] ?? Number.NaN;
      let reference = Number.NaN;
      let reason: FillReason = 'stop-loss';
      if (held > 0) {
        if (open <= stop) reference = open;
        else if (open >= take) {
          reference = open;
          reason = 'take-profit';
        } else if ((s.low[i] ?? Number.NaN) <= stop) reference = stop;
        else if ((s.high[i] ?? Number.NaN) >= take) {
          reference = take;
          reason = 'take-profit';
        }
      } else {
        if (open >= stop) reference = open;
        else if (open <= take) {
          reference = open;
          reason = 'take-profit';
        } else if ((s.high[i] ?? Number.NaN) >= stop) reference = stop;
        else if ((s.low[i] ?? Number.NaN) <= take) {
          reference = take;
          reason = 'take-profit';
        }
      }
      if (!Number.isNaN(reference)) this.closePosition(k, reference, i, reason);
    }
  }

  protected endLastBars(): void {
    const { index, lastIndex } = this;
    for (let k = 0; k < index.length; k++) {
      const i = index[k] ?? -1;
      if (i < 0 || i !== lastIndex[k]) continue;
      if (this.nextOpen && this.pendingKind[k] !== NONE) this.drop(k, 'last-bar');
      if (this.closeAtEnd) this.closePosition(k, this.series[k]?.close[i] ?? Number.NaN, i, 'close-at-end');
    }
  }

  /**
   * The margin call, after a valuation at a close: an account whose equity is below zero while it
   * holds positions has lost more than it had (a short squeezed, leverage), and a broker closes it.
   * Every position of a symbol with a bar now is closed at this close (reason `margin-call`), one
   * of a symbol without a bar by an order filled at its next bar; every other pending order is
   * dropped. The account then holds its debt in cash, and its strategy is not asked until its
   * equity is above zero again (an orchestrator's rebalance can fund it; see `StepRunner.decide`).
   * Below zero means by more than rounding, 1e-9 of the gross exposure: a sleeve an orchestrator
   * has just emptied holds −1e-12 beside the crumbs it still has to sell.
   */
  protected checkMargin(): void {
    if (this.markedGross > 0 && this.markedEquity < -MARGIN_DUST * this.markedGross) this.marginCall();
  }

  private marginCall(): void {
    const equity = this.markedEquity;
    this.liquidate();
    if (this.logger === noopLogger) return;
    this.logger.warn(
      { event: 'margin-call', time: isoTime(this.currentTime), equity, after: this.markedEquity },
      `margin call: equity ${String(equity)} at this close is below zero, so every position is closed at the close; the strategy is not asked until the equity is above zero again`,
    );
  }

  /**
   * Closes the account as a margin call does ({@link RunnerBook.checkMargin}), whatever its own
   * equity, after a valuation at a close: for an orchestrator whose portfolio as a whole is below
   * zero (sleeves worth more than zero beside a reserve borrowed against them, leverage), which
   * says why. Logs nothing; counted in {@link RunnerBook.marginCalls}.
   */
  closeForMarginCall(): void {
    this.liquidate();
  }

  /** Whether the account holds no position (one below zero while it holds some is {@link RunnerBook.checkMargin}'s). */
  private holdsNothing(): boolean {
    for (const held of this.account.quantity) if (held !== 0) return false;
    return true;
  }

  /** The margin call of an account in debt when the strategy is to be asked (see {@link RunnerBook.askable}). */
  private callDebt(equity: number): void {
    this.liquidate();
    if (this.logger === noopLogger) return;
    this.logger.warn(
      { event: 'margin-call', time: isoTime(this.currentTime), equity, after: this.markedEquity, why: 'in-debt' },
      `margin call: equity ${String(equity)} at this close is below zero with no position left to close (an exit filled beyond what the account held, e.g. a stop gapped through); the strategy is not asked until the equity is above zero again`,
    );
  }

  /** The margin call's closes: see {@link RunnerBook.checkMargin}. */
  private liquidate(): void {
    const { account, index, series, pendingKind } = this;
    for (let k = 0; k < index.length; k++) {
      const held = account.quantity[k] ?? 0;
      const i = index[k] ?? -1;
      if (held !== 0 && i < 0) {
        if (this.placedOrderReason(k) !== 'margin-call' || this.pendingQuantity[k] !== -held) this.placeOrder(k, -held, 'margin-call');
        continue;
      }
      if (pendingKind[k] !== NONE) this.drop(k, 'margin-call');
      if (held !== 0) this.closePosition(k, series[k]?.close[i] ?? Number.NaN, i, 'margin-call');
    }
    this.value();
    this.marginCallCount++;
    this.marginCalled = true;
  }

  /**
   * Whether the strategy may be asked with the account worth `equity`: not while a margin call
   * stands (see {@link RunnerBook.checkMargin}), which the first equity above zero lifts.
   */
  protected askable(equity: number): boolean {
    if (!this.marginCalled) {
      // Below zero with nothing to close: an exit filled beyond what the account held (a stop
      // gapped through, a short's cover) left it in debt. A broker calls that margin too, and the
      // strategy must not trade on borrowed cash: held as after a margin call. Rounding (an account
      // emptied by an orchestrator at −1e-12) is not debt.
      if (!(equity < 0) || !(equity < -MARGIN_DUST * Math.max(1, this.account.initialCash + this.account.grossDeposits)) || !this.holdsNothing()) return true;
      this.callDebt(equity);
      return false;
    }
    if (!(equity > 0)) return false;
    this.marginCalled = false;
    return true;
  }

  protected value(): void {
    const { account } = this;
    const quantity = account.quantity;
    const mark = account.markPrice;
    let equity = account.cash;
    let gross = 0;
    for (let k = 0; k < quantity.length; k++) {
      const q = quantity[k] ?? 0;
      if (q !== 0) {
        const value = q * (mark[k] ?? 0);
        equity += value;
        gross += value < 0 ? -value : value;
      }
    }
    this.markedEquity = equity;
    this.markedGross = gross;
    this.fillsAtValuation = account.fillLog.length;
    this.depositsAtValuation = account.netDeposits;
  }

  protected queueEntry(k: number, signal: EntrySignal): void {
    checkEntrySignal(signal);
    // Strength 0 scales the entry to nothing: no order (it would be rejected at every fill).
    if (signal.strength === 0) return;
    if (this.pendingKind[k] !== NONE) this.drop(k, 'replaced');
    this.pendingKind[k] = ENTRY;
    this.pendingLong[k] = signal.side === 'long' ? 1 : 0;
    this.pendingStrength[k] = signal.strength ?? 1;
    this.pendingStop[k] = signal.stopLoss ?? Number.NaN;
    this.pendingTake[k] = signal.takeProfit ?? Number.NaN;
    this.pendingReason[k] = 'entry';
    this.pendingCount++;
  }

  protected queueExit(k: number): void {
    if (this.pendingKind[k] !== NONE) this.drop(k, 'replaced');
    this.pendingKind[k] = EXIT;
    this.pendingReason[k] = 'exit';
    this.pendingCount++;
  }

  /**
   * Fills pending orders of symbols with a bar now in three passes: exits and sells first, so that
   * buys can use their cash; then buys placed with {@link StrategyRunner.placeOrder} (a portfolio
   * strategy's, or an orchestrator's capital transfer sized against this cash); then entries,
   * sized by the cash those leave. `passes` 2 stops before the entries (they stay queued).
   */
  protected fillPending(price: 'open' | 'close', passes = 3): void {
    const { index, pendingKind, pendingQuantity, series } = this;
    for (let pass = 0; pass < passes && this.pendingCount > 0; pass++) {
      for (let k = 0; k < index.length; k++) {
        const i = index[k] ?? -1;
        const kind = pendingKind[k];
        if (i < 0 || kind === NONE) continue;
        const group = kind === EXIT || (kind === ORDER && (pendingQuantity[k] ?? 0) < 0) ? 0 : kind === ORDER ? 1 : 2;
        if (group !== pass) continue;
        pendingKind[k] = NONE;
        this.pendingCount--;
        const reference = series[k]?.[price][i] ?? Number.NaN;
        if (kind === EXIT) this.closePosition(k, reference, i, this.pendingReason[k] ?? 'exit');
        else if (kind === ENTRY) this.fillEntry(k, reference, i);
        else {
          const quantity = pendingQuantity[k] ?? 0;
          const order = this.request.order(k, quantity > 0 ? 'buy' : 'sell', Math.abs(quantity), this.pendingReason[k] ?? 'rebalance');
          this.executor.execute(this.account, order, reference, this.currentTime, i);
        }
      }
    }
  }

  protected fillEntry(k: number, reference: number, i: number): void {
    const side = this.pendingLong[k] === 1 ? 'buy' : 'sell';
    const order = this.request.entry(k, side, this.sizing, this.pendingStrength[k] ?? 1, this.pendingStop[k] ?? Number.NaN, this.pendingTake[k] ?? Number.NaN);
    this.executor.execute(this.account, order, reference, this.currentTime, i);
  }

  protected closePosition(k: number, reference: number, i: number, reason: FillReason): void {
    const held = this.account.quantity[k] ?? 0;
    if (held === 0) return;
    this.executor.execute(this.account, this.request.order(k, held > 0 ? 'sell' : 'buy', Math.abs(held), reason), reference, this.currentTime, i);
  }

  protected drop(k: number, why: 'last-bar' | 'end-of-data' | 'replaced' | 'margin-call'): void {
    this.pendingKind[k] = NONE;
    this.pendingCount--;
    this.droppedCount++;
    if (this.logger === noopLogger) return;
    const symbol = this.series[k]?.symbol;
    this.logger.info(
      { event: 'order-dropped', symbol, time: isoTime(this.currentTime), why },
      `order on ${symbol ?? k} dropped (${why}): ${DROPPED_BECAUSE[why]}`,
    );
  }
}
