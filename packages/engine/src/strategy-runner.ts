import type {
  AnyStrategy,
  BarSeries,
  EntrySignal,
  FillReason,
  IndicatorColumns,
  Logger,
  PortfolioContext,
  PortfolioStrategy,
  Position,
  RebalanceRule,
  Strategy,
  StrategyContext,
} from '@ensemble/protocol';
import {
  SeriesCursor,
  StrategyError,
  computeIndicators,
  exitRequested,
  formatValue,
  isPortfolioStrategy,
  isoTime,
  noopLogger,
} from '@ensemble/protocol';
import type { Account } from './account';
import type { OrderExecutor } from './execution';
import type { FillMode } from './options';
import { isRebalanceStep, targetQuantity } from './rebalance';
import type { SizingRule } from './sizing';
import { DEFAULT_SIZING } from './sizing';

/** Options of a {@link StrategyRunner}. */
export interface StrategyRunnerOptions {
  readonly strategy: AnyStrategy;
  /** The strategy's symbols' bars, in the order of `account.symbols`. */
  readonly series: readonly BarSeries[];
  /** Epoch ms of every step of the (shared) timeline. */
  readonly time: Float64Array;
  /**
   * Per series, its bar index at every timeline step (-1: no bar then), e.g. rows of a protocol
   * `Timeline.barIndex`; null when there is a single series whose bars are the steps.
   */
  readonly barIndex: readonly Int32Array[] | null;
  /** The ledger the runner trades in; its symbols must be the series' symbols, in order. */
  readonly account: Account;
  readonly executor: OrderExecutor;
  /** Default `next-open`. */
  readonly fill?: FillMode;
  /** Entry sizing of signal strategies; default `percent-of-cash` 100. */
  readonly sizing?: SizingRule;
  /** Default false: whole units. */
  readonly fractional?: boolean;
  /** Close each position at its symbol's last close (default false). */
  readonly closeAtEnd?: boolean;
  /** Rebalance schedule of a portfolio strategy; default (null or absent) its own. */
  readonly rebalance?: RebalanceRule | null;
  /**
   * A signal strategy's indicator columns on each series, as `computeIndicators` gives them
   * (default, or null: computed here). Strategies only read them, so runners of the same strategy and
   * parameters on the same series may share one set.
   */
  readonly indicators?: readonly IndicatorColumns[] | null;
  /**
   * Receives the runner's events (`order-dropped`, `rebalance`, `weight-ignored`), which do not
   * repeat the strategy: bind it, `logger.child({ strategy: id })`, as the engine and orchestrator do.
   */
  readonly logger?: Logger;
}

/** Differences below this fraction of equity are not traded by a rebalance (floating-point dust). */
const REBALANCE_DUST = 1e-10;

const NONE = 0;
const ENTRY = 1;
const EXIT = 2;
const ORDER = 3;

/** A value with its type when a number is expected: `"0.5" (a string)`, `NaN`. */
function describeNumber(value: unknown): string {
  return typeof value === 'number' ? formatValue(value) : `${formatValue(value)} (a ${value === null ? 'null' : typeof value})`;
}

/** Throws when `signal` is not a valid {@link EntrySignal}, naming the bad field and what it must be. */
function checkEntrySignal(signal: unknown): asserts signal is EntrySignal {
  if (typeof signal !== 'object' || signal === null) {
    throw new TypeError(`shouldEnter returned ${formatValue(signal)}; it must return null or { side: 'long' | 'short', strength?, stopLoss?, takeProfit? }`);
  }
  const { side, strength, stopLoss, takeProfit } = signal as Record<string, unknown>;
  if (side !== 'long' && side !== 'short') {
    throw new TypeError(`shouldEnter returned side ${formatValue(side)}; it must be 'long' or 'short'`);
  }
  if (strength !== undefined && !(typeof strength === 'number' && strength >= 0 && strength <= 1)) {
    throw new RangeError(`shouldEnter returned strength ${describeNumber(strength)}; it must be a number within 0..1`);
  }
  if (stopLoss !== undefined && !(typeof stopLoss === 'number' && stopLoss > 0 && Number.isFinite(stopLoss))) {
    throw new RangeError(`shouldEnter returned stopLoss ${describeNumber(stopLoss)}; it must be a positive finite price`);
  }
  if (takeProfit !== undefined && !(typeof takeProfit === 'number' && takeProfit > 0 && Number.isFinite(takeProfit))) {
    throw new RangeError(`shouldEnter returned takeProfit ${describeNumber(takeProfit)}; it must be a positive finite price`);
  }
}

