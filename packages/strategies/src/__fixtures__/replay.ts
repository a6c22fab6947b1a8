import { SeriesCursor, computeIndicators, exitRequested } from '@ensemble/protocol';
import type { BarSeries, Position, PositionSide, Strategy } from '@ensemble/protocol';

/** A round trip found by {@link replay}: bar indices of the deciding bars. */
export interface ReplayTrade {
  readonly side: PositionSide;
  readonly entry: number;
  readonly exit: number | null;
}

/**
 * Asks a signal strategy bar by bar, from index `warmup - 1`, as an engine would (entry asked
 * only when flat, exit only when holding; never both on one bar) and lists the decided round
 * trips. Test helper: no prices, sizes or costs.
 */
export function replay(strategy: Strategy, series: BarSeries): ReplayTrade[] {
  const cursor = new SeriesCursor(series, computeIndicators(strategy, series), strategy.id);
  cursor.setAccount(100_000, 100_000);
  const trades: ReplayTrade[] = [];
  let position: Position | null = null;
  let entry = -1;
  for (let i = Math.max(0, strategy.warmup - 1); i < series.length; i++) {
    const context = cursor.moveTo(i);
    cursor.setPosition(position);
    if (position === null) {
      const signal = strategy.shouldEnter(context);
      if (signal !== null) {
        entry = i;
        position = {
          strategyId: strategy.id,
          symbol: series.symbol,
          side: signal.side,
          quantity: 1,
          entryPrice: series.close[i] ?? 0,
          entryTime: series.time[i] ?? 0,
          entryCommission: 0,
        };
      }
    } else if (exitRequested(strategy.shouldExit(context, position))) {
      trades.push({ side: position.side, entry, exit: i });
      position = null;
    }
  }
  if (position !== null) trades.push({ side: position.side, entry, exit: null });
  return trades;
}

/** The strategy's entry decision at bar `index` when flat. */
export function enterAt(strategy: Strategy, series: BarSeries, index: number): ReturnType<Strategy['shouldEnter']> {
  const context = new SeriesCursor(series, computeIndicators(strategy, series), strategy.id).moveTo(index);
  return strategy.shouldEnter(context);
}

/** The strategy's exit decision at bar `index` for a position of `side` entered at bar 0. */
export function exitAt(strategy: Strategy, series: BarSeries, index: number, side: PositionSide): boolean {
  const cursor = new SeriesCursor(series, computeIndicators(strategy, series), strategy.id);
  const position: Position = {
    strategyId: strategy.id,
    symbol: series.symbol,
    side,
    quantity: 1,
    entryPrice: series.close[0] ?? 0,
    entryTime: series.time[0] ?? 0,
    entryCommission: 0,
  };
  cursor.setPosition(position);
  return exitRequested(strategy.shouldExit(cursor.moveTo(index), position));
}
