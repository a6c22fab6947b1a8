import { createMemoryLogger } from '@ensemble/protocol';
import type { EntrySignal, PortfolioStrategy, Strategy } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { day, scripted, seriesOf } from '../test/helpers';
import { runBacktest } from './backtest-engine';

/*
 * An account whose equity is at or below zero at a close is margin-called: every position closed
 * at that close (a symbol without a bar there, at its next bar), reason `margin-call`, and the
 * strategy not asked while the equity is below zero. Before, the squeezed short stayed open, the
 * account "recovered" from −500 to +1,000 when the price fell back (a total return of 0 % for an
 * account a broker would have closed at −150 %), and a wiped-out account kept shorting.
 */

const short: EntrySignal = { side: 'short' };
/** Shorts A whenever it is flat, on every bar. */
const alwaysShort: Strategy = { id: 'always-short', warmup: 0, shouldEnter: (context) => (context.symbol === 'A' ? short : null), shouldExit: () => false };

/*
 *   bar  date        open  high  low  close
 *   0    2024-01-01  100   100   100  100
 *   1    2024-01-02  100   100   100  100
 *   2    2024-01-03  150   260   150  250    ← the squeeze
 *   3    2024-01-04  100   100    50   60
 *   4    2024-01-05   50    50    40   50
 */
const rows = [
  ['2024-01-01', 100, 100, 100, 100],
  ['2024-01-02', 100, 100, 100, 100],
  ['2024-01-03', 150, 260, 150, 250],
  ['2024-01-04', 100, 100, 50, 60],
  ['2024-01-05', 50, 50, 40, 50],
] as const;
const A = seriesOf('A', rows);
/** A second symbol never traded, so that the run takes the multi-symbol step path. */
const B = seriesOf('B', rows.map(([date]) => [date, 1, 1, 1, 1] as const));
const sizing = { kind: 'fixed-quantity', quantity: 10 } as const;

