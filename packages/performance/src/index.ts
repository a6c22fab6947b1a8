export type {
  BenchmarkSeries,
  DrawdownPeriod,
  EquitySeries,
  FillLike,
  MetricDescription,
  MetricGroup,
  MetricName,
  MetricUnit,
  PerformanceInput,
  PerformanceMetrics,
  PerformanceOptions,
  PerformanceResult,
  PeriodReturn,
  TradeLike,
} from './types';
export {
  PerformanceCalculator,
  RETURN_STD_NOISE,
  computeMetrics,
  returnsFromEquity,
} from './performance-calculator';
export { METRIC_DESCRIPTIONS, describeMetric, unboundedMetricText } from './metric-descriptions';
export { DEFAULT_PERIODS_PER_YEAR, describePeriodsPerYearBasis, inferPeriodsPerYear, intradayCalendar, medianSpacingMs, periodsPerYearBasis, tradesEveryDay } from './periods';
export type { IntradayCalendar, PeriodsPerYearBasis } from './periods';
export type { CalendarReturnPeriod } from './calendar-returns';
export { calendarReturns } from './calendar-returns';
export { rollingSharpe } from './rolling-sharpe';
export type { Turnover } from './time-weighted';
export { timeWeightedIndex, turnoverOf, weightTurnover } from './time-weighted';
export type { CentralSums } from './internal/stats';
export { centralSums } from './internal/stats';
export type { DrawdownAnalysis } from './drawdowns';
export { DRAWDOWN_TIE_TOLERANCE, analyzeDrawdowns, drawdownSeries } from './drawdowns';
