import type { FillJson, JsonArrayMaker, JsonListMaker, OpenPositionJson, TradeJson, WithJsonRows } from '@ensemble/engine';
import { isoTimeFormatter, jsonArrays, jsonRows } from '@ensemble/engine';
import { fillJson, openPositionJson, tradeJson } from '@ensemble/engine/internal';
import type { DrawdownPeriod, PerformanceResult, PeriodReturn } from '@ensemble/performance';
import type { Attribution } from '../attribution';
import type { AllocationScheme } from '../allocation/schemes';
import type { CapitalMode, RunConfig } from '../config';
import type {
  ConflictEvent,
  CrossingSummary,
  IsolatedEvent,
  OrchestratorOrderStats,
  OrchestratorResult,
  RebalanceEvent,
  RiskEvent,
  SleeveCorrelation,
  SleeveResult,
} from '../result';

/** A fill in JSON: ISO time (the engine's `FillJson`). */
export type OrchestratorFillJson = FillJson;
/** A trade in JSON: ISO times (the engine's `TradeJson`). */
export type OrchestratorTradeJson = TradeJson;
/** A drawdown episode in JSON: ISO times. */
export type DrawdownPeriodJson = Omit<DrawdownPeriod, 'peak' | 'trough' | 'recovery'> & {
  readonly peak: string;
  readonly trough: string;
  readonly recovery: string | null;
};
/** A calendar period return in JSON: ISO times. */
export type PeriodReturnJson = Omit<PeriodReturn, 'start' | 'end'> & { readonly start: string; readonly end: string };
/** Metrics in JSON: ISO times. */
export type PerformanceResultJson = Omit<PerformanceResult, 'start' | 'end' | 'maxDrawdownPeriod' | 'drawdowns' | 'monthlyReturns' | 'yearlyReturns'> & {
  readonly start: string | null;
  readonly end: string | null;
  readonly maxDrawdownPeriod: DrawdownPeriodJson | null;
  readonly drawdowns: readonly DrawdownPeriodJson[];
  readonly monthlyReturns: readonly PeriodReturnJson[];
  readonly yearlyReturns: readonly PeriodReturnJson[];
};

/** One point of the portfolio curve in JSON. */
export interface PortfolioPointJson {
  readonly time: string;
  readonly equity: number;
  readonly cash: number;
  readonly reserve: number;
  readonly grossExposure: number;
  readonly netExposure: number;
}

/** One point of a sleeve curve in JSON; `weight`, `return` and `contribution` are null where undefined. */
export interface SleevePointJson {
  readonly time: string;
  readonly equity: number;
  readonly cash: number;
  readonly grossExposure: number;
  readonly weight: number | null;
  readonly return: number | null;
  readonly contribution: number | null;
}

/** A sleeve in JSON. */
export type SleeveResultJson = Omit<SleeveResult, 'equity' | 'weight' | 'returns' | 'contribution' | 'fills' | 'trades' | 'openPositions' | 'rebalances' | 'metrics'> & {
  readonly equity: readonly SleevePointJson[];
  readonly fills: readonly OrchestratorFillJson[];
  readonly trades: readonly OrchestratorTradeJson[];
  readonly openPositions: readonly OpenPositionJson[];
  readonly rebalances: readonly string[];
  readonly metrics: PerformanceResultJson;
};

