import { ConfigError, parseConfig } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import { WeightConstraintsSchema } from './config';
import type { WeightConstraintsConfig } from './config';

/**
 * How constraints resolved: `ok` (sum = leverage − cashBuffer, all bounds hold), `capped` (the
 * bounds leave room for less than the target: every sleeve that can take more is at `maxWeight`
 * and the rest stays in cash), `min-infeasible` (sleeves × minWeight exceeds the target: equal
 * weights of target / sleeves, below `minWeight`).
 */
export type ConstraintStatus = 'ok' | 'capped' | 'min-infeasible';

/** Weights after {@link applyWeightConstraints}, with what happened for the logs. */
export interface ConstrainedWeights {
  /** Final weights, fractions of portfolio equity; `sum ≤ leverage`. */
  readonly weights: Float64Array;
  /** `leverage − cashBuffer`: what the weights are meant to sum to. */
  readonly target: number;
  /** Σ weights (= target when `status` is `ok`, less when `capped`). */
  readonly sum: number;
  readonly status: ConstraintStatus;
  /** Sleeves (indices) held at `minWeight`. */
  readonly atMin: readonly number[];
  /** Sleeves (indices) held at `maxWeight`. */
  readonly atMax: readonly number[];
}

/** Relative slack when comparing sums with the target. */
const SUM_SLACK = 1e-12;

/** Whether constraints can hold for `sleeveCount` sleeves, known before any weights exist. */
export interface ConstraintFeasibility {
  /** `leverage − cashBuffer`. */
  readonly target: number;
  /** What the sleeves can hold at most: `min(target, sleeves × maxWeight)`. */
  readonly investable: number;
  /** `min-infeasible` if sleeves × minWeight > target, `capped` if sleeves × maxWeight < target. */
  readonly status: ConstraintStatus;
}

/**
 * Checks constraints (validated as in {@link WeightConstraintsSchema}) against a sleeve count, so
 * a run can reject `min-infeasible` settings or log `capped` ones before it starts.
 */
export function constraintFeasibility(sleeveCount: number, constraints: WeightConstraintsConfig = {}): ConstraintFeasibility {
  const parsed = parseConfig(WeightConstraintsSchema, constraints, 'weight constraints');
  const target = parsed.leverage - parsed.cashBuffer;
  const max = Math.min(parsed.maxWeight ?? target, target);
  if (sleeveCount * parsed.minWeight > target * (1 + SUM_SLACK)) return { target, investable: target, status: 'min-infeasible' };
  if (sleeveCount * max < target * (1 - SUM_SLACK)) return { target, investable: sleeveCount * max, status: 'capped' };
  return { target, investable: target, status: 'ok' };
}

/** The last constraints parsed, by their JSON text: a run applies the same ones at every rebalance. */
let lastParsed: { readonly text: string; readonly parsed: ReturnType<typeof parseWeightConstraints> } | null = null;

function parseWeightConstraints(constraints: WeightConstraintsConfig) {
  return parseConfig(WeightConstraintsSchema, constraints, 'weight constraints');
}

/** {@link WeightConstraintsSchema} applied to `constraints`, remembered for the next call with the same ones. */
export function parseConstraints(constraints: WeightConstraintsConfig): ReturnType<typeof parseWeightConstraints> {
  const text = JSON.stringify(constraints);
  if (lastParsed?.text === text) return lastParsed.parsed;
  const parsed = parseWeightConstraints(constraints);
  lastParsed = { text, parsed };
  return parsed;
}

function validateWeights(weights: ArrayLike<number>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  let sum = 0;
  for (let i = 0; i < weights.length && issues.length < 10; i++) {
    const value = weights[i] ?? Number.NaN;
    if (!Number.isFinite(value)) issues.push({ path: `weights.${i}`, message: `must be a finite number, got ${value}` });
    else if (value < 0) issues.push({ path: `weights.${i}`, message: `must be ≥ 0, got ${value}; sleeve weights are long-only` });
    else sum += value;
  }
  if (issues.length === 0 && weights.length > 0 && !(sum > 0)) {
    issues.push({ path: 'weights', message: 'all weights are 0; give at least one sleeve a positive weight (use cashBuffer to hold cash)' });
  }
  return issues;
}

const clip = (value: number, low: number, high: number) => (value < low ? low : value > high ? high : value);

/** S(λ) = Σ clip(λ·rawᵢ, low, high) over the first `n` raw weights: the weights' sum at scale `lambda`. */
function clippedSum(lambda: number, raw: Float64Array, n: number, low: number, high: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += clip(lambda * (raw[i] ?? 0), low, high);
  return sum;
}

/**
 * Scratch of {@link applyWeightConstraints} (the normalised raw weights, the breakpoints), grown
 * as needed and never handed out: two typed arrays allocated per rebalance cost more than the
 * solve itself.
 */
let rawScratch = new Float64Array(0);
let breakpointScratch = new Float64Array(0);

