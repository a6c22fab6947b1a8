import { SeriesCursor, createTimeline } from '@ensemble/protocol';
import type { BarSeries, PortfolioContext, StrategyContext } from '@ensemble/protocol';

/**
 * The context a portfolio strategy sees at timeline step `step` of `series` (merged timeline):
 * tradable symbols are those with a bar at the step; `bars(symbol)` shows each symbol up to its
 * last bar at or before the step. Test helper.
 */
export function portfolioContextAt(series: readonly BarSeries[], step: number): PortfolioContext {
  const timeline = createTimeline(series);
  const tradable: string[] = [];
  const visible = new Map<string, StrategyContext>();
  series.forEach((s, k) => {
    const map = timeline.barIndex[k] ?? new Int32Array(0);
    if ((map[step] ?? -1) >= 0) tradable.push(s.symbol);
    let last = -1;
    for (let t = step; t >= 0 && last < 0; t--) last = map[t] ?? -1;
    if (last >= 0) visible.set(s.symbol, new SeriesCursor(s).moveTo(last));
  });
  return {
    time: timeline.time[step] ?? Number.NaN,
    step,
    symbols: series.map((s) => s.symbol),
    tradable,
    bars: (symbol) => visible.get(symbol) ?? null,
    account: { cash: 100_000, equity: 100_000 },
    positions: new Map(),
  };
}

/** The timeline step whose time is `time` (epoch ms), or throws. */
export function stepAt(series: readonly BarSeries[], time: number): number {
  const timeline = createTimeline(series);
  const step = timeline.time.indexOf(time);
  if (step < 0) throw new Error(`no step at ${new Date(time).toISOString()}`);
  return step;
}
