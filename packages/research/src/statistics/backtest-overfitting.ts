import { binomial, blockBounds, cscvCombinations } from './cscv-splits';
import { IssueList, checkFinite, columnElementsIssue, describe, inputError, isIntegerAtLeast } from './input-checks';
import { bestIndex, midRank } from './relative-rank';
import { sharpeFromSums } from './sharpe-ratio';
import { arrayIssue, checkArguments, nullAsAbsent, optionsIssue } from '@ensemble/protocol';

/**
 * How a trial's returns over one half of the rows are scored: `'sharpe'` (per-period mean / sample
 * std, the default), `'mean'` (mean return per period), `'volatility'` (sample standard deviation
 * per period, NaN below 2 returns; rank it with `direction: 'min'`), `'sortino'` (mean / downside
 * deviation `sqrt(Σ min(r, 0)² / n)`, as the performance package's without its √P; +∞ for a
 * positive mean without a negative return), or a function of the half's
 * returns in time order (the array is reused between calls: copy it to keep it). NaN means "cannot
 * be computed" and ranks last.
 */
export type OverfittingMetric = 'sharpe' | 'mean' | 'volatility' | 'sortino' | ((returns: Float64Array) => number);

/** Whether a higher (`'max'`) or a lower (`'min'`) score is the better one. */
export type OverfittingDirection = 'max' | 'min';

/** Options of {@link probabilityOfBacktestOverfitting}. */
export interface BacktestOverfittingOptions {
  /** Number of blocks `S` the rows are cut into: even, 2 to 20, at most the number of rows. Default 16. */
  readonly blocks?: number;
  /** How a trial is scored on a half; default `'sharpe'`. */
  readonly metric?: OverfittingMetric;
  /**
   * `'max'` (default): the in-sample best is the highest score and ranks count higher scores as
   * better; `'min'`: the lowest, as a sweep minimising volatility selects.
   */
  readonly direction?: OverfittingDirection;
  /**
   * An out-of-sample metric worse than this is a loss, for `probabilityOfLoss`: below it under
   * `'max'`, above it under `'min'`. Default 0.
   */
  readonly lossThreshold?: number;
}

/** One distinct logit and how many splits produced it, for a histogram. */
export interface LogitCount {
  /** `λ = ln(ω̄ / (1 − ω̄))`. */
  readonly logit: number;
  /** `ω̄ = rank / (N + 1)`. */
  readonly relativeRank: number;
  /** Number of splits with this logit. */
  readonly count: number;
}

/** The result of {@link probabilityOfBacktestOverfitting}; the per-split arrays share one index. */
export interface BacktestOverfittingResult {
  /** PBO: the share of splits whose in-sample winner ranked at or below the out-of-sample median (λ ≤ 0). */
  readonly pbo: number;
  /** The share of splits whose in-sample winner's out-of-sample metric is worse than `lossThreshold` (below it under `'max'`, above it under `'min'`). */
  readonly probabilityOfLoss: number;
  /** Number of trials `N` (columns). */
  readonly trials: number;
  /** Number of rows `T` (periods). */
  readonly observations: number;
  /** Number of blocks `S`. */
  readonly blocks: number;
  /** Number of splits, `C(S, S/2)`. */
  readonly splits: number;
  /** The first row of each block, then `T` (`S + 1` entries). */
  readonly blockStarts: readonly number[];
  /** The metric used: `'custom'` for a function. */
  readonly metric: 'sharpe' | 'mean' | 'volatility' | 'sortino' | 'custom';
  /** Whether the higher or the lower score was the better one. */
  readonly direction: OverfittingDirection;
  /** The in-sample blocks of each split, ascending; the other blocks are out of sample. */
  readonly inSampleBlocks: readonly (readonly number[])[];
  /** Index of the trial with the best in-sample metric, per split. */
  readonly selectedTrials: readonly number[];
  /** Out-of-sample mid-rank of the selected trial, 1 (worst) to N (best), per split. */
  readonly outOfSampleRanks: readonly number[];
  /** `λ = ln(ω̄ / (1 − ω̄))` with `ω̄ = rank / (N + 1)`, per split. */
  readonly logits: readonly number[];
  /** The distinct logits, ascending, with their counts. */
  readonly logitDistribution: readonly LogitCount[];
  /** Performance degradation: the selected trial's metric in and out of sample, per split (null: NaN or infinite). */
  readonly degradation: {
    readonly inSample: readonly (number | null)[];
    readonly outOfSample: readonly (number | null)[];
    /** Least-squares slope of out-of-sample on in-sample over the splits where both are numbers; null with fewer than 2 or no spread. */
    readonly slope: number | null;
    readonly intercept: number | null;
    /** R² of that fit; null with the slope, or when the out-of-sample values do not vary. */
    readonly rSquared: number | null;
  };
}

