import { ConfigError } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyWeightConstraints, constraintFeasibility } from './constraints';

const EPS = 1e-12;

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => { expect(Math.abs((actual[i] ?? Number.NaN) - value)).toBeLessThanOrEqual(tolerance); });
}

/**
 * An independent, naive implementation for upper bounds only: scale the free sleeves to the budget,
 * pin every sleeve above the cap to it, repeat until none is above.
 */
function naiveCapOnly(raw: readonly number[], cap: number, target: number): number[] {
  const pinned = raw.map(() => false);
  let weights = raw.slice();
  for (let round = 0; round <= raw.length; round++) {
    const budget = target - pinned.filter(Boolean).length * cap;
    const freeRaw = raw.reduce((sum, value, i) => (pinned[i] ? sum : sum + value), 0);
    weights = raw.map((value, i) => (pinned[i] ? cap : freeRaw > 0 ? (value / freeRaw) * budget : 0));
    const over = weights.map((value, i) => !pinned[i] && value > cap);
    if (!over.some(Boolean)) return weights;
    over.forEach((isOver, i) => {
      if (isOver) pinned[i] = true;
    });
  }
  return weights;
}

describe('applyWeightConstraints (hand-worked)', () => {
  it('normalises weights whose sum overflows by their ratios, not to 0', () => {
    // 1e308 + 1e308 is Infinity: each weight over that sum was 0, and the whole portfolio went to the reserve.
    expectClose(applyWeightConstraints([1e308, 1e308]).weights, [0.5, 0.5]);
    expectClose(applyWeightConstraints([1.5e308, 0.5e308, 1e308]).weights, [0.5, 1 / 6, 1 / 3]);
    expect(applyWeightConstraints([1e308, 1e308]).status).toBe('ok');
  });

  it('normalises to leverage − cashBuffer', () => {
    // Raw 3:1 → 0.75, 0.25; with cashBuffer 0.1 → target 0.9 → 0.675, 0.225; leverage 2 → 1.5, 0.5.
    expectClose(applyWeightConstraints([3, 1]).weights, [0.75, 0.25]);
    const buffered = applyWeightConstraints([3, 1], { cashBuffer: 0.1 });
    expectClose(buffered.weights, [0.675, 0.225]);
    expect(buffered).toMatchObject({ status: 'ok', target: 0.9 });
    expect(Math.abs(buffered.sum - 0.9)).toBeLessThan(EPS);
    expectClose(applyWeightConstraints([3, 1], { leverage: 2 }).weights, [1.5, 0.5]);
  });

  it('clips at maxWeight and redistributes the excess proportionally, repeatedly', () => {
    // Raw 0.6, 0.25, 0.1, 0.05 with max 0.4: 0.6 → 0.4, excess 0.2 spread over 0.25 : 0.1 : 0.05
    // → 0.25 + 0.2·0.625 = 0.375, 0.1 + 0.05 = 0.15, 0.05 + 0.025 = 0.075. All ≤ 0.4: done.
    const result = applyWeightConstraints([0.6, 0.25, 0.1, 0.05], { maxWeight: 0.4 });
    expectClose(result.weights, [0.4, 0.375, 0.15, 0.075]);
    expect(result.atMax).toEqual([0]);
    // Second round: raw 0.5, 0.35, 0.1, 0.05, max 0.3 → 0.3; 0.2 over 0.35:0.1:0.05 → 0.49 (> 0.3) …
    // → pin sleeve 1 at 0.3 too; 0.4 left for 0.1 : 0.05 → 0.2667, 0.1333.
    const twice = applyWeightConstraints([0.5, 0.35, 0.1, 0.05], { maxWeight: 0.3 });
    expectClose(twice.weights, [0.3, 0.3, 0.4 * (2 / 3), 0.4 * (1 / 3)]);
    expect(twice.atMax).toEqual([0, 1]);
  });

  it('lifts sleeves to minWeight, taking it proportionally from the others', () => {
    // Raw 0.5, 0.3, 0.2 with min 0.25, max 0.4: 0.5 → 0.4; 0.6 left over 0.3:0.2 → 0.36, 0.24 < 0.25
    // → 0.25; 0.35 left for sleeve 1 → 0.35.
    const result = applyWeightConstraints([0.5, 0.3, 0.2], { minWeight: 0.25, maxWeight: 0.4 });
    expectClose(result.weights, [0.4, 0.35, 0.25]);
    expect(result).toMatchObject({ status: 'ok', atMin: [2], atMax: [0] });
    // A sleeve with raw weight 0 gets minWeight; the others share the rest in proportion.
    expectClose(applyWeightConstraints([0, 1, 3], { minWeight: 0.1 }).weights, [0.1, 0.225, 0.675]);
  });

  it('caps at maxWeight and leaves the rest in cash when sleeves × maxWeight < target', () => {
    const result = applyWeightConstraints([5, 1, 1], { maxWeight: 0.3 });
    expectClose(result.weights, [0.3, 0.3, 0.3]);
    expect(result.status).toBe('capped');
    expect(Math.abs(result.sum - 0.9)).toBeLessThan(EPS);
    // Sleeves with raw weight 0 only get minWeight, so they can leave room in cash too.
    const zero = applyWeightConstraints([1, 0], { maxWeight: 0.6 });
    expectClose(zero.weights, [0.6, 0]);
    expect(zero.status).toBe('capped');
  });

  it('a maxWeight at or above the target binds nowhere, however large', () => {
    const free = applyWeightConstraints([1, 2, 3]);
    for (const maxWeight of [1, 5, 1e308, Number.MAX_VALUE]) {
      const capped = applyWeightConstraints([1, 2, 3], { maxWeight });
      expect(Array.from(capped.weights)).toEqual(Array.from(free.weights));
      expect(capped.status).toBe('ok');
      expect(constraintFeasibility(3, { maxWeight }).status).toBe('ok');
    }
  });

  it('splits equally when sleeves × minWeight exceeds the target', () => {
    const result = applyWeightConstraints([1, 2, 3], { minWeight: 0.3, cashBuffer: 0.25 });
    expectClose(result.weights, [0.25, 0.25, 0.25]);
    expect(result.status).toBe('min-infeasible');
  });

  it('validates weights and constraints', () => {
    expect(() => applyWeightConstraints([1, -1])).toThrow(/weights\.1: must be ≥ 0/);
    expect(() => applyWeightConstraints([1, Number.NaN])).toThrow(/weights\.1: must be a finite number/);
    expect(() => applyWeightConstraints([0, 0])).toThrow(/all weights are 0/);
    expect(() => applyWeightConstraints([1], { minWeight: 0.5, maxWeight: 0.4 })).toThrow(/minWeight \(0\.5\) is above maxWeight/);
    expect(() => applyWeightConstraints([1], { cashBuffer: 1 })).toThrow(ConfigError);
    expect(() => applyWeightConstraints([1], { leverage: 0.5 })).toThrow(/leverage/);
    expect(applyWeightConstraints([]).weights).toHaveLength(0);
  });
});

