export { normalCdf, normalDensity, normalQuantile } from './statistics/normal-distribution';
export type { ReturnMoments } from './statistics/return-moments';
export { perPeriodSharpe, returnMoments } from './statistics/return-moments';
export type { SharpeEstimate } from './statistics/probabilistic-sharpe-ratio';
export { probabilisticSharpeRatio } from './statistics/probabilistic-sharpe-ratio';
export type { TrialSharpeSpread } from './statistics/expected-max-sharpe';
export { EULER_MASCHERONI, expectedMaxSharpe } from './statistics/expected-max-sharpe';
export type { DeflatedSharpeInput, DeflatedSharpeResult } from './statistics/deflated-sharpe-ratio';
export { deflatedSharpeRatio } from './statistics/deflated-sharpe-ratio';
export type {
  BacktestOverfittingOptions,
  BacktestOverfittingResult,
  LogitCount,
  OverfittingMetric,
} from './statistics/backtest-overfitting';
export { probabilityOfBacktestOverfitting } from './statistics/backtest-overfitting';
export { PBO_TIE_TOLERANCE } from './statistics/relative-rank';
export type {
  DimensionOptions,
  EvaluatedPoint,
  ParameterStabilityOptions,
  ParameterStabilityResult,
  ParameterValue,
  ResolvedDimension,
  StabilityNeighbour,
  StabilityPoint,
} from './statistics/parameter-stability';
export { parameterStability } from './statistics/parameter-stability';
