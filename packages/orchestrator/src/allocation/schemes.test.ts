import { ConfigError, RunError } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAllocation } from './compute-allocation';
import { customWeights } from './custom-scheme';
import { performanceWeights } from './performance-scheme';
import { equalWeights, fixedWeights, inverseVolatilityWeights, riskParityWeights } from './schemes';
import type { AllocationScheme, CustomAllocationInput } from './schemes';

// Hand-worked sleeves (three bars each):
//   A = [0.01, −0.01, 0.03]: mean 0.01, deviations 0, −0.02, 0.02, Σd² = 0.0008, var = 0.0008/2 = 0.0004, σ = 0.02
//   B = [0.05, −0.03, 0.01]: mean 0.01, deviations 0.04, −0.04, 0, Σd² = 0.0032, var = 0.0016, σ = 0.04
//   C = [−0.01, −0.03, 0.01]: mean −0.01, deviations 0, −0.02, 0.02, σ = 0.02
//   Z = [0, 0, 0]: a sleeve sitting in cash, σ = 0
const A = [0.01, -0.01, 0.03];
const B = [0.05, -0.03, 0.01];
const C = [-0.01, -0.03, 0.01];
const Z = [0, 0, 0];

// Ten-bar sleeves for the minInvested rule, worked by hand:
//   P = [0.01, −0.01] × 5: mean 0, Σd² = 10·1e-4 = 1e-3, var = 1e-3/9, 1/σ = √9000 = 2·√2250
//   Q = [0.02, −0.02] × 5: Σd² = 4e-3, var = 4e-3/9, 1/σ = √2250
//   F = [0.001, then nine 0]: a trend sleeve that exited on the window's first bar and sat in
//       cash. mean 1e-4, Σd² = 0.0009² + 9·(1e-4)² = 9e-7, var = 1e-7, σ = 3.16e-4, 1/σ = √1e7:
//       read as an estimate, it would be 33 times less risky than P.
const P = Array.from({ length: 10 }, (_, t) => (t % 2 === 0 ? 0.01 : -0.01));
const Q = Array.from({ length: 10 }, (_, t) => (t % 2 === 0 ? 0.02 : -0.02));
const F = [0.001, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/** Ten bars, the first `invested` of them 0.001 and −0.002 in turn, the rest 0. */
const investedOn = (invested: number): number[] => Array.from({ length: 10 }, (_, t) => (t < invested ? (t % 2 === 0 ? 0.001 : -0.002) : 0));

/** A run-loop style column: capacity 6, `valid` leading entries, the rest poisoned with the future. */
function column(values: readonly number[]): Float64Array {
  const out = new Float64Array(6).fill(99);
  out.set(values);
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => {
    expect(Math.abs((actual[i] ?? Number.NaN) - value)).toBeLessThanOrEqual(tolerance);
  });
}

describe('equalWeights / fixedWeights', () => {
  it('splits equally and copies fixed weights as given', () => {
    expectClose(equalWeights(4), [0.25, 0.25, 0.25, 0.25]);
    expect(equalWeights(0)).toHaveLength(0);
    const given = [0.6, 0.4, 0];
    const fixed = fixedWeights(given);
    expectClose(fixed, [0.6, 0.4, 0]);
    expect(fixed).toBeInstanceOf(Float64Array);
  });

  it('rejects fixed weights that are negative, not finite, all zero or of the wrong count', () => {
    expect(() => fixedWeights([0.5, -0.1])).toThrow(/weights\.1: must be ≥ 0/);
    expect(() => fixedWeights([0.5, Number.NaN])).toThrow(/weights\.1: must be a finite number/);
    expect(() => fixedWeights([0, 0])).toThrow(/all weights are 0/);
    expect(() => fixedWeights([0.5, 0.5], 3)).toThrow(/2 weights for 3 sleeves/);
    expect(() => equalWeights(-1)).toThrow(ConfigError);
  });
});

