import { describe, expect, it } from 'vitest';
import type { AccountFill } from './account';
import { Account } from './account';
import { Broker } from './broker';
import { createMemoryLogger } from '@ensemble/protocol';

function fill(partial: Partial<AccountFill> & Pick<AccountFill, 'side' | 'quantity' | 'price'>): AccountFill {
  return { symbolIndex: 0, commission: 0, slippage: 0, time: 0, barIndex: 0, reason: 'entry', ...partial };
}

describe('Account', () => {
  it('moves cash by q·p + commission on a buy and q·p − commission on a sell', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 1000 });
    account.applyFill(fill({ side: 'buy', quantity: 10, price: 50, commission: 2 }));
    expect(account.cash).toBe(1000 - 500 - 2);
    account.applyFill(fill({ side: 'sell', quantity: 10, price: 60, commission: 3, reason: 'exit', barIndex: 4 }));
    expect(account.cash).toBe(498 + 600 - 3);
    expect(account.totalCommission).toBe(5);
    expect(account.position(0)).toBeNull();
    // pnl = 10 × (60 − 50) − (2 + 3) = 95
    expect(account.trades).toEqual([
      expect.objectContaining({ side: 'long', quantity: 10, entryPrice: 50, exitPrice: 60, commission: 5, pnl: 95, returnPct: 95 / 500, barsHeld: 4, exitReason: 'exit' }),
    ]);
  });

  it('counts its short positions through entries, additions, flips and closes', () => {
    const account = new Account({ strategyId: 's', symbols: ['A', 'B'], cash: 10_000 });
    const counts: number[] = [account.shortPositions];
    const after = (partial: Parameters<typeof fill>[0]) => {
      account.applyFill(fill(partial));
      counts.push(account.shortPositions);
    };
    after({ side: 'sell', quantity: 5, price: 10 }); // A short 5
    after({ side: 'sell', quantity: 5, price: 10, symbolIndex: 1 }); // B short 5
    after({ side: 'sell', quantity: 5, price: 10 }); // A short 10
    after({ side: 'buy', quantity: 4, price: 10 }); // A short 6
    after({ side: 'buy', quantity: 10, price: 10 }); // A flips to long 4
    after({ side: 'sell', quantity: 9, price: 10 }); // A flips to short 5
    after({ side: 'buy', quantity: 5, price: 10, symbolIndex: 1 }); // B closed
    after({ side: 'buy', quantity: 5, price: 10 }); // A closed
    expect(counts).toEqual([0, 1, 2, 2, 2, 1, 2, 1, 0]);
  });

  it('averages the entry price when adding and keeps the first entry time', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 10_000 });
    account.applyFill(fill({ side: 'buy', quantity: 10, price: 100, commission: 1, time: 1 }));
    account.applyFill(fill({ side: 'buy', quantity: 30, price: 120, commission: 3, time: 2 }));
    // (10 × 100 + 30 × 120) / 40 = 4600 / 40 = 115
    expect(account.position(0)).toEqual(
      expect.objectContaining({ side: 'long', quantity: 40, entryPrice: 115, entryTime: 1, entryCommission: 4 }),
    );
  });

  it('closes a trade for a partial exit with the entry commission pro rata', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 10_000 });
    account.applyFill(fill({ side: 'buy', quantity: 40, price: 100, commission: 8 }));
    account.applyFill(fill({ side: 'sell', quantity: 10, price: 110, commission: 1, reason: 'rebalance' }));
    // closed 10 of 40: entry commission share 8 × 10/40 = 2; pnl = 10 × 10 − (2 + 1) = 97
    expect(account.trades[0]).toEqual(expect.objectContaining({ quantity: 10, commission: 3, pnl: 97 }));
    expect(account.position(0)).toEqual(expect.objectContaining({ quantity: 30, entryPrice: 100, entryCommission: 6 }));
  });

  it('closes a trade for a transfer partial sale too, labelled transfer (trade statistics leave it out)', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 10_000 });
    account.applyFill(fill({ side: 'buy', quantity: 40, price: 100, commission: 8 }));
    account.applyFill(fill({ side: 'sell', quantity: 10, price: 110, commission: 1, reason: 'transfer' }));
    account.applyFill(fill({ side: 'sell', quantity: 30, price: 120, commission: 3, reason: 'exit' }));
    // 10 × 10 − (2 + 1) = 97, then 30 × 20 − (6 + 3) = 591: every unit closes in exactly one trade.
    expect(account.trades.map((trade) => [trade.quantity, trade.pnl, trade.exitReason])).toEqual([
      [10, 97, 'transfer'],
      [30, 591, 'exit'],
    ]);
  });

  it('flips a position: closes the old side and opens the rest at the fill price', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 10_000 });
    account.applyFill(fill({ side: 'buy', quantity: 10, price: 100, commission: 1 }));
    account.applyFill(fill({ side: 'sell', quantity: 30, price: 90, commission: 3, time: 7, barIndex: 2, stopLoss: 95 }));
    // closing 10 of the 30 sold carries 3 × 10/30 = 1 of the commission: pnl = 10 × (90 − 100) − (1 + 1) = −102
    expect(account.trades[0]).toEqual(expect.objectContaining({ side: 'long', quantity: 10, pnl: -102, commission: 2 }));
    expect(account.position(0)).toEqual(
      expect.objectContaining({ side: 'short', quantity: 20, entryPrice: 90, entryTime: 7, entryCommission: 2, stopLoss: 95 }),
    );
    expect(account.quantity[0]).toBe(-20);
    // cash: 10 000 − 1001 + (2700 − 3) = 11 696
    expect(account.cash).toBe(11_696);
  });

  it('values short positions negatively: equity = cash + Σ q_signed × mark', () => {
    const account = new Account({ strategyId: 's', symbols: ['A', 'B'], cash: 1000 });
    account.applyFill(fill({ side: 'sell', quantity: 10, price: 50 }));
    account.applyFill(fill({ symbolIndex: 1, side: 'buy', quantity: 4, price: 25 }));
    account.mark(0, 55, 1);
    account.mark(1, 30, 1);
    // cash 1000 + 500 − 100 = 1400; positions −550 + 120
    expect(account.equity()).toBe(1400 - 550 + 120);
    expect(account.grossExposure()).toBe(550 + 120);
    const [short] = account.openPositions();
    // unrealised: 10 × (55 − 50) × −1 − 0 = −50
    expect(short).toEqual(expect.objectContaining({ symbol: 'A', side: 'short', marketValue: -550, unrealizedPnl: -50, barsHeld: 1 }));
  });

  it('moves capital with deposit and reports it', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 1000 });
    account.deposit(-250);
    expect(account.cash).toBe(750);
    expect(account.netDeposits).toBe(-250);
  });
});

