import { StepRunner } from './step-runner';
import type { SteppedColumn } from './stepped-column';

/**
 * Runs one strategy (either kind) over a shared timeline with the engine's semantics: step by
 * step through the phases of {@link StepRunner} (the backtest engine's loop, an orchestrator's
 * phase-by-phase stepping of its sleeves), or, where no other party needs to act between steps,
 * through fused loops that give the same results bit for bit: a whole single-series run
 * ({@link StrategyRunner.runSingleSeries}) or the steps of a one-symbol signal strategy up to its
 * next open fill ({@link StrategyRunner.runOneSymbol}).
 */
export class StrategyRunner extends StepRunner {
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
      const holding = quantity[0] ?? 0;
      if (holding !== 0 && account.cash + holding * price < 0) {
        // The margin call of markToMarket (checkMargin), at this close.
        index[0] = t;
        account.mark(0, price, t);
        this.value();
        this.checkMargin();
      }
      if (this.enabled) {
        const held = quantity[0] ?? 0;
        const cash = account.cash;
        this.viewCash = cash;
        this.viewEquity = held !== 0 ? cash + held * price : cash;
        // As decide: not after a margin call until the equity is above zero again (looked at on
        // every step, as decide does, warm-up or not).
        if (this.askable(this.viewEquity) && t >= firstDecision) this.ask(strategy, cursor, 0, t);
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
   * cash (a stepped column: cash moves only with fills) and signed position value (quantity ×
   * mark) into the given columns at the step's index.
   * Stops before the first step at whose open a pending order would fill and returns it (the
   * caller fills it, e.g. in a window crossing several runners' orders, then calls again from that
   * step); returns `to` when every step ran. For `next-open` fills, on steps that hold no last bar
   * of the symbol (the caller runs those phase by phase).
   */
  runOneSymbol(from: number, to: number, equityOut: Float64Array, cashOut: SteppedColumn, valueOut: Float64Array): number {
    const strategy = this.signal;
    const cursor = this.cursors[0];
    if (!this.lone || !this.nextOpen || strategy === null || cursor === undefined) {
      throw new RangeError('runOneSymbol needs a signal strategy on one symbol, filled at the next open');
    }
    const { account, index, loneClose: close, loneBars: bars } = this;
    const quantity = account.quantity;
    const warmup = strategy.warmup;
    // The mark, the bar index and the valuation are only read by the stops (and by whoever reads
    // the runner after the loop): kept in locals, written back before a stop check and at the end,
    // as `runSingleSeries` does. On a step without a bar the mark stays the previous close.
    let price = account.markPrice[0] ?? 0;
    let markBar = account.markBar[0] ?? -1;
    let bar = index[0] ?? -1;
    let equity = this.markedEquity;
    let value = 0;
    let ran = false;
    let t = from;
    for (; t < to; t++) {
      const i = bars === null ? t : (bars[t] ?? -1);
      if (i >= 0 && this.pendingCount > 0) break;
      this.currentStep = t;
      bar = i;
      if (account.exitLevels !== 0) {
        index[0] = i;
        account.mark(0, price, markBar);
        this.triggerExitLevels();
      }
      if (i >= 0) {
        price = close[i] ?? Number.NaN;
        markBar = i;
      }
      let held = quantity[0] ?? 0;
      let cash = account.cash;
      if (held !== 0 && cash + held * price < 0) {
        // The margin call of markStep (checkMargin), at this close or, without a bar, by an order.
        index[0] = i;
        account.mark(0, price, markBar);
        this.value();
        this.checkMargin();
        held = quantity[0] ?? 0;
        cash = account.cash;
      }
      equity = cash;
      value = 0;
      if (held !== 0) {
        value = held * price;
        equity += value;
      }
      ran = true;
      // As decide: the margin call's hold is looked at on every step, with a bar or not.
      if (this.enabled && this.askable(equity) && i >= 0 && i + 1 >= warmup) {
        this.viewCash = cash;
        this.viewEquity = equity;
        this.ask(strategy, cursor, 0, i);
      }
      equityOut[t] = equity;
      cashOut.set(t, cash);
      valueOut[t] = value;
    }
    if (ran) {
      index[0] = bar;
      account.mark(0, price, markBar);
      this.markedEquity = equity;
      this.markedGross = 0 + Math.abs(value);
      this.fillsAtValuation = account.fillLog.length;
      this.depositsAtValuation = account.netDeposits;
    }
    return t;
  }

}
