import { ConfigError } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossover, crossoverInto, ema, rollingMax, rollingMin, rollingStdDev, rsi, simpleReturns, sma } from './indicators';

const N = Number.NaN;

/** Element-wise closeness with NaN equal to NaN; `tolerance` is absolute. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) expect(a, `index ${i}`).toBeNaN();
    else expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(tolerance);
  }
}

// ---- Naive O(n·k) second implementations, written from the textbook definitions ----

function naiveSma(x: readonly number[], period: number): number[] {
  return x.map((_, i) => {
    if (i < period - 1) return N;
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += x[j]!;
    return sum / period;
  });
}

/** Closed form of the seeded EMA: (1-a)^(i-p+1)·seed + Σ_{j=p}^{i} a(1-a)^(i-j)·x_j. */
function naiveEma(x: readonly number[], period: number): number[] {
  const a = 2 / (period + 1);
  const seed = naiveSma(x, period)[period - 1]!;
  return x.map((_, i) => {
    if (i < period - 1) return N;
    let value = seed * (1 - a) ** (i - period + 1);
    for (let j = period; j <= i; j++) value += a * (1 - a) ** (i - j) * x[j]!;
    return value;
  });
}

/** Wilder's average as a closed-form EMA with a = 1/p, and RSI = 100 − 100/(1 + RS). */
function naiveRsi(x: readonly number[], period: number): number[] {
  const a = 1 / period;
  const change = x.map((v, i) => (i === 0 ? 0 : v - x[i - 1]!));
  const average = (pick: (d: number) => number, i: number): number => {
    let seed = 0;
    for (let j = 1; j <= period; j++) seed += pick(change[j]!);
    seed /= period;
    let value = seed * (1 - a) ** (i - period);
    for (let j = period + 1; j <= i; j++) value += a * (1 - a) ** (i - j) * pick(change[j]!);
    return value;
  };
  return x.map((_, i) => {
    if (i < period) return N;
    const gain = average((d) => Math.max(d, 0), i);
    const loss = average((d) => Math.max(-d, 0), i);
    if (loss === 0) return gain === 0 ? 50 : 100;
    return 100 - 100 / (1 + gain / loss);
  });
}

function naiveWindow(x: readonly number[], period: number, reduce: (window: number[]) => number): number[] {
  return x.map((_, i) => (i < period - 1 ? N : reduce(x.slice(i - period + 1, i + 1))));
}

function twoPassStd(window: number[]): number {
  const mean = window.reduce((s, v) => s + v, 0) / window.length;
  return Math.sqrt(window.reduce((s, v) => s + (v - mean) ** 2, 0) / (window.length - 1));
}

function naiveCrossover(a: readonly number[], b: readonly number[]): number[] {
  const d = a.map((v, i) => v - b[i]!);
  return d.map((di, i) => {
    const firstDefined = d.findIndex((v) => !Number.isNaN(v));
    if (Number.isNaN(di) || firstDefined === -1 || i <= firstDefined) return N;
    let last = 0;
    for (let j = i - 1; j >= 0 && last === 0; j--) if (!Number.isNaN(d[j]!)) last = d[j]!;
    if (di > 0 && last < 0) return 1;
    if (di < 0 && last > 0) return -1;
    return 0;
  });
}

const prices = fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { maxLength: 120 });
const scaleOf = (x: readonly number[]): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 1);

