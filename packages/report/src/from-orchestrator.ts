import type { PerformanceResult } from '@ensemble/performance';
import { checkArguments, shapeIssue } from '@ensemble/protocol';
import type { BarSeries, Fill, Trade } from '@ensemble/protocol';
import { benchmarkOptionIssue, orchestratorSourceIssue, scheduleIssue } from './argument-checks';
import { formatPercent } from './format';
import type { NullableNumberColumn, NumberColumn, ReportConflict, ReportInput, ReportRebalance, ReportSleeve } from './report-input';

/** A rebalance schedule of a run config: a calendar period, `never`, or every N bars. */
export type RebalanceSchedule = string | { readonly everyBars: number };

/** What a report draws of a rebalance (the orchestrator's `RebalanceEvent` has these fields). */
export interface OrchestratorRebalanceSource {
  readonly time: number;
  readonly reason: string;
  readonly reasons: readonly string[];
  readonly warmup: boolean;
  /** Null while the portfolio is worth zero or less (a share of it is undefined). */
  readonly weightsBefore: Readonly<Record<string, number | null>>;
  readonly weightsAfter: Readonly<Record<string, number | null>>;
  /** Sleeves the allocation scheme could not estimate, with why (absent in results saved before it was recorded). */
  readonly unestimated?: Readonly<Record<string, string>> | undefined;
  /** Sleeves the `performance` scheme scored partly on their paper track (absent in results saved before it was recorded). */
  readonly onPaper?: readonly string[] | undefined;
  /** How the risk-parity solve converged (null for other schemes and warm-up; absent in results saved before it was read). */
  readonly convergence?: { readonly converged: boolean } | null | undefined;
  /** Sleeves whose capital stayed as it was: each held a position that could not trade at the move (absent in results saved before it was recorded). */
  readonly deferred?: readonly string[] | undefined;
  /** Sleeves whose transfer was not made because it would have cost at least what it moved (absent in results saved before it was recorded). */
  readonly belowCosts?: readonly string[] | undefined;
}

/** One strategy's wish in a conflict (the orchestrator's `ConflictEventInput`). */
export interface ConflictSignalSource {
  readonly strategyId: string;
  readonly direction: string;
  readonly strength: number;
}

/** A conflict's resolution (the orchestrator's `ConflictEvent['outcome']`). */
export interface ConflictOutcomeSource {
  readonly direction: string;
  /** Signed target exposure, −1..1. */
  readonly target: number;
  readonly winner: string | null;
}

/** An equity curve as columns. */
interface EquitySource {
  readonly time: NumberColumn;
  readonly equity: NumberColumn;
  readonly cash: NumberColumn;
  /** The portfolio's cash held by no sleeve (absent on a sleeve's curve). */
  readonly reserve?: NumberColumn | undefined;
  /** The value of every position held, longs and shorts alike (absent from results read back from files written before it was kept). */
  readonly grossExposure?: NumberColumn | undefined;
}

/**
 * The parts of an orchestrator run a report shows: an `OrchestratorResult` of
 * `@ensemble/orchestrator` is one, and so is what {@link parseResultJson} reads back from the
 * orchestrator's JSON result (`serializeOrchestratorResult`). Times are epoch ms.
 */
export interface OrchestratorReportSource {
  readonly config: { readonly rebalance: { readonly schedule: RebalanceSchedule }; readonly fill?: string | undefined; readonly mode?: string | undefined; readonly conflictPolicy?: string | undefined };
  readonly periodsPerYear: number;
  readonly portfolio: {
    readonly equity: EquitySource;
    readonly metrics: PerformanceResult;
    readonly trades: readonly Trade[];
    readonly fills: readonly Fill[];
  };
  readonly sleeves: readonly {
    readonly id: string;
    readonly strategy: string;
    readonly symbols: readonly string[];
    readonly equity: EquitySource;
    /** Sleeve equity / portfolio equity; NaN (in a `Float64Array`) or null where undefined. */
    readonly weight: NullableNumberColumn;
    readonly metrics: PerformanceResult;
    readonly trades: readonly Trade[];
    readonly fills: readonly Fill[];
    readonly error: string | null;
    /** Net cash the rebalances moved into the sleeve (negative: out), currency; absent in sources that lack it. */
    readonly netTransfers?: number | undefined;
  }[];
  readonly attribution: {
    readonly total: { readonly bySleeve: Readonly<Record<string, number | null>> };
    /** `portfolioReturn`: the portfolio's return over the month (absent in sources that lack it). */
    readonly monthly: readonly { readonly label: string; readonly bySleeve: Readonly<Record<string, number | null>>; readonly portfolioReturn?: number | null | undefined }[];
  };
  readonly correlation: { readonly ids: readonly string[]; readonly matrix: readonly (readonly (number | null)[])[] };
  readonly diversificationRatio: number | null;
  readonly rebalances: readonly OrchestratorRebalanceSource[];
  readonly conflicts: readonly {
    readonly time: number;
    readonly symbol: string;
    readonly policy: string;
    readonly inputs: readonly ConflictSignalSource[];
    readonly outcome: ConflictOutcomeSource;
  }[];
  readonly risk: readonly { readonly time: number; readonly kind: string; readonly detail: string }[];
  readonly crossing: { readonly enabled: boolean; readonly savedTurnover: number; readonly savedCommission: number; readonly savedSlippage?: number | undefined };
  /** Where and why trading halted (null: it did not; absent in sources that lack it). A margin call's halt is listed with the risk events. */
  readonly halted?: { readonly time: number; readonly reason: string } | null | undefined;
}

