import { InvariantError } from '@ensemble/protocol';
import type { Account } from './account';

/** Relative tolerance of every accounting check. */
export const INVARIANT_TOLERANCE = 1e-9;

function close(a: number, b: number, scale: number): boolean {
  return Math.abs(a - b) <= INVARIANT_TOLERANCE * scale;
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}

/**
 * An independent audit of an {@link Account}: it rebuilds cash and quantities from the fills
 * alone (plus deposits) and, at every call of {@link LedgerAudit.check}, verifies that the
 * recorded equity equals cash + Σ position market value and equals the rebuilt ledger, to 1e-9
 * relative of the largest amount the ledger has handled so far (|equity|, |cash|, gross
 * exposure, a fill's value, 1): the rebuilt sums carry the rounding of every amount added, so an
 * account emptied by a withdrawal (an orchestrator sleeve at weight 0) is checked at the scale it
 * had, not at its 0. Throws a protocol `InvariantError` naming the bar on the first mismatch.
 */
export class LedgerAudit {
  private readonly account: Account;
  private readonly quantity: Float64Array;
  private fillFlows = 0;
  private seen = 0;
  private magnitude = 1;

  constructor(account: Account) {
    this.account = account;
    this.quantity = new Float64Array(account.symbols.length);
  }

  /** Verifies the account at bar `time` against the `equity` and `cash` just recorded for it. */
  check(time: number, equity: number, cash: number): void {
    const account = this.account;
    const fills = account.fillLog;
    for (; this.seen < fills.length; this.seen++) {
      const i = this.seen;
      const k = fills.symbolIndex(i);
      const units = fills.quantity(i);
      const value = units * fills.price(i);
      const commission = fills.commission(i);
      this.magnitude = Math.max(this.magnitude, value, Math.abs(this.fillFlows));
      if (fills.direction(i) === 1) {
        this.fillFlows -= value + commission;
        this.quantity[k] = (this.quantity[k] ?? 0) + units;
      } else {
        this.fillFlows += value - commission;
        this.quantity[k] = (this.quantity[k] ?? 0) - units;
      }
    }
    let positions = 0;
    let ledgerPositions = 0;
    let gross = 0;
    for (let k = 0; k < this.quantity.length; k++) {
      const mark = account.markPrice[k] ?? 0;
      const held = account.quantity[k] ?? 0;
      const rebuilt = this.quantity[k] ?? 0;
      if (held !== 0) positions += held * mark;
      if (rebuilt !== 0) ledgerPositions += rebuilt * mark;
      gross += Math.abs(held * mark);
      if (!close(held, rebuilt, Math.max(1, Math.abs(held), Math.abs(rebuilt)))) {
        throw new InvariantError(
          `Position of ${account.strategyId} on ${account.symbols[k] ?? k} at ${iso(time)} is ${held} units, but its fills add up to ${rebuilt}`,
          { time },
        );
      }
    }
    const ledgerCash = account.initialCash + account.netDeposits + this.fillFlows;
    const scale = Math.max(this.magnitude, Math.abs(equity), Math.abs(cash), gross, Math.abs(ledgerCash), Math.abs(account.initialCash));
    this.magnitude = scale;
    if (!Number.isFinite(equity) || !Number.isFinite(cash)) {
      throw new InvariantError(`Equity (${equity}) or cash (${cash}) of ${account.strategyId} is not finite at ${iso(time)}`, { time });
    }
    if (!close(cash, account.cash, scale) || !close(cash, ledgerCash, scale)) {
      throw new InvariantError(
        `Cash of ${account.strategyId} at ${iso(time)} is recorded as ${cash}, held as ${account.cash}, but the fills give ${ledgerCash}`,
        { time },
      );
    }
    if (!close(equity, cash + positions, scale)) {
      throw new InvariantError(
        `Equity of ${account.strategyId} at ${iso(time)} is ${equity}, but cash + positions = ${cash} + ${positions} = ${cash + positions}`,
        { time },
      );
    }
    if (!close(equity, ledgerCash + ledgerPositions, scale)) {
      throw new InvariantError(
        `Equity of ${account.strategyId} at ${iso(time)} is ${equity}, but the ledger rebuilt from fills gives ${ledgerCash + ledgerPositions}`,
        { time },
      );
    }
  }
}
