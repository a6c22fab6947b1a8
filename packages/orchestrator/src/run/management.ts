import type { Logger } from '@ensemble/protocol';
import { isoTime } from '@ensemble/protocol';
import type { RebalanceDecision } from '../allocation/rebalance';
import type { Allocator } from '../internal/allocator';
import { SCHEDULE, SLEEVE_FINISHED, SLEEVE_STARTED } from '../internal/allocator';
import type { OrchestratorOrders, PositionBook } from '../internal/orchestrator-orders';
import type { RiskManager } from '../internal/risk';
import type { Rebalancing } from './rebalancing';
import type { SharedVoting } from './shared-mode';
import { endedFlat, sleeveEnd } from './sleeve-span';
import type { SharedBook, Sleeve } from './sleeves';

/** The rooms {@link StepManagement} acts on. */
export interface StepManagementOptions {
  readonly time: Float64Array;
  readonly sleeves: readonly Sleeve[];
  /** Shared mode's account; null in sleeves mode. */
  readonly shared: SharedBook | null;
  /** Shared mode's voting; null in sleeves mode. */
  readonly voting: SharedVoting | null;
  readonly allocator: Allocator;
  readonly risk: RiskManager;
  readonly rebalancing: Rebalancing;
  /** The books the risk manager checks: the sleeves', or the shared account's. */
  readonly books: readonly PositionBook[];
  /** The orchestrator's own orders of the step, shared with the transfers. */
  readonly orders: OrchestratorOrders;
  readonly logger: Logger;
}

/** How far below zero a portfolio must be to be margin-called, as a fraction of what its sum handled: more than rounding (as an account's). */
const PORTFOLIO_MARGIN_DUST = 1e-9;

/**
 * What the portfolio manager does at a step once every book is marked, before the strategies
 * decide: the drawdown stop (which halts the run), a rebalance when a rule fires (the schedule,
 * a drift band, a sleeve starting or finishing), then the exposure caps.
 */
export class StepManagement {
  private readonly options: StepManagementOptions;
  /** Scratch: the sleeves' actual weights at a rebalance. */
  private readonly actual: Float64Array;
  private stopped: { time: number; reason: 'drawdown' | 'margin-call' } | null = null;

  constructor(options: StepManagementOptions) {
    this.options = options;
    this.actual = new Float64Array(options.sleeves.length);
  }

  /** Where and why the run was halted (the drawdown stop, or a margin call of the shared account or of the portfolio as a whole); null while it runs on. */
  get halted(): { time: number; reason: 'drawdown' | 'margin-call' } | null {
    return this.stopped;
  }

  /**
   * Halts the run at `time` because the shared account was margin-called (shared mode): its
   * positions were closed at that close, and with its equity below zero no vote is turned into an
   * order again (a short sale needs no cash, and would have traded on the debt).
   */
  haltOnMarginCall(time: number): void {
    this.stopped ??= { time, reason: 'margin-call' };
  }

  /**
   * Sleeves mode: whether the portfolio could be worth less than nothing at this step's close: its reserve is
   * below zero (lent beyond its cash: leverage), or a sleeve holds a short or cash below zero (a
   * margin-called sleeve's debt). Otherwise every sleeve is worth zero or more at any price (long
   * positions beside cash of zero or more), and so is the portfolio.
   */
  mayBeBelowZero(): boolean {
    const { sleeves, rebalancing } = this.options;
    if (rebalancing.reserve < 0) return true;
    for (const sleeve of sleeves) {
      const account = sleeve.account;
      if (account.cash < 0 || account.shortPositions > 0) return true;
    }
    return false;
  }

  /**
   * Sleeves mode, once every sleeve is marked at the close of step `t` and before any decides: the
   * margin call of the portfolio as a whole, for a step where it could be worth less than nothing
   * (see {@link StepManagement.mayBeBelowZero}). Each sleeve is margin-called on its own below zero, but the
   * portfolio is one account at its broker: sleeves each worth more than zero can sum with a
   * reserve lent beyond its cash (leverage) to less than nothing — two sleeves given 1,000 each of
   * a portfolio of 1,000, the price down 60 %: 400 + 400 − 1,000 — and so can a margin-called
   * sleeve's debt with the others' books. A portfolio below zero by more than rounding (1e-9 of
   * what its sum handled: the reserve, each sleeve's equity and gross exposure) is closed as an
   * account is: every sleeve's positions at this close (a symbol without a bar by an order at its
   * next bar), its other orders dropped, its strategy not asked again; and the run halts
   * (`margin-call`), as shared mode's does: the portfolio holds its debt, which no
   * rebalance can fund. Returns whether it was called.
   */
  checkPortfolioMargin(t: number): boolean {
    const { sleeves, rebalancing } = this.options;
    let equity = rebalancing.reserve;
    let gross = 0;
    // What the portfolio's sum has handled: its rounding is a fraction of that.
    let scale = Math.abs(rebalancing.reserve);
    for (const sleeve of sleeves) {
      const runner = sleeve.runner;
      equity += runner.markedEquity;
      gross += runner.markedGross;
      scale += Math.abs(runner.markedEquity) + runner.markedGross;
    }
    if (!(equity < -PORTFOLIO_MARGIN_DUST * scale)) return false;
    const time = this.options.time[t] ?? Number.NaN;
    let after = rebalancing.reserve;
    for (const sleeve of sleeves) {
      const runner = sleeve.runner;
      if (runner.markedGross > 0 || runner.pendingOrders > 0) runner.closeForMarginCall();
      runner.disable();
      after += runner.markedEquity;
    }
    this.stopped = { time, reason: 'margin-call' };
    this.options.logger.warn(
      { event: 'portfolio-margin-call', time: isoTime(time), equity, gross, reserve: rebalancing.reserve, after },
      `margin call of the portfolio: worth ${String(equity)} at this close (its sleeves ${String(equity - rebalancing.reserve)}, its reserve ${String(rebalancing.reserve)}), below zero: every sleeve's positions are closed at the close and trading halts`,
    );
    return true;
  }

