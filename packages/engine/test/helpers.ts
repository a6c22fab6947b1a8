import type {
  BarSeries,
  EntrySignal,
  PortfolioStrategy,
  RebalanceRule,
  Strategy,
  StrategyContext,
  TargetWeights,
} from '@ensemble/protocol';
import { allocateBarSeries, barSeriesFromBars } from '@ensemble/protocol';

/** Epoch ms of a `YYYY-MM-DD` date at UTC midnight. */
export function day(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** `[date, open, high, low, close]` rows to a series (volume 0). */
export function seriesOf(symbol: string, rows: readonly (readonly [string, number, number, number, number])[]): BarSeries {
  return barSeriesFromBars(
    symbol,
    rows.map(([date, open, high, low, close]) => ({ time: day(date), open, high, low, close, volume: 0 })),
  );
}

/** A series with open = high = low = close on consecutive days from `start`. */
export function flatBars(symbol: string, start: string, closes: readonly number[]): BarSeries {
  const t0 = day(start);
  return seriesOf(
    symbol,
    closes.map((close, i) => [new Date(t0 + i * 86_400_000).toISOString().slice(0, 10), close, close, close, close] as const),
  );
}

/** A small, fast, seeded PRNG (mulberry32) returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Options of {@link gbmSeries}. */
export interface GbmOptions {
  readonly start?: number;
  /** Daily drift and volatility of log returns. */
  readonly drift?: number;
  readonly volatility?: number;
  /** Epoch ms of the first bar (default 2020-01-01). */
  readonly startTime?: number;
  /** Spacing of bars in ms (default one day). */
  readonly spacing?: number;
}

/**
 * A seeded geometric Brownian motion series with consistent OHLC: the open gaps from the
 * previous close, high/low extend beyond open and close.
 */
export function gbmSeries(symbol: string, length: number, seed: number, options: GbmOptions = {}): BarSeries {
  const random = prng(seed);
  const normal = () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const drift = options.drift ?? 0.0002;
  const volatility = options.volatility ?? 0.02;
  const spacing = options.spacing ?? 86_400_000;
  const series = allocateBarSeries(symbol, length);
  let close = options.start ?? 100;
  for (let i = 0; i < length; i++) {
    const open = close * Math.exp(normal() * volatility * 0.3);
    close = open * Math.exp(drift + normal() * volatility);
    const high = Math.max(open, close) * (1 + random() * volatility);
    const low = Math.min(open, close) * (1 - random() * volatility);
    series.time[i] = (options.startTime ?? Date.UTC(2020, 0, 1)) + i * spacing;
    series.open[i] = open;
    series.high[i] = high;
    series.low[i] = low;
    series.close[i] = close;
    series.volume[i] = 1000;
  }
  return series;
}

/** What a scripted strategy does on a bar index: enter with a signal, or exit. */
export interface Script {
  readonly enter?: Readonly<Record<number, EntrySignal>>;
  readonly exit?: readonly number[];
}

/**
 * A strategy that enters / exits on given bar indexes of each symbol (one script for every
 * symbol, or one per symbol). Stateless: the decision depends only on (symbol, index).
 */
export function scripted(script: Script | Readonly<Record<string, Script>>, options: { id?: string; warmup?: number } = {}): Strategy {
  const forSymbol = (symbol: string): Script =>
    'enter' in script || 'exit' in script ? (script) : ((script as Record<string, Script>)[symbol] ?? {});
  return {
    id: options.id ?? 'scripted',
    warmup: options.warmup ?? 0,
    shouldEnter: (context: StrategyContext) => forSymbol(context.symbol).enter?.[context.index] ?? null,
    shouldExit: (context: StrategyContext) => forSymbol(context.symbol).exit?.includes(context.index) ?? false,
  };
}

/**
 * A stateless pseudo-random strategy: whether it enters (and on which side, with which stops) or
 * exits on a bar is a hash of (seed, symbol, bar index).
 */
export function randomSignals(
  seed: number,
  options: { long?: boolean; short?: boolean; stops?: boolean; enterProbability?: number; exitProbability?: number; strength?: boolean } = {},
): Strategy {
  const hash = (symbol: string, index: number, salt: number): number => {
    let h = (seed * 2_654_435_761 + index * 40_503 + salt * 97) >>> 0;
    for (let c = 0; c < symbol.length; c++) h = Math.imul(h ^ symbol.charCodeAt(c), 16_777_619) >>> 0;
    return prng(h)();
  };
  const long = options.long ?? true;
  const short = options.short ?? false;
  return {
    id: `random-${seed}`,
    warmup: 1,
    shouldEnter: (context) => {
      if (hash(context.symbol, context.index, 1) >= (options.enterProbability ?? 0.2)) return null;
      const side = long && short ? (hash(context.symbol, context.index, 2) < 0.5 ? 'long' : 'short') : short ? 'short' : 'long';
      const close = context.close();
      const direction = side === 'long' ? 1 : -1;
      const stopDistance = 0.01 + 0.05 * hash(context.symbol, context.index, 3);
      const takeDistance = 0.01 + 0.08 * hash(context.symbol, context.index, 4);
      return {
        side,
        ...(options.strength === true ? { strength: Math.round(hash(context.symbol, context.index, 5) * 100) / 100 } : {}),
        ...(options.stops === true
          ? { stopLoss: close * (1 - direction * stopDistance), takeProfit: close * (1 + direction * takeDistance) }
          : {}),
      };
    },
    shouldExit: (context) => hash(context.symbol, context.index, 6) < (options.exitProbability ?? 0.15),
  };
}

/** A portfolio strategy with constant target weights over the symbols it has prices for. */
export function fixedWeights(weights: TargetWeights, rebalance: RebalanceRule, options: { id?: string; warmup?: number } = {}): PortfolioStrategy {
  return {
    kind: 'portfolio',
    id: options.id ?? 'fixed-weights',
    warmup: options.warmup ?? 0,
    rebalance,
    targetWeights: () => weights,
  };
}

/** What `run` throws (a test fails if it throws nothing). */
export function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** A stateless portfolio strategy: pseudo-random weights per step over the tradable symbols. */
export function randomWeights(seed: number, allowShort: boolean, rebalance: RebalanceRule): PortfolioStrategy {
  return {
    kind: 'portfolio',
    id: `weights-${seed}`,
    warmup: 1,
    rebalance,
    targetWeights: (context) => {
      const random = prng(seed * 1009 + context.step);
      const raw = context.tradable.map(() => (allowShort ? random() * 2 - 1 : random()));
      const gross = raw.reduce((sum, w) => sum + Math.abs(w), 0) || 1;
      const invested = random();
      return Object.fromEntries(context.tradable.map((symbol, k) => [symbol, ((raw[k] ?? 0) / gross) * invested]));
    },
  };
}