/** Options of {@link orchestratorReportInput}. */
export interface RunReportOptions {
  /** Report title, e.g. the config's `name`. */
  readonly title: string;
  /** A line under the title, e.g. the data set and the mode. */
  readonly subtitle?: string | undefined;
  /** The configuration shown in the report (JSON-serialisable); default: the run's resolved config. */
  readonly config?: unknown;
  /** The benchmark to draw against the portfolio: its closes, labelled `<symbol> buy and hold`. */
  readonly benchmark?: Pick<BarSeries, 'symbol' | 'length' | 'time' | 'close'> | undefined;
  /** ISO timestamp shown as the generation time; omit it for byte-identical reports. */
  readonly generatedAt?: string | undefined;
}

/** A signal strength as two decimals (`0.5` → `0.50`). */
function strength(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : String(value);
}

/** One strategy's wish in a conflict as text: `long 0.50`, `short 1.00` or `flat`. */
export function conflictSignalText(input: ConflictSignalSource): string {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('conflictSignalText', [shapeIssue(input, 'input', "a conflict input (a conflict event's inputs[i])", { direction: 'string' })]);
  return input.direction === 'flat' ? 'flat' : `${input.direction} ${strength(input.strength)}`;
}

/** A conflict's outcome as text: `long 0.50` (the signed target's size), `flat`, plus the winner for `priority` and `first`. */
export function conflictOutcomeText(outcome: ConflictOutcomeSource): string {
  checkArguments('conflictOutcomeText', [shapeIssue(outcome, 'outcome', "a conflict's outcome (a conflict event's outcome)", { direction: 'string' })]);
  const decision = outcome.direction === 'flat' ? 'flat' : `${outcome.direction} ${strength(Math.abs(outcome.target))}`;
  return outcome.winner === null ? decision : `${decision} (${outcome.winner} wins)`;
}

/** The orchestrator's rebalance schedule in words: `month`, `quarter`, `every 20 bars`, `never`. */
export function scheduleText(schedule: RebalanceSchedule): string {
  checkArguments('scheduleText', [scheduleIssue(schedule, 'schedule')]);
  return typeof schedule === 'object' ? `every ${schedule.everyBars} bars` : schedule;
}

/** Sleeves a rebalance's reason names before summing up the others (`+ 12 more`). */
const UNESTIMATED_NAMED = 3;

/**
 * Why a rebalance happened, as text: `initial`, the schedule (`month`, `quarter`, `every 20 bars`),
 * `drift-absolute` or `drift-relative`, joined with ` + ` when several rules fired, then
 * `(warm-up weights)` while the allocation scheme lacked history, or `(no estimate: a, b)` naming
 * the sleeves the scheme could not estimate and `(on paper: c)` those the `performance` scheme
 * scored partly on their paper track (the first three of each, then how many more),
 * `(risk parity did not converge: inverse volatility)` where its solve found no answer, and
 * `(deferred: d)` and `(below costs: e)` naming the sleeves whose capital did not move: one held
 * a position that could not trade at the move, the other's transfer would have cost at least
 * what it moved.
 */
export function rebalanceReasonText(
  event: Pick<OrchestratorRebalanceSource, 'reason' | 'reasons' | 'warmup' | 'unestimated' | 'onPaper' | 'convergence' | 'deferred' | 'belowCosts'>,
  config: OrchestratorReportSource['config'],
): string {
  checkArguments('rebalanceReasonText', [
    shapeIssue(event, 'event', "a rebalance event (an orchestrator result's rebalances[i])", { reasons: 'array' }),
    shapeIssue(config, 'config', "an orchestrator result's config (its rebalance schedule is read)", { rebalance: 'object' }),
  ]);
  const reasons = (event.reasons.length === 0 ? [event.reason] : event.reasons).map((reason) => (reason === 'schedule' ? scheduleText(config.rebalance.schedule) : reason));
  const unestimated = Object.keys(event.unestimated ?? {});
  const onPaper = event.onPaper ?? [];
  const notes =
    event.warmup && event.reason !== 'initial'
      ? ['warm-up weights']
      : [
          ...(unestimated.length > 0 ? [`no estimate: ${namedSleeves(unestimated)}`] : []),
          ...(onPaper.length > 0 ? [`on paper: ${namedSleeves(onPaper)}`] : []),
          ...(event.convergence?.converged === false ? ['risk parity did not converge: inverse volatility'] : []),
        ];
  const deferred = event.deferred ?? [];
  const belowCosts = event.belowCosts ?? [];
  if (deferred.length > 0) notes.push(`deferred: ${namedSleeves(deferred)}`);
  if (belowCosts.length > 0) notes.push(`below costs: ${namedSleeves(belowCosts)}`);
  return `${reasons.join(' + ')}${notes.map((note) => ` (${note})`).join('')}`;
}

