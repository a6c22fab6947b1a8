import { ConfigError } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import { choleskySolve } from './internal/cholesky';

/**
 * How {@link solveRiskParity} iterates: `newton` (damped Newton, quadratic convergence near the
 * solution) or `coordinate-descent` (cyclical coordinate descent, linear convergence, no matrix
 * factorisation).
 */
export type RiskParityMethod = 'newton' | 'coordinate-descent';

/** Options of {@link solveRiskParity}. */
export interface RiskParityOptions {
  /**
   * Stop once every sleeve's share of portfolio risk is within this relative distance of `1/n`:
   * `max_i |n · RCᵢ − 1| ≤ tolerance`. Default 1e-10.
   */
  readonly tolerance?: number;
  /** Give up after this many iterations (Newton steps or coordinate sweeps). Default 500. */
  readonly maxIterations?: number;
  /** Default `newton`. */
  readonly method?: RiskParityMethod;
}

/** How a risk-parity solve ended, for logs. */
export interface RiskParityConvergence {
  readonly method: RiskParityMethod;
  /** Newton steps or full coordinate sweeps taken (0 when the starting point already solved it). */
  readonly iterations: number;
  /** `max_i |n · RCᵢ − 1|` at the returned weights, RCᵢ the sleeve's relative risk contribution. */
  readonly maxDeviation: number;
  /** True when `maxDeviation ≤ tolerance` was reached within `maxIterations`. */
  readonly converged: boolean;
}

/** Equal-risk-contribution weights (non-negative, summing to 1) and how the solve converged. */
export interface RiskParitySolution extends RiskParityConvergence {
  readonly weights: Float64Array;
}

/** Default tolerance of {@link solveRiskParity} on the relative risk contributions. */
export const DEFAULT_RISK_PARITY_TOLERANCE = 1e-10;
/** Default iteration cap of {@link solveRiskParity}. */
export const DEFAULT_RISK_PARITY_MAX_ITERATIONS = 500;

/** Above this Newton decrement the step is damped by 1/(1+λ) (the self-concordant rule). */
const DAMPING_THRESHOLD = 0.25;

function validate(covariance: readonly ArrayLike<number>[], options: RiskParityOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const n = covariance.length;
  covariance.forEach((row, i) => {
    if (row.length !== n) issues.push({ path: `covariance.${i}`, message: `has ${row.length} entries; the matrix must be ${n}×${n}` });
  });
  if (issues.length > 0) return issues;
  for (let i = 0; i < n && issues.length < 10; i++) {
    const diagonal = covariance[i]?.[i] ?? Number.NaN;
    if (!(Number.isFinite(diagonal) && diagonal > 0)) {
      issues.push({
        path: `covariance.${i}.${i}`,
        message: `variance must be finite and > 0, got ${diagonal}; leave sleeves without risk out of the solve`,
      });
    }
    for (let j = 0; j < i; j++) {
      const a = covariance[i]?.[j] ?? Number.NaN;
      const b = covariance[j]?.[i] ?? Number.NaN;
      if (!Number.isFinite(a)) issues.push({ path: `covariance.${i}.${j}`, message: `must be finite, got ${a}` });
      else if (Math.abs(a - b) > 1e-10 * Math.sqrt(Math.abs((covariance[i]?.[i] ?? 0) * (covariance[j]?.[j] ?? 0))))
        issues.push({ path: `covariance.${i}.${j}`, message: `is ${a} but entry ${j}.${i} is ${b}; the matrix must be symmetric` });
    }
  }
  const { tolerance, maxIterations } = options;
  if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance > 0))
    issues.push({ path: 'tolerance', message: `must be a finite number > 0, got ${tolerance}` });
  if (maxIterations !== undefined && !(Number.isInteger(maxIterations) && maxIterations >= 1))
    issues.push({ path: 'maxIterations', message: `must be an integer ≥ 1, got ${maxIterations}` });
  return issues;
}

