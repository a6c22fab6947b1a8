import { generateSyntheticData } from '@ensemble/data';
import { runBacktest } from '@ensemble/engine';
import { fileURLToPath } from 'node:url';
import { runOrchestrator } from '@ensemble/orchestrator';
import type { RunConfigInput } from '@ensemble/orchestrator';
import type { BarSeries } from '@ensemble/protocol';
import { createStrategy, strategyRegistry } from '@ensemble/strategies';
import type { BenchCase, MemoryCase } from '../harness';
import { sampleProcess } from '../harness';

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

/** The sleeves of `orchestrator-1000-sleeves`: per symbol, ten of the four signal strategies with their own parameters. */
function thousandSleeveEntries(symbols: readonly string[], sleeves: number): { id: string; strategy: string; params: Record<string, number>; symbols: string[] }[] {
  return Array.from({ length: sleeves }, (_, i) => {
    const symbol = symbols[i % symbols.length] ?? '';
    const j = Math.floor(i / symbols.length);
    const kinds = [
      { strategy: 'sma-crossover', params: { fast: 5 + j, slow: 30 + 5 * j } },
      { strategy: 'rsi-mean-reversion', params: { period: 7 + j } },
      { strategy: 'donchian-breakout', params: { entry: 10 + 2 * j, exit: 5 + j } },
      { strategy: 'buy-and-hold', params: {} },
    ];
    const kind = kinds[(i + j) % kinds.length] ?? { strategy: 'buy-and-hold', params: {} };
    return { id: `s${i}`, ...kind, symbols: [symbol] };
  });
}

/**
 * The run config of `orchestrator-1000-sleeves`: `sleeves` one-symbol signal sleeves over the
 * given symbols, inverse-volatility allocation (63-bar lookback) rebalanced monthly, 0.1% commission.
 */
export function thousandSleeveConfig(series: readonly BarSeries[], sleeves: number): RunConfigInput {
  return {
    data: { dataset: 'synthetic' },
    cash: 10_000_000,
    commission: { kind: 'percent', rate: 0.001 },
    allocation: { scheme: 'inverse-volatility', lookback: 63 },
    rebalance: { schedule: 'month' },
    strategies: thousandSleeveEntries(
      series.map((s) => s.symbol),
      sleeves,
    ),
  };
}

/**
 * `orchestrator-1000-sleeves`: 1,000 one-symbol signal sleeves (sma-crossover, rsi-mean-reversion,
 * donchian-breakout, buy-and-hold with varied parameters) over 100 synthetic symbols × `bars`
 * daily bars, inverse-volatility allocation rebalanced monthly, 0.1% commission; baseline: the
 * same 1,000 strategies as 1,000 separate engine runs (each with a thousandth of the cash and the
 * same commission). Goal: ratio ≤ 1.5.
 */
export function orchestratorThousandSleeves(bars: number, sleeves = 1_000, symbols = 100): BenchCase<Context> {
  return {
    name: bars >= 2_520 ? 'orchestrator-1000-sleeves' : `orchestrator-1000-sleeves-${bars}`,
    size: bars * sleeves,
    setup: () => ({ series: generateSyntheticData({ bars, symbols, seed: 11 }).series }),
    run: ({ series }) => runOrchestrator(thousandSleeveConfig(series, sleeves), series, { registry: strategyRegistry }),
    baseline: ({ series }) => {
      const bySymbol = new Map(series.map((s) => [s.symbol, s]));
      return thousandSleeveEntries(
        series.map((s) => s.symbol),
        sleeves,
      ).map((entry) =>
        runBacktest({
          series: [bySymbol.get(entry.symbols[0] ?? '') ?? missing(entry.symbols[0])],
          strategy: createStrategy(entry.strategy, entry.params, entry.id),
          cash: 10_000_000 / sleeves,
          commission: { kind: 'percent', rate: 0.001 },
        }),
      );
    },
  };
}

function missing(symbol: string | undefined): never {
  throw new Error(`no series for ${symbol ?? '?'}`);
}

const CHILD = fileURLToPath(new URL('../orchestrator-child.ts', import.meta.url));

/**
 * `orchestrator-1000-sleeves-rss`: the peak resident memory of a child process that generates the
 * 100 × `bars` series and runs the 1,000-sleeve orchestration once (keeping its result), against
 * the same child stopped before the run, the median of five of each. Goal: the difference ≤ 64
 * bytes per sleeve-bar.
 */
export function orchestratorThousandSleevesMemory(bars: number, sleeves = 1_000): MemoryCase<null> {
  const sleeveBars = bars * sleeves;
  return {
    name: bars >= 2_520 ? 'orchestrator-1000-sleeves-rss' : `orchestrator-1000-sleeves-rss-${bars}`,
    size: sleeveBars,
    goal: { maxOverBaselineMb: (64 * sleeveBars) / 1_048_576 },
    samples: 5,
    setup: () => null,
    run: () => sampleProcess([CHILD, 'run', String(bars), String(sleeves)]),
    baseline: () => sampleProcess([CHILD, 'setup', String(bars), String(sleeves)]),
    cleanup: () => undefined,
  };
}
