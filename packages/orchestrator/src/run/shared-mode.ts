import { targetQuantity } from '@ensemble/engine';
import type { Logger } from '@ensemble/protocol';
import { InvariantError, isoTime } from '@ensemble/protocol';
import type { ConflictPolicy, RunConfig } from '../config';
import type { Allocator } from '../internal/allocator';
import { resolveConflict } from '../conflicts';
import type { ConflictInput } from '../conflicts';
import type { ConflictEvent } from '../result';
import type { SharedBook, Sleeve } from './sleeves';

/** Relative size below which a shared-mode adjustment is floating-point dust. */
const DUST = 1e-9;

/** How far from 1 a sum of target weights is taken as 1 (rounding of the weights' sum). */
const INVESTED_ROUNDING = 1e-12;

/**
 * The share of the portfolio's equity the shared account invests: the sum of the target weights,
 * which leaves out the cash buffer, what fixed weights leave below 1 and what a weight cap keeps
 * in cash, as the shadows are given their capital. A sum within {@link INVESTED_ROUNDING} of 1 is
 * 1: weights that fill the portfolio, summed with rounding (ten weights of 0.1 sum to
 * 0.9999999999999999), must not cost a whole unit.
 */
export function investedShare(weights: Iterable<number>): number {
  let sum = 0;
  for (const weight of weights) sum += weight;
  return Math.abs(sum - 1) <= INVESTED_ROUNDING ? 1 : sum;
}

/** What {@link SharedVoting} reads: the run's sleeves, symbols, bar times and target weights. */
export interface SharedVotingOptions {
  readonly shared: SharedBook;
  readonly sleeves: readonly Sleeve[];
  readonly symbols: readonly string[];
  readonly time: Float64Array;
  readonly policy: ConflictPolicy;
  readonly fractional: boolean;
  /** The current target weight of each sleeve (its vote's weight under policy `net`). */
  readonly weights: () => Float64Array;
  readonly logger: Logger;
}

/**
 * Shared mode's voting: after the strategies decided, merges their changed wishes per symbol by the
 * conflict policy into one signed target per symbol (−1..1 of the symbol's equal slot of equity)
 * and orders the shared account towards it. Every disagreement becomes a {@link ConflictEvent}.
 */
export class SharedVoting {
  /** Every conflict resolved so far, in time order. */
  readonly conflicts: ConflictEvent[] = [];
  private readonly options: SharedVotingOptions;
  /** Per sleeve, per symbol: 1 where an entry waited before the current fill window (see {@link SharedVoting.markEntriesWaiting}). */
  private entering: Uint8Array[] = [];
  /** Per symbol, the index in {@link SharedVoting.conflicts} of its latest conflict. */
  private readonly lastConflict = new Map<number, number>();

  constructor(options: SharedVotingOptions) {
    this.options = options;
  }

  /** The voting of a shared-mode run over the bars `time`: the shared account's symbols, the sleeves' votes weighed by the allocator's targets. */
  static create(config: Extract<RunConfig, { mode: 'shared' }>, shared: SharedBook, sleeves: readonly Sleeve[], allocator: Allocator, time: Float64Array, logger: Logger): SharedVoting {
    const symbols = shared.account.symbols;
    return new SharedVoting({ shared, sleeves, symbols, time, policy: config.conflictPolicy, fractional: config.fractional, weights: () => allocator.targets, logger });
  }

