import { createTimeline } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { day, fixedWeights, scripted, seriesOf } from '../test/helpers';
import { Account } from './account';
import { runBacktest } from './backtest-engine';
import { Broker } from './broker';
import type { OrderExecutor, OrderRequest } from './execution';
import { StrategyRunner } from './strategy-runner';

const A = seriesOf('A', [
  ['2024-01-01', 10, 10, 10, 10],
  ['2024-01-02', 11, 12, 10.5, 11.5],
  ['2024-01-03', 12, 13, 11, 12.5],
  ['2024-01-04', 13, 14, 12, 13.5],
  ['2024-01-05', 14, 15, 13, 14.5],
]);
const B = seriesOf('B', [
  ['2024-01-01', 20, 20, 20, 20],
  ['2024-01-03', 20, 22, 19, 21],
  ['2024-01-05', 22, 23, 21, 22],
]);

function runnerFor(strategy: Parameters<typeof runBacktest>[0]['strategy'], executor?: OrderExecutor) {
  const timeline = createTimeline([A, B]);
  const account = new Account({ strategyId: strategy.id, symbols: ['A', 'B'], cash: 1000 });
  const runner = new StrategyRunner({
    strategy,
    series: [A, B],
    time: timeline.time,
    barIndex: timeline.barIndex,
    account,
    executor: executor ?? new Broker(),
    sizing: { kind: 'percent-of-cash', percent: 50 },
  });
  return { runner, account, steps: timeline.length };
}

describe('StrategyRunner', () => {
  it('driven phase by phase gives the same result as the engine', () => {
    const strategy = scripted({ A: { enter: { 0: { side: 'long' } }, exit: [3] }, B: { enter: { 0: { side: 'long' } } } });
    const { runner, account, steps } = runnerFor(strategy);
    const equity: number[] = [];
    for (let t = 0; t < steps; t++) {
      runner.beginStep(t);
      runner.fillAtOpen();
      runner.applyStops();
      runner.markToMarket();
      runner.decide();
      runner.fillAtClose();
      runner.endStep();
      equity.push(runner.revalue());
    }
    runner.finish();
    const engine = runBacktest({ series: [A, B], strategy, cash: 1000, sizing: { kind: 'percent-of-cash', percent: 50 } });
    expect(equity).toEqual(Array.from(engine.equity.equity));
    expect(account.fills).toEqual(engine.fills);
    expect(runner.dropped).toBe(engine.orders.dropped);
  });

  it('closeOut queues closing orders filled at the next bar; disable stops asking the strategy', () => {
    let asked = 0;
    const strategy = scripted({ enter: { 0: { side: 'long' } } });
    const counting = { ...strategy, shouldExit: () => { asked++; return false; } };
    const { runner, account } = runnerFor(counting);
    runner.step(0); // decide: enter A and B
    runner.step(1); // A fills at 11 (B has no bar)
    expect(account.position(0)?.quantity).toBe(45); // floor(500 / 11)
    runner.closeOut('isolate');
    runner.disable();
    expect(runner.active).toBe(false);
    const askedBefore = asked;
    runner.step(2); // A closes at the open 12; B's pending entry was replaced by nothing (flat)
    runner.step(3);
    runner.step(4);
    runner.finish();
    expect(asked).toBe(askedBefore);
    expect(account.fills.map((f) => [f.symbol, f.side, f.time, f.reason])).toEqual([
      ['A', 'buy', day('2024-01-02'), 'entry'],
      ['A', 'sell', day('2024-01-03'), 'isolate'],
    ]);
    expect(account.trades[0]?.exitReason).toBe('isolate');
    expect(runner.dropped).toBe(1); // B's entry, replaced by the close-out
  });

  it('placeOrder trades a signed quantity under the fill rule through the injected executor', () => {
    const seen: string[] = [];
    const broker = new Broker();
    const executor: OrderExecutor = {
      execute: (account, order: OrderRequest, reference, time, barIndex): number | null => {
        seen.push(`${order.side} ${typeof order.quantity === 'number' ? order.quantity : 'sized'} ${account.symbols[order.symbolIndex] ?? '?'} @${reference} ${order.reason}`);
        return broker.execute(account, order, reference, time, barIndex);
      },
    };
    const { runner, account } = runnerFor(fixedWeights({}, { kind: 'never' }), executor);
    runner.step(0);
    runner.placeOrder(0, 20, 'rebalance');
    runner.placeOrder(1, 5, 'rebalance');
    runner.step(1); // A buys 20 at 11; B has no bar: waits
    runner.placeOrder(0, -8, 'risk');
    runner.step(2); // A sells 8 at 12 (sells first), B buys 5 at 20
    expect(seen).toEqual(['buy 20 A @11 rebalance', 'sell 8 A @12 risk', 'buy 5 B @20 rebalance']);
    expect(Array.from(account.quantity)).toEqual([12, 5]);
  });

  it('rejects series that do not match the account', () => {
    const account = new Account({ strategyId: 's', symbols: ['B', 'A'], cash: 1 });
    expect(() => new StrategyRunner({ strategy: scripted({}), series: [A, B], time: new Float64Array(0), barIndex: null, account, executor: new Broker() })).toThrow(/must match/);
  });
});

describe('Account.exitLevels', () => {
  it('counts open positions with a stop or take-profit as fills open, flip and close them', () => {
    const account = new Account({ strategyId: 's', symbols: ['A', 'B'], cash: 10_000 });
    const base = { commission: 0, slippage: 0, time: 0, barIndex: 0, reason: 'entry' as const };
    account.applyFill({ ...base, symbolIndex: 0, side: 'buy', quantity: 10, price: 10, stopLoss: 9 });
    account.applyFill({ ...base, symbolIndex: 1, side: 'buy', quantity: 10, price: 10 });
    expect(account.exitLevels).toBe(1);
    account.applyFill({ ...base, symbolIndex: 0, side: 'buy', quantity: 5, price: 11 });
    expect(account.exitLevels).toBe(1);
    account.applyFill({ ...base, symbolIndex: 0, side: 'sell', quantity: 20, price: 11, takeProfit: 8 });
    expect(account.position(0)).toEqual(expect.objectContaining({ side: 'short', quantity: 5, takeProfit: 8 }));
    expect(account.position(0)?.stopLoss).toBeUndefined();
    expect(account.exitLevels).toBe(1);
    account.setExitPrices(1, 9.5, Number.NaN);
    expect(account.exitLevels).toBe(2);
    account.applyFill({ ...base, symbolIndex: 0, side: 'buy', quantity: 5, price: 9 });
    account.applyFill({ ...base, symbolIndex: 1, side: 'sell', quantity: 10, price: 9 });
    expect(account.exitLevels).toBe(0);
  });
});

describe('StrategyRunner with capital moved between phases', () => {
  it('sizes a rebalance on the equity after a deposit', () => {
    const { runner, account } = runnerFor(fixedWeights({ A: 1 }, { kind: 'never' }));
    runner.beginStep(0);
    runner.fillAtOpen();
    runner.applyStops();
    runner.markToMarket();
    account.deposit(1000); // an orchestrator moves capital in before the sleeve decides
    runner.decide();
    runner.step(1);
    // equity 2000 at A's close 10 → 200 units, filled at 01-02's open 11 and shrunk to floor(2000 / 11) = 181
    expect(account.fills[0]?.quantity).toBe(181);
  });
});
