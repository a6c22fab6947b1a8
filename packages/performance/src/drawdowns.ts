import type { DrawdownPeriod } from './types';

const DAY_MS = 86_400_000;

/**
 * The underwater curve `D_t = V_t / max_{s≤t} V_s − 1` of an equity curve (0 at a new high,
 * negative below it); NaN where the high-water mark is not positive.
 */
export function drawdownSeries(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < equity.length; t++) {
    const v = equity[t] ?? Number.NaN;
    if (v > peak) peak = v;
    out[t] = peak > 0 ? v / peak - 1 : Number.NaN;
  }
  return out;
}

/** What {@link analyzeDrawdowns} finds. */
export interface DrawdownAnalysis {
  /** Depth of the deepest episode (a negative fraction), 0 when the curve never falls. */
  readonly maxDepth: number;
  /** The deepest episodes, deepest first; ties keep the earlier episode first. */
  readonly top: DrawdownPeriod[];
  /** Bars and calendar days of the longest episode (the earlier one on ties), 0 without one. */
  readonly longestBars: number;
  readonly longestDays: number;
}

/**
 * Splits an equity curve into drawdown episodes in one pass: an episode starts when the value
 * falls below the high-water mark (its peak is the last bar at that mark), its trough is the first
 * bar at its lowest value, and it ends at the first bar back at or above the peak value
 * (recovery), or stays open at the last bar. Keeps the `topCount` deepest without allocating per
 * episode. Null when the curve is empty or its first value is not positive.
 */
export function analyzeDrawdowns(
  time: ArrayLike<number>,
  equity: ArrayLike<number>,
  topCount = 5,
): DrawdownAnalysis | null {
  const length = equity.length;
  const first = equity[0];
  if (length === 0 || first === undefined || !(first > 0)) return null;

  const topPeak = new Int32Array(topCount);
  const topTrough = new Int32Array(topCount);
  const topRecovery = new Int32Array(topCount);
  const topDepth = new Float64Array(topCount);
  let topSize = 0;
  let longestBars = 0;
  let longestDays = 0;
  let maxDepth = 0;

  let peakIndex = 0;
  let peakValue = first;
  let inDrawdown = false;
  let troughIndex = 0;
  let troughValue = first;

  const close = (recoveryIndex: number) => {
    const depth = troughValue / peakValue - 1;
    const endIndex = recoveryIndex >= 0 ? recoveryIndex : length - 1;
    const bars = endIndex - peakIndex;
    if (depth < maxDepth) maxDepth = depth;
    if (bars > longestBars) {
      longestBars = bars;
      longestDays = ((time[endIndex] ?? 0) - (time[peakIndex] ?? 0)) / DAY_MS;
    }
    if (topCount === 0) return;
    if (topSize === topCount && !(depth < (topDepth[topSize - 1] ?? 0))) return;
    let slot = topSize < topCount ? topSize++ : topSize - 1;
    while (slot > 0 && depth < (topDepth[slot - 1] ?? 0)) {
      topPeak[slot] = topPeak[slot - 1] ?? 0;
      topTrough[slot] = topTrough[slot - 1] ?? 0;
      topRecovery[slot] = topRecovery[slot - 1] ?? 0;
      topDepth[slot] = topDepth[slot - 1] ?? 0;
      slot--;
    }
    topPeak[slot] = peakIndex;
    topTrough[slot] = troughIndex;
    topRecovery[slot] = recoveryIndex;
    topDepth[slot] = depth;
  };

  for (let t = 1; t < length; t++) {
    const v = equity[t] ?? Number.NaN;
    if (v >= peakValue) {
      if (inDrawdown) {
        close(t);
        inDrawdown = false;
      }
      peakValue = v;
      peakIndex = t;
    } else if (!inDrawdown) {
      inDrawdown = true;
      troughIndex = t;
      troughValue = v;
    } else if (v < troughValue) {
      troughIndex = t;
      troughValue = v;
    }
  }
  if (inDrawdown) close(-1);

  const top: DrawdownPeriod[] = [];
  for (let k = 0; k < topSize; k++) {
    const peak = topPeak[k] ?? 0;
    const trough = topTrough[k] ?? 0;
    const recovery = topRecovery[k] ?? -1;
    const end = recovery >= 0 ? recovery : length - 1;
    const peakTime = time[peak] ?? Number.NaN;
    top.push({
      peak: peakTime,
      trough: time[trough] ?? Number.NaN,
      recovery: recovery >= 0 ? (time[recovery] ?? Number.NaN) : null,
      peakIndex: peak,
      troughIndex: trough,
      recoveryIndex: recovery >= 0 ? recovery : null,
      depth: topDepth[k] ?? Number.NaN,
      bars: end - peak,
      days: ((time[end] ?? Number.NaN) - peakTime) / DAY_MS,
    });
  }
  return { maxDepth, top, longestBars, longestDays };
}