const DEFAULT_BLOCKS = 16;
/** C(20, 10) = 184,756 splits; C(22, 11) = 705,432 would take minutes for a thousand trials. */
const MAX_BLOCKS = 20;

interface CheckedInput {
  readonly columns: readonly ArrayLike<number>[];
  readonly rows: number;
  readonly blocks: number;
  readonly metric: OverfittingMetric;
  readonly direction: OverfittingDirection;
  readonly lossThreshold: number;
}

function checkInput(trialReturns: readonly ArrayLike<number>[], options: BacktestOverfittingOptions): CheckedInput {
  const trials = trialReturns.length;
  if (trials < 2) {
    throw inputError('trialReturns', 0, 'no-data', `needs the returns of at least 2 trials to rank them, got ${trials}.`);
  }
  const rows = trialReturns[0]?.length ?? 0;
  for (const [n, column] of trialReturns.entries()) {
    if (column.length !== rows) {
      throw inputError(
        `trialReturns[${n}]`,
        Math.min(column.length, rows),
        'missing-value',
        `trialReturns[${n}] has ${column.length} returns but trialReturns[0] has ${rows}: every trial needs one return per period of the same periods.`,
      );
    }
    checkFinite(`trialReturns[${n}]`, column);
  }
  const issues = new IssueList('probability of backtest overfitting');
  const { blocks = DEFAULT_BLOCKS, metric = 'sharpe', direction = 'max', lossThreshold = 0 } = options;
  if (!isIntegerAtLeast(blocks, 2) || blocks % 2 !== 0 || blocks > MAX_BLOCKS) {
    issues.add('blocks', `must be an even integer from 2 to ${MAX_BLOCKS} (16 is usual), got ${describe(blocks)}`);
  } else if (blocks > rows) {
    issues.add('blocks', `must be at most the number of returns per trial (${rows}), got ${blocks}: every block needs a row`);
  }
  if (metric !== 'sharpe' && metric !== 'mean' && metric !== 'volatility' && metric !== 'sortino' && typeof metric !== 'function') {
    issues.add('metric', `must be 'sharpe', 'mean', 'volatility', 'sortino' or a function of a returns array, got ${describe(metric)}`);
  }
  // From JavaScript the direction can be anything.
  if (!(['max', 'min'] as unknown[]).includes(direction)) issues.add('direction', `must be 'max' or 'min', got ${describe(direction)}`);
  if (!Number.isFinite(lossThreshold)) issues.add('lossThreshold', `must be a finite number, got ${describe(lossThreshold)}`);
  issues.throwIfAny();
  return { columns: trialReturns, rows, blocks, metric, direction, lossThreshold };
}

/**
 * Scores every trial on a half (a set of blocks) into `out`, and on the complementary half into
 * `outComplement`. One scorer per call of the main function.
 */
type HalfPairScorer = (half: Uint8Array, complement: Uint8Array, out: Float64Array, outComplement: Float64Array) => void;

/**
 * Per trial and block, the block's mean and sum of squared deviations from it (two passes over
 * its rows), so that a half's mean and standard deviation cost O(S) per trial instead of O(T):
 * the half's blocks are merged pairwise (Chan, Golub & LeVeque), which adds only non-negative
 * terms. Taking the variance as (sum of squares − square of sum / n) instead loses digits when a
 * half's returns are close to each other and far from the shift (fuzzing found a Sharpe ratio of
 * 49 off by 1.2e−12 relative).
 */
