import type {
  BarSeries,
  Logger,
  EntrySignal,
  Position,
  Strategy,
  StrategyContext,
  StrategyDefinition,
} from '@ensemble/protocol';
import { allocateBarSeries, barSeriesFromBars } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { z } from 'zod';
import type { RunConfigInput, StrategyRegistry } from '../src/config';

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

/** A small seeded PRNG (mulberry32) returning floats in [0, 1). */
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

/** A seeded random walk with consistent OHLC (open gaps from the previous close), daily from 2020-01-01. */
export function walkSeries(symbol: string, length: number, seed: number, volatility = 0.02, start = 100): BarSeries {
  const random = prng(seed);
  const normal = () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const series = allocateBarSeries(symbol, length);
  let close = start;
  for (let i = 0; i < length; i++) {
    const open = close * Math.exp(normal() * volatility * 0.3);
    close = open * Math.exp(0.0002 + normal() * volatility);
    series.time[i] = Date.UTC(2020, 0, 1) + i * 86_400_000;
    series.open[i] = open;
    series.close[i] = close;
    series.high[i] = Math.max(open, close) * (1 + random() * volatility);
    series.low[i] = Math.min(open, close) * (1 - random() * volatility);
  }
  return series;
}

/** A deterministic hash of (seed, symbol, bar, salt) into [0, 1). */
function unit(seed: number, symbol: string, index: number, salt: number): number {
  let h = (seed * 2_654_435_761) ^ (index * 40_503) ^ (salt * 97);
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 16_777_619);
  return prng(h)();
}

const RandomSignalSchema = z.strictObject({
  seed: z.number().int().default(1),
  enter: z.number().min(0).max(1).default(0.2),
  exit: z.number().min(0).max(1).default(0.2),
  short: z.number().min(0).max(1).default(0),
  strength: z.boolean().default(false),
});

/** Enters and exits at random, but deterministically from (seed, symbol, bar): stateless. */
class RandomSignalStrategy implements Strategy {
  readonly warmup = 1;

  constructor(
    private readonly params: z.output<typeof RandomSignalSchema>,
    readonly id: string,
  ) {}

  shouldEnter(context: StrategyContext): EntrySignal | null {
    const { seed, enter, short, strength } = this.params;
    if (unit(seed, context.symbol, context.index, 1) >= enter) return null;
    const side = unit(seed, context.symbol, context.index, 2) < short ? 'short' : 'long';
    return strength ? { side, strength: 0.25 + 0.75 * unit(seed, context.symbol, context.index, 3) } : { side };
  }

  shouldExit(context: StrategyContext): boolean {
    return unit(this.params.seed, context.symbol, context.index, 4) < this.params.exit;
  }
}

const ScriptedSchema = z.strictObject({
  enterAt: z.array(z.number().int()).default([]),
  exitAt: z.array(z.number().int()).default([]),
  side: z.enum(['long', 'short']).default('long'),
  stopLoss: z.number().positive().optional(),
});

/** Enters on the listed bar indices (when flat) and exits on the listed ones: for hand-checked cases. */
class ScriptedStrategy implements Strategy {
  readonly warmup = 1;

  constructor(
    private readonly params: z.output<typeof ScriptedSchema>,
    readonly id: string,
  ) {}

  shouldEnter(context: StrategyContext): EntrySignal | null {
    if (!this.params.enterAt.includes(context.index)) return null;
    return this.params.stopLoss === undefined ? { side: this.params.side } : { side: this.params.side, stopLoss: this.params.stopLoss };
  }

  shouldExit(context: StrategyContext, _position: Position): boolean {
    return this.params.exitAt.includes(context.index);
  }
}

const ThrowingSchema = z.strictObject({
  at: z.number().int().min(0).default(5),
  symbol: z.string().optional(),
});

/** Buys and holds, then throws when deciding on bar `at` (of `symbol`, or any). */
class ThrowingStrategy implements Strategy {
  readonly warmup = 1;

  constructor(
    private readonly params: z.output<typeof ThrowingSchema>,
    readonly id: string,
  ) {}

  private check(context: StrategyContext): void {
    if (context.index === this.params.at && (this.params.symbol === undefined || this.params.symbol === context.symbol)) {
      throw new Error(`boom on bar ${context.index}`);
    }
  }

  shouldEnter(context: StrategyContext): EntrySignal | null {
    this.check(context);
    return { side: 'long' };
  }

  shouldExit(context: StrategyContext): boolean {
    this.check(context);
    return false;
  }
}

function definition<TSchema extends z.ZodType>(
  name: string,
  schema: TSchema,
  create: (params: z.output<TSchema>, id: string) => Strategy,
): StrategyDefinition {
  return { name, kind: 'signal', description: `test strategy ${name}`, schema, create };
}

/** The sample strategies plus test strategies: `random-signal`, `scripted`, `throwing`. */
export const testRegistry: StrategyRegistry = {
  ...strategyRegistry,
  'random-signal': definition('random-signal', RandomSignalSchema, (params, id) => new RandomSignalStrategy(params, id)),
  scripted: definition('scripted', ScriptedSchema, (params, id) => new ScriptedStrategy(params, id)),
  throwing: definition('throwing', ThrowingSchema, (params, id) => new ThrowingStrategy(params, id)),
};

/** Each test strategy, for direct engine runs. */
export function randomSignal(params: z.input<typeof RandomSignalSchema>, id: string): Strategy {
  return new RandomSignalStrategy(RandomSignalSchema.parse(params), id);
}

/** An event a {@link leveledLogger} wrote: its level and its fields (with its logger's bindings). */
export interface Written {
  readonly level: string;
  readonly fields: Record<string, unknown>;
}

/**
 * A logger in pino's shape at level `level` (pino's `isLevelEnabled` included): it writes the
 * events at or above its level, with the bindings of its children, into `written`.
 */
export function leveledLogger(level: 'info' | 'warn', written: Written[], bindings: Record<string, unknown> = {}): Logger & { isLevelEnabled(level: string): boolean } {
  const order = ['debug', 'info', 'warn', 'error'];
  const enabled = (at: string): boolean => order.indexOf(at) >= order.indexOf(level);
  const write =
    (at: string) =>
    (fields: object | string): void => {
      if (enabled(at)) written.push({ level: at, fields: { ...bindings, ...(typeof fields === 'string' ? { msg: fields } : fields) } });
    };
  return {
    isLevelEnabled: enabled,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => leveledLogger(level, written, { ...bindings, ...more }),
  };
}

/**
 * Two strategies that throw (at their 12th and 25th bar) beside a steady one, on one symbol of 40
 * bars, under `errorPolicy: "isolate"`: a run that isolates `early` then `late`.
 */
export function throwingSleeves(): { config: RunConfigInput; series: BarSeries[] } {
  return {
    series: [walkSeries('S0', 40, 3, 0.03, 50)],
    config: {
      data: { dataset: 'test' },
      cash: 100_000,
      errorPolicy: 'isolate',
      rebalance: { schedule: { everyBars: 10 } },
      strategies: [
        { id: 'late', strategy: 'throwing', params: { at: 25 }, symbols: ['S0'] },
        { id: 'early', strategy: 'throwing', params: { at: 12 }, symbols: ['S0'] },
        { id: 'steady', strategy: 'random-signal', params: { seed: 5 }, symbols: ['S0'] },
      ],
    },
  };
}
