import { describe, expect, it } from 'vitest';
import { seriesOf, testRegistry } from '../test/helpers';
import { runOrchestrator } from './orchestrator';

/** Daily bars from 2021-01-04 with open = high = low = close. */
function flat(symbol: string, closes: readonly number[]) {
  return seriesOf(
    symbol,
    closes.map((close, i) => [new Date(Date.UTC(2021, 0, 4) + i * 86_400_000).toISOString().slice(0, 10), close, close, close, close] as const),
  );
}

describe('a sleeve whose book a price jump multiplies or wipes out by 1e9 or more', () => {
  // 1,000 per sleeve, fills at the close. The short sells 100 units at 10; at 1e12 it is worth
  // 2,000 − 100 × 1e12 = −99,999,999,998,000: a return of −99,999,999,998,000 / 1,000 − 1 =
  // −99,999,999,999. The long buys 100 units at 10; at 1e12 it is worth 1e14: a return of
  // 1e14 / 1,000 − 1 = 99,999,999,999. Both books are real (1,000 of equity against 1,000 of
  // positions), not an emptied sleeve's rounding dust: the returns are measured.
  const jump = flat('J', [10, 10, 1e12, 1e12]);
  const config = {
    data: { dataset: 'test' },
    cash: 2000,
    fill: 'close',
    rebalance: { schedule: 'never' },
    strategies: [
      { id: 'short', strategy: 'scripted', params: { enterAt: [0], side: 'short' }, symbols: ['J'] },
      { id: 'long', strategy: 'scripted', params: { enterAt: [0] }, symbols: ['J'] },
    ],
  } as const;

  it('has that return on the bar of the jump', () => {
    const result = runOrchestrator(config, [jump], { registry: testRegistry });
    const [short, long] = result.sleeves;
    expect(Array.from(short?.equity.equity ?? [])).toEqual([1000, 1000, -99_999_999_998_000, -99_999_999_998_000]);
    expect(Array.from(short?.returns ?? [])).toEqual([0, 0, -99_999_999_999, Number.NaN]);
    expect(Array.from(long?.returns ?? [])).toEqual([0, 0, 99_999_999_999, 0]);
  });

  it('is measured on its time-weighted index with that return when capital moved later', () => {
    // A rebalance on bar 3 moves capital (the portfolio is worth 1e14 − 99,999,999,998,000 +
    // … > 0); the sleeves are then measured on their time-weighted indices from 1,000, whose
    // step on bar 2 is the jump's return: the short's index is 1,000 × (1 − 99,999,999,999 − 1)
    // = −99,999,999,998,000, a total return of −99,999,999,999 (it read 0 when the step was
    // taken for dust).
    const result = runOrchestrator({ ...config, rebalance: { schedule: { everyBars: 3 } } }, [jump], { registry: testRegistry });
    const [short, long] = result.sleeves;
    expect(result.rebalances.length).toBe(2);
    expect(short?.metrics.metrics.totalReturn).toBe(-99_999_999_999);
    expect(short?.metrics.metrics.maxDrawdown).toBe(-99_999_999_999);
    expect(long?.metrics.metrics.totalReturn).toBe(99_999_999_999);
  });
});
