import type { ConflictPolicy } from './config';

/** One strategy's wish on a symbol, as the shared mode's conflict policy sees it. */
export interface ConflictInput {
  readonly strategyId: string;
  /** +1 long, −1 short, 0 flat. */
  readonly direction: number;
  /** Signal strength, 0..1 (1 when the signal gives none). */
  readonly strength: number;
  /** The strategy's current allocation weight (used by `net`). */
  readonly weight: number;
  /** The strategy's configured priority (used by `priority`). */
  readonly priority: number;
  /** Step at which the strategy took its current non-flat direction; -1 when flat (used by `first`). */
  readonly since: number;
}

/** What a conflict policy decided for one symbol. */
export interface ConflictOutcome {
  /**
   * Signed target exposure of the symbol as a fraction of its slot, −1..1: the position is
   * `target × equity / number of symbols` (negative = short, 0 = flat).
   */
  readonly target: number;
  /** The strategy whose signal won (`priority`, `first`), or null. */
  readonly winner: string | null;
}

const FLAT: ConflictOutcome = { target: 0, winner: null };

/**
 * A `net` target within this of 0 is flat: weights such as 0.1 + 0.2 against 0.3 cancel on paper
 * but leave ±5.6e-17 in floating point, which must not open a position in either direction.
 */
export const NET_FLAT_TOLERANCE = 1e-12;

/**
 * Resolves the wishes of several strategies on one symbol into one signed target (shared mode):
 *
 * - `net`: `Σ wᵢ·dᵢ·sᵢ / Σ wᵢ` — the allocation-weighted sum of directions × strengths (equal
 *   weights if all are 0); flat strategies dilute it. A net within {@link NET_FLAT_TOLERANCE} of 0
 *   is flat (0), so wishes that cancel on paper cancel whatever the rounding.
 * - `priority`: the highest-priority strategy with a non-flat wish wins (ties: the earlier input).
 * - `vote`: the direction (long, short or flat) with strictly the most votes wins, sized by its
 *   voters' mean strength; a tie for the most votes is flat.
 * - `veto`: any flat wish wins (flat); if all are in the same direction, that direction at the
 *   smallest strength; long against short is flat.
 * - `first`: the earliest non-flat wish still standing wins (smallest `since`; ties: the earlier input).
 */
export function resolveConflict(policy: ConflictPolicy, inputs: readonly ConflictInput[]): ConflictOutcome {
  if (inputs.length === 0) return FLAT;
  switch (policy) {
    case 'net': {
      let weights = 0;
      for (const input of inputs) weights += input.weight;
      const equal = !(weights > 0);
      let sum = 0;
      for (const input of inputs) sum += (equal ? 1 : input.weight) * input.direction * input.strength;
      const target = sum / (equal ? inputs.length : weights);
      if (Math.abs(target) <= NET_FLAT_TOLERANCE) return FLAT;
      return { target: Math.max(-1, Math.min(1, target)), winner: null };
    }
    case 'priority': {
      let best: ConflictInput | null = null;
      for (const input of inputs) {
        if (input.direction !== 0 && (best === null || input.priority > best.priority)) best = input;
      }
      return best === null ? FLAT : { target: best.direction * best.strength, winner: best.strategyId };
    }
    case 'first': {
      let best: ConflictInput | null = null;
      for (const input of inputs) {
        if (input.direction !== 0 && (best === null || input.since < best.since)) best = input;
      }
      return best === null ? FLAT : { target: best.direction * best.strength, winner: best.strategyId };
    }
    case 'vote': {
      let long = 0;
      let short = 0;
      let flat = 0;
      let longStrength = 0;
      let shortStrength = 0;
      for (const input of inputs) {
        if (input.direction > 0) {
          long++;
          longStrength += input.strength;
        } else if (input.direction < 0) {
          short++;
          shortStrength += input.strength;
        } else {
          flat++;
        }
      }
      if (long > short && long > flat) return { target: longStrength / long, winner: null };
      if (short > long && short > flat) return { target: -shortStrength / short, winner: null };
      return FLAT;
    }
    case 'veto': {
      const direction = inputs[0]?.direction ?? 0;
      let strength = Number.POSITIVE_INFINITY;
      for (const input of inputs) {
        if (input.direction === 0 || input.direction !== direction) return FLAT;
        strength = Math.min(strength, input.strength);
      }
      return { target: direction * strength, winner: null };
    }
  }
}
