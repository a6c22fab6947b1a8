import { ConfigError, LookaheadError } from '@ensemble/protocol';
import type { BarSeries, IndicatorColumns } from '@ensemble/protocol';
import { checkLookahead } from '@ensemble/protocol/testing';
import { testStrategyContract } from '@ensemble/protocol/testing/vitest';
import { describe, expect, it } from 'vitest';
import { enterAt, exitAt, replay } from './__fixtures__/replay';
import { sp500Series } from './__fixtures__/series';
import { closes, randomWalk } from './__fixtures__/synthetic';
import { crossover, sma } from './indicators';
import { SmaCrossoverStrategy } from './sma-crossover';

const spx = sp500Series();

testStrategyContract({
  name: 'sma-crossover 10/30 on the S&P 500, 2000-2001',
  create: () => new SmaCrossoverStrategy({ fast: 10, slow: 30 }),
  series: [spx],
});

testStrategyContract({
  name: 'sma-crossover 5/20 with allowShort on the S&P 500 and a random walk',
  create: () => new SmaCrossoverStrategy({ fast: 5, slow: 20, allowShort: true }),
  series: [spx, randomWalk('RW', 400, 7)],
});

describe('cross definition (fast 1, slow 2: the sign of d is the sign of the last price change)', () => {
  // With fast = 1 and slow = 2, d[i] = c[i] - (c[i] + c[i-1]) / 2 = (c[i] - c[i-1]) / 2.
  const strategy = new SmaCrossoverStrategy({ fast: 1, slow: 2 });

  it('a tie followed by a continuation does not trigger; + 0 − crosses down at the − bar', () => {
    //          index:  0   1   2   3   4   5   6   7  8
    //              d: NaN  −   +   0   +   0   −   0  −
    // cross up at 2 (after −), none at 4 (+ after the tie, last non-zero +), down at 6, none at 8
    const series = closes('X', [10, 9, 10, 10, 11, 11, 10, 10, 9]);
    expect(replay(strategy, series)).toEqual([{ side: 'long', entry: 2, exit: 6 }]);
    expect(exitAt(strategy, series, 3, 'long')).toBe(false);
    expect(exitAt(strategy, series, 5, 'long')).toBe(false);
    expect(enterAt(strategy, series, 4)).toBeNull();
    expect(enterAt(strategy, series, 8)).toBeNull();
  });

  it('the last non-zero rule (+, 0, −) exits at the − bar, not at the tie', () => {
    //  d: NaN − + 0 −
    const series = closes('X', [10, 9, 10, 10, 9]);
    expect(exitAt(strategy, series, 3, 'long')).toBe(false);
    expect(exitAt(strategy, series, 4, 'long')).toBe(true);
    expect(replay(strategy, series)).toEqual([{ side: 'long', entry: 2, exit: 4 }]);
  });

  it('a tie between two moves of the same sign never triggers, in either direction', () => {
    expect(replay(strategy, closes('X', [10, 11, 11, 12, 12, 13]))).toEqual([]);
    expect(replay(strategy, closes('X', [13, 12, 12, 11, 11, 10]))).toEqual([]);
  });

  it('allowShort: stop and reverse — a cross exits, and the bar after enters the other side', () => {
    //      index:  0   1   2   3   4   5   6   7   8
    //          d: NaN  +   −   0   +   0   0   −   0
    //      cross: NaN NaN −1   0  +1   0   0  −1   0
    const series = closes('X', [10, 11, 10, 10, 11, 11, 11, 10, 10]);
    const shorting = new SmaCrossoverStrategy({ fast: 1, slow: 2, allowShort: true });
    // Short on the cross down at 2, out on the cross up at 4, long at 5 (the cross of the bar
    // before), out on the cross down at 7, short at 8 (again the bar before's cross).
    expect(replay(shorting, series)).toEqual([
      { side: 'short', entry: 2, exit: 4 },
      { side: 'long', entry: 5, exit: 7 },
      { side: 'short', entry: 8, exit: null },
    ]);
    expect(exitAt(shorting, series, 3, 'short')).toBe(false);
    // Flat two bars after a cross: no entry (a reversal follows its cross at once or not at all).
    expect(enterAt(shorting, series, 6)).toBeNull();
    // long only: the cross down is ignored while flat, the cross up at 4 enters long, the bar after an exit enters nothing
    expect(replay(strategy, series)).toEqual([{ side: 'long', entry: 4, exit: 7 }]);
    expect(enterAt(strategy, series, 5)).toBeNull();
  });
});

describe('warm-up', () => {
  it('is slow + 1, and the first cross can be decided at index slow', () => {
    const strategy = new SmaCrossoverStrategy({ fast: 2, slow: 3 });
    expect(strategy.warmup).toBe(4);
    // fast SMA(2): NaN, 2.5, 1.5, 3; slow SMA(3): NaN, NaN, 2, 8/3
    // d at 2 = 1.5 - 2 < 0; d at 3 = 3 - 8/3 > 0 → a cross up at index 3 = slow
    const series = closes('X', [3, 2, 1, 5]);
    expect(enterAt(strategy, series, 2)).toBeNull();
    expect(enterAt(strategy, series, 3)).toEqual({ side: 'long' });
    expect(replay(strategy, series)).toEqual([{ side: 'long', entry: 3, exit: null }]);
  });

  it('the cross column is NaN before index slow and defined from it', () => {
    const strategy = new SmaCrossoverStrategy({ fast: 10, slow: 30 });
    const cross = strategy.indicators(spx).cross!;
    expect(Array.from(cross.subarray(0, 30)).every(Number.isNaN)).toBe(true);
    expect(Array.from(cross.subarray(30)).every((v) => v === -1 || v === 0 || v === 1)).toBe(true);
  });
});

