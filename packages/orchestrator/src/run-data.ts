import { ConfigError, listValues, quoteValue } from '@ensemble/protocol';
import type { BarSeries, ConfigIssue } from '@ensemble/protocol';
import type { RunConfig } from './config';

/**
 * The symbols a run needs, in first-use order: every strategy's symbols, then the benchmark.
 * What a caller loads when `data.symbols` is not given.
 */
export function runSymbols(config: Pick<RunConfig, 'strategies' | 'benchmark'>): string[] {
  const symbols = new Set<string>();
  for (const entry of config.strategies) for (const symbol of entry.symbols) symbols.add(symbol);
  if (config.benchmark !== undefined) symbols.add(config.benchmark);
  return [...symbols];
}

/**
 * Checks loaded data against a parsed config: every strategy symbol and the benchmark must have a
 * series. Throws a `ConfigError` naming each missing symbol by path (`strategies.1.symbols.0`)
 * with the symbols available.
 */
export function checkRunData(config: Pick<RunConfig, 'strategies' | 'benchmark'>, series: readonly BarSeries[], source?: string): void {
  const available = new Set(series.map((s) => s.symbol));
  const list = available.size === 0 ? 'none' : listValues([...available]);
  const issues: ConfigIssue[] = [];
  config.strategies.forEach((entry, index) => {
    entry.symbols.forEach((symbol, k) => {
      if (!available.has(symbol)) {
        issues.push({ path: `strategies.${index}.symbols.${k}`, message: `symbol ${quoteValue(symbol)} is not in the data (available: ${list})` });
      }
    });
  });
  if (config.benchmark !== undefined && !available.has(config.benchmark)) {
    issues.push({ path: 'benchmark', message: `benchmark symbol ${quoteValue(config.benchmark)} is not in the data (available: ${list})` });
  }
  if (issues.length > 0) throw new ConfigError(issues, source === undefined ? undefined : { source });
}
