import { ConfigError } from '@ensemble/protocol';
import { checkLookahead } from '@ensemble/protocol/testing';
import { testStrategyContract } from '@ensemble/protocol/testing/vitest';
import { describe, expect, it } from 'vitest';
import { enterAt, exitAt, replay } from './__fixtures__/replay';
import { sp500Series } from './__fixtures__/series';
import { closes, randomWalk } from './__fixtures__/synthetic';
import { rsi } from './indicators';
import { RsiMeanReversionStrategy } from './rsi-mean-reversion';

const spx = sp500Series();

testStrategyContract({
  name: 'rsi-mean-reversion 14 / 30 / 70 on the S&P 500, 2000-2001',
  create: () => new RsiMeanReversionStrategy(),
  series: [spx, randomWalk('RW', 300, 11)],
});

describe('rsi-mean-reversion', () => {
  it('enters below oversold and exits above overbought (hand-worked, period 2)', () => {
    // changes -1, -1, +1, +1, +1
    // i=2: gains 0, losses 1 → RSI 0 (< 30: enter)
    // i=3: gain (0·1+1)/2 = 0.5, loss (1·1+0)/2 = 0.5 → 50 (hold)
    // i=4: gain (0.5+1)/2 = 0.75, loss 0.25 → 75 (> 70: exit)
    const series = closes('X', [10, 9, 8, 9, 10, 11]);
    const strategy = new RsiMeanReversionStrategy({ period: 2 });
    expect(strategy.warmup).toBe(3);
    expect(replay(strategy, series)).toEqual([{ side: 'long', entry: 2, exit: 4 }]);
    expect(exitAt(strategy, series, 3, 'long')).toBe(false);
    // a short (opened elsewhere) is exited by the mirror rule: RSI below oversold
    expect(exitAt(strategy, series, 2, 'short')).toBe(true);
    expect(exitAt(strategy, series, 4, 'short')).toBe(false);
  });

  it('uses strict levels: RSI exactly at oversold does not enter', () => {
    // period 1: RSI is 100 after a rise, 0 after a fall, 50 when flat
    const strategy = new RsiMeanReversionStrategy({ period: 1, oversold: 50, overbought: 60 });
    const series = closes('X', [10, 10, 9]);
    expect(enterAt(strategy, series, 1)).toBeNull();
    expect(enterAt(strategy, series, 2)).toEqual({ side: 'long' });
  });

  it('on real data every entry is at RSI < 30 and every exit at RSI > 70', () => {
    const strategy = new RsiMeanReversionStrategy();
    const values = rsi(spx.close, 14);
    const trades = replay(strategy, spx);
    expect(trades.length).toBeGreaterThan(1);
    for (const trade of trades) {
      expect(values[trade.entry]).toBeLessThan(30);
      if (trade.exit !== null) expect(values[trade.exit]).toBeGreaterThan(70);
    }
  });

  it('passes checkLookahead', () => {
    expect(checkLookahead(new RsiMeanReversionStrategy({ period: 5 }), spx).ok).toBe(true);
  });

  it('rejects oversold >= overbought naming both, and levels outside 0..100', () => {
    expect(() => new RsiMeanReversionStrategy({ oversold: 70, overbought: 70 })).toThrow(
      /params\.oversold: oversold \(70\) must be less than overbought \(70\)/,
    );
    expect(() => new RsiMeanReversionStrategy({ overbought: 120 })).toThrow(/params\.overbought/);
    expect(() => new RsiMeanReversionStrategy({ oversold: -1 })).toThrow(/params\.oversold/);
    expect(() => new RsiMeanReversionStrategy({ period: 0 })).toThrow(ConfigError);
    expect(new RsiMeanReversionStrategy().params).toEqual({ period: 14, oversold: 30, overbought: 70 });
  });
});
