import type { PerformanceResult } from '@ensemble/performance';
import { ConfigError, toConfigIssues } from '@ensemble/protocol';
import type { ConfigIssue, Fill, Trade } from '@ensemble/protocol';
import { z } from 'zod';
import { buildSchemas } from './schema-parts';

/** A column of numbers: a plain array or a `Float64Array` (used as is, never copied). */
export type NumberColumn = readonly number[] | Float64Array;

/** A column of numbers with null where a value is undefined: a plain array, or a `Float64Array` when every value is defined. */
export type NullableNumberColumn = readonly (number | null)[] | Float64Array;

/** An equity curve in columns of equal length: `time` (epoch ms UTC, strictly increasing), `equity` and `cash` (currency). */
export interface ReportEquity {
  readonly time: NumberColumn;
  readonly equity: NumberColumn;
  readonly cash: NumberColumn;
  /** The portfolio's cash held by no sleeve (orchestrator runs in sleeves mode): Σ sleeves + reserve = equity. Written to `equity.csv` when given. */
  readonly reserve?: NumberColumn | undefined;
  /** The value of every position held, longs and shorts alike (Σ |quantity × price|), currency. Written to `equity.csv` when given (the portfolio's curve). */
  readonly grossExposure?: NumberColumn | undefined;
}

/** A benchmark to draw against the portfolio: a price or value series, rebased to the portfolio's start in charts. */
export interface ReportBenchmark {
  /** Shown in legends and tables, e.g. `S&P 500`. */
  readonly name: string;
  /** Epoch ms UTC, strictly increasing. */
  readonly time: NumberColumn;
  /** Price or value at each time (positive). */
  readonly value: NumberColumn;
}

/** One sleeve: a strategy instance with its own virtual sub-account inside the portfolio. */
export interface ReportSleeve {
  /** Unique id of the strategy instance in the run. */
  readonly id: string;
  /** The strategy's registry name, e.g. `sma-crossover`. */
  readonly strategy: string;
  readonly symbols: readonly string[];
  /** The sleeve's own equity curve (its times must be portfolio times). */
  readonly equity: ReportEquity;
  /**
   * Sleeve equity / portfolio equity at every bar of the portfolio curve (same length as
   * `portfolio.equity.time`); null where the portfolio is worth zero or less (a share of it is
   * undefined).
   */
  readonly weight: NullableNumberColumn;
  /** Metrics of the sleeve's equity curve, trades and fills. */
  readonly metrics: PerformanceResult;
  readonly trades: readonly Trade[];
  readonly fills: readonly Fill[];
  /** The sleeve's contribution to the portfolio's total return, a fraction (0.05 = 5 percentage points). */
  readonly contribution: number;
  /**
   * Net capital the rebalances moved into the sleeve (negative: out of it), currency, as the
   * orchestrator's `netTransfers`: start equity + net transfers + the sleeve's profit = end
   * equity. Omitted when unknown; the metrics table then has no "Net transfers" row.
   */
  readonly netTransfers?: number | undefined;
  /** Set when the strategy failed and its sleeve was isolated (closed out and disabled): the error message. */
  readonly error?: string | undefined;
}

/** Contribution of each sleeve to the portfolio return, per period (e.g. per year). */
export interface ReportAttribution {
  readonly periods: readonly {
    /** Period label, e.g. `2020` or `2020-03`. */
    readonly label: string;
    /**
     * Contribution of each sleeve id to the portfolio return of the period, a fraction; null where
     * it cannot be computed (the portfolio had no positive equity at the start of the period).
     */
    readonly bySleeve: Readonly<Record<string, number | null>>;
    /**
     * The portfolio's own return over the period (`E_end / E_before − 1`), a fraction; null where
     * it cannot be computed. The contributions sum to it in sleeves mode; in shared mode they are
     * the shadow sleeves', and the difference is the period's residual. When absent, the
     * "Contribution by period" table has no Portfolio column.
     */
    readonly portfolioReturn?: number | null | undefined;
  }[];
}

