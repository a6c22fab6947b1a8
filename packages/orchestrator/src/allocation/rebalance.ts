import { ConfigError, calendarPeriodKey } from '@ensemble/protocol';
import type { CALENDAR_PERIODS } from './config';

/** A calendar period of a rebalance schedule, in UTC (weeks start on Monday, as ISO 8601). */
export type RebalancePeriod = (typeof CALENDAR_PERIODS)[number];

/** A rebalance schedule: never, a calendar period, or every N bars from the first bar. */
export type RebalanceSchedule = 'never' | RebalancePeriod | { readonly everyBars: number };

/** Drift bands (fractions of portfolio equity for `absolute`, of the target for `relative`). */
export interface DriftBands {
  readonly absolute?: number | undefined;
  readonly relative?: number | undefined;
}

/** The rule {@link needsRebalance} applies; a parsed `RebalanceConfigSchema` fits. */
export interface RebalanceRuleConfig {
  readonly schedule: RebalanceSchedule;
  readonly drift?: DriftBands | undefined;
}

/** Where the run is when it asks {@link needsRebalance}. */
export interface RebalanceState {
  /** Index of the current bar from the start of the run (0 = the first bar). */
  readonly step: number;
  /** Epoch ms (UTC) of the current bar. */
  readonly time: number;
  /** Epoch ms of the previous bar of the run; needed by calendar schedules after the first bar. */
  readonly previousTime?: number | undefined;
  /** Each sleeve's current weight (sleeve equity / portfolio equity); needed by drift bands. */
  readonly actualWeights?: ArrayLike<number> | undefined;
  /** Each sleeve's target weight after constraints; needed by drift bands. */
  readonly targetWeights?: ArrayLike<number> | undefined;
}

/**
 * Why a rebalance fires: `initial` (the first bar always allocates), `schedule`, a drift band
 * (`drift-absolute`, `drift-relative`), or `sleeve-started` (the orchestrator's sleeves mode: the
 * first bar of a sleeve none of whose symbols had a bar before, which had no capital until then).
 */
export type RebalanceReason = 'initial' | 'schedule' | 'drift-absolute' | 'drift-relative' | 'sleeve-started' | 'sleeve-finished';

/** The largest drifts between actual and target weights, and the sleeves (indices) that have them. */
export interface DriftMeasure {
  /** `max |actual − target|`. */
  readonly absolute: number;
  readonly absoluteSleeve: number;
  /** `max |actual / target − 1|`; +∞ for a sleeve with target 0 and a non-zero weight. */
  readonly relative: number;
  readonly relativeSleeve: number;
}

/** What {@link needsRebalance} decided, for the run loop and its logs. */
export interface RebalanceDecision {
  readonly rebalance: boolean;
  /** The first rule that fired, in the order initial, schedule, drift-absolute, drift-relative, sleeve-started. */
  readonly reason: RebalanceReason | null;
  /** Every rule that fired on this bar. */
  readonly reasons: readonly RebalanceReason[];
  /** Drift measured on this bar; `null` without drift bands or on the first bar. */
  readonly drift: DriftMeasure | null;
}

function invalid(path: string, message: string): never {
  throw new ConfigError([{ path, message }], { source: 'needsRebalance' });
}

function scheduleFires(schedule: RebalanceSchedule, state: RebalanceState): boolean {
  if (schedule === 'never') return false;
  if (typeof schedule === 'object') {
    const every = schedule.everyBars;
    if (!Number.isInteger(every) || every < 1) invalid('schedule.everyBars', `must be an integer ≥ 1, got ${every}`);
    return state.step % every === 0;
  }
  const previous = state.previousTime;
  if (previous === undefined || !Number.isFinite(previous)) {
    invalid('previousTime', `the "${schedule}" schedule needs the previous bar's time after the first bar (step ${state.step})`);
  }
  return calendarPeriodKey(state.time, schedule) !== calendarPeriodKey(previous, schedule);
}

/**
 * The largest drifts between `actual` and `target` weights (one per sleeve) and the sleeves that
 * have them; throws `ConfigError` when their lengths differ.
 */
export function measureDrift(actual: ArrayLike<number>, target: ArrayLike<number>): DriftMeasure {
  if (actual.length !== target.length) {
    invalid('actualWeights', `has ${actual.length} weights but targetWeights has ${target.length}; give one per sleeve`);
  }
  let absolute = 0;
  let absoluteSleeve = -1;
  let relative = 0;
  let relativeSleeve = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] ?? Number.NaN;
    const t = target[i] ?? Number.NaN;
    const gap = Math.abs(a - t);
    const ratio = t === 0 ? (a === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(a / t - 1);
    if (gap > absolute || absoluteSleeve === -1) {
      absolute = gap;
      absoluteSleeve = i;
    }
    if (ratio > relative || relativeSleeve === -1) {
      relative = ratio;
      relativeSleeve = i;
    }
  }
  return { absolute, absoluteSleeve, relative, relativeSleeve };
}

/**
 * Decides whether the orchestrator rebalances between sleeves on this bar. The first bar
 * (`step` 0) always does (`initial`). After it: `never` never fires on schedule; `{ everyBars: N }`
 * fires when `step` is a multiple of N (counted from the first bar, not from the last rebalance);
 * a calendar period fires on the first bar whose UTC period differs from the previous bar's (so a
 * holiday on the 1st moves it to the next trading day). Drift bands, checked on every later bar,
 * fire when any sleeve has `|actual − target| > absolute` or `|actual / target − 1| > relative`
 * (a zero target with a non-zero weight counts as infinite relative drift). Rules combine with
 * "or"; the decision lists every rule that fired.
 */
export function needsRebalance(rule: RebalanceRuleConfig, state: RebalanceState): RebalanceDecision {
  if (!Number.isInteger(state.step) || state.step < 0) invalid('step', `must be an integer ≥ 0, got ${state.step}`);
  if (state.step === 0) return { rebalance: true, reason: 'initial', reasons: ['initial'], drift: null };
  const reasons: RebalanceReason[] = [];
  if (scheduleFires(rule.schedule, state)) reasons.push('schedule');
  let drift: DriftMeasure | null = null;
  const bands = rule.drift;
  if (bands !== undefined && (bands.absolute !== undefined || bands.relative !== undefined)) {
    const { actualWeights, targetWeights } = state;
    if (actualWeights === undefined || targetWeights === undefined) {
      invalid('actualWeights', 'drift bands need both actualWeights and targetWeights on every bar after the first');
    }
    drift = measureDrift(actualWeights, targetWeights);
    if (bands.absolute !== undefined && drift.absolute > bands.absolute) reasons.push('drift-absolute');
    if (bands.relative !== undefined && drift.relative > bands.relative) reasons.push('drift-relative');
  }
  return { rebalance: reasons.length > 0, reason: reasons[0] ?? null, reasons, drift };
}