describe('inverseVolatilityWeights', () => {
  it('weights ∝ 1/σ over the lookback (hand-worked)', () => {
    // 1/σ = 50 and 25 → weights 50/75 = 2/3 and 1/3.
    const result = inverseVolatilityWeights([A, B], { lookback: 3 });
    expectClose(result.weights, [2 / 3, 1 / 3]);
    expect(result.warmup).toBe(false);
    expect(result.window).toBe(3);
    expectClose(result.estimates as number[], [0.02, 0.04]);
  });

  it('reads only the last lookback bars of the valid history, never the bars after it', () => {
    // A wild first bar (0.5) is outside a 3-bar window; entries after `length` are the future (99).
    const history = { returns: [column([0.5, ...A]), column([0.2, ...B])], length: 4 };
    expectClose(inverseVolatilityWeights(history, { lookback: 3 }).weights, [2 / 3, 1 / 3]);
  });

  it('gives a sleeve without σ the neutral share 1/n, the others split the rest ∝ 1/σ', () => {
    // Z has σ = 0: weight 1/3; A and B share 2/3 as 2:1 → 4/9 and 2/9.
    const result = inverseVolatilityWeights([A, B, Z], { lookback: 3 });
    expectClose(result.weights, [4 / 9, 2 / 9, 1 / 3]);
    expect(result.unestimated).toEqual([2]);
    // A non-finite return in the window also means no σ.
    const broken = inverseVolatilityWeights([A, [0.01, Number.NaN, 0.02], B], { lookback: 3 });
    expectClose(broken.weights, [4 / 9, 1 / 3, 2 / 9]);
    expect(broken.estimates?.[1]).toBeNull();
    // Nobody with σ: equal weights.
    expectClose(inverseVolatilityWeights([Z, Z], { lookback: 3 }).weights, [0.5, 0.5]);
  });

  it('gives a sleeve in cash on most of its window (minInvested, default half) the neutral share, not 1/σ of its few returns', () => {
    // F has a non-zero return on 1 of 10 bars, fewer than the 5 half the window needs: weight 1/3;
    // P and Q share 2/3 as √9000 : √2250 = 2 : 1 → 4/9 and 2/9.
    const result = inverseVolatilityWeights([P, F, Q], { lookback: 10 });
    expectClose(result.weights, [4 / 9, 1 / 3, 2 / 9]);
    expect(result.unestimated).toEqual([1]);
    expect(result.unestimatedReasons).toEqual(['rarely-invested']);
    expect(result.invested).toEqual([10, 1, 10]);
    // Its σ is still reported, for the logs.
    expectClose(result.estimates as number[], [Math.sqrt(1e-3 / 9), Math.sqrt(1e-7), Math.sqrt(4e-3 / 9)]);
    // Without the rule (minInvested 0), 1/σ would give F √1e7 / (√9000 + √1e7 + √2250) ≈ 95.7 %.
    const total = Math.sqrt(9000) + Math.sqrt(1e7) + Math.sqrt(2250);
    const old = inverseVolatilityWeights([P, F, Q], { lookback: 10, minInvested: 0 });
    expectClose(old.weights, [Math.sqrt(9000) / total, Math.sqrt(1e7) / total, Math.sqrt(2250) / total]);
    expect(old.unestimated).toEqual([]);
  });

  it('counts a sleeve invested on exactly minInvested of the window as estimated, one bar fewer as not', () => {
    expect(inverseVolatilityWeights([P, investedOn(5)], { lookback: 10 }).unestimated).toEqual([]);
    expect(inverseVolatilityWeights([P, investedOn(4)], { lookback: 10 }).unestimatedReasons).toEqual(['rarely-invested']);
    // 0.7 × 10 is 7.000000000000001 in floating point: 7 bars are still 70 %.
    expect(inverseVolatilityWeights([P, investedOn(7)], { lookback: 10, minInvested: 0.7 }).unestimated).toEqual([]);
    expect(inverseVolatilityWeights([P, investedOn(6)], { lookback: 10, minInvested: 0.7 }).unestimated).toEqual([1]);
    // minInvested 1: a single zero in the window is enough; 0: the rule is off.
    expect(inverseVolatilityWeights([P, investedOn(9)], { lookback: 10, minInvested: 1 }).unestimated).toEqual([1]);
    expect(inverseVolatilityWeights([P, investedOn(1)], { lookback: 10, minInvested: 0 }).unestimated).toEqual([]);
    // Rounding dust (1e-16 a bar, a transfer's split return on a sleeve in cash) is not a position.
    const dust = inverseVolatilityWeights([P, P.map((_, t) => (t % 2 === 0 ? 1e-16 : -1e-16))], { lookback: 10 });
    expect(dust.invested).toEqual([10, 0]);
    expect(dust.unestimatedReasons).toEqual(['rarely-invested']);
  });

  it('says why each sleeve has no estimate', () => {
    const result = inverseVolatilityWeights([A, [0.01, Number.NaN, 0.02], Z, B], { lookback: 3 });
    expect(result.unestimated).toEqual([1, 2]);
    expect(result.unestimatedReasons).toEqual(['non-finite', 'rarely-invested']);
    // A sleeve in cash throughout is σ 0 once the rule is off.
    expect(inverseVolatilityWeights([A, Z], { lookback: 3, minInvested: 0 }).unestimatedReasons).toEqual(['no-risk']);
    // A sleeve whose returns are the same tiny constant: invested, and σ = 0.
    expect(inverseVolatilityWeights([A, [1e-6, 1e-6, 1e-6]], { lookback: 3 }).unestimatedReasons).toEqual(['no-risk']);
  });

  it('applies the warm-up rule: equal (or the given fixed) weights until minHistory returns exist', () => {
    const short = { returns: [column(A), column(B)], length: 2 };
    const warm = inverseVolatilityWeights(short, { lookback: 3 });
    expect(warm.warmup).toBe(true);
    expectClose(warm.weights, [0.5, 0.5]);
    expect(warm.estimates).toBeNull();
    const fixed = inverseVolatilityWeights(short, { lookback: 3, warmupWeights: [0.7, 0.3] });
    expectClose(fixed.weights, [0.7, 0.3]);
    // minHistory below lookback: estimate from the 2 bars there are.
    // A' = [0.01, −0.01]: mean 0, deviations ±0.01, var = 0.0002/1, σ = √0.0002;
    // B' = [0.05, −0.03]: mean 0.01, deviations ±0.04, var = 0.0032, σ = 4·√0.0002 → 1/σ ratio 4:1.
    const early = inverseVolatilityWeights(short, { lookback: 3, minHistory: 2 });
    expect(early.warmup).toBe(false);
    expect(early.window).toBe(2);
    expectClose(early.weights, [0.8, 0.2]);
  });

  it('rejects a bad lookback, minHistory or warm-up weights', () => {
    expect(() => inverseVolatilityWeights([A], { lookback: 1 })).toThrow(/lookback: must be an integer ≥ 2/);
    expect(() => inverseVolatilityWeights([A], { lookback: 3, minHistory: -1 })).toThrow(/minHistory/);
    expect(() => inverseVolatilityWeights([A, B], { lookback: 3, warmupWeights: [1] })).toThrow(/1 weights for 2 sleeves/);
    expect(() => inverseVolatilityWeights([A], { lookback: 3, minInvested: 1.5 })).toThrow(/minInvested: must be a fraction of the window in \[0, 1\], got 1\.5/);
    expect(() => riskParityWeights([A], { lookback: 3, minInvested: Number.NaN })).toThrow(/minInvested/);
    expect(() => inverseVolatilityWeights({ returns: [A], length: 5 }, { lookback: 3 })).toThrow(/length says 5/);
  });
});

