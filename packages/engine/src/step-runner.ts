import type { PortfolioContext, PortfolioStrategy, Position, SeriesCursor, Strategy, StrategyContext } from '@ensemble/protocol';
import { DAY_MS, MAX_AMOUNT, StrategyError, calendarPeriodKey, calendarPeriodStart, exitRequested, formatValue, isThenable, isoTime, noopLogger, refusedValue, thenableProblem } from '@ensemble/protocol';
import { isRebalanceStep, targetQuantity } from './rebalance';
import type { WeightsOverEquity } from './result';
import { NONE, RunnerBook } from './runner-book';

/** Differences below this fraction of equity are not traded by a rebalance (floating-point dust). */
const REBALANCE_DUST = 1e-10;

/** Weights summing to more than 1 by this much are more than the equity (below it: a sum's rounding). */
const OVER_EQUITY_TOLERANCE = 1e-9;

/** The error a signal strategy's failure on the cursor's bar is reported as. */
function strategyFailure(strategy: Strategy, cursor: SeriesCursor, cause: unknown): StrategyError {
  return new StrategyError(strategy.id, { symbol: cursor.symbol, time: cursor.time, cause });
}

/**
 * Runs one strategy (either kind) over a shared timeline, one step at a time, with the engine's
 * semantics: the backtest engine is a loop over {@link StepRunner.step}, and an orchestrator
 * can drive several runners (one per sleeve) phase by phase, in the same order:
 *
 * 1. {@link StepRunner.beginStep} — locate each symbol's bar at the step;
 * 2. {@link StepRunner.fillAtOpen} — orders pending from an earlier bar fill at this open
 *    (`next-open`): exits and sells first, then entries and buys;
 * 3. {@link StepRunner.applyStops} — stop-loss / take-profit inside the bar (a gap through a
 *    level fills at the open; the stop wins when both levels are inside one bar);
 * 4. {@link StepRunner.markToMarket} — positions marked at the close, the account valued;
 * 5. {@link StepRunner.decide} — the strategy is asked (signal kind: per symbol with a bar,
 *    once `index + 1 >= warmup`; portfolio kind: on rebalance steps) and its orders queued;
 * 6. {@link StepRunner.fillAtClose} — with `fill: 'close'`, queued orders fill at this close;
 * 7. {@link StepRunner.endStep} — on a symbol's last bar, next-open orders are dropped and,
 *    with `closeAtEnd`, its position is closed at that close.
 *
 * An order waits for its symbol's next bar: a symbol with no bar at a step is not tradable (no
 * fill, no stop) and is marked at its last close. Orders never filled are dropped and logged.
 * Objects are created only when an order is placed or filled: the no-trade path allocates nothing.
 */
export abstract class StepRunner extends RunnerBook {
  /** With a calendar rebalance rule, the period key of the last rebalance's time (NaN before it). */
  private lastRebalanceKey = Number.NaN;
  /**
   * With a calendar rebalance rule, a day before the start of the period after the last
   * rebalance's (NaN before it): earlier times, still in that period, need no period key.
   */
  private periodCheckFrom = Number.NaN;
  /**
   * The equity the portfolio strategy's rebalance at step {@link StepRunner.sizingStep} sizes its
   * targets to instead of the marked equity (see {@link StepRunner.sizeRebalanceTo}).
   */
  private sizingEquity = Number.NaN;
  private sizingStep = -1;
  /** The marks {@link StrategyRunner.markOpen} replaced (per symbol: price and bar). */
  private savedPrice = new Float64Array(0);
  private savedBar = new Int32Array(0);

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

