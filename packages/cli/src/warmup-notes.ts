import type { MarketData } from '@ensemble/data';
import type { OrchestratorResult, StrategyRegistry } from '@ensemble/orchestrator';
import { buildStrategy, echoValue, isPortfolioStrategy, quoteValue } from '@ensemble/protocol';
import { formatCount, formatCounted } from './format';

/** A run config's strategy entry, as far as its warm-up needs it. */
export interface WarmupEntry {
  readonly id: string;
  readonly strategy: string;
  readonly params?: unknown;
  readonly symbols: readonly string[];
}

/**
 * Notes on a run's strategies that never decide because the run is shorter than their warm-up, as
 * `backtest` notes it for its one strategy: a signal strategy is asked on a symbol once that symbol
 * has `warmup` bars, a portfolio strategy once the timeline has `warmup` steps (`steps`). Their
 * sleeves hold their capital in cash for the whole run, which the metrics alone show as a flat
 * 0.00 %. A strategy whose parameters do not build is left to the run's own error.
 */
export function warmupNotes(data: MarketData, strategies: readonly WarmupEntry[], registry: StrategyRegistry, steps: number): string[] {
  const bars = new Map(data.series.map((series) => [series.symbol, series.length]));
  const notes: string[] = [];
  for (const entry of strategies) {
    const definition = Object.hasOwn(registry, entry.strategy) ? registry[entry.strategy] : undefined;
    if (definition === undefined) continue;
    let warmup: number;
    let portfolio: boolean;
    try {
      const strategy = buildStrategy(definition, entry.params, entry.id);
      warmup = strategy.warmup;
      portfolio = isPortfolioStrategy(strategy);
    } catch {
      continue;
    }
    const most = portfolio ? steps : entry.symbols.reduce((most, symbol) => Math.max(most, bars.get(symbol) ?? 0), 0);
    if (most >= warmup) continue;
    const what = portfolio ? `the run has ${formatCounted(most, 'bar')}` : `${entry.symbols.length === 1 ? 'its symbol has' : 'its symbols have at most'} ${formatCounted(most, 'bar')} in the run`;
    notes.push(`strategy ${quoteValue(entry.id)} (${echoValue(definition.name)}) never decided: its warm-up is ${formatCount(warmup)} bars and ${what}, so its capital stayed in cash; widen "from"/"to" in data, or shorten its windows`);
  }
  return notes;
}

/**
 * A note when a data-driven allocation scheme never decided: every rebalance after the start fell
 * in its warm-up (until `minHistory` sleeve returns exist, by default its lookback), so the run
 * was weighted as at its start throughout, which the summary's allocation line alone does not
 * tell. Null otherwise, and for a run that never rebalanced after its start.
 */
export function allocationWarmupNote(result: OrchestratorResult): string | null {
  const scheme = result.allocationScheme;
  if (scheme !== 'inverse-volatility' && scheme !== 'risk-parity' && scheme !== 'performance') return null;
  const later = result.rebalances.slice(1);
  if (later.length === 0 || later.some((event) => !event.warmup)) return null;
  const allocation = result.config.allocation;
  const wanted = allocation.minHistory ?? allocation.lookback;
  const field = allocation.minHistory === undefined ? 'allocation.lookback' : 'allocation.minHistory';
  return `the "${scheme}" allocation never decided: it waits for ${formatCount(wanted)} sleeve returns (${field}) and the run has ${formatCounted(result.bars, 'bar')}, so ${later.length === 1 ? 'its one rebalance' : `all ${formatCount(later.length)} rebalances`} after the start kept its warm-up weights; shorten ${field}, or widen "from"/"to" in data`;
}
