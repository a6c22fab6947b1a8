import type { Logger } from '@ensemble/protocol';
import { InvariantError, isoTime, noopLogger } from '@ensemble/protocol';
import type { RebalanceDecision } from '../allocation/rebalance';
import type { RunConfig } from '../config';
import type { AllocationOutcome, Allocator } from '../internal/allocator';
import type { RebalanceEvent } from '../result';
import type { Sleeve } from './sleeves';
import { AllocationInputs } from './allocation-inputs';
import type { PaperTracks } from './paper-tracks';
import { QueuedTransferOrders } from './transfer-orders';
import { rebalanceEvent, record } from './rebalance-event';
import type { CapitalTransfers } from './transfers';

/** Relative size below which a cash transfer is floating-point dust. */
const DUST = 1e-9;

/**
 * A movable sleeve's share of a move's `pool` for its `target`: `pool × target / movable` when
 * the held sleeves' gaps were `rescaled` into it (a fraction taken first), never above the larger
 * of its target and the `ceiling` of `allocation.maxWeight`; else the target itself. A function
 * of its inputs rather than a closure made at each move (an allocation, and under tsx a name set).
 */
function shareOf(target: number, rescaled: boolean, pool: number, movable: number, ceiling: number): number {
  return rescaled ? Math.min(pool * (target / movable), Math.max(target, ceiling)) : target;
}

/** A rebalance as decided at a close: the weights then, the allocator's outcome and the rules that fired. */
interface DecidedRebalance {
  readonly time: number;
  /** Actual weights at that close. */
  readonly before: Float64Array;
  readonly outcome: AllocationOutcome;
  readonly decision: RebalanceDecision;
  /** Sleeves (ids) whose window read their paper track. */
  readonly onPaper: readonly string[];
}

/** What {@link Rebalancing} works with. */
export interface RebalancingOptions {
  readonly config: RunConfig;
  readonly sleeves: readonly Sleeve[];
  readonly allocator: Allocator;
  /** Sleeves mode's transfers; null in shared mode, where sleeves are shadows and a rebalance only changes the voting weights. */
  readonly transfers: CapitalTransfers | null;
  readonly time: Float64Array;
  readonly logger: Logger;
  /**
   * Sleeves mode under the `performance` scheme: the sleeves' strategies on paper, whose returns
   * stand in for a sleeve's on the steps it held no capital; null otherwise.
   */
  readonly paper: PaperTracks | null;
}

/**
 * Capital between the sleeves: the start allocation, then each rebalance — new target weights
 * from the allocator, and in sleeves mode the transfers that bring each sleeve's equity to
 * weight × portfolio equity (what happens inside a sleeve is `run/transfers.ts`). Keeps the
 * portfolio's reserve (cash no sleeve holds) and a {@link RebalanceEvent} per rebalance.
 */
export class Rebalancing {
  /** Every rebalance so far, the start allocation first. */
  readonly events: RebalanceEvent[] = [];
  /** Cash held by no sleeve (sleeves mode; 0 in shared mode), currency. */
  reserve = 0;
  private readonly options: RebalancingOptions;
  private readonly ids: readonly string[];
  /** `next-open` fills: the rebalance decided at the last close, whose capital moves at this open. */
  private waiting: DecidedRebalance | null = null;
  /** Scratch of a move: per sleeve, 1 when it holds a position that cannot trade now. */
  private held = new Uint8Array(0);
  /** Whether the last rebalance was skipped for a portfolio worth zero or less (its warning given). */
  private skipping = false;
  private readonly inputs: AllocationInputs;

  constructor(options: RebalancingOptions) {
    this.options = options;
    this.ids = options.sleeves.map((sleeve) => sleeve.entry.id);
    this.inputs = new AllocationInputs({
      sleeves: options.sleeves,
      allocator: options.allocator,
      sleevesMode: options.transfers !== null,
      time: options.time,
      logger: options.logger,
      paper: options.paper,
    });
  }

