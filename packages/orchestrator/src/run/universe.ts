import type { BarSeries, Timeline } from '@ensemble/protocol';
import { ConfigError, InvariantError, createTimeline, quoteValue, seriesTimeIssue, seriesValueIssue } from '@ensemble/protocol';
import type { RunConfig } from '../config';

/**
 * What a run trades: the strategies' symbols in first-use order, their series and the merged
 * timeline, with the index of each symbol in that order (the "global" index of a sleeve symbol).
 */
export interface Universe {
  readonly symbols: readonly string[];
  readonly seriesBySymbol: ReadonlyMap<string, BarSeries>;
  /** The series of `symbols`, in their order. */
  readonly series: readonly BarSeries[];
  readonly timeline: Timeline;
  /** The index of `symbol` in `symbols`; throws an `InvariantError` for a symbol no strategy trades. */
  globalIndexOf(symbol: string): number;
}

/**
 * The universe of `config` over the loaded `series` (checked to hold every symbol beforehand).
 * Throws a `ConfigError` for series whose times are not finite and increasing, or when the
 * strategies' symbols have no bars at all.
 */
export function createUniverse(config: RunConfig, series: readonly BarSeries[], source: string | undefined): Universe {
  const symbols: string[] = [];
  const seen = new Set<string>();
  for (const entry of config.strategies) {
    for (const symbol of entry.symbols) {
      if (!seen.has(symbol)) {
        seen.add(symbol);
        symbols.push(symbol);
      }
    }
  }
  const bySymbol = new Map<string, BarSeries>();
  for (const s of series) if (!bySymbol.has(s.symbol)) bySymbol.set(s.symbol, s);
  const used = symbols.map((symbol) => {
    const found = bySymbol.get(symbol);
    if (found === undefined) throw new ConfigError([{ path: 'data', message: `symbol ${quoteValue(symbol)} is not in the data` }]);
    return found;
  });
  const issues = used.flatMap((series, k) => [seriesTimeIssue(series, k), seriesValueIssue(series, k)].filter((issue) => issue !== null));
  if (issues.length > 0) throw new ConfigError(issues, source === undefined ? undefined : { source });
  const timeline = createTimeline(used);
  if (timeline.length === 0) {
    throw new ConfigError([{ path: 'data', message: 'the strategies\' symbols have no bars at all; check the data and its from/to range' }]);
  }
  const symbolIndex = new Map(symbols.map((symbol, g) => [symbol, g]));
  return {
    symbols,
    seriesBySymbol: bySymbol,
    series: used,
    timeline,
    globalIndexOf(symbol: string): number {
      const g = symbolIndex.get(symbol);
      if (g === undefined) throw new InvariantError(`symbol "${symbol}" is not among the run's symbols (${symbols.join(', ')}): the universe was built from another config`);
      return g;
    },
  };
}

/** 1 at the timeline steps at which some of `series` has its last bar (`barIndex`: the timeline's), else 0. */
export function lastBarSteps(barIndex: readonly Int32Array[], series: readonly BarSeries[], steps: number): Uint8Array {
  const marks = new Uint8Array(steps);
  series.forEach((s, g) => {
    const bars = barIndex[g];
    if (bars === undefined) return;
    for (let t = steps - 1; t >= 0; t--) {
      if (bars[t] === s.length - 1) {
        marks[t] = 1;
        return;
      }
    }
  });
  return marks;
}
