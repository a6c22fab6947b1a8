import { describe, expect, it } from 'vitest';
import { OrderSlot } from './execution';

describe('OrderSlot', () => {
  it('is a plain request while filled, and a copy keeps its values when the source is refilled', () => {
    const rule = { kind: 'percent-of-cash', percent: 50 } as const;
    const runner = new OrderSlot();
    const entry = runner.entry(2, 'buy', rule, 0.25, 95, Number.NaN);
    expect(entry).toBe(runner);
    expect({ ...pick(entry) }).toEqual({ symbolIndex: 2, side: 'buy', quantity: { rule, strength: 0.25 }, reason: 'entry', stopLoss: 95, takeProfit: undefined });
    const kept = new OrderSlot().copy(runner);
    runner.entry(1, 'sell', { kind: 'percent-of-equity', percent: 10 }, 1, Number.NaN, 120);
    expect(pick(kept)).toEqual({ symbolIndex: 2, side: 'buy', quantity: { rule, strength: 0.25 }, reason: 'entry', stopLoss: 95, takeProfit: undefined });
    runner.order(0, 'sell', 7.5, 'rebalance');
    expect(pick(runner)).toEqual({ symbolIndex: 0, side: 'sell', quantity: 7.5, reason: 'rebalance', stopLoss: undefined, takeProfit: undefined });
    expect(pick(kept.copy({ symbolIndex: 3, side: 'buy', quantity: 4, reason: 'exit' }))).toEqual({ symbolIndex: 3, side: 'buy', quantity: 4, reason: 'exit', stopLoss: undefined, takeProfit: undefined });
  });
});

function pick(order: OrderSlot): Record<string, unknown> {
  const quantity = order.quantity;
  return {
    symbolIndex: order.symbolIndex,
    side: order.side,
    quantity: typeof quantity === 'number' ? quantity : { rule: quantity.rule, strength: quantity.strength },
    reason: order.reason,
    stopLoss: order.stopLoss,
    takeProfit: order.takeProfit,
  };
}