  /** The start allocation: weights from an empty history (the warm-up rule), funded before the first bar. */
  allocateInitial(): void {
    const { config, sleeves, allocator } = this.options;
    const time0 = this.options.time[0] ?? Number.NaN;
    const outcome = this.inputs.allocate(0, time0);
    allocator.targets = outcome.weights;
    let funded = 0;
    const transfers = new Float64Array(sleeves.length);
    for (const sleeve of sleeves) {
      const amount = (outcome.weights[sleeve.index] ?? 0) * config.cash;
      sleeve.initialCash = amount;
      sleeve.lastEquity = amount;
      transfers[sleeve.index] = amount;
      if (amount !== 0) sleeve.account.deposit(amount);
      sleeve.runner.revalue();
      funded += amount;
    }
    this.reserve = this.options.transfers === null ? 0 : config.cash - funded;
    const ids = this.ids;
    const event = rebalanceEvent(ids, { weightsBefore: new Float64Array(ids.length), targetWeights: outcome.weights, weightsAfter: outcome.weights, transfers }, null, {
      time: time0,
      reason: 'initial',
      reasons: ['initial'],
      deferred: [],
      belowCosts: [],
      scheme: allocator.scheme,
      warmup: outcome.warmup,
      constraintStatus: outcome.status,
      convergence: outcome.convergence,
      unestimated: outcome.unestimated,
      onPaper: [],
    });
    this.events.push(event);
    this.options.logger.info(
      { event: 'rebalance', time: isoTime(time0), reason: 'initial', weightsAfter: event.weightsAfter, transfers: event.transfers, scheme: event.scheme, warmup: event.warmup, reserve: this.reserve },
      'initial allocation',
    );
  }

  /**
   * Rebalances at step `t` (for the rules in `decision`) with portfolio `equity` and the sleeves'
   * `actual` weights (shares of `whole`: the portfolio's equity, in shared mode the shadow sleeves'
   * sum): new target weights, and in sleeves mode the capital moved between sleeves — at this
   * close, or with `next-open` fills at the next step's open ({@link Rebalancing.moveAtOpen}).
   * The event's weights before are null when `whole` is zero or below (a share of it is
   * undefined). Returns whether the target weights changed.
   */
  rebalance(t: number, equity: number, actual: Float64Array, whole: number, decision: RebalanceDecision): boolean {
    const { allocator, sleeves } = this.options;
    const time = this.options.time[t] ?? Number.NaN;
    const before = whole > 0 ? actual.slice() : new Float64Array(actual.length).fill(Number.NaN);
    const outcome = this.inputs.allocate(t, time);
    const previous = allocator.targets;
    allocator.targets = outcome.weights;
    let changed = false;
    for (let i = 0; i < sleeves.length; i++) if (Math.abs((previous[i] ?? 0) - (outcome.weights[i] ?? 0)) > 1e-12) changed = true;
    if (decision.reason === null) throw new InvariantError(`rebalance at step ${t} without a reason: the caller must pass the rules that fired`, { time });
    const logger = this.options.logger;
    if (changed && logger !== noopLogger) {
      logger.info(
        { event: 'allocation-changed', time: isoTime(time), scheme: allocator.scheme, before: record(this.ids, previous), after: record(this.ids, outcome.weights), warmup: outcome.warmup, status: outcome.status },
        'target weights changed',
      );
    }
    const decided: DecidedRebalance = { time, before, outcome, decision, onPaper: this.inputs.onPaper };
    if (this.options.transfers !== null && this.options.config.fill === 'next-open') {
      this.waiting = decided;
      return changed;
    }
    this.move(decided, t, equity, false);
    return changed;
  }

  /** Whether a rebalance decided at the last close moves its capital at this step's open. */
  get hasWaiting(): boolean {
    return this.waiting !== null;
  }

  /**
   * `next-open` fills: moves the capital of the rebalance decided at the last close, at the open
   * of step `t`, once the exits, sales and placed orders of that close have filled and every
   * sleeve is marked at its open. `equity` is the portfolio's value then: each sleeve is brought
   * to its target weight of it, and its orders, sized at the open, fill at the open with the
   * entries of that close. So a sleeve earns overnight what its own book earned, and from the
   * open on holds its new capital, as with `close` fills from the close. `moved` is called with
   * every sleeve, in order, once its capital has moved and its weight after is read (a sleeve's
   * own book is then done with: the caller can fill its orders in the same pass); returns
   * whether it was (false: no capital moved, and no sleeve was passed to it).
   */
  moveAtOpen(t: number, equity: number, moved?: (sleeve: Sleeve) => void): boolean {
    const decided = this.waiting;
    if (decided === null) return false;
    this.waiting = null;
    return this.move(decided, t, equity, true, moved);
  }

  /** The end of the run: a rebalance decided at the last close, whose open never comes, is dropped (as orders are). */
  finish(): void {
    const decided = this.waiting;
    if (decided === null) return;
    this.waiting = null;
    const logger = this.options.logger;
    if (logger === noopLogger) return;
    logger.info(
      { event: 'rebalance-dropped', time: isoTime(decided.time), reason: decided.decision.reason, why: 'end-of-data' },
      'rebalance dropped: it was decided on the last bar, and with next-open fills its capital would move at an open that never comes',
    );
  }

