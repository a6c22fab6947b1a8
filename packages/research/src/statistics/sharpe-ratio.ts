import { RETURN_STD_NOISE } from '@ensemble/performance';

/**
 * The per-period Sharpe ratio `mean / std` of `count` returns with the given mean and sum of
 * squared deviations from it, with the sample standard deviation (ddof = 1) — the convention of
 * `@ensemble/performance` before its `√P` annualisation. NaN when it cannot be computed: fewer
 * than 2 returns, or a standard deviation below `RETURN_STD_NOISE` (1e−13, floating-point noise).
 */
export function sharpeFromSums(count: number, mean: number, sumSquaredDeviations: number): number {
  if (count < 2) return Number.NaN;
  const std = Math.sqrt(Math.max(0, sumSquaredDeviations) / (count - 1));
  return std < RETURN_STD_NOISE ? Number.NaN : mean / std;
}