  /** Phase 1: points {@link StrategyRunner.index} at each symbol's bar at `step`. */
  beginStep(step: number): void {
    this.currentStep = step;
    const index = this.index;
    const barIndex = this.barIndex;
    if (barIndex === null) {
      index[0] = step;
      return;
    }
    if (this.aligned) {
      for (let k = 0; k < index.length; k++) index[k] = step;
      return;
    }
    const loneBars = this.loneBars;
    if (this.lone && loneBars !== null) {
      index[0] = loneBars[step] ?? -1;
      return;
    }
    for (let k = 0; k < index.length; k++) index[k] = barIndex[k]?.[step] ?? -1;
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
    if (this.aligned) {
      // Every symbol has its bar `step` (beginStep pointed each index there): marked without reading the indexes back.
      const { series } = this;
      for (let k = 0; k < series.length; k++) {
        const s = series[k];
        if (s !== undefined) account.mark(k, s.close[step] ?? Number.NaN, step);
      }
      this.value();
      this.checkMargin();
      return;
    }
    if (!this.lone) {
      this.markToMarket();
      return;
    }
    const i = this.index[0] ?? -1;
    if (i >= 0) account.mark(0, this.loneClose[i] ?? Number.NaN, i);
    this.value();
    this.checkMargin();
  }

  /**
   * Phase 2: fills pending orders of symbols with a bar now at their open (next-open mode only).
   * `entries` false fills the exits, sales and placed orders only, leaving the entries (sized at
   * their fill) for a later call: how an orchestrator moves capital between the two, so that the
   * entries are sized on the sleeve's new capital.
   */
  fillAtOpen(entries = true): void {
    if (this.nextOpen && this.pendingCount > 0) this.fillPending('open', entries ? 3 : 2);
  }

  /**
   * Points the runner at step `step` and marks every symbol with a bar then at its open, then
   * values the account: what an orchestrator moving capital at the open sizes its orders against.
   * {@link StrategyRunner.restoreMarks} puts the marks of before back, so that the entries filled
   * next are sized as the engine alone sizes them (against the last close).
   */
  markOpen(step: number): void {
    this.beginStep(step);
    const { account, index, series } = this;
    const n = index.length;
    if (this.savedPrice.length !== n) {
      this.savedPrice = new Float64Array(n);
      this.savedBar = new Int32Array(n);
    }
    this.savedPrice.set(account.markPrice);
    this.savedBar.set(account.markBar);
    for (let k = 0; k < n; k++) {
      const i = index[k] ?? -1;
      const s = series[k];
      if (i >= 0 && s !== undefined) account.mark(k, s.open[i] ?? Number.NaN, i);
    }
    this.value();
  }

  /** Puts back the marks {@link StrategyRunner.markOpen} replaced, and values the account at them. */
  restoreMarks(): void {
    const { account } = this;
    account.markPrice.set(this.savedPrice);
    account.markBar.set(this.savedBar);
    this.value();
  }

  /** Phase 3: stop-loss and take-profit inside the bar of every open position with a level. */
  applyStops(): void {
    if (this.account.exitLevels !== 0) this.triggerExitLevels();
  }

  /**
   * Phase 4: marks every symbol with a bar now at its close, then values the account; an account
   * whose equity is then below zero with positions open is margin-called (see
   * {@link RunnerBook.checkMargin}).
   */
  markToMarket(): void {
    const { account, index, series } = this;
    for (let k = 0; k < index.length; k++) {
      const i = index[k] ?? -1;
      const s = series[k];
      if (i >= 0 && s !== undefined) account.mark(k, s.close[i] ?? Number.NaN, i);
    }
    this.value();
    this.checkMargin();
  }

