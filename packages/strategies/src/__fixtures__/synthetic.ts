import { barSeriesFromBars, barSeriesFromCloses } from '@ensemble/protocol';
import type { Bar, BarSeries } from '@ensemble/protocol';

const DAY = 86_400_000;
/** 2020-01-01T00:00:00Z, the first synthetic bar. */
export const START = Date.UTC(2020, 0, 1);

/** A small seeded PRNG (mulberry32) giving floats in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Close-only daily series from explicit closes, one bar a day from {@link START}. */
export function closes(symbol: string, values: readonly number[]): BarSeries {
  return barSeriesFromCloses(
    symbol,
    values.map((_, i) => START + i * DAY),
    values,
  );
}

/** A seeded OHLC random walk (about 1% daily moves) of `length` daily bars, starting `offset` days late. */
export function randomWalk(symbol: string, length: number, seed: number, offset = 0, volatility = 0.01): BarSeries {
  const next = random(seed);
  const bars: Bar[] = [];
  let close = 100;
  for (let i = 0; i < length; i++) {
    const open = close;
    close = open * (1 + volatility * (next() * 2 - 1) * 1.7);
    const high = Math.max(open, close) * (1 + volatility * next() * 0.5);
    const low = Math.min(open, close) * (1 - volatility * next() * 0.5);
    bars.push({ time: START + (i + offset) * DAY, open, high, low, close, volume: 1000 });
  }
  return barSeriesFromBars(symbol, bars);
}
