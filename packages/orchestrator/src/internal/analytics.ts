import type { SleeveMatrix } from '../allocation/statistics';
import { correlationMatrix, sampleCovariance, sampleVolatilities } from '../allocation/statistics';

/** What the run loop keeps of a sleeve: its equity and gross exposure after every step and its transfers (sparse). */
export interface SleeveRecord {
  /** Capital before the first step. */
  readonly initialCash: number;
  /** Equity after every step. */
  readonly equity: Float64Array;
  /** Gross exposure (Σ |position value|) after every step. */
  readonly gross: Float64Array;
  /** Steps on which cash was moved in or out, ascending, and the amounts (negative: out). */
  readonly transferSteps: readonly number[];
  readonly transferAmounts: readonly number[];
  /** Per transfer, the sleeve's equity just before it, NaN when the transfer emptied the sleeve. */
  readonly transferBases: readonly number[];
}

/**
 * `step(value, previous, transfer, base, previousGross)` at every step of a sleeve: its equity
 * then, before (the initial capital at step 0), the cash moved in (+) or out (−) on that step, the
 * equity just before that move when it happened at the open (NaN: at the close, or none), and the
 * gross exposure before the step (0 at step 0).
 */
function perStep(record: SleeveRecord, step: (value: number, previous: number, transfer: number, base: number, previousGross: number) => number): Float64Array {
  const { equity, gross, transferSteps, transferAmounts, transferBases } = record;
  const out = new Float64Array(equity.length);
  let previous = record.initialCash;
  let previousGross = 0;
  let next = 0;
  for (let t = 0; t < equity.length; t++) {
    let transfer = 0;
    let base = Number.NaN;
    if (transferSteps[next] === t) {
      transfer = transferAmounts[next] ?? 0;
      base = transferBases[next] ?? Number.NaN;
      next++;
    }
    const value = equity[t] ?? 0;
    out[t] = step(value, previous, transfer, base, previousGross);
    previous = value;
    previousGross = gross[t] ?? 0;
  }
  return out;
}

/** Per-step P&L excluding transfers: `E_t − E_{t−1} − transfers_t`, with `E_{−1}` the initial capital. */
export function sleevePnl(record: SleeveRecord): Float64Array {
  return perStep(record, (value, previous, transfer) => value - previous - transfer);
}

/** Capital below this share of what a step moves or ends with is floating-point dust, not capital. */
const DUST_CAPITAL = 1e-9;

/** A sleeve worth less than this share of its initial capital is empty: no return is measured on it. */
export const EMPTY_SLEEVE = 1e-4;

/**
 * A sleeve's return on one step excluding transfers, NaN when `E_{t−1} ≤ 0` or is dust against
 * what the step moved and ended with (a sleeve emptied by a weight of 0 keeps ±1e-12 of rounding:
 * no return is measured on it). `E_{t−1}` is not dust, whatever the step ended with, when it is
 * more than that share of the step's transfer plus the book's gross exposure before the step
 * (`previousGross`; default +∞: never): a real book that a jump of its prices multiplied or wiped
 * out by a factor of 1e9 or more has that return, not none. A transfer splits the step where it
 * happened, at the open or at the close (time-weighted):
 * `base / E_{t−1} × E_t / (base + transfers_t) − 1`, with `base` the equity just before it — so
 * what the sleeve earned before the transfer is measured on the capital it had then, and the rest
 * of the bar (at the close: the costs of the transfer's orders and of the strategy's own) on the
 * capital it has after. Without a base (NaN: a sleeve the transfer emptied, which keeps nothing
 * to measure the rest on) the transfer ends the step: `(E_t − transfers_t) / E_{t−1} − 1`.
 * `empty`: the capital at or below which a sleeve counts as empty (a weight of 0 emptied it, and
 * the costs of its last sales left it a few cents either way): NaN, no return measured — unless a
 * transfer with a base funds it on the step (above `empty`): the step's return is then measured
 * from the transfer on, `E_t / (base + transfers_t) − 1` (a sleeve funded at an open earns the
 * rest of the bar on its new capital, as its strategy alone, entering at that open, does). So
 * too a sleeve of crumbs, dust against the step.
 */
export function stepReturn(value: number, previous: number, transfer: number, base = Number.NaN, empty = 0, previousGross = Number.POSITIVE_INFINITY): number {
  const after = base + transfer;
  // An empty sleeve (or one of crumbs) funded on this step: nothing before the transfer to measure
  // a return on, and from the transfer on its new capital — at an open, the rest of the bar.
  if (!(previous > empty)) return after > empty ? value / after - 1 : Number.NaN;
  const tinyAgainstStep = !(previous > DUST_CAPITAL * (Math.abs(value) + Math.abs(transfer)));
  if (tinyAgainstStep && !(previous > DUST_CAPITAL * (Math.abs(transfer) + previousGross))) return after > empty ? value / after - 1 : Number.NaN;
  if (!(after > 0)) return (value - transfer) / previous - 1;
  return (base / previous) * (value / after) - 1;
}

