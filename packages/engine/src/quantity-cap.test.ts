import type { PortfolioStrategy } from '@ensemble/protocol';
import { createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { flatBars, scripted } from '../test/helpers';
import { runBacktest } from './backtest-engine';

/*
 * Whole units are not sized above 2^53 − 1 = 9,007,199,254,740,991 (whole numbers stop being
 * exact there). All the cash of 1,000,000 at a price of 1e-12 asks for 1e18 units; the cap buys
 * 9,007,199,254,740,991 × 1e-12 = 9,007.199254740991 of it. Before, the result said "1 filled,
 * 0 shrunk" and nothing else; now the order is counted (`capped`) and told (`order-capped`).
 */
describe('orders at the quantity cap', () => {
  const cap = 9_007_199_254_740_991;
  const prices = flatBars('A', '2024-01-01', [1e-12, 1e-12, 1e-12, 1e-12]);

  it('an entry sized above the cap is counted and told; its exit (which closes) is not', () => {
    const strategy = scripted({ enter: { 0: { side: 'long' } }, exit: [2] });
    const logger = createMemoryLogger();
    const result = runBacktest({ series: prices, strategy, cash: 1_000_000, logger, checkInvariants: true });
    expect(result.fills.map((f) => [f.side, f.reason, f.quantity])).toEqual([
      ['buy', 'entry', cap],
      ['sell', 'exit', cap],
    ]);
    // 1,000,000 − 9,007.199254740991 = 990,992.800745259009.
    expect(result.equity.cash[1]).toBeCloseTo(990_992.800_745_259, 6);
    expect(result.orders).toEqual({ filled: 2, shrunk: 0, rejected: 0, dropped: 0, capped: 1 });
    const capped = logger.records.filter((r) => r.fields.event === 'order-capped');
    expect(capped.map((r) => [r.level, r.fields.symbol, r.fields.side, r.fields.filled, r.fields.cap])).toEqual([['warn', 'A', 'buy', cap, cap]]);
    expect(capped[0]?.message).toContain('quantity cap, 9007199254740991 units');
    expect(JSON.parse(JSON.stringify(result)).orders).toEqual({ filled: 2, shrunk: 0, rejected: 0, dropped: 0, capped: 1 });
  });

  it('a short entry sized above the cap is counted too', () => {
    const strategy = scripted({ enter: { 0: { side: 'short' } } });
    const result = runBacktest({ series: prices, strategy, cash: 1_000_000 });
    expect(result.fills.map((f) => [f.side, f.quantity])).toEqual([['sell', cap]]);
    expect(result.orders.capped).toBe(1);
  });

  it('fractional units are not capped: all the cash buys 1e18 units', () => {
    const strategy = scripted({ enter: { 0: { side: 'long' } } });
    const logger = createMemoryLogger();
    const result = runBacktest({ series: prices, strategy, cash: 1_000_000, fractional: true, logger, checkInvariants: true });
    const bought = result.fills[0]?.quantity ?? 0;
    // 1,000,000 / 1e-12 = 1e18, to the search's 4 ulps.
    expect(Math.abs(bought / 1e18 - 1)).toBeLessThan(1e-15);
    expect(result.finalEquity).toBeCloseTo(1_000_000, 6);
    expect(result.orders).toEqual({ filled: 1, shrunk: 0, rejected: 0, dropped: 0 });
    expect(logger.records.filter((r) => r.fields.event === 'order-capped')).toEqual([]);
  });

  it('below the cap nothing is counted (2^40 of cash at 2^-10 buys 2^50 units)', () => {
    const strategy = scripted({ enter: { 0: { side: 'long' } } });
    const result = runBacktest({ series: flatBars('A', '2024-01-01', [2 ** -10, 2 ** -10]), strategy, cash: 2 ** 40 });
    expect(result.fills.map((f) => f.quantity)).toEqual([1_125_899_906_842_624]);
    expect(result.orders).toEqual({ filled: 1, shrunk: 0, rejected: 0, dropped: 0 });
  });

  it("a portfolio strategy's purchase cut at the cap is counted", () => {
    // A weight of 2: 2e18 units asked at every close, more than cash pays; cash would pay for 1e18,
    // so each of the four rebalances buys the cap's 9,007.20 worth (111 of them fit in the cash).
    const strategy: PortfolioStrategy = { kind: 'portfolio', id: 'double', warmup: 0, rebalance: { kind: 'bars', every: 1 }, targetWeights: () => ({ A: 2 }) };
    const result = runBacktest({ series: prices, strategy, cash: 1_000_000, fill: 'close' });
    expect(result.fills.map((f) => f.quantity)).toEqual([cap, cap, cap, cap]);
    expect(result.orders).toEqual({ filled: 4, shrunk: 4, rejected: 0, dropped: 0, capped: 4, weightsOverEquity: result.orders.weightsOverEquity });
    // A weight of 1 is w × E / p = 1e18 units, which the cash pays: the engine did not size it, no
    // cap cut it, and it fills whole (a double above 2^53 is a whole number, if not every one is).
    const weight1: PortfolioStrategy = { ...strategy, id: 'one', targetWeights: () => ({ A: 1 }) };
    const one = runBacktest({ series: prices, strategy: weight1, cash: 1_000_000, fill: 'close' });
    expect(one.fills.map((f) => f.quantity)).toEqual([1e18]);
    expect(one.orders).toEqual({ filled: 1, shrunk: 0, rejected: 0, dropped: 0 });
  });
});
