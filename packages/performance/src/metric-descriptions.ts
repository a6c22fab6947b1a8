import { ConfigError, checkArguments, quoteValue, stringIssue } from '@ensemble/protocol';
import type { MetricDescription, MetricName } from './types';

/**
 * Every scalar metric of {@link PerformanceMetrics}, in display order, with a label, a unit
 * (`percent` values are fractions: multiply by 100 to show) and a one-line definition, so that the
 * CLI and the report render the same tables.
 */
export const METRIC_DESCRIPTIONS: readonly MetricDescription[] = [
  { name: 'bars', label: 'Bars', unit: 'bars', group: 'returns', description: 'Points of the equity curve (returns + 1).' },
  { name: 'startEquity', label: 'Start equity', unit: 'currency', group: 'returns', description: 'Equity at the first bar.' },
  { name: 'endEquity', label: 'End equity', unit: 'currency', group: 'returns', description: 'Equity at the last bar.' },
  { name: 'totalReturn', label: 'Total return', unit: 'percent', group: 'returns', description: 'V_n / V_0 − 1.' },
  { name: 'cagr', label: 'CAGR', unit: 'percent', group: 'returns', description: 'Compound annual growth: (V_n / V_0)^(P/n) − 1, n returns.' },
  { name: 'volatility', label: 'Volatility (ann.)', unit: 'percent', group: 'risk', description: 'std(r, ddof=1) · √P.' },
  { name: 'sharpe', label: 'Sharpe', unit: 'ratio', group: 'risk', description: 'mean(r − rf) / std(r − rf, ddof=1) · √P; rf per period = (1 + rf_annual)^(1/P) − 1.' },
  { name: 'sortino', label: 'Sortino', unit: 'ratio', group: 'risk', description: 'mean(r − rf) / sqrt(Σ min(r − rf, 0)² / n) · √P.' },
  { name: 'maxDrawdown', label: 'Max drawdown', unit: 'percent', group: 'risk', description: 'min over t of V_t / max_{s≤t} V_s − 1.' },
  { name: 'maxDrawdownBars', label: 'Max DD length', unit: 'bars', group: 'risk', description: 'Bars from the peak of the max drawdown to its recovery (or the last bar).' },
  { name: 'maxDrawdownDays', label: 'Max DD days', unit: 'days', group: 'risk', description: 'Calendar days from the peak of the max drawdown to its recovery (or the last bar).' },
  { name: 'longestDrawdownBars', label: 'Longest DD', unit: 'bars', group: 'risk', description: 'Bars of the longest drawdown, peak to recovery (or the last bar).' },
  { name: 'longestDrawdownDays', label: 'Longest DD days', unit: 'days', group: 'risk', description: 'Calendar days of the longest drawdown, peak to recovery (or the last bar).' },
  { name: 'calmar', label: 'Calmar', unit: 'ratio', group: 'risk', description: 'CAGR / |max drawdown|.' },
  { name: 'bestReturn', label: 'Best period', unit: 'percent', group: 'risk', description: 'Largest single-period return.' },
  { name: 'worstReturn', label: 'Worst period', unit: 'percent', group: 'risk', description: 'Smallest single-period return.' },
  { name: 'valueAtRisk', label: 'VaR (hist.)', unit: 'percent', group: 'risk', description: 'Historical VaR: the (1 − c) quantile of returns, linear interpolation; negative = loss.' },
  { name: 'conditionalValueAtRisk', label: 'CVaR (hist.)', unit: 'percent', group: 'risk', description: 'Mean of the k + 1 lowest returns, k = floor((n − 1)(1 − c)); negative = loss.' },
  { name: 'skew', label: 'Skew', unit: 'ratio', group: 'risk', description: 'Bias-corrected sample skewness of returns (G1, as pandas skew()).' },
  { name: 'kurtosis', label: 'Excess kurtosis', unit: 'ratio', group: 'risk', description: 'Bias-corrected excess kurtosis of returns (G2, as pandas kurt()).' },
  { name: 'tradeCount', label: 'Trades', unit: 'count', group: 'trades', description: 'Closed round trips.' },
  { name: 'winRate', label: 'Win rate', unit: 'percent', group: 'trades', description: 'Share of trades with net P&L > 0.' },
  { name: 'profitFactor', label: 'Profit factor', unit: 'ratio', group: 'trades', description: 'Gross profit / gross loss of net trade P&L; null without a losing trade.' },
  { name: 'expectancy', label: 'Expectancy', unit: 'currency', group: 'trades', description: 'Mean net P&L per trade.' },
  { name: 'averageWin', label: 'Average win', unit: 'currency', group: 'trades', description: 'Mean net P&L of winning trades.' },
  { name: 'averageLoss', label: 'Average loss', unit: 'currency', group: 'trades', description: 'Mean net P&L of losing trades (negative).' },
  { name: 'bestTrade', label: 'Best trade', unit: 'currency', group: 'trades', description: 'Largest net P&L of a trade.' },
  { name: 'worstTrade', label: 'Worst trade', unit: 'currency', group: 'trades', description: 'Smallest net P&L of a trade.' },
  { name: 'averageBarsHeld', label: 'Avg bars held', unit: 'bars', group: 'trades', description: 'Mean bars a trade was held.' },
  { name: 'sqn', label: 'SQN', unit: 'ratio', group: 'trades', description: 'System quality number: √N · mean(pnl) / std(pnl, ddof=1).' },
  { name: 'exposure', label: 'Exposure', unit: 'percent', group: 'exposure', description: 'Mean gross exposure / equity over bars.' },
  { name: 'timeInMarket', label: 'Time in market', unit: 'percent', group: 'exposure', description: 'Share of bars with an open position.' },
  { name: 'turnover', label: 'Turnover', unit: 'ratio', group: 'exposure', description: 'Σ |fill value| / mean equity over the whole period.' },
  { name: 'annualTurnover', label: 'Turnover (ann.)', unit: 'ratio', group: 'exposure', description: 'Turnover · P / (bars − 1): traded value per year in mean equities, over the spacings of the curve.' },
  { name: 'totalCommission', label: 'Commission', unit: 'currency', group: 'exposure', description: 'Σ commission over fills.' },
  { name: 'totalSlippage', label: 'Slippage', unit: 'currency', group: 'exposure', description: 'Σ slippage cost over fills.' },
  { name: 'totalCosts', label: 'Total costs', unit: 'currency', group: 'exposure', description: 'Commission plus slippage.' },
  { name: 'benchmarkReturn', label: 'Benchmark return', unit: 'percent', group: 'benchmark', description: 'Benchmark total return over the common timestamps.' },
  { name: 'alpha', label: 'Alpha (ann.)', unit: 'percent', group: 'benchmark', description: 'Jensen alpha annualised by compounding: (1 + mean(r − rf − β(b − rf)))^P − 1.' },
  { name: 'beta', label: 'Beta', unit: 'ratio', group: 'benchmark', description: 'cov(r, b) / var(b) of aligned returns.' },
  { name: 'correlation', label: 'Correlation', unit: 'ratio', group: 'benchmark', description: 'Pearson correlation of aligned returns.' },
  { name: 'trackingError', label: 'Tracking error', unit: 'percent', group: 'benchmark', description: 'std(r − b, ddof=1) · √P.' },
  { name: 'informationRatio', label: 'Information ratio', unit: 'ratio', group: 'benchmark', description: 'mean(r − b) / std(r − b, ddof=1) · √P.' },
];

