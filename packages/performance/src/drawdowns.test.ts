import { describe, expect, it } from 'vitest';
import { analyzeDrawdowns, drawdownSeries } from './drawdowns';
import { computeMetrics } from './performance-calculator';

const DAY = 86_400_000;
const days = (count: number) => Array.from({ length: count }, (_, i) => Date.UTC(2021, 0, 1) + i * DAY);

/*
 * index:   0    1   2    3    4    5    6    7    8    9   10   11   12   13   14   15   16
 * equity: 100  90  100  120  60  120  120  110  125  100  125  130  117  130  140  126  133
 * episodes (peak → trough → recovery, depth):
 *   A  0 → 1 → 2    90/100 − 1  = −0.10   2 bars
 *   B  3 → 4 → 5    60/120 − 1  = −0.50   2 bars
 *   C  6 → 7 → 8   110/120 − 1  = −1/12   2 bars (the peak is the last bar at 120, index 6)
 *   D  8 → 9 → 10  100/125 − 1  = −0.20   2 bars
 *   E 11 → 12 → 13 117/130 − 1  = −0.10   2 bars (ties A: A, earlier, ranks first)
 *   F 14 → 15 → —  126/140 − 1  = −0.10   open: 16 − 14 = 2 bars to the last bar
 * top 5 by depth: B, D, A, E, F (C, −0.0833, is the shallowest and drops out)
 */
const equity = [100, 90, 100, 120, 60, 120, 120, 110, 125, 100, 125, 130, 117, 130, 140, 126, 133];

describe('analyzeDrawdowns', () => {
  const analysis = analyzeDrawdowns(days(equity.length), equity);

  it('ranks the five deepest episodes, earlier first on ties', () => {
    expect(analysis?.top.map((p) => [p.peakIndex, p.troughIndex, p.recoveryIndex])).toEqual([
      [3, 4, 5],
      [8, 9, 10],
      [0, 1, 2],
      [11, 12, 13],
      [14, 15, null],
    ]);
    expect(analysis?.top.map((p) => p.depth)).toEqual([60 / 120 - 1, 100 / 125 - 1, 90 / 100 - 1, 117 / 130 - 1, 126 / 140 - 1]);
    expect(analysis?.maxDepth).toBe(-0.5);
  });

  it('dates each episode; an open one runs to the last bar', () => {
    const open = analysis?.top[4];
    expect(open).toMatchObject({ peak: Date.UTC(2021, 0, 15), trough: Date.UTC(2021, 0, 16), recovery: null, bars: 2, days: 2 });
    expect(analysis?.top[0]).toMatchObject({ peak: Date.UTC(2021, 0, 4), recovery: Date.UTC(2021, 0, 6), bars: 2, days: 2 });
  });

  it('measures the longest episode in bars and days, the earlier on ties', () => {
    expect(analysis?.longestBars).toBe(2);
    expect(analysis?.longestDays).toBe(2);
    const long = analyzeDrawdowns(days(8), [10, 9, 8, 9, 10, 11, 10.5, 10.9]);
    // 0 → 2 → 4: 4 bars; 5 → 6 → open at 7: 2 bars.
    expect(long?.longestBars).toBe(4);
    expect(long?.longestDays).toBe(4);
  });

  it('treats depths equal but for rounding as a tie, whatever the scale (regression)', () => {
    // Returns 1.9 %, −33.2 %, 16.9 %, 29.4 %, −33.2 % from 1000: two episodes of depth −0.332 on
    // paper (1019 → 680.692 → recovery at 1029.6838…; then → 687.8288…, open), 3 bars and 1 bar.
    // Rounding made the later one a few ulps deeper at one scale and not at another, so the
    // deepest episode's length flipped from 2 to 1 bar when the curve was scaled by 0.001.
    const returns = [0.019, -0.332, 0.169, 0.294, -0.332];
    const base = [1000];
    for (const r of returns) base.push((base[base.length - 1] ?? 0) * (1 + r));
    for (const scale of [1, 0.001, 3, 0.007, 123.456]) {
      const curve = base.map((value) => value * scale);
      const result = analyzeDrawdowns(days(curve.length), curve);
      expect(result?.top.map((p) => [p.peakIndex, p.troughIndex, p.recoveryIndex])).toEqual([
        [1, 2, 4],
        [4, 5, null],
      ]);
      expect(result?.maxDepth).toBe(result?.top[0]?.depth);
      expect(Math.abs((result?.maxDepth ?? 0) + 0.332)).toBeLessThan(1e-12);
      expect(computeMetrics({ equity: { time: days(curve.length), equity: curve } }).metrics.maxDrawdownBars).toBe(3);
    }
  });

  it('ranks a depth deeper by more than the tie tolerance first', () => {
    const result = analyzeDrawdowns(days(5), [100, 90, 100, 90 - 1e-6, 100]);
    expect(result?.top.map((p) => p.peakIndex)).toEqual([2, 0]);
  });

  it('is null for an empty curve or a non-positive start', () => {
    expect(analyzeDrawdowns([], [])).toBeNull();
    expect(analyzeDrawdowns([0, 1], [0, 1])).toBeNull();
  });

  it('reports calendar days across gaps', () => {
    const time = [Date.UTC(2021, 0, 1), Date.UTC(2021, 0, 8), Date.UTC(2021, 1, 1), Date.UTC(2021, 2, 1)];
    const result = computeMetrics({ equity: { time, equity: [100, 80, 90, 101] } });
    // Peak 2021-01-01, recovery 2021-03-01: 31 + 28 = 59 days, 3 bars.
    expect(result.metrics.maxDrawdownDays).toBe(59);
    expect(result.metrics.maxDrawdownBars).toBe(3);
  });
});

describe('drawdownSeries', () => {
  it('is V_t / running max − 1', () => {
    expect(Array.from(drawdownSeries([100, 90, 100, 120, 60]))).toEqual([0, 90 / 100 - 1, 0, 0, 60 / 120 - 1]);
    expect(drawdownSeries([0, 0])[0]).toBeNaN();
  });
});
