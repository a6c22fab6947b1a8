import { ConfigError, allocateBarSeries, checkArguments, markSeriesChecked, nullAsAbsent, objectIssue, optionsIssue, parseConfig, quoteValue, truncateSeries } from '@ensemble/protocol';
import type { BarSeries } from '@ensemble/protocol';
import { z } from 'zod';
import { DAY_MS } from '@ensemble/protocol';
import { parseDate } from './dates';
import { createMarketData } from './market-data';
import { toCsv } from './to-csv';
import type { MarketData } from './types';

/** A deterministic pseudo-random source. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (mean 0, standard deviation 1), by Box–Muller. */
  normal(): number;
}

/**
 * A mulberry32 generator seeded with a 32-bit integer (`seed` is truncated to one), with
 * Box–Muller normals: the same seed always gives the same sequence, on every platform.
 */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u1 = 1 - next();
    const u2 = next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  };
  return { next, normal };
}

/** A well-mixed 32-bit seed for stream `index` of `seed`, so every symbol gets its own stream. */
function streamSeed(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const SyntheticOptionsSchema = z.strictObject({
  symbols: z
    .union([
      z.number().int().min(1).max(10_000),
      z
        .array(z.string().trim().min(1))
        .min(1)
        .refine((names) => new Set(names).size === names.length, { message: 'symbol names must be unique' }),
    ])
    .default(1),
  bars: z.number().int().min(1).max(50_000_000).default(252),
  seed: z.number().int().default(1),
  start: z
    .union([z.number().refine(Number.isFinite, { message: 'must be a finite epoch time in ms' }), z.string()])
    .default('2020-01-01'),
  drift: z.number().min(-1).max(1).default(0.05),
  volatility: z.number().min(0).max(2).default(0.2),
  startPrice: z.number().positive().refine(Number.isFinite, { message: 'must be finite' }).default(100),
});

/** Options of {@link generateSyntheticData}. */
export interface SyntheticDataOptions {
  /** How many symbols (named `SYN1`, `SYN2`, … padded to equal width) or their names. Default 1. */
  readonly symbols?: number | readonly string[] | undefined;
  /** Bars per symbol. Default 252. */
  readonly bars?: number | undefined;
  /** Integer seed; the same seed and options give identical data. Default 1. */
  readonly seed?: number | undefined;
  /** First day (epoch ms or a date string); moved to the next Monday when on a weekend. Default `2020-01-01`. */
  readonly start?: number | string | undefined;
  /** Annualised drift μ of the geometric Brownian motion, in [-1, 1]. Default 0.05. */
  readonly drift?: number | undefined;
  /** Annualised volatility σ, in [0, 2]. Default 0.2. */
  readonly volatility?: number | undefined;
  /** Price before the first bar. Default 100. */
  readonly startPrice?: number | undefined;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function symbolNames(symbols: number | readonly string[]): readonly string[] {
  if (typeof symbols !== 'number') return symbols;
  const width = String(symbols).length;
  return Array.from({ length: symbols }, (_, i) => `SYN${String(i + 1).padStart(width, '0')}`);
}

/** Business days (Mon–Fri, no holidays) from the first one at or after `start`. */
function businessDays(start: number, count: number): Float64Array {
  const times = new Float64Array(count);
  let day = Math.floor(start / DAY_MS);
  for (let i = 0; i < count; i++) {
    let weekday = (((day + 4) % 7) + 7) % 7;
    while (weekday === 0 || weekday === 6) {
      day++;
      weekday = (weekday + 1) % 7;
    }
    times[i] = day * DAY_MS;
    day++;
  }
  return times;
}

/**
 * Seeded synthetic daily OHLCV: per symbol a geometric Brownian motion of closes
 * (`close = previous close · exp((μ − σ²/2)·dt + σ·√dt·Z)`, dt = 1/252) on business days, an open
 * near the previous close, high ≥ max(open, close), 0 < low ≤ min(open, close) and a log-normal
 * volume around 1,000,000. Each symbol has its own random stream, so its path does not depend on
 * how many symbols or bars are generated. Throws a `ConfigError` for invalid options.
 */
export function generateSyntheticData(options: SyntheticDataOptions = {}): MarketData {
  checkArguments('generateSyntheticData', [optionsIssue(options)]);
  const parsed = parseConfig(SyntheticOptionsSchema, withoutUndefined(nullAsAbsent(options, {})), 'synthetic data options');
  const start = typeof parsed.start === 'number' ? parsed.start : parseDate(parsed.start);
  if (start === null) {
    throw new ConfigError([{ path: 'start', message: `${quoteValue(String(parsed.start))} is not a date; use YYYY-MM-DD` }], {
      source: 'synthetic data options',
    });
  }
  const names = symbolNames(parsed.symbols);
  const times = businessDays(start, parsed.bars);
  const dt = 1 / 252;
  const step = parsed.volatility * Math.sqrt(dt);
  const logDrift = (parsed.drift - (parsed.volatility * parsed.volatility) / 2) * dt;
  const series = names.map((symbol, k) => {
    const random = createSeededRandom(streamSeed(parsed.seed, k));
    const out = allocateBarSeries(symbol, parsed.bars);
    out.time.set(times);
    let previous = parsed.startPrice;
    for (let i = 0; i < parsed.bars; i++) {
      const open = previous * Math.exp(0.25 * step * random.normal());
      const close = previous * Math.exp(logDrift + step * random.normal());
      const high = Math.max(open, close) * Math.exp(0.5 * step * Math.abs(random.normal()));
      const low = Math.min(open, close) * Math.exp(-0.5 * step * Math.abs(random.normal()));
      out.open[i] = open;
      out.high[i] = high;
      out.low[i] = low;
      out.close[i] = close;
      out.volume[i] = Math.round(1_000_000 * Math.exp(0.3 * random.normal()));
      previous = close;
    }
    // Prices of exp(·) × a positive start, whole volumes: sound, as the engine checks them.
    return markSeriesChecked(out);
  });
  return createMarketData(series, { source: `synthetic(seed=${parsed.seed})`, format: 'synthetic' });
}

/**
 * A long OHLCV CSV of `rows` synthetic bars (with a `symbol` column when `symbols` > 1), prices
 * with 6 decimals like Yahoo exports, for load benchmarks. The volatility is scaled down for long
 * series (σ = 0.2·min(1, √(2520 / bars per symbol)), zero log drift) so prices stay in a realistic
 * range over any length.
 */
export function generateSyntheticCsv(options: { rows: number; symbols?: number; seed?: number }): string {
  checkArguments('generateSyntheticCsv', [objectIssue(options, 'options', 'an object with rows (a positive integer) and optionally symbols and seed')]);
  const symbols = options.symbols ?? 1;
  if (!Number.isInteger(options.rows) || options.rows < 1) {
    throw new ConfigError([{ path: 'rows', message: `must be a positive integer, got ${options.rows}` }]);
  }
  const perSymbol = Math.ceil(options.rows / symbols);
  const volatility = 0.2 * Math.min(1, Math.sqrt(2520 / perSymbol));
  const data = generateSyntheticData({
    symbols,
    bars: perSymbol,
    seed: options.seed ?? 1,
    volatility,
    drift: (volatility * volatility) / 2,
    start: '1990-01-01',
  });
  let remaining = options.rows;
  const series: BarSeries[] = data.series.map((s) => {
    const kept = truncateSeries(s, Math.min(s.length, remaining));
    remaining -= kept.length;
    return kept;
  });
  return toCsv(series, { decimals: 6, symbolColumn: symbols > 1 });
}