describe('trades on the S&P 500 match an independent computation', () => {
  /** Crosses computed from scratch: per-bar window sums and a backward scan for the last non-zero d. */
  function naiveTrades(series: BarSeries, fast: number, slow: number): { side: string; entry: number; exit: number | null }[] {
    const c = Array.from(series.close);
    const mean = (i: number, k: number): number => c.slice(i - k + 1, i + 1).reduce((s, v) => s + v, 0) / k;
    const d = c.map((_, i) => (i < slow - 1 ? Number.NaN : mean(i, fast) - mean(i, slow)));
    const trades: { side: string; entry: number; exit: number | null }[] = [];
    let entry: number | null = null;
    for (let i = slow; i < c.length; i++) {
      let last = 0;
      for (let j = i - 1; j >= slow - 1 && last === 0; j--) last = d[j]!;
      const up = d[i]! > 0 && last < 0;
      const down = d[i]! < 0 && last > 0;
      if (entry === null && up) entry = i;
      else if (entry !== null && down) {
        trades.push({ side: 'long', entry, exit: i });
        entry = null;
      }
    }
    if (entry !== null) trades.push({ side: 'long', entry, exit: null });
    return trades;
  }

  for (const [fast, slow] of [
    [10, 30],
    [5, 20],
    [20, 50],
  ] as const) {
    it(`fast ${fast}, slow ${slow}`, () => {
      const expected = naiveTrades(spx, fast, slow);
      expect(expected.length).toBeGreaterThan(3);
      expect(replay(new SmaCrossoverStrategy({ fast, slow }), spx)).toEqual(expected);
    });
  }
});

describe('parameters', () => {
  it('defaults to fast 10, slow 30, long only', () => {
    const strategy = new SmaCrossoverStrategy();
    expect(strategy.params).toEqual({ fast: 10, slow: 30, allowShort: false });
    expect(strategy.id).toBe('sma-crossover');
    expect(new SmaCrossoverStrategy({}, 'momo').id).toBe('momo');
  });

  it('rejects fast >= slow with a message naming both', () => {
    for (const config of [{ fast: 30, slow: 30 }, { fast: 50 }, { fast: 40, slow: 20 }]) {
      try {
        new SmaCrossoverStrategy(config);
        expect.unreachable();
      } catch (error) {
        expect(ConfigError.isInstance(error)).toBe(true);
        const issues = (error as ConfigError).issues;
        expect(issues).toHaveLength(1);
        expect(issues[0]!.path).toBe('params.fast');
        expect(issues[0]!.message).toMatch(/fast \(\d+\) must be less than slow \(\d+\)/);
      }
    }
  });

  it('rejects negative, zero, fractional, too large and non-numeric periods, listing every issue', () => {
    expect(() => new SmaCrossoverStrategy({ fast: -5 })).toThrow(/params\.fast/);
    expect(() => new SmaCrossoverStrategy({ slow: 0 })).toThrow(/params\.slow/);
    expect(() => new SmaCrossoverStrategy({ fast: 2.5 })).toThrow(/params\.fast/);
    expect(() => new SmaCrossoverStrategy({ slow: 1_000_000 })).toThrow(/params\.slow/);
    try {
      new SmaCrossoverStrategy({ fast: -1, slow: 'x' as unknown as number, allowShort: 1 as unknown as boolean });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['params.fast', 'params.slow', 'params.allowShort']);
    }
  });
});

describe('look-ahead', () => {
  it('checkLookahead passes on the real strategy', () => {
    const report = checkLookahead(new SmaCrossoverStrategy({ fast: 5, slow: 20, allowShort: true }), spx);
    expect(report.ok).toBe(true);
    expect(report.comparisons).toBeGreaterThan(1000);
  });

  it('checkLookahead catches a variant whose fast SMA uses the next bar', () => {
    /** Deliberately wrong: its fast SMA at bar i averages closes i-3..i+1, one bar of the future. */
    class PeekingSmaCrossover extends SmaCrossoverStrategy {
      override indicators(series: BarSeries): IndicatorColumns {
        const next = new Float64Array(series.length).fill(Number.NaN);
        next.set(series.close.subarray(1));
        const fast = sma(next, this.params.fast);
        const slow = sma(series.close, this.params.slow);
        return { fast, slow, cross: crossover(fast, slow) };
      }
    }
    const peeking = new PeekingSmaCrossover({ fast: 5, slow: 20 });
    const report = checkLookahead(peeking, spx, { throwOnViolation: false });
    expect(report.ok).toBe(false);
    expect(report.violations.length).toBeGreaterThan(0);
    expect(() => checkLookahead(peeking, spx)).toThrow(LookaheadError);
  });
});