  /**
   * Books a move of `delta` into `sleeve`, worth `current` before it, in its records and the
   * reserve; `current` splits the bar's return (see `stepReturn`). `emptied`: the move sold the
   * whole book (a target of 0, or one below the costs of selling), so the bar's return is
   * measured on the capital before the move only.
   */
  private book(sleeve: Sleeve, current: number, delta: number, transfers: Float64Array, emptied = false): void {
    if (!emptied) sleeve.stepBase = current;
    sleeve.stepTransfer += delta;
    sleeve.netTransfers += delta;
    this.reserve -= delta;
    transfers[sleeve.index] = delta;
  }

  /**
   * Moves the capital of `decided` at step `t` (its own step, at the close; or the next one, at
   * the open) with the portfolio worth `equity`, and records the {@link RebalanceEvent}.
   */
  private move(decided: DecidedRebalance, t: number, equity: number, atOpen: boolean, moved?: (sleeve: Sleeve) => void): boolean {
    const { sleeves } = this.options;
    const { before, outcome, decision, time } = decided;
    const reason = decision.reason ?? 'schedule';
    // A portfolio worth zero or less has no capital to share: every target `weight × equity` would
    // be zero or below, and moving to them would sell out exactly the sleeves that did not lose to
    // lend their cash to the one that did. No capital moves and no rebalance is recorded until
    // the portfolio is worth more than zero again (the targets still change, for the next one).
    if (this.options.transfers !== null && !(equity > 0)) {
      // A warning for the first of a stretch; drift bands fire on every bar of it (the shares of a
      // whole worth nothing are meaningless), so the rest are debug lines.
      const logger = this.options.logger;
      const level = this.skipping ? 'debug' : 'warn';
      this.skipping = true;
      logger[level](
        { event: 'rebalance-skipped', time: isoTime(time), ...(atOpen ? { movedAt: isoTime(this.options.time[t] ?? Number.NaN) } : {}), reason, equity, why: 'no-capital' },
        `rebalance (${reason}) skipped: the portfolio is worth ${String(equity)}, zero or less, so there is no capital to share between the sleeves`,
      );
      return false;
    }
    this.skipping = false;
    const ids = this.ids;
    const moveTime = this.options.time[t] ?? Number.NaN;
    const transfers = new Float64Array(sleeves.length);
    const queued = new QueuedTransferOrders();
    const after = before.slice();
    const capital = this.options.transfers;
    const deferred: string[] = [];
    const belowCosts: string[] = [];
    if (capital !== null) {
      const dust = DUST * Math.max(1, Math.abs(equity));
      // A sleeve holding a position that cannot trade now keeps its capital (its transfer waits for
      // a later rebalance); the others share what is left in proportion to their targets.
      if (this.held.length !== sleeves.length) this.held = new Uint8Array(sleeves.length);
      const held = this.held.fill(0);
      let movable = 0;
      let gap = 0;
      for (const sleeve of sleeves) {
        const current = sleeve.runner.markedEquity;
        const target = (outcome.weights[sleeve.index] ?? 0) * equity;
        // Checked at its target or not: the share below can still move a sleeve at its target.
        const blocked = capital.unscalablePosition(sleeve.book);
        if (blocked === null) {
          movable += target;
          continue;
        }
        held[sleeve.index] = 1;
        gap += target - current;
        if (Math.abs(target - current) <= dust) continue;
        deferred.push(sleeve.entry.id);
        if (sleeve.logger !== noopLogger) {
          sleeve.logger.info(
            { event: 'transfer-deferred', time: isoTime(moveTime), symbol: blocked, amount: target - current },
            `sleeve ${sleeve.entry.id} holds ${blocked}, which cannot trade now: its capital stays as it is until a rebalance that can scale it`,
          );
        }
      }
      // The movable sleeves share their targets plus what the held ones lack of theirs, each in
      // proportion to its target: `pool × target / movable`, a fraction taken first so that
      // targets of a few subnormal units (a `minWeight` of 5e-324) cannot overflow a factor.
      // A share above allocation.maxWeight is cut to it, the rest staying in the reserve.
      const pool = Math.max(0, movable + gap);
      const rescaled = movable > 0 && gap !== 0;
      const cap = this.options.config.allocation.maxWeight;
      const ceiling = cap === undefined ? Number.POSITIVE_INFINITY : cap * equity;
      // Givers first: one that cannot pay the costs of selling out of its target keeps them back
      // (`CapitalTransfers.move`), and the receivers then receive that much less between them, in
      // proportion to what each was to receive, so the reserve stays as targeted. (A cut in
      // proportion to their targets took more from a receiver than it was to receive when it was
      // near its target: it then kept its capital, the others took their full cut no more, and the
      // sleeves held more than the portfolio.)
      let kept = 0;
      let receiving = 0;
      for (const sleeve of sleeves) {
        if (held[sleeve.index] === 1) continue;
        const current = sleeve.runner.markedEquity;
        const target = shareOf((outcome.weights[sleeve.index] ?? 0) * equity, rescaled, pool, movable, ceiling);
        if (!(target < current - dust)) {
          if (target > current + dust) receiving += target - current;
          // A giver within dust of its target keeps the difference, as one keeps back its costs:
          // the receivers take that much less (several such crumbs left the reserve below zero).
          else if (target < current) kept += current - target;
          continue;
        }
        const delta = capital.move(sleeve, current, target, t, moveTime, queued, atOpen);
        const keptBack = delta - (target - current);
        kept += keptBack;
        if (capital.belowCosts) {
          belowCosts.push(sleeve.entry.id);
          continue;
        }
        this.book(sleeve, current, delta, transfers, !(target > 0) || keptBack > 0);
      }
      const cut = receiving > 0 && kept > 0 ? Math.max(0, 1 - kept / receiving) : 1;
      // The receivers, then each sleeve's weight after; one pass, a sleeve's book done with at its turn.
      for (const sleeve of sleeves) {
        if (held[sleeve.index] !== 1) this.receive(sleeve, capital, shareOf((outcome.weights[sleeve.index] ?? 0) * equity, rescaled, pool, movable, ceiling), cut, dust, t, moveTime, queued, atOpen, transfers, belowCosts);
        const value = sleeve.runner.revalue();
        after[sleeve.index] = equity > 0 ? value / equity : Number.NaN;
        moved?.(sleeve);
      }
      this.inputs.noteEmptied(outcome.weights, t, atOpen, held, belowCosts);
    }
    const event = rebalanceEvent(ids, { weightsBefore: before, targetWeights: outcome.weights, weightsAfter: after, transfers }, queued.length > 0 ? queued : null, {
      time,
      reason,
      reasons: decision.reasons.length > 0 ? decision.reasons : [reason],
      deferred,
      belowCosts,
      scheme: this.options.allocator.scheme,
      warmup: outcome.warmup,
      constraintStatus: outcome.status,
      convergence: outcome.convergence,
      unestimated: outcome.unestimated,
      onPaper: decided.onPaper,
    });
    this.events.push(event);
    const logger = this.options.logger;
    // A silent logger gets no event built (the weights as records are 1,000 keys with 1,000 sleeves).
    if (logger === noopLogger) return capital !== null;
    logger.info(
      {
        event: 'rebalance',
        time: isoTime(time),
        ...(atOpen ? { movedAt: isoTime(moveTime) } : {}),
        reason,
        reasons: event.reasons,
        weightsBefore: event.weightsBefore,
        targetWeights: event.targetWeights,
        weightsAfter: event.weightsAfter,
        transfers: event.transfers,
        orders: event.orders,
        reserve: this.reserve,
        drift: decision.drift,
        ...(decided.onPaper.length > 0 ? { onPaper: decided.onPaper } : {}),
      },
      atOpen ? `rebalance (${reason}) decided at the last close, capital moved at this open` : `rebalance (${reason})`,
    );
    return capital !== null;
  }

  /**
   * A receiver's move towards its share `wanted` (less the `cut` the givers' kept costs make):
   * none within `dust`; what it leaves because taking it would cost as much stays in the reserve.
   */
  private receive(
    sleeve: Sleeve,
    capital: CapitalTransfers,
    wanted: number,
    cut: number,
    dust: number,
    t: number,
    moveTime: number,
    queued: QueuedTransferOrders,
    atOpen: boolean,
    transfers: Float64Array,
    belowCosts: string[],
  ): void {
    const current = sleeve.runner.markedEquity;
    if (!(wanted > current + dust)) return;
    const target = cut === 1 ? wanted : current + (wanted - current) * cut;
    if (!(target > current + dust)) return;
    const delta = capital.move(sleeve, current, target, t, moveTime, queued, atOpen);
    if (capital.belowCosts) belowCosts.push(sleeve.entry.id);
    else this.book(sleeve, current, delta, transfers);
  }
}
