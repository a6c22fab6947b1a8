import { createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { Account } from './account';
import type { BookState, ExecutionCosts } from './admit-order';
import { admitOrder, bookEquity, saleProceeds } from './admit-order';
import { Broker } from './broker';
import { NO_COMMISSION, NO_SLIPPAGE } from './costs';

const PERCENT: ExecutionCosts = { commission: { kind: 'percent', rate: 0.001 }, slippage: NO_SLIPPAGE, fractional: false };

function book(cash: number, quantity: number[] = [0], markPrice: number[] = [100]): BookState {
  return { cash, quantity: Float64Array.from(quantity), markPrice: Float64Array.from(markPrice) };
}

describe('admitOrder', () => {
  it('shrinks a buy to what cash affords, commission included', () => {
    // 1000 / (100 × 1.001) = 9.99…: 9 whole units, commission 9 × 100 × 0.001 = 0.9.
    const admission = admitOrder({ symbolIndex: 0, side: 'buy', quantity: 20, reason: 'rebalance' }, 100, book(1000), PERCENT);
    expect(admission).toEqual({ kind: 'fill', quantity: 9, price: 100, commission: 0.9, slippage: 0, requested: 20, shrunk: true });
  });

  it('never shrinks a sell or the cover of a short', () => {
    const sell = admitOrder({ symbolIndex: 0, side: 'sell', quantity: 50, reason: 'exit' }, 100, book(0, [50]), PERCENT);
    expect(sell).toMatchObject({ kind: 'fill', quantity: 50, shrunk: false });
    // Short 5, no cash: the 5 that cover fill, the 3 that would open a long do not.
    const cover = admitOrder({ symbolIndex: 0, side: 'buy', quantity: 8, reason: 'rebalance' }, 100, book(0, [-5]), PERCENT);
    expect(cover).toMatchObject({ kind: 'fill', quantity: 5, shrunk: true });
  });

  it('rejects an order it cannot fill, saying why', () => {
    const order = { symbolIndex: 0, side: 'buy', quantity: 1, reason: 'rebalance' } as const;
    expect(admitOrder(order, Number.NaN, book(1000), PERCENT)).toEqual({ kind: 'reject', why: 'no-price', requested: 1, cash: undefined });
    expect(admitOrder({ ...order, quantity: 0 }, 100, book(1000), PERCENT)).toMatchObject({ kind: 'reject', why: 'zero-quantity' });
    expect(admitOrder(order, 100, book(50), PERCENT)).toEqual({ kind: 'reject', why: 'insufficient-cash', requested: 1, cash: 50 });
  });

  it('sizes an entry at the slipped price against the book', () => {
    // 10 bps on 100: 100.1. Half the cash at strength 0.5: 2500 / 100.1 = 24.97…: 24 units.
    const costs: ExecutionCosts = { commission: NO_COMMISSION, slippage: { kind: 'bps', bps: 10 }, fractional: false };
    const rule = { kind: 'percent-of-cash', percent: 50 } as const;
    const admission = admitOrder({ symbolIndex: 0, side: 'buy', quantity: { rule, strength: 0.5 }, reason: 'entry' }, 100, book(10_000), costs);
    expect(admission).toMatchObject({ kind: 'fill', quantity: 24, requested: 24, shrunk: false });
    if (admission.kind === 'fill') {
      expect(admission.price).toBeCloseTo(100.1, 12);
      expect(admission.slippage).toBeCloseTo(24 * 0.1, 10);
    }
    // Percent of equity: cash 1000 + 10 units marked at 100 = 2000; all of it at 100: 20 units, shrunk to the 10 cash pays.
    const equity = admitOrder(
      { symbolIndex: 0, side: 'buy', quantity: { rule: { kind: 'percent-of-equity', percent: 100 }, strength: 1 }, reason: 'entry' },
      100,
      book(1000, [10]),
      { ...costs, slippage: NO_SLIPPAGE },
    );
    expect(equity).toMatchObject({ kind: 'fill', quantity: 10, requested: 20, shrunk: true });
  });

  it('rejects an entry worth only floating-point dust of the equity', () => {
    const admission = admitOrder({ symbolIndex: 0, side: 'buy', quantity: 1e-13, reason: 'entry' }, 100, book(1e6), { ...PERCENT, fractional: true });
    expect(admission).toMatchObject({ kind: 'reject', why: 'zero-quantity' });
  });
});

describe('bookEquity and saleProceeds', () => {
  it('values a book as an Account values itself', () => {
    const account = new Account({ strategyId: 's', symbols: ['A', 'B'], cash: 1000 });
    account.mark(0, 10, 0);
    account.mark(1, 20, 0);
    account.applyFill({ symbolIndex: 0, side: 'buy', quantity: 30, price: 10, commission: 1, slippage: 0, time: 0, barIndex: 0, reason: 'rebalance' });
    // 1000 − 300 − 1 + 30 × 10 = 999.
    expect(bookEquity(account)).toBe(999);
    expect(account.equity()).toBe(999);
  });

  it('nets slippage and commission off a sale', () => {
    // 10 units at 50 less 20 bps: 49.9; 499 − 0.1% of 499 = 498.501.
    expect(saleProceeds({ commission: { kind: 'percent', rate: 0.001 }, slippage: { kind: 'bps', bps: 20 } }, 10, 50)).toBeCloseTo(498.501, 9);
  });
});

describe('an entry sized to nothing', () => {
  it('carries the cash it was sized from, and the log says the cash is spent or short of one unit', () => {
    const entry = { symbolIndex: 0, side: 'buy', quantity: { rule: { kind: 'percent-of-cash', percent: 100 }, strength: 1 }, reason: 'entry' } as const;
    // 100 % of 60 at 100 a unit with 0.1 % commission: 60 / 100.1 = 0.6 of a unit, 0 whole units.
    expect(admitOrder(entry, 100, book(60), PERCENT)).toEqual({ kind: 'reject', why: 'zero-quantity', requested: 0, cash: 60 });
    // A fixed quantity of 0 was not sized from the cash: no cash to name.
    expect(admitOrder({ ...entry, quantity: 0 }, 100, book(60), PERCENT)).toMatchObject({ why: 'zero-quantity', cash: undefined });
    const logger = createMemoryLogger();
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 60 });
    expect(new Broker({ commission: { kind: 'percent', rate: 0.001 }, logger }).execute(account, entry, 100, 0, 0)).toBeNull();
    const [record] = logger.records.filter((r) => r.fields.event === 'order-rejected');
    expect(record?.fields).toMatchObject({ why: 'zero-quantity', cash: 60 });
    expect(record?.message).toBe(
      'order on A rejected: zero-quantity: the entry sized to nothing from cash 60 (spent by earlier entries or held against open shorts, or less than one whole unit; fractional units — --fractional, or "fractional": true in a run config —, a smaller percent per entry or more cash changes that)',
    );
  });
});

