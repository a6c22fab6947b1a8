import { Account } from '@ensemble/engine';
import { createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { SleeveExecutor } from './sleeve-executor';

// The case of examples/stocks5-60-40.json (2000-03-01): a buy of 26.512020587291147 units at 67
// costs 1776.305379348507, one ulp above the cash of 1776.3053793485053, which affords
// 1776.3053793485053 / 67 = 26.512020587291126 units.
const CASH = 1776.3053793485053;

function settleOneBuy(quantity: number) {
  const logger = createMemoryLogger();
  const buyer = new Account({ strategyId: 'buyer', symbols: ['AMZN'], cash: CASH });
  const other = new Account({ strategyId: 'other', symbols: ['AMZN'], cash: 0 });
  for (const account of [buyer, other]) account.mark(0, 67, 0);
  const binding = (id: string, account: Account) => ({
    id,
    account,
    logger,
    sizing: { kind: 'percent-of-cash' as const, percent: 100 },
    globalIndex: Int32Array.of(0),
    crossing: true,
  });
  const executor = new SleeveExecutor({
    commission: { kind: 'percent', rate: 0 },
    slippage: { kind: 'bps', bps: 0 },
    fractional: true,
    sleeves: [binding('buyer', buyer), binding('other', other)],
    logger,
  });
  executor.begin();
  executor.execute(buyer, { symbolIndex: 0, side: 'buy', quantity, reason: 'rebalance' }, 67, 0, 0);
  executor.settle();
  return { buyer, stats: executor.stats, events: logger.records.map((record) => record.fields.event) };
}

describe('SleeveExecutor: shrinking, as the engine broker', () => {
  it('fills a buy one ulp too dear at what cash affords, silently and uncounted', () => {
    const { buyer, stats, events } = settleOneBuy(26.512020587291147);
    expect(buyer.fills[0]?.quantity).toBe(26.512020587291126);
    expect(stats).toEqual({ filled: 1, shrunk: 0, rejected: 0 });
    expect(events).not.toContain('order-shrunk');
  });

  it('counts and logs a real shrink', () => {
    const { buyer, stats, events } = settleOneBuy(27);
    expect(buyer.fills[0]?.quantity).toBe(26.512020587291126);
    expect(stats).toEqual({ filled: 1, shrunk: 1, rejected: 0 });
    expect(events).toContain('order-shrunk');
  });
});
