import type { DrawdownPeriod, PerformanceResult, PeriodReturn } from '@ensemble/performance';
import { ConfigError, checkArguments, toConfigIssues } from '@ensemble/protocol';
import { reportInputIssue } from './argument-checks';
import type { Fill, Trade } from '@ensemble/protocol';
import { z } from 'zod';
import type { NullableNumberColumn, NumberColumn, ReportEquity, ReportInput } from './report-input';
import { parseReportInput } from './report-input';
import { buildSchemas } from './schema-parts';
import { detectTimeFormat, formatTime, parseTime } from './time';
import type { TimeFormat } from './time';

/**
 * Version of the JSON result format written by {@link toResultJson}. It changes only on a
 * breaking change (a field removed, renamed, retyped or given a new meaning); new fields may
 * appear within a version, and readers should ignore fields they do not know.
 */
export const RESULT_SCHEMA_VERSION = 1;

/** An ISO time of the JSON forms: `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\.\d{3}Z)?$/, { abort: true })
  // A day or an hour the calendar does not have (2000-13-45, 2001-02-29) reads as NaN or as
  // another day: written back, it must give the same text.
  .refine(
    (text) => {
      const time = Date.parse(text.length === 10 ? `${text}T00:00:00.000Z` : text);
      return Number.isFinite(time) && new Date(time).toISOString().startsWith(text);
    },
    { error: (issue) => `${JSON.stringify(issue.input)} is not a time of the calendar (a month 01–12, a day the month has, hours 00–23)` },
  )
  .describe('UTC time: `YYYY-MM-DD` when timeFormat is `date`, `YYYY-MM-DDTHH:mm:ss.sssZ` when it is `datetime`.');

/** The report's schema parts with ISO times (also the shapes of metrics, trades and fills in the engine's and orchestrator's JSON). */
export const jsonParts = buildSchemas({
  time: isoTime,
  nullableTime: isoTime.nullable(),
  timeColumn: z.array(isoTime),
  column: z.array(z.number()),
  nullableColumn: z.array(z.number().nullable()),
  named: true,
});

/**
 * The zod schema of the JSON result format (version {@link RESULT_SCHEMA_VERSION}): the run's
 * configuration, the portfolio and every sleeve with equity curves, metrics, trades and fills,
 * weights over time, attribution, correlation, and the rebalance, conflict and risk logs. Times
 * are ISO strings in UTC; absent parts are `null`.
 */
export const ResultJsonSchema = z
  .object({
    schemaVersion: z.literal(RESULT_SCHEMA_VERSION).describe('Version of this format; changes only on breaking changes.'),
    title: z.string(),
    subtitle: z.string().nullable(),
    generatedAt: z.string().nullable().describe('When the report was generated (ISO 8601), or null for reproducible output.'),
    timeFormat: z
      .enum(['date', 'datetime'])
      .describe('`date` when every time is a UTC midnight (daily bars) and written `YYYY-MM-DD`; `datetime` otherwise.'),
    periodsPerYear: z.number().positive().describe('Return periods per year used to annualise.'),
    config: z.unknown().describe('The resolved run configuration, as given.'),
    portfolio: z.object({
      equity: jsonParts.equity,
      metrics: jsonParts.metrics,
      trades: z.array(jsonParts.trade),
      fills: z.array(jsonParts.fill),
    }),
    benchmark: jsonParts.benchmark.nullable(),
    sleeves: z.array(
      jsonParts.sleeve.extend({
        error: z.string().nullable().describe('Error message when the strategy failed and its sleeve was isolated; null otherwise.'),
      }),
    ),
    attribution: jsonParts.attribution.nullable(),
    correlation: jsonParts.correlation.nullable(),
    diversificationRatio: z.number().nullable().describe('Σ wᵢσᵢ / σ_portfolio, or null.'),
    rebalances: z.array(jsonParts.rebalance),
    rebalanceNote: z
      .string()
      .optional()
      .describe('A sentence shown with the rebalances (when their capital moves, or that a shared run\'s move none). Absent when the report has none, and from results written before it was kept.'),
    sleevesNote: z
      .string()
      .optional()
      .describe('A sentence saying what the sleeve columns are (a shared run\'s shadow sleeves), shown under the metrics and sleeves tables. Absent when the report has none, and from results written before it was kept.'),
    conflicts: z.array(jsonParts.conflict),
    risk: z.array(jsonParts.risk),
    crossing: jsonParts.crossing.nullable(),
  })
  .describe('Ensemble backtest or orchestrator result.');