/** Correlation matrix of sleeve returns: `matrix[i][j]` for `ids[i]` and `ids[j]`, null where undefined. */
export interface ReportCorrelation {
  readonly ids: readonly string[];
  readonly matrix: readonly (readonly (number | null)[])[];
}

/**
 * A rebalance between sleeves, with weights (fractions of portfolio equity) by sleeve id; a weight
 * is null while the portfolio is worth zero or less.
 */
export interface ReportRebalance {
  /** Epoch ms UTC of the bar. */
  readonly time: number;
  /** What triggered it, e.g. `month`, `drift`, `initial`. */
  readonly reason: string;
  readonly weightsBefore: Readonly<Record<string, number | null>>;
  readonly weightsAfter: Readonly<Record<string, number | null>>;
}

/** Signals of several strategies on one symbol and bar, and how the conflict policy resolved them. */
export interface ReportConflict {
  /** Epoch ms UTC of the bar. */
  readonly time: number;
  readonly symbol: string;
  /** The policy applied: `net`, `priority`, `vote`, `veto` or `first`. */
  readonly policy: string;
  /** Each strategy's signal, as text (e.g. `long`, `short 0.5`, `exit`). */
  readonly inputs: readonly { readonly strategyId: string; readonly signal: string }[];
  /** The decision, as text (e.g. `long`, `flat`). */
  readonly outcome: string;
}

/** A risk-limit breach or risk action (exposure cap, drawdown stop). */
export interface ReportRiskEvent {
  /** Epoch ms UTC of the bar. */
  readonly time: number;
  /** Short machine-readable kind, e.g. `gross-exposure` or `drawdown-stop`. */
  readonly kind: string;
  /** A human-readable sentence. */
  readonly detail: string;
}

/** What internal crossing of opposite sleeve orders saved, in currency. */
export interface ReportCrossing {
  /** Traded value kept off the market. */
  readonly savedTurnover: number;
  /** Commission not paid. */
  readonly savedCommission: number;
  /** Slippage not paid (absent from reports written before it was recorded). */
  readonly savedSlippage?: number | undefined;
}

/**
 * Everything a report shows: one backtest or orchestrator run. Times are epoch ms UTC; fractions
 * are fractions (0.05 = 5 %); money is in the run's currency. A single-strategy backtest is zero
 * sleeves, or one sleeve of weight 1. Every optional part, and every empty list, hides its
 * section of the report.
 */
export interface ReportInput {
  /** Report title, e.g. `Ensemble demo: four strategies on the S&P 500`. */
  readonly title: string;
  readonly subtitle?: string | undefined;
  /** ISO timestamp shown as the generation time; omit it for byte-identical output. */
  readonly generatedAt?: string | undefined;
  /** The resolved run configuration, shown as JSON. Must be JSON-serialisable. */
  readonly config: unknown;
  /** Return periods per year `P` used to annualise (and for the 6-month rolling window, `P / 2` bars). */
  readonly periodsPerYear: number;
  readonly portfolio: {
    readonly equity: ReportEquity;
    readonly metrics: PerformanceResult;
    /** Every closed trade of the run. */
    readonly trades: readonly Trade[];
    /** Every fill of the run. */
    readonly fills: readonly Fill[];
  };
  readonly benchmark?: ReportBenchmark | undefined;
  readonly sleeves: readonly ReportSleeve[];
  readonly attribution?: ReportAttribution | undefined;
  readonly correlation?: ReportCorrelation | undefined;
  /** Σ wᵢσᵢ / σ_portfolio; null when it cannot be computed. */
  readonly diversificationRatio?: number | null | undefined;
  readonly rebalances: readonly ReportRebalance[];
  /** A sentence shown with the rebalances, e.g. when their capital moves (next-open runs). */
  readonly rebalanceNote?: string | undefined;
  /**
   * A sentence saying what the sleeve columns are, shown under the metrics and sleeves tables in
   * place of the note on time-weighted sleeve returns, e.g. that a shared run's sleeves are shadows
   * whose contributions do not add up to the portfolio's return.
   */
  readonly sleevesNote?: string | undefined;
  readonly conflicts: readonly ReportConflict[];
  readonly risk: readonly ReportRiskEvent[];
  readonly crossing?: ReportCrossing | undefined;
}