  /** Portfolio equity at the latest marks: Σ sleeves + reserve, or the shared account. */
  private portfolioValue(): number {
    const shared = this.options.shared;
    if (shared !== null) return shared.runner.revalue();
    let equity = this.options.rebalancing.reserve;
    for (const sleeve of this.options.sleeves) equity += sleeve.runner.revalue();
    return equity;
  }

  /**
   * After the marks: the drawdown stop, a rebalance if due (`scheduled`: the schedule fired;
   * `starting`: a sleeve without capital so far has its first bar; `finishing`: a sleeve's symbols
   * have all had their last bar, and it rebalances if that sleeve holds no position), the exposure caps.
   */
  manage(t: number, scheduled: boolean, starting = false, finishing = false): void {
    const { allocator, risk, sleeves } = this.options;
    const time = this.options.time[t] ?? Number.NaN;
    const riskEnabled = risk.enabled;
    // Shadow sleeves are never rebalanced, so drift bands would fire forever: shared mode follows the schedule only.
    const drift = t > 0 && this.options.shared === null && allocator.hasDrift;
    if (!riskEnabled && !scheduled && !drift && !starting && !finishing) return;
    const equity = this.portfolioValue();
    if (riskEnabled) {
      const action = risk.checkDrawdown(time, equity, this.options.books, this.options.orders);
      if (action === 'flatten') {
        this.stopped = { time, reason: 'drawdown' };
        // The risk manager closed out its books (the sleeves, or the shared account); shadows stop too.
        if (this.options.shared !== null) {
          for (const sleeve of sleeves) {
            sleeve.runner.closeOut('risk');
            sleeve.runner.disable();
          }
        }
        return;
      }
    }
    // A finished sleeve's capital goes to the others at once, not at the next scheduled rebalance:
    // a sleeve whose last bar was the step before this one (not one that finished earlier and was
    // handed over then), that holds no position and has cash to hand over (more than rounding's
    // dust: a sleeve sold out for a target of 0 can keep 1e-13 of it).
    const last = this.options.time[t - 1] ?? Number.NaN;
    const dust = 1e-9 * Math.max(1, Math.abs(equity));
    const finished = finishing && sleeves.some((sleeve) => sleeve.active && sleeveEnd(sleeve) === last && endedFlat(sleeve, time) && sleeve.runner.markedEquity > dust);
    if (scheduled || drift || starting || finished) {
      const actual = this.actual;
      const total = this.options.shared === null ? equity : this.shadowEquity();
      for (const sleeve of sleeves) actual[sleeve.index] = total !== 0 ? sleeve.runner.markedEquity / total : 0;
      const fired = (scheduled ? SCHEDULE : 0) | (drift ? allocator.driftBreaches(actual) : 0) | (starting ? SLEEVE_STARTED : 0) | (finished ? SLEEVE_FINISHED : 0);
      if (fired !== 0) this.rebalance(t, equity, total, allocator.decision(fired, actual, drift));
    }
    if (riskEnabled) risk.checkExposure(time, this.portfolioValue(), this.options.books, this.options.orders);
  }

  private shadowEquity(): number {
    let total = 0;
    for (const sleeve of this.options.sleeves) total += sleeve.runner.markedEquity;
    return total;
  }

  /** A rebalance at step `t` (data-driven schemes read the returns recorded up to step `t − 1`). */
  private rebalance(t: number, equity: number, whole: number, decision: RebalanceDecision): void {
    const changed = this.options.rebalancing.rebalance(t, equity, this.actual, whole, decision);
    if (this.options.voting !== null && changed) this.options.voting.reweighAfterNewWeights();
  }
}
