import type { Logger } from '@ensemble/protocol';
import { InvariantError, isoTime } from '@ensemble/protocol';
import type { AllocationOutcome, Allocator } from '../internal/allocator';
import type { PaperTracks } from './paper-tracks';
import { endedFlat, sleeveEnd, sleeveStart } from './sleeve-span';
import type { Sleeve } from './sleeves';

/** What {@link AllocationInputs} reads. */
export interface AllocationInputsOptions {
  readonly sleeves: readonly Sleeve[];
  readonly allocator: Allocator;
  /** Sleeves mode (capital moves between the sleeves); false in shared mode, where sleeves are shadows. */
  readonly sleevesMode: boolean;
  readonly time: Float64Array;
  readonly logger: Logger;
  /**
   * Sleeves mode under the `performance` scheme: the sleeves' strategies on paper, whose returns
   * stand in for a sleeve's on the steps it held no capital; null otherwise.
   */
  readonly paper: PaperTracks | null;
}

/**
 * What the allocator is given at a rebalance: which sleeves take part (not one that has finished
 * or not started yet) and each sleeve's trailing window of returns — its own, or on the steps it
 * held no capital (emptied by a target of 0) its strategy's on paper.
 */
export class AllocationInputs {
  private readonly options: AllocationInputsOptions;
  /** Scratch of {@link AllocationInputs.allocate}: per sleeve, its trailing window of returns. */
  private window: Float64Array[] = [];
  /** Sleeves (ids) whose window the last {@link AllocationInputs.allocate} filled from their paper track. */
  private paperWindows: string[] = [];
  /**
   * Per sleeve: the step from which it has held no capital by its target (a move sold it out for a
   * target of 0), NaN while it has some; and its earlier such stretches, `[from, to)` in steps.
   */
  private readonly emptiedFrom: number[];
  private readonly emptiedStretches: [number, number][][];
  /** Sleeves reported finished (see {@link AllocationInputs.finished}). */
  private readonly finishedLogged = new Set<number>();
  /** Sleeves reported not started (see {@link AllocationInputs.notStarted}). */
  private readonly notStartedLogged = new Set<number>();
  /** Per sleeve, when it can start and when it ends trading (`sleeveStart`, `sleeveEnd`: its series do not change during a run). */
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;

  constructor(options: AllocationInputsOptions) {
    this.options = options;
    this.emptiedFrom = options.sleeves.map(() => Number.NaN);
    this.emptiedStretches = options.sleeves.map(() => []);
    this.starts = Float64Array.from(options.sleeves, sleeveStart);
    this.ends = Float64Array.from(options.sleeves, sleeveEnd);
  }

  /** Sleeves (ids) whose window the last {@link AllocationInputs.allocate} read from their paper track. */
  get onPaper(): readonly string[] {
    return this.paperWindows;
  }

  /**
   * The allocator's weights at step `t` from the sleeves' returns of steps before `t`, as the
   * recorder kept them (`Sleeve.returns`): the whole columns for a `custom` scheme, else (the
   * built-in schemes read only their lookback) the trailing window, copied in step order out of
   * each sleeve's ring of its latest returns.
   */
  allocate(t: number, time: number): AllocationOutcome {
    const { allocator, sleeves } = this.options;
    this.paperWindows = [];
    const active = sleeves.map((sleeve) => sleeve.active && !this.finished(sleeve, time) && !this.notStarted(sleeve, time));
    if (!allocator.needsReturns || allocator.needsHistory) {
      return allocator.compute(
        sleeves.map((sleeve) => sleeve.returns),
        t,
        active,
        time,
      );
    }
    const width = Math.min(t, allocator.lookback);
    // At most the run's length: no window is longer (a lookback may be up to 2^53 − 1).
    if (this.window.length !== sleeves.length) this.window = sleeves.map(() => new Float64Array(Math.min(allocator.lookback, this.options.time.length)));
    const columns = this.window;
    const start = t - width;
    const paper = this.options.paper;
    for (const sleeve of sleeves) {
      const column = columns[sleeve.index];
      const ring = sleeve.returns;
      if (column === undefined || ring === null) throw new InvariantError(`sleeve ${sleeve.entry.id} keeps no returns for the ${allocator.scheme} scheme`, { time });
      const size = ring.length;
      let at = start % size;
      if (paper === null) {
        // Without paper tracks the window is the ring's last `width` returns as they are, copied
        // element by element: two `subarray` views per sleeve and rebalance cost more than copying
        // a lookback's few dozen values (about 2 % of a 1,000-sleeve run went to making them).
        for (let k = 0; k < width; k++) {
          column[k] = ring[at] ?? Number.NaN;
          at = at + 1 === size ? 0 : at + 1;
        }
        continue;
      }
      let onPaper = false;
      for (let k = 0; k < width; k++) {
        let value = ring[at] ?? Number.NaN;
        // A step the sleeve held no capital (emptied): its strategy's return on paper, once it has started.
        if (active[sleeve.index] === true && (Number.isNaN(value) || this.emptiedAt(sleeve, start + k))) {
          value = paper.returnAt(sleeve, start + k);
          if (!Number.isNaN(value)) onPaper = true;
        }
        column[k] = value;
        at = at + 1 === size ? 0 : at + 1;
      }
      paper.note(sleeve, onPaper, time);
      if (onPaper) this.paperWindows.push(sleeve.entry.id);
    }
    return allocator.compute(columns, width, active, time, t);
  }