describe('the margin call', () => {
  // By hand: 10 sold short at 100 (cash 1,000 + 1,000 = 2,000; equity 1,000 at closes of 100).
  // At the close of 250 the equity is 2,000 − 10 × 250 = −500: bought back at 250, cash −500,
  // and nothing more is traded. Without the margin call the position stayed open: equity
  // 2,000 − 600 = 1,400 and 2,000 − 500 = 1,500 on the last two bars.
  const expected = {
    equity: [1000, 1000, -500, -500, -500],
    cash: [2000, 2000, -500, -500, -500],
  };

  it.each([
    ['one series (the fused loop), next-open fills', [A], 'next-open', 1],
    ['one series (the fused loop), close fills', [A], 'close', 0],
    ['two series (the step loop), next-open fills', [A, B], 'next-open', 1],
    ['two series (the step loop), close fills', [A, B], 'close', 0],
  ] as const)('%s: closes the short at the close where equity falls to −500, and trades no more', (_name, series, fill, entryBar) => {
    const logger = createMemoryLogger();
    const result = runBacktest({ series: [...series], strategy: alwaysShort, cash: 1000, fill, sizing, checkInvariants: true, logger });
    const equity = Array.from(result.equity.equity);
    const cash = Array.from(result.equity.cash);
    // With next-open fills the short is sold at bar 1's open, so bar 0 holds the cash alone.
    expect(equity).toEqual(expected.equity);
    expect(cash).toEqual(entryBar === 1 ? [1000, ...expected.cash.slice(1)] : expected.cash);
    expect(result.fills.map((f) => [f.time, f.side, f.quantity, f.price, f.reason])).toEqual([
      [day(entryBar === 1 ? '2024-01-02' : '2024-01-01'), 'sell', 10, 100, 'entry'],
      [day('2024-01-03'), 'buy', 10, 250, 'margin-call'],
    ]);
    expect(result.trades.map((t) => [t.side, t.pnl, t.exitReason])).toEqual([['short', -1500, 'margin-call']]);
    expect(result.openPositions).toEqual([]);
    expect(result.finalEquity).toBe(-500);
    expect(result.orders.rejected).toBe(0);
    expect(logger.records.filter((record) => record.fields.event === 'margin-call').map((record) => [record.level, record.fields.equity, record.fields.after])).toEqual([['warn', -500, -500]]);
  });

  // By hand: 10 sold short at 100 with a stop at 110 (cash 2,000, equity 1,000). Bar 2 opens at
  // 250, through the stop: bought back at 250, cash and equity 2,000 − 2,500 = −500 with no
  // position left for a margin call to close. The account is in debt all the same: its strategy,
  // which shorts whenever it is flat, is not asked again. Before, it shorted 10 more at bar 3's
  // open of 100 on the borrowed cash and ended at 0 (500 + 1,000 − 10 × 50 − … ), as if the debt
  // had been paid.
  it.each([
    ['one series (the fused loop), next-open fills', [A], 'next-open', 1],
    ['one series (the fused loop), close fills', [A], 'close', 0],
    ['two series (the step loop), next-open fills', [A, B], 'next-open', 1],
    ['two series (the step loop), close fills', [A, B], 'close', 0],
  ] as const)('%s: an account a gapped stop left in debt with nothing open trades no more', (_name, series, fill, entryBar) => {
    const stopped: Strategy = { id: 'stopped-short', warmup: 0, shouldEnter: (context) => (context.symbol === 'A' ? { side: 'short', stopLoss: 110 } : null), shouldExit: () => false };
    // A with bar 2 opening at 250, through the stop.
    const gapped = seriesOf('A', rows.map(([date, ...prices], i) => (i === 2 ? [date, 250, 260, 240, 250] : [date, ...prices]) as [string, number, number, number, number]));
    const logger = createMemoryLogger();
    const result = runBacktest({ series: series.map((s) => (s === A ? gapped : s)), strategy: stopped, cash: 1000, fill, sizing, checkInvariants: true, logger });
    expect(result.fills.map((f) => [f.time, f.side, f.quantity, f.price, f.reason])).toEqual([
      [day(entryBar === 1 ? '2024-01-02' : '2024-01-01'), 'sell', 10, 100, 'entry'],
      [day('2024-01-03'), 'buy', 10, 250, 'stop-loss'],
    ]);
    expect(Array.from(result.equity.equity)).toEqual([1000, 1000, -500, -500, -500]);
    expect(result.finalEquity).toBe(-500);
    expect(logger.records.filter((record) => record.fields.event === 'margin-call').map((record) => [record.level, record.fields.time, record.fields.equity, record.fields.why])).toEqual([
      ['warn', '2024-01-03T00:00:00.000Z', -500, 'in-debt'],
    ]);
  });

  it('a position of a symbol without a bar at the call is closed at its next bar', () => {
    // A and B shorted 5 each at 100 (cash 2,000). B has no bar on 2024-01-03, where A closes at
    // 400: equity 2,000 − 5 × 400 − 5 × 100 (B's last close) = −500. A is bought back at 400
    // (cash 0); B at its next bar's open, 90 (cash −450).
    const a = seriesOf('A', [
      ['2024-01-01', 100, 100, 100, 100],
      ['2024-01-02', 100, 100, 100, 100],
      ['2024-01-03', 300, 400, 300, 400],
      ['2024-01-04', 380, 380, 380, 380],
    ]);
    const b = seriesOf('B', [
      ['2024-01-01', 100, 100, 100, 100],
      ['2024-01-02', 100, 100, 100, 100],
      ['2024-01-04', 90, 95, 85, 95],
    ]);
    const strategy = scripted({ enter: { 0: short } });
    const result = runBacktest({ series: [a, b], strategy, cash: 1000, sizing: { kind: 'fixed-quantity', quantity: 5 }, checkInvariants: true });
    expect(result.fills.map((f) => [f.symbol, f.time, f.side, f.quantity, f.price, f.reason])).toEqual([
      ['A', day('2024-01-02'), 'sell', 5, 100, 'entry'],
      ['B', day('2024-01-02'), 'sell', 5, 100, 'entry'],
      ['A', day('2024-01-03'), 'buy', 5, 400, 'margin-call'],
      ['B', day('2024-01-04'), 'buy', 5, 90, 'margin-call'],
    ]);
    expect(Array.from(result.equity.equity)).toEqual([1000, 1000, -500, -450]);
    expect(Array.from(result.equity.cash)).toEqual([1000, 2000, 0, -450]);
    expect(result.orders.dropped).toBe(0);
  });

  it('leaves an account whose equity stays above zero alone, however deep the loss', () => {
    // The same short squeezed to 190 only: equity 2,000 − 1,900 = 100 > 0, the short stays open.
    const mild = seriesOf('A', rows.map(([date, open, high, low, close]) => [date, Math.min(open, 190), Math.min(high, 190), Math.min(low, 190), Math.min(close, 190)] as const));
    const result = runBacktest({ series: [mild], strategy: alwaysShort, cash: 1000, sizing, checkInvariants: true });
    expect(result.fills.map((f) => f.reason)).toEqual(['entry']);
    expect(Array.from(result.equity.equity)).toEqual([1000, 1000, 100, 1400, 1500]);
  });

  it('a portfolio strategy rebalancing an account worth less than nothing holds nothing (a long weight was sold short)', () => {
    // Fractional units, no costs, next-open fills. Bar 0: a weight of −1 on 10 at 10 sells 1 unit
    // short at bar 1's open (cash 20). Bar 1: a weight of 0 covers it at bar 2's open, which gaps
    // to 30: cash −10, no position (nothing to margin-call). Bar 2: a weight of 1 on −10 is a
    // target of −10 / 30 units: before, a short sale of 0.3333 at bar 3's open, then a margin call.
    // Now nothing is traded. (A sale for less than its commission, the way this account went below
    // zero before, is no longer made: a portfolio strategy's order that costs at least what it
    // trades is refused.)
    const closes = seriesOf('A', [
      ['2024-01-01', 10, 10, 10, 10],
      ['2024-01-02', 10, 10, 10, 10],
      ['2024-01-03', 30, 30, 30, 30],
      ['2024-01-04', 30, 30, 30, 30],
      ['2024-01-05', 30, 30, 30, 30],
    ]);
    const weights = [{ A: -1 }, {}, { A: 1 }, { A: 1 }, { A: 1 }];
    const strategy: PortfolioStrategy = { kind: 'portfolio', id: 'weights', warmup: 0, rebalance: { kind: 'bars', every: 1 }, targetWeights: (context) => weights[context.step] ?? {} };
    const result = runBacktest({ series: [closes], strategy, cash: 10, fractional: true, checkInvariants: true });
    expect(result.fills.map((f) => [f.side, f.quantity, f.price, f.reason])).toEqual([
      ['sell', 1, 10, 'rebalance'],
      ['buy', 1, 30, 'rebalance'],
    ]);
    expect(Array.from(result.equity.equity)).toEqual([10, 10, -10, -10, -10]);
  });
});