/** The first {@link UNESTIMATED_NAMED} of `ids`, then how many more. */
function namedSleeves(ids: readonly string[]): string {
  const more = ids.length - UNESTIMATED_NAMED;
  return ids.slice(0, UNESTIMATED_NAMED).join(', ') + (more > 0 ? ` + ${String(more)} more` : '');
}

/**
 * A sleeve's weight column as the report takes it: as it is, unless it is a `Float64Array` with
 * NaN where the weight is undefined (the orchestrator's, when the portfolio was worth zero or
 * less), which becomes an array with null there.
 */
function weightColumn(column: NullableNumberColumn): NullableNumberColumn {
  if (!(column instanceof Float64Array) || !column.some(Number.isNaN)) return column;
  return Array.from(column, (value) => (Number.isNaN(value) ? null : value));
}

function conflictInput(event: OrchestratorReportSource['conflicts'][number]): ReportConflict {
  return {
    time: event.time,
    symbol: event.symbol,
    policy: event.policy,
    inputs: event.inputs.map((input) => ({ strategyId: input.strategyId, signal: conflictSignalText(input) })),
    outcome: conflictOutcomeText(event.outcome),
  };
}

function rebalanceInput(event: OrchestratorRebalanceSource, config: OrchestratorReportSource['config']): ReportRebalance {
  return { time: event.time, reason: rebalanceReasonText(event, config), weightsBefore: event.weightsBefore, weightsAfter: event.weightsAfter };
}

/**
 * The report input of an orchestrator run (an `OrchestratorResult`, or the same read back from its
 * JSON): the portfolio's equity, metrics, trades and
 * fills; the benchmark's closes (if given); every sleeve with its equity, weight over time,
 * metrics, trades, fills, total contribution (`attribution.total.bySleeve`) and, when it was
 * isolated, its error; the monthly attribution; the sleeve correlation matrix and diversification
 * ratio; the rebalances (reasons as text), conflicts (signals as text, e.g. `long 0.50`), risk
 * events and, with crossing on, what crossing saved. Columns are passed as they are (not copied).
 */
export function orchestratorReportInput(result: OrchestratorReportSource, options: RunReportOptions): ReportInput {
  // From JavaScript the arguments can be anything: a wrong one failed inside as a TypeError.
  checkArguments('orchestratorReportInput', [
    orchestratorSourceIssue(result),
    shapeIssue(options, 'options', 'an object with title (a string) and optionally subtitle, config, benchmark and generatedAt', { title: 'string' }) ??
      benchmarkOptionIssue((options as { benchmark?: unknown }).benchmark),
  ]);
  const total = result.attribution.total.bySleeve;
  const sleeves: ReportSleeve[] = result.sleeves.map((sleeve) => ({
    id: sleeve.id,
    strategy: sleeve.strategy,
    symbols: sleeve.symbols,
    equity: { time: sleeve.equity.time, equity: sleeve.equity.equity, cash: sleeve.equity.cash },
    weight: weightColumn(sleeve.weight),
    metrics: sleeve.metrics,
    trades: sleeve.trades,
    fills: sleeve.fills,
    contribution: total[sleeve.id] ?? 0,
    // Only sleeves mode moves capital between sleeves: shared mode's sleeves are shadows.
    ...(sleeve.netTransfers === undefined || result.config.mode === 'shared' ? {} : { netTransfers: sleeve.netTransfers }),
    ...(sleeve.error === null ? {} : { error: sleeve.error }),
  }));
  const benchmark = options.benchmark;
  const equity = result.portfolio.equity;
  return {
    title: options.title,
    ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle }),
    ...(options.generatedAt === undefined ? {} : { generatedAt: options.generatedAt }),
    config: options.config ?? result.config,
    periodsPerYear: result.periodsPerYear,
    portfolio: {
      // The reserve adds up with the sleeves in sleeves mode only: shared mode's sleeves are shadows.
      equity: {
        time: equity.time,
        equity: equity.equity,
        cash: equity.cash,
        ...(equity.reserve === undefined || result.config.mode === 'shared' ? {} : { reserve: equity.reserve }),
        ...(equity.grossExposure === undefined ? {} : { grossExposure: equity.grossExposure }),
      },
      metrics: result.portfolio.metrics,
      trades: result.portfolio.trades,
      fills: result.portfolio.fills,
    },
    ...(benchmark === undefined || benchmark.length === 0
      ? {}
      : { benchmark: { name: `${benchmark.symbol} buy and hold`, time: benchmark.time, value: benchmark.close } }),
    sleeves,
    attribution: {
      periods: result.attribution.monthly.map((period) => ({
        label: period.label,
        bySleeve: period.bySleeve,
        ...(period.portfolioReturn === undefined ? {} : { portfolioReturn: period.portfolioReturn }),
      })),
    },
    correlation: result.correlation,
    diversificationRatio: result.diversificationRatio,
    rebalances: result.rebalances.map((event) => rebalanceInput(event, result.config)),
    ...rebalanceNoteOf(result),
    ...sleevesNoteOf(result),
    conflicts: result.conflicts.map(conflictInput),
    risk: [...result.risk.map((event) => ({ time: event.time, kind: event.kind, detail: event.detail })), ...marginCallOf(result)],
    ...(result.crossing.enabled
      ? {
          crossing: {
            savedTurnover: result.crossing.savedTurnover,
            savedCommission: result.crossing.savedCommission,
            ...(result.crossing.savedSlippage === undefined ? {} : { savedSlippage: result.crossing.savedSlippage }),
          },
        }
      : {}),
  };
}

