import { createTimeline } from '@ensemble/protocol';
import type { BarSeries, Timeline } from '@ensemble/protocol';

/**
 * The merged timeline of `series` (protocol's `createTimeline`), with a linear-time shortcut for a
 * single series — its own times, every bar at its own index — which skips the sort of the general
 * merge (a third of the load time of a one-symbol million-row file).
 */
export function buildTimeline(series: readonly BarSeries[]): Timeline {
  const [only] = series;
  if (series.length !== 1 || only === undefined) return createTimeline(series);
  const barIndex = new Int32Array(only.length);
  for (let i = 0; i < barIndex.length; i++) barIndex[i] = i;
  return { length: only.length, time: only.time.slice(), symbols: [only.symbol], barIndex: [barIndex] };
}