describe('an order that would leave a position unable to pay for its own closing', () => {
  // A fixed commission of 5, fractional units, no slippage; prices of 64 so that every figure is exact.
  const FIXED: ExecutionCosts = { commission: { kind: 'fixed', amount: 5 }, slippage: NO_SLIPPAGE, fractional: true };
  const allCash = { rule: { kind: 'percent-of-cash', percent: 100 }, strength: 1 } as const;

  it('refuses a long entry worth no more at half its price than selling it there costs', () => {
    const long = { symbolIndex: 0, side: 'buy', quantity: allCash, reason: 'entry' } as const;
    // Cash 13: (13 − 5) / 64 = 0.125 units, worth 4 at 32 against a commission of 5.
    expect(admitOrder(long, 64, book(13), FIXED)).toEqual({
      kind: 'reject',
      why: 'below-closing-costs',
      requested: 0.125,
      cash: undefined,
      closing: { position: 0.125, price: 32, worth: 4, costs: 5 },
    });
    // Cash 15: 0.15625 units, worth exactly 5 at 32: a sale there would raise nothing.
    expect(admitOrder(long, 64, book(15), FIXED)).toMatchObject({ kind: 'reject', why: 'below-closing-costs', closing: { worth: 5, costs: 5 } });
    // Cash 21: 0.25 units, worth 8 at 32: more than its sale costs there, so it fills.
    expect(admitOrder(long, 64, book(21), FIXED)).toEqual({ kind: 'fill', quantity: 0.25, price: 64, commission: 5, slippage: 0, requested: 0.25, shrunk: false });
  });

  it('counts a fixed slippage among the closing costs, at the halved price', () => {
    // Slippage 1 a unit: the buy fills at 65, (21 − 5) / 65 units; sold at 32 − 1 they raise
    // 16 / 65 × 31 = 7.63 against a commission of 5 (a fill), and with cash 15, 10 / 65 × 31 = 4.77 (refused).
    const slipped: ExecutionCosts = { ...FIXED, slippage: { kind: 'fixed', amount: 1 } };
    const long = { symbolIndex: 0, side: 'buy', quantity: allCash, reason: 'entry' } as const;
    expect(admitOrder(long, 64, book(21), slipped)).toMatchObject({ kind: 'fill', price: 65 });
    const refused = admitOrder(long, 64, book(15), slipped);
    expect(refused).toMatchObject({ kind: 'reject', why: 'below-closing-costs', closing: { price: 32 } });
    if (refused.kind === 'reject') {
      expect(refused.closing?.worth).toBeCloseTo((10 / 65) * 32, 12);
      expect(refused.closing?.costs).toBeCloseTo(5 + 10 / 65, 12);
    }
  });

  it('refuses a short entry worth no more at its price than buying it back there costs', () => {
    const short = { symbolIndex: 0, side: 'sell', quantity: allCash, reason: 'entry' } as const;
    // Cash 9: (9 − 5) / 64 = 0.0625 units short, worth 4 at 64 against a commission of 5.
    expect(admitOrder(short, 64, book(9), FIXED)).toMatchObject({ kind: 'reject', why: 'below-closing-costs', closing: { position: -0.0625, price: 64, worth: 4, costs: 5 } });
    // Cash 13: 0.125 units, worth 8.
    expect(admitOrder(short, 64, book(13), FIXED)).toMatchObject({ kind: 'fill', quantity: 0.125 });
  });

  it("tests a portfolio strategy's order by the position it leaves, and leaves other orders alone", () => {
    const buy = { symbolIndex: 0, side: 'buy', quantity: 0.125, reason: 'rebalance' } as const;
    // From flat: 0.125 units, worth 4 at half the price.
    expect(admitOrder(buy, 64, book(100), FIXED)).toMatchObject({ kind: 'reject', why: 'below-closing-costs', closing: { position: 0.125, worth: 4 } });
    // Added to 1 unit held: 1.125 units, worth 36 at half the price.
    expect(admitOrder(buy, 64, book(100, [1]), FIXED)).toMatchObject({ kind: 'fill', quantity: 0.125 });
    // A sale that reduces a long, an exit, a transfer's or a risk trim's order: not tested.
    expect(admitOrder({ ...buy, side: 'sell' }, 64, book(0, [0.25]), FIXED)).toMatchObject({ kind: 'fill', quantity: 0.125 });
    expect(admitOrder({ ...buy, side: 'sell', reason: 'exit' }, 64, book(0, [0.125]), FIXED)).toMatchObject({ kind: 'fill', quantity: 0.125 });
    expect(admitOrder({ ...buy, reason: 'transfer' }, 64, book(100), FIXED)).toMatchObject({ kind: 'fill', quantity: 0.125 });
    // A reversal fills the part that closes the short, not the crumbs of a long after it.
    expect(admitOrder({ ...buy, quantity: 1.125 }, 64, book(100, [-1]), FIXED)).toEqual({
      kind: 'fill',
      quantity: 1,
      price: 64,
      commission: 5,
      slippage: 0,
      requested: 1.125,
      shrunk: true,
      closing: { position: 0.125, price: 32, worth: 4, costs: 5 },
    });
  });

  it("refuses a portfolio strategy's order that costs at least what it trades", () => {
    // 1 unit held at 64: selling 0.0625 (worth 4) or adding as much costs 5.
    const sale = { symbolIndex: 0, side: 'sell', quantity: 0.0625, reason: 'rebalance' } as const;
    expect(admitOrder(sale, 64, book(0, [1]), FIXED)).toEqual({ kind: 'reject', why: 'below-costs', requested: 0.0625, cash: undefined, trade: { value: 4, costs: 5 } });
    expect(admitOrder({ ...sale, side: 'buy' }, 64, book(100, [1]), FIXED)).toMatchObject({ kind: 'reject', why: 'below-costs', trade: { value: 4, costs: 5 } });
    // 0.125 (worth 8) trades; an exit of the same crumbs fills, whatever it costs.
    expect(admitOrder({ ...sale, quantity: 0.125 }, 64, book(0, [1]), FIXED)).toMatchObject({ kind: 'fill', quantity: 0.125 });
    expect(admitOrder({ ...sale, reason: 'exit' }, 64, book(0, [0.0625]), FIXED)).toMatchObject({ kind: 'fill', quantity: 0.0625 });
  });

  it('never refuses under a percent commission without a minimum or a bps slippage', () => {
    // 1e-6 of a unit at 64 is worth 6.4e-5; at half the price it still raises more than 1 % of itself.
    const costs: ExecutionCosts = { commission: { kind: 'percent', rate: 0.01 }, slippage: { kind: 'bps', bps: 50 }, fractional: true };
    expect(admitOrder({ symbolIndex: 0, side: 'buy', quantity: 1e-6, reason: 'entry' }, 64, book(1), costs)).toMatchObject({ kind: 'fill', quantity: 1e-6 });
    expect(admitOrder({ symbolIndex: 0, side: 'sell', quantity: 1e-6, reason: 'rebalance' }, 64, book(1, [1]), costs)).toMatchObject({ kind: 'fill', quantity: 1e-6 });
    // A minimum commission of 1 makes the same entry crumbs.
    const minimum: ExecutionCosts = { ...costs, commission: { kind: 'percent', rate: 0.01, minimum: 1 } };
    expect(admitOrder({ symbolIndex: 0, side: 'buy', quantity: 1e-6, reason: 'entry' }, 64, book(2), minimum)).toMatchObject({ kind: 'reject', why: 'below-closing-costs' });
  });

  it('is counted by the broker and logged with what closing would cost', () => {
    const logger = createMemoryLogger();
    const broker = new Broker({ commission: { kind: 'fixed', amount: 5 }, fractional: true, logger });
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 13 });
    expect(broker.execute(account, { symbolIndex: 0, side: 'buy', quantity: allCash, reason: 'entry' }, 64, 0, 0)).toBeNull();
    expect(broker.stats).toEqual({ filled: 0, shrunk: 0, rejected: 1, belowClosingCosts: 1 });
    const [record] = logger.records.filter((r) => r.fields.event === 'order-rejected');
    expect(record?.fields).toMatchObject({ why: 'below-closing-costs', requested: 0.125, closing: { position: 0.125, price: 32, worth: 4, costs: 5 } });
    expect(record?.message).toBe(
      "order on A rejected: below-closing-costs: the long of 0.125 units it would leave is worth 4 at half the order's price, 32, and closing it there costs 5 in commission and slippage: it could not pay for its own closing (against a fixed or minimum commission more capital per position helps: a larger weight, percent or cash; against a cost per unit or in percent this large, only lower costs do)",
    );
    expect(account.cash).toBe(13);
  });
});