describe('constraintFeasibility', () => {
  it('classifies constraints for a sleeve count', () => {
    expect(constraintFeasibility(4, { maxWeight: 0.3 })).toEqual({ target: 1, investable: 1, status: 'ok' });
    expect(constraintFeasibility(3, { maxWeight: 0.3 })).toMatchObject({ investable: 0.3 * 3, status: 'capped' });
    expect(constraintFeasibility(4, { minWeight: 0.3 }).status).toBe('min-infeasible');
    expect(constraintFeasibility(2, {}).status).toBe('ok');
  });
});

const rawWeights = fc.array(fc.integer({ min: 0, max: 1000 }).map((value) => value / 100), { minLength: 1, maxLength: 12 }).filter(
  (weights) => weights.some((value) => value > 0),
);
const constraintsArb = fc
  .record({
    minWeight: fc.integer({ min: 0, max: 300 }).map((value) => value / 1000),
    extra: fc.integer({ min: 1, max: 1000 }).map((value) => value / 1000),
    cashBuffer: fc.integer({ min: 0, max: 500 }).map((value) => value / 1000),
    leverage: fc.integer({ min: 1000, max: 3000 }).map((value) => value / 1000),
  })
  .map(({ minWeight, extra, cashBuffer, leverage }) => ({ minWeight, maxWeight: minWeight + extra, cashBuffer, leverage }));

