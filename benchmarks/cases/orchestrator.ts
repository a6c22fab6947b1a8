import { generateSyntheticData } from '@ensemble/data';
import { runBacktest } from '@ensemble/engine';
import { runOrchestrator } from '@ensemble/orchestrator';
import type { BarSeries } from '@ensemble/protocol';
import { createStrategy, strategyRegistry } from '@ensemble/strategies';
import type { BenchCase } from '../harness';

interface Context {
  readonly series: readonly BarSeries[];
}

const SLEEVE_PARAMS = Array.from({ length: 10 }, (_, i) => ({ fast: 5 + 2 * i, slow: 30 + 10 * i }));

/**
 * `orchestrator-10-sleeves-1m`: ten sma-crossover sleeves (different windows) on one 1M-bar
 * series, equal weights, no rebalancing; baseline: the ten strategies as ten separate engine runs
 * (each with a tenth of the cash). Goal: ratio ≤ 1.5.
 */
export function orchestratorTenSleeves(bars: number): BenchCase<Context> {
  return {
    name: bars >= 1_000_000 ? 'orchestrator-10-sleeves-1m' : `orchestrator-10-sleeves-${bars}`,
    size: bars * SLEEVE_PARAMS.length,
    setup: () => ({ series: generateSyntheticData({ bars, symbols: 1, seed: 7 }).series }),
    run: ({ series }) =>
      runOrchestrator(
        {
          data: { dataset: 'synthetic' },
          cash: 100_000,
          rebalance: { schedule: 'never' },
          strategies: SLEEVE_PARAMS.map((params, i) => ({ id: `sma-${i}`, strategy: 'sma-crossover', params, symbols: [series[0]?.symbol ?? ''] })),
        },
        series,
        { registry: strategyRegistry },
      ),
    baseline: ({ series }) =>
      SLEEVE_PARAMS.map((params, i) => runBacktest({ series, strategy: createStrategy('sma-crossover', params, `sma-${i}`), cash: 10_000 })),
  };
}

const NAMES = ['sma-crossover', 'rsi-mean-reversion', 'donchian-breakout', 'buy-and-hold', 'equal-weight'];

/**
 * `orchestrator-50x20x5k`: 50 strategy instances (five kinds, four of 20 symbols each) on 5,000
 * bars, inverse-volatility allocation, monthly rebalancing, 0.1% commission.
 */
export function orchestratorFiftyStrategies(bars: number): BenchCase<Context> {
  return {
    name: bars >= 5_000 ? 'orchestrator-50x20x5k' : `orchestrator-50x20x${bars}`,
    size: bars * 50,
    setup: () => ({ series: generateSyntheticData({ bars, symbols: 20, seed: 3 }).series }),
    run: ({ series }) => {
      const symbols = series.map((s) => s.symbol);
      return runOrchestrator(
        {
          data: { dataset: 'synthetic' },
          cash: 1_000_000,
          commission: { kind: 'percent', rate: 0.001 },
          allocation: { scheme: 'inverse-volatility', lookback: 63 },
          rebalance: { schedule: 'month' },
          strategies: Array.from({ length: 50 }, (_, i) => ({
            id: `s${i}`,
            strategy: NAMES[i % NAMES.length] ?? 'buy-and-hold',
            params: i % 5 === 0 ? { fast: 5 + (i % 7), slow: 30 + (i % 11) } : {},
            symbols: Array.from({ length: 4 }, (_, k) => symbols[(i * 3 + k * 5) % symbols.length] ?? ''),
          })),
        },
        series,
        { registry: strategyRegistry },
      );
    },
  };
}
