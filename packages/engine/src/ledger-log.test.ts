import type { Fill, FillReason, Trade } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { Account } from './account';
import { FillLog, TradeLog } from './ledger-log';

const REASONS: FillReason[] = ['entry', 'exit', 'stop-loss', 'take-profit', 'rebalance', 'close-at-end', 'isolate', 'risk', 'transfer'];

describe('FillLog', () => {
  it('gives back every field of every fill it booked, past several growths of its column', () => {
    const log = new FillLog('s', ['A', 'B', 'C']);
    const expected: Fill[] = [];
    for (let i = 0; i < 100; i++) {
      const fill: Fill = {
        strategyId: 's',
        symbol: ['A', 'B', 'C'][i % 3] ?? '?',
        time: 1_700_000_000_000 + i * 86_400_000,
        side: i % 2 === 0 ? 'buy' : 'sell',
        quantity: 0.1 + i / 7,
        price: 100 + i / 3,
        commission: i / 11,
        slippage: i / 13,
        reason: REASONS[i % REASONS.length] ?? 'entry',
      };
      expected.push(fill);
      expect(log.push(i % 3, fill.side, fill.quantity, fill.price, fill.commission, fill.slippage, fill.time, fill.reason)).toBe(i);
    }
    expect(log.length).toBe(100);
    expect(log.list()).toEqual(expected);
    expect(log.at(37)).toEqual(expected[37]);
    expect(log.symbolIndex(37)).toBe(1);
    expect(log.direction(37)).toBe(-1);
    expect(log.reason(37)).toBe(REASONS[37 % REASONS.length]);
    expect(() => log.at(100)).toThrow(RangeError);
  });

  it('hands out one list that later reads extend with the fills booked since', () => {
    const log = new FillLog('s', ['A']);
    log.push(0, 'buy', 1, 10, 0, 0, 1, 'entry');
    const first = log.list();
    expect(first).toHaveLength(1);
    log.push(0, 'sell', 1, 11, 0, 0, 2, 'exit');
    expect(log.list()).toBe(first);
    expect(first.map((fill) => fill.side)).toEqual(['buy', 'sell']);
  });

  it('refuses a reason it has no code for, instead of booking it as another', () => {
    expect(() => new FillLog('s', ['A']).push(0, 'buy', 1, 1, 0, 0, 0, 'liquidation' as FillReason)).toThrow(/unknown fill reason "liquidation"/);
  });
});

describe('TradeLog', () => {
  it('gives back every field, returnPct computed as pnl over the entry value', () => {
    const log = new TradeLog('s', ['A', 'B']);
    const expected: Trade[] = [];
    for (let i = 0; i < 40; i++) {
      const quantity = 1 + i / 3;
      const entryPrice = 50 + i;
      const pnl = (i - 20) * 1.5;
      const trade: Trade = {
        strategyId: 's',
        symbol: i % 2 === 0 ? 'A' : 'B',
        side: i % 3 === 0 ? 'short' : 'long',
        quantity,
        entryTime: i * 1000,
        entryPrice,
        exitTime: i * 1000 + 500,
        exitPrice: entryPrice + 1,
        commission: i / 9,
        pnl,
        returnPct: pnl / (quantity * entryPrice),
        barsHeld: i,
        exitReason: REASONS[i % REASONS.length] ?? 'exit',
      };
      expected.push(trade);
      const { strategyId: _id, symbol, returnPct: _r, ...rest } = trade;
      log.push({ ...rest, symbolIndex: symbol === 'A' ? 0 : 1 });
    }
    expect(log.length).toBe(40);
    expect(log.list()).toEqual(expected);
  });
});

describe('Account: fills and trades as objects, made from the logs', () => {
  it('books the same fills and trades the ledger implies', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 10_000 });
    const base = { symbolIndex: 0, slippage: 0, barIndex: 0 } as const;
    expect(account.applyFill({ ...base, side: 'buy', quantity: 10, price: 100, commission: 1, time: 1, reason: 'entry' })).toBe(0);
    expect(account.applyFill({ ...base, side: 'sell', quantity: 4, price: 110, commission: 2, time: 2, barIndex: 3, reason: 'rebalance' })).toBe(1);
    expect(account.fills.map((fill) => [fill.side, fill.quantity, fill.price, fill.reason])).toEqual([
      ['buy', 10, 100, 'entry'],
      ['sell', 4, 110, 'rebalance'],
    ]);
    // 4 of 10 units closed: entry commission 1 × 4/10, exit 2; pnl 4 × 10 − 2.4.
    expect(account.trades).toEqual([
      { strategyId: 's', symbol: 'A', side: 'long', quantity: 4, entryTime: 1, entryPrice: 100, exitTime: 2, exitPrice: 110, commission: 2.4, pnl: 37.6, returnPct: 37.6 / 400, barsHeld: 3, exitReason: 'rebalance' },
    ]);
  });
});
