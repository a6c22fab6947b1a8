import type { Logger } from '@ensemble/protocol';
import { InvariantError, calendarPeriodKey, isoTime, noopLogger } from '@ensemble/protocol';
import { allocateCapital } from '../allocation/allocate-capital';
import { measureDrift } from '../allocation/rebalance';
import type { RebalanceDecision, RebalanceReason } from '../allocation/rebalance';
import type { ConstraintStatus } from '../allocation/constraints';
import type { RiskParityConvergence } from '../allocation/risk-parity';
import { DEFAULT_MIN_INVESTED, investedNeeded } from '../allocation/schemes';
import type { AllocationResult, AllocationScheme, CustomAllocation, UnestimatedReason } from '../allocation/schemes';
import type { RunConfig } from '../config';

/** Rule bit of {@link Allocator.decision}: the schedule fired. */
export const SCHEDULE = 1;
/** Rule bit: an absolute drift band was breached. */
export const DRIFT_ABSOLUTE = 2;
/** Rule bit: a relative drift band was breached. */
export const DRIFT_RELATIVE = 4;
/** Rule bit: a sleeve whose symbols had no bar before has its first bar (sleeves mode). */
export const SLEEVE_STARTED = 8;
/** Rule bit: a sleeve whose symbols have all had their last bar holds no position any more (sleeves mode). */
export const SLEEVE_FINISHED = 16;

/** Target weights of one allocation, with what the scheme reported. */
export interface AllocationOutcome {
  /** One weight per sleeve (0 for inactive sleeves), fractions of portfolio equity. */
  readonly weights: Float64Array;
  readonly warmup: boolean;
  readonly status: ConstraintStatus;
  readonly convergence: RiskParityConvergence | null;
  /** Sleeves (ids) the scheme could not estimate, with why (a rebalance event's `unestimated`). */
  readonly unestimated: Readonly<Record<string, UnestimatedReason>>;
}

/** No sleeve without an estimate: one object for every rebalance that has none. */
const NONE_UNESTIMATED: Readonly<Record<string, UnestimatedReason>> = Object.freeze({});

/**
 * Computes target weights across sleeves from their return history up to the previous bar and
 * decides, allocation-free on ordinary bars, whether a rebalance is due.
 *
 * Every scheme's weights come from `allocateCapital` (the one dispatcher over the schemes, then the
 * constraints) over the active sleeves only (its warm-up rule: until `minHistory` returns exist,
 * the fixed weights when every strategy has one, equal weights otherwise). `fixed` weights are
 * targets as given there: the rest stays in the reserve, and an isolated sleeve's weight is not
 * given to the others.
 *
 * Whether a rebalance is due is decided once per bar, here: the schedule ({@link scheduleFires})
 * and the drift bands ({@link driftBreaches}) give the rules that fired, and {@link decision}
 * turns them into the event's reasons without deciding again.
 */
export class Allocator {
  /** The scheme in use (`custom` when a function was given). */
  readonly scheme: AllocationScheme;
  /** The latest target weights (initially the start allocation). */
  targets: Float64Array;
  private readonly config: RunConfig;
  private readonly ids: readonly string[];
  private readonly fixed: Float64Array | null;
  private readonly custom: CustomAllocation | undefined;
  private readonly periodsPerYear: number;
  private readonly logger: Logger;
  private previousKey = Number.NaN;

  constructor(config: RunConfig, custom: CustomAllocation | undefined, periodsPerYear: number, logger: Logger) {
    this.config = config;
    this.ids = config.strategies.map((entry) => entry.id);
    const weights = config.strategies.map((entry) => entry.weight);
    this.fixed = weights.every((weight) => weight !== undefined) ? Float64Array.from(weights) : null;
    this.custom = custom;
    this.scheme = custom === undefined ? config.allocation.scheme : 'custom';
    this.periodsPerYear = periodsPerYear;
    this.logger = logger;
    this.targets = new Float64Array(this.ids.length);
  }