/** Earliest epoch ms a report accepts (0000-01-01), so that ISO strings keep four-digit years. */
const MIN_TIME = -62_167_219_200_000;
/** Latest epoch ms a report accepts (9999-12-31T23:59:59.999Z). */
const MAX_TIME = 253_402_300_799_999;

function isColumn(value: unknown): value is NumberColumn {
  return Array.isArray(value) || value instanceof Float64Array;
}

function columnSchema(kind: 'time' | 'value') {
  return z
    .custom<NumberColumn>(isColumn, { message: 'must be an array (or Float64Array) of numbers' })
    .superRefine((column, context) => {
      let previous = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < column.length; i++) {
        const value = column[i];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          context.addIssue({ code: 'custom', path: [i], message: `must be a finite number, got ${String(value)}` });
          return;
        }
        if (kind === 'time') {
          if (value <= previous) {
            context.addIssue({ code: 'custom', path: [i], message: 'times must be strictly increasing' });
            return;
          }
          if (value < MIN_TIME || value > MAX_TIME) {
            context.addIssue({ code: 'custom', path: [i], message: 'time must be epoch milliseconds between years 0 and 9999' });
            return;
          }
          previous = value;
        }
      }
    });
}

/** A column whose values are finite numbers or null (undefined there). */
const nullableColumnSchema = z
  .custom<NullableNumberColumn>(isColumn, { message: 'must be an array (or Float64Array) of numbers or nulls' })
  .superRefine((column, context) => {
    for (let i = 0; i < column.length; i++) {
      const value = column[i];
      if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
        context.addIssue({ code: 'custom', path: [i], message: `must be a finite number or null (undefined there), got ${String(value)}` });
        return;
      }
    }
  });

/** The report input's schema parts (epoch-ms times). */
export const inputParts = buildSchemas({
  time: z.number().min(MIN_TIME).max(MAX_TIME).describe('Epoch milliseconds, UTC.'),
  nullableTime: z.number().min(MIN_TIME).max(MAX_TIME).nullable(),
  timeColumn: columnSchema('time'),
  column: columnSchema('value'),
  nullableColumn: nullableColumnSchema,
});

const sleeveInput = inputParts.sleeve.extend({ error: z.string().optional() });

/**
 * Validates a {@link ReportInput}: the shapes, finite numbers, strictly increasing times, columns
 * of matching lengths, unique sleeve ids, sleeve weights aligned with the portfolio curve, and a
 * square correlation matrix. Columns are checked in place, not copied.
 */
