import { StrategyNotFoundError } from '@ensemble/protocol';
import type { AnyStrategy, StrategyDefinition } from '@ensemble/protocol';
import { BuyAndHoldSchema, BuyAndHoldStrategy } from './buy-and-hold';
import { DonchianBreakoutSchema, DonchianBreakoutStrategy } from './donchian-breakout';
import { EqualWeightSchema, EqualWeightStrategy } from './equal-weight';
import { InverseVolatilitySchema, InverseVolatilityStrategy } from './inverse-volatility';
import { parseStrategyParams } from './internal/params';
import { RsiMeanReversionSchema, RsiMeanReversionStrategy } from './rsi-mean-reversion';
import { SmaCrossoverSchema, SmaCrossoverStrategy } from './sma-crossover';

/** Registry entry of {@link BuyAndHoldStrategy}. */
export const buyAndHoldDefinition: StrategyDefinition<typeof BuyAndHoldSchema> = {
  name: 'buy-and-hold',
  kind: 'signal',
  description: 'Enter long on the first bar and never exit: the benchmark.',
  schema: BuyAndHoldSchema,
  create: (params, id) => new BuyAndHoldStrategy(params, id),
};

/** Registry entry of {@link SmaCrossoverStrategy}. */
export const smaCrossoverDefinition: StrategyDefinition<typeof SmaCrossoverSchema> = {
  name: 'sma-crossover',
  kind: 'signal',
  description: 'Momentum: long when the fast SMA of closes crosses above the slow one, out when it crosses below.',
  schema: SmaCrossoverSchema,
  create: (params, id) => new SmaCrossoverStrategy(params, id),
};

/** Registry entry of {@link RsiMeanReversionStrategy}. */
export const rsiMeanReversionDefinition: StrategyDefinition<typeof RsiMeanReversionSchema> = {
  name: 'rsi-mean-reversion',
  kind: 'signal',
  description: "Mean reversion: long while Wilder's RSI is below oversold, out once it rises above overbought.",
  schema: RsiMeanReversionSchema,
  create: (params, id) => new RsiMeanReversionStrategy(params, id),
};

/** Registry entry of {@link DonchianBreakoutStrategy}. */
export const donchianBreakoutDefinition: StrategyDefinition<typeof DonchianBreakoutSchema> = {
  name: 'donchian-breakout',
  kind: 'signal',
  description: 'Breakout: long when the close beats the highest high of the previous N bars, out below the lowest low of the previous M.',
  schema: DonchianBreakoutSchema,
  create: (params, id) => new DonchianBreakoutStrategy(params, id),
};

/** Registry entry of {@link EqualWeightStrategy}. */
export const equalWeightDefinition: StrategyDefinition<typeof EqualWeightSchema> = {
  name: 'equal-weight',
  kind: 'portfolio',
  description: 'Allocation: equal weights over the symbols tradable at each rebalance (monthly by default).',
  schema: EqualWeightSchema,
  create: (params, id) => new EqualWeightStrategy(params, id),
};

/** Registry entry of {@link InverseVolatilityStrategy}. */
export const inverseVolatilityDefinition: StrategyDefinition<typeof InverseVolatilitySchema> = {
  name: 'inverse-volatility',
  kind: 'portfolio',
  description: 'Allocation: weights proportional to 1/volatility of each symbol\'s recent daily returns (monthly by default).',
  schema: InverseVolatilitySchema,
  create: (params, id) => new InverseVolatilityStrategy(params, id),
};

/** Every sample strategy by registry name, in listing order. */
export const strategyRegistry = Object.freeze({
  'buy-and-hold': buyAndHoldDefinition,
  'sma-crossover': smaCrossoverDefinition,
  'rsi-mean-reversion': rsiMeanReversionDefinition,
  'donchian-breakout': donchianBreakoutDefinition,
  'equal-weight': equalWeightDefinition,
  'inverse-volatility': inverseVolatilityDefinition,
});

/** A registry name (`'sma-crossover'`, …). */
export type StrategyName = keyof typeof strategyRegistry;

const definitions: readonly StrategyDefinition[] = Object.freeze(Object.values(strategyRegistry));

/** Every registered definition, in listing order (signal strategies first). */
export function listStrategies(): readonly StrategyDefinition[] {
  return definitions;
}

/** True when `name` is a registered strategy name. */
export function isStrategyName(name: string): name is StrategyName {
  return Object.hasOwn(strategyRegistry, name);
}

/** The definition registered as `name`; throws a `StrategyNotFoundError` listing the names. */
export function getStrategy(name: string): StrategyDefinition {
  if (!isStrategyName(name)) throw new StrategyNotFoundError(name, Object.keys(strategyRegistry));
  return strategyRegistry[name];
}

/**
 * Builds strategy `name` from raw parameters (`undefined` = all defaults): parses them with the
 * definition's schema and throws a `ConfigError` listing every issue at `params.<field>` (unknown
 * keys included). `id` defaults to the registry name.
 */
export function createStrategy(name: string, params?: unknown, id: string = name): AnyStrategy {
  const definition = getStrategy(name);
  return definition.create(parseStrategyParams(definition.name, definition.schema, params), id);
}
