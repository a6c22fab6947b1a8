import { InvariantError, isoTime } from '@ensemble/protocol';
import type { SharedBook, Sleeve } from './sleeves';
import { EMPTY_SLEEVE, stepReturn } from '../internal/analytics';

/**
 * About how many values each of a block's three rows scratch columns holds (1 MB): with 1,000
 * sleeves a block records 131 steps at a time — one month of daily bars is about 21.
 */
const BLOCK_ROW_VALUES = 131_072;

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
  /** About how many values each of a block's three row columns holds (default {@link BLOCK_ROW_VALUES}; tests make blocks short with it). */
  readonly blockRowValues?: number;
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
  private cashScratch = new Float64Array(0);
  /** A block's rows (see {@link RunRecorder.beginBlock}): each sleeve's equity, cash and signed position value on every step of the block, sleeve after sleeve. */
  private rowEquityScratch = new Float64Array(0);
  private rowCashScratch = new Float64Array(0);
  private rowExposureScratch = new Float64Array(0);
  /** The first step and the length of the block being recorded. */
  private blockFrom = 0;
  private blockLength = 0;
  private symbolOf: Int32Array | null = null;
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
   * Starts the recording of steps `from` … `to − 1` that the sleeves run on their own (see
   * `run/sleeve-blocks.ts`): each sleeve's stretches of them are handed to
   * {@link RunRecorder.recordStretch} as it runs them, then {@link RunRecorder.completeRows} sums
   * the portfolio's rows. Sleeves mode, every sleeve on one symbol, the same reserve on every step
   * of the range, and no transfer but at the open of its first step (a rebalance's move, booked
   * before the sleeves ran the block). At most {@link RunRecorder.blockSteps} steps.
   */
  beginBlock(from: number, to: number): void {
    const size = this.options.sleeves.length * (to - from);
    if (to - from > this.blockSteps) throw new InvariantError(`a block of ${to - from} steps is longer than the recorder's ${this.blockSteps}`);
    if (this.rowEquityScratch.length < size) {
      this.rowEquityScratch = new Float64Array(size);
      this.rowCashScratch = new Float64Array(size);
      this.rowExposureScratch = new Float64Array(size);
    }
    this.blockFrom = from;
    this.blockLength = to - from;
  }

  /**
   * The longest block {@link RunRecorder.beginBlock} takes: its rows hold a value per sleeve and
   * step three times over, kept to about {@link BLOCK_ROW_VALUES} values each (or the options' `blockRowValues`).
   */
  get blockSteps(): number {
    return Math.max(1, Math.floor((this.options.blockRowValues ?? BLOCK_ROW_VALUES) / Math.max(1, this.options.sleeves.length)));
  }

  /**
   * Records steps `from` … `to − 1` of the block that `sleeve` has just run (its stretches in step
   * order, the first starting at the block's first step): each step's equity and cash as it wrote
   * them, and, in its gross column, its signed position value, which this turns into the gross
   * exposure; its returns; and, for the portfolio's rows, the three values in the block's rows at
   * the sleeve's place, so that {@link RunRecorder.completeRows} sums them in sleeve order as
   * {@link RunRecorder.record} does (so bit for bit the same values). Done while the sleeve's
   * columns are fresh from its run, rather than read again once every sleeve has run the block.
   */
  recordStretch(sleeve: Sleeve, from: number, to: number): void {
    if (from >= to) return;
    const { equity, gross, returns } = sleeve;
    const rowEquity = this.rowEquityScratch;
    const rowCash = this.rowCashScratch;
    const rowExposure = this.rowExposureScratch;
    const cash = this.blockCash(to - from);
    sleeve.cash.copyInto(from, to, cash);
    let previous = sleeve.lastEquity;
    const empty = EMPTY_SLEEVE * Math.abs(sleeve.initialCash);
    const ring = returns === null ? 1 : returns.length;
    let at = from % ring;
    // A transfer at the block's first step's open, as `recordSleeve` books it.
    let transfer = from === this.blockFrom ? sleeve.stepTransfer : 0;
    let base = Number.NaN;
    if (transfer !== 0) {
      base = sleeve.stepBase;
      sleeve.stepTransfer = 0;
      sleeve.stepBase = Number.NaN;
      sleeve.transferSteps.push(from);
      sleeve.transferAmounts.push(transfer);
      sleeve.transferBases.push(base);
    }
    let finite = 0;
    // The sleeve's values lie together, step after step: the rows are read across them once.
    let slot = sleeve.index * this.blockLength + (from - this.blockFrom);
    for (let t = from; t < to; t++, slot++) {
      const value = equity[t] ?? Number.NaN;
      const sleeveCash = cash[t - from] ?? Number.NaN;
      const exposure = gross[t] ?? 0;
      rowEquity[slot] = value;
      rowCash[slot] = sleeveCash;
      rowExposure[slot] = exposure;
      if (returns !== null) {
        // The return as `recordSleeve` gives it, empty sleeves included.
        returns[at] = stepReturn(value, previous, transfer, base, empty, t > 0 ? (gross[t - 1] ?? 0) : 0);
        transfer = 0;
        base = Number.NaN;
        previous = value;
        at = at + 1 === ring ? 0 : at + 1;
      }
      gross[t] = 0 + Math.abs(exposure);
      finite += value * 0 + sleeveCash * 0 + exposure * 0;
    }
    if (returns !== null) sleeve.lastEquity = previous;
    this.finiteSum += finite;
  }

  /**
   * Completes the portfolio's rows of the block begun at `from` up to step `to − 1`, once every
   * sleeve has recorded its stretches ({@link RunRecorder.recordStretch}), with `reserve` on every
   * step: each sum in sleeve order, as {@link RunRecorder.record} adds them.
   */
  completeRows(from: number, to: number, reserve: number): void {
    const { equity: rowEquity, cash: rowCashColumn, reserve: rowReserve, gross: rowGross, net: rowNet } = this.portfolio;
    const symbolOf = this.sleeveSymbols();
    const sleeves = symbolOf.length;
    const equities = this.rowEquityScratch;
    const cashes = this.rowCashScratch;
    const exposures = this.rowExposureScratch;
    const values = this.scratch;
    const width = values.length;
    const length = this.blockLength;
    let finite = this.finiteSum;
    for (let t = from; t < to; t++) {
      let total = reserve;
      let cash = reserve;
      for (let s = 0, slot = t - this.blockFrom; s < sleeves; s++, slot += length) {
        total += equities[slot] ?? Number.NaN;
        cash += cashes[slot] ?? Number.NaN;
        const exposure = exposures[slot] ?? 0;
        if (exposure !== 0) {
          const g = symbolOf[s] ?? 0;
          values[g] = (values[g] ?? 0) + exposure;
        }
      }
      let grossTotal = 0;
      let net = 0;
      for (let g = 0; g < width; g++) {
        const value = values[g] ?? 0;
        if (value !== 0) {
          grossTotal += value < 0 ? -value : value;
          net += value;
          values[g] = 0;
        }
      }
      rowEquity[t] = total;
      rowCashColumn[t] = cash;
      rowReserve[t] = reserve;
      rowGross[t] = grossTotal;
      rowNet[t] = net;
      finite += total * 0 + cash * 0 + grossTotal * 0;
    }
    this.finiteSum = finite;
  }

  /** Per sleeve, its one symbol's index in the run (what {@link RunRecorder.completeRows} sums its exposure into). */
  private sleeveSymbols(): Int32Array {
    this.symbolOf ??= Int32Array.from(this.options.sleeves, (sleeve) => {
      if (sleeve.globalIndex.length !== 1) throw new InvariantError(`sleeve ${sleeve.entry.id} trades ${sleeve.globalIndex.length} symbols: a block needs one`);
      return sleeve.globalIndex[0] ?? 0;
    });
    return this.symbolOf;
  }

  /** Scratch of at least `steps` values: a sleeve's cash on the steps of a stretch, for {@link RunRecorder.recordStretch}. */
  private blockCash(steps: number): Float64Array {
    if (this.cashScratch.length < steps) this.cashScratch = new Float64Array(steps);
    return this.cashScratch;
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