/** Per-step returns excluding transfers ({@link stepReturn} of every step). */
export function sleeveReturns(record: SleeveRecord): Float64Array {
  const empty = EMPTY_SLEEVE * Math.abs(record.initialCash);
  return perStep(record, (value, previous, transfer, base, previousGross) => stepReturn(value, previous, transfer, base, empty, previousGross));
}

/** The sleeves' sample covariance, correlation and volatilities (per bar, ddof 1) over the whole run. */
export interface SleeveStatistics {
  readonly covariance: SleeveMatrix;
  readonly correlation: SleeveMatrix;
  readonly volatilities: (number | null)[];
  /**
   * The covariance that goes with `volatilities`, for the diversification ratio: `covariance`
   * when every return is finite; otherwise, off the diagonal, each pair's correlation (over the
   * bars where both are finite) times the two sleeves' own σ (each over all of its finite bars) —
   * a pair's covariance over its common bars beside σs over other bars can describe no portfolio
   * (a ratio below 1). Where the correlation is null (a sleeve without variance on the common
   * bars), the pair's covariance over those bars.
   */
  readonly ratioCovariance: SleeveMatrix;
}

/** {@link SleeveStatistics.ratioCovariance} of statistics taken with pairwise deletion. */
function matchedCovariance(covariance: SleeveMatrix, correlation: SleeveMatrix, volatilities: readonly (number | null)[]): SleeveMatrix {
  return covariance.map((row, i) =>
    row.map((value, j) => {
      const rho = correlation[i]?.[j] ?? null;
      const si = volatilities[i] ?? null;
      const sj = volatilities[j] ?? null;
      return i === j || rho === null || si === null || sj === null ? value : rho * si * sj;
    }),
  );
}

/** σ at or below this is floating-point noise (the allocation layer's threshold). */
const NOISE = 1e-13;

/**
 * Covariance, correlation and volatilities of the sleeves' returns, equal to the allocation
 * layer's `sampleCovariance`, `correlationMatrix` and `sampleVolatilities` over every bar. When
 * every return is finite it makes one pass for the means and one for all pairs at once (the same
 * sums in the same order as theirs); otherwise it calls them (pairwise deletion).
 */
export function sleeveStatistics(returns: readonly Float64Array[]): SleeveStatistics {
  const n = returns.length;
  const length = returns[0]?.length ?? 0;
  let finite = true;
  for (const column of returns) {
    for (const value of column) {
      if (!Number.isFinite(value)) {
        finite = false;
        break;
      }
    }
    if (!finite) break;
  }
  if (!finite || length < 2) {
    const history = { returns, length };
    const covariance = sampleCovariance(history);
    const correlation = correlationMatrix(history);
    const volatilities = sampleVolatilities(history);
    return { covariance, correlation, volatilities, ratioCovariance: matchedCovariance(covariance, correlation, volatilities) };
  }
  const means = returns.map((column) => {
    let sum = 0;
    for (const value of column) sum += value;
    return sum / length;
  });
  const sums = new Float64Array(n * n);
  const centred = new Float64Array(n);
  for (let t = 0; t < length; t++) {
    for (let i = 0; i < n; i++) centred[i] = (returns[i]?.[t] ?? 0) - (means[i] ?? 0);
    for (let i = 0; i < n; i++) {
      const a = centred[i] ?? 0;
      for (let j = i; j < n; j++) sums[i * n + j] = (sums[i * n + j] ?? 0) + a * (centred[j] ?? 0);
    }
  }
  const covariance: SleeveMatrix = Array.from({ length: n }, () => new Array<number | null>(n).fill(null));
  const correlation: SleeveMatrix = Array.from({ length: n }, () => new Array<number | null>(n).fill(null));
  const std = Array.from({ length: n }, (_, i) => Math.sqrt((sums[i * n + i] ?? 0) / (length - 1)));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const value = (sums[i * n + j] ?? 0) / (length - 1);
      (covariance[i] ?? [])[j] = value;
      (covariance[j] ?? [])[i] = value;
      const si = std[i] ?? 0;
      const sj = std[j] ?? 0;
      const rho = si > NOISE && sj > NOISE ? (i === j ? 1 : Math.max(-1, Math.min(1, value / (si * sj)))) : null;
      (correlation[i] ?? [])[j] = rho;
      (correlation[j] ?? [])[i] = rho;
    }
  }
  return { covariance, correlation, volatilities: std, ratioCovariance: covariance };
}
