import type { BarSeries } from '../bars';
import type { PortfolioStrategy, Strategy } from '../strategy';
import { zigzagSeries } from './fixtures.test-helpers';
import { testStrategyContract } from './contract';

function sma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] ?? 0;
    if (i >= period) sum -= values[i - period] ?? 0;
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

const trend: Strategy = {
  id: 'trend',
  warmup: 8,
  indicators: (series: BarSeries) => ({ sma: sma(series.close, 8) }),
  shouldEnter: (context) =>
    context.close() > context.indicator('sma') ? { side: 'long', strength: 1, stopLoss: context.close() * 0.9 } : null,
  shouldExit: (context) => ({ exit: context.close() < context.indicator('sma'), reason: 'below sma' }),
};

const equal: PortfolioStrategy = {
  kind: 'portfolio',
  id: 'equal',
  warmup: 1,
  rebalance: { kind: 'calendar', period: 'month' },
  targetWeights: (context) => Object.fromEntries(context.tradable.map((s) => [s, 1 / context.tradable.length])),
};

testStrategyContract({ create: () => trend, series: [zigzagSeries('A', 90), zigzagSeries('B', 60, 5)] });
testStrategyContract({ name: 'equal weight', create: () => equal, series: [zigzagSeries('A', 90), zigzagSeries('B', 60, 5)] });
