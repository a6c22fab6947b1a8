import type { EquityPoint, Fill, Logger, Trade } from '@ensemble/protocol';

/**
 * An equity curve in columns: `time` (epoch ms UTC, strictly increasing) and `equity` (total
 * account value), plus optionally `grossExposure` (Σ |quantity × close| of open positions, in
 * currency) for the exposure metrics. The protocol's `EquityCurve` is one; `cash` is not needed.
 */
export interface EquitySeries {
  readonly time: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
  readonly grossExposure?: ArrayLike<number>;
}

/**
 * What the trade statistics read of a closed trade: its net P&L (currency), bars held and, when
 * known, why it closed. A trade the portfolio closed — a `transfer` (capital an orchestrator moved
 * out of a sleeve) or a `risk` limit's sale — is not a decision of the strategy: the statistics
 * leave it out.
 */
export type TradeLike = Pick<Trade, 'pnl' | 'barsHeld'> & { readonly exitReason?: Trade['exitReason'] };

/** What the cost and turnover metrics read of a fill: quantity, price (with slippage) and costs. */
export type FillLike = Pick<Fill, 'quantity' | 'price' | 'commission' | 'slippage'>;

/** The data to measure: an equity curve, and optionally the closed trades and the fills. */
export interface PerformanceInput {
  /** The equity curve, as columns (`EquityCurve`, {@link EquitySeries}) or as points. */
  readonly equity: EquitySeries | readonly EquityPoint[];
  /** Closed round trips; without them every trade statistic is null. */
  readonly trades?: readonly TradeLike[];
  /** Fills; without them turnover and costs are null. */
  readonly fills?: readonly FillLike[];
  /**
   * The equity the run started with, before its first point: its initial cash, when the first
   * bar could already trade (fills at the close), so that the first point holds that bar's fills
   * and costs. Returns, total return, CAGR, drawdowns and the calendar tables then start from
   * it, one more period than the points (as if it were a point one bar spacing before the first);
   * the bar counts, exposure and turnover stay those of the points. Omit it when the first point
   * is the starting equity (fills at the next open: nothing trades before the first close).
   */
  readonly startEquity?: number | undefined;
}

/**
 * A benchmark: an equity or price series (epoch ms UTC `time`, strictly increasing) as `values`,
 * `close` (a `BarSeries`) or `equity` (an `EquityCurve`). It is aligned with the equity curve on
 * the timestamps both have.
 */
export type BenchmarkSeries =
  | { readonly time: ArrayLike<number>; readonly values: ArrayLike<number> }
  | { readonly time: ArrayLike<number>; readonly close: ArrayLike<number> }
  | { readonly time: ArrayLike<number>; readonly equity: ArrayLike<number> };

/** Options of {@link computeMetrics} and {@link PerformanceCalculator}. */
export interface PerformanceOptions {
  /**
   * Return periods per year `P` used to annualise. Default: inferred from the median bar spacing
   * (see `inferPeriodsPerYear`). A given value wins (from 0.01 to 31,536,000,000, the protocol's
   * `MIN_PERIODS_PER_YEAR` and `MAX_PERIODS_PER_YEAR`); the result reports which was used.
   */
  readonly periodsPerYear?: number;
  /** Annual risk-free rate as a fraction (default 0), applied per period as `(1 + rf)^(1/P) − 1`. */
  readonly riskFreeRate?: number;
  /** Series to compare against for alpha, beta, correlation, tracking error and information ratio. */
  readonly benchmark?: BenchmarkSeries;
  /** Confidence level of VaR and CVaR, in (0, 1); default 0.95. */
  readonly varConfidence?: number;
  /** Receives structured events (warnings about undefined returns, a debug summary). Silent by default. */
  readonly logger?: Logger;
}

/**
 * Every scalar metric, `number | null`: null when it cannot be computed (too few returns, zero
 * dispersion, no trades, no benchmark, non-positive equity, or a non-finite result). Fractions
 * (unit `percent` in {@link MetricDescription}) are stored as fractions: 0.05 means 5 %.
 * Returns are simple returns `r_t = V_t / V_{t−1} − 1` of the equity curve, `n` of them for
 * `n + 1` bars; `P` is periods per year and `rf` the per-period risk-free rate. A return on a
 * value at or below zero is undefined: once one is, every metric over returns is null (the
 * return that takes the equity to zero or below is defined, ≤ −1).
 */
