import type { PerformanceCalculator, PerformanceResult } from '@ensemble/performance';
import type { Sleeve } from '../run/sleeves';

/**
 * A sleeve's metrics. Transfers are not performance: a sleeve that received or gave cash is
 * measured on its time-weighted index (starting at its initial capital, moving by its returns
 * excluding transfers; gross exposure rescaled so exposure ratios hold), with turnover taken
 * against its actual mean equity. A sleeve without transfers is measured on its equity curve.
 */
export function sleeveMetrics(calculator: PerformanceCalculator, time: Float64Array, sleeve: Sleeve, returns: Float64Array): PerformanceResult {
  const steps = time.length;
  const { account } = sleeve;
  if (sleeve.transferSteps.length === 0) {
    return calculator.compute({ equity: { time, equity: sleeve.equity, grossExposure: sleeve.gross }, trades: account.trades, fills: account.fills });
  }
  const index = new Float64Array(steps);
  const gross = new Float64Array(steps);
  let level = sleeve.initialCash > 0 ? sleeve.initialCash : 1;
  for (let t = 0; t < steps; t++) {
    const r = returns[t] ?? Number.NaN;
    if (Number.isFinite(r)) level *= 1 + r;
    index[t] = level;
    const value = sleeve.equity[t] ?? 0;
    gross[t] = value > 0 ? ((sleeve.gross[t] ?? 0) * level) / value : 0;
  }
  const result = calculator.compute({ equity: { time, equity: index, grossExposure: gross }, trades: account.trades, fills: account.fills });
  let traded = 0;
  for (const fill of account.fills) traded += Math.abs(fill.quantity * fill.price);
  let sum = 0;
  for (const value of sleeve.equity) sum += value;
  const meanEquity = steps > 0 ? sum / steps : 0;
  const turnover = meanEquity > 0 ? traded / meanEquity : null;
  const annualTurnover = turnover !== null && steps > 1 ? (turnover * result.periodsPerYear) / (steps - 1) : null;
  return { ...result, metrics: { ...result.metrics, turnover, annualTurnover } };
}
