import { ConfigError, DataValidationError } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noiseTrials } from '../../test/helpers';
import { probabilityOfBacktestOverfitting } from './backtest-overfitting';

/** Every way to choose k of 0..n−1, ascending sets in lexicographic order (recursive, for tests). */
function choose(n: number, k: number, start = 0): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (let first = start; first <= n - k; first++) for (const rest of choose(n, k - 1, first + 1)) out.push([first, ...rest]);
  return out;
}

/** The documented metric on a plain array: mean, sample std, or mean / sample std with std < 1e−13 undefined. */
function score(values: readonly number[], metric: 'sharpe' | 'mean' | 'volatility' | 'sortino'): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (metric === 'mean') return mean;
  if (metric === 'sortino') {
    const deviation = Math.sqrt(values.reduce((a, b) => a + Math.min(b, 0) ** 2, 0) / values.length);
    return deviation === 0 ? (mean > 0 ? Number.POSITIVE_INFINITY : Number.NaN) : mean / deviation;
  }
  if (values.length < 2) return Number.NaN;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  if (metric === 'volatility') return std;
  return std < 1e-13 ? Number.NaN : mean / std;
}

const tied = (a: number, b: number) => a === b || (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)));

/** CSCV written out the slow way: materialise every split's rows and rank by counting. */
function bruteForce(columns: readonly Float64Array[], blocks: number, metric: 'sharpe' | 'mean' | 'volatility' | 'sortino', direction: 'max' | 'min' = 'max') {
  // Under 'min' the lowest score is the best: rank the negated scores as the highest.
  const sign = direction === 'min' ? -1 : 1;
  const rows = columns[0]?.length ?? 0;
  const n = columns.length;
  const blockOf = (t: number) => {
    let k = 0;
    while (Math.floor(((k + 1) * rows) / blocks) <= t) k++;
    return k;
  };
  const splits = choose(blocks, blocks / 2).map((inSampleBlocks) => {
    const inRows: number[] = [];
    const outRows: number[] = [];
    for (let t = 0; t < rows; t++) (inSampleBlocks.includes(blockOf(t)) ? inRows : outRows).push(t);
    const is = columns.map((column) => sign * score(inRows.map((t) => column[t] ?? 0), metric));
    const oos = columns.map((column) => sign * score(outRows.map((t) => column[t] ?? 0), metric));
    const defined = is.filter((v) => !Number.isNaN(v));
    const max = defined.length === 0 ? Number.NaN : Math.max(...defined);
    const selected = defined.length === 0 ? 0 : is.findIndex((v) => tied(v, max));
    const v = oos[selected] ?? Number.NaN;
    const rank = Number.isNaN(v)
      ? (oos.filter((w) => Number.isNaN(w)).length + 1) / 2
      : oos.filter((w) => Number.isNaN(w) || (!tied(w, v) && w < v)).length + (oos.filter((w) => tied(w, v)).length + 1) / 2;
    return { inSampleBlocks, selected, rank, logit: Math.log(rank / (n + 1 - rank)), is: sign * (is[selected] ?? Number.NaN), oos: sign * v };
  });
  return { splits, pbo: splits.filter((s) => s.logit <= 0).length / splits.length };
}