export interface PerformanceMetrics {
  /** Number of points of the equity curve (`n + 1`). */
  readonly bars: number | null;
  /** First equity value `V_0`, currency. */
  readonly startEquity: number | null;
  /** Last equity value `V_n`, currency. */
  readonly endEquity: number | null;
  /** `V_n / V_0 − 1`; below −1 when the account ends in debt; null when `V_0 ≤ 0`. */
  readonly totalReturn: number | null;
  /**
   * Compound annual growth rate `(V_n / V_0)^(P/n) − 1`, `n` = number of returns: −1 when `V_n` is
   * 0, null when it is below 0 (a negative ratio has no real root).
   */
  readonly cagr: number | null;
  /** Annualised volatility `std(r, ddof=1) · √P`. */
  readonly volatility: number | null;
  /** `mean(r − rf) / std(r − rf, ddof=1) · √P`; null with fewer than 2 returns or zero volatility. */
  readonly sharpe: number | null;
  /** `mean(r − rf) / sqrt(Σ min(r − rf, 0)² / n) · √P` (empyrical); null with no return below rf. */
  readonly sortino: number | null;
  /**
   * `min_t V_t / max_{s≤t} V_s − 1`: in [−1, 0] while equity is non-negative, below −1 when it
   * goes negative (a debt); 0 without drawdown.
   */
  readonly maxDrawdown: number | null;
  /** Bars from the peak of the maximum drawdown to its recovery (to the last bar if not recovered). */
  readonly maxDrawdownBars: number | null;
  /** Calendar days from the peak of the maximum drawdown to its recovery (or the last bar). */
  readonly maxDrawdownDays: number | null;
  /** Bars of the longest drawdown, peak to recovery (or the last bar). 0 without drawdown. */
  readonly longestDrawdownBars: number | null;
  /** Calendar days of the longest drawdown (by bars), peak to recovery (or the last bar). */
  readonly longestDrawdownDays: number | null;
  /** `CAGR / |maxDrawdown|`; null when there is no drawdown. */
  readonly calmar: number | null;
  /** Best single-period return `max r_t`. */
  readonly bestReturn: number | null;
  /** Worst single-period return `min r_t`. */
  readonly worstReturn: number | null;
  /**
   * Historical value at risk: the `(1 − c)` quantile of the returns, linear interpolation (numpy
   * `percentile`, empyrical), reported as a return, so a loss is negative (quantstats' sign).
   */
  readonly valueAtRisk: number | null;
  /**
   * Historical conditional VaR (expected shortfall): the mean of the `k + 1` lowest returns,
   * `k = floor((n − 1)(1 − c))` (empyrical); a return, negative for a loss.
   */
  readonly conditionalValueAtRisk: number | null;
  /** Sample skewness, bias-corrected (adjusted Fisher–Pearson G1: pandas `skew()`, scipy `bias=False`); n ≥ 3. */
  readonly skew: number | null;
  /** Excess kurtosis, bias-corrected (G2: pandas `kurt()`, scipy `fisher=True, bias=False`); n ≥ 4. */
  readonly kurtosis: number | null;
  /** Number of closed trades, those the portfolio closed (`transfer`, `risk`) left out (as from every trade statistic). */
  readonly tradeCount: number | null;
  /** Share of trades with `pnl > 0` (break-even trades count as not winning). */
  readonly winRate: number | null;
  /** Gross profit / gross loss, net P&L in currency; null when no trade lost. */
  readonly profitFactor: number | null;
  /** Mean net P&L per trade, currency. */
  readonly expectancy: number | null;
  /** Mean net P&L of winning trades (`pnl > 0`), currency. */
  readonly averageWin: number | null;
  /** Mean net P&L of losing trades (`pnl < 0`), currency, negative. */
  readonly averageLoss: number | null;
  /** Largest net P&L of a trade, currency. */
  readonly bestTrade: number | null;
  /** Smallest net P&L of a trade, currency. */
  readonly worstTrade: number | null;
  /** Mean bars held per trade. */
  readonly averageBarsHeld: number | null;
  /** System quality number `√N · mean(pnl) / std(pnl, ddof=1)` over the N trades; N ≥ 2. */
  readonly sqn: number | null;
  /** Mean of `grossExposure_t / V_t` over bars with positive equity (1 = fully invested, unlevered). */
  readonly exposure: number | null;
  /** Share of bars with an open position (`grossExposure_t > 0`). */
  readonly timeInMarket: number | null;
  /** `Σ |quantity × price|` over fills / mean equity over all bars: the period's traded value in equities. */
  readonly turnover: number | null;
  /** Turnover per year: `turnover · P / n`. */
  readonly annualTurnover: number | null;
  /** Σ commission over fills, currency. */
  readonly totalCommission: number | null;
  /** Σ slippage over fills, currency. */
  readonly totalSlippage: number | null;
  /** Commission plus slippage, currency. */
  readonly totalCosts: number | null;
  /** Benchmark total return over the common timestamps `B_last / B_first − 1`. */
  readonly benchmarkReturn: number | null;
  /**
   * Jensen's alpha, annualised by compounding (empyrical):
   * `(1 + mean((r − rf) − β (b − rf)))^P − 1` over the aligned returns.
   */
  readonly alpha: number | null;
  /** `cov(r, b) / var(b)` over the aligned returns. */
  readonly beta: number | null;
  /** Pearson correlation of the aligned returns. */
  readonly correlation: number | null;
  /** Annualised tracking error `std(r − b, ddof=1) · √P`. */
  readonly trackingError: number | null;
  /** Annualised information ratio `mean(r − b) / std(r − b, ddof=1) · √P` (quantstats omits √P). */
  readonly informationRatio: number | null;
}