describe('riskParityWeights', () => {
  it('equals inverse volatility for two sleeves, whatever their correlation (hand-worked)', () => {
    // With two sleeves w₁(Σw)₁ = w₂(Σw)₂ reduces to w₁σ₁ = w₂σ₂: weights 2/3, 1/3 for σ = 0.02, 0.04.
    // A and B have correlation (0·0.04 + (−0.02)(−0.04) + 0.02·0)/2 / (0.02·0.04) = 0.0004/0.0008 = 0.5.
    const result = riskParityWeights([A, B], { lookback: 3 });
    expectClose(result.weights, [2 / 3, 1 / 3]);
    expect(result.convergence?.converged).toBe(true);
  });

  it('solves three sleeves to equal risk contributions and reports convergence', () => {
    // Hand-worked covariance of A, B, C (ddof 1): var 0.0004, 0.0016, 0.0004;
    // cov(A,B) = 0.0004, cov(A,C) = (0 + 0.0004 + 0.0004)/2 = 0.0004, cov(B,C) = (0 + 0.0008 + 0)/2 = 0.0004.
    const cov = [
      [0.0004, 0.0004, 0.0004],
      [0.0004, 0.0016, 0.0004],
      [0.0004, 0.0004, 0.0004],
    ];
    // A and C are perfectly correlated (ρ = 1) and equally volatile, so they get equal weights a;
    // B has ρ = 0.5 with both. RC_A = a(0.0004·2a + 0.0004b), RC_B = b(0.0008a + 0.0016b).
    // Equal: 0.0008a² + 0.0004ab = 0.0008ab + 0.0016b² → 2a² − ab − 4b² = 0 → a/b = (1 + √33)/4.
    // With 2a + b = 1: b = 1/(1 + (1 + √33)/2) = 2/(3 + √33).
    const b = 2 / (3 + Math.sqrt(33));
    const a = (1 - b) / 2;
    const result = riskParityWeights([A, B, C], { lookback: 3 });
    expectClose(result.weights, [a, b, a], 1e-10);
    expect(result.convergence?.converged).toBe(true);
    expect(result.convergence?.iterations).toBeGreaterThan(0);
    expect(result.convergence?.maxDeviation).toBeLessThanOrEqual(1e-10);
    // The risk contributions, computed here from the hand-worked covariance, are equal.
    const w = result.weights;
    const rc = cov.map((row, i) => (w[i] ?? 0) * row.reduce((sum, value, j) => sum + value * (w[j] ?? 0), 0));
    const total = rc.reduce((sum, value) => sum + value, 0);
    for (const value of rc) expect(Math.abs(value / total - 1 / 3)).toBeLessThan(1e-10);
  });

  it('gives inverse-volatility weights where the solve finds no answer (a window of fewer returns than sleeves)', () => {
    // Two returns each: X and Y move exactly against each other (centred ±0.01 and ∓0.02), so
    // 2/3 X + 1/3 Y has no variance and no weights equalise the risk contributions; its last
    // iterate is no answer. σ (ddof 1) = 0.01√2, 0.02√2, 0.01√2: inverse volatility 0.4, 0.2, 0.4.
    const result = riskParityWeights([[0.01, -0.01], [-0.02, 0.02], [0.03, 0.01]], { lookback: 2 });
    expect(result.convergence?.converged).toBe(false);
    expectClose(result.weights, [0.4, 0.2, 0.4]);
  });

  it('leaves sleeves without σ out of the solve with 1/n each', () => {
    const result = riskParityWeights([A, Z, B], { lookback: 3 });
    expectClose(result.weights, [(2 / 3) * (2 / 3), 1 / 3, (2 / 3) * (1 / 3)]);
    expect(result.unestimated).toEqual([1]);
    // Fewer than two estimated sleeves: no solve, equal weights.
    const single = riskParityWeights([A, Z], { lookback: 3 });
    expectClose(single.weights, [0.5, 0.5]);
    expect(single.convergence).toBeNull();
  });

  it('leaves a sleeve in cash on most of its window out of the solve with 1/n (minInvested)', () => {
    // Two estimated sleeves: equal risk contributions are w ∝ 1/σ at any correlation, so P and Q
    // share 2/3 as 2 : 1, as under inverse volatility; F gets 1/3.
    const result = riskParityWeights([P, F, Q], { lookback: 10 });
    expectClose(result.weights, [4 / 9, 1 / 3, 2 / 9], 1e-10);
    expect(result.unestimated).toEqual([1]);
    expect(result.unestimatedReasons).toEqual(['rarely-invested']);
    expect(result.convergence?.converged).toBe(true);
  });

  it('passes the solver options through (coordinate descent gives the same weights)', () => {
    const newton = riskParityWeights([A, B, C], { lookback: 3 });
    const ccd = riskParityWeights([A, B, C], { lookback: 3, method: 'coordinate-descent', tolerance: 1e-12 });
    expect(ccd.convergence?.method).toBe('coordinate-descent');
    expectClose(ccd.weights, Array.from(newton.weights), 1e-10);
    const capped = riskParityWeights([A, B, C], { lookback: 3, method: 'coordinate-descent', maxIterations: 1 });
    expect(capped.convergence).toMatchObject({ iterations: 1, converged: false });
  });

  it('applies the warm-up rule', () => {
    const result = riskParityWeights({ returns: [column(A), column(B)], length: 1 }, { lookback: 3 });
    expect(result).toMatchObject({ warmup: true, convergence: null });
    expectClose(result.weights, [0.5, 0.5]);
  });
});

