import { InvariantError, isoTime } from '@ensemble/protocol';
import type { SharedBook, Sleeve } from './sleeves';

/** Steps recorded in the row-major block before it is copied into the columns. */
const BLOCK_ROWS = 512;

/** The portfolio's recorded columns, one value per step. */
export interface PortfolioColumns {
  readonly equity: Float64Array;
  readonly cash: Float64Array;
  readonly reserve: Float64Array;
  readonly gross: Float64Array;
  readonly net: Float64Array;
}

/** What {@link RunRecorder} records: the run's sleeves (and shared account), bar times and starting cash. */
export interface RunRecorderOptions {
  readonly sleeves: readonly Sleeve[];
  readonly shared: SharedBook | null;
  readonly time: Float64Array;
  readonly symbolCount: number;
  /** The portfolio's starting cash, where the audit's independent ledger starts. */
  readonly cash: number;
  /** Audit every sleeve and Σ sleeves + reserve = portfolio at every step. */
  readonly checkInvariants: boolean;
}

/**
 * Records the state after every step: each sleeve's equity, cash, gross exposure (and, for
 * data-driven schemes, its return excluding transfers) and the portfolio's equity, cash, reserve,
 * gross and net exposure; with `checkInvariants` it audits each sleeve's ledger and the portfolio.
 * Values go to a small row-major block (one row per step) that is copied into the columns every
 * {@link BLOCK_ROWS} steps, so that the hot loop writes one memory stream instead of one per column.
 */
export class RunRecorder {
  /** The portfolio's columns (complete after the last {@link flush}). */
  readonly portfolio: PortfolioColumns;
  private readonly options: RunRecorderOptions;
  private readonly scratch: Float64Array;
  /** The recorded columns, in the order of a block row: per sleeve equity, cash, gross (, returns), then the portfolio's five. */
  private readonly columns: Float64Array[] = [];
  private readonly blockWidth: number;
  private readonly block: Float64Array;
  private blockRows = 0;
  private blockStart = 0;
  private auditCash: number;
  private readonly auditSeen: Int32Array;

  constructor(options: RunRecorderOptions) {
    this.options = options;
    const steps = options.time.length;
    this.portfolio = {
      equity: new Float64Array(steps),
      cash: new Float64Array(steps),
      reserve: new Float64Array(steps),
      gross: new Float64Array(steps),
      net: new Float64Array(steps),
    };
    this.scratch = new Float64Array(options.symbolCount);
    this.auditCash = options.cash;
    this.auditSeen = new Int32Array(options.sleeves.length);
    for (const sleeve of options.sleeves) {
      this.columns.push(sleeve.equity, sleeve.cash, sleeve.gross);
      if (sleeve.returns !== null) this.columns.push(sleeve.returns);
    }
    const { equity, cash, reserve, gross, net } = this.portfolio;
    this.columns.push(equity, cash, reserve, gross, net);
    this.blockWidth = this.columns.length;
    this.block = new Float64Array(BLOCK_ROWS * this.blockWidth);
  }

  /** Records the state after step `t`, with `reserve` the portfolio's unallocated cash (sleeves mode). */
  record(t: number, reserve: number): void {
    const { sleeves, shared } = this.options;
    const { scratch, block } = this;
    const time = this.options.time[t] ?? Number.NaN;
    let at = this.blockRows * this.blockWidth;
    let total = reserve;
    let cash = reserve;
    for (const sleeve of sleeves) {
      const value = sleeve.runner.revalue();
      const transfer = sleeve.stepTransfer;
      if (transfer !== 0) {
        sleeve.stepTransfer = 0;
        sleeve.transferSteps.push(t);
        sleeve.transferAmounts.push(transfer);
      }
      const sleeveCash = sleeve.account.cash;
      block[at++] = value;
      block[at++] = sleeveCash;
      block[at++] = sleeve.runner.markedGross;
      if (sleeve.returns !== null) {
        const previous = sleeve.lastEquity;
        block[at++] = previous > 0 ? (value - transfer) / previous - 1 : Number.NaN;
        sleeve.lastEquity = value;
      }
      total += value;
      cash += sleeveCash;
      sleeve.audit?.check(time, value, sleeveCash);
    }
    let gross = 0;
    let net = 0;
    if (shared !== null) {
      total = shared.runner.revalue();
      cash = shared.account.cash;
      gross = shared.runner.markedGross;
      const { quantity, markPrice } = shared.account;
      for (let g = 0; g < quantity.length; g++) {
        const held = quantity[g] ?? 0;
        if (held !== 0) net += held * (markPrice[g] ?? 0);
      }
      shared.audit?.check(time, total, cash);
    } else {
      scratch.fill(0);
      for (const sleeve of sleeves) {
        const { quantity, markPrice } = sleeve.account;
        for (let k = 0; k < quantity.length; k++) {
          const held = quantity[k] ?? 0;
          if (held !== 0) {
            const g = sleeve.globalIndex[k] ?? 0;
            scratch[g] = (scratch[g] ?? 0) + held * (markPrice[k] ?? 0);
          }
        }
      }
      for (const value of scratch) {
        gross += value < 0 ? -value : value;
        net += value;
      }
      if (this.options.checkInvariants) this.auditPortfolio(time, total, net, gross);
    }
    block[at++] = total;
    block[at++] = cash;
    block[at++] = reserve;
    block[at++] = gross;
    block[at] = net;
    if (++this.blockRows === BLOCK_ROWS) this.flush();
  }

  /** Copies the recorded rows of the block into their columns: call it before reading them. */
  flush(): void {
    const { block, blockWidth, columns } = this;
    const rows = this.blockRows;
    if (rows === 0) return;
    const start = this.blockStart;
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c];
      if (column === undefined) continue;
      for (let r = 0, i = c; r < rows; r++, i += blockWidth) column[start + r] = block[i] ?? 0;
    }
    this.blockStart = start + rows;
    this.blockRows = 0;
  }

  /**
   * Σ sleeves + reserve against the portfolio rebuilt independently: the starting cash plus every
   * fill's cash flow of every sleeve, plus the net position of each symbol at its mark.
   */
  private auditPortfolio(time: number, equity: number, net: number, gross: number): void {
    for (const sleeve of this.options.sleeves) {
      const fills = sleeve.account.fills;
      let seen = this.auditSeen[sleeve.index] ?? 0;
      for (; seen < fills.length; seen++) {
        const fill = fills[seen];
        if (fill === undefined) continue;
        const value = fill.quantity * fill.price;
        this.auditCash += fill.side === 'buy' ? -(value + fill.commission) : value - fill.commission;
      }
      this.auditSeen[sleeve.index] = seen;
    }
    const rebuilt = this.auditCash + net;
    const scale = Math.max(1, Math.abs(equity), Math.abs(rebuilt), gross);
    if (!(Math.abs(rebuilt - equity) <= 1e-9 * scale)) {
      throw new InvariantError(
        `Portfolio equity at ${isoTime(time)} is ${equity} (Σ sleeves + reserve), but the starting cash, every fill and the net positions give ${rebuilt}`,
        { time },
      );
    }
  }
}
