import { checkArguments } from '@ensemble/protocol';
import { columnIssue, optionalNumberIssue } from './internal/arguments';
import type { DrawdownPeriod } from './types';

const DAY_MS = 86_400_000;

/**
 * Two drawdowns whose trough-to-peak ratios `V_trough / V_peak` differ by less than this,
 * relative to the larger ratio, are a tie, and the earlier episode ranks first. The ratios are
 * quotients of products of many returns, so two episodes that are equally deep on paper differ
 * in their last bits, and which one those bits favour changes when the curve is scaled or summed
 * in another order. Rounding noise on curves of millions of bars stays below 1e-12; a real
 * difference is far above 1e-10. Comparing ratios relatively (not depths absolutely) keeps
 * near-total losses apart: −99.99999996 % and −99.99999986 % are not a tie.
 */
export const DRAWDOWN_TIE_TOLERANCE = 1e-10;

/** True when trough/peak ratio `a` ranks before ratio `b`: deeper by more than the tie tolerance. */
function deeper(a: number, b: number): boolean {
  return a < b - DRAWDOWN_TIE_TOLERANCE * Math.max(a, b);
}

/**
 * The underwater curve `D_t = V_t / max_{s≤t} V_s − 1` of an equity curve (0 at a new high,
 * negative below it); NaN where the high-water mark is not positive. `start`: the equity before
 * the first point (a close-fill run's cash, the metrics' `startEquity`), the first high-water mark.
 */
export function drawdownSeries(equity: ArrayLike<number>, start?: number): Float64Array {
  checkArguments('drawdownSeries', [columnIssue(equity, 'equity', 'an equity curve'), optionalNumberIssue(start, 'start', 'the equity before the first point')]);
  const out = new Float64Array(equity.length);
  let peak = start !== undefined && Number.isFinite(start) ? start : Number.NEGATIVE_INFINITY;
  for (let t = 0; t < equity.length; t++) {
    const v = equity[t] ?? Number.NaN;
    if (v > peak) peak = v;
    out[t] = peak > 0 ? v / peak - 1 : Number.NaN;
  }
  return out;
}

/** What {@link analyzeDrawdowns} finds. */
export interface DrawdownAnalysis {
  /**
   * Depth of the deepest episode (a negative fraction), 0 when the curve never falls. Among
   * episodes tied within {@link DRAWDOWN_TIE_TOLERANCE}, the earliest one's depth.
   */
  readonly maxDepth: number;
  /**
   * The deepest episodes, deepest first; episodes whose depths tie within
   * {@link DRAWDOWN_TIE_TOLERANCE} keep the earlier episode first.
   */
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
  checkArguments('analyzeDrawdowns', [
    columnIssue(time, 'time', "the curve's times in epoch ms"),
    columnIssue(equity, 'equity', 'an equity curve'),
    optionalNumberIssue(topCount, 'topCount', 'how many of the deepest episodes to keep'),
  ]);
  return scanDrawdowns(time, equity, topCount, 0);
}

/**
 * {@link analyzeDrawdowns} without its argument checks. `firstBar`: the index of the curve's first
 * bar, from which an episode's bars are counted — 1 on a curve led by a starting equity at the
 * first bar's time (the metrics' `startEquity`), whose peak there is the first bar's: the episode
 * spans the bars from the first to its recovery, as its days and its dates on the points do.
 */
export function scanDrawdowns(time: ArrayLike<number>, equity: ArrayLike<number>, topCount: number, firstBar: 0 | 1): DrawdownAnalysis | null {
  const length = equity.length;
  const first = equity[0];
  if (length === 0 || first === undefined || !(first > 0)) return null;

  const topPeak = new Int32Array(topCount);
  const topTrough = new Int32Array(topCount);
  const topRecovery = new Int32Array(topCount);
  const topRatio = new Float64Array(topCount);
  let topSize = 0;
  let longestBars = 0;
  let longestDays = 0;
  let maxRatio = 1;

  let peakIndex = 0;
  let peakValue = first;
  let inDrawdown = false;
  let troughIndex = 0;
  let troughValue = first;

  // The episode's peak and trough are arguments, not captured: variables a closure captures live
  // in a heap context, and the loop below would box a new number at every bar it writes them.
  const close = (recoveryIndex: number, peakAt: number, troughAt: number, ratio: number) => {
    const endIndex = recoveryIndex >= 0 ? recoveryIndex : length - 1;
    const bars = endIndex - Math.max(peakAt, firstBar);
    if (deeper(ratio, maxRatio) || (maxRatio === 1 && ratio < 1)) maxRatio = ratio;
    if (bars > longestBars) {
      longestBars = bars;
      longestDays = ((time[endIndex] ?? 0) - (time[peakAt] ?? 0)) / DAY_MS;
    }
    if (topCount === 0) return;
    if (topSize === topCount && !deeper(ratio, topRatio[topSize - 1] ?? 1)) return;
    let slot = topSize < topCount ? topSize++ : topSize - 1;
    while (slot > 0 && deeper(ratio, topRatio[slot - 1] ?? 1)) {
      topPeak[slot] = topPeak[slot - 1] ?? 0;
      topTrough[slot] = topTrough[slot - 1] ?? 0;
      topRecovery[slot] = topRecovery[slot - 1] ?? 0;
      topRatio[slot] = topRatio[slot - 1] ?? 1;
      slot--;
    }
    topPeak[slot] = peakAt;
    topTrough[slot] = troughAt;
    topRecovery[slot] = recoveryIndex;
    topRatio[slot] = ratio;
  };

  for (let t = 1; t < length; t++) {
    const v = equity[t] ?? Number.NaN;
    if (v >= peakValue) {
      if (inDrawdown) {
        close(t, peakIndex, troughIndex, troughValue / peakValue);
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
  if (inDrawdown) close(-1, peakIndex, troughIndex, troughValue / peakValue);
  // Near-ties can chain (a ~ b ~ c, a !~ c): the ranked list decides, so both name one episode.
  if (topSize > 0) maxRatio = topRatio[0] ?? maxRatio;

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
      depth: (topRatio[k] ?? Number.NaN) - 1,
      bars: end - Math.max(peak, firstBar),
      days: ((time[end] ?? Number.NaN) - peakTime) / DAY_MS,
    });
  }
  return { maxDepth: maxRatio - 1, top, longestBars, longestDays };
}
