import { createSeededRandom } from '@ensemble/data';

/**
 * An independent standard normal CDF for tests: Simpson's rule on the density from 0 to |x| with
 * 4000 panels (error below 1e−14 for |x| ≤ 8), mirrored for negative x. Slow and simple on purpose,
 * sharing nothing with the package's series / continued-fraction implementation.
 */
export function simpsonNormalCdf(x: number): number {
  const a = Math.abs(x);
  const panels = 4000;
  const h = a / panels;
  const density = (t: number): number => Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI);
  let sum = density(0) + density(a);
  for (let i = 1; i < panels; i++) sum += (i % 2 === 1 ? 4 : 2) * density(i * h);
  const half = (sum * h) / 3;
  return x >= 0 ? 0.5 + half : 0.5 - half;
}

/** `count` draws of a seeded standard normal generator. */
export function normalDraws(seed: number, count: number): Float64Array {
  const random = createSeededRandom(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = random.normal();
  return out;
}

/** A T×N matrix as N columns of seeded normal returns with the given per-column mean and std. */
export function noiseTrials(seed: number, rows: number, columns: number, mean = 0, std = 0.01): Float64Array[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: columns }, () => {
    const column = new Float64Array(rows);
    for (let t = 0; t < rows; t++) column[t] = mean + std * random.normal();
    return column;
  });
}

/** An independent normal quantile for tests: bisection on {@link simpsonNormalCdf} over [−8, 8]. */
export function bisectionNormalQuantile(p: number): number {
  let low = -8;
  let high = 8;
  for (let i = 0; i < 60; i++) {
    const middle = (low + high) / 2;
    if (simpsonNormalCdf(middle) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