describe('performanceWeights', () => {
  it('weights ∝ max(trailing Sharpe, 0) (hand-worked)', () => {
    // Sharpe = mean/σ·√252: A 0.01/0.02 = 0.5·√252, B 0.01/0.04 = 0.25·√252, C −0.5·√252 → floored at 0.
    // Weights 0.5 : 0.25 : 0 → 2/3, 1/3, 0.
    const result = performanceWeights([A, B, C], { lookback: 3 });
    expectClose(result.weights, [2 / 3, 1 / 3, 0]);
    expectClose(result.estimates as number[], [0.5 * Math.sqrt(252), 0.25 * Math.sqrt(252), -0.5 * Math.sqrt(252)]);
    // Periods per year scale the scores, not the ratio between positive ones.
    expectClose(performanceWeights([A, B, C], { lookback: 3, periodsPerYear: 12 }).weights, [2 / 3, 1 / 3, 0]);
  });

  it('weights ∝ max(trailing return, floor) (hand-worked)', () => {
    // A: 1.01·0.99·1.03 − 1 = 0.029897; B: 1.05·0.97·1.01 − 1 = 0.028685; C: 0.99·0.97·1.01 − 1 = −0.030097.
    // Floor 0.01: scores 0.029897, 0.028685, 0.01; sum 0.068582.
    const result = performanceWeights([A, B, C], { lookback: 3, metric: 'return', floor: 0.01 });
    expectClose(result.weights, [0.029897 / 0.068582, 0.028685 / 0.068582, 0.01 / 0.068582]);
    expectClose(result.estimates as number[], [0.029897, 0.028685, -0.030097]);
  });

  it('gives equal weights when every score is at the floor, and a sleeve it cannot score the neutral share', () => {
    expectClose(performanceWeights([C, C.map((r) => r * 2)], { lookback: 3 }).weights, [0.5, 0.5]);
    expectClose(performanceWeights([C, C], { lookback: 3, floor: 0.2 }).weights, [0.5, 0.5]);
    // Z is never invested (and has σ = 0): no Sharpe, the neutral 1/2, as in the σ schemes; A takes the other half.
    // At the floor it got nothing, and a sleeve emptied that way has no returns to be scored again.
    const result = performanceWeights([A, Z], { lookback: 3 });
    expectClose(result.weights, [0.5, 0.5]);
    expect(result.unestimated).toEqual([1]);
    expect(result.unestimatedReasons).toEqual(['rarely-invested']);
    expect(result.estimates?.[1]).toBeNull();
    // σ = 0 on a window with every return non-zero (a constant return) is `no-risk`, also 1/2.
    expect(performanceWeights([A, [0.01, 0.01, 0.01]], { lookback: 3 }).unestimatedReasons).toEqual(['no-risk']);
    // Three sleeves, one not scored: it gets 1/3; the two scored share 2/3 ∝ their scores 0.5 : 0.25
    // (hand-worked above): 4/9 and 2/9.
    expectClose(performanceWeights([A, B, Z], { lookback: 3 }).weights, [4 / 9, 2 / 9, 1 / 3]);
    // Both scored ones at the floor: they share their 2/3 equally.
    expectClose(performanceWeights([C, C, Z], { lookback: 3 }).weights, [1 / 3, 1 / 3, 1 / 3]);
  });

  it('gives the neutral share to a sleeve emptied by an earlier rebalance (NaN returns), which brings it back', () => {
    const emptied = [Number.NaN, Number.NaN, Number.NaN];
    const result = performanceWeights([A, B, emptied], { lookback: 3 });
    expectClose(result.weights, [4 / 9, 2 / 9, 1 / 3]);
    expect(result.unestimatedReasons).toEqual(['non-finite']);
    // The return score too (its only reason not to score is a non-finite return).
    const byReturn = performanceWeights([A, B, emptied], { lookback: 3, metric: 'return' });
    expectClose(byReturn.weights, [(2 / 3) * (0.029897 / (0.029897 + 0.028685)), (2 / 3) * (0.028685 / (0.029897 + 0.028685)), 1 / 3], 1e-6);
  });

  it('does not score the Sharpe ratio of a sleeve in cash on most of its window (minInvested)', () => {
    // F has one non-zero return of 10, fewer than the 5 minInvested 0.5 asks: its Sharpe, √0.1 · √252
    // (mean 1e-4 / σ √1e-7) — about √(P/n) whatever the return's size — is not used; it gets 1/2.
    // P's score is 0 (mean 0), at the floor: alone among the scored ones, it gets the other 1/2.
    const result = performanceWeights([P, F], { lookback: 10 });
    expect(result.estimates?.[0]).toBeCloseTo(0, 12);
    expect(result.estimates?.[1]).toBeNull();
    expect(result.unestimated).toEqual([1]);
    expect(result.unestimatedReasons).toEqual(['rarely-invested']);
    expect(result.invested).toEqual([10, 1]);
    expectClose(result.weights, [0.5, 0.5]);
    // With the rule off, F's Sharpe counts and takes everything, as before the rule.
    const off = performanceWeights([P, F], { lookback: 10, minInvested: 0 });
    expectClose(off.estimates as number[], [0, Math.sqrt(0.1) * Math.sqrt(252)], 1e-9);
    expectClose(off.weights, [0, 1]);
    // The return score is not affected: a sleeve in cash did earn what it earned.
    const byReturn = performanceWeights([P, F], { lookback: 10, metric: 'return' });
    expect(byReturn.unestimated).toEqual([]);
    expect(byReturn.invested).toBeNull();
  });

  it('validates floor and periodsPerYear', () => {
    expect(() => performanceWeights([A], { lookback: 3, floor: -1 })).toThrow(/floor/);
    expect(() => performanceWeights([A], { lookback: 3, periodsPerYear: 0 })).toThrow(/periodsPerYear/);
  });
});