/** The documented, versioned JSON form of an {@link OrchestratorResult}. */
export interface OrchestratorResultJson {
  /** Format version of this JSON form. */
  readonly version: 1;
  readonly kind: 'orchestrator';
  readonly config: RunConfig;
  readonly runId: string;
  readonly mode: CapitalMode;
  readonly allocationScheme: AllocationScheme;
  readonly symbols: readonly string[];
  readonly bars: number;
  readonly startTime: string | null;
  readonly endTime: string | null;
  readonly periodsPerYear: number;
  readonly initialCash: number;
  readonly finalCash: number;
  readonly finalEquity: number;
  readonly portfolio: {
    readonly equity: readonly PortfolioPointJson[];
    readonly metrics: PerformanceResultJson;
    readonly fills: readonly OrchestratorFillJson[];
    readonly trades: readonly OrchestratorTradeJson[];
    readonly openPositions: readonly OpenPositionJson[];
    readonly totalCommission: number;
    readonly totalSlippage: number;
    readonly orders: OrchestratorOrderStats;
  };
  readonly sleeves: readonly SleeveResultJson[];
  readonly attribution: {
    readonly total: AttributionPeriodJson;
    readonly monthly: readonly AttributionPeriodJson[];
    readonly yearly: readonly AttributionPeriodJson[];
  };
  readonly correlation: SleeveCorrelation;
  readonly diversificationRatio: number | null;
  readonly rebalances: readonly (Omit<RebalanceEvent, 'time'> & { readonly time: string })[];
  readonly conflicts: readonly (Omit<ConflictEvent, 'time'> & { readonly time: string })[];
  readonly risk: readonly (Omit<RiskEvent, 'time'> & { readonly time: string })[];
  readonly isolated: readonly (Omit<IsolatedEvent, 'time'> & { readonly time: string })[];
  readonly crossing: CrossingSummary;
  readonly halted: { readonly time: string; readonly reason: 'drawdown' | 'margin-call' } | null;
}

/** An attribution period in JSON: ISO times. */
export interface AttributionPeriodJson {
  readonly label: string;
  readonly start: string;
  readonly end: string;
  readonly bars: number;
  readonly portfolioReturn: number | null;
  readonly bySleeve: Readonly<Record<string, number | null>>;
  readonly residual: number | null;
}

type Format = (time: number) => string;

function drawdownJson(period: DrawdownPeriod, format: Format): DrawdownPeriodJson {
  return { ...period, peak: format(period.peak), trough: format(period.trough), recovery: period.recovery === null ? null : format(period.recovery) };
}

function periodJson(period: PeriodReturn, format: Format): PeriodReturnJson {
  return { ...period, start: format(period.start), end: format(period.end) };
}