/**
 * A run halted by a margin call, as a risk event (the drawdown stop's halt is one already): the
 * shared account, or in sleeves mode the portfolio as a whole, worth less than nothing at a close.
 */
function marginCallOf(result: OrchestratorReportSource): { time: number; kind: string; detail: string }[] {
  const halted = result.halted;
  if (halted?.reason !== 'margin-call') return [];
  const what = result.config.mode === 'shared' ? 'the shared account was' : 'the portfolio as a whole (its sleeves and reserve together) was';
  return [{ time: halted.time, kind: 'margin-call', detail: `margin call: ${what} worth less than nothing at this close; every position closed at the close, trading halted` }];
}

/** A fraction as a signed percentage: `+12.34%`, `-0.50%`. */
function signedPercent(value: number): string {
  return `${value > 0 ? '+' : ''}${formatPercent(value)}`;
}

/**
 * What the sleeve columns of a shared run are: shadows, each strategy trading its own signals on
 * its share of the capital, whose contributions do not add up to the portfolio's return — the
 * conflict policy decided what the one account held. Nothing in sleeves mode.
 */
function sleevesNoteOf(result: OrchestratorReportSource): { sleevesNote?: string } {
  if (result.config.mode !== 'shared') return {};
  const note =
    'Shared mode: the strategy columns are shadow sleeves — each strategy trading its own signals alone on its share of the capital — not positions the portfolio held; the portfolio held what the conflict policy made of their signals. Their weights are shares of the shadows\' total equity.';
  const contributions = Object.values(result.attribution.total.bySleeve);
  const portfolioReturn = result.portfolio.metrics.metrics.totalReturn;
  if (portfolioReturn === null || contributions.some((value) => value === null)) return { sleevesNote: note };
  const sum = contributions.reduce<number>((total, value) => total + (value ?? 0), 0);
  return {
    sleevesNote: `${note} Their contributions sum to ${signedPercent(sum)}, while the portfolio made ${signedPercent(portfolioReturn)} (residual ${signedPercent(portfolioReturn - sum)}).`,
  };
}

/**
 * What the rebalance table's reader needs to know about when and whether capital moved: with
 * next-open fills (sleeves mode) a rebalance decided at a close moves its capital at the next
 * open; in shared mode no capital moves at all, and only the `net` policy reads the weights.
 */
function rebalanceNoteOf(result: OrchestratorReportSource): { rebalanceNote?: string } {
  const { config } = result;
  if (result.rebalances.length === 0) return {};
  if (config.mode === 'shared') {
    return {
      rebalanceNote:
        config.conflictPolicy === 'net'
          ? 'Shared mode: a rebalance sets the weights the "net" policy merges the signals with; no capital moves (the shadow sleeves are never rebalanced).'
          : `Shared mode: a rebalance moves no capital (the shadow sleeves are never rebalanced), and the "${config.conflictPolicy ?? '?'}" policy does not use these weights; only "net" does.`,
    };
  }
  return config.fill === 'next-open' ? { rebalanceNote: 'Weights are decided at the close of each date; the capital moves at the next open, where the transfer orders fill.' } : {};
}
