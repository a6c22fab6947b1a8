const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);

/** Below this |x| the CDF is summed as a series; above it the tail comes from a continued fraction. */
const SERIES_LIMIT = 1.5;

/** Stop a series or continued fraction when a step changes the result by less than this (relative). */
const CONVERGED = 1e-17;

const MAX_STEPS = 500;

/**
 * The standard normal density `φ(x) = exp(−x²/2) / √(2π)`. `x²` is split at a multiple of 1/16 so
 * that the exponent is exact in its leading part and the density keeps full relative precision
 * far into the tails.
 */
export function normalDensity(x: number): number {
  const a = Math.abs(x);
  const head = Math.trunc(a * 16) / 16;
  return (Math.exp((-head * head) / 2) * Math.exp((-(a - head) * (a + head)) / 2)) / SQRT_TWO_PI;
}

/** `Σ_k x^(2k+1) / (2k+1)!!`, so that `Φ(x) = 1/2 + φ(x) · series`; every term has the sign of x. */
function oddSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let k = 1; k < MAX_STEPS; k++) {
    term *= x2 / (2 * k + 1);
    sum += term;
    if (Math.abs(term) <= CONVERGED * Math.abs(sum)) break;
  }
  return sum;
}

/**
 * Mills' ratio `Q(x) / φ(x)` for x > 0 from its continued fraction
 * `1 / (x + 1 / (x + 2 / (x + 3 / (x + …))))`, evaluated by the modified Lentz method.
 */
function millsRatio(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let j = 1; j < MAX_STEPS; j++) {
    d = x + j * d;
    if (d === 0) d = tiny;
    c = x + j / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) <= CONVERGED) break;
  }
  return 1 / f;
}

/**
 * The standard normal cumulative distribution function `Φ(x) = P(Z ≤ x)`: a series around 0 for
 * `|x| < 1.5`, a continued fraction for the tails, so the lower tail keeps its relative precision
 * (`Φ(−10) ≈ 7.62e−24` to within 5e−15 relative); absolute error below 1e−15 everywhere. NaN for
 * NaN; 0 and 1 at the infinities.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  if (Math.abs(x) < SERIES_LIMIT) return 0.5 + normalDensity(x) * oddSeries(x);
  const tail = normalDensity(x) * millsRatio(Math.abs(x));
  return x < 0 ? tail : 1 - tail;
}

// Acklam's rational approximation of the normal quantile (relative error below 1.15e−9),
// refined by one Halley step on `normalCdf`.
const A = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239] as const;
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572] as const;
const C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416] as const;
const LOW_REGION = 0.02425;

/** Acklam's approximation for `0 < p ≤ 1/2`. */
function acklamLowerHalf(p: number): number {
  if (p < LOW_REGION) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/**
 * The standard normal quantile `Φ⁻¹(p)`, the inverse of {@link normalCdf}: Acklam's approximation
 * refined by one Halley step, relative error about 1e−15. For `p > 1/2` it returns `−Φ⁻¹(1 − p)`
 * (`1 − p` is exact there), so pass small upper-tail probabilities as `−normalQuantile(q)` rather
 * than `normalQuantile(1 − q)`. `−Infinity` at 0, `Infinity` at 1, NaN outside [0, 1].
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = acklamLowerHalf(p);
  const density = normalDensity(x);
  // Too deep in the tail for the correction to be representable: Acklam's 1e−9 stands.
  if (density < 1e-300) return x;
  const u = (normalCdf(x) - p) / density;
  return x - u / (1 + (x * u) / 2);
}