function metricsJson(result: PerformanceResult, format: Format, list: JsonListMaker): WithJsonRows<PerformanceResultJson> {
  return {
    ...result,
    start: result.start === null ? null : format(result.start),
    end: result.end === null ? null : format(result.end),
    maxDrawdownPeriod: result.maxDrawdownPeriod === null ? null : drawdownJson(result.maxDrawdownPeriod, format),
    drawdowns: list(result.drawdowns, (period) => drawdownJson(period, format)),
    monthlyReturns: list(result.monthlyReturns, (period) => periodJson(period, format)),
    yearlyReturns: list(result.yearlyReturns, (period) => periodJson(period, format)),
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function sleeveJson(sleeve: SleeveResult, format: Format, list: JsonListMaker): WithJsonRows<SleeveResultJson> {
  const curve = sleeve.equity;
  return {
    id: sleeve.id,
    strategy: sleeve.strategy,
    kind: sleeve.kind,
    params: sleeve.params,
    symbols: sleeve.symbols,
    shadow: sleeve.shadow,
    initialCash: sleeve.initialCash,
    finalCash: sleeve.finalCash,
    finalEquity: sleeve.finalEquity,
    netTransfers: sleeve.netTransfers,
    totalCommission: sleeve.totalCommission,
    totalSlippage: sleeve.totalSlippage,
    droppedOrders: sleeve.droppedOrders,
    shrunkOrders: sleeve.shrunkOrders,
    rejectedOrders: sleeve.rejectedOrders,
    isolated: sleeve.isolated,
    error: sleeve.error,
    equity: list(curve.time, (time, t): SleevePointJson => ({
      time: format(time),
      equity: curve.equity[t] ?? Number.NaN,
      cash: curve.cash[t] ?? Number.NaN,
      grossExposure: curve.grossExposure[t] ?? Number.NaN,
      weight: finiteOrNull(sleeve.weight[t] ?? Number.NaN),
      return: finiteOrNull(sleeve.returns[t] ?? Number.NaN),
      contribution: finiteOrNull(sleeve.contribution[t] ?? Number.NaN),
    })),
    fills: list(sleeve.fills, (fill) => fillJson(fill, format)),
    trades: list(sleeve.trades, (trade) => tradeJson(trade, format)),
    openPositions: list(sleeve.openPositions, (position) => openPositionJson(position, format)),
    rebalances: list(sleeve.rebalances, format),
    metrics: metricsJson(sleeve.metrics, format, list),
  };
}

/** The JSON form of `result` with its lists made by `list`: plain arrays (`jsonArrays`, no JsonRows), or lazy rows to stream. */
function orchestratorJsonForm(result: OrchestratorResult, list: JsonArrayMaker): OrchestratorResultJson;
function orchestratorJsonForm(result: OrchestratorResult, list: JsonListMaker): OrchestratorResultJsonRows;
function orchestratorJsonForm(result: OrchestratorResult, list: JsonListMaker): OrchestratorResultJsonRows {
  const curve = result.portfolio.equity;
  const format = isoTimeFormatter(curve.time);
  const attribution = (period: Attribution['total']): AttributionPeriodJson => ({
    ...period,
    start: format(period.start),
    end: format(period.end),
  });
  return {
    version: 1,
    kind: 'orchestrator',
    config: result.config,
    runId: result.runId,
    mode: result.mode,
    allocationScheme: result.allocationScheme,
    symbols: result.symbols,
    bars: result.bars,
    startTime: result.startTime === null ? null : format(result.startTime),
    endTime: result.endTime === null ? null : format(result.endTime),
    periodsPerYear: result.periodsPerYear,
    initialCash: result.initialCash,
    finalCash: result.finalCash,
    finalEquity: result.finalEquity,
    portfolio: {
      equity: list(curve.time, (time, t): PortfolioPointJson => ({
        time: format(time),
        equity: curve.equity[t] ?? Number.NaN,
        cash: curve.cash[t] ?? Number.NaN,
        reserve: curve.reserve[t] ?? Number.NaN,
        grossExposure: curve.grossExposure[t] ?? Number.NaN,
        netExposure: curve.netExposure[t] ?? Number.NaN,
      })),
      metrics: metricsJson(result.portfolio.metrics, format, list),
      fills: list(result.portfolio.fills, (fill) => fillJson(fill, format)),
      trades: list(result.portfolio.trades, (trade) => tradeJson(trade, format)),
      openPositions: list(result.portfolio.openPositions, (position) => openPositionJson(position, format)),
      totalCommission: result.portfolio.totalCommission,
      totalSlippage: result.portfolio.totalSlippage,
      orders: result.portfolio.orders,
    },
    sleeves: result.sleeves.map((sleeve) => sleeveJson(sleeve, format, list)),
    attribution: {
      total: attribution(result.attribution.total),
      monthly: list(result.attribution.monthly, attribution),
      yearly: list(result.attribution.yearly, attribution),
    },
    correlation: result.correlation,
    diversificationRatio: result.diversificationRatio,
    rebalances: list(result.rebalances, (event) => ({ ...event, time: format(event.time) })),
    conflicts: list(result.conflicts, (event) => ({ ...event, time: format(event.time) })),
    risk: list(result.risk, (event) => ({ ...event, time: format(event.time) })),
    isolated: list(result.isolated, (event) => ({ ...event, time: format(event.time) })),
    crossing: result.crossing,
    halted: result.halted === null ? null : { time: format(result.halted.time), reason: result.halted.reason },
  };
}

/**
 * The JSON form of a result (version 1): curves become arrays of points, every time an ISO
 * string (`YYYY-MM-DD` when every bar is a UTC midnight, the full instant otherwise), undefined
 * returns `null`. Deterministic: equal results give byte-identical `JSON.stringify`.
 */
export function serializeOrchestratorResult(result: OrchestratorResult): OrchestratorResultJson {
  return orchestratorJsonForm(result, jsonArrays);
}

/** {@link OrchestratorResultJson} with every list (curves, fills, trades, events) as lazy `JsonRows`. */
export type OrchestratorResultJsonRows = WithJsonRows<OrchestratorResultJson>;

/**
 * {@link serializeOrchestratorResult} with every list as a lazy `JsonRows` of `@ensemble/engine`,
 * each element made when it is written: `jsonTextChunks(orchestratorResultJsonRows(result))` writes
 * the same text as `JSON.stringify(serializeOrchestratorResult(result))` without holding every
 * point of every sleeve as an object, or the text as one string.
 */
export function orchestratorResultJsonRows(result: OrchestratorResult): OrchestratorResultJsonRows {
  return orchestratorJsonForm(result, jsonRows);
}
