import type { ConflictEvent, OrchestratorResult, RebalanceEvent, RunConfig } from '@ensemble/orchestrator';
import type { BarSeries } from '@ensemble/protocol';
import type { ReportConflict, ReportInput, ReportRebalance, ReportSleeve } from '@ensemble/report';

/** Options of {@link orchestratorReportInput}. */
export interface RunReportOptions {
  /** Report title, e.g. the config's `name`. */
  readonly title: string;
  /** A line under the title, e.g. the data set and the mode. */
  readonly subtitle?: string | undefined;
  /** The configuration shown in the report (JSON-serialisable); default: the run's resolved config. */
  readonly config?: unknown;
  /** The benchmark to draw against the portfolio: its closes, labelled `<symbol> buy and hold`. */
  readonly benchmark?: BarSeries | undefined;
  /** ISO timestamp shown as the generation time; omit it for byte-identical reports. */
  readonly generatedAt?: string | undefined;
}

/** A signal strength as two decimals (`0.5` → `0.50`). */
function strength(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : String(value);
}

/** One strategy's wish in a conflict as text: `long 0.50`, `short 1.00` or `flat`. */
export function conflictSignalText(input: ConflictEvent['inputs'][number]): string {
  return input.direction === 'flat' ? 'flat' : `${input.direction} ${strength(input.strength)}`;
}

/** A conflict's outcome as text: `long 0.50` (the signed target's size), `flat`, plus the winner for `priority` and `first`. */
export function conflictOutcomeText(outcome: ConflictEvent['outcome']): string {
  const decision = outcome.direction === 'flat' ? 'flat' : `${outcome.direction} ${strength(Math.abs(outcome.target))}`;
  return outcome.winner === null ? decision : `${decision} (${outcome.winner} wins)`;
}

/** The orchestrator's rebalance schedule in words: `month`, `quarter`, `every 20 bars`, `never`. */
export function scheduleText(schedule: RunConfig['rebalance']['schedule']): string {
  return typeof schedule === 'object' ? `every ${schedule.everyBars} bars` : schedule;
}

/**
 * Why a rebalance happened, as text: `initial`, the schedule (`month`, `quarter`, `every 20 bars`),
 * `drift-absolute` or `drift-relative`, joined with ` + ` when several rules fired, and
 * `(warm-up weights)` while the allocation scheme lacked history.
 */
export function rebalanceReasonText(event: RebalanceEvent, config: RunConfig): string {
  const reasons = (event.reasons.length === 0 ? [event.reason] : event.reasons).map((reason) => (reason === 'schedule' ? scheduleText(config.rebalance.schedule) : reason));
  return `${reasons.join(' + ')}${event.warmup && event.reason !== 'initial' ? ' (warm-up weights)' : ''}`;
}

function conflictInput(event: ConflictEvent): ReportConflict {
  return {
    time: event.time,
    symbol: event.symbol,
    policy: event.policy,
    inputs: event.inputs.map((input) => ({ strategyId: input.strategyId, signal: conflictSignalText(input) })),
    outcome: conflictOutcomeText(event.outcome),
  };
}

function rebalanceInput(event: RebalanceEvent, config: RunConfig): ReportRebalance {
  return { time: event.time, reason: rebalanceReasonText(event, config), weightsBefore: event.weightsBefore, weightsAfter: event.weightsAfter };
}

/**
 * The `@ensemble/report` input of an orchestrator run: the portfolio's equity, metrics, trades and
 * fills; the benchmark's closes (if given); every sleeve with its equity, weight over time,
 * metrics, trades, fills, total contribution (`attribution.total.bySleeve`) and, when it was
 * isolated, its error; the monthly attribution; the sleeve correlation matrix and diversification
 * ratio; the rebalances (reasons as text), conflicts (signals as text, e.g. `long 0.50`), risk
 * events and, with crossing on, what crossing saved. Columns are passed as they are (not copied).
 */
export function orchestratorReportInput(result: OrchestratorResult, options: RunReportOptions): ReportInput {
  const total = result.attribution.total.bySleeve;
  const sleeves: ReportSleeve[] = result.sleeves.map((sleeve) => ({
    id: sleeve.id,
    strategy: sleeve.strategy,
    symbols: sleeve.symbols,
    equity: { time: sleeve.equity.time, equity: sleeve.equity.equity, cash: sleeve.equity.cash },
    weight: sleeve.weight,
    metrics: sleeve.metrics,
    trades: sleeve.trades,
    fills: sleeve.fills,
    contribution: total[sleeve.id] ?? 0,
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
      equity: { time: equity.time, equity: equity.equity, cash: equity.cash },
      metrics: result.portfolio.metrics,
      trades: result.portfolio.trades,
      fills: result.portfolio.fills,
    },
    ...(benchmark === undefined || benchmark.length === 0
      ? {}
      : { benchmark: { name: `${benchmark.symbol} buy and hold`, time: benchmark.time, value: benchmark.close } }),
    sleeves,
    attribution: { periods: result.attribution.monthly.map((period) => ({ label: period.label, bySleeve: period.bySleeve })) },
    correlation: result.correlation,
    diversificationRatio: result.diversificationRatio,
    rebalances: result.rebalances.map((event) => rebalanceInput(event, result.config)),
    conflicts: result.conflicts.map(conflictInput),
    risk: result.risk.map((event) => ({ time: event.time, kind: event.kind, detail: event.detail })),
    ...(result.crossing.enabled ? { crossing: { savedTurnover: result.crossing.savedTurnover, savedCommission: result.crossing.savedCommission } } : {}),
  };
}
