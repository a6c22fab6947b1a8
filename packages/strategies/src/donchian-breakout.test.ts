import { barSeriesFromBars } from '@ensemble/protocol';
import { checkLookahead } from '@ensemble/protocol/testing';
import { testStrategyContract } from '@ensemble/protocol/testing/vitest';
import { describe, expect, it } from 'vitest';
import { enterAt, exitAt, replay } from './__fixtures__/replay';
import { sp500Series } from './__fixtures__/series';
import { START, closes, randomWalk } from './__fixtures__/synthetic';
import { DonchianBreakoutStrategy } from './donchian-breakout';

const spx = sp500Series();

testStrategyContract({
  name: 'donchian-breakout 20 / 10 on the S&P 500, 2000-2001',
  create: () => new DonchianBreakoutStrategy(),
  series: [spx, randomWalk('RW', 300, 5)],
});

describe('donchian-breakout', () => {
  it('compares the close with the channel of the previous bars (hand-worked, entry 3, exit 2)', () => {
    //   index:   0  1  2  3  4  5  6
    //   close:   5  6  7  7  8  6  5
    //   upper:   max of previous 3 → at 3: 7 (7 is not > 7), at 4: 7 (8 > 7: enter)
    //   lower:   min of previous 2 → at 5: min(7, 8) = 7 (6 < 7: exit)
    const strategy = new DonchianBreakoutStrategy({ entry: 3, exit: 2 });
    expect(strategy.warmup).toBe(4);
    const series = closes('X', [5, 6, 7, 7, 8, 6, 5]);
    expect(enterAt(strategy, series, 3)).toBeNull();
    expect(enterAt(strategy, series, 4)).toEqual({ side: 'long' });
    expect(replay(strategy, series)).toEqual([{ side: 'long', entry: 4, exit: 5 }]);
  });

  it('uses highs for the entry channel and lows for the exit channel', () => {
    const day = 86_400_000;
    // entry 2, exit 2; the comments give the channel each rule would use with closes instead
    const bars = [
      { open: 10, high: 12, low: 9, close: 10 },
      { open: 10, high: 11, low: 9.5, close: 11 },
      { open: 11, high: 12.5, low: 10, close: 11.8 }, // highs 12, 11 → 11.8 ≤ 12: no entry (closes 10, 11 would enter)
      { open: 12, high: 13, low: 11, close: 12.9 }, // highs 11, 12.5 → 12.9 > 12.5: enter
      { open: 11, high: 11.5, low: 9.8, close: 10.5 }, // lows 10, 11 → 10.5 ≥ 10: hold (closes 11.8, 12.9 would exit)
      { open: 10, high: 10.5, low: 9.0, close: 9.9 }, // lows 11, 9.8 → 9.9 ≥ 9.8: hold
      { open: 9, high: 9.5, low: 8, close: 8.5 }, // lows 9.8, 9.0 → 8.5 < 9.0: exit
    ].map((bar, i) => ({ ...bar, time: START + i * day, volume: 0 }));
    const series = barSeriesFromBars('X', bars);
    const strategy = new DonchianBreakoutStrategy({ entry: 2, exit: 2 });
    expect(replay(strategy, series)).toEqual([{ side: 'long', entry: 3, exit: 6 }]);
    expect(exitAt(strategy, series, 4, 'long')).toBe(false);
    expect(exitAt(strategy, series, 5, 'long')).toBe(false);
    // a short (opened elsewhere) exits above the highest high of the previous `exit` bars
    expect(exitAt(strategy, series, 2, 'short')).toBe(false);
    expect(exitAt(strategy, series, 3, 'short')).toBe(true);
  });

  it('on real data every entry closes above the previous 20 highs and every exit below the previous 10 lows', () => {
    const trades = replay(new DonchianBreakoutStrategy(), spx);
    expect(trades.length).toBeGreaterThan(1);
    for (const trade of trades) {
      const before = Array.from(spx.high.subarray(trade.entry - 20, trade.entry));
      expect(spx.close[trade.entry]).toBeGreaterThan(Math.max(...before));
      if (trade.exit !== null) {
        const lows = Array.from(spx.low.subarray(trade.exit - 10, trade.exit));
        expect(spx.close[trade.exit]).toBeLessThan(Math.min(...lows));
      }
    }
  });

  it('passes checkLookahead', () => {
    expect(checkLookahead(new DonchianBreakoutStrategy({ entry: 5, exit: 3 }), spx).ok).toBe(true);
  });

  it('warm-up covers the longer channel; rejects non-positive channels', () => {
    expect(new DonchianBreakoutStrategy({ entry: 5, exit: 12 }).warmup).toBe(13);
    expect(new DonchianBreakoutStrategy().params).toEqual({ entry: 20, exit: 10 });
    expect(() => new DonchianBreakoutStrategy({ entry: 0 })).toThrow(/params\.entry/);
    expect(() => new DonchianBreakoutStrategy({ exit: -3 })).toThrow(/params\.exit/);
  });
});
