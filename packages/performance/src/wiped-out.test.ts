import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawdownSeries } from './drawdowns';
import { computeMetrics } from './performance-calculator';
import type { PerformanceMetrics } from './types';

const DAY = 86_400_000;
const days = (length: number) => Array.from({ length }, (_, i) => Date.UTC(2020, 0, 1) + i * DAY);
const measure = (equity: readonly number[], trades?: readonly { pnl: number; barsHeld: number }[]) =>
  computeMetrics({ equity: { time: days(equity.length), equity, grossExposure: equity.map(() => 50) }, ...(trades === undefined ? {} : { trades }) }, { periodsPerYear: 252 });

/** The metrics over returns: null once one return is undefined. */
const RETURN_METRICS = ['volatility', 'sharpe', 'sortino', 'bestReturn', 'worstReturn', 'valueAtRisk', 'conditionalValueAtRisk', 'skew', 'kurtosis'] as const;

// The conventions of DECISIONS.md, "Wiped-out and extreme runs", checked on curves small enough
// to compute by hand. Daily bars, P = 252, no risk-free rate.
describe('an equity curve that reaches zero or below', () => {
  it('ending in debt: total return and max drawdown below −100 %, CAGR null, the returns up to it defined', () => {
    // 100 → 50 → −20: returns −0.5 and −1.4 (both on a positive value).
    const { metrics } = measure([100, 50, -20]);
    expect(metrics.totalReturn).toBeCloseTo(-1.2, 15);
    expect(metrics.cagr).toBeNull();
    expect(metrics.maxDrawdown).toBeCloseTo(-1.2, 15);
    expect(metrics.calmar).toBeNull();
    // Mean −0.95, std (ddof 1) |−0.5 − (−1.4)| / √2 = 0.9 / √2.
    expect(metrics.worstReturn).toBeCloseTo(-1.4, 15);
    expect(metrics.volatility).toBeCloseTo((0.9 / Math.SQRT2) * Math.sqrt(252), 12);
    expect(metrics.sharpe).toBeCloseTo((-0.95 / (0.9 / Math.SQRT2)) * Math.sqrt(252), 12);
    // Exposure over the bars with positive equity only: 50/100 and 50/50.
    expect(metrics.exposure).toBeCloseTo(0.75, 15);
  });

  it('ending at exactly 0: CAGR −100 %, Calmar −1', () => {
    const { metrics } = measure([100, 50, 0]);
    expect(metrics.totalReturn).toBe(-1);
    expect(metrics.cagr).toBe(-1);
    expect(metrics.maxDrawdown).toBe(-1);
    expect(metrics.calmar).toBe(-1);
    expect(metrics.worstReturn).toBe(-1);
  });

  it('through debt and back: no metric over returns (the return after a non-positive value is undefined), CAGR and drawdown from the values', () => {
    // 100 → −50 → 20 → 200: the returns after −50 are undefined.
    const result = measure([100, -50, 20, 200]);
    const { metrics } = result;
    for (const name of RETURN_METRICS) expect(metrics[name], name).toBeNull();
    expect(metrics.totalReturn).toBe(1);
    // (200 / 100)^(252 / 3) − 1 = 2^84 − 1; the deepest fall, 100 → −50, is −150 %.
    expect(metrics.cagr).toBe(2 ** 84 - 1);
    expect(metrics.maxDrawdown).toBe(-1.5);
    expect(metrics.calmar).toBe((2 ** 84 - 1) / 1.5);
    expect(Array.from(drawdownSeries([100, -50, 20, 200]))).toEqual([0, -1.5, -0.8, 0]);
    // The month's base (the first value) is positive: its return is the ratio of its ends.
    expect(result.monthlyReturns.map((period) => period.return)).toEqual([1]);
  });

  it('starting at or below zero: no return, no drawdown, no total return', () => {
    const { metrics } = measure([0, 10, 20]);
    for (const name of [...RETURN_METRICS, 'totalReturn', 'cagr', 'maxDrawdown', 'calmar'] as const) expect(metrics[name], name).toBeNull();
    expect(Array.from(drawdownSeries([-10, 10, 20]))).toEqual([Number.NaN, 0, 0]);
  });

  it('every metric of any curve, positive or not, is a finite number or null; the result has no NaN or ∞ in JSON', () => {
    const value = fc.oneof(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constantFrom(0, 1e-300, -1e-300, 1e300, -1e300));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 60 }), fc.array(fc.double({ min: -1e300, max: 1e300, noNaN: true }), { maxLength: 5 }), (equity, pnls) => {
        const result = measure(equity, pnls.map((pnl) => ({ pnl, barsHeld: 1 })));
        for (const [name, metric] of Object.entries(result.metrics) as [keyof PerformanceMetrics, number | null][]) {
          expect(metric === null || Number.isFinite(metric), name).toBe(true);
        }
        expect(JSON.stringify(result)).not.toMatch(/NaN|Infinity/);
      }),
    );
  });
});