  /**
   * After a move at step `t` to `weights`: a sleeve sold out for a target of 0 (not `held` back by
   * a position that cannot trade, nor left as it was below the costs) holds no capital from step
   * `t + 1`; one with a target above 0 again ends its stretch — after step `t` when the move was at
   * its close (`atOpen` false: the sleeve held nothing over that step, and the return recorded
   * there, from the transfer on, spans no time), before it when the move was at its open (the
   * sleeve earned the rest of that step on its new capital, as its strategy entering there would).
   * Kept only for paper tracks.
   */
  noteEmptied(weights: ArrayLike<number>, t: number, atOpen: boolean, held: Uint8Array, belowCosts: readonly string[]): void {
    if (this.options.paper === null) return;
    for (const sleeve of this.options.sleeves) {
      const weight = weights[sleeve.index] ?? Number.NaN;
      const from = this.emptiedFrom[sleeve.index] ?? Number.NaN;
      if (weight === 0) {
        if (Number.isNaN(from) && held[sleeve.index] !== 1 && !belowCosts.includes(sleeve.entry.id)) this.emptiedFrom[sleeve.index] = t + 1;
      } else if (weight > 0 && !Number.isNaN(from)) {
        const end = atOpen ? t : t + 1;
        if (end > from) this.emptiedStretches[sleeve.index]?.push([from, end]);
        this.emptiedFrom[sleeve.index] = Number.NaN;
      }
    }
  }

  /**
   * Whether `sleeve` held no capital by its target at step `s`: from the step after a move that sold
   * it out for a target of 0 up to the move that funds it again. Its own returns there are NaN, or
   * those of what it could not give (costs it kept back for a sale that crossing made free, whole
   * units' remainder), which are not its strategy's: both read its paper track.
   */
  private emptiedAt(sleeve: Sleeve, s: number): boolean {
    const from = this.emptiedFrom[sleeve.index] ?? Number.NaN;
    if (s >= from) return true;
    // Latest first, stopping at the first stretch that ended by `s`: a window reads only its own.
    const stretches = this.emptiedStretches[sleeve.index] ?? [];
    for (let i = stretches.length - 1; i >= 0; i--) {
      const [start, end] = stretches[i] ?? [0, 0];
      if (end <= s) return false;
      if (start <= s) return true;
    }
    return false;
  }

  /**
   * Whether `sleeve` can never trade again at `time`: every one of its symbols had its last bar
   * before, and it holds no position. It then takes part in no allocation, as an isolated sleeve:
   * its weight is 0, so its cash goes to the others (a `fixed` weight's to the reserve), where a
   * share of the capital would otherwise sit idle in it for the rest of the run. A sleeve still
   * holding a position in an ended symbol keeps its share (the position cannot be sold, see
   * `transfer-deferred`). Logged once (`sleeve-finished`).
   */
  private finished(sleeve: Sleeve, time: number): boolean {
    // Before its last bar a sleeve is not finished, whatever it holds (read without its book).
    if (!((this.ends[sleeve.index] ?? Number.NaN) < time) || !endedFlat(sleeve, time)) return false;
    if (!this.finishedLogged.has(sleeve.index)) {
      this.finishedLogged.add(sleeve.index);
      this.options.logger.info(
        { event: 'sleeve-finished', strategy: sleeve.entry.id, time: isoTime(time) },
        `sleeve ${sleeve.entry.id}: every symbol it trades has ended and it holds no position, so it gets no capital from this rebalance on`,
      );
    }
    return true;
  }

  /**
   * Whether `sleeve` cannot trade yet at `time` (sleeves mode): none of its symbols has had a bar
   * at or before it. It then takes part in no allocation, as a finished sleeve: its weight is 0 (a
   * `fixed` weight stays in the reserve), where its share would otherwise sit in cash until its
   * first bar. The step of that bar rebalances (`sleeve-started`), so it is funded at its first
   * close. Logged once (`sleeve-not-started`). In shared mode a shadow keeps its start weight:
   * shadows are never funded again, and the shared account holds the capital.
   */
  private notStarted(sleeve: Sleeve, time: number): boolean {
    if (!this.options.sleevesMode || (this.starts[sleeve.index] ?? Number.NaN) <= time) return false;
    if (!this.notStartedLogged.has(sleeve.index)) {
      this.notStartedLogged.add(sleeve.index);
      this.options.logger.info(
        { event: 'sleeve-not-started', strategy: sleeve.entry.id, time: isoTime(time), starts: isoTime(this.starts[sleeve.index] ?? Number.NaN) },
        `sleeve ${sleeve.entry.id}: none of its symbols has a bar yet, so it gets no capital until its first bar`,
      );
    }
    return true;
  }
}