describe('hand-computed values', () => {
  it('sma: [1,2,3,4,5] over 3 is NaN, NaN, 2, 3, 4', () => {
    expectClose(sma([1, 2, 3, 4, 5], 3), [N, N, 2, 3, 4]);
  });

  it('ema: [2,4,6,8,4] over 3 (alpha 1/2) seeds at mean(2,4,6) = 4, then 8/2+4/2 = 6, then 4/2+6/2 = 5', () => {
    expectClose(ema([2, 4, 6, 8, 4], 3), [N, N, 4, 6, 5]);
  });

  it("rsi: Wilder's smoothing on [44,45,44,46,47,45] over 3", () => {
    // changes +1, -1, +2, +1, -2
    // i=3: gains (1,0,2) avg 1, losses (0,1,0) avg 1/3 → 100·1/(4/3) = 75
    // i=4: gain 1 → (1·2+1)/3 = 1; loss 0 → (1/3·2)/3 = 2/9 → 100·1/(11/9) = 900/11
    // i=5: gain 0 → 2/3; loss 2 → (2/9·2+2)/3 = 22/27 → 100·(18/27)/(40/27) = 45
    expectClose(rsi([44, 45, 44, 46, 47, 45], 3), [N, N, N, 75, 900 / 11, 45]);
  });

  it('rsi: 100 for only gains, 0 for only losses, 50 with no movement', () => {
    expectClose(rsi([1, 2, 3, 4], 2), [N, N, 100, 100]);
    expectClose(rsi([4, 3, 2, 1], 2), [N, N, 0, 0]);
    expectClose(rsi([5, 5, 5, 5], 2), [N, N, 50, 50]);
  });

  it('rollingMax / rollingMin of [3,1,4,1,5,9,2,6] over 3 (current bar included)', () => {
    expectClose(rollingMax([3, 1, 4, 1, 5, 9, 2, 6], 3), [N, N, 4, 4, 5, 9, 9, 9]);
    expectClose(rollingMin([3, 1, 4, 1, 5, 9, 2, 6], 3), [N, N, 1, 1, 1, 1, 2, 2]);
  });

  it('rollingStdDev of [1,2,4,7] over 3 is sample std: sqrt(7/3), sqrt(19/3)', () => {
    // (1,2,4): mean 7/3, squared deviations 16/9 + 1/9 + 25/9 = 42/9, / (3-1) = 7/3
    // (2,4,7): mean 13/3, squared deviations 49/9 + 1/9 + 64/9 = 114/9, / 2 = 19/3
    expectClose(rollingStdDev([1, 2, 4, 7], 3), [N, N, Math.sqrt(7 / 3), Math.sqrt(19 / 3)]);
  });

  it('rollingStdDev is exactly 0 on equal values, even right after an outlier leaves the window', () => {
    // (100, 1): mean 50.5, squared deviations 2 · 49.5² = 4900.5, / 1 → sqrt(4900.5)
    expectClose(rollingStdDev([100, 1, 1, 1], 2), [N, Math.sqrt(4900.5), 0, 0], 0);
  });

  it('simpleReturns of [100, 110, 99] is NaN, 0.1, -0.1', () => {
    expectClose(simpleReturns([100, 110, 99]), [N, 0.1, -0.1], 1e-15);
  });

  it('rollingStdDev of returns starts at index `period`', () => {
    const out = rollingStdDev(simpleReturns([100, 101, 103, 102]), 2);
    expect(Number.isNaN(out[1]!)).toBe(true);
    expect(out[2]).toBeGreaterThan(0);
  });

  it('crossover: last non-zero difference rule', () => {
    // d = -1, +1, 0, -1, 0, +1 → up at 1, tie at 2, down at 3 (last non-zero +1), tie, up at 5
    expectClose(crossover([1, 2, 2, 1, 1, 2], [2, 1, 2, 2, 1, 1]), [N, 1, 0, -1, 0, 1]);
    // + , 0, 0, + : a tie followed by a continuation never crosses
    expectClose(crossover([2, 1, 1, 2], [1, 1, 1, 1]), [N, 0, 0, 0]);
    // d = 0, +1, -1: a leading tie leaves nothing to cross from at the +1, then +1 → -1 crosses down
    expectClose(crossover([1, 2, 0], [1, 1, 1]), [N, 0, -1]);
  });

  it('NaN inputs: windows holding NaN are NaN, EMA and RSI reseed after leading NaNs', () => {
    expectClose(sma([N, N, 1, 2, 3], 2), [N, N, N, 1.5, 2.5]);
    // alpha 2/3: seed mean(2,4) = 3, then 2/3·6 + 1/3·3 = 5
    expectClose(ema([N, 2, 4, 6], 2), [N, N, 3, 5]);
    expectClose(rollingMax([1, N, 3, 2, 1], 2), [N, N, N, 3, 2]);
    expectClose(rsi([N, 1, 2, 1], 2), [N, N, N, 50]);
  });

  it('empty input and a period longer than the data give all NaN', () => {
    expect(sma([], 3).length).toBe(0);
    for (const f of [sma, ema, rsi, rollingMax, rollingMin, rollingStdDev]) {
      expect(Array.from(f([1, 2], 5)).every(Number.isNaN)).toBe(true);
    }
  });

  it('rejects a bad period with a ConfigError naming the function', () => {
    expect(() => sma([1, 2], 0)).toThrow(ConfigError);
    expect(() => ema([1, 2], 2.5)).toThrow(/ema\(\)[\s\S]*period: must be an integer >= 1, got 2.5/);
    expect(() => rollingStdDev([1, 2], 1)).toThrow(/period: must be an integer >= 2/);
    expect(() => crossover([1], [1, 2])).toThrow(ConfigError);
  });
});