/** A result in the JSON format: what `JSON.parse` gives back for a file written by the report. */
export type ResultJson = z.infer<typeof ResultJsonSchema>;

/** The JSON Schema (draft 2020-12) of the result format, generated from {@link ResultJsonSchema}. */
export function resultJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ResultJsonSchema, { target: 'draft-2020-12' });
  return { ...schema, title: `Ensemble result, schema version ${RESULT_SCHEMA_VERSION}` };
}

/** {@link resultJsonSchema} as the text of `schema/result.schema.json`: two-space indented, final newline. */
export function resultJsonSchemaText(): string {
  return `${JSON.stringify(resultJsonSchema(), null, 2)}\n`;
}

type TimeMapper<TIn, TOut> = (time: TIn) => TOut;

/** Maps the times of a trade (epoch ms ↔ ISO). */
export function mapTrade<TIn, TOut>(trade: Omit<Trade, 'entryTime' | 'exitTime'> & { entryTime: TIn; exitTime: TIn }, time: TimeMapper<TIn, TOut>) {
  return {
    strategyId: trade.strategyId,
    symbol: trade.symbol,
    side: trade.side,
    quantity: trade.quantity,
    entryTime: time(trade.entryTime),
    entryPrice: trade.entryPrice,
    exitTime: time(trade.exitTime),
    exitPrice: trade.exitPrice,
    commission: trade.commission,
    pnl: trade.pnl,
    returnPct: trade.returnPct,
    barsHeld: trade.barsHeld,
    exitReason: trade.exitReason,
  };
}

/** Maps the times of a fill (epoch ms ↔ ISO). */
export function mapFill<TIn, TOut>(fill: Omit<Fill, 'time'> & { time: TIn }, time: TimeMapper<TIn, TOut>) {
  return {
    strategyId: fill.strategyId,
    symbol: fill.symbol,
    time: time(fill.time),
    side: fill.side,
    quantity: fill.quantity,
    price: fill.price,
    commission: fill.commission,
    slippage: fill.slippage,
    reason: fill.reason,
  };
}

type DrawdownWith<T> = Omit<DrawdownPeriod, 'peak' | 'trough' | 'recovery'> & { peak: T; trough: T; recovery: T | null };
type PeriodWith<T> = Omit<PeriodReturn, 'start' | 'end'> & { start: T; end: T };
type MetricsWith<T> = Omit<PerformanceResult, 'start' | 'end' | 'maxDrawdownPeriod' | 'drawdowns' | 'monthlyReturns' | 'yearlyReturns'> & {
  start: T | null;
  end: T | null;
  maxDrawdownPeriod: DrawdownWith<T> | null;
  drawdowns: readonly DrawdownWith<T>[];
  monthlyReturns: readonly PeriodWith<T>[];
  yearlyReturns: readonly PeriodWith<T>[];
};

function mapDrawdown<TIn, TOut>(period: DrawdownWith<TIn>, time: TimeMapper<TIn, TOut>): DrawdownWith<TOut> {
  return {
    peak: time(period.peak),
    trough: time(period.trough),
    recovery: period.recovery === null ? null : time(period.recovery),
    peakIndex: period.peakIndex,
    troughIndex: period.troughIndex,
    recoveryIndex: period.recoveryIndex,
    depth: period.depth,
    bars: period.bars,
    days: period.days,
  };
}

function mapPeriod<TIn, TOut>(period: PeriodWith<TIn>, time: TimeMapper<TIn, TOut>): PeriodWith<TOut> {
  return {
    label: period.label,
    year: period.year,
    month: period.month,
    start: time(period.start),
    end: time(period.end),
    bars: period.bars,
    return: period.return,
  };
}

/** Maps the times of a metrics (epoch ms ↔ ISO). */
function mapMetrics<TIn, TOut>(result: MetricsWith<TIn>, time: TimeMapper<TIn, TOut>): MetricsWith<TOut> {
  return {
    periodsPerYear: result.periodsPerYear,
    periodsPerYearInferred: result.periodsPerYearInferred,
    riskFreeRate: result.riskFreeRate,
    varConfidence: result.varConfidence,
    start: result.start === null ? null : time(result.start),
    end: result.end === null ? null : time(result.end),
    metrics: { ...result.metrics },
    maxDrawdownPeriod: result.maxDrawdownPeriod === null ? null : mapDrawdown(result.maxDrawdownPeriod, time),
    drawdowns: result.drawdowns.map((period) => mapDrawdown(period, time)),
    monthlyReturns: result.monthlyReturns.map((period) => mapPeriod(period, time)),
    yearlyReturns: result.yearlyReturns.map((period) => mapPeriod(period, time)),
  };
}

