import type { Logger } from '@ensemble/protocol';
import { InvariantError, noopLogger } from '@ensemble/protocol';
import type { RunConfig } from '../config';
import { anyRiskLimit } from '../internal/risk';
import type { SleeveExecutor } from '../internal/sleeve-executor';
import type { RunRecorder } from './recorder';
import type { Sleeve } from './sleeves';

/**
 * Whether a run's config lets it step its sleeves one after the other over blocks of bars
 * (sleeve-major) instead of bar by bar: sleeves mode with `next-open` fills, no risk limits, drift
 * bands or invariant audit. It then also needs every sleeve to be a signal strategy on one symbol
 * ({@link sleeveBlocksApply}).
 */
export function blocksConfig(config: RunConfig): boolean {
  return config.mode === 'sleeves' && config.fill === 'next-open' && !config.checkInvariants && !anyRiskLimit(config.risk) && config.rebalance.drift === undefined;
}

/**
 * Whether a run steps its sleeves over blocks of bars: its config allows it ({@link blocksConfig}),
 * every sleeve is a signal strategy on one symbol, and its logger writes no `info` events — none
 * at all, or only warnings and errors, which the run holds and writes in bar order
 * (`run/held-warnings.ts`): every other event would come sleeve by sleeve.
 */
export function sleeveBlocksApply(config: RunConfig, sleeves: readonly Sleeve[], logger: Logger, warningsHeld: boolean): boolean {
  return (
    blocksConfig(config) &&
    (logger === noopLogger || warningsHeld) &&
    sleeves.every((sleeve) => sleeve.runner.oneSymbolSignal)
  );
}

/** A block whose portfolio fell below zero at step `step`'s close: the run goes again bar by bar (see {@link SleeveBlocks.run}). */
export class PortfolioBelowZero extends Error {
  readonly step: number;

  constructor(step: number) {
    super(`the portfolio is below zero at step ${String(step)}: run bar by bar`);
    this.name = 'PortfolioBelowZero';
    this.step = step;
  }
}

/**
 * Runs the steps between two rebalances (or last bars) sleeve by sleeve: each sleeve's runner
 * goes through the steps in one loop (`StrategyRunner.runOneSymbol`) and stops where an order of
 * it would fill at the open; the earliest such step is filled for every sleeve stopped there in
 * one crossing window — exactly the sleeves that step's open window holds when every sleeve is
 * stepped bar by bar, since the others have no order waiting then — and they go on. Nothing else
 * ties sleeves together on those steps, so every sleeve sees the same fills, prices and costs as
 * bar by bar; the recorder then completes the portfolio's rows in the same summation order.
 * What this saves is the sleeve switch on every bar: each sleeve's state and columns stay in
 * cache for a block, and its bars run in the engine's fused loop.
 */
export class SleeveBlocks {
  private readonly sleeves: readonly Sleeve[];
  private readonly executor: SleeveExecutor;
  private readonly recorder: RunRecorder;
  /** Per sleeve, the next sleeve waiting on the same step (-1: none). */
  private readonly next: Int32Array;
  private head = new Int32Array(0);
  /** Scratch: the sleeves of one step's open window. */
  private readonly waiting: Int32Array;

  constructor(sleeves: readonly Sleeve[], executor: SleeveExecutor, recorder: RunRecorder) {
    this.sleeves = sleeves;
    this.executor = executor;
    this.recorder = recorder;
    this.next = new Int32Array(sleeves.length).fill(-1);
    this.waiting = new Int32Array(sleeves.length);
  }

  /**
   * Runs steps `from` … `to − 1` (none a rebalance, a risk check or a last bar), with `reserve`
   * unchanged. Throws {@link PortfolioBelowZero} where the portfolio's equity is below zero at a
   * close of the block: bar by bar the portfolio could have been margin-called there, before the
   * sleeves decided (`StepManagement.checkPortfolioMargin`), which sleeve by sleeve cannot be.
   */
  run(from: number, to: number, reserve: number): void {
    const equity = this.recorder.portfolio.equity;
    const longest = this.recorder.blockSteps;
    for (let start = from; start < to; start += longest) {
      const end = Math.min(to, start + longest);
      this.recorder.beginBlock(start, end);
      this.runBlock(start, end);
      this.recorder.completeRows(start, end, reserve);
      for (let t = start; t < end; t++) if ((equity[t] ?? 0) < 0) throw new PortfolioBelowZero(t);
    }
  }

  private runBlock(from: number, to: number): void {
    const { sleeves, executor, recorder } = this;
    // Sleeves waiting to fill at each step of the block: a list per step, linked through `next`.
    const head = this.heads(to - from);
    const next = this.next;
    const wait = (s: number, at: number): void => {
      if (at >= to) return;
      next[s] = head[at - from] ?? -1;
      head[at - from] = s;
    };
    sleeves.forEach((sleeve, s) => {
      const at = sleeve.runner.runOneSymbol(from, to, sleeve.equity, sleeve.cash, sleeve.gross);
      recorder.recordStretch(sleeve, from, at);
      wait(s, at);
    });
    const waiting = this.waiting;
    for (let step = from; step < to; step++) {
      let count = 0;
      for (let s = head[step - from] ?? -1; s >= 0; s = next[s] ?? -1) waiting[count++] = s;
      if (count === 0) continue;
      // A sleeve alone in the window (one symbol: one order) has nothing to cross: the executor
      // books its order at once, with the same admission and fill the window would give it.
      // Several: the open window of this step, in sleeve order as bar by bar (sorted in place;
      // a typed array sorts numerically).
      const window = count > 1;
      if (window) {
        sortPrefix(waiting, count);
        executor.begin();
      }
      for (let w = 0; w < count; w++) {
        const runner = sleeves[waiting[w] ?? -1]?.runner;
        runner?.beginStep(step);
        runner?.fillAtOpen();
      }
      if (window) executor.settle();
      for (let w = 0; w < count; w++) {
        const s = waiting[w] ?? -1;
        const sleeve = sleeves[s];
        if (sleeve === undefined) continue;
        const at = sleeve.runner.runOneSymbol(step, to, sleeve.equity, sleeve.cash, sleeve.gross);
        if (at === step) throw new InvariantError(`sleeve "${sleeve.entry.id}" still has an order to fill at step ${step} after its open fills`);
        recorder.recordStretch(sleeve, step, at);
        wait(s, at);
      }
    }
  }

  /** The per-step list heads of a block of `length` steps, all empty. */
  private heads(length: number): Int32Array {
    if (this.head.length < length) this.head = new Int32Array(length);
    this.head.fill(-1, 0, length);
    return this.head;
  }
}

/**
 * Sorts the first `count` entries of `values` ascending, in place: insertion sort for the few
 * sleeves a window usually holds, a typed-array sort of a view (numeric) for many.
 */
function sortPrefix(values: Int32Array, count: number): void {
  if (count > 32) {
    values.subarray(0, count).sort();
    return;
  }
  for (let i = 1; i < count; i++) {
    const value = values[i] ?? 0;
    let j = i - 1;
    while (j >= 0 && (values[j] ?? 0) > value) {
      values[j + 1] = values[j] ?? 0;
      j--;
    }
    values[j + 1] = value;
  }
}
