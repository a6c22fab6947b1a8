import { barSeriesFromBars } from '../bars';
import type { BarSeries } from '../bars';

/** A deterministic zig-zag price path with trends, so crossover strategies trade often. */
export function zigzagSeries(symbol: string, length: number, phase = 0): BarSeries {
  const bars = Array.from({ length }, (_, i) => {
    const close = 100 + 10 * Math.sin((i + phase) / 7) + 3 * Math.sin((i + phase) / 2.3) + i * 0.05;
    return { time: Date.UTC(2020, 0, 1) + i * 86_400_000, open: close - 0.5, high: close + 1, low: close - 1, close, volume: 1000 };
  });
  return barSeriesFromBars(symbol, bars);
}
