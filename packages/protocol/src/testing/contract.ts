import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../bars';
import { SeriesCursor } from '../context';
import { computeIndicators } from '../indicators';
import { EntrySignalSchema, ExitDecisionSchema, TargetWeightsSchema } from '../schemas';
import { SeriesSeal } from '../series-seal';
import type { AnyStrategy, PortfolioContext, StrategyContext } from '../strategy';
import { isPortfolioStrategy } from '../strategy';
import { createTimeline } from '../timeline';
import type { Position } from '../trading';
import { checkLookahead } from './lookahead';

/** Options of {@link testStrategyContract}. */
export interface StrategyContractOptions {
  /** Test suite title (default: the strategy id). */
  readonly name?: string;
  /** Builds a fresh instance; called several times. */
  readonly create: () => AnyStrategy;
  /** Real or synthetic series to run on; at least warmup + 2 bars each. */
  readonly series: readonly BarSeries[];
  /** Truncation points for the look-ahead check (default 40). */
  readonly lookaheadCheckpoints?: number;
  /** Largest Σ|weight| a portfolio strategy may return (default 1: no leverage). */
  readonly maxGrossWeight?: number;
}

interface Decision {
  readonly symbol: string;
  readonly index: number;
  readonly value: unknown;
}

function runDecisions(strategy: AnyStrategy, series: readonly BarSeries[]): Decision[] {
  const decisions: Decision[] = [];
  if (isPortfolioStrategy(strategy)) {
    const timeline = createTimeline(series);
    const cursors = series.map((s) => new SeriesCursor(s, {}, strategy.id));
    const last = new Int32Array(series.length).fill(-1);
    for (let step = 0; step < timeline.length; step++) {
      const tradable: string[] = [];
      series.forEach((s, k) => {
        const index = timeline.barIndex[k]?.[step] ?? -1;
        if (index >= 0) {
          last[k] = index;
          tradable.push(s.symbol);
        }
      });
      if (step + 1 < strategy.warmup) continue;
      const context: PortfolioContext = {
        time: timeline.time[step] ?? Number.NaN,
        step,
        symbols: series.map((s) => s.symbol),
        tradable,
        bars: (symbol) => {
          const k = series.findIndex((s) => s.symbol === symbol);
          const index = last[k] ?? -1;
          const cursor = cursors[k];
          return index < 0 || cursor === undefined ? null : cursor.moveTo(index);
        },
        account: { cash: 100_000, equity: 100_000 },
        positions: new Map(),
      };
      decisions.push({ symbol: '*', index: step, value: strategy.targetWeights(context) });
    }
    return decisions;
  }
  for (const s of series) {
    const cursor = new SeriesCursor(s, computeIndicators(strategy, s), strategy.id);
    cursor.setAccount(100_000, 100_000);
    let position: Position | null = null;
    for (let i = Math.max(0, strategy.warmup - 1); i < s.length; i++) {
      const context: StrategyContext = cursor.moveTo(i);
      cursor.setPosition(position);
      if (position === null) {
        const signal = strategy.shouldEnter(context);
        decisions.push({ symbol: s.symbol, index: i, value: signal });
        if (signal !== null) {
          position = Object.freeze({
            strategyId: strategy.id,
            symbol: s.symbol,
            side: signal.side,
            quantity: 1,
            entryPrice: s.close[i] ?? 1,
            entryTime: s.time[i] ?? 0,
            entryCommission: 0,
          });
        }
      } else {
        const exit = strategy.shouldExit(context, position);
        decisions.push({ symbol: s.symbol, index: i, value: exit });
        if (exit === true || (typeof exit === 'object' && exit.exit)) position = null;
      }
    }
  }
  return decisions;
}

/**
 * Registers a vitest suite every strategy must pass: a valid id and warm-up, deterministic
 * decisions, signals and weights that match the protocol's schemas, no mutation of the input
 * series, at least one decision made, and no look-ahead (see `checkLookahead`).
 */
export function testStrategyContract(options: StrategyContractOptions): void {
  const probe = options.create();
  describe(`strategy contract: ${options.name ?? probe.id}`, () => {
    it('has a non-empty id and a non-negative integer warm-up', () => {
      const strategy = options.create();
      expect(typeof strategy.id).toBe('string');
      expect(strategy.id.length).toBeGreaterThan(0);
      expect(Number.isInteger(strategy.warmup)).toBe(true);
      expect(strategy.warmup).toBeGreaterThanOrEqual(0);
    });

    it('is given enough data by the test', () => {
      for (const s of options.series) expect(s.length).toBeGreaterThanOrEqual(probe.warmup + 2);
    });

    it('decides the same way twice and across instances', () => {
      const first = runDecisions(options.create(), options.series);
      const second = runDecisions(options.create(), options.series);
      expect(second).toEqual(first);
      expect(first.length).toBeGreaterThan(0);
    });

    it('returns decisions that match the protocol schemas', () => {
      const strategy = options.create();
      for (const decision of runDecisions(strategy, options.series)) {
        if (isPortfolioStrategy(strategy)) {
          const weights = TargetWeightsSchema.parse(decision.value);
          const gross = Object.values(weights).reduce((sum, w) => sum + Math.abs(w), 0);
          expect(gross).toBeLessThanOrEqual((options.maxGrossWeight ?? 1) + 1e-9);
          for (const symbol of Object.keys(weights)) {
            expect(options.series.some((s) => s.symbol === symbol)).toBe(true);
          }
        } else if (typeof decision.value === 'boolean' || (typeof decision.value === 'object' && decision.value !== null && 'exit' in decision.value)) {
          ExitDecisionSchema.parse(decision.value);
        } else if (decision.value !== null) {
          EntrySignalSchema.parse(decision.value);
        }
      }
    });

    it('does not mutate the input series', () => {
      const seal = new SeriesSeal(options.series);
      runDecisions(options.create(), options.series);
      expect(seal.firstChange()).toBeNull();
    });

    it('does not look ahead', () => {
      const report = checkLookahead(options.create(), options.series, {
        checkpoints: options.lookaheadCheckpoints ?? 40,
      });
      expect(report.violations).toEqual([]);
      expect(report.comparisons).toBeGreaterThan(0);
    });
  });
}
