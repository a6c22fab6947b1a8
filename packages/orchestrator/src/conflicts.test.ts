import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConflictInput } from './conflicts';
import { resolveConflict } from './conflicts';

function input(strategyId: string, direction: number, extra: Partial<ConflictInput> = {}): ConflictInput {
  return { strategyId, direction, strength: direction === 0 ? 0 : 1, weight: 1, priority: 0, since: direction === 0 ? -1 : 0, ...extra };
}

describe('resolveConflict', () => {
  it('net: the allocation-weighted mean of direction × strength', () => {
    // (0.5 × 1 × 1 + 0.3 × −1 × 0.5 + 0.2 × 0) / 1 = 0.5 − 0.15 = 0.35
    const outcome = resolveConflict('net', [
      input('a', 1, { weight: 0.5 }),
      input('b', -1, { weight: 0.3, strength: 0.5 }),
      input('c', 0, { weight: 0.2 }),
    ]);
    expect(outcome.target).toBeCloseTo(0.35, 15);
    expect(outcome.winner).toBeNull();
    // All weights 0: equal weights, (1 − 1) / 2 = 0.
    expect(resolveConflict('net', [input('a', 1, { weight: 0 }), input('b', -1, { weight: 0 })]).target).toBe(0);
  });

  it('net: wishes that cancel on paper are flat, whatever the rounding (regression)', () => {
    // 0.1 + 0.2 − 0.3 is 5.55e-17 in floating point; in either order of the inputs it is flat.
    const wishes = [input('a', 1, { weight: 0.1 }), input('b', 1, { weight: 0.2 }), input('c', -1, { weight: 0.3 })];
    expect(resolveConflict('net', wishes).target).toBe(0);
    expect(resolveConflict('net', [...wishes].reverse()).target).toBe(0);
    // A real net of 1e-9 still counts.
    expect(resolveConflict('net', [input('a', 1, { strength: 0.5 + 1e-9 }), input('b', -1, { strength: 0.5 })]).target).toBeCloseTo(5e-10, 15);
  });

  it('priority: the highest priority among non-flat wishes, ties to the earlier input', () => {
    expect(resolveConflict('priority', [input('a', 1, { priority: 1 }), input('b', -1, { priority: 3, strength: 0.4 }), input('c', 0, { priority: 9 })])).toEqual({ target: -0.4, winner: 'b' });
    expect(resolveConflict('priority', [input('a', 1, { priority: 2 }), input('b', -1, { priority: 2 })])).toEqual({ target: 1, winner: 'a' });
    expect(resolveConflict('priority', [input('a', 0), input('b', 0)])).toEqual({ target: 0, winner: null });
  });

  it('vote: a strict plurality of long, short or flat; ties are flat', () => {
    expect(resolveConflict('vote', [input('a', 1), input('b', 1, { strength: 0.5 }), input('c', -1)]).target).toBeCloseTo(0.75, 15);
    expect(resolveConflict('vote', [input('a', 1), input('b', -1)]).target).toBe(0);
    expect(resolveConflict('vote', [input('a', 1), input('b', 0), input('c', 0)]).target).toBe(0);
    expect(resolveConflict('vote', [input('a', -1), input('b', -1), input('c', 0)]).target).toBe(-1);
  });

  it('veto: any flat wish wins; opposite directions are flat; agreement keeps the smallest strength', () => {
    expect(resolveConflict('veto', [input('a', 1), input('b', 0)]).target).toBe(0);
    expect(resolveConflict('veto', [input('a', 1), input('b', -1)]).target).toBe(0);
    expect(resolveConflict('veto', [input('a', 1, { strength: 0.7 }), input('b', 1, { strength: 0.4 })]).target).toBe(0.4);
  });

  it('first: the earliest standing non-flat wish wins', () => {
    expect(resolveConflict('first', [input('a', 1, { since: 7 }), input('b', -1, { since: 3 }), input('c', 0)])).toEqual({ target: -1, winner: 'b' });
    expect(resolveConflict('first', [input('a', 1, { since: 3 }), input('b', -1, { since: 3 })])).toEqual({ target: 1, winner: 'a' });
  });

  it('every policy returns a target in [−1, 1], flat when every wish is flat', () => {
    const wish = fc.record({
      direction: fc.constantFrom(-1, 0, 1),
      strength: fc.double({ min: 0, max: 1, noNaN: true }),
      weight: fc.double({ min: 0, max: 1, noNaN: true }),
      priority: fc.integer({ min: -3, max: 3 }),
      since: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(fc.constantFrom('net' as const, 'priority' as const, 'vote' as const, 'veto' as const, 'first' as const), fc.array(wish, { minLength: 1, maxLength: 6 }), (policy, wishes) => {
        const inputs = wishes.map((w, i) => ({ ...w, strategyId: `s${i}`, since: w.direction === 0 ? -1 : w.since }));
        const { target } = resolveConflict(policy, inputs);
        const flat = resolveConflict(policy, inputs.map((w) => ({ ...w, direction: 0 })));
        return target >= -1 && target <= 1 && flat.target === 0;
      }),
    );
  });
});
