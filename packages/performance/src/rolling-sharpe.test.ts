import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from './performance-calculator';
import { rollingSharpe } from './rolling-sharpe';

/** Rolling Sharpe by the definition, window by window (a second, independent formula). */
function naiveRollingSharpe(equity: number[], window: number, periodsPerYear: number, riskFreeRate: number): (number | null)[] {
  const rf = (1 + riskFreeRate) ** (1 / periodsPerYear) - 1;
  return equity.map((_, t) => {
    if (t < window) return null;
    const excess: number[] = [];
    for (let k = t - window + 1; k <= t; k++) excess.push((equity[k] ?? 0) / (equity[k - 1] ?? 1) - 1 - rf);
    const mean = excess.reduce((s, x) => s + x, 0) / window;
    const variance = excess.reduce((s, x) => s + (x - mean) ** 2, 0) / (window - 1);
    return variance > 0 ? (mean / Math.sqrt(variance)) * Math.sqrt(periodsPerYear) : null;
  });
}

describe('rollingSharpe', () => {
  it('matches a hand-worked window', () => {
    // Equity 100 → 110 → 99 → 108.9: returns 0.1, −0.1, 0.1. Window 2, P = 4, rf = 0.
    // t = 2: returns (0.1, −0.1): mean 0, Sharpe 0.
    // t = 3: returns (−0.1, 0.1): mean 0, Sharpe 0.
    // With equity 100 → 110 → 121 → 121: t = 2 has zero dispersion (null); t = 3: returns (0.1, 0):
    // mean 0.05, std √((0.05² + 0.05²)/1) = 0.0707107, Sharpe 0.05 / 0.0707107 · 2 = 1.41421.
    const flat = rollingSharpe([100, 110, 99, 108.9], 2, 4);
    expect(flat[2]).toBeCloseTo(0, 12);
    expect(flat[3]).toBeCloseTo(0, 12);
    const growth = rollingSharpe([100, 110, 121, 121], 2, 4);
    expect(Number.isNaN(growth[0] ?? 0)).toBe(true);
    expect(Number.isNaN(growth[2] ?? 0)).toBe(true);
    expect(growth[3]).toBeCloseTo(Math.SQRT2, 6);
  });

  // The report's chart read the points alone, so a close-fill run's first window left out the
  // return from the cash to the first point that the metrics count.
  it('with a start, reads the first return from it as the metrics do: a window over the whole run is its sharpe', () => {
    // Cash 1,000, the first bar's costs 10: returns from 1,000 → 990, 1,000, 985, 1,010, 1,005, 1,020.
    // numpy: r = led[1:] / led[:-1] − 1, mean(r[w]) / std(r[w], ddof=1) · √8 over 4 returns.
    const equity = [990, 1000, 985, 1010, 1005, 1020];
    const golden = [0.3973572715276861, 0.6219414982225825, 0.7833449657108923];
    const led = rollingSharpe(equity, 4, 8, 0, 1000);
    expect(led).toHaveLength(6);
    expect(Number.isNaN(led[2] ?? 0)).toBe(true);
    golden.forEach((value, k) => {
      expect(led[3 + k]).toBeCloseTo(value, 12);
    });
    // Without the start the first window ends a bar later, without the first return.
    const points = rollingSharpe(equity, 4, 8);
    expect(Number.isNaN(points[3] ?? 0)).toBe(true);
    expect(points[4]).toBeCloseTo(golden[1] ?? 0, 12);
    // A window covering the whole run (4 returns from the cash) is the run's sharpe.
    const whole = computeMetrics({ equity: { time: [0, 1, 2, 3].map((i) => Date.UTC(2024, 0, 1 + i)), equity: equity.slice(0, 4) }, startEquity: 1000 }, { periodsPerYear: 8 });
    expect(whole.metrics.sharpe).toBeCloseTo(golden[0] ?? 0, 12);
    expect(rollingSharpe(equity.slice(0, 4), 4, 8, 0, 1000)[3]).toBeCloseTo(whole.metrics.sharpe ?? Number.NaN, 12);
  });

  it('computes windows of returns at the level of rounding noise exactly', () => {
    // Found by the property below: once a return of ~1e-8 has left the window, the running sums
    // hold only its rounding residue, about as large as what the window now holds (returns of
    // ~1e-16 that still differ). Such windows must still give the two-pass figure.
    const cases: [number[], number][] = [
      [[0, -1.0536712002906514e-8, -5.551115123125784e-17, 0, 0, 0], 2],
      [[0, 2.107342422785763e-8, 0, 0, 1.1102230246251568e-16, 0], 4],
    ];
    for (const [returns, window] of cases) {
      const equity = [100];
      for (const r of returns) equity.push((equity[equity.length - 1] ?? 100) * (1 + r));
      const fast = rollingSharpe(equity, window, 252);
      naiveRollingSharpe(equity, window, 252, 0).forEach((expected, t) => {
        if (expected === null) expect(Number.isNaN(fast[t] ?? 0), `bar ${t}`).toBe(true);
        else expect(Math.abs((fast[t] ?? Number.NaN) - expected), `bar ${t}: ${fast[t]} vs ${expected}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(expected)));
      });
    }
  });

  // Stretches in cash (returns of exactly 0, or exactly −rf) between trades: windows of one
  // repeated value are said to have no Sharpe ratio at once, and the sums start again after an
  // exact pass, so that a year of minute bars in cash takes no pass over its whole window per bar.
  it('equals the window-by-window definition on curves that are flat for long stretches', () => {
    const move = fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.double({ min: -0.05, max: 0.05, noNaN: true }), fc.double({ min: -1e-12, max: 1e-12, noNaN: true }));
    fc.assert(
      fc.property(fc.array(move, { minLength: 3, maxLength: 400 }), fc.integer({ min: 2, max: 40 }), fc.constantFrom(0, 0.02), (returns, window, riskFreeRate) => {
        const equity = [100];
        for (const r of returns) equity.push((equity[equity.length - 1] ?? 100) * (1 + r));
        const fast = rollingSharpe(equity, window, 252, riskFreeRate);
        naiveRollingSharpe(equity, window, 252, riskFreeRate).forEach((expected, t) => {
          const actual = fast[t] ?? Number.NaN;
          // A window of one return repeated has no Sharpe ratio; the definition may see rounding noise in it.
          const excess = (k: number) => (equity[k] ?? 0) / (equity[k - 1] ?? 1) - 1;
          const repeated = t >= window && Array.from({ length: window }, (_, j) => excess(t - j)).every((x) => x === excess(t));
          // So is one the definition finds no spread in (every return the same after rounding).
          if (repeated || (t >= window && expected === null)) {
            expect(Number.isNaN(actual), `bar ${String(t)}`).toBe(true);
            return;
          }
          if (expected === null || Math.abs(expected) > 1e4) return;
          expect(Math.abs(actual - expected), `bar ${String(t)}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(expected)));
        });
      }),
      { numRuns: 200, seed: 20261207 },
    );
  });

  it('equals the window-by-window definition on random curves', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 3, maxLength: 400 }),
        fc.integer({ min: 2, max: 40 }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        (returns, window, riskFreeRate) => {
          const equity = [100];
          for (const r of returns) equity.push((equity[equity.length - 1] ?? 100) * (1 + r));
          const fast = rollingSharpe(equity, window, 252, riskFreeRate);
          const slow = naiveRollingSharpe(equity, window, 252, riskFreeRate);
          slow.forEach((expected, t) => {
            const actual = fast[t] ?? Number.NaN;
            // Windows of (numerically) identical returns have no meaningful Sharpe ratio.
            if (expected === null || Math.abs(expected) > 1e4) return;
            expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(expected)));
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