  /** Whether the scheme reads the sleeves' returns (every scheme but `equal` and `fixed`). */
  get needsReturns(): boolean {
    return this.scheme !== 'equal' && this.scheme !== 'fixed';
  }

  /**
   * Whether the scheme reads the sleeves' whole return history (`custom`: a user's function may
   * read any of it); the built-in schemes read only the trailing window of {@link Allocator.lookback}.
   */
  get needsHistory(): boolean {
    return this.scheme === 'custom';
  }

  /** Bars of the trailing window the built-in data-driven schemes read. */
  get lookback(): number {
    return this.config.allocation.lookback;
  }

  /**
   * Target weights from `returns` (one column per sleeve, the first `length` entries valid; null
   * columns are allowed when the scheme reads no returns) at bar `time`; `observed` is how many
   * returns there have been in all (more than `length` when the columns hold a trailing window).
   */
  compute(returns: readonly (Float64Array | null)[], length: number, active: readonly boolean[], time: number, observed = length): AllocationOutcome {
    const n = this.ids.length;
    const weights = new Float64Array(n);
    const indices: number[] = [];
    for (let i = 0; i < n; i++) if (active[i] === true) indices.push(i);
    if (indices.length === 0) return { weights, warmup: false, status: 'capped', convergence: null, unestimated: NONE_UNESTIMATED };
    const allocation = this.config.allocation;
    const fixed = this.fixed;
    const { allocation: raw, constrained } = allocateCapital(
      { returns: indices.map((i) => returns[i] ?? new Float64Array(length)), length, observed },
      { ...allocation, scheme: this.scheme },
      {
        fixedWeights: fixed === null ? undefined : indices.map((i) => fixed[i] ?? 0),
        custom: this.custom,
        periodsPerYear: this.periodsPerYear,
        sleeveIds: indices.map((i) => this.ids[i] ?? ''),
        time,
      },
    );
    indices.forEach((i, a) => {
      weights[i] = constrained.weights[a] ?? 0;
    });
    if (raw.unestimated.length > 0 && this.logger !== noopLogger) this.logUnestimated(raw, indices, time);
    if (raw.convergence !== null && !raw.convergence.converged) {
      this.logger.warn(
        { event: 'risk-parity-not-converged', time: new Date(time).toISOString(), ...raw.convergence },
        'risk parity did not converge: some long-only mix of the sleeves had no variance over the window (as a lookback of fewer returns than sleeves always gives), so no weights give equal risk contributions; inverse-volatility weights were used',
      );
    }
    return { weights, warmup: raw.warmup, status: constrained.status, convergence: raw.convergence, unestimated: this.unestimatedOf(raw, indices) };
  }

  /** `raw.unestimated` (positions among the active sleeves `indices`) as sleeve id → why. */
  private unestimatedOf(raw: AllocationResult, indices: readonly number[]): Readonly<Record<string, UnestimatedReason>> {
    if (raw.unestimated.length === 0) return NONE_UNESTIMATED;
    const out: Record<string, UnestimatedReason> = {};
    raw.unestimated.forEach((position, k) => {
      out[this.ids[indices[position] ?? -1] ?? ''] = raw.unestimatedReasons[k] ?? 'non-finite';
    });
    return out;
  }

