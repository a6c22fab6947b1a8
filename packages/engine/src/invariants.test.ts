import { describe, expect, it } from 'vitest';
import { Account } from './account';
import { LedgerAudit } from './invariants';

describe('LedgerAudit of an account emptied by a withdrawal', () => {
  it('checks the rebuilt ledger at the scale the account had, not at its 0', () => {
    // A sleeve of 5.8 M (found by the orchestrator's transfer property at 10 M of cash): it buys,
    // gives and takes cash while selling 1 % a bar, then gives everything and sells the rest.
    // The account ends with 4.66e-10 of cash; the ledger rebuilt from the fills, summed in
    // another order, says 3.26e-9: both are 0 to within the rounding of sums of millions (an ulp
    // of 5.8e6 is 9.3e-10), and an audit scaled by the final 0 called it a mismatch.
    const account = new Account({ strategyId: 's', symbols: ['X'], cash: 5814178.1071616225 });
    const audit = new LedgerAudit(account);
    const rows: readonly (readonly [number, number, number, number])[] = [
      // deposit before the fill, units (+ buy, − sell), price, commission
      [0, 25231, 46.07657283360698, 232.51160183294758],
      [-8394.587691125733, -252, 45.405624271013856, 2.288443463259098],
      [-8303.076698585915, -249, 44.69408864771547, 2.2257656146562304],
      [2100.845776545277, -247, 43.81718409117974, 2.164568894104279],
      [-6159.774323999776, -244, 44.59844153870242, 2.176403947088678],
      [-5955.643586793749, -242, 43.94489031558132, 2.1269326912741358],
    ];
    rows.forEach(([deposit, units, price, commission], bar) => {
      account.mark(0, price, bar);
      if (deposit !== 0) account.deposit(deposit);
      account.applyFill({ symbolIndex: 0, side: units > 0 ? 'buy' : 'sell', quantity: Math.abs(units), price, commission, slippage: 0, time: bar, barIndex: bar, reason: 'rebalance' });
      audit.check(bar, account.equity(), account.cash);
    });
    account.deposit(-account.equity());
    account.applyFill({ symbolIndex: 0, side: 'sell', quantity: 23_997, price: 43.94489031558132, commission: 0, slippage: 0, time: 9, barIndex: 9, reason: 'rebalance' });
    expect(account.quantity[0]).toBe(0);
    expect(Math.abs(account.cash)).toBeLessThan(1e-8);
    expect(() => { audit.check(9, account.equity(), account.cash); }).not.toThrow();
  });

  it('still finds a cent missing at that scale', () => {
    const account = new Account({ strategyId: 's', symbols: ['X'], cash: 5_000_000 });
    const audit = new LedgerAudit(account);
    account.mark(0, 50, 0);
    account.applyFill({ symbolIndex: 0, side: 'buy', quantity: 100_000, price: 50, commission: 0, slippage: 0, time: 0, barIndex: 0, reason: 'entry' });
    audit.check(0, 5_000_000, 0);
    account.deposit(-5_000_000);
    account.applyFill({ symbolIndex: 0, side: 'sell', quantity: 100_000, price: 50, commission: 0, slippage: 0, time: 1, barIndex: 1, reason: 'rebalance' });
    expect(() => { audit.check(1, 0, 0); }).not.toThrow();
    expect(() => { audit.check(1, 0.01, 0.01); }).toThrow(/fills give 0/);
  });
});
