import { targetQuantity } from '@ensemble/engine';
import type { Logger } from '@ensemble/protocol';
import { InvariantError, isoTime } from '@ensemble/protocol';
import type { ConflictPolicy } from '../config';
import { resolveConflict } from '../conflicts';
import type { ConflictInput } from '../conflicts';
import type { ConflictEvent } from '../result';
import type { SharedBook, Sleeve } from './sleeves';

/** Relative size below which a shared-mode adjustment is floating-point dust. */
const DUST = 1e-9;

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

  constructor(options: SharedVotingOptions) {
    this.options = options;
  }

  /** Merges the wishes that changed at step `t` and places the shared account's orders. */
  resolve(t: number): void {
    const { shared, sleeves, symbols, policy, fractional } = this.options;
    const symbolCount = symbols.length;
    let equity = Number.NaN;
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
        this.conflicts.push(event);
        this.options.logger.info({ event: 'conflict', ...event, time: isoTime(time) }, `conflict on ${symbol} resolved by ${policy}: ${event.outcome.direction}`);
      }
      if (outcome.target === shared.target[g]) continue;
      shared.target[g] = outcome.target;
      const account = shared.account;
      const price = account.markPrice[g] ?? 0;
      if (!(price > 0)) continue;
      if (Number.isNaN(equity)) equity = shared.runner.revalue();
      const held = account.quantity[g] ?? 0;
      const wanted = targetQuantity(outcome.target / symbolCount, equity, price, fractional);
      const delta = wanted - held;
      if (Math.abs(delta * price) <= DUST * Math.max(1, Math.abs(equity))) continue;
      shared.runner.placeOrder(g, delta, wanted === 0 ? 'exit' : held === 0 ? 'entry' : 'rebalance');
    }
  }

  /** After the target weights changed: under policy `net` (weights weigh the votes) every standing wish is re-weighed at the next step. */
  reweighAfterNewWeights(): void {
    if (this.options.policy !== 'net') return;
    for (const sleeve of this.options.sleeves) sleeve.probe.changed.fill(1);
  }
}
