import type { FillMode } from '@ensemble/engine';
import { metricsStartEquity } from '@ensemble/engine';
import type { PerformanceCalculator, PerformanceResult } from '@ensemble/performance';
import { timeWeightedIndex, turnoverOf } from '@ensemble/performance';
import type { Sleeve } from '../run/sleeves';

/**
 * A sleeve's metrics. Transfers are not performance: a sleeve that received or gave cash is
 * measured on its time-weighted index (`timeWeightedIndex` of its returns excluding transfers,
 * from its initial capital; gross exposure rescaled so exposure ratios hold), with turnover
 * (`turnoverOf`) taken against its actual equity. A sleeve without transfers is measured on its
 * equity curve. With `close` fills both start from its initial capital (`metricsStartEquity`); a
 * sleeve first funded after the first bar (its symbols had no bar yet), whose index starts at 1,
 * from 1.
 */
export function sleeveMetrics(
  calculator: PerformanceCalculator,
  time: Float64Array,
  sleeve: Pick<Sleeve, 'account' | 'equity' | 'gross' | 'initialCash' | 'transferSteps'>,
  returns: Float64Array,
  fill?: FillMode,
): PerformanceResult {
  const steps = time.length;
  const { account } = sleeve;
  const startEquity = metricsStartEquity({ fill, cash: sleeve.initialCash });
  if (sleeve.transferSteps.length === 0) {
    return calculator.compute({ equity: { time, equity: sleeve.equity, grossExposure: sleeve.gross }, trades: account.trades, fills: account.fills, startEquity });
  }
  const base = sleeve.initialCash > 0 ? sleeve.initialCash : 1;
  const index = timeWeightedIndex(returns.subarray(0, steps), base);
  const gross = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    const value = sleeve.equity[t] ?? 0;
    gross[t] = value > 0 ? ((sleeve.gross[t] ?? 0) * (index[t] ?? 0)) / value : 0;
  }
  const result = calculator.compute({ equity: { time, equity: index, grossExposure: gross }, trades: account.trades, fills: account.fills, startEquity: metricsStartEquity({ fill, cash: base }) });
  const { turnover, annualTurnover } = turnoverOf(account.fills, sleeve.equity, result.periodsPerYear);
  return { ...result, metrics: { ...result.metrics, turnover, annualTurnover } };
}
