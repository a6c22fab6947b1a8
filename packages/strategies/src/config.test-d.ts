import type { AnyStrategy, PortfolioStrategy, Strategy, StrategyDefinition } from '@ensemble/protocol';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  DonchianBreakoutConfig,
  EqualWeightConfig,
  InverseVolatilityConfig,
  RsiMeanReversionConfig,
  SmaCrossoverConfig,
  EqualWeightStrategy,
  SmaCrossoverStrategy,
  StrategyName,
} from './index';
import { createStrategy, strategyRegistry } from './index';

type Rebalance = 'week' | 'month' | 'quarter' | 'year' | number;

describe('config types', () => {
  it('every parameter is optional in the input type', () => {
    expectTypeOf<SmaCrossoverConfig>().toEqualTypeOf<{ fast?: number; slow?: number; allowShort?: boolean }>();
    expectTypeOf<RsiMeanReversionConfig>().toEqualTypeOf<{ period?: number; oversold?: number; overbought?: number }>();
    expectTypeOf<DonchianBreakoutConfig>().toEqualTypeOf<{ entry?: number; exit?: number }>();
    expectTypeOf<EqualWeightConfig>().toEqualTypeOf<{ rebalance?: Rebalance }>();
    expectTypeOf<InverseVolatilityConfig>().toEqualTypeOf<{ lookback?: number; rebalance?: Rebalance }>();
  });

  it('strategies implement their protocol interface', () => {
    expectTypeOf<SmaCrossoverStrategy>().toExtend<Strategy>();
    expectTypeOf<EqualWeightStrategy>().toExtend<PortfolioStrategy>();
    expectTypeOf(createStrategy).returns.toEqualTypeOf<AnyStrategy>();
    expectTypeOf(strategyRegistry['sma-crossover']).toExtend<StrategyDefinition>();
    expectTypeOf<StrategyName>().toEqualTypeOf<
      'buy-and-hold' | 'sma-crossover' | 'rsi-mean-reversion' | 'donchian-breakout' | 'equal-weight' | 'inverse-volatility'
    >();
  });
});