type TradeWith<T> = Omit<Trade, 'entryTime' | 'exitTime'> & { entryTime: T; exitTime: T };
type FillWith<T> = Omit<Fill, 'time'> & { time: T };

/** The metrics, trades and fills of a portfolio or a sleeve with their times mapped (ISO → epoch ms when read back). */
export function mapRecords<TIn, TOut>(part: { readonly metrics: MetricsWith<TIn>; readonly trades: readonly TradeWith<TIn>[]; readonly fills: readonly FillWith<TIn>[] }, time: TimeMapper<TIn, TOut>) {
  return {
    metrics: mapMetrics(part.metrics, time),
    trades: part.trades.map((trade) => mapTrade(trade, time)),
    fills: part.fills.map((fill) => mapFill(fill, time)),
  };
}

function columnToArray(column: NumberColumn): number[] {
  return Array.from(column);
}

function nullableColumnToArray(column: NullableNumberColumn): (number | null)[] {
  return Array.from(column);
}

function equityToJson(equity: ReportEquity, time: TimeMapper<number, string>) {
  return {
    time: Array.from(equity.time, time),
    equity: columnToArray(equity.equity),
    cash: columnToArray(equity.cash),
    ...(equity.reserve === undefined ? {} : { reserve: columnToArray(equity.reserve) }),
    ...(equity.grossExposure === undefined ? {} : { grossExposure: columnToArray(equity.grossExposure) }),
  };
}

/**
 * Converts a report input to the JSON result format: times become ISO strings (see
 * {@link TimeFormat}), columns plain arrays, absent parts `null`. Pure; the same input gives the
 * same object.
 */
export function toResultJson(input: ReportInput, given?: TimeFormat): ResultJson {
  checkArguments('toResultJson', [reportInputIssue(input)]);
  const timeFormat = given ?? detectTimeFormat(input);
  const time = (value: number) => formatTime(value, timeFormat);
  const result: ResultJson = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    title: input.title,
    subtitle: input.subtitle ?? null,
    generatedAt: input.generatedAt ?? null,
    timeFormat,
    periodsPerYear: input.periodsPerYear,
    config: input.config ?? null,
    portfolio: {
      equity: equityToJson(input.portfolio.equity, time),
      metrics: mapMetrics(input.portfolio.metrics, time) as ResultJson['portfolio']['metrics'],
      trades: input.portfolio.trades.map((trade) => mapTrade(trade, time)),
      fills: input.portfolio.fills.map((fill) => mapFill(fill, time)),
    },
    benchmark:
      input.benchmark === undefined
        ? null
        : { name: input.benchmark.name, time: Array.from(input.benchmark.time, time), value: columnToArray(input.benchmark.value) },
    sleeves: input.sleeves.map((sleeve) => ({
      id: sleeve.id,
      strategy: sleeve.strategy,
      symbols: [...sleeve.symbols],
      equity: equityToJson(sleeve.equity, time),
      weight: nullableColumnToArray(sleeve.weight),
      metrics: mapMetrics(sleeve.metrics, time) as ResultJson['portfolio']['metrics'],
      trades: sleeve.trades.map((trade) => mapTrade(trade, time)),
      fills: sleeve.fills.map((fill) => mapFill(fill, time)),
      contribution: sleeve.contribution,
      ...(sleeve.netTransfers === undefined ? {} : { netTransfers: sleeve.netTransfers }),
      error: sleeve.error ?? null,
    })),
    attribution:
      input.attribution === undefined
        ? null
        : {
            periods: input.attribution.periods.map((period) => ({
              label: period.label,
              bySleeve: { ...period.bySleeve },
              ...(period.portfolioReturn === undefined ? {} : { portfolioReturn: period.portfolioReturn }),
            })),
          },
    correlation:
      input.correlation === undefined
        ? null
        : { ids: [...input.correlation.ids], matrix: input.correlation.matrix.map((row) => [...row]) },
    diversificationRatio: input.diversificationRatio ?? null,
    rebalances: input.rebalances.map((event) => ({
      time: time(event.time),
      reason: event.reason,
      weightsBefore: { ...event.weightsBefore },
      weightsAfter: { ...event.weightsAfter },
    })),
    ...(input.rebalanceNote === undefined ? {} : { rebalanceNote: input.rebalanceNote }),
    ...(input.sleevesNote === undefined ? {} : { sleevesNote: input.sleevesNote }),
    conflicts: input.conflicts.map((event) => ({
      time: time(event.time),
      symbol: event.symbol,
      policy: event.policy,
      inputs: event.inputs.map((entry) => ({ strategyId: entry.strategyId, signal: entry.signal })),
      outcome: event.outcome,
    })),
    risk: input.risk.map((event) => ({ time: time(event.time), kind: event.kind, detail: event.detail })),
    crossing:
      input.crossing === undefined
        ? null
        : {
            savedTurnover: input.crossing.savedTurnover,
            savedCommission: input.crossing.savedCommission,
            ...(input.crossing.savedSlippage === undefined ? {} : { savedSlippage: input.crossing.savedSlippage }),
          },
  };
  return result;
}