describe('Broker', () => {
  it('shrinks a buy to what cash affords and logs it', () => {
    const logger = createMemoryLogger();
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 1000 });
    const broker = new Broker({ commission: { kind: 'fixed', amount: 5 }, logger });
    const booked = broker.execute(account, { symbolIndex: 0, side: 'buy', quantity: 200, reason: 'entry' }, 11, 0, 0);
    // (1000 − 5) / 11 = 90.45 → 90 units, cost 995
    expect(account.fills[booked ?? -1]?.quantity).toBe(90);
    expect(account.cash).toBe(5);
    expect(broker.stats).toEqual({ filled: 1, shrunk: 1, rejected: 0 });
    expect(logger.records.find((record) => record.fields.event === 'order-shrunk')?.fields).toEqual(
      expect.objectContaining({ symbol: 'A', requested: 200, filled: 90 }),
    );
  });

  it('rejects a buy cash cannot pay a single unit of, and logs it', () => {
    const logger = createMemoryLogger();
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 10 });
    const broker = new Broker({ logger });
    expect(broker.execute(account, { symbolIndex: 0, side: 'buy', quantity: 3, reason: 'entry' }, 11, 0, 0)).toBeNull();
    expect(account.fills).toEqual([]);
    expect(broker.stats.rejected).toBe(1);
    expect(logger.records.some((record) => record.fields.event === 'order-rejected' && record.fields.why === 'insufficient-cash')).toBe(true);
  });

  it('leaves cash dust behind an all-the-cash buy: 16 276.569929547655 / 99.455… overshoots by one ulp', () => {
    // The exact quotient costs more than the cash by 1.8e-12, so affordableQuantity steps down
    // and the fill leaves 1.27e-11 of cash: 0 in exact arithmetic, positive in floating point.
    const account = new Account({ strategyId: 's', symbols: ['A', 'B'], cash: 16_276.569929547655 });
    new Broker({ fractional: true }).execute(account, { symbolIndex: 0, side: 'buy', quantity: 1e6, reason: 'entry' }, 99.45511121930598, 0, 0);
    expect(account.cash).toBeGreaterThan(0);
    expect(account.cash).toBeLessThan(1e-10);
  });

  it('rejects an entry that only cash dust could pay for, instead of opening a 1e-13-unit position', () => {
    const logger = createMemoryLogger();
    const account = new Account({ strategyId: 's', symbols: ['A', 'B'], cash: 16_276.569929547655 });
    const broker = new Broker({ fractional: true, logger });
    broker.execute(account, { symbolIndex: 0, side: 'buy', quantity: 1e6, reason: 'entry' }, 99.45511121930598, 0, 0);
    account.mark(0, 99.45511121930598, 0);
    // Shrunk to the dust (≈ 2e-13 units of B) it would be 1e-15 of equity: rejected, nothing booked.
    expect(broker.execute(account, { symbolIndex: 1, side: 'buy', quantity: 100, reason: 'entry' }, 58.9286008029652, 1, 1)).toBeNull();
    // Sized from the dust (percent-of-cash 100 of 1.27e-11): rejected too.
    expect(broker.execute(account, { symbolIndex: 1, side: 'buy', quantity: account.cash / 58.9286008029652, reason: 'entry' }, 58.9286008029652, 1, 1)).toBeNull();
    expect(account.fills).toHaveLength(1);
    expect(account.position(1)).toBeNull();
    expect(broker.stats).toEqual({ filled: 1, shrunk: 1, rejected: 2 });
    expect(logger.records.filter((record) => record.fields.event === 'order-rejected').map((record) => record.fields.why)).toEqual(['insufficient-cash', 'zero-quantity']);
  });

  it('still fills a small entry that is money, not dust: 1 currency unit of a 10 000 account', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 10_000 });
    const booked = new Broker({ fractional: true }).execute(account, { symbolIndex: 0, side: 'buy', quantity: 0.01, reason: 'entry' }, 100, 0, 0);
    expect(account.fills[booked ?? -1]?.quantity).toBe(0.01);
  });

  it('never shrinks the part of a buy that covers a short', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 100 });
    account.applyFill(fill({ side: 'sell', quantity: 10, price: 10 }));
    account.deposit(-300); // cash 100 + 100 − 300 = −100: nothing left, yet the short must be coverable
    const booked = new Broker().execute(account, { symbolIndex: 0, side: 'buy', quantity: 15, reason: 'exit' }, 12, 0, 0);
    expect(account.fills[booked ?? -1]?.quantity).toBe(10);
    expect(account.quantity[0]).toBe(0);
    expect(account.cash).toBe(-100 - 120);
  });

  it('records slippage per fill as |fill price − reference| × quantity', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 10_000 });
    const broker = new Broker({ slippage: { kind: 'bps', bps: 10 } });
    const booked = broker.execute(account, { symbolIndex: 0, side: 'buy', quantity: 100, reason: 'entry' }, 50, 0, 0);
    expect(account.fills[booked ?? -1]?.price).toBeCloseTo(50.05, 12);
    expect(account.fills[booked ?? -1]?.slippage).toBeCloseTo(5, 9);
    expect(account.totalSlippage).toBeCloseTo(5, 9);
  });
});
