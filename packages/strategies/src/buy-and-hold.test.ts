import { ConfigError } from '@ensemble/protocol';
import { checkLookahead } from '@ensemble/protocol/testing';
import { testStrategyContract } from '@ensemble/protocol/testing/vitest';
import { describe, expect, it } from 'vitest';
import { replay } from './__fixtures__/replay';
import { sp500Series } from './__fixtures__/series';
import { BuyAndHoldStrategy } from './buy-and-hold';

const spx = sp500Series();

testStrategyContract({
  name: 'buy-and-hold on the S&P 500, 2000-2001',
  create: () => new BuyAndHoldStrategy(),
  series: [spx],
});

describe('buy-and-hold', () => {
  it('enters long on the first bar and never exits', () => {
    const strategy = new BuyAndHoldStrategy();
    expect(strategy.warmup).toBe(1);
    expect(replay(strategy, spx)).toEqual([{ side: 'long', entry: 0, exit: null }]);
  });

  it('passes checkLookahead', () => {
    expect(checkLookahead(new BuyAndHoldStrategy(), spx).ok).toBe(true);
  });

  it('takes no parameters and rejects unknown ones', () => {
    expect(new BuyAndHoldStrategy({}, 'bh').id).toBe('bh');
    expect(() => new BuyAndHoldStrategy({ side: 'short' } as never)).toThrow(ConfigError);
    expect(() => new BuyAndHoldStrategy({ side: 'short' } as never)).toThrow(/params\.side: unknown parameter "side"/);
  });
});
