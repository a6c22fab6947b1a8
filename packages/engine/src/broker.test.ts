import { createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { Account } from './account';
import { Broker } from './broker';
import { SHRINK_TOLERANCE, isDustShortfall } from './execution';

// From `ensemble run --config examples/stocks5-60-40.json` (2000-03-01, sleeve "value"): a
// rebalance buy of 26.512020587291147 AMZN at 67 costs 1776.305379348507, one ulp above the cash
// of 1776.3053793485053; cash affords 1776.3053793485053 / 67 = 26.512020587291126 units.
const CASH = 1776.3053793485053;
const PRICE = 67;
const REQUESTED = 26.512020587291147;
const AFFORDABLE = 26.512020587291126;

function buy(quantity: number) {
  const logger = createMemoryLogger();
  const broker = new Broker({ fractional: true, logger });
  const account = new Account({ strategyId: 'value', symbols: ['AMZN'], cash: CASH });
  const fill = broker.execute(account, { symbolIndex: 0, side: 'buy', quantity, reason: 'rebalance' }, PRICE, 0, 0);
  return { fill, account, stats: broker.stats, events: logger.records.map((record) => record.fields.event) };
}

describe('Broker: a shortfall of floating-point dust is not a shrunk order', () => {
  it('fills a buy one ulp too dear at what cash affords, silently and uncounted', () => {
    expect(REQUESTED * PRICE).toBeGreaterThan(CASH);
    expect(AFFORDABLE * PRICE).toBeLessThanOrEqual(CASH);
    const { fill, account, stats, events } = buy(REQUESTED);
    expect(account.fills[fill ?? -1]?.quantity).toBe(AFFORDABLE);
    expect(stats).toEqual({ filled: 1, shrunk: 0, rejected: 0 });
    expect(events).not.toContain('order-shrunk');
    expect(account.cash).toBeGreaterThanOrEqual(0);
  });

  it('still counts and logs a real shrink', () => {
    // 27 units cost 1809 > 1776.31: 0.49 units short, 1.8 % of the order.
    const { fill, account, stats, events } = buy(27);
    expect(account.fills[fill ?? -1]?.quantity).toBe(AFFORDABLE);
    expect(stats).toEqual({ filled: 1, shrunk: 1, rejected: 0 });
    expect(events).toContain('order-shrunk');
  });

  it('draws the line at SHRINK_TOLERANCE of the requested quantity', () => {
    expect(isDustShortfall(REQUESTED, AFFORDABLE)).toBe(true);
    expect(isDustShortfall(1000, 1000 * (1 - SHRINK_TOLERANCE / 2))).toBe(true);
    expect(isDustShortfall(1000, 1000 * (1 - 2 * SHRINK_TOLERANCE))).toBe(false);
    expect(isDustShortfall(27, AFFORDABLE)).toBe(false);
  });
});