describe('against naive O(n·k) implementations on random input', () => {
  it('sma', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 30 }), (x, period) => {
        expectClose(sma(x, period), naiveSma(x, period), 1e-12 * scaleOf(x));
      }),
    );
  });

  it('ema', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 30 }), (x, period) => {
        expectClose(ema(x, period), naiveEma(x, period), 1e-10 * scaleOf(x));
      }),
    );
  });

  it('rsi', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 30 }), (x, period) => {
        expectClose(rsi(x, period), naiveRsi(x, period), 1e-9);
      }),
    );
  });

  it('rollingMax and rollingMin (exact)', () => {
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 30 }), (x, period) => {
        expectClose(rollingMax(x, period), naiveWindow(x, period, (w) => Math.max(...w)), 0);
        expectClose(rollingMin(x, period), naiveWindow(x, period, (w) => Math.min(...w)), 0);
      }),
    );
  });

  it('rollingStdDev (sample, ddof = 1), to 1e-10 relative however wild the earlier values', () => {
    // prices from a wide range, and runs of near-equal values after outliers
    const wild = fc.array(
      fc.oneof(fc.double({ min: 1, max: 1000, noNaN: true }), fc.constantFrom(1, 1 + 2 ** -50, 1 + 2 ** -51)),
      { maxLength: 120 },
    );
    fc.assert(
      fc.property(wild, fc.integer({ min: 2, max: 30 }), (x, period) => {
        const actual = rollingStdDev(x, period);
        const expected = naiveWindow(x, period, twoPassStd);
        expected.forEach((e, i) => {
          if (Number.isNaN(e)) expect(actual[i]).toBeNaN();
          else expect(Math.abs(actual[i]! - e)).toBeLessThanOrEqual(1e-10 * e + 1e-14 * scaleOf(x));
        });
      }),
    );
  });

  it('crossover (exact), including ties from a small integer alphabet', () => {
    const small = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 60 });
    fc.assert(
      fc.property(small, small, (a, b) => {
        const n = Math.min(a.length, b.length);
        expectClose(crossover(a.slice(0, n), b.slice(0, n)), naiveCrossover(a.slice(0, n), b.slice(0, n)), 0);
      }),
    );
  });

  it('crossoverInto written over either input is crossover bit for bit (NaN, ±0 and ties included), and leaves the other input alone', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(Number.NaN, -0, 0, 1 + 2 ** -52), fc.double({ min: -5, max: 5 }));
    const pair = fc.array(fc.tuple(value, value), { maxLength: 60 });
    fc.assert(
      fc.property(pair, fc.boolean(), (pairs, overLeft) => {
        const a = Float64Array.from(pairs, ([x]) => x);
        const b = Float64Array.from(pairs, ([, y]) => y);
        const expected = crossover(a, b);
        const left = a.slice();
        const right = b.slice();
        const out = crossoverInto(left, right, overLeft ? left : right);
        expect(out).toBe(overLeft ? left : right);
        expect(Array.from(out).every((v, i) => Object.is(v, expected[i]))).toBe(true);
        const other = overLeft ? right : left;
        const original = overLeft ? b : a;
        expect(Array.from(other).every((v, i) => Object.is(v, original[i]))).toBe(true);
      }),
    );
  });

  it('sma and rollingStdDev do not drift on a long series', () => {
    const n = 200_000;
    const x = Array.from({ length: n }, (_, i) => 10_000 + 50 * Math.sin(i / 7) + (i % 13) * 0.37);
    const period = 20;
    const fast = sma(x, period);
    const std = rollingStdDev(x, period);
    for (let i = n - 5; i < n; i++) {
      const window = x.slice(i - period + 1, i + 1);
      expect(Math.abs(fast[i]! - window.reduce((s, v) => s + v, 0) / period)).toBeLessThan(1e-9);
      expect(Math.abs(std[i]! - twoPassStd(window))).toBeLessThan(1e-9);
    }
  });
});

describe('causality', () => {
  const indicators: [string, (x: number[]) => Float64Array][] = [
    ['sma', (x) => sma(x, 5)],
    ['ema', (x) => ema(x, 5)],
    ['rsi', (x) => rsi(x, 5)],
    ['rollingMax', (x) => rollingMax(x, 5)],
    ['rollingMin', (x) => rollingMin(x, 5)],
    ['rollingStdDev', (x) => rollingStdDev(simpleReturns(x), 5)],
    ['crossover', (x) => crossover(sma(x, 2), sma(x, 5))],
  ];
  for (const [name, f] of indicators) {
    it(`${name}: the value at i is the same computed on bars 0..i only`, () => {
      fc.assert(
        fc.property(prices, fc.nat(), (x, cut) => {
          const k = x.length === 0 ? 0 : cut % (x.length + 1);
          expect(Array.from(f(x.slice(0, k)))).toEqual(Array.from(f(x).subarray(0, k)));
        }),
      );
    });
  }
});