function blockSumScorer(input: CheckedInput, bounds: Int32Array, kind: 'sharpe' | 'mean' | 'volatility' | 'sortino'): HalfPairScorer {
  const { columns, blocks } = input;
  const trials = columns.length;
  const blockMean = new Float64Array(trials * blocks);
  const blockSquares = new Float64Array(trials * blocks);
  // Sortino's downside: per block the sum of the squared negative returns (no shift to lose digits to).
  const blockDownside = kind === 'sortino' ? new Float64Array(trials * blocks) : null;
  for (let n = 0; n < trials; n++) {
    const column = columns[n] ?? [];
    for (let b = 0; b < blocks; b++) {
      const from = bounds[b] ?? 0;
      const to = bounds[b + 1] ?? 0;
      let sum = 0;
      for (let t = from; t < to; t++) sum += column[t] ?? 0;
      const mean = to > from ? sum / (to - from) : 0;
      let squares = 0;
      for (let t = from; t < to; t++) {
        const d = (column[t] ?? 0) - mean;
        squares += d * d;
      }
      blockMean[n * blocks + b] = mean;
      blockSquares[n * blocks + b] = squares;
      if (blockDownside !== null) {
        let downside = 0;
        for (let t = from; t < to; t++) {
          const value = column[t] ?? 0;
          if (value < 0) downside += value * value;
        }
        blockDownside[n * blocks + b] = downside;
      }
    }
  }
  /** Trial `n`'s metric over the blocks of `half`. */
  const score = (half: Uint8Array, n: number): number => {
    let count = 0;
    let mean = 0;
    let squares = 0;
    let downside = 0;
    for (const b of half) {
      const size = (bounds[b + 1] ?? 0) - (bounds[b] ?? 0);
      if (size === 0) continue;
      if (blockDownside !== null) downside += blockDownside[n * blocks + b] ?? 0;
      if (count === 0) {
        count = size;
        mean = blockMean[n * blocks + b] ?? 0;
        squares = blockSquares[n * blocks + b] ?? 0;
        continue;
      }
      const total = count + size;
      const delta = (blockMean[n * blocks + b] ?? 0) - mean;
      mean += (delta * size) / total;
      squares += (blockSquares[n * blocks + b] ?? 0) + (delta * delta * count * size) / total;
      count = total;
    }
    if (kind === 'mean') return mean;
    if (kind === 'volatility') return count < 2 ? Number.NaN : Math.sqrt(Math.max(0, squares) / (count - 1));
    if (kind === 'sortino') {
      if (count === 0) return Number.NaN;
      const deviation = Math.sqrt(downside / count);
      // No return below 0: unboundedly good with a positive mean, as a sweep ranks it; else undefined.
      if (deviation === 0) return mean > 0 ? Number.POSITIVE_INFINITY : Number.NaN;
      return mean / deviation;
    }
    return sharpeFromSums(count, mean, squares);
  };
  return (half, complement, out, outComplement) => {
    for (let n = 0; n < trials; n++) {
      out[n] = score(half, n);
      outComplement[n] = score(complement, n);
    }
  };
}

/** Copies each trial's rows of a half, in time order, into a buffer and calls the metric on it. */
function customScorer(input: CheckedInput, bounds: Int32Array, metric: (returns: Float64Array) => number): HalfPairScorer {
  const buffers = new Map<number, Float64Array>();
  const scoreHalf = (blockIds: Uint8Array, out: Float64Array): void => {
    let count = 0;
    for (const b of blockIds) count += (bounds[b + 1] ?? 0) - (bounds[b] ?? 0);
    let buffer = buffers.get(count);
    if (buffer === undefined) {
      buffer = new Float64Array(count);
      buffers.set(count, buffer);
    }
    for (const [n, column] of input.columns.entries()) {
      let i = 0;
      for (const b of blockIds) {
        for (let t = bounds[b] ?? 0; t < (bounds[b + 1] ?? 0); t++) buffer[i++] = column[t] ?? 0;
      }
      const value: unknown = metric(buffer);
      out[n] = typeof value === 'number' ? value : Number.NaN;
    }
  };
  return (half, complement, out, outComplement) => {
    scoreHalf(half, out);
    scoreHalf(complement, outComplement);
  };
}

const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Least-squares fit of y on x over the pairs where both are finite. */
function degradationFit(x: readonly (number | null)[], y: readonly (number | null)[]) {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [i, xi] of x.entries()) {
    const yi = y[i] ?? null;
    if (xi !== null && yi !== null && Number.isFinite(xi) && Number.isFinite(yi)) {
      xs.push(xi);
      ys.push(yi);
    }
  }
  const count = xs.length;
  const meanX = xs.reduce((sum, v) => sum + v, 0) / count;
  const meanY = ys.reduce((sum, v) => sum + v, 0) / count;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let scale = 0;
  for (const [i, xi] of xs.entries()) {
    const dx = xi - meanX;
    const dy = (ys[i] ?? 0) - meanY;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
    scale = Math.max(scale, Math.abs(xi));
  }
  // In-sample values that differ only by rounding have no spread to fit a slope on.
  if (count < 2 || sxx === 0 || Math.sqrt(sxx / count) <= 1e-12 * scale) return { slope: null, intercept: null, rSquared: null };
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX, rSquared: syy === 0 ? null : (sxy * sxy) / (sxx * syy) };
}