describe('customWeights', () => {
  it('passes the history, window, ids and time, and returns the output as given', () => {
    let seen: CustomAllocationInput | undefined;
    const history = { returns: [column([0.1, ...A]), column([0.1, ...B])], length: 4 };
    const result = customWeights(
      (input) => {
        seen = input;
        return [3, 1];
      },
      history,
      { lookback: 3, sleeveIds: ['a', 'b'], time: 123 },
    );
    expectClose(result.weights, [3, 1]);
    expect(result.scheme).toBe('custom');
    expect(seen?.window).toEqual({ start: 1, end: 4 });
    expect(seen?.history.length).toBe(4);
    // The columns are cut at the valid length: the poisoned future entries are out of reach.
    expect(seen?.history.returns.map((c) => c.length)).toEqual([4, 4]);
    expect(Array.from(seen?.history.returns[1] ?? [])).toEqual([0.1, ...B]);
    let plain: CustomAllocationInput | undefined;
    customWeights(
      (input) => {
        plain = input;
        return [1, 1];
      },
      { returns: [[...A, 5], [...B, 5]], length: 3 },
      { lookback: 3 },
    );
    expect(plain?.history.returns).toEqual([A, B]);
    expect(seen?.sleeveIds).toEqual(['a', 'b']);
    expect(seen?.time).toBe(123);
  });

  it('names the problem with an invalid output', () => {
    const run = (output: unknown) => () => customWeights(() => output as number[], [A, B], { lookback: 3 });
    expect(run([1])).toThrow(/custom allocation function:\n {2}- weights: has 1 weights for 2 sleeves/);
    expect(run([1, Number.POSITIVE_INFINITY])).toThrow(/weights\.1: must be a finite number, got Infinity/);
    expect(run([1, -2])).toThrow(/weights\.1: must be ≥ 0/);
    expect(run([0, 0])).toThrow(/all weights are 0/);
    expect(run(null)).toThrow(/returned null; return an array of 2 weights/);
    // Regression: an object keyed by sleeve id was said as "returned [object Object]".
    expect(() => customWeights(() => ({ a: 1, b: 1 }) as unknown as number[], [A, B], { lookback: 3, sleeveIds: ['a', 'b'] })).toThrow(
      'the custom allocation function returned an object ("a", "b"); return an array of 2 weights, one per sleeve in the order of sleeveIds ("a", "b")',
    );
    expect(run([1, 'x'])).toThrow(/weights\.1: must be a finite number, got x/);
    // An async function: "returned [object Promise]" said nothing of why.
    expect(run(Promise.resolve([1, 1]))).toThrow('weights: the custom allocation function returned a Promise: it runs synchronously, so it must return its weights itself (no async, no await)');
    // With the bar's time, the error names it.
    expect(() => customWeights(() => [1], [A, B], { lookback: 3, time: Date.UTC(2020, 2, 2) })).toThrow(/the weights the custom allocation function returned at 2020-03-02T00:00:00\.000Z:\n {2}- weights: has 1 weights/);
  });

  it('an error the function throws becomes a RunError naming the bar, the original as its cause', () => {
    const thrown = new Error('no data for the bond sleeve');
    const call = (time?: number) => () =>
      customWeights(
        () => {
          throw thrown;
        },
        [A, B],
        { lookback: 3, ...(time === undefined ? {} : { time }) },
      );
    let caught: unknown;
    try {
      call(Date.UTC(2020, 2, 2))();
    } catch (error) {
      caught = error;
    }
    expect(RunError.isInstance(caught)).toBe(true);
    expect((caught as RunError).message).toBe('The custom allocation function at 2020-03-02T00:00:00.000Z threw: no data for the bond sleeve');
    expect((caught as RunError).time).toBe(Date.UTC(2020, 2, 2));
    expect((caught as RunError).cause).toBe(thrown);
    expect(call()).toThrow('The custom allocation function threw: no data for the bond sleeve');
    // A thrown string, and the project's own errors as they are.
    const throwing = (value: unknown) => () =>
      customWeights(
        () => {
          throw value;
        },
        [A, B],
        { lookback: 3 },
      );
    expect(throwing('oops')).toThrow('The custom allocation function threw: "oops"');
    const own = new ConfigError([{ path: 'x', message: 'bad' }]);
    expect(throwing(own)).toThrow(own);
  });

  it('applies the warm-up rule before calling the function', () => {
    let calls = 0;
    const result = customWeights(
      () => {
        calls++;
        return [1, 1];
      },
      { returns: [A, B], length: 1 },
      { lookback: 3 },
    );
    expect(calls).toBe(0);
    expect(result.warmup).toBe(true);
  });
});