export const ReportInputSchema = z
  .object({
    title: z.string(),
    subtitle: z.string().optional(),
    generatedAt: z.string().optional(),
    config: z.unknown(),
    periodsPerYear: z.number().positive(),
    portfolio: z.object({
      equity: inputParts.equity,
      metrics: inputParts.metrics,
      trades: z.array(inputParts.trade),
      fills: z.array(inputParts.fill),
    }),
    benchmark: inputParts.benchmark.optional(),
    sleeves: z.array(sleeveInput),
    attribution: inputParts.attribution.optional(),
    correlation: inputParts.correlation.optional(),
    diversificationRatio: z.number().nullable().optional(),
    rebalances: z.array(inputParts.rebalance),
    rebalanceNote: z.string().optional(),
    sleevesNote: z.string().optional(),
    conflicts: z.array(inputParts.conflict),
    risk: z.array(inputParts.risk),
    crossing: inputParts.crossing.optional(),
  })
  .superRefine((input, context) => {
    const issue = (path: (string | number)[], message: string) => {
      context.addIssue({ code: 'custom', path, message });
    };
    const checkEquity = (equity: ReportEquity, path: (string | number)[]) => {
      if (equity.equity.length !== equity.time.length)
        issue([...path, 'equity'], `has ${equity.equity.length} values but time has ${equity.time.length}`);
      if (equity.cash.length !== equity.time.length)
        issue([...path, 'cash'], `has ${equity.cash.length} values but time has ${equity.time.length}`);
      if (equity.reserve !== undefined && equity.reserve.length !== equity.time.length)
        issue([...path, 'reserve'], `has ${equity.reserve.length} values but time has ${equity.time.length}`);
      if (equity.grossExposure !== undefined && equity.grossExposure.length !== equity.time.length)
        issue([...path, 'grossExposure'], `has ${equity.grossExposure.length} values but time has ${equity.time.length}`);
    };
    const portfolioTime = input.portfolio.equity.time;
    if (portfolioTime.length === 0) issue(['portfolio', 'equity', 'time'], 'the portfolio equity curve is empty');
    checkEquity(input.portfolio.equity, ['portfolio', 'equity']);
    if (input.benchmark !== undefined && input.benchmark.value.length !== input.benchmark.time.length)
      issue(['benchmark', 'value'], `has ${input.benchmark.value.length} values but time has ${input.benchmark.time.length}`);
    const portfolioTimes = new Set(portfolioTime);
    const ids = new Set<string>();
    input.sleeves.forEach((sleeve, index) => {
      if (ids.has(sleeve.id)) issue(['sleeves', index, 'id'], `duplicate sleeve id "${sleeve.id}"; ids must be unique`);
      ids.add(sleeve.id);
      checkEquity(sleeve.equity, ['sleeves', index, 'equity']);
      if (sleeve.weight.length !== portfolioTime.length)
        issue(['sleeves', index, 'weight'], `has ${sleeve.weight.length} values but the portfolio curve has ${portfolioTime.length}; weights must be aligned with portfolio.equity.time`);
      for (let i = 0; i < sleeve.equity.time.length; i++) {
        if (!portfolioTimes.has(sleeve.equity.time[i] ?? Number.NaN)) {
          issue(['sleeves', index, 'equity', 'time', i], 'is not a time of the portfolio equity curve');
          break;
        }
      }
    });
    if (input.correlation !== undefined) {
      const size = input.correlation.ids.length;
      if (input.correlation.matrix.length !== size || input.correlation.matrix.some((row) => row.length !== size))
        issue(['correlation', 'matrix'], `must be ${size} × ${size} to match correlation.ids`);
    }
    input.attribution?.periods.forEach((period, index) => {
      for (const id of Object.keys(period.bySleeve)) {
        if (!ids.has(id)) issue(['attribution', 'periods', index, 'bySleeve', id], `"${id}" is not a sleeve id`);
      }
    });
    try {
      JSON.stringify(input.config);
    } catch (error) {
      issue(['config'], `must be JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

// The parsed value is a ReportInput (fails to compile if the schema and the interface drift apart).
const _parsedIsInput: (value: z.output<typeof ReportInputSchema>) => ReportInput = (value) => value;

/**
 * Validates `input` with {@link ReportInputSchema} and returns it typed, or throws the protocol's
 * `ConfigError` listing every problem by path (e.g. `sleeves.1.weight`). `source` names where the
 * input came from, for the message.
 */
export function parseReportInput(input: unknown, source = 'report input'): ReportInput {
  const result = ReportInputSchema.safeParse(input);
  if (result.success) return result.data;
  const issues: ConfigIssue[] = toConfigIssues(result.error, { input, schema: ReportInputSchema });
  throw new ConfigError(issues, { source });
}
