import type { PortfolioStrategy } from '@ensemble/protocol';
import { createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { flatBars, scripted } from '../test/helpers';
import { runBacktest } from './backtest-engine';

/*
 * An entry, or a portfolio strategy's order that opens or adds to a position, is not admitted when
 * the position it would leave could not pay for its own closing (`below-closing-costs`): a long
 * whose sale at half the price raises nothing after its commission and slippage. Before, an
 * account of a few times a fixed commission bought such crumbs, and its exit after a fall paid
 * more in commission than the position brought: the account went below zero on a long.
 * Every figure below is exact in binary (prices of 64 and 32, a commission of 5).
 */
describe('no position that cannot pay for its own closing', () => {
  const options = { fractional: true, commission: { kind: 'fixed', amount: 5 }, checkInvariants: true } as const;
  const prices = flatBars('A', '2024-01-01', [64, 64, 32, 32]);

  it('a signal entry of crumbs is not made, so its exit after the price halves cannot take the account below zero', () => {
    // Entry on bar 0, exit on bar 2, next-open fills. Cash 13: (13 − 5) / 64 = 0.125 units at bar
    // 1's open, worth 4 at half that price against a commission of 5. Before: equity 13, 8, 4
    // and −1 after the exit at 32 (0.125 × 32 − 5). Now: no entry, nothing to exit.
    const strategy = scripted({ enter: { 0: { side: 'long' } }, exit: [2] });
    const logger = createMemoryLogger();
    const result = runBacktest({ series: prices, strategy, cash: 13, ...options, logger });
    expect(result.fills).toEqual([]);
    expect(Array.from(result.equity.equity)).toEqual([13, 13, 13, 13]);
    expect(result.orders).toEqual({ filled: 0, shrunk: 0, rejected: 1, dropped: 0, belowClosingCosts: 1 });
    expect(logger.records.filter((r) => r.fields.event === 'order-rejected').map((r) => r.fields.why)).toEqual(['below-closing-costs']);
    // Cash 21: 0.25 units, worth 8 at half the price: bought and sold as before, 0.25 × 32 − 5 = 3 left.
    const funded = runBacktest({ series: prices, strategy, cash: 21, ...options });
    expect(funded.fills.map((f) => [f.side, f.quantity, f.price])).toEqual([
      ['buy', 0.25, 64],
      ['sell', 0.25, 32],
    ]);
    expect(Array.from(funded.equity.equity)).toEqual([21, 16, 8, 3]);
    expect(funded.orders).toEqual({ filled: 2, shrunk: 0, rejected: 0, dropped: 0 });
  });

  it("a portfolio strategy's purchase of crumbs is not made", () => {
    // Weights 1, 1, 0 at the close. Cash 13: a weight of 1 asks 13 / 64 units, shrunk to the
    // 0.125 that cash pays with its commission: crumbs. Before: bought on bar 0 (equity 8), sold
    // on bar 2 for 0.125 × 32 − 5 = −1. Now refused on bars 0 and 1, and nothing held to sell.
    const weights = [{ A: 1 }, { A: 1 }, { A: 0 }, { A: 0 }];
    const strategy: PortfolioStrategy = { kind: 'portfolio', id: 'weights', warmup: 0, rebalance: { kind: 'bars', every: 1 }, targetWeights: (context) => weights[context.step] ?? {} };
    const result = runBacktest({ series: prices, strategy, cash: 13, fill: 'close', ...options });
    expect(result.fills).toEqual([]);
    expect(Array.from(result.equity.equity)).toEqual([13, 13, 13, 13]);
    expect(result.orders).toEqual({ filled: 0, shrunk: 0, rejected: 2, dropped: 0, belowClosingCosts: 2 });
  });

  it("a portfolio strategy's adjustment that costs at least what it trades is not made", () => {
    // A weight of 0.5 at every close, prices of 64 throughout, cash 100, a commission of 1. Bar 0:
    // 50 / 64 = 0.78125 units for 51 (equity 99). Bar 1: the target 49.5 / 64 is 0.0078125 below
    // (worth 0.5, for a commission of 1). Before: sold at every close for 0.5 − 1, equity 99, 98,
    // 97, 96, each sale a commission for half as much. Now: refused, equity 99 throughout.
    const flat = flatBars('A', '2024-01-01', [64, 64, 64, 64]);
    const strategy: PortfolioStrategy = { kind: 'portfolio', id: 'half', warmup: 0, rebalance: { kind: 'bars', every: 1 }, targetWeights: () => ({ A: 0.5 }) };
    const logger = createMemoryLogger();
    const result = runBacktest({ series: flat, strategy, cash: 100, fill: 'close', fractional: true, commission: { kind: 'fixed', amount: 1 }, checkInvariants: true, logger });
    expect(result.fills.map((f) => [f.side, f.quantity, f.price])).toEqual([['buy', 0.78125, 64]]);
    expect(Array.from(result.equity.equity)).toEqual([99, 99, 99, 99]);
    expect(result.orders).toEqual({ filled: 1, shrunk: 0, rejected: 3, dropped: 0, belowCosts: 3 });
    const [rejected] = logger.records.filter((r) => r.fields.event === 'order-rejected');
    expect(rejected?.fields).toMatchObject({ why: 'below-costs', side: 'sell', requested: 0.0078125, trade: { value: 0.5, costs: 1 } });
    expect(rejected?.message).toBe(
      'order on A rejected: below-costs: it would trade 0.5 for 1 in commission and slippage, at least what it trades (a fixed or minimum commission against a small adjustment; it is made once it is worth more than its costs)',
    );
  });
});
