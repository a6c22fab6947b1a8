import type { PerformanceMetrics } from '@ensemble/performance';
import type { OrderSide, PositionSide } from '@ensemble/protocol';
import { FILL_REASONS } from '@ensemble/protocol';
import { z } from 'zod';

/**
 * Builds every schema of a report twice from one definition: once for the in-memory input (times
 * as epoch ms, columns as arrays or `Float64Array`s) and once for the JSON result format (times as
 * ISO strings, columns as arrays), so that the two can never drift apart.
 */
export function buildSchemas<TTime extends z.ZodType, TTimeColumn extends z.ZodType, TColumn extends z.ZodType, TNullableColumn extends z.ZodType>(parts: {
  time: TTime;
  nullableTime: z.ZodType;
  timeColumn: TTimeColumn;
  column: TColumn;
  /** A column whose values may be null (undefined there). */
  nullableColumn: TNullableColumn;
  /** Name the reusable parts (for `$defs` in the JSON Schema). */
  named?: boolean;
}) {
  const { time, timeColumn, column, nullableColumn } = parts;
  const name = <T extends z.ZodType>(schema: T, id: string): T => (parts.named === true ? schema.meta({ id }) : schema);
  const nullableTime = parts.nullableTime as z.ZodNullable<TTime>;

  const equity = name(
    z
      .object({
        time: timeColumn.describe('Bar times, strictly increasing.'),
        equity: column.describe('Total value at each bar close, currency.'),
        cash: column.describe('Cash at each bar close, currency.'),
        reserve: column.optional().describe('Cash held by no sleeve at each bar close (orchestrator runs in sleeves mode), currency: Σ sleeves + reserve = equity.'),
        grossExposure: column.optional().describe('The value of every position held at each bar close, longs and shorts alike (Σ |quantity × price|), currency.'),
      })
      .describe('An equity curve in columns of equal length.'),
    'EquityCurve',
  );

  const trade = name(
    z
      .object({
        strategyId: z.string(),
        symbol: z.string(),
        side: z.enum(['long', 'short'] satisfies PositionSide[]),
        quantity: z.number(),
        entryTime: time,
        entryPrice: z.number(),
        exitTime: time,
        exitPrice: z.number(),
        commission: z.number().describe('Entry plus exit commission, currency.'),
        pnl: z.number().describe('Net P&L, currency: q × (exit − entry) × side − commission.'),
        returnPct: z.number().describe('pnl / (q × entry price), a fraction.'),
        barsHeld: z.number(),
        exitReason: fillReason,
      })
      .describe('A closed round trip (protocol `Trade`).'),
    'Trade',
  );

  const fill = name(
    z
      .object({
        strategyId: z.string(),
        symbol: z.string(),
        time,
        side: z.enum(['buy', 'sell'] satisfies OrderSide[]),
        quantity: z.number(),
        price: z.number().describe('Fill price including slippage.'),
        commission: z.number(),
        slippage: z.number().describe('Slippage cost, currency.'),
        reason: fillReason,
      })
      .describe('An executed fill (protocol `Fill`).'),
    'Fill',
  );

  const drawdown = name(
    z
      .object({
        peak: time,
        trough: time,
        recovery: nullableTime,
        peakIndex: z.number().int(),
        troughIndex: z.number().int(),
        recoveryIndex: z.number().int().nullable(),
        depth: z.number().describe('V_trough / V_peak − 1, a negative fraction.'),
        bars: z.number(),
        days: z.number(),
      })
      .describe('One drawdown episode (performance `DrawdownPeriod`).'),
    'DrawdownPeriod',
  );

  const periodReturn = name(
    z
      .object({
        label: z.string().describe('`YYYY-MM` for a month, `YYYY` for a year.'),
        year: z.number().int(),
        month: z.number().int().min(1).max(12).nullable(),
        start: time,
        end: time,
        bars: z.number().int(),
        return: z.number().nullable().describe('Compounded return of the period, a fraction.'),
      })
      .describe('A compounded calendar-period return (performance `PeriodReturn`).'),
    'PeriodReturn',
  );

  const metrics = name(
    z
      .object({
        periodsPerYear: z.number().positive(),
        periodsPerYearInferred: z.boolean(),
        riskFreeRate: z.number(),
        varConfidence: z.number(),
        start: nullableTime,
        end: nullableTime,
        metrics: metricValues,
        maxDrawdownPeriod: drawdown.nullable(),
        drawdowns: z.array(drawdown),
        monthlyReturns: z.array(periodReturn),
        yearlyReturns: z.array(periodReturn),
      })
      .describe('Metrics of one equity curve (performance `PerformanceResult`).'),
    'PerformanceResult',
  );

  const weights = name(
      z
        .record(z.string(), z.number().nullable())
        .describe('Weight of each sleeve id, a fraction of portfolio equity; null while the portfolio is worth zero or less (a share of it is undefined).'),
    'Weights',
  );

  const sleeve = name(
    z
      .object({
        id: z.string().min(1).describe('Sleeve (strategy instance) id, unique in the run.'),
        strategy: z.string().describe('Strategy name, e.g. `sma-crossover`.'),
        symbols: z.array(z.string()).describe('Symbols the sleeve trades.'),
        equity: equity.describe('The sleeve equity curve.'),
        weight: nullableColumn.describe('Sleeve equity / portfolio equity at each bar of the portfolio curve; null where the portfolio is worth zero or less (a share of it is undefined).'),
        metrics,
        trades: z.array(trade),
        fills: z.array(fill),
        contribution: z.number().describe('Contribution to the portfolio total return, a fraction (0.05 = 5 points).'),
        netTransfers: z
          .number()
          .optional()
          .describe('Net capital the rebalances moved into the sleeve (negative: out of it), in currency: start equity + net transfers + the sleeve\'s profit = end equity. Absent when unknown (a single strategy, shared mode, or a result written before it was recorded).'),
      })
      .describe('One sleeve: a strategy instance with its own sub-account.'),
    'Sleeve',
  );

  const benchmark = name(
    z
      .object({
        name: z.string(),
        time: timeColumn,
        value: column.describe('Benchmark price or value at each time; rebased to the portfolio for charts.'),
      })
      .describe('A series to compare the portfolio with.'),
    'Benchmark',
  );

  const attribution = name(
    z
      .object({
        periods: z.array(
          z.object({
            label: z.string().describe('Period label, e.g. `2020` or `2020-03`.'),
            bySleeve: z
              .record(z.string(), z.number().nullable())
              .describe('Contribution of each sleeve id to the portfolio return of the period, a fraction; null where it cannot be computed (no positive portfolio equity at the start of the period).'),
            portfolioReturn: z
              .number()
              .nullable()
              .optional()
              .describe('The portfolio\'s own return over the period (E_end / E_before − 1), a fraction; null where it cannot be computed. Minus the sum of the contributions, the period\'s residual (0 but for rounding in sleeves mode). Absent from results written before it was recorded.'),
          }),
        ),
      })
      .describe('Contribution of each sleeve to the portfolio return per period.'),
    'Attribution',
  );

  const correlation = name(
    z
      .object({
        ids: z.array(z.string()).describe('Sleeve ids, in matrix order.'),
        matrix: z.array(z.array(z.number().nullable())).describe('Pearson correlation of sleeve returns; null where undefined.'),
      })
      .describe('Correlation matrix of sleeve returns.'),
    'Correlation',
  );

  const rebalance = name(
    z
      .object({
        time,
        reason: z.string().describe('What triggered the rebalance, e.g. `month` or `drift`.'),
        weightsBefore: weights,
        weightsAfter: weights,
      })
      .describe('A rebalance between sleeves.'),
    'Rebalance',
  );

  const conflict = name(
    z
      .object({
        time,
        symbol: z.string(),
        policy: z.string().describe('Conflict policy: `net`, `priority`, `vote`, `veto` or `first`.'),
        inputs: z.array(z.object({ strategyId: z.string(), signal: z.string() })),
        outcome: z.string().describe('The resolved decision, e.g. `long 0.5` or `flat`.'),
      })
      .describe('Two or more strategies disagreeing on one symbol and bar, and the resolution.'),
    'Conflict',
  );

  const risk = name(
    z
      .object({ time, kind: z.string(), detail: z.string() })
      .describe('A risk-limit breach or action.'),
    'RiskEvent',
  );

  const crossing = name(
    z
      .object({
        savedTurnover: z.number().describe('Traded value that internal crossing kept off the market, currency.'),
        savedCommission: z.number().describe('Commission saved by internal crossing, currency.'),
        savedSlippage: z.number().optional().describe('Slippage saved by internal crossing, currency.'),
      })
      .describe('What internal crossing of opposite sleeve orders saved.'),
    'Crossing',
  );

  return { equity, trade, fill, drawdown, periodReturn, metrics, sleeve, benchmark, attribution, correlation, rebalance, conflict, risk, crossing };
}

