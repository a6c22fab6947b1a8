import type {
  BarSeries,
  EntrySignal,
  ExitSignal,
  IndicatorColumns,
  Position,
  Strategy,
  StrategyContext,
} from '@ensemble/protocol';
import { exitRequested } from '@ensemble/protocol';

/**
 * What a {@link ProbedStrategy} records per symbol of its sleeve (indexed like the sleeve's
 * account): the strength of the latest entry signal, and — for the shared mode — the direction the
 * strategy wants after its latest decision (+1 long, −1 short, 0 flat), the step it took that
 * direction and whether it changed since the caller last looked.
 */
export class SignalProbe {
  /** Strength (0..1) of the latest entry signal per symbol. */
  readonly strength: Float64Array;
  /** Desired direction per symbol after the latest decision: +1, −1 or 0. */
  readonly direction: Int8Array;
  /** Step at which the current non-flat direction was taken (-1 when flat). */
  readonly since: Int32Array;
  /** Set when `direction` or `strength` changed; the caller clears it. */
  readonly changed: Uint8Array;
  /** The current timeline step, set by the caller before decisions. */
  step = 0;
  /** Whether decisions are tracked (shared mode); entry strengths are always recorded. */
  readonly trackDirections: boolean;
  private readonly indexBySymbol: ReadonlyMap<string, number>;
  private readonly single: boolean;

  constructor(symbols: readonly string[], trackDirections: boolean) {
    const n = symbols.length;
    this.strength = new Float64Array(n).fill(1);
    this.direction = new Int8Array(n);
    this.since = new Int32Array(n).fill(-1);
    this.changed = new Uint8Array(n);
    this.trackDirections = trackDirections;
    this.indexBySymbol = new Map(symbols.map((symbol, k) => [symbol, k]));
    this.single = n === 1;
  }

  /** Index of `symbol` in the sleeve (0 for a one-symbol sleeve without a lookup). */
  indexOf(symbol: string): number {
    return this.single ? 0 : (this.indexBySymbol.get(symbol) ?? -1);
  }

  /** Sets the desired direction of symbol `k` (flat, long, short) with a strength. */
  want(k: number, direction: number, strength: number): void {
    if (this.direction[k] !== direction || (direction !== 0 && this.strength[k] !== strength)) {
      if (this.direction[k] !== direction) this.since[k] = direction === 0 ? -1 : this.step;
      this.direction[k] = direction;
      if (direction !== 0) this.strength[k] = strength;
      this.changed[k] = 1;
    }
  }
}

/**
 * A signal strategy seen through a {@link SignalProbe}, in shared mode: answers exactly what the
 * wrapped strategy answers (same id, warm-up and indicators) and records its entry strengths and,
 * when tracking, its desired direction per symbol, which the conflict policy merges. Errors
 * propagate unchanged. (Sleeves mode runs strategies unwrapped.)
 */
export class ProbedStrategy implements Strategy {
  readonly kind = 'signal';
  readonly id: string;
  readonly warmup: number;
  readonly indicators?: (series: BarSeries) => IndicatorColumns;
  private readonly inner: Strategy;
  private readonly probe: SignalProbe;

  constructor(inner: Strategy, probe: SignalProbe) {
    this.inner = inner;
    this.probe = probe;
    this.id = inner.id;
    this.warmup = inner.warmup;
    // Passed on as they are: the engine validates what they return and names the strategy.
    if (inner.indicators !== undefined) this.indicators = inner.indicators.bind(inner);
  }

  shouldEnter(context: StrategyContext): EntrySignal | null {
    const signal = this.inner.shouldEnter(context);
    const probe = this.probe;
    if (signal !== null) {
      const k = probe.indexOf(context.symbol);
      const strength = typeof signal === 'object' ? (signal.strength ?? 1) : 1;
      if (k >= 0) {
        probe.strength[k] = strength;
        if (probe.trackDirections) probe.want(k, signal.side === 'short' ? -1 : 1, strength);
      }
    } else if (probe.trackDirections) {
      const k = probe.indexOf(context.symbol);
      if (k >= 0) probe.want(k, 0, 0);
    }
    return signal;
  }

  shouldExit(context: StrategyContext, position: Position): boolean | ExitSignal {
    const decision = this.inner.shouldExit(context, position);
    const probe = this.probe;
    if (probe.trackDirections) {
      const k = probe.indexOf(context.symbol);
      if (k >= 0) {
        if (exitRequested(decision)) probe.want(k, 0, 0);
        else probe.want(k, position.side === 'short' ? -1 : 1, probe.strength[k] ?? 1);
      }
    }
    return decision;
  }
}

/** A signal strategy that never trades: the stand-in of a strategy that could not even start. */
export class InertStrategy implements Strategy {
  readonly kind = 'signal';
  readonly warmup = Number.POSITIVE_INFINITY;

  constructor(readonly id: string) {}

  shouldEnter(): EntrySignal | null {
    return null;
  }

  shouldExit(): boolean {
    return false;
  }
}