describe('computeAllocation', () => {
  it('dispatches on the scheme with config defaults', () => {
    expectClose(computeAllocation([A, B], { scheme: 'equal' }).weights, [0.5, 0.5]);
    expectClose(computeAllocation([A, B], { scheme: 'fixed' }, { fixedWeights: [0.6, 0.4] }).weights, [0.6, 0.4]);
    expectClose(computeAllocation([A, B], { scheme: 'inverse-volatility', lookback: 3 }).weights, [2 / 3, 1 / 3]);
    expectClose(computeAllocation([A, B], { scheme: 'risk-parity', lookback: 3 }).weights, [2 / 3, 1 / 3]);
    expectClose(computeAllocation([A, B, C], { scheme: 'performance', lookback: 3 }).weights, [2 / 3, 1 / 3, 0]);
    expectClose(
      computeAllocation([A, B, C], { scheme: 'performance', lookback: 3, metric: 'return', floor: 0.01 }).weights,
      [0.029897 / 0.068582, 0.028685 / 0.068582, 0.01 / 0.068582],
    );
    expectClose(computeAllocation([A, B], { scheme: 'custom', lookback: 3 }, { custom: () => [1, 3] }).weights, [1, 3]);
  });

  it('uses the default lookback of 63 (warm-up with 3 returns) and the fixed weights as warm-up weights', () => {
    const result = computeAllocation([A, B], { scheme: 'inverse-volatility' }, { fixedWeights: [0.9, 0.1] });
    expect(result.warmup).toBe(true);
    expectClose(result.weights, [0.9, 0.1]);
  });

  it('passes risk-parity options and the periods per year', () => {
    const result = computeAllocation([A, B, C], { scheme: 'risk-parity', lookback: 3 }, { riskParity: { method: 'coordinate-descent' } });
    expect(result.convergence?.method).toBe('coordinate-descent');
    // At P = 12, A's Sharpe is 0.5·√12 and B's 0.25·√12: both below a floor just above 0.5·√12 → equal.
    // (At the default P = 252 A would be far above it.)
    const atFloor = computeAllocation(
      [A, B],
      { scheme: 'performance', lookback: 3, floor: 0.5 * Math.sqrt(12) + 1e-9 },
      { periodsPerYear: 12 },
    );
    expectClose(atFloor.weights, [0.5, 0.5]);
  });

  it('names what is missing for fixed and custom', () => {
    expect(() => computeAllocation([A], { scheme: 'fixed' })).toThrow(/needs a weight for every strategy/);
    expect(() => computeAllocation([A], { scheme: 'custom' })).toThrow(/pass context\.custom/);
  });
});