/**
 * The JSON result as text: compact, with a final newline; deterministic for a given input.
 * Validates `input` first (a `ConfigError` lists every problem).
 */
export function renderJson(input: ReportInput): string {
  return jsonReport(parseReportInput(input));
}

/** {@link renderJson} for an input already validated. */
export function jsonReport(report: ReportInput): string {
  return `${JSON.stringify(toResultJson(report))}\n`;
}

/**
 * The report's own JSON result (already parsed from text) back into a {@link ReportInput}:
 * validated against {@link ResultJsonSchema}, ISO times converted to epoch ms. Throws the
 * protocol's `ConfigError` listing every problem by path, with `source` named.
 */
export function reportInputFromResultJson(data: unknown, source: string): ReportInput {
  const parsed = ResultJsonSchema.safeParse(data);
  if (!parsed.success) throw new ConfigError(toConfigIssues(parsed.error, { input: data, schema: ResultJsonSchema }), { source });
  const json = parsed.data;
  const time = parseTime;
  const equity = (curve: ResultJson['portfolio']['equity']): ReportEquity => ({
    time: curve.time.map(time),
    equity: curve.equity,
    cash: curve.cash,
    ...(curve.reserve === undefined ? {} : { reserve: curve.reserve }),
    ...(curve.grossExposure === undefined ? {} : { grossExposure: curve.grossExposure }),
  });
  const input = {
    title: json.title,
    ...(json.subtitle === null ? {} : { subtitle: json.subtitle }),
    ...(json.generatedAt === null ? {} : { generatedAt: json.generatedAt }),
    config: json.config,
    periodsPerYear: json.periodsPerYear,
    portfolio: { equity: equity(json.portfolio.equity), ...mapRecords(json.portfolio, time) },
    ...(json.benchmark === null
      ? {}
      : { benchmark: { name: json.benchmark.name, time: json.benchmark.time.map(time), value: json.benchmark.value } }),
    sleeves: json.sleeves.map((sleeve) => ({
      id: sleeve.id,
      strategy: sleeve.strategy,
      symbols: sleeve.symbols,
      equity: equity(sleeve.equity),
      weight: sleeve.weight,
      ...mapRecords(sleeve, time),
      contribution: sleeve.contribution,
      ...(sleeve.netTransfers === undefined ? {} : { netTransfers: sleeve.netTransfers }),
      ...(sleeve.error === null ? {} : { error: sleeve.error }),
    })),
    ...(json.attribution === null ? {} : { attribution: json.attribution }),
    ...(json.correlation === null ? {} : { correlation: json.correlation }),
    diversificationRatio: json.diversificationRatio,
    rebalances: json.rebalances.map((event) => ({ ...event, time: time(event.time) })),
    ...(json.rebalanceNote === undefined ? {} : { rebalanceNote: json.rebalanceNote }),
    ...(json.sleevesNote === undefined ? {} : { sleevesNote: json.sleevesNote }),
    conflicts: json.conflicts.map((event) => ({ ...event, time: time(event.time) })),
    risk: json.risk.map((event) => ({ ...event, time: time(event.time) })),
    ...(json.crossing === null ? {} : { crossing: json.crossing }),
  };
  return parseReportInput(input, source);
}
