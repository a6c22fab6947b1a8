import { generateSyntheticData } from '@ensemble/data';
import { runBacktest } from '@ensemble/engine';
import type { BarSeries } from '@ensemble/protocol';
import { EqualWeightStrategy, SmaCrossoverStrategy } from '@ensemble/strategies';
import type { BenchCase } from '../harness';

const FAST = 20;
const SLOW = 100;

/**
 * The same trading rules as the engine running sma-crossover with the defaults (next-open fills,
 * percent-of-cash 100 in whole units, no costs), written as one plain Float64Array loop: the
 * speed a hand-tuned special-purpose backtest reaches. Returns the final equity, which must match
 * the engine's.
 */
export function smaCrossoverBaseline(series: BarSeries, cash0: number, fast: number, slow: number): number {
  const n = series.length;
  const close = series.close;
  const open = series.open;
  const equity = new Float64Array(n);
  let fastSum = 0;
  let slowSum = 0;
  let lastNonZero = 0;
  let cash = cash0;
  let quantity = 0;
  let pending = 0; // +1 buy at next open, -1 sell at next open
  for (let i = 0; i < n; i++) {
    const o = open[i] ?? 0;
    const c = close[i] ?? 0;
    if (pending === 1) {
      const q = Math.floor(cash / o);
      if (q > 0) {
        quantity = q;
        cash -= q * o;
      }
    } else if (pending === -1) {
      cash += quantity * o;
      quantity = 0;
    }
    pending = 0;
    equity[i] = cash + quantity * c;
    fastSum += c;
    slowSum += c;
    if (i >= fast) fastSum -= close[i - fast] ?? 0;
    if (i >= slow) slowSum -= close[i - slow] ?? 0;
    if (i < slow - 1) continue;
    const d = fastSum / fast - slowSum / slow;
    let cross = 0;
    if (d > 0 && lastNonZero < 0) cross = 1;
    else if (d < 0 && lastNonZero > 0) cross = -1;
    if (d !== 0) lastNonZero = d;
    if (i === n - 1 || i < slow) continue;
    if (quantity === 0 && cross === 1) pending = 1;
    else if (quantity > 0 && cross === -1) pending = -1;
  }
  return equity[n - 1] ?? cash0;
}

interface SingleSeries {
  readonly series: BarSeries;
  readonly strategy: SmaCrossoverStrategy;
}

/**
 * `engine-sma-crossover-1m`: the engine with sma-crossover against its baseline loop. The strategy
 * is built once (a strategy can run any number of backtests): what is timed is the engine's work,
 * from validating the series to the result, indicators included.
 */
export function engineSmaCrossover(bars: number): BenchCase<SingleSeries> {
  return {
    name: bars >= 1_000_000 ? 'engine-sma-crossover-1m' : `engine-sma-crossover-${bars}`,
    size: bars,
    setup: () => {
      const data = generateSyntheticData({ symbols: 1, bars, seed: 7 });
      const series = data.series[0];
      if (series === undefined) throw new Error('no synthetic series');
      const strategy = new SmaCrossoverStrategy({ fast: FAST, slow: SLOW });
      const engine = runBacktest({ series, strategy, cash: 100_000 });
      const baseline = smaCrossoverBaseline(series, 100_000, FAST, SLOW);
      if (Math.abs(engine.finalEquity - baseline) > 1e-6 * Math.abs(baseline)) {
        throw new Error(`baseline and engine disagree: ${baseline} vs ${engine.finalEquity}`);
      }
      return { series, strategy };
    },
    run: ({ series, strategy }) => runBacktest({ series, strategy, cash: 100_000 }),
    baseline: ({ series }) => smaCrossoverBaseline(series, 100_000, FAST, SLOW),
  };
}

interface ManySeries {
  readonly series: readonly BarSeries[];
}

/** `engine-equal-weight-100x10k`: a monthly equal-weight portfolio over 100 symbols. */
export function engineEqualWeight(symbols: number, bars: number): BenchCase<ManySeries> {
  return {
    name: `engine-equal-weight-${symbols}x${bars >= 10_000 ? `${bars / 1000}k` : bars}`,
    size: symbols * bars,
    setup: () => ({ series: generateSyntheticData({ symbols, bars, seed: 11 }).series }),
    run: ({ series }) => runBacktest({ series, strategy: new EqualWeightStrategy({ rebalance: 'month' }), cash: 1_000_000 }),
  };
}
