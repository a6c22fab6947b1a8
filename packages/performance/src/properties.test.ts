import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DRAWDOWN_TIE_TOLERANCE, drawdownSeries } from './drawdowns';
import { computeMetrics, returnsFromEquity } from './performance-calculator';

const DAY = 86_400_000;

/** Returns on a 0.1 % grid in [−50 %, +50 %]: distinct values differ by far more than rounding. */
const returnsArb = (minLength: number) =>
  fc.array(fc.integer({ min: -500, max: 500 }).map((k) => k / 1000), { minLength, maxLength: 120 });

const curveFrom = (returns: readonly number[], start = 1000) => {
  const equity = [start];
  for (const r of returns) equity.push((equity[equity.length - 1] ?? 0) * (1 + r));
  return equity;
};

/** Strictly increasing timestamps: 1 to 40 days apart, from 2019-01-01. */
const timesArb = (length: number) =>
  fc.array(fc.integer({ min: 1, max: 40 }), { minLength: length, maxLength: length }).map((gaps) => {
    let t = Date.UTC(2019, 0, 1);
    return gaps.map((gap) => (t += gap * DAY));
  });

const dailyTimes = (length: number) => Array.from({ length }, (_, i) => Date.UTC(2020, 0, 1) + i * DAY);

/** Equal to `tolerance` relative, or absolute near zero (a mean return of exactly 0 rounds to ±1e-17). */
const nearlyEqual = (a: number | null, b: number | null, tolerance: number) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b), 1);

describe('metric invariants', () => {
  it('drawdowns lie in [−1, 0] for non-negative equity, deepest first', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 150 }), (equity) => {
        const result = computeMetrics({ equity: { time: dailyTimes(equity.length), equity } });
        const maxDrawdown = result.metrics.maxDrawdown;
        if (equity.length >= 2) {
          expect(maxDrawdown).not.toBeNull();
          expect(maxDrawdown).toBeGreaterThanOrEqual(-1);
          expect(maxDrawdown).toBeLessThanOrEqual(0);
        }
        for (const d of drawdownSeries(equity)) {
          expect(d).toBeGreaterThanOrEqual(-1);
          expect(d).toBeLessThanOrEqual(0);
        }
        const depths = result.drawdowns.map((period) => period.depth);
        expect(result.drawdowns.length).toBeLessThanOrEqual(5);
        // Deepest first, up to ties: a later episode ranks after an earlier one whose trough/peak
        // ratio is within DRAWDOWN_TIE_TOLERANCE of its own, even when rounding made it deeper.
        for (let i = 1; i < depths.length; i++) {
          const previous = 1 + (depths[i - 1] ?? 0);
          const ratio = 1 + (depths[i] ?? 0);
          expect(ratio).toBeGreaterThanOrEqual(previous - DRAWDOWN_TIE_TOLERANCE * Math.max(previous, ratio));
        }
        if (depths.length > 0) expect(depths[0]).toBe(maxDrawdown);
        for (const period of result.drawdowns) {
          expect(period.peakIndex).toBeLessThan(period.troughIndex);
          if (period.recoveryIndex !== null) expect(period.troughIndex).toBeLessThan(period.recoveryIndex);
        }
      }),
    );
  });

  it('scaling the equity curve leaves returns, Sharpe, Sortino and drawdown unchanged', () => {
    fc.assert(
      fc.property(returnsArb(1), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (returns, scale) => {
        const equity = curveFrom(returns);
        const scaled = equity.map((v) => v * scale);
        const time = dailyTimes(equity.length);
        const a = computeMetrics({ equity: { time, equity } }).metrics;
        const b = computeMetrics({ equity: { time, equity: scaled } }).metrics;
        const ra = returnsFromEquity(equity);
        const rb = returnsFromEquity(scaled);
        ra.forEach((r, i) => {
          expect(Math.abs(r - (rb[i] ?? Number.NaN))).toBeLessThanOrEqual(1e-12);
        });
        for (const key of ['totalReturn', 'sharpe', 'sortino', 'maxDrawdown', 'volatility', 'valueAtRisk'] as const) {
          expect(nearlyEqual(a[key], b[key], 1e-9), `${key}: ${a[key]} vs ${b[key]}`).toBe(true);
        }
        expect(a.maxDrawdownBars).toBe(b.maxDrawdownBars);
      }),
    );
  });

  it('a monotonically increasing curve has no drawdown and a null Calmar', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000), { minLength: 1, maxLength: 100 }), (gains) => {
        const equity = curveFrom(gains);
        const result = computeMetrics({ equity: { time: dailyTimes(equity.length), equity } });
        expect(result.metrics.maxDrawdown).toBe(0);
        expect(result.metrics.maxDrawdownBars).toBe(0);
        expect(result.metrics.calmar).toBeNull();
        expect(result.drawdowns).toEqual([]);
        expect(result.maxDrawdownPeriod).toBeNull();
      }),
    );
  });

  it('monthly and yearly growth factors multiply to 1 + total return', () => {
    fc.assert(
      fc.property(
        returnsArb(1).chain((returns) => fc.tuple(fc.constant(returns), timesArb(returns.length + 1))),
        ([returns, time]) => {
          const equity = curveFrom(returns);
          const result = computeMetrics({ equity: { time, equity } });
          const total = 1 + (result.metrics.totalReturn ?? Number.NaN);
          for (const rows of [result.monthlyReturns, result.yearlyReturns]) {
            const product = rows.reduce((growth, row) => growth * (1 + (row.return ?? Number.NaN)), 1);
            expect(Math.abs(product - total)).toBeLessThanOrEqual(1e-9 * Math.max(total, 1e-300));
            expect(rows.reduce((count, row) => count + row.bars, 0)).toBe(returns.length);
          }
        },
      ),
    );
  });

  it('every metric is a finite number or null, and the result survives JSON', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 0, maxLength: 60 }),
        fc.array(fc.record({ pnl: fc.double({ min: -1e4, max: 1e4, noNaN: true }), barsHeld: fc.nat(100) }), { maxLength: 10 }),
        (equity, trades) => {
          const time = dailyTimes(equity.length);
          const result = computeMetrics({ equity: { time, equity }, trades }, { benchmark: { time, values: equity.map((v) => v + 1) } });
          for (const value of Object.values(result.metrics)) expect(value === null || Number.isFinite(value)).toBe(true);
          expect(JSON.parse(JSON.stringify(result))).toEqual(result);
        },
      ),
    );
  });
});

describe('scratch columns', () => {
  it('a curve measured after longer and shorter ones gets exactly the metrics it gets first (reused return columns carry nothing over)', () => {
    const measure = (returns: readonly number[], benchmarkReturns: readonly number[]) => {
      const equity = curveFrom(returns);
      const benchmark = curveFrom(benchmarkReturns.slice(0, returns.length), 50);
      const time = dailyTimes(equity.length);
      return computeMetrics({ equity: { time, equity } }, { benchmark: { time, values: benchmark } }).metrics;
    };
    fc.assert(
      fc.property(returnsArb(3), returnsArb(3), returnsArb(120), (first, other, benchmark) => {
        fc.pre(benchmark.length >= Math.max(first.length, other.length));
        const before = measure(first, benchmark);
        measure(other, benchmark);
        measure([...other, ...first], [...benchmark, ...benchmark]);
        expect(measure(first, benchmark)).toStrictEqual(before);
      }),
    );
  });
});
