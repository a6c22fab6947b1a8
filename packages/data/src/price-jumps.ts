import { checkArguments, shapeIssue } from '@ensemble/protocol';
import type { BarSeries } from '@ensemble/protocol';

/**
 * A close at least this many times the one before, or at most its inverse, is a jump worth a look:
 * +40% or −28.6% in one bar, which a 3:2 split's −33% passes and a usual day's move does not.
 */
export const JUMP_FACTOR = 1.4;

/** How far a jump may be from a split's ratio and still be read as one (a day's own move on top). */
const SPLIT_TOLERANCE = 1.03;

/** Split ratios as shares after : shares before; a reverse split is their inverse. */
const SPLIT_RATIOS: readonly (readonly [number, number])[] = [
  [3, 2],
  [2, 1],
  [5, 2],
  [3, 1],
  [4, 1],
  [5, 1],
  [8, 1],
  [10, 1],
  [20, 1],
];

/**
 * One bar's close far from the bar's before: a split (or a reverse split) in prices that are not
 * adjusted for it, or a bad price. Times are epoch ms (UTC).
 */
export interface PriceJump {
  /** The bar before the jump. */
  readonly from: number;
  /** The bar of the jump. */
  readonly to: number;
  readonly fromClose: number;
  readonly toClose: number;
  /** `toClose / fromClose − 1`: −0.5 for a close halved. */
  readonly change: number;
  /**
   * The split whose ratio the jump — from the close before to the bar's close, or to its open — is
   * within 3% of, as `"2:1"` (two shares for one, the close
   * halved) or `"1:10"` (a reverse split, the close ten times); null when it matches none.
   */
  readonly split: string | null;
}

/** The split ratio `before / after` (2 when the close halved) is close to, as "2:1", or null. */
function splitOf(factor: number): string | null {
  for (const [after, before] of SPLIT_RATIOS) {
    const ratio = after / before;
    if (Math.abs(Math.log(factor / ratio)) <= Math.log(SPLIT_TOLERANCE)) return `${String(after)}:${String(before)}`;
    if (Math.abs(Math.log(factor * ratio)) <= Math.log(SPLIT_TOLERANCE)) return `${String(before)}:${String(after)}`;
  }
  return null;
}

/**
 * The bars of `series` whose close is at least {@link JUMP_FACTOR} times the close before or at
 * most its inverse, in time order, each with the split ratio its close or its open matches, if any. Prices that are
 * not adjusted for a split halve (2:1) or triple (1:3) overnight; adjusted ones do not.
 */
export function priceJumps(series: BarSeries): PriceJump[] {
  // From JavaScript the argument can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('priceJumps', [shapeIssue(series, 'series', 'a bar series (with its time and close columns)', { length: 'number', time: 'column', close: 'column' })]);
  const jumps: PriceJump[] = [];
  const limit = Math.log(JUMP_FACTOR);
  for (let i = 1; i < series.length; i++) {
    const fromClose = series.close[i - 1] ?? Number.NaN;
    const toClose = series.close[i] ?? Number.NaN;
    const step = Math.log(toClose / fromClose);
    if (!(Math.abs(step) >= limit)) continue;
    // A split happens overnight: the open after it is the closer to its ratio (AAPL's 4:1 of
    // 2020-08-31 opened at 3.91 times below the close before, and closed 3.3% higher).
    const open = series.open[i] ?? Number.NaN;
    const split = splitOf(fromClose / toClose) ?? (open > 0 ? splitOf(fromClose / open) : null);
    jumps.push({ from: series.time[i - 1] ?? 0, to: series.time[i] ?? 0, fromClose, toClose, change: toClose / fromClose - 1, split });
  }
  return jumps;
}