describe('applyWeightConstraints (properties)', () => {
  it('always: non-negative, finite, sum ≤ target ≤ leverage, order preserved', () => {
    fc.assert(
      fc.property(rawWeights, constraintsArb, (raw, constraints) => {
        const result = applyWeightConstraints(raw, constraints);
        const target = constraints.leverage - constraints.cashBuffer;
        const sum = Array.from(result.weights).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - result.sum)).toBeLessThan(1e-12);
        expect(sum).toBeLessThanOrEqual(target * (1 + EPS) + EPS);
        expect(sum).toBeLessThanOrEqual(constraints.leverage + EPS);
        for (const w of result.weights) {
          expect(Number.isFinite(w)).toBe(true);
          expect(w).toBeGreaterThanOrEqual(0);
        }
        for (let i = 0; i < raw.length; i++) {
          for (let j = 0; j < raw.length; j++) {
            if ((raw[i] ?? 0) < (raw[j] ?? 0)) expect(result.weights[i] ?? 0).toBeLessThanOrEqual((result.weights[j] ?? 0) + EPS);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when feasible: every weight in [min, max], sum = target, unclipped sleeves keep their raw ratios', () => {
    fc.assert(
      fc.property(
        rawWeights.map((weights) => weights.map((value) => value + 0.01)),
        constraintsArb,
        (raw, constraints) => {
          const n = raw.length;
          const target = constraints.leverage - constraints.cashBuffer;
          fc.pre(n * constraints.minWeight <= target * (1 - 1e-9) && n * constraints.maxWeight >= target * (1 + 1e-9));
          const result = applyWeightConstraints(raw, constraints);
          expect(result.status).toBe('ok');
          expect(Math.abs(result.sum - target)).toBeLessThan(1e-12 * Math.max(1, target));
          const free: number[] = [];
          result.weights.forEach((w, i) => {
            expect(w).toBeGreaterThanOrEqual(constraints.minWeight - EPS);
            expect(w).toBeLessThanOrEqual(constraints.maxWeight + EPS);
            if (w > constraints.minWeight + 1e-9 && w < constraints.maxWeight - 1e-9) free.push(i);
          });
          for (const i of free) {
            for (const j of free) {
              const lhs = (result.weights[i] ?? 0) * (raw[j] ?? 0);
              const rhs = (result.weights[j] ?? 0) * (raw[i] ?? 0);
              expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * Math.max(1, Math.abs(lhs)));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches a naive clip-and-redistribute loop when only maxWeight binds', () => {
    fc.assert(
      fc.property(
        rawWeights.map((weights) => weights.map((value) => value + 0.01)),
        fc.integer({ min: 50, max: 1000 }).map((value) => value / 1000),
        (raw, maxWeight) => {
          fc.pre(raw.length * maxWeight >= 1);
          const result = applyWeightConstraints(raw, { maxWeight });
          expectClose(result.weights, naiveCapOnly(raw, maxWeight, 1), 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('when sleeves × maxWeight < target: every sleeve at maxWeight, the rest in cash', () => {
    fc.assert(
      fc.property(rawWeights.map((weights) => weights.map((value) => value + 0.01)), constraintsArb, (raw, constraints) => {
        const target = constraints.leverage - constraints.cashBuffer;
        fc.pre(raw.length * constraints.maxWeight < target * (1 - 1e-9));
        const result = applyWeightConstraints(raw, constraints);
        expect(result.status).toBe('capped');
        for (const w of result.weights) expect(w).toBe(constraints.maxWeight);
      }),
      { numRuns: 200 },
    );
  });
});
