import { createTimeline } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { flatBars, scripted } from '../test/helpers';
import { Account } from './account';
import { Broker } from './broker';
import { StrategyRunner } from './strategy-runner';

// A at 10, B at 100, every bar. The strategy enters A on bar 1 with all its cash; on the same
// bar an orchestrator places a buy of 5 B (500): money it moved into the account for B.
const A = flatBars('A', '2024-01-01', [10, 10, 10]);
const B = flatBars('B', '2024-01-01', [100, 100, 100]);

function run(fill: 'close' | 'next-open') {
  const timeline = createTimeline([A, B]);
  const account = new Account({ strategyId: 's', symbols: ['A', 'B'], cash: 1000 });
  const runner = new StrategyRunner({
    strategy: scripted({ A: { enter: { 1: { side: 'long' } } } }),
    series: [A, B],
    time: timeline.time,
    barIndex: timeline.barIndex,
    account,
    executor: new Broker(),
    fill,
  });
  for (let t = 0; t < timeline.length; t++) {
    runner.beginStep(t);
    runner.fillAtOpen();
    runner.applyStops();
    runner.markToMarket();
    if (t === 1) runner.placeOrder(1, 5, 'rebalance');
    runner.decide();
    runner.fillAtClose();
    runner.endStep();
  }
  return account;
}

describe('StrategyRunner fills placed buys before entries', () => {
  it.each(['close', 'next-open'] as const)('the entry is sized by the cash the placed buy leaves (fill: %s)', (fill) => {
    // B (index 1) is bought first for 500; the entry on A (index 0) then takes the other 500:
    // 50 units. In symbol order the entry took all 1000 and the buy of B found no cash.
    const account = run(fill);
    expect(account.fills.map((f) => [f.symbol, f.side, f.quantity, f.reason])).toEqual([
      ['B', 'buy', 5, 'rebalance'],
      ['A', 'buy', 50, 'entry'],
    ]);
    expect(account.cash).toBe(0);
  });

  it('reports whether an order waits on a symbol', () => {
    const timeline = createTimeline([A, B]);
    const account = new Account({ strategyId: 's', symbols: ['A', 'B'], cash: 1000 });
    const runner = new StrategyRunner({ strategy: scripted({}), series: [A, B], time: timeline.time, barIndex: timeline.barIndex, account, executor: new Broker() });
    runner.beginStep(0);
    expect(runner.hasPendingOrder(1)).toBe(false);
    runner.placeOrder(1, 5, 'rebalance');
    expect([runner.hasPendingOrder(0), runner.hasPendingOrder(1)]).toEqual([false, true]);
  });
});
