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
export { BuyAndHoldSchema, BuyAndHoldStrategy, buyAndHoldDefinition } from './buy-and-hold';
export type { SmaCrossoverConfig } from './sma-crossover';
export { SmaCrossoverSchema, SmaCrossoverStrategy, smaCrossoverDefinition } from './sma-crossover';
export type { RsiMeanReversionConfig } from './rsi-mean-reversion';
export { RsiMeanReversionSchema, RsiMeanReversionStrategy, rsiMeanReversionDefinition } from './rsi-mean-reversion';
export type { DonchianBreakoutConfig } from './donchian-breakout';
export { DonchianBreakoutSchema, DonchianBreakoutStrategy, donchianBreakoutDefinition } from './donchian-breakout';
export type { EqualWeightConfig } from './equal-weight';
export { EqualWeightSchema, EqualWeightStrategy, equalWeightDefinition } from './equal-weight';
export type { InverseVolatilityConfig } from './inverse-volatility';
export { InverseVolatilitySchema, InverseVolatilityStrategy, inverseVolatilityDefinition } from './inverse-volatility';
export type { StrategyName } from './registry';
export {
  createStrategy,
  getStrategy,
  isStrategyName,
  listStrategies,
  strategyRegistry,
} from './registry';
export type { ParameterDescription } from './describe-parameters';
export { coerceParameterStrings, describeParameters } from './describe-parameters';
