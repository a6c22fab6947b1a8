export {
  crossover,
  ema,
  rollingMax,
  rollingMin,
  rollingStdDev,
  rsi,
  simpleReturns,
  sma,
} from './indicators';
export type { BuyAndHoldConfig } from './buy-and-hold';
export { BuyAndHoldSchema, BuyAndHoldStrategy } from './buy-and-hold';
export type { SmaCrossoverConfig } from './sma-crossover';
export { SmaCrossoverSchema, SmaCrossoverStrategy } from './sma-crossover';
export type { RsiMeanReversionConfig } from './rsi-mean-reversion';
export { RsiMeanReversionSchema, RsiMeanReversionStrategy } from './rsi-mean-reversion';
export type { DonchianBreakoutConfig } from './donchian-breakout';
export { DonchianBreakoutSchema, DonchianBreakoutStrategy } from './donchian-breakout';
export type { EqualWeightConfig } from './equal-weight';
export { EqualWeightSchema, EqualWeightStrategy } from './equal-weight';
export type { InverseVolatilityConfig } from './inverse-volatility';
export { InverseVolatilitySchema, InverseVolatilityStrategy } from './inverse-volatility';
export type { StrategyName } from './registry';
export {
  buyAndHoldDefinition,
  createStrategy,
  donchianBreakoutDefinition,
  equalWeightDefinition,
  getStrategy,
  inverseVolatilityDefinition,
  isStrategyName,
  listStrategies,
  rsiMeanReversionDefinition,
  smaCrossoverDefinition,
  strategyRegistry,
} from './registry';
export type { ParameterDescription } from './describe-parameters';
export { coerceParameterStrings, describeParameters } from './describe-parameters';