/** The error a signal strategy's failure on the cursor's bar is reported as. */
function strategyFailure(strategy: Strategy, cursor: SeriesCursor, cause: unknown): StrategyError {
  return new StrategyError(strategy.id, { symbol: cursor.symbol, time: cursor.time, cause });
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

/**
 * Runs one strategy (either kind) over a shared timeline, one step at a time, with the engine's
 * semantics: the backtest engine is a loop over {@link StrategyRunner.step}, and an orchestrator
 * can drive several runners (one per sleeve) phase by phase, in the same order:
 *
 * 1. {@link StrategyRunner.beginStep} — locate each symbol's bar at the step;
 * 2. {@link StrategyRunner.fillAtOpen} — orders pending from an earlier bar fill at this open
 *    (`next-open`): exits and sells first, then entries and buys;
 * 3. {@link StrategyRunner.applyStops} — stop-loss / take-profit inside the bar (a gap through a
 *    level fills at the open; the stop wins when both levels are inside one bar);
 * 4. {@link StrategyRunner.markToMarket} — positions marked at the close, the account valued;
 * 5. {@link StrategyRunner.decide} — the strategy is asked (signal kind: per symbol with a bar,
 *    once `index + 1 >= warmup`; portfolio kind: on rebalance steps) and its orders queued;
 * 6. {@link StrategyRunner.fillAtClose} — with `fill: 'close'`, queued orders fill at this close;
 * 7. {@link StrategyRunner.endStep} — on a symbol's last bar, next-open orders are dropped and,
 *    with `closeAtEnd`, its position is closed at that close.
 *
 * An order waits for its symbol's next bar: a symbol with no bar at a step is not tradable (no
 * fill, no stop) and is marked at its last close. Orders never filled are dropped and logged.
 * Objects are created only when an order is placed or filled: the no-trade path allocates nothing.
 */
export class StrategyRunner {
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
  private readonly portfolio: PortfolioStrategy | null;
  private readonly signal: Strategy | null;
  private readonly executor: OrderExecutor;
  private readonly logger: Logger;
  private readonly time: Float64Array;
  private readonly barIndex: readonly Int32Array[] | null;
  private readonly nextOpen: boolean;
  private readonly sizing: SizingRule;
  private readonly fractional: boolean;
  private readonly closeAtEnd: boolean;
  private readonly cursors: readonly SeriesCursor[];
  /** The cash and equity strategies are shown, set before they are asked. */
  private viewCash = Number.NaN;
  private viewEquity = Number.NaN;
  private readonly lastIndex: Int32Array;
  /** Sorted timeline steps on which some symbol has its last bar. */
  private readonly endSteps: Int32Array;
  private nextEnd = 0;
  private readonly pendingKind: Int8Array;
  private readonly pendingLong: Uint8Array;
  private readonly pendingStrength: Float64Array;
  private readonly pendingStop: Float64Array;
  private readonly pendingTake: Float64Array;
  private readonly pendingQuantity: Float64Array;
  private readonly pendingReason: FillReason[];
  private readonly rebalanceTimes: number[] = [];
  private readonly indexBySymbol: ReadonlyMap<string, number>;
  private pendingCount = 0;
  private droppedCount = 0;
  private fillsAtValuation = 0;
  private depositsAtValuation = 0;
  private lastRebalance = -1;
  private enabled = true;
  private currentStep = -1;
  /** A signal strategy on one symbol: the per-step phases take their one-symbol paths. */
  private readonly lone: boolean;
  /** That symbol's closes, and its bar index at every step (null: the bars are the steps). */
  private readonly loneClose: Float64Array;
  private readonly loneBars: Int32Array | null;

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
    this.loneBars = options.barIndex?.[0] ?? null;
    this.markedEquity = account.equity();
    this.markedGross = 0;
  }

  /** Orders dropped so far (never filled: last bar, end of data, or replaced). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Epoch ms of every rebalance decision so far (portfolio strategies). */
  get rebalances(): readonly number[] {
    return this.rebalanceTimes;
  }

  /** Whether the strategy is still asked for decisions (see {@link StrategyRunner.disable}). */
  get active(): boolean {
    return this.enabled;
  }

  /** Runs every phase of timeline step `step`, in order. */
  step(step: number): void {
    this.beginStep(step);
    this.fillAtOpen();
    this.applyStops();
    this.markToMarket();
    this.decide();
    this.fillAtClose();
    this.endStep();
  }

  /**
   * Whether {@link StrategyRunner.runSingleSeries} may run this runner: a signal strategy on one
   * series whose bars are the timeline's steps.
   */
  get singleSeries(): boolean {
    return this.signal !== null && this.barIndex === null && this.series.length === 1;
  }

  /**
   * Runs every step of a single-series signal strategy (see {@link StrategyRunner.singleSeries})
   * and writes each step's equity point (equity, cash and gross exposure after everything that
   * happened on it) into the given columns, calling `check` (if any) with it. The phases of
   * {@link StrategyRunner.step} fused into one loop with the one-symbol loops unrolled: the same
   * results as `step(t)` then `revalue()` for every step, bit for bit, without the calls and the
   * per-symbol bookkeeping a multi-symbol timeline needs.
   *
   * The bar index and the account's mark are only read by fills, stops, the last bar and the
   * check, so they are brought up to date just before one of those runs (and after the loop)
   * rather than on every bar: at the open, positions are still marked at the previous close.
   */
  runSingleSeries(
    equityOut: Float64Array,
    cashOut: Float64Array,
    grossOut: Float64Array,
    check: ((time: number, equity: number, cash: number) => void) | null,
  ): void {
    const strategy = this.signal;
    const series = this.series[0];
    const cursor = this.cursors[0];
    if (!this.singleSeries || strategy === null || series === undefined || cursor === undefined) {
      throw new RangeError('runSingleSeries needs a signal strategy on a single series whose bars are the steps');
    }
    const { account, index, nextOpen, time } = this;
    const close = series.close;
    const quantity = account.quantity;
    const steps = Math.min(time.length, equityOut.length, series.length);
    const last = series.length - 1;
    // The first index at which the strategy is asked: index + 1 >= warmup.
    const firstDecision = strategy.warmup - 1;
    for (let t = 0; t < steps; t++) {
      this.currentStep = t;
      if ((nextOpen && this.pendingCount > 0) || account.exitLevels !== 0) {
        index[0] = t;
        if (t > 0) account.mark(0, close[t - 1] ?? Number.NaN, t - 1);
        if (nextOpen && this.pendingCount > 0) this.fillPending('open');
        if (account.exitLevels !== 0) this.triggerExitLevels();
      }
      const price = close[t] ?? Number.NaN;
      if (this.enabled && t >= firstDecision) {
        const held = quantity[0] ?? 0;
        const cash = account.cash;
        this.ask(strategy, cursor, 0, t, cash, held !== 0 ? cash + held * price : cash);
      }
      if ((!nextOpen && this.pendingCount > 0) || t === last) {
        index[0] = t;
        account.mark(0, price, t);
        if (!nextOpen && this.pendingCount > 0) this.fillPending('close');
        if (t === last) this.endLastBars();
      }
      const held = quantity[0] ?? 0;
      const cash = account.cash;
      let equity = cash;
      let gross = 0;
      if (held !== 0) {
        const value = held * price;
        equity += value;
        gross = value < 0 ? -value : value;
      }
      equityOut[t] = equity;
      cashOut[t] = cash;
      grossOut[t] = gross;
      if (check !== null) {
        index[0] = t;
        account.mark(0, price, t);
        check(time[t] ?? Number.NaN, equity, cash);
      }
    }
    if (steps > 0) {
      index[0] = steps - 1;
      account.mark(0, close[steps - 1] ?? Number.NaN, steps - 1);
    }
    this.value();
  }

  /** Whether the runner runs a signal strategy on one symbol (what {@link StrategyRunner.runOneSymbol} needs). */
  get oneSymbolSignal(): boolean {
    return this.lone;
  }

  /**
   * Runs timeline steps `from` … `to − 1` of a signal strategy on one symbol (see
   * {@link StrategyRunner.oneSymbolSignal}) in one loop — per step {@link StrategyRunner.markStep},
   * {@link StrategyRunner.decide} and the valuation, bit for bit — and writes each step's equity,
   * cash and signed position value (quantity × mark) into the given columns at the step's index.
   * Stops before the first step at whose open a pending order would fill and returns it (the
   * caller fills it, e.g. in a window crossing several runners' orders, then calls again from that
   * step); returns `to` when every step ran. For `next-open` fills, on steps that hold no last bar
   * of the symbol (the caller runs those phase by phase).
   */
  runOneSymbol(from: number, to: number, equityOut: Float64Array, cashOut: Float64Array, valueOut: Float64Array): number {
    const strategy = this.signal;
    const cursor = this.cursors[0];
    if (!this.lone || !this.nextOpen || strategy === null || cursor === undefined) {
      throw new RangeError('runOneSymbol needs a signal strategy on one symbol, filled at the next open');
    }
    const { account, index, loneClose: close, loneBars: bars } = this;
    const quantity = account.quantity;
    const markPrice = account.markPrice;
    const warmup = strategy.warmup;
    for (let t = from; t < to; t++) {
      const i = bars === null ? t : (bars[t] ?? -1);
      if (i >= 0 && this.pendingCount > 0) return t;
      this.currentStep = t;
      index[0] = i;
      if (account.exitLevels !== 0) this.triggerExitLevels();
      if (i >= 0) account.mark(0, close[i] ?? Number.NaN, i);
      const held = quantity[0] ?? 0;
      const cash = account.cash;
      let equity = cash;
      let value = 0;
      if (held !== 0) {
        value = held * (markPrice[0] ?? 0);
        equity += value;
      }
      this.markedEquity = equity;
      this.markedGross = 0 + Math.abs(value);
      this.fillsAtValuation = account.fills.length;
      this.depositsAtValuation = account.netDeposits;
      if (this.enabled && i >= 0 && i + 1 >= warmup) {
        this.viewCash = cash;
        this.viewEquity = equity;
        this.ask(strategy, cursor, 0, i, cash, equity);
      }
      equityOut[t] = equity;
      cashOut[t] = cash;
      valueOut[t] = value;
    }
    return to;
  }

  /** Epoch ms of the current step (NaN before the first). */
  private get currentTime(): number {
    return this.time[this.currentStep] ?? Number.NaN;
  }

  /** Phase 1: points {@link StrategyRunner.index} at each symbol's bar at `step`. */
  beginStep(step: number): void {
    this.currentStep = step;
    const index = this.index;
    const barIndex = this.barIndex;
    if (barIndex === null) {
      index[0] = step;
      return;
    }
    const loneBars = this.loneBars;
    if (this.lone && loneBars !== null) {
      index[0] = loneBars[step] ?? -1;
      return;
    }
    for (let k = 0; k < index.length; k++) index[k] = barIndex[k]?.[step] ?? -1;
  }

  /** Orders waiting to fill (the strategy's and placed ones). */
  get pendingOrders(): number {
    return this.pendingCount;
  }

  /**
   * Phases 1, 3 and 4 in one call, for a step whose open fills (phase 2) are done or not due:
   * how an orchestrator steps the sleeves with nothing to fill at the open, in the order the
   * phases would log. With one symbol the mark is unrolled (bit for bit
   * {@link StrategyRunner.markToMarket}).
   */
  markStep(step: number): void {
    this.beginStep(step);
    const account = this.account;
    if (account.exitLevels !== 0) this.triggerExitLevels();
    if (!this.lone) {
      this.markToMarket();
      return;
    }
    const i = this.index[0] ?? -1;
    if (i >= 0) account.mark(0, this.loneClose[i] ?? Number.NaN, i);
    this.value();
  }

  /** Phase 2: fills pending orders of symbols with a bar now at their open (next-open mode only). */
  fillAtOpen(): void {
    if (this.nextOpen && this.pendingCount > 0) this.fillPending('open');
  }

  /** Phase 3: stop-loss and take-profit inside the bar of every open position with a level. */
  applyStops(): void {
    if (this.account.exitLevels !== 0) this.triggerExitLevels();
  }

  /** Phase 4: marks every symbol with a bar now at its close, then values the account. */
  markToMarket(): void {
    const { account, index, series } = this;
    for (let k = 0; k < index.length; k++) {
      const i = index[k] ?? -1;
      const s = series[k];
      if (i >= 0 && s !== undefined) account.mark(k, s.close[i] ?? Number.NaN, i);
    }
    this.value();
  }

  /**
   * Values the account at its latest marks into {@link StrategyRunner.markedEquity} and
   * {@link StrategyRunner.markedGross}, unless nothing was booked or deposited since the last
   * valuation.
   * Returns the equity.
   */
  revalue(): number {
    const account = this.account;
    if (account.fills.length !== this.fillsAtValuation || account.netDeposits !== this.depositsAtValuation) this.value();
    return this.markedEquity;
  }

  /** Phase 5: asks the strategy (if active) and queues its orders. */
  decide(): void {
    if (!this.enabled) return;
    this.viewCash = this.account.cash;
    this.viewEquity = this.revalue();
    if (this.signal !== null) {
      if (this.lone) this.decideSignal(this.signal, 0);
      else this.decideSignals(this.signal);
    } else if (this.portfolio !== null) this.decideRebalance(this.portfolio);
  }

  /** Phase 6: fills queued orders of symbols with a bar now at their close (close mode only). */
  fillAtClose(): void {
    if (!this.nextOpen && this.pendingCount > 0) this.fillPending('close');
  }

  /** Phase 7: a symbol's last bar: drops its next-open orders and, with closeAtEnd, closes it. */
  endStep(): void {
    const step = this.currentStep;
    const endSteps = this.endSteps;
    while (this.nextEnd < endSteps.length && (endSteps[this.nextEnd] ?? 0) < step) this.nextEnd++;
    if (endSteps[this.nextEnd] === step) this.endLastBars();
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

  /**
   * Whether the strategy, a portfolio strategy still asked for decisions, rebalances at timeline
   * step `step` (its warm-up done and its schedule due; asked before its decision at that step):
   * an orchestrator checks it before queueing orders that the strategy's own would replace.
   */
  rebalancesAt(step: number): boolean {
    return this.enabled && this.portfolio !== null && this.rebalanceDue(this.portfolio, step);
  }

  private rebalanceDue(strategy: PortfolioStrategy, step: number): boolean {
    const rule = this.rebalanceRule ?? strategy.rebalance;
    return step + 1 >= strategy.warmup && isRebalanceStep(rule, this.time, step, this.lastRebalance);
  }

  /** Stops asking the strategy; pending orders and stops still execute. */
  disable(): void {
    this.enabled = false;
  }

  /*
   * The phases above run on every step, so they only test whether there is anything to do; the
   * work itself (stops, fills, queued orders, last bars) lives in the methods below. That keeps
   * the code run on every step small enough for the JIT to inline into `step`.
   */

  private triggerExitLevels(): void {
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

  private endLastBars(): void {
    const { index, lastIndex } = this;
    for (let k = 0; k < index.length; k++) {
      const i = index[k] ?? -1;
      if (i < 0 || i !== lastIndex[k]) continue;
      if (this.nextOpen && this.pendingKind[k] !== NONE) this.drop(k, 'last-bar');
      if (this.closeAtEnd) this.closePosition(k, this.series[k]?.close[i] ?? Number.NaN, i, 'close-at-end');
    }
  }

  private value(): void {
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
    this.fillsAtValuation = account.fills.length;
    this.depositsAtValuation = account.netDeposits;
  }

  private decideSignals(strategy: Strategy): void {
    for (let k = 0; k < this.index.length; k++) this.decideSignal(strategy, k);
  }

  /** Asks a signal strategy about symbol `k` (if it has a bar and is warmed up) and queues its order. */
  private decideSignal(strategy: Strategy, k: number): void {
    const i = this.index[k] ?? -1;
    const cursor = this.cursors[k];
    if (i < 0 || i + 1 < strategy.warmup || cursor === undefined) return;
    this.ask(strategy, cursor, k, i, this.viewCash, this.viewEquity);
  }

  /**
   * Asks a signal strategy about symbol `k` on its bar `i`, showing it `cash` and `equity`: whether
   * to enter (when flat) or exit (when holding), and queues the order. A throw becomes a
   * `StrategyError` naming the strategy, symbol and bar time.
   */
  private ask(strategy: Strategy, cursor: SeriesCursor, k: number, i: number, cash: number, equity: number): void {
    const position = this.account.position(k);
    cursor.setAccount(cash, equity);
    cursor.setPosition(position);
    const context = cursor.moveTo(i);
    try {
      if (position === null) {
        const signal = strategy.shouldEnter(context);
        if (signal !== null) this.queueEntry(k, signal);
      } else if (exitRequested(strategy.shouldExit(context, position))) {
        this.queueExit(k);
      }
    } catch (error) {
      throw strategyFailure(strategy, cursor, error);
    }
  }

  private queueEntry(k: number, signal: EntrySignal): void {
    checkEntrySignal(signal);
    if (this.pendingKind[k] !== NONE) this.drop(k, 'replaced');
    this.pendingKind[k] = ENTRY;
    this.pendingLong[k] = signal.side === 'long' ? 1 : 0;
    this.pendingStrength[k] = signal.strength ?? 1;
    this.pendingStop[k] = signal.stopLoss ?? Number.NaN;
    this.pendingTake[k] = signal.takeProfit ?? Number.NaN;
    this.pendingReason[k] = 'entry';
    this.pendingCount++;
  }

  private queueExit(k: number): void {
    if (this.pendingKind[k] !== NONE) this.drop(k, 'replaced');
    this.pendingKind[k] = EXIT;
    this.pendingReason[k] = 'exit';
    this.pendingCount++;
  }

  private decideRebalance(strategy: PortfolioStrategy): void {
    const step = this.currentStep;
    if (!this.rebalanceDue(strategy, step)) return;
    this.lastRebalance = step;
    const { account, series } = this;
    const time = this.currentTime;
    const symbols = account.symbols;
    const tradable: string[] = [];
    const positions = new Map<string, Position>();
    for (let k = 0; k < symbols.length; k++) {
      const symbol = symbols[k] ?? '';
      if ((this.index[k] ?? -1) >= 0) tradable.push(symbol);
      const position = account.position(k);
      if (position !== null) positions.set(symbol, position);
    }
    const bars = (symbol: string): StrategyContext | null => {
      const k = this.indexBySymbol.get(symbol);
      const cursor = k === undefined ? undefined : this.cursors[k];
      const i = k === undefined ? -1 : (account.markBar[k] ?? -1);
      if (k === undefined || cursor === undefined || i < 0) return null;
      cursor.setAccount(this.viewCash, this.viewEquity);
      cursor.setPosition(account.position(k));
      return cursor.moveTo(i);
    };
    const view = Object.freeze({ cash: this.viewCash, equity: this.viewEquity });
    const context: PortfolioContext = Object.freeze({ time, step, symbols, tradable, bars, account: view, positions });
    let weights: Readonly<Record<string, unknown>>;
    try {
      const answer: unknown = strategy.targetWeights(context);
      if (typeof answer !== 'object' || answer === null) {
        throw new TypeError(`targetWeights returned ${formatValue(answer)}; it must be an object of weights by symbol`);
      }
      weights = answer as Readonly<Record<string, unknown>>;
      for (const [symbol, weight] of Object.entries(weights)) {
        if (!this.indexBySymbol.has(symbol)) {
          throw new RangeError(`targetWeights returned a weight for "${symbol}", which is not among the strategy's symbols (${symbols.join(', ')})`);
        }
        if (typeof weight !== 'number' || !Number.isFinite(weight)) {
          throw new RangeError(`targetWeights returned ${formatValue(weight)} for "${symbol}"; weights must be finite numbers`);
        }
      }
    } catch (error) {
      throw new StrategyError(strategy.id, { time, cause: error });
    }
    this.rebalanceTimes.push(time);
    const equity = this.markedEquity;
    if (this.logger !== noopLogger) this.logger.debug({ event: 'rebalance', time: isoTime(time), equity, weights }, 'rebalance');
    for (let k = 0; k < series.length; k++) {
      const symbol = symbols[k] ?? '';
      const weight = (weights[symbol] as number | undefined) ?? 0;
      if ((account.markBar[k] ?? -1) < 0) {
        if (weight !== 0) {
          this.logger.warn(
            { event: 'weight-ignored', symbol, time: isoTime(time), weight, why: 'no-price-yet' },
            `weight ${weight} for ${symbol} ignored: it has no bar yet`,
          );
        }
        continue;
      }
      const price = account.markPrice[k] ?? Number.NaN;
      const delta = targetQuantity(weight, equity, price, this.fractional) - (account.quantity[k] ?? 0);
      if (Math.abs(delta * price) <= REBALANCE_DUST * Math.max(1, Math.abs(equity))) {
        if (this.pendingKind[k] !== NONE) this.drop(k, 'replaced');
        continue;
      }
      this.placeOrder(k, delta, 'rebalance');
    }
  }

  /**
   * Fills pending orders of symbols with a bar now in three passes: exits and sells first, so that
   * buys can use their cash; then buys placed with {@link StrategyRunner.placeOrder} (a portfolio
   * strategy's, or an orchestrator's capital transfer sized against this cash); then entries,
   * sized by the cash those leave.
   */
  private fillPending(price: 'open' | 'close'): void {
    const { index, pendingKind, pendingQuantity, series } = this;
    for (let pass = 0; pass < 3 && this.pendingCount > 0; pass++) {
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
          this.executor.execute(
            this.account,
            { symbolIndex: k, side: quantity > 0 ? 'buy' : 'sell', quantity: Math.abs(quantity), reason: this.pendingReason[k] ?? 'rebalance' },
            reference,
            this.currentTime,
            i,
          );
        }
      }
    }
  }

  private fillEntry(k: number, reference: number, i: number): void {
    const stop = this.pendingStop[k] ?? Number.NaN;
    const take = this.pendingTake[k] ?? Number.NaN;
    this.executor.execute(
      this.account,
      {
        symbolIndex: k,
        side: this.pendingLong[k] === 1 ? 'buy' : 'sell',
        quantity: { rule: this.sizing, strength: this.pendingStrength[k] ?? 1 },
        reason: 'entry',
        stopLoss: Number.isNaN(stop) ? undefined : stop,
        takeProfit: Number.isNaN(take) ? undefined : take,
      },
      reference,
      this.currentTime,
      i,
    );
  }

  private closePosition(k: number, reference: number, i: number, reason: FillReason): void {
    const held = this.account.quantity[k] ?? 0;
    if (held === 0) return;
    this.executor.execute(
      this.account,
      { symbolIndex: k, side: held > 0 ? 'sell' : 'buy', quantity: Math.abs(held), reason },
      reference,
      this.currentTime,
      i,
    );
  }

  private drop(k: number, why: 'last-bar' | 'end-of-data' | 'replaced'): void {
    this.pendingKind[k] = NONE;
    this.pendingCount--;
    this.droppedCount++;
    if (this.logger === noopLogger) return;
    const symbol = this.series[k]?.symbol;
    this.logger.info(
      { event: 'order-dropped', symbol, time: isoTime(this.currentTime), why },
      `order on ${symbol ?? k} dropped: ${why}`,
    );
  }
}