/** The name of a scalar metric: a key of {@link PerformanceMetrics}. */
export type MetricName = keyof PerformanceMetrics;

/**
 * How a metric's number reads: `ratio` (a plain number), `percent` (a fraction, shown × 100),
 * `currency`, `bars`, `days` (calendar days) or `count`.
 */
export type MetricUnit = 'ratio' | 'percent' | 'currency' | 'bars' | 'days' | 'count';

/** The section a metric belongs to, for grouping in tables. */
export type MetricGroup = 'returns' | 'risk' | 'trades' | 'exposure' | 'benchmark';

/** How to show a metric: its key, a short label, its unit, its section and a one-line definition. */
export interface MetricDescription {
  readonly name: MetricName;
  readonly label: string;
  readonly unit: MetricUnit;
  readonly group: MetricGroup;
  readonly description: string;
}

/**
 * One drawdown episode: from a peak (the last bar at the high-water mark before the fall) through
 * its trough (the first bar at its lowest value) to its recovery (the first later bar back at or
 * above the peak value), or still open at the last bar.
 */
export interface DrawdownPeriod {
  /** Epoch ms of the peak. */
  readonly peak: number;
  /** Epoch ms of the trough. */
  readonly trough: number;
  /** Epoch ms of the recovery, or null if the curve ends below the peak. */
  readonly recovery: number | null;
  /** Bar index of the peak in the equity curve. */
  readonly peakIndex: number;
  /** Bar index of the trough. */
  readonly troughIndex: number;
  /** Bar index of the recovery, or null if not recovered. */
  readonly recoveryIndex: number | null;
  /** `V_trough / V_peak − 1`, a negative fraction. */
  readonly depth: number;
  /** Bars from peak to recovery (or to the last bar). */
  readonly bars: number;
  /** Calendar days from peak to recovery (or to the last bar). */
  readonly days: number;
}

/**
 * The compounded return of a calendar month or year (UTC): `Π (1 + r_t) − 1` over the returns
 * whose bar falls in it, i.e. `V_last / V_before − 1` with `V_before` the last value before the
 * period (the first bar for the first period). Periods without a return are not listed.
 */
export interface PeriodReturn {
  /** `YYYY-MM` for a month, `YYYY` for a year. */
  readonly label: string;
  readonly year: number;
  /** Month 1–12, or null for a year. */
  readonly month: number | null;
  /** Epoch ms of the first bar in the period with a return. */
  readonly start: number;
  /** Epoch ms of the last bar in the period. */
  readonly end: number;
  /** Number of returns in the period. */
  readonly bars: number;
  /** The compounded return, or null when the base value is not positive. */
  readonly return: number | null;
}

/**
 * Everything {@link computeMetrics} returns; plain numbers, strings, null and arrays, so
 * `JSON.stringify` keeps it whole.
 */
export interface PerformanceResult {
  /** `P` used to annualise. */
  readonly periodsPerYear: number;
  /**
   * True when `P` was not given: inferred from the bar spacing, or for fewer than two bars the
   * default 252 (`periodsPerYearBasis` tells the two apart).
   */
  readonly periodsPerYearInferred: boolean;
  /** Annual risk-free rate used. */
  readonly riskFreeRate: number;
  /** VaR/CVaR confidence level used. */
  readonly varConfidence: number;
  /** Epoch ms of the first bar, or null for an empty curve. */
  readonly start: number | null;
  /** Epoch ms of the last bar, or null for an empty curve. */
  readonly end: number | null;
  /** Every scalar metric; see {@link PerformanceMetrics} and `METRIC_DESCRIPTIONS`. */
  readonly metrics: PerformanceMetrics;
  /** The deepest drawdown episode (the first row of `drawdowns`), or null without drawdown. */
  readonly maxDrawdownPeriod: DrawdownPeriod | null;
  /** The five deepest drawdown episodes, deepest first (ties: earlier first). */
  readonly drawdowns: readonly DrawdownPeriod[];
  /** Compounded calendar-month returns (UTC), in order. */
  readonly monthlyReturns: readonly PeriodReturn[];
  /** Compounded calendar-year returns (UTC), in order. */
  readonly yearlyReturns: readonly PeriodReturn[];
}
