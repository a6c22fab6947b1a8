import { computeMetrics } from '@ensemble/performance';
import type { BenchCase } from '../harness';

interface Curve {
  readonly time: Float64Array;
  readonly equity: Float64Array;
}

/** Mean, sample std of returns and max drawdown in one loop: the floor of any metrics pass. */
function baseline({ equity }: Curve): number {
  let mean = 0;
  let m2 = 0;
  let peak = equity[0] ?? 0;
  let maxDrawdown = 0;
  for (let i = 1; i < equity.length; i++) {
    const v = equity[i] ?? 0;
    const r = v / (equity[i - 1] ?? 1) - 1;
    const delta = r - mean;
    mean += delta / i;
    m2 += delta * (r - mean);
    if (v > peak) peak = v;
    const dd = v / peak - 1;
    if (dd < maxDrawdown) maxDrawdown = dd;
  }
  return mean / Math.sqrt(m2 / (equity.length - 2)) + maxDrawdown;
}

/** `metrics-1m`: every metric of a 1,000,000-point daily equity curve. */
export function metricsCase(points: number): BenchCase<Curve> {
  return {
    name: points >= 1_000_000 ? 'metrics-1m' : `metrics-${points}`,
    size: points,
    setup: () => {
      const time = new Float64Array(points);
      const equity = new Float64Array(points);
      let value = 100_000;
      let seed = 12345;
      for (let i = 0; i < points; i++) {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        value *= 1 + (seed / 2_147_483_648 - 0.499) * 0.02;
        time[i] = Date.UTC(1990, 0, 1) + i * 86_400_000;
        equity[i] = value;
      }
      return { time, equity };
    },
    run: (curve) => computeMetrics({ equity: curve }),
    baseline,
  };
}