  /** Merges the wishes that changed at step `t` and places the shared account's orders. */
  resolve(t: number): void {
    const { shared, sleeves, symbols, policy, fractional } = this.options;
    this.withdrawCalledWishes();
    const symbolCount = symbols.length;
    let equity = Number.NaN;
    let invested = Number.NaN;
    for (let g = 0; g < symbolCount; g++) {
      const voters = shared.voters[g] ?? [];
      let changed = false;
      for (const voter of voters) if (sleeves[voter.sleeve]?.probe.changed[voter.k] === 1) changed = true;
      if (!changed) continue;
      const weights = this.options.weights();
      const inputs: ConflictInput[] = [];
      for (const voter of voters) {
        const sleeve = sleeves[voter.sleeve];
        if (sleeve === undefined) continue;
        sleeve.probe.changed[voter.k] = 0;
        if (!sleeve.active) continue;
        const direction = sleeve.probe.direction[voter.k] ?? 0;
        inputs.push({
          strategyId: sleeve.entry.id,
          direction,
          strength: direction === 0 ? 0 : (sleeve.probe.strength[voter.k] ?? 1),
          weight: weights[voter.sleeve] ?? 0,
          priority: sleeve.entry.priority,
          since: sleeve.probe.since[voter.k] ?? -1,
        });
      }
      const outcome = resolveConflict(policy, inputs);
      const symbol = symbols[g];
      if (symbol === undefined) throw new InvariantError(`shared mode votes on symbol ${g}, but the run has ${symbolCount} symbols`);
      const time = this.options.time[t] ?? Number.NaN;
      const directions = new Set(inputs.map((input) => input.direction));
      if (directions.size > 1) {
        const label = (direction: number) => (direction > 0 ? 'long' : direction < 0 ? 'short' : 'flat');
        const event: ConflictEvent = {
          time,
          symbol,
          policy,
          inputs: inputs.map((input) => ({ strategyId: input.strategyId, direction: label(input.direction), strength: input.strength })),
          outcome: { direction: label(Math.sign(outcome.target)), target: outcome.target, winner: outcome.winner },
        };
        // Voted again on the same bar (an entry withdrawn before the shared account's fill): the
        // new outcome replaces the bar's first one, so the log keeps one conflict per bar and symbol.
        const last = this.lastConflict.get(g);
        const earlier = last === undefined ? undefined : this.conflicts[last];
        if (last !== undefined && earlier?.time === time) this.conflicts[last] = event;
        else {
          this.lastConflict.set(g, this.conflicts.length);
          this.conflicts.push(event);
        }
        this.options.logger.info({ event: 'conflict', ...event, time: isoTime(time) }, `conflict on ${symbol} resolved by ${policy}: ${event.outcome.direction}`);
      }
      if (outcome.target === shared.target[g]) continue;
      shared.target[g] = outcome.target;
      const account = shared.account;
      const price = account.markPrice[g] ?? 0;
      if (!(price > 0)) continue;
      if (Number.isNaN(equity)) {
        equity = shared.runner.revalue();
        invested = investedShare(this.options.weights());
      }
      const held = account.quantity[g] ?? 0;
      const wanted = targetQuantity((outcome.target * invested) / symbolCount, equity, price, fractional);
      const delta = wanted - held;
      if (Math.abs(delta * price) <= DUST * Math.max(1, Math.abs(equity))) {
        // Nothing to trade for the new target: an order placed for the old one must not fill.
        if (shared.runner.hasPlacedOrder(g)) shared.runner.placeOrder(g, 0, 'exit');
        continue;
      }
      shared.runner.placeOrder(g, delta, wanted === 0 ? 'exit' : held === 0 ? 'entry' : 'rebalance');
    }
  }

  /**
   * Before a fill window of the shadows: marks, per sleeve, the symbols where an order waits on a
   * flat position (an entry). {@link SharedVoting.withdrawFailedEntries} reads the marks after it.
   */
  markEntriesWaiting(): void {
    const { sleeves } = this.options;
    if (this.entering.length !== sleeves.length) this.entering = sleeves.map((sleeve) => new Uint8Array(sleeve.account.quantity.length));
    for (const sleeve of sleeves) {
      const marks = this.entering[sleeve.index];
      if (marks === undefined) continue;
      const quantity = sleeve.account.quantity;
      for (let k = 0; k < marks.length; k++) marks[k] = (quantity[k] ?? 0) === 0 && sleeve.runner.hasPendingOrder(k) ? 1 : 0;
    }
  }

  /**
   * After the shadows' fill window, before the shared account's: an entry that a shadow could not
   * fill (its share's cash could not pay for it: rejected, or sized to nothing) leaves the strategy
   * flat there, and the strategy, asked again at its next decision whether to enter, may not say
   * so twice (a crossing signals once). Its wish is withdrawn now — the strategy alone would not
   * hold the position — and the symbols it changes are voted again at `t`, replacing (or
   * cancelling) the shared account's order before it fills. Without this the shared account held
   * for one bar a position no strategy kept, and whether it did depended on the shadow's cash.
   */
  withdrawFailedEntries(t: number): void {
    const { sleeves } = this.options;
    let withdrawn = false;
    for (const sleeve of sleeves) {
      const marks = this.entering[sleeve.index];
      if (marks === undefined || !sleeve.active) continue;
      const quantity = sleeve.account.quantity;
      for (let k = 0; k < marks.length; k++) {
        if (marks[k] === 1 && (quantity[k] ?? 0) === 0 && !sleeve.runner.hasPendingOrder(k) && (sleeve.probe.direction[k] ?? 0) !== 0) {
          sleeve.probe.want(k, 0, 0);
          withdrawn = true;
        }
      }
    }
    if (withdrawn) this.resolve(t);
  }

  /**
   * A shadow margin-called — its positions closed, or left in debt with nothing open — holds
   * nothing, and its strategy is not asked until it is worth more than zero again: the strategy
   * alone would hold nothing, so its standing wishes are withdrawn (voted again as flat). Without
   * this its last wish stood, and the shared account kept a short its strategy's shadow had been
   * closed out of, to the end of the run.
   */
  private withdrawCalledWishes(): void {
    for (const sleeve of this.options.sleeves) {
      if (!sleeve.runner.underMarginCall) continue;
      const direction = sleeve.probe.direction;
      for (let k = 0; k < direction.length; k++) if (direction[k] !== 0) sleeve.probe.want(k, 0, 0);
    }
  }

  /** After the target weights changed: under policy `net` (weights weigh the votes) every standing wish is re-weighed at the next step. */
  reweighAfterNewWeights(): void {
    if (this.options.policy !== 'net') return;
    for (const sleeve of this.options.sleeves) sleeve.probe.changed.fill(1);
  }
}