/**
 * Turns raw weights (≥ 0, not all 0) into constrained ones: scaled to sum to
 * `target = leverage − cashBuffer` (defaults 1 and 0), each in `[minWeight, maxWeight]`, the excess
 * of clipped sleeves redistributed proportionally to the raw weights of the others until every
 * bound holds. The result is the fixed point of that clip-and-redistribute loop, found exactly:
 * `wᵢ = clip(λ·rawᵢ, min, max)` with the scale `λ` solving `Σ wᵢ = target` (a piecewise-linear
 * equation, solved between its sorted breakpoints). Unclipped sleeves keep the ratios of their raw
 * weights and the order of all weights is preserved. When the bounds cannot reach the target
 * (`sleeves × maxWeight < target`, or sleeves with raw weight 0, which only ever get `minWeight`)
 * the sleeves that can take more sit at `maxWeight` and the rest stays in cash (`capped`); when
 * `sleeves × minWeight > target`, every sleeve gets `target / sleeves` (`min-infeasible`). The
 * sum never exceeds the target, hence the leverage cap (to rounding, ~1e-16). Throws `ConfigError`
 * for invalid constraints or weights that are negative, not finite or all zero.
 */
export function applyWeightConstraints(weights: ArrayLike<number>, constraints: WeightConstraintsConfig = {}): ConstrainedWeights {
  const parsed = parseConstraints(constraints);
  const issues = validateWeights(weights);
  if (issues.length > 0) throw new ConfigError(issues, { source: 'applyWeightConstraints' });
  const n = weights.length;
  const target = parsed.leverage - parsed.cashBuffer;
  const low = parsed.minWeight;
  // No sleeve can hold more than the whole target: a larger cap binds nowhere (and n × 1e308 would overflow).
  const high = Math.min(parsed.maxWeight ?? target, target);
  const result = new Float64Array(n);
  if (n === 0) return { weights: result, target, sum: 0, status: 'capped', atMin: [], atMax: [] };

  if (n * low > target * (1 + SUM_SLACK)) {
    result.fill(target / n);
    return { weights: result, target, sum: target, status: 'min-infeasible', atMin: [], atMax: [] };
  }

  // Raw weights normalised to sum 1, so λ = target when no bound binds. Only their ratios count:
  // weights whose sum overflows (1e308 twice) are divided by the largest first, where they would
  // otherwise all normalise to 0.
  let rawSum = 0;
  for (let i = 0; i < n; i++) rawSum += weights[i] ?? 0;
  let unit = 1;
  if (!Number.isFinite(rawSum)) {
    for (let i = 0; i < n; i++) unit = Math.max(unit, weights[i] ?? 0);
    rawSum = 0;
    for (let i = 0; i < n; i++) rawSum += (weights[i] ?? 0) / unit;
  }
  if (rawScratch.length < n) rawScratch = new Float64Array(n);
  const raw = rawScratch;
  for (let i = 0; i < n; i++) raw[i] = (weights[i] ?? 0) / unit / rawSum;

  let ceiling = 0;
  for (let i = 0; i < n; i++) ceiling += (raw[i] ?? 0) > 0 ? high : low;
  let scale: number;
  if (ceiling <= target) {
    scale = Number.POSITIVE_INFINITY;
  } else {
    let positive = 0;
    for (let i = 0; i < n; i++) if ((raw[i] ?? 0) > 0) positive++;
    if (breakpointScratch.length < 2 * positive) breakpointScratch = new Float64Array(2 * positive);
    const breakpoints = breakpointScratch.subarray(0, 2 * positive);
    for (let i = 0, b = 0; i < n; i++) {
      const r = raw[i] ?? 0;
      if (r > 0) {
        breakpoints[b++] = low / r;
        breakpoints[b++] = high / r;
      }
    }
    // A typed array sorts numerically without a comparator (the values are ≥ 0, none NaN).
    breakpoints.sort();
    // S(λ) is continuous, non-decreasing and piecewise linear; find the piece where it crosses target.
    let previous = 0;
    scale = breakpoints[breakpoints.length - 1] ?? 0;
    for (const point of breakpoints) {
      if (point > previous && clippedSum(point, raw, n, low, high) >= target) {
        const middle = (previous + point) / 2;
        let clipped = 0;
        let free = 0;
        for (let i = 0; i < n; i++) {
          const r = raw[i] ?? 0;
          const value = middle * r;
          if (value <= low) clipped += low;
          else if (value >= high) clipped += high;
          else free += r;
        }
        scale = free > 0 ? (target - clipped) / free : point;
        break;
      }
      previous = Math.max(previous, point);
    }
  }

  const atMin: number[] = [];
  const atMax: number[] = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = raw[i] ?? 0;
    const value = r === 0 ? low : clip(scale * r, low, high);
    if (value === low && low > 0) atMin.push(i);
    if (value === high) atMax.push(i);
    result[i] = value;
    sum += value;
  }
  const status: ConstraintStatus = sum < target * (1 - SUM_SLACK) ? 'capped' : 'ok';
  return { weights: result, target, sum, status, atMin, atMax };
}
