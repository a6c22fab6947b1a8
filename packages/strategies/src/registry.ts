import { StrategyNotFoundError, buildStrategy, checkArguments, stringIssue } from '@ensemble/protocol';
import type { AnyStrategy, ConfigIssue, StrategyDefinition } from '@ensemble/protocol';
import { buyAndHoldDefinition } from './buy-and-hold';
import { donchianBreakoutDefinition } from './donchian-breakout';
import { equalWeightDefinition } from './equal-weight';
import { inverseVolatilityDefinition } from './inverse-volatility';
import { rsiMeanReversionDefinition } from './rsi-mean-reversion';
import { smaCrossoverDefinition } from './sma-crossover';

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
  checkArguments('getStrategy', [nameIssue(name)]);
  if (!isStrategyName(name)) throw new StrategyNotFoundError(name, Object.keys(strategyRegistry));
  return strategyRegistry[name];
}

/**
 * Builds strategy `name` from raw parameters (`undefined` = all defaults): parses them with the
 * definition's schema and throws a `ConfigError` listing every issue at `params.<field>` (unknown
 * keys included). `id` defaults to the registry name.
 */
export function createStrategy(name: string, params?: unknown, id: string = name): AnyStrategy {
  checkArguments('createStrategy', [nameIssue(name), id === name ? null : stringIssue(id, 'id', 'the strategy id (a string), or left out for the name')]);
  return buildStrategy(getStrategy(name), params, id);
}

/** The problem with a strategy name argument (null when there is none): a string. */
function nameIssue(name: unknown): ConfigIssue | null {
  return stringIssue(name, 'name', `a strategy name (a string: ${Object.keys(strategyRegistry).join(', ')})`);
}