/** `max_i |n · y_i (Cy)_i / yᵀCy − 1|`, or +∞ when the portfolio variance is not positive. */
function deviation(y: Float64Array, cy: Float64Array): number {
  const n = y.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += (y[i] ?? 0) * (cy[i] ?? 0);
  if (!(total > 0)) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs((n * (y[i] ?? 0) * (cy[i] ?? 0)) / total - 1));
  return worst;
}

function multiply(c: Float64Array, y: Float64Array, out: Float64Array): void {
  const n = y.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (c[i * n + j] ?? 0) * (y[j] ?? 0);
    out[i] = sum;
  }
}

/** One damped Newton step on f(y) = ½yᵀCy − Σ ln yᵢ; false when the Hessian is not positive definite. */
function newtonStep(c: Float64Array, y: Float64Array, cy: Float64Array, scratch: NewtonScratch): boolean {
  const n = y.length;
  const { hessian, gradient, step, work, next } = scratch;
  hessian.set(c);
  for (let i = 0; i < n; i++) {
    const yi = y[i] ?? 1;
    gradient[i] = (cy[i] ?? 0) - 1 / yi;
    hessian[i * n + i] = (hessian[i * n + i] ?? 0) + 1 / (yi * yi);
  }
  if (!choleskySolve(hessian, gradient, n, step, work)) return false;
  let decrement = 0;
  for (let i = 0; i < n; i++) decrement += (gradient[i] ?? 0) * (step[i] ?? 0);
  const lambda = Math.sqrt(Math.max(0, decrement));
  let size = lambda > DAMPING_THRESHOLD ? 1 / (1 + lambda) : 1;
  // The damped step stays inside the domain in exact arithmetic; halving guards against rounding.
  for (let attempt = 0; attempt < 60; attempt++) {
    let inside = true;
    for (let i = 0; i < n; i++) {
      const value = (y[i] ?? 0) - size * (step[i] ?? 0);
      next[i] = value;
      if (!(value > 0)) inside = false;
    }
    if (inside) {
      y.set(next);
      return true;
    }
    size /= 2;
  }
  return false;
}

interface NewtonScratch {
  readonly hessian: Float64Array;
  readonly gradient: Float64Array;
  readonly step: Float64Array;
  readonly work: Float64Array;
  readonly next: Float64Array;
}

/** One cyclical coordinate-descent sweep: each yᵢ set to the positive root of yᵢ(Cy)ᵢ = 1. */
function coordinateSweep(c: Float64Array, y: Float64Array, cy: Float64Array): void {
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const cii = c[i * n + i] ?? 1;
    const yi = y[i] ?? 0;
    const others = (cy[i] ?? 0) - cii * yi;
    const root = Math.sqrt(others * others + 4 * cii);
    // Both forms are the positive root of cii·y² + others·y − 1; pick the one without cancellation.
    const updated = others >= 0 ? 2 / (others + root) : (root - others) / (2 * cii);
    const delta = updated - yi;
    if (delta !== 0) {
      for (let k = 0; k < n; k++) cy[k] = (cy[k] ?? 0) + delta * (c[k * n + i] ?? 0);
      y[i] = updated;
    }
  }
}

/**
 * Solves equal risk contribution (risk parity): long-only weights `w` summing to 1 with
 * `wᵢ (Σw)ᵢ` the same for every sleeve, for a covariance matrix `Σ` (n×n rows, positive
 * variances; any consistent units).
 *
 * The problem is solved in correlation units (`C = D⁻¹ΣD⁻¹`, `D = diag(σ)`) as the unconstrained
 * convex minimisation of `f(y) = ½ yᵀCy − Σ ln yᵢ` over `y > 0` (Spinu 2013): its unique minimiser
 * has `yᵢ (Cy)ᵢ = 1` for all i, and `w ∝ y / σ`. `newton` takes damped Newton steps
 * (`y ← y − Δ/(1+λ)` while the Newton decrement `λ > 0.25`, full steps after): `f` is
 * self-concordant, so this converges from any start, quadratically near the solution — typically
 * 5–15 steps. `coordinate-descent` sets each `yᵢ` in turn to the positive root of `yᵢ(Cy)ᵢ = 1`
 * (Griveau-Billion, Richard & Roncalli 2013), converging linearly; slower for highly correlated
 * sleeves. Both start from `y = 1·√(n / 1ᵀC1)` (exact when all correlations are equal) and stop when
 * `max_i |n·RCᵢ − 1| ≤ tolerance` or after `maxIterations`. For a positive-definite `Σ` a solution
 * always exists; if `Σ` admits a long-only portfolio of zero variance (perfect hedges) none does,
 * and the solve ends with `converged: false` and the last iterate. Throws `ConfigError` for a
 * non-square, non-symmetric or non-finite matrix, a variance ≤ 0, or bad options.
 */