/**
 * The probability of backtest overfitting (Bailey, Borwein, López de Prado & Zhu, 2017) by
 * combinatorially symmetric cross-validation. `trialReturns[n]` holds trial `n`'s per-period
 * returns (N ≥ 2 trials, the same T periods each). The rows are cut into `S` contiguous blocks
 * (default 16); for each of the `C(S, S/2)` ways to choose half of the blocks as in-sample, the
 * trial with the best in-sample metric is selected (the first in input order on a tie) and its
 * out-of-sample mid-rank `r` among all trials taken (1 worst, N best, ties averaged, values within
 * 1e−12 relative tied), `ω̄ = r / (N + 1)` and `λ = ln(ω̄ / (1 − ω̄))`. PBO is the share of splits
 * with `λ ≤ 0`: the in-sample winner did no better than the out-of-sample median. Trials whose
 * returns are all identical tie on every split (`λ = 0`) and give PBO 1, which says nothing about
 * a selection: check that they differ first (a sweep reports no PBO then). Under `direction:
 * 'min'` the lowest score is the best, in and out of sample.
 *
 * With `'sharpe'`, `'mean'`, `'volatility'` or `'sortino'` each split costs O(N·S) (block sums are computed once); a custom
 * metric costs O(N·T) per split. Throws a `DataValidationError` naming a short or non-finite
 * column, and a `ConfigError` listing bad options.
 */
export function probabilityOfBacktestOverfitting(
  trialReturns: readonly ArrayLike<number>[],
  options: BacktestOverfittingOptions = {},
): BacktestOverfittingResult {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('probabilityOfBacktestOverfitting', [arrayIssue(trialReturns, 'trialReturns', "an array of the trials' per-period returns (one array or typed array per trial)"), optionsIssue(options)]);
  // Each trial too (a null among them failed inside as a TypeError): its kind, not its values.
  checkArguments('probabilityOfBacktestOverfitting', [columnElementsIssue(trialReturns, 'trialReturns', "a trial's per-period returns")]);
  const input = checkInput(trialReturns, nullAsAbsent(options, {}));
  const { rows, blocks, metric, direction, lossThreshold } = input;
  // Selection and ranks count higher as better: under 'min' they read the negated scores.
  const sign = direction === 'min' ? -1 : 1;
  const trials = input.columns.length;
  const bounds = blockBounds(rows, blocks);
  const half = blocks / 2;
  const splitCount = binomial(blocks, half);
  const combinations = cscvCombinations(blocks);
  const score = typeof metric === 'function' ? customScorer(input, bounds, metric) : blockSumScorer(input, bounds, metric);

  const selectedTrials = new Array<number>(splitCount);
  const ranks = new Array<number>(splitCount);
  const inSample = new Array<number | null>(splitCount);
  const outOfSample = new Array<number | null>(splitCount);
  const first = new Float64Array(trials);
  const second = new Float64Array(trials);
  let losses = 0;
  const evaluate = (split: number, inSampleValues: Float64Array, outOfSampleValues: Float64Array): void => {
    const selected = bestIndex(inSampleValues);
    const outOfSampleValue = sign * (outOfSampleValues[selected] ?? Number.NaN);
    selectedTrials[split] = selected;
    ranks[split] = midRank(outOfSampleValues, selected);
    inSample[split] = orNull(sign * (inSampleValues[selected] ?? Number.NaN));
    outOfSample[split] = orNull(outOfSampleValue);
    if (sign * outOfSampleValue < sign * lossThreshold) losses++;
  };
  const orient = (values: Float64Array): void => {
    if (sign === 1) return;
    for (let n = 0; n < values.length; n++) values[n] = -(values[n] ?? Number.NaN);
  };
  // Split c and its complement C − 1 − c use the same two halves with the roles swapped: score
  // both halves once and evaluate the two splits.
  for (let c = 0; c < splitCount / 2; c++) {
    const complement = splitCount - 1 - c;
    score(combinations.subarray(c * half, (c + 1) * half), combinations.subarray(complement * half, (complement + 1) * half), first, second);
    orient(first);
    orient(second);
    evaluate(c, first, second);
    evaluate(complement, second, first);
  }

  let overfit = 0;
  const logits = new Array<number>(splitCount);
  const rankCounts = new Map<number, number>();
  for (let c = 0; c < splitCount; c++) {
    const rank = ranks[c] ?? 0;
    if (2 * rank <= trials + 1) overfit++;
    logits[c] = Math.log(rank / (trials + 1 - rank));
    rankCounts.set(rank, (rankCounts.get(rank) ?? 0) + 1);
  }
  const logitDistribution = [...rankCounts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([rank, count]) => ({ logit: Math.log(rank / (trials + 1 - rank)), relativeRank: rank / (trials + 1), count }));
  const inSampleBlocks = Array.from({ length: splitCount }, (_, c) => Array.from(combinations.subarray(c * half, (c + 1) * half)));

  return {
    pbo: overfit / splitCount,
    probabilityOfLoss: losses / splitCount,
    trials,
    observations: rows,
    blocks,
    splits: splitCount,
    blockStarts: Array.from(bounds),
    metric: typeof metric === 'function' ? 'custom' : metric,
    direction,
    inSampleBlocks,
    selectedTrials,
    outOfSampleRanks: ranks,
    logits,
    logitDistribution,
    degradation: { inSample, outOfSample, ...degradationFit(inSample, outOfSample) },
  };
}