const byName = new Map<MetricName, MetricDescription>(METRIC_DESCRIPTIONS.map((entry) => [entry.name, entry]));

/** The description of one metric (every {@link MetricName} has one). */
export function describeMetric(name: MetricName): MetricDescription {
  checkArguments('describeMetric', [stringIssue(name, 'name', 'a metric name (a string such as sharpe)')]);
  const description = byName.get(name);
  if (description === undefined) {
    throw new ConfigError([
      { path: 'name', message: `unknown metric ${quoteValue(name)}; known metrics: ${[...byName.keys()].join(', ')}` },
    ]);
  }
  return description;
}

/** Why a metric can be unboundedly good: the zero its ratio divides by (see `objectiveValue` of `@ensemble/research`). */
const UNBOUNDED_REASONS: Partial<Record<string, string>> = {
  calmar: 'no drawdown',
  sortino: 'no return below the risk-free rate',
  profitFactor: 'no losing trade',
};

/**
 * How a metric's unboundedly good value (+∞: a ratio over an exact 0 with a positive numerator)
 * reads in summaries and reports, with why: `∞ (no drawdown)` for `calmar`, `∞ (no return below
 * the risk-free rate)` for `sortino`, `∞ (no losing trade)` for `profitFactor`; `∞` for others.
 */
export function unboundedMetricText(metric: string): string {
  checkArguments('unboundedMetricText', [stringIssue(metric, 'metric', 'a metric name')]);
  const reason = UNBOUNDED_REASONS[metric];
  return reason === undefined ? '∞' : `∞ (${reason})`;
}