export function solveRiskParity(covariance: readonly ArrayLike<number>[], options: RiskParityOptions = {}): RiskParitySolution {
  const issues = validate(covariance, options);
  if (issues.length > 0) throw new ConfigError(issues, { source: 'solveRiskParity' });
  const tolerance = options.tolerance ?? DEFAULT_RISK_PARITY_TOLERANCE;
  const maxIterations = options.maxIterations ?? DEFAULT_RISK_PARITY_MAX_ITERATIONS;
  const method = options.method ?? 'newton';
  const n = covariance.length;
  if (n === 0) return { weights: new Float64Array(0), method, iterations: 0, maxDeviation: 0, converged: true };

  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) sigma[i] = Math.sqrt(covariance[i]?.[i] ?? 1);
  const c = new Float64Array(n * n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value = i === j ? 1 : (covariance[i]?.[j] ?? 0) / ((sigma[i] ?? 1) * (sigma[j] ?? 1));
      c[i * n + j] = value;
      total += value;
    }
  }
  const y = new Float64Array(n).fill(total > 0 ? Math.sqrt(n / total) : 1);
  const cy = new Float64Array(n);
  multiply(c, y, cy);
  const scratch: NewtonScratch = {
    hessian: new Float64Array(n * n),
    gradient: new Float64Array(n),
    step: new Float64Array(n),
    work: new Float64Array(n * n),
    next: new Float64Array(n),
  };

  let iterations = 0;
  let maxDeviation = deviation(y, cy);
  while (!(maxDeviation <= tolerance) && iterations < maxIterations) {
    if (method === 'newton') {
      if (!newtonStep(c, y, cy, scratch)) break;
    } else {
      coordinateSweep(c, y, cy);
    }
    iterations++;
    multiply(c, y, cy);
    maxDeviation = deviation(y, cy);
  }

  const weights = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const value = (y[i] ?? 0) / (sigma[i] ?? 1);
    weights[i] = value;
    sum += value;
  }
  for (let i = 0; i < n; i++) weights[i] = (weights[i] ?? 0) / sum;
  return { weights, method, iterations, maxDeviation, converged: maxDeviation <= tolerance };
}

/**
 * Relative risk contributions `RCᵢ = wᵢ (Σw)ᵢ / wᵀΣw` (they sum to 1); all `NaN` when the portfolio
 * variance is not positive. For logging and checking a risk-parity solution.
 */
export function riskContributions(weights: ArrayLike<number>, covariance: readonly ArrayLike<number>[]): Float64Array {
  const n = weights.length;
  if (covariance.length !== n || covariance.some((row) => row.length !== n)) {
    throw new ConfigError(
      [{ path: 'covariance', message: `must be ${n}×${n} to match ${n} weights, got ${covariance.length} rows` }],
      { source: 'riskContributions' },
    );
  }
  const contributions = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let product = 0;
    for (let j = 0; j < n; j++) product += (covariance[i]?.[j] ?? 0) * (weights[j] ?? 0);
    const value = (weights[i] ?? 0) * product;
    contributions[i] = value;
    total += value;
  }
  if (!(total > 0)) return contributions.fill(Number.NaN);
  for (let i = 0; i < n; i++) contributions[i] = (contributions[i] ?? 0) / total;
  return contributions;
}