  /**
   * One `sleeve-unestimated` event per sleeve the scheme could not estimate (`raw.unestimated`,
   * positions among the active sleeves `indices`): why, from how many non-zero returns of the
   * window, and the share it got instead.
   */
  private logUnestimated(raw: AllocationResult, indices: readonly number[], time: number): void {
    const minInvested = this.config.allocation.minInvested ?? DEFAULT_MIN_INVESTED;
    const n = indices.length;
    const needed = investedNeeded(minInvested, raw.window);
    const instead = `it gets the neutral share 1/${String(n)}`;
    const estimateOf = raw.scheme === 'performance' ? 'its Sharpe ratio' : 'its volatility';
    raw.unestimated.forEach((position, k) => {
      const id = this.ids[indices[position] ?? -1] ?? '';
      const why: UnestimatedReason = raw.unestimatedReasons[k] ?? 'non-finite';
      const invested = raw.invested?.[position] ?? null;
      const estimate = raw.estimates?.[position] ?? null;
      const detail =
        why === 'rarely-invested'
          ? `a non-zero return on ${String(invested)} of its last ${String(raw.window)} bars (in cash on the others), fewer than the ${String(needed)} (minInvested ${String(minInvested)}) an estimate of ${estimateOf} needs`
          : why === 'no-risk'
            ? `its returns over the last ${String(raw.window)} bars vary by σ ≤ 1e-13 per bar`
            : why === 'non-finite'
              ? `a return in its last ${String(raw.window)} bars is not finite`
              : `fewer than 2 returns in its window`;
      this.logger.info(
        {
          event: 'sleeve-unestimated',
          strategy: id,
          time: isoTime(time),
          scheme: raw.scheme,
          why,
          window: raw.window,
          invested,
          ...(why === 'rarely-invested' ? { needed, minInvested } : {}),
          estimate,
          weight: raw.weights[position] ?? null,
        },
        `sleeve ${id}: ${detail}; ${instead} (before constraints)`,
      );
    });
  }

  /** Whether drift bands are configured. */
  get hasDrift(): boolean {
    return this.config.rebalance.drift !== undefined;
  }

  /**
   * True when the schedule fires at `step` (never at step 0: the start allocation covers it).
   * Call it on every step in order: calendar schedules remember the previous step's period.
   */
  scheduleFires(time: Float64Array, step: number): boolean {
    const schedule = this.config.rebalance.schedule;
    if (schedule === 'never') return false;
    if (typeof schedule === 'object') return step > 0 && step % schedule.everyBars === 0;
    const key = calendarPeriodKey(time[step] ?? 0, schedule);
    const previous = this.previousKey;
    this.previousKey = key;
    return step > 0 && key !== previous;
  }

  /**
   * The drift bands `actual` breaches against the current targets, as {@link DRIFT_ABSOLUTE} and
   * {@link DRIFT_RELATIVE} bits (0: none, or no bands). Allocation-free: it runs on every bar.
   */
  driftBreaches(actual: Float64Array): number {
    const drift = this.config.rebalance.drift;
    if (drift === undefined) return 0;
    const targets = this.targets;
    let fired = 0;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i] ?? 0;
      const t = targets[i] ?? 0;
      if (drift.absolute !== undefined && Math.abs(a - t) > drift.absolute) fired |= DRIFT_ABSOLUTE;
      if (drift.relative !== undefined) {
        const ratio = t === 0 ? (a === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(a / t - 1);
        if (ratio > drift.relative) fired |= DRIFT_RELATIVE;
      }
    }
    return fired;
  }

  /**
   * The decision for the event and the logs from the rules that `fired` ({@link SCHEDULE},
   * {@link DRIFT_ABSOLUTE}, {@link DRIFT_RELATIVE}, {@link SLEEVE_STARTED}, {@link SLEEVE_FINISHED} bits), with the drift of `actual` against the
   * current targets measured when drift bands are checked (`withDrift`).
   */
  decision(fired: number, actual: Float64Array, withDrift: boolean): RebalanceDecision {
    const reasons: RebalanceReason[] = [];
    if ((fired & SCHEDULE) !== 0) reasons.push('schedule');
    if ((fired & DRIFT_ABSOLUTE) !== 0) reasons.push('drift-absolute');
    if ((fired & DRIFT_RELATIVE) !== 0) reasons.push('drift-relative');
    if ((fired & SLEEVE_STARTED) !== 0) reasons.push('sleeve-started');
    if ((fired & SLEEVE_FINISHED) !== 0) reasons.push('sleeve-finished');
    const reason = reasons[0];
    if (reason === undefined) throw new InvariantError('a rebalance was started although no rule fired');
    return { rebalance: true, reason, reasons, drift: withDrift && this.hasDrift ? measureDrift(actual, this.targets) : null };
  }
}
