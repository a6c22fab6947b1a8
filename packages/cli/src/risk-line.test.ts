import { describe, expect, it } from 'vitest';
import { describeRisk, isolatedCapitalNote, riskClosedTradesNote } from './run-summary';

describe('describeRisk', () => {
  it('says when the exposure caps are checked and when a breach is trimmed', () => {
    expect(describeRisk({ fill: 'close', risk: { maxNetExposure: 0.2, maxSymbolExposure: 0.15 } })).toBe(
      'net exposure ≤ 20% · per-symbol exposure ≤ 15% (checked at each close before the strategies decide, a breach trimmed at that close)',
    );
    expect(describeRisk({ fill: 'next-open', risk: { maxGrossExposure: 1.5, maxDrawdown: { limit: 0.2, action: 'flatten', scale: 0.5 } } })).toBe(
      'gross exposure ≤ 150% (checked at each close before the strategies decide, a breach trimmed at the next open) · drawdown stop at 20%: flatten and halt',
    );
    expect(describeRisk({ fill: 'close', risk: {} })).toBe('no limits');
  });
});

describe('riskClosedTradesNote', () => {
  type Input = Parameters<typeof riskClosedTradesNote>[0];
  const trades = (...reasons: string[]) => reasons.map((exitReason) => ({ exitReason }));
  const input = (mode: 'sleeves' | 'shared', sleeves: [string, string[]][]): Input =>
    ({
      mode,
      sleeves: sleeves.map(([id, reasons]) => ({ id, trades: trades(...reasons) })),
      portfolio: { trades: trades(...sleeves.flatMap(([, reasons]) => reasons)) },
    }) as unknown as Input;

  it("says how many trades risk limits closed, and whose, beside a Trades row that leaves them out", () => {
    expect(riskClosedTradesNote(input('sleeves', [['a', ['risk', 'risk', 'signal']], ['b', ['transfer', 'risk']], ['c', ['signal']]]))).toBe(
      "Trades counts the strategies' own round trips: 3 trades (or parts of positions) that risk limits' trims and stops closed are left out (a 2, b 1), as is the 1 a transfer's sale closed; --json lists every trade with its exitReason",
    );
    expect(riskClosedTradesNote(input('sleeves', [['a', ['risk']]]))).toBe(
      "Trades counts the strategies' own round trips: 1 trade (or part of a position) that risk limits' trims and stops closed is left out; --json lists every trade with its exitReason",
    );
    expect(riskClosedTradesNote(input('sleeves', [['a', ['transfer', 'signal']], ['b', []]]))).toBeNull();
  });
});

describe('isolatedCapitalNote', () => {
  type Input = Parameters<typeof isolatedCapitalNote>[0];
  const input = (scheme: string, schedule: string, isolated: string[], mode = 'sleeves'): Input =>
    ({ mode, isolated: isolated.map((strategyId) => ({ strategyId })), config: { allocation: { scheme }, rebalance: { schedule } } }) as unknown as Input;

  it('says where an isolated sleeve\'s capital goes when not to the other sleeves', () => {
    expect(isolatedCapitalNote(input('fixed', 'month', ['mom']))).toBe(
      "the isolated sleeve's (mom) capital went to the reserve at the next rebalance and stays in cash: fixed weights are not given to the other sleeves (an equal or data-driven scheme shares it out)",
    );
    expect(isolatedCapitalNote(input('equal', 'never', ['a', 'b']))).toBe(
      "the isolated sleeves' (a, b) cash stays idle in them to the end: nothing rebalances (rebalance \"never\"), so no weight of 0 moves it to the other sleeves",
    );
    expect(isolatedCapitalNote(input('inverse-volatility', 'month', ['mom']))).toBeNull();
    expect(isolatedCapitalNote(input('fixed', 'month', []))).toBeNull();
    expect(isolatedCapitalNote(input('fixed', 'month', ['mom'], 'shared'))).toBeNull();
  });
});