const fillReason = z.enum(FILL_REASONS);

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const metric = z.number().nullable();

/** Every scalar metric of performance's `PerformanceMetrics`: a number or null. */
export const metricValues = z.object({
  bars: metric,
  startEquity: metric,
  endEquity: metric,
  totalReturn: metric,
  cagr: metric,
  volatility: metric,
  sharpe: metric,
  sortino: metric,
  maxDrawdown: metric,
  maxDrawdownBars: metric,
  maxDrawdownDays: metric,
  longestDrawdownBars: metric,
  longestDrawdownDays: metric,
  calmar: metric,
  bestReturn: metric,
  worstReturn: metric,
  valueAtRisk: metric,
  conditionalValueAtRisk: metric,
  skew: metric,
  kurtosis: metric,
  tradeCount: metric,
  winRate: metric,
  profitFactor: metric,
  expectancy: metric,
  averageWin: metric,
  averageLoss: metric,
  bestTrade: metric,
  worstTrade: metric,
  averageBarsHeld: metric,
  sqn: metric,
  exposure: metric,
  timeInMarket: metric,
  turnover: metric,
  annualTurnover: metric,
  totalCommission: metric,
  totalSlippage: metric,
  totalCosts: metric,
  benchmarkReturn: metric,
  alpha: metric,
  beta: metric,
  correlation: metric,
  trackingError: metric,
  informationRatio: metric,
});

// Fails to compile when performance adds or renames a metric the schema does not list.
const _metricsComplete: Same<z.infer<typeof metricValues>, { -readonly [K in keyof PerformanceMetrics]: PerformanceMetrics[K] }> = true;
