export { normalCdf, normalDensity, normalQuantile } from './normal-distribution';
export type { ReturnMoments } from './return-moments';
export { perPeriodSharpe, returnMoments } from './return-moments';
export type { SharpeEstimate } from './probabilistic-sharpe-ratio';
export { probabilisticSharpeRatio } from './probabilistic-sharpe-ratio';
export type { TrialSharpeSpread } from './expected-max-sharpe';
export { EULER_MASCHERONI, expectedMaxSharpe } from './expected-max-sharpe';
export type { DeflatedSharpeInput, DeflatedSharpeResult } from './deflated-sharpe-ratio';
export { deflatedSharpeRatio } from './deflated-sharpe-ratio';
export type {
  BacktestOverfittingOptions,
  BacktestOverfittingResult,
  LogitCount,
  OverfittingDirection,
  OverfittingMetric,
} from './backtest-overfitting';
export { probabilityOfBacktestOverfitting } from './backtest-overfitting';
export { PBO_TIE_TOLERANCE } from './relative-rank';
export type {
  DimensionOptions,
  EvaluatedPoint,
  ParameterStabilityOptions,
  ParameterStabilityResult,
  ParameterValue,
  ResolvedDimension,
  StabilityNeighbour,
  StabilityPoint,
} from './parameter-stability';
export { parameterStability } from './parameter-stability';
