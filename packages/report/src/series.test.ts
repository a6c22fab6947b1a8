import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benchmarkInRange, downsampleIndices, rebaseBenchmark } from './series';

describe('downsampleIndices', () => {
  it('keeps a short curve whole', () => {
    expect(downsampleIndices([3, 1, 2], 10)).toEqual([0, 1, 2]);
  });

  it('keeps first, last, the global extremes and every bucket extreme, within the budget', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 3000 }),
        fc.integer({ min: 10, max: 400 }),
        (values, maxPoints) => {
          const indices = downsampleIndices(values, maxPoints);
          expect(indices.length).toBeLessThanOrEqual(maxPoints);
          expect(indices[0]).toBe(0);
          expect(indices[indices.length - 1]).toBe(values.length - 1);
          for (let k = 1; k < indices.length; k++) expect(indices[k]).toBeGreaterThan(indices[k - 1] ?? -1);
          const kept = indices.map((i) => values[i] ?? Number.NaN);
          expect(Math.min(...kept)).toBe(Math.min(...values));
          expect(Math.max(...kept)).toBe(Math.max(...values));
        },
      ),
    );
  });

  it('on a long curve keeps one low and one high per bucket', () => {
    // 1,000 points, budget 10 → 4 buckets of ~250 inner points: each keeps its low and high.
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 20));
    const indices = downsampleIndices(values, 10);
    expect(indices.length).toBe(10);
  });
});

describe('rebaseBenchmark', () => {
  it('keeps the overlap and scales the first overlapping value to the starting equity', () => {
    // Portfolio from t=2 to t=4 starting at 1,000; benchmark 50, 40, 80, 60, 90 at t=1..5:
    // overlap t=2..4 with 40, 80, 60 → ×25 → 1,000, 2,000, 1,500.
    expect(rebaseBenchmark([2, 3, 4], 1000, [1, 2, 3, 4, 5], [50, 40, 80, 60, 90])).toEqual({ time: [2, 3, 4], value: [1000, 2000, 1500] });
    expect(rebaseBenchmark([2, 3], 1000, [5, 6], [1, 2])).toEqual({ time: [], value: [] });
  });
});

describe('benchmarkInRange', () => {
  it('keeps the points from the portfolio\'s first time to its last, inclusive', () => {
    const benchmark = { name: 'B', time: [1, 2, 3, 4, 5], value: [50, 40, 80, 60, 90] };
    expect(benchmarkInRange([2, 3, 4], benchmark)).toEqual({ name: 'B', time: [2, 3, 4], value: [40, 80, 60] });
    expect(benchmarkInRange([2.5, 10], benchmark)).toEqual({ name: 'B', time: [3, 4, 5], value: [80, 60, 90] });
    expect(benchmarkInRange([6, 7], benchmark)).toEqual({ name: 'B', time: [], value: [] });
    expect(benchmarkInRange([], benchmark)).toEqual({ name: 'B', time: [], value: [] });
    const columns = { name: 'B', time: Float64Array.from(benchmark.time), value: Float64Array.from(benchmark.value) };
    expect(benchmarkInRange([0, 3], columns)).toEqual({ name: 'B', time: Float64Array.from([1, 2, 3]), value: Float64Array.from([50, 40, 80]) });
  });

  it('is what rebaseBenchmark draws: the same rebased line from the kept points as from the whole series', () => {
    const sorted = fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 60 }).map((values) => [...values].sort((a, b) => a - b));
    fc.assert(
      fc.property(sorted, sorted, fc.double({ min: 1, max: 1e6, noNaN: true }), (portfolioTime, benchmarkTime, start) => {
        const value = benchmarkTime.map((t) => 1 + t / 7);
        const kept = benchmarkInRange(portfolioTime, { name: 'B', time: benchmarkTime, value });
        const first = portfolioTime[0] ?? Number.NaN;
        const last = portfolioTime[portfolioTime.length - 1] ?? Number.NaN;
        expect(kept.time).toEqual(benchmarkTime.filter((t) => t >= first && t <= last));
        expect(rebaseBenchmark(portfolioTime, start, kept.time, kept.value)).toEqual(rebaseBenchmark(portfolioTime, start, benchmarkTime, value));
      }),
    );
  });
});