  /**
   * Phase 5: asks the strategy (if active) and queues its orders. After a margin call it is not
   * asked until the equity is above zero again: an entry would be sized from a debt, and a short
   * sale, which needs no cash, would trade on it.
   */
  decide(): void {
    if (!this.enabled) return;
    this.viewCash = this.account.cash;
    this.viewEquity = this.revalue();
    if (!this.askable(this.viewEquity)) return;
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

  /**
   * Whether the strategy, a portfolio strategy still asked for decisions, rebalances at timeline
   * step `step` (its warm-up done and its schedule due; asked before its decision at that step):
   * an orchestrator checks it before queueing orders that the strategy's own would replace.
   */
  rebalancesAt(step: number): boolean {
    return this.enabled && this.portfolio !== null && this.rebalanceDue(this.portfolio, step);
  }

  /**
   * Has the portfolio strategy's rebalance at step `step` (if it rebalances then) size its target
   * positions to `equity` instead of the account's marked equity: how an orchestrator moving a
   * sleeve's whole capital out at a close, where the strategy's own orders carry the move, tells
   * it that the cash left to pay its costs of selling is not capital to hold positions with
   * (sized to it, a whole unit kept by rounding was held on borrowed cash).
   */
  sizeRebalanceTo(step: number, equity: number): void {
    this.sizingStep = step;
    this.sizingEquity = equity;
  }

  protected rebalanceDue(strategy: PortfolioStrategy, step: number): boolean {
    if (step + 1 < strategy.warmup) return false;
    const rule = this.rebalanceRule ?? strategy.rebalance;
    if (rule.kind !== 'calendar' || this.lastRebalance < 0) return isRebalanceStep(rule, this.time, step, this.lastRebalance);
    // isRebalanceStep's test, with the last rebalance's period computed once rather than on every
    // step, and no period key at all until a day before the next period starts: times only grow,
    // and a time a whole day before that start is in the last rebalance's period however it
    // rounds (a NaN time fails the comparison and gets the key's answer).
    const time = this.time[step] ?? Number.NaN;
    if (time < this.periodCheckFrom) return false;
    return calendarPeriodKey(time, rule.period) !== this.lastRebalanceKey;
  }

  /*
   * The phases above run on every step, so they only test whether there is anything to do; the
   * work itself (stops, fills, queued orders, last bars) lives in the methods below and in
   * {@link RunnerBook}. That keeps the code run on every step small enough for the JIT to inline
   * into `step`.
   */

  protected decideSignals(strategy: Strategy): void {
    for (let k = 0; k < this.index.length; k++) this.decideSignal(strategy, k);
  }

  /** Asks a signal strategy about symbol `k` (if it has a bar and is warmed up) and queues its order. */
  protected decideSignal(strategy: Strategy, k: number): void {
    const i = this.index[k] ?? -1;
    const cursor = this.cursors[k];
    if (i < 0 || i + 1 < strategy.warmup || cursor === undefined) return;
    this.ask(strategy, cursor, k, i);
  }

  /**
   * Asks a signal strategy about symbol `k` on its bar `i`, showing it the cash and equity of
   * `viewCash` and `viewEquity`: whether to enter (when flat) or exit (when holding), and queues
   * the order. A throw becomes a `StrategyError` naming the strategy, symbol and bar time. The
   * account values are read from those fields rather than passed: a double passed to a call the
   * JIT does not inline (strategies differ from sleeve to sleeve) is boxed, an allocation per bar.
   */
  protected ask(strategy: Strategy, cursor: SeriesCursor, k: number, i: number): void {
    const position = this.account.position(k);
    cursor.setAccount(this.viewCash, this.viewEquity);
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

  /** Per symbol, 1 once {@link StepRunner.warnBelowOneUnit} has warned about it (once a run each). */
  private belowOneUnit: Uint8Array | null = null;

  /**
   * A weight that buys less than one whole unit holds nothing: said once per symbol (as a warning,
   * so that a portfolio of expensive symbols on little cash does not trade nothing in silence).
   */
  private warnBelowOneUnit(k: number, weight: number, equity: number, price: number): void {
    if (this.logger === noopLogger) return;
    this.belowOneUnit ??= new Uint8Array(this.account.symbols.length);
    if (this.belowOneUnit[k] === 1) return;
    this.belowOneUnit[k] = 1;
    const symbol = this.account.symbols[k] ?? '?';
    this.logger.warn(
      { event: 'weight-below-one-unit', symbol, time: isoTime(this.currentTime), weight, equity, price },
      `weight ${weight} of ${symbol} is ${formatValue(weight * equity)} at ${formatValue(price)} a unit: less than one whole unit, so it holds none (said once per symbol; fractional units — --fractional, or "fractional": true in a run config —, or more cash trades it)`,
    );
  }

  /** Rebalances so far whose weights summed to more than 1 (see {@link StepRunner.noteOverEquity}). */
  private overEquityCount = 0;
  /** The largest sum of weights among them (0 while there is none). */
  private overEquityMax = 0;

  /**
   * The rebalances so far whose weights summed to more than the equity (1, by more than 1e-9) and
   * the largest such sum, or null when there was none: what explains a portfolio strategy's
   * shrunk and rejected orders, for the result beside their counts.
   */
  get weightsOverEquity(): WeightsOverEquity | null {
    return this.overEquityCount === 0 ? null : { rebalances: this.overEquityCount, maxSum: this.overEquityMax };
  }

  /**
   * Counts a rebalance whose weights sum to more than 1, and warns of the first of a run: the
   * account has no margin, so what the longs cost beyond the equity and a short's proceeds cannot
   * be paid, and its buys are shrunk or rejected one symbol after another (orders the result
   * counts, with these rebalances beside them). Such weights are not refused: leverage by weights
   * may be meant, and nothing in the protocol forbids them.
   */
  private noteOverEquity(weights: Readonly<Record<string, unknown>>, time: number): void {
    let sum = 0;
    let long = 0;
    for (const symbol of Object.keys(weights)) {
      const value = weights[symbol] as number;
      sum += value;
      if (value > 0) long += value;
    }
    if (!(sum > 1 + OVER_EQUITY_TOLERANCE)) return;
    this.overEquityCount++;
    if (sum > this.overEquityMax) this.overEquityMax = sum;
    if (this.overEquityCount > 1 || this.logger === noopLogger) return;
    this.logger.warn(
      { event: 'weights-over-equity', time: isoTime(time), sum, long },
      `targetWeights returned weights summing to ${formatValue(sum)}: more than the equity, and the account has no margin (only a short's proceeds pay for longs beyond it), so buys beyond the cash are shrunk or rejected symbol by symbol, in the order of the symbols; scale the weights to sum to at most 1 (said once a run)`,
    );
  }

  /**
   * A portfolio context's `bars`: symbol → its context at its latest marked bar, showing the cash
   * and equity of the decision being made (read when called), or null. One function for the
   * runner's life rather than a closure per rebalance, which reads the same fields.
   */
  private readonly barsAt = (symbol: string): StrategyContext | null => {
    const k = this.indexBySymbol.get(symbol);
    const cursor = k === undefined ? undefined : this.cursors[k];
    const i = k === undefined ? -1 : (this.account.markBar[k] ?? -1);
    if (k === undefined || cursor === undefined || i < 0) return null;
    cursor.setAccount(this.viewCash, this.viewEquity);
    cursor.setPosition(this.account.position(k));
    return cursor.moveTo(i);
  };

  private decideRebalance(strategy: PortfolioStrategy): void {
    const step = this.currentStep;
    if (!this.rebalanceDue(strategy, step)) return;
    this.lastRebalance = step;
    const rule = this.rebalanceRule ?? strategy.rebalance;
    this.lastRebalanceKey = rule.kind === 'calendar' ? calendarPeriodKey(this.time[step] ?? Number.NaN, rule.period) : Number.NaN;
    this.periodCheckFrom = rule.kind === 'calendar' ? calendarPeriodStart(this.lastRebalanceKey + 1, rule.period) - DAY_MS : Number.NaN;
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
    const bars = this.barsAt;
    const view = Object.freeze({ cash: this.viewCash, equity: this.viewEquity });
    const context: PortfolioContext = Object.freeze({ time, step, symbols, tradable, bars, account: view, positions });
    let weights: Readonly<Record<string, unknown>>;
    try {
      const answer: unknown = strategy.targetWeights(context);
      if (isThenable(answer)) throw refusedValue(new TypeError(thenableProblem('targetWeights')));
      if (typeof answer !== 'object' || answer === null) {
        throw refusedValue(new TypeError(`targetWeights returned ${formatValue(answer)}; it must be an object of weights by symbol`));
      }
      const prototype: unknown = Object.getPrototypeOf(answer);
      if (prototype !== Object.prototype && prototype !== null) {
        // A class instance or an object on a prototype: its weights could be getters or inherited, which the check below would not see.
        throw refusedValue(new TypeError(`targetWeights returned ${formatValue(answer)}, not a plain object; return { SYMBOL: weight, … }`));
      }
      weights = answer as Readonly<Record<string, unknown>>;
      // Keys, then each value: the same reads as Object.entries without an array per weight.
      for (const symbol of Object.keys(weights)) {
        const weight = weights[symbol];
        if (!this.indexBySymbol.has(symbol)) {
          throw refusedValue(new RangeError(`targetWeights returned a weight for "${symbol}", which is not among the strategy's symbols (${symbols.join(', ')})`));
        }
        if (typeof weight !== 'number' || !Number.isFinite(weight)) {
          throw refusedValue(new RangeError(`targetWeights returned ${formatValue(weight)} for "${symbol}"; weights must be finite numbers`));
        }
      }
    } catch (error) {
      throw new StrategyError(strategy.id, { time, cause: error });
    }
    this.noteOverEquity(weights, time);
    this.rebalanceTimes.push(time);
    const sized = this.sizingStep === step;
    const equity = sized ? this.sizingEquity : this.markedEquity;
    checkWeightAmounts(strategy.id, weights as Readonly<Record<string, number>>, equity, time);
    if (this.logger !== noopLogger) this.logger.debug({ event: 'rebalance', time: isoTime(time), equity, weights }, 'rebalance');
    for (let k = 0; k < series.length; k++) {
      const symbol = symbols[k] ?? '';
      // Only what the check above read: own enumerable weights (not a getter on a class or a
      // prototype's, nor a symbol named "constructor" finding Object's).
      const weight = Object.prototype.propertyIsEnumerable.call(weights, symbol) ? ((weights[symbol] as number | undefined) ?? 0) : 0;
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
      // An account worth nothing, or less, has nothing to hold: w × E ≤ 0 would turn a long
      // weight into a short sale (which needs no cash) made on the debt.
      const target = equity > 0 ? targetQuantity(weight, equity, price, this.fractional) : 0;
      if (target === 0 && weight !== 0 && price > 0 && !sized && equity > 0) this.warnBelowOneUnit(k, weight, equity, price);
      const delta = target - (account.quantity[k] ?? 0);
      if (Math.abs(delta * price) <= REBALANCE_DUST * Math.max(1, Math.abs(equity))) {
        if (this.pendingKind[k] !== NONE) this.drop(k, 'replaced');
        continue;
      }
      this.placeOrder(k, delta, 'rebalance');
    }
  }
}

/**
 * Refuses weights that ask for a position worth more than `MAX_AMOUNT` (1e13) either way at
 * `equity`: money beyond it is not counted to the cent (a short of weight −1e14 sold 1e17 units
 * and moved a cash-only equity by 352 at its next mark), so such a weight is a strategy's mistake,
 * refused naming the symbol, never run. Leverage within it is not refused (see
 * `weightsOverEquity`), nor a weight within ±1, which holds no more than the equity however far
 * the equity grew.
 */
function checkWeightAmounts(id: string, weights: Readonly<Record<string, number>>, equity: number, time: number): void {
  if (!(equity > 0)) return;
  for (const symbol of Object.keys(weights)) {
    const weight = weights[symbol] ?? 0;
    const amount = weight * equity;
    // A weight within ±1 holds no more than the equity, however far it grew: never refused.
    if (Math.abs(weight) <= 1 || Math.abs(amount) <= MAX_AMOUNT) continue;
    const message = `targetWeights returned ${formatValue(weight)} for "${symbol}": a position worth ${amount.toExponential(2)} at an equity of ${equity.toFixed(2)}, beyond ±1e13, the largest amount counted to the cent; weights are fractions of the equity (0.5 for 50 %, -1 for a short of the whole equity)`;
    throw new StrategyError(id, { time, cause: refusedValue(new RangeError(message)) });
  }
}