describe('probabilityOfBacktestOverfitting', () => {
  it('works a tiny case by hand: S = 4, N = 3, one row per block, metric mean', () => {
    // Trial 0 earns in the first half, trial 1 in the second, trial 2 a steady −0.5.
    const trials = [
      [2.5, 2.5, -1.5, -1.5],
      [-1.5, -1.5, 2.5, 2.5],
      [-0.5, -0.5, -0.5, -0.5],
    ];
    const result = probabilityOfBacktestOverfitting(trials, { blocks: 4, metric: 'mean' });
    // Splits (in-sample rows): {0,1}: trial 0 wins in sample (2.5) and is last out of sample (−1.5):
    // rank 1, ω̄ = 1/4, λ = ln(1/3). {0,2}, {0,3}, {1,2}, {1,3}: trials 0 and 1 tie in sample at 0.5,
    // trial 0 is taken (first); out of sample they tie again at 0.5 above trial 2: rank 2.5,
    // ω̄ = 5/8, λ = ln(5/3). {2,3}: trial 1 wins in sample (2.5), is last out of sample: λ = ln(1/3).
    expect(result.inSampleBlocks).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    expect(result.selectedTrials).toEqual([0, 0, 0, 0, 0, 1]);
    expect(result.outOfSampleRanks).toEqual([1, 2.5, 2.5, 2.5, 2.5, 1]);
    const low = Math.log(1 / 3);
    const high = Math.log(5 / 3);
    expect(result.logits).toEqual([low, high, high, high, high, low]);
    expect(result.pbo).toBe(2 / 6);
    expect(result.logitDistribution).toEqual([
      { logit: low, relativeRank: 0.25, count: 2 },
      { logit: high, relativeRank: 0.625, count: 4 },
    ]);
    // Out of sample, the winner lost (−1.5 < 0) in the two extreme splits only.
    expect(result.probabilityOfLoss).toBe(2 / 6);
    expect(result.degradation.inSample).toEqual([2.5, 0.5, 0.5, 0.5, 0.5, 2.5]);
    expect(result.degradation.outOfSample).toEqual([-1.5, 0.5, 0.5, 0.5, 0.5, -1.5]);
    // Two clusters, (0.5, 0.5) ×4 and (2.5, −1.5) ×2, on the line y = 1 − x.
    expect(result.degradation.slope).toBeCloseTo(-1, 14);
    expect(result.degradation.intercept).toBeCloseTo(1, 14);
    expect(result.degradation.rSquared).toBeCloseTo(1, 14);
    expect(result).toMatchObject({ trials: 3, observations: 4, blocks: 4, splits: 6, blockStarts: [0, 1, 2, 3, 4], metric: 'mean' });
  });

  it('agrees exactly with a brute-force CSCV on small random matrices', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          trials: fc.integer({ min: 2, max: 7 }),
          blocks: fc.constantFrom(2, 4, 6, 8),
          extraRows: fc.integer({ min: 0, max: 40 }),
          duplicate: fc.boolean(),
          metric: fc.constantFrom('sharpe' as const, 'mean' as const),
        }),
        ({ seed, trials, blocks, extraRows, duplicate, metric }) => {
          const rows = blocks * 2 + extraRows;
          const columns = noiseTrials(seed, rows, trials, 0.0005, 0.01);
          // A copy of another trial: exact ties in and out of sample.
          if (duplicate) columns[trials - 1] = Float64Array.from(columns[0] ?? []);
          const result = probabilityOfBacktestOverfitting(columns, { blocks, metric });
          const expected = bruteForce(columns, blocks, metric);
          expect(result.inSampleBlocks).toEqual(expected.splits.map((s) => s.inSampleBlocks));
          expect(result.selectedTrials).toEqual(expected.splits.map((s) => s.selected));
          expect(result.outOfSampleRanks).toEqual(expected.splits.map((s) => s.rank));
          expect(result.logits).toEqual(expected.splits.map((s) => s.logit));
          expect(result.pbo).toBe(expected.pbo);
          for (const [c, split] of expected.splits.entries()) {
            expect(Math.abs((result.degradation.inSample[c] ?? Number.NaN) - split.is)).toBeLessThanOrEqual(1e-12 * Math.abs(split.is) + 1e-15);
            expect(Math.abs((result.degradation.outOfSample[c] ?? Number.NaN) - split.oos)).toBeLessThanOrEqual(1e-12 * Math.abs(split.oos) + 1e-15);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('measures a half whose returns are nearly equal as a two-pass computation does (fuzz seed 256159712)', () => {
    // Two rows a half, close to each other and far from the trial's overall mean: the variance
    // taken as (sum of squares − square of sum / n) of mean-shifted returns lost digits to
    // cancellation (a Sharpe ratio of about 49 off by 1.2e−12 relative).
    const columns = noiseTrials(608_815, 4, 3, 0.0005, 0.01);
    const result = probabilityOfBacktestOverfitting(columns, { blocks: 2, metric: 'sharpe' });
    const expected = bruteForce(columns, 2, 'sharpe');
    for (const [c, split] of expected.splits.entries()) {
      expect(Math.abs((result.degradation.inSample[c] ?? Number.NaN) - split.is)).toBeLessThanOrEqual(1e-12 * Math.abs(split.is));
      expect(Math.abs((result.degradation.outOfSample[c] ?? Number.NaN) - split.oos)).toBeLessThanOrEqual(1e-12 * Math.abs(split.oos));
    }
  });

  it('gives a PBO of 1/2 on average for trials that are all the same noise', () => {
    // One noise matrix can give anything from about 0.02 to 0.92 (the 12,870 splits of one data
    // set are far from independent: the trial with the best full-sample Sharpe ratio tends to win
    // both halves); over independent matrices the in-sample winner's out-of-sample rank is uniform.
    const pbos: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const result = probabilityOfBacktestOverfitting(noiseTrials(seed, 1600, 20), { blocks: 16 });
      expect(result.splits).toBe(12_870);
      pbos.push(result.pbo);
    }
    const mean = pbos.reduce((a, b) => a + b, 0) / pbos.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(Math.min(...pbos)).toBeLessThan(0.25);
    expect(Math.max(...pbos)).toBeGreaterThan(0.75);
  });

  it('gives PBO 0 when one trial beats every other in every period', () => {
    const columns = noiseTrials(9, 800, 12);
    const dominant = new Float64Array(800);
    for (let t = 0; t < 800; t++) dominant[t] = Math.max(...columns.map((column) => column[t] ?? 0)) + 0.002;
    columns.splice(3, 0, dominant);
    for (const metric of ['mean', 'sharpe'] as const) {
      const result = probabilityOfBacktestOverfitting(columns, { metric });
      expect(result.pbo).toBe(0);
      expect(result.probabilityOfLoss).toBe(0);
      expect(new Set(result.selectedTrials)).toEqual(new Set([3]));
      expect(new Set(result.outOfSampleRanks)).toEqual(new Set([13]));
      expect(result.logitDistribution).toEqual([{ logit: Math.log(13), relativeRank: 13 / 14, count: 12_870 }]);
    }
  });

  it('gives PBO 1 for identical trials: every choice ties at the median (λ = 0 counts)', () => {
    const column = noiseTrials(5, 64, 1)[0] ?? new Float64Array();
    const result = probabilityOfBacktestOverfitting([column, column, column], { blocks: 8 });
    expect(result.pbo).toBe(1);
    expect(new Set(result.outOfSampleRanks)).toEqual(new Set([2]));
    expect(new Set(result.logits)).toEqual(new Set([0]));
  });

  it('ranks a trial whose Sharpe ratio cannot be computed last, and reports it as null', () => {
    const noise = noiseTrials(3, 40, 2);
    const flat = new Float64Array(40); // never trades: zero returns, no Sharpe ratio
    const result = probabilityOfBacktestOverfitting([flat, ...noise], { blocks: 4 });
    expect(result.selectedTrials.includes(0)).toBe(false);
    const allFlat = probabilityOfBacktestOverfitting([flat, flat], { blocks: 2 });
    expect(allFlat.selectedTrials).toEqual([0, 0]);
    expect(allFlat.outOfSampleRanks).toEqual([1.5, 1.5]);
    expect(allFlat.degradation).toEqual({ inSample: [null, null], outOfSample: [null, null], slope: null, intercept: null, rSquared: null });
  });

  it('selects and ranks by the lowest score under direction min: volatility, worked by hand', () => {
    // Two rows a block. Trial 0 is calm (0.01, 0.01) in blocks 0–1 and wild (±0.05) in 2–3, trial 1
    // the other way round, trial 2 a steady ±0.02 throughout.
    const calm = [0.01, 0.01];
    const wild = [0.05, -0.05];
    const steady = [0.02, -0.02];
    const trials = [
      [...calm, ...calm, ...wild, ...wild],
      [...wild, ...wild, ...calm, ...calm],
      [...steady, ...steady, ...steady, ...steady],
    ];
    const result = probabilityOfBacktestOverfitting(trials, { blocks: 4, metric: 'volatility', direction: 'min', lossThreshold: 0.03 });
    // Sample standard deviations: calm + calm 0, wild + wild √(0.01 / 3), calm + wild √(0.0051 / 3),
    // steady √(0.0016 / 3). Split {0,1}: trial 0 is calmest in sample (0) and wildest out of
    // sample (√(0.01 / 3)): rank 1, λ = ln(1/3); {2,3} likewise for trial 1. In the four mixed
    // splits trials 0 and 1 both read √(0.0051 / 3) ≈ 0.0412, above the steady trial's 0.0231,
    // which is selected and is the calmest out of sample too: rank 3, λ = ln 3.
    expect(result.selectedTrials).toEqual([0, 2, 2, 2, 2, 1]);
    expect(result.outOfSampleRanks).toEqual([1, 3, 3, 3, 3, 1]);
    expect(result.pbo).toBe(2 / 6);
    // Worse than 0.03 out of sample — above it, as lower is better — in the two extreme splits.
    expect(result.probabilityOfLoss).toBe(2 / 6);
    const wildStd = Math.sqrt(0.01 / 3);
    const steadyStd = Math.sqrt(0.0016 / 3);
    // The degradation holds the scores themselves, not their negations.
    const expectedInSample = [0, steadyStd, steadyStd, steadyStd, steadyStd, 0];
    const expectedOutOfSample = [wildStd, steadyStd, steadyStd, steadyStd, steadyStd, wildStd];
    for (const [c, value] of expectedInSample.entries()) expect(result.degradation.inSample[c]).toBeCloseTo(value, 15);
    for (const [c, value] of expectedOutOfSample.entries()) expect(result.degradation.outOfSample[c]).toBeCloseTo(value, 15);
    expect(result).toMatchObject({ metric: 'volatility', direction: 'min' });
    // The same trials under the default direction select the wildest in sample instead.
    expect(probabilityOfBacktestOverfitting(trials, { blocks: 4, metric: 'volatility' }).selectedTrials).toEqual([1, 0, 0, 0, 0, 0]);
  });

  it('agrees with a brute-force CSCV for volatility and sortino and under direction min', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          trials: fc.integer({ min: 2, max: 6 }),
          blocks: fc.constantFrom(2, 4, 6),
          extraRows: fc.integer({ min: 0, max: 30 }),
          metric: fc.constantFrom('sharpe' as const, 'mean' as const, 'volatility' as const, 'sortino' as const),
          direction: fc.constantFrom('max' as const, 'min' as const),
        }),
        ({ seed, trials, blocks, extraRows, metric, direction }) => {
          const columns = noiseTrials(seed, blocks * 2 + extraRows, trials, 0.0005, 0.01);
          const result = probabilityOfBacktestOverfitting(columns, { blocks, metric, direction });
          const expected = bruteForce(columns, blocks, metric, direction);
          expect(result.selectedTrials).toEqual(expected.splits.map((s) => s.selected));
          expect(result.outOfSampleRanks).toEqual(expected.splits.map((s) => s.rank));
          expect(result.pbo).toBe(expected.pbo);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('scores with a custom metric on each half in time order', () => {
    const columns = noiseTrials(21, 96, 5);
    const seen: number[] = [];
    const total = (returns: Float64Array) => {
      seen.push(returns.length);
      return returns.reduce((a, b) => a + b, 0);
    };
    const custom = probabilityOfBacktestOverfitting(columns, { blocks: 6, metric: total });
    const mean = probabilityOfBacktestOverfitting(columns, { blocks: 6, metric: 'mean' });
    // Equal halves: the total orders trials as the mean does.
    expect(custom.selectedTrials).toEqual(mean.selectedTrials);
    expect(custom.outOfSampleRanks).toEqual(mean.outOfSampleRanks);
    expect(custom.metric).toBe('custom');
    expect(new Set(seen)).toEqual(new Set([48]));
    expect(seen.length).toBe(20 * 5); // 10 half pairs × 2 halves × 5 trials
  });

  it('keeps every row when T is not a multiple of S', () => {
    const result = probabilityOfBacktestOverfitting(noiseTrials(4, 50, 3), { blocks: 4 });
    expect(result.blockStarts).toEqual([0, 12, 25, 37, 50]);
  });

  it('names bad input and lists bad options', () => {
    const good = noiseTrials(1, 20, 3);
    expect(() => probabilityOfBacktestOverfitting([good[0] ?? []])).toThrow(/at least 2 trials/);
    let error: unknown;
    try {
      probabilityOfBacktestOverfitting([good[0] ?? [], Float64Array.from([...(good[1] ?? [])].slice(0, 15))]);
    } catch (caught) {
      error = caught;
    }
    expect(DataValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'trialReturns[1]', row: 16 });
    const withNaN = Float64Array.from(good[2] ?? []);
    withNaN[7] = Number.NaN;
    expect(() => probabilityOfBacktestOverfitting([good[0] ?? [], withNaN])).toThrow(/trialReturns\[1\]\[7\] is NaN/);
    try {
      probabilityOfBacktestOverfitting(good, { blocks: 5, lossThreshold: Number.NaN });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['blocks', 'lossThreshold']);
    expect(() => probabilityOfBacktestOverfitting(good, { blocks: 22 })).toThrow(/even integer from 2 to 20/);
    const short = noiseTrials(1, 10, 3);
    expect(() => probabilityOfBacktestOverfitting(short, { blocks: 12 })).toThrow(/at most the number of returns per trial \(10\)/);
    expect(() => probabilityOfBacktestOverfitting(short)).toThrow(ConfigError); // 16 blocks by default
    expect(() => probabilityOfBacktestOverfitting(good, { metric: 'calmar' as 'mean' })).toThrow(/metric: must be 'sharpe', 'mean', 'volatility', 'sortino' or a function/);
    expect(() => probabilityOfBacktestOverfitting(good, { direction: 'lowest' as 'min' })).toThrow(/direction: must be 'max' or 'min', got "lowest"/);
  });
});
