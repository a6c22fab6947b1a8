import { checkArguments, objectIssue } from '@ensemble/protocol';
import { reportInputIssue } from '../argument-checks';
import type { ReportInput } from '../report-input';
import { drawdownChart, equityChart, monthlyReturnsChart, rollingSharpeChart } from './portfolio-charts';
import { attributionChart, contributionChart, correlationChart, sleeveEquityChart, weightsChart } from './sleeve-charts';
import { FEW_DAYS_MS } from './types';
import type { ChartOptions, ReportChart } from './types';

export type { ChartId, ChartOptions, ReportChart, VegaLiteSpec } from './types';
export { BENCHMARK_COLOR, DRAWDOWN_COLOR, FONT_STACK, PORTFOLIO_COLOR, SLEEVE_COLORS, UNALLOCATED_COLOR, sleeveColor } from './theme';
export { rollingWindow } from './portfolio-charts';
export { heatmapLayers } from './heatmap';
export { ALL_DRAWN, LARGEST_DRAWN, largestSleeves } from './sleeve-groups';
export type { HeatmapLayersOptions } from './heatmap';

/**
 * Every chart the input has data for, in report order: equity (with the benchmark), underwater
 * drawdown, monthly returns, rolling Sharpe, and with two or more sleeves their equity curves,
 * allocation, contribution, contribution by period and correlation. Each spec carries its data.
 */
export function buildCharts(input: ReportInput, given: ChartOptions): ReportChart[] {
  checkArguments('buildCharts', [reportInputIssue(input), objectIssue(given, 'options', 'chart options (width, maxPoints, timeFormat)')]);
  const time = input.portfolio.equity.time;
  const span = (time[time.length - 1] ?? 0) - (time[0] ?? 0);
  const options = given.tickTimes === undefined && given.timeFormat === 'date' && span <= FEW_DAYS_MS ? { ...given, tickTimes: Array.from(time) } : given;
  const charts: (ReportChart | null)[] = [equityChart(input, options), drawdownChart(input, options)];
  const multi = input.sleeves.length >= 2;
  if (multi) {
    charts.push(sleeveEquityChart(input, options), weightsChart(input, options));
  }
  charts.push(monthlyReturnsChart(input, options), rollingSharpeChart(input, options));
  if (multi) {
    charts.push(contributionChart(input, options), attributionChart(input, options), correlationChart(input, options));
  }
  return charts.filter((chart): chart is ReportChart => chart !== null);
}
