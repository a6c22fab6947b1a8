import { InvariantError, isoTime } from '@ensemble/protocol';
import type { SharedBook, Sleeve } from './sleeves';
import { EMPTY_SLEEVE, stepReturn } from '../internal/analytics';

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
 * A step is recorded as a row: {@link RunRecorder.beginRow}, {@link RunRecorder.recordSleeve} for
 * every sleeve in order (a step loop may do it in the same pass as the sleeves' decisions), then
 * {@link RunRecorder.endRow}; {@link RunRecorder.record} does all three. Values go straight into
 * preallocated columns: nothing is allocated per step.
 */
export class RunRecorder {
  /** The portfolio's columns. */
  readonly portfolio: PortfolioColumns;
  private readonly options: RunRecorderOptions;
  /** Σ over sleeves of each symbol's position value in the current row (sleeves mode). */
  private readonly scratch: Float64Array;
  private auditCash: number;
  private readonly auditSeen: Int32Array;
  /** The largest amount the portfolio audit has seen summed so far: a fill's value, the rebuilt cash, a sleeve's equity plus its gross exposure. */
  private auditMagnitude = 1;
  // Row accumulators: doubles from the start (see the engine's runner), so writes allocate nothing.
  private rowReserve = Number.NaN;
  private rowTotal = Number.NaN;
  private rowCash = Number.NaN;
  private blockScratch = new Float64Array(0);
  private cashScratch = new Float64Array(0);
  /**
   * Σ v × 0 over every value recorded (sleeves' and portfolio's equity, cash, exposures): 0 while
   * all are finite, NaN once one is not — so the run's finiteness check reads the columns again
   * only when it will find something.
   */
  private finiteSum = 0;

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
  }

  /** False when some recorded value is not finite (NaN or ±Infinity); the columns then say where. */
  get allFinite(): boolean {
    return this.finiteSum === 0;
  }

  /** Records the state after step `t`, with `reserve` the portfolio's unallocated cash (sleeves mode). */
  record(t: number, reserve: number): void {
    this.beginRow(reserve);
    for (const sleeve of this.options.sleeves) this.recordSleeve(sleeve, t);
    this.endRow(t);
  }

  /** Starts the row of a step, with `reserve` the portfolio's unallocated cash (sleeves mode). */
  beginRow(reserve: number): void {
    this.rowReserve = reserve;
    this.rowTotal = reserve;
    this.rowCash = reserve;
  }

  /** Records `sleeve` after step `t` (every sleeve, in order, between beginRow and endRow). */
  recordSleeve(sleeve: Sleeve, t: number): void {
    const value = sleeve.runner.revalue();
    const transfer = sleeve.stepTransfer;
    const base = sleeve.stepBase;
    if (transfer !== 0) {
      sleeve.stepTransfer = 0;
      sleeve.stepBase = Number.NaN;
      sleeve.transferSteps.push(t);
      sleeve.transferAmounts.push(transfer);
      sleeve.transferBases.push(base);
    }
    const account = sleeve.account;
    const sleeveCash = account.cash;
    const sleeveGross = sleeve.runner.markedGross;
    const previousGross = t > 0 ? (sleeve.gross[t - 1] ?? 0) : 0;
    sleeve.equity[t] = value;
    sleeve.cash.set(t, sleeveCash);
    sleeve.gross[t] = sleeveGross;
    this.finiteSum += value * 0 + sleeveCash * 0 + sleeveGross * 0;
    const returns = sleeve.returns;
    if (returns !== null) {
      const previous = sleeve.lastEquity;
      returns[t % returns.length] = stepReturn(value, previous, transfer, base, EMPTY_SLEEVE * Math.abs(sleeve.initialCash), previousGross);
      sleeve.lastEquity = value;
    }
    this.rowTotal += value;
    this.rowCash += sleeveCash;
    if (sleeve.audit !== null) {
      sleeve.audit.check(this.options.time[t] ?? Number.NaN, value, sleeveCash);
      this.auditMagnitude = Math.max(this.auditMagnitude, Math.abs(value) + sleeveGross);
    }
    if (this.options.shared !== null) return;
    const { quantity, markPrice } = account;
    const scratch = this.scratch;
    const globalIndex = sleeve.globalIndex;
    for (let k = 0; k < quantity.length; k++) {
      const held = quantity[k] ?? 0;
      if (held !== 0) {
        const g = globalIndex[k] ?? 0;
        scratch[g] = (scratch[g] ?? 0) + held * (markPrice[k] ?? 0);
      }
    }
  }

  /** Ends the row of step `t`: the portfolio's columns (and, with checkInvariants, its audit). */
  endRow(t: number): void {
    const { shared } = this.options;
    const time = this.options.time[t] ?? Number.NaN;
    let total = this.rowTotal;
    let cash = this.rowCash;
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
      const scratch = this.scratch;
      for (let g = 0; g < scratch.length; g++) {
        const value = scratch[g] ?? 0;
        if (value !== 0) {
          gross += value < 0 ? -value : value;
          net += value;
          scratch[g] = 0;
        }
      }
      if (this.options.checkInvariants) this.auditPortfolio(time, total, net, gross);
    }
    const { portfolio } = this;
    portfolio.equity[t] = total;
    portfolio.cash[t] = cash;
    portfolio.reserve[t] = this.rowReserve;
    portfolio.gross[t] = gross;
    portfolio.net[t] = net;
    this.finiteSum += total * 0 + cash * 0 + gross * 0;
  }

  /**
   * Completes steps `from` … `to − 1` that the sleeves ran on their own (see `run/sleeve-blocks.ts`):
   * each sleeve wrote its equity and cash and, in its gross column, its signed position value; this
   * turns those into gross exposures, the sleeves' returns and the portfolio's rows, summing in the
   * same order as {@link RunRecorder.record} (so bit for bit the same values). Sleeves mode, every
   * sleeve on one symbol, the same `reserve` on every step of the range, and no transfer but at
   * the open of its first step (a rebalance's move, booked before the sleeves ran the block).
   */
  completeBlock(from: number, to: number, reserve: number): void {
    const { sleeves } = this.options;
    // The portfolio's columns as locals: the loops below then keep them in registers.
    const { equity: rowEquity, cash: rowCash, reserve: rowReserve, gross: rowGross, net: rowNet } = this.portfolio;
    const width = this.scratch.length;
    const values = this.blockValues(width * (to - from));
    rowEquity.fill(reserve, from, to);
    rowCash.fill(reserve, from, to);
    rowReserve.fill(reserve, from, to);
    let finite = this.finiteSum;
    const cash = this.blockCash(to - from);
    for (const sleeve of sleeves) {
      const { equity, gross, returns } = sleeve;
      sleeve.cash.copyInto(from, to, cash);
      const offset = (sleeve.globalIndex[0] ?? 0) - from * width;
      let previous = sleeve.lastEquity;
      const empty = EMPTY_SLEEVE * Math.abs(sleeve.initialCash);
      const ring = returns === null ? 1 : returns.length;
      let at = from % ring;
      // A transfer at the first step's open, as `recordSleeve` books it.
      let transfer = sleeve.stepTransfer;
      let base = Number.NaN;
      if (transfer !== 0) {
        base = sleeve.stepBase;
        sleeve.stepTransfer = 0;
        sleeve.stepBase = Number.NaN;
        sleeve.transferSteps.push(from);
        sleeve.transferAmounts.push(transfer);
        sleeve.transferBases.push(base);
      }
      for (let t = from; t < to; t++) {
        const value = equity[t] ?? Number.NaN;
        const sleeveCash = cash[t - from] ?? Number.NaN;
        rowEquity[t] = (rowEquity[t] ?? 0) + value;
        rowCash[t] = (rowCash[t] ?? 0) + sleeveCash;
        if (returns !== null) {
          // The return as `recordSleeve` gives it, empty sleeves included.
          returns[at] = stepReturn(value, previous, transfer, base, empty, t > 0 ? (gross[t - 1] ?? 0) : 0);
          transfer = 0;
          base = Number.NaN;
          previous = value;
          at = at + 1 === ring ? 0 : at + 1;
        }
        const exposure = gross[t] ?? 0;
        gross[t] = 0 + Math.abs(exposure);
        finite += value * 0 + sleeveCash * 0 + exposure * 0;
        if (exposure !== 0) {
          const at = t * width + offset;
          values[at] = (values[at] ?? 0) + exposure;
        }
      }
      if (returns !== null) sleeve.lastEquity = previous;
    }
    for (let t = from, row = 0; t < to; t++, row += width) {
      let grossTotal = 0;
      let net = 0;
      for (let g = 0; g < width; g++) {
        const value = values[row + g] ?? 0;
        if (value !== 0) {
          grossTotal += value < 0 ? -value : value;
          net += value;
          values[row + g] = 0;
        }
      }
      rowGross[t] = grossTotal;
      rowNet[t] = net;
      finite += (rowEquity[t] ?? 0) * 0 + (rowCash[t] ?? 0) * 0 + grossTotal * 0;
    }
    this.finiteSum = finite;
  }

  /** Scratch of at least `steps` values: a sleeve's cash on the steps of a block, for {@link RunRecorder.completeBlock}. */
  private blockCash(steps: number): Float64Array {
    if (this.cashScratch.length < steps) this.cashScratch = new Float64Array(steps);
    return this.cashScratch;
  }

  /** Zeroed scratch of at least `size` values (per step and symbol) for {@link RunRecorder.completeBlock}. */
  private blockValues(size: number): Float64Array {
    if (this.blockScratch.length < size) this.blockScratch = new Float64Array(size);
    return this.blockScratch;
  }

  /**
   * Σ sleeves + reserve against the portfolio rebuilt independently: the starting cash plus every
   * fill's cash flow of every sleeve, plus the net position of each symbol at its mark; to 1e-9 of
   * the largest amount either sum has handled so far (as `LedgerAudit` does for one account). Two
   * sleeves of ±5e24 (a short squeezed by a jump from 1e-8 to 1e12, beside a long) add up to the
   * portfolio's 100,000 only to within their rounding: compared at 100,000, that was a mismatch.
   */
  private auditPortfolio(time: number, equity: number, net: number, gross: number): void {
    for (const sleeve of this.options.sleeves) {
      const fills = sleeve.account.fillLog;
      let seen = this.auditSeen[sleeve.index] ?? 0;
      for (; seen < fills.length; seen++) {
        const value = fills.quantity(seen) * fills.price(seen);
        const commission = fills.commission(seen);
        this.auditMagnitude = Math.max(this.auditMagnitude, value, Math.abs(this.auditCash));
        this.auditCash += fills.direction(seen) === 1 ? -(value + commission) : value - commission;
      }
      this.auditSeen[sleeve.index] = seen;
    }
    const rebuilt = this.auditCash + net;
    const scale = Math.max(this.auditMagnitude, Math.abs(equity), Math.abs(rebuilt), gross);
    this.auditMagnitude = scale;
    if (!(Math.abs(rebuilt - equity) <= 1e-9 * scale)) {
      throw new InvariantError(
        `Portfolio equity at ${isoTime(time)} is ${equity} (Σ sleeves + reserve), but the starting cash, every fill and the net positions give ${rebuilt}`,
        { time },
      );
    }
  }
}