describe('every scheme (properties)', () => {
  const schemes: AllocationScheme[] = ['equal', 'inverse-volatility', 'risk-parity', 'performance'];
  const value = fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: -300, max: 300 }).map((r) => r / 10_000) },
    { weight: 1, arbitrary: fc.constant(Number.NaN) },
    { weight: 1, arbitrary: fc.constant(0) },
  );
  const histories = fc
    .record({ sleeves: fc.integer({ min: 1, max: 6 }), bars: fc.integer({ min: 0, max: 30 }), future: fc.integer({ min: 1, max: 10 }) })
    .chain(({ sleeves, bars, future }) =>
      fc.record({
        past: fc.array(fc.array(value, { minLength: bars, maxLength: bars }), { minLength: sleeves, maxLength: sleeves }),
        futureA: fc.array(fc.array(value, { minLength: future, maxLength: future }), { minLength: sleeves, maxLength: sleeves }),
        futureB: fc.array(fc.array(value, { minLength: future, maxLength: future }), { minLength: sleeves, maxLength: sleeves }),
        lookback: fc.integer({ min: 2, max: 20 }),
        minHistory: fc.integer({ min: 0, max: 20 }),
        scheme: fc.constantFrom(...schemes),
        metric: fc.constantFrom('sharpe' as const, 'return' as const),
      }),
    );

  it('never read past the valid history, and give non-negative weights summing to 1', () => {
    fc.assert(
      fc.property(histories, ({ past, futureA, futureB, lookback, minHistory, scheme, metric }) => {
        const length = past[0]?.length ?? 0;
        const view = (future: number[][]) => ({
          returns: past.map((column, s) => Float64Array.from([...column, ...(future[s] ?? [])])),
          length,
        });
        const settings = { scheme, lookback, minHistory, metric };
        const a = computeAllocation(view(futureA), settings);
        const b = computeAllocation(view(futureB), settings);
        expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
        expect(a.warmup).toBe(scheme !== 'equal' && length < minHistory);
        const sum = Array.from(a.weights).reduce((x, y) => x + y, 0);
        expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
        for (const w of a.weights) expect(w).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('minInvested (properties)', () => {
  it('never changes the weights while every sleeve has a non-zero return on every bar of its window, bit for bit', () => {
    const nonZero = fc
      .integer({ min: -300, max: 300 })
      .filter((r) => r !== 0)
      .map((r) => r / 10_000);
    const histories = fc.record({
      columns: fc.integer({ min: 1, max: 6 }).chain((sleeves) => fc.array(fc.array(nonZero, { minLength: 30, maxLength: 30 }), { minLength: sleeves, maxLength: sleeves })),
      lookback: fc.integer({ min: 2, max: 30 }),
      minInvested: fc.double({ min: 0, max: 1, noNaN: true }),
      scheme: fc.constantFrom('inverse-volatility' as const, 'risk-parity' as const),
    });
    fc.assert(
      fc.property(histories, ({ columns, lookback, minInvested, scheme }) => {
        const off = computeAllocation(columns, { scheme, lookback, minInvested: 0 });
        const on = computeAllocation(columns, { scheme, lookback, minInvested });
        expect(Array.from(on.weights)).toEqual(Array.from(off.weights));
        expect(on.unestimated).toEqual(off.unestimated);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a history that holds a trailing window (observed)', () => {
  const columns = [Float64Array.of(0.01, -0.02, 0.03), Float64Array.of(0.02, 0.01, -0.01)];
  it('counts every return observed for the warm-up rule, and reads only the columns', () => {
    const seen = inverseVolatilityWeights({ returns: columns, length: 3, observed: 10 }, { lookback: 3, minHistory: 5 });
    expect(seen.warmup).toBe(false);
    expect(Array.from(seen.weights)).toEqual(Array.from(inverseVolatilityWeights({ returns: columns, length: 3 }, { lookback: 3, minHistory: 3 }).weights));
    expect(inverseVolatilityWeights({ returns: columns, length: 3, observed: 4 }, { lookback: 3, minHistory: 5 }).warmup).toBe(true);
  });
  it('rejects fewer observed returns than the columns hold', () => {
    expect(() => inverseVolatilityWeights({ returns: columns, length: 3, observed: 2 }, { lookback: 3 })).toThrow(/observed: must be an integer ≥ length \(3\), got 2/);
  });
});
