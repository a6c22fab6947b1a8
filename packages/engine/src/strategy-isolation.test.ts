import type { BarSeries, EntrySignal, Position, Strategy, StrategyContext } from '@ensemble/protocol';
import { StrategyError, isRefusedValue } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { catchError, day, fixedWeights, gbmSeries } from '../test/helpers';
import { runBacktest } from './backtest-engine';
import type { BacktestOptions } from './backtest-engine';

/*
 * A strategy can neither cheat (read the future), nor corrupt the books (write the data, its
 * position or its account), nor fail anonymously. Every case runs on one series (the engine's
 * fused single-series loop) and on two (the general step-by-step loop).
 */

const A = gbmSeries('A', 120, 11);
const B = gbmSeries('B', 120, 12, { start: 50 });
const paths: readonly [string, () => BarSeries[]][] = [
  ['one series (fused loop)', () => [gbmSeries('A', 120, 11)]],
  ['two series (step loop)', () => [gbmSeries('A', 120, 11), gbmSeries('B', 120, 12, { start: 50 })]],
];

function strategyError(run: () => unknown): StrategyError {
  const error = catchError(run);
  if (!StrategyError.isInstance(error)) throw error;
  return error;
}

/** Enters long on A at bar 50 (filled at the open of bar 51) and holds; `hook` runs on every decision. */
function holder(id: string, hook: (context: StrategyContext, position: Position | null) => void = () => undefined): Strategy {
  return {
    id,
    warmup: 1,
    shouldEnter: (context) => {
      hook(context, null);
      return context.symbol === 'A' && context.index === 50 ? { side: 'long' } : null;
    },
    shouldExit: (context, position) => {
      hook(context, position);
      return false;
    },
  };
}

function run(strategy: Strategy, series: BarSeries[], options: Partial<BacktestOptions> = {}) {
  return runBacktest({ series, strategy, cash: 100_000, ...options });
}

describe.each(paths)('a strategy cannot cheat, on %s', (_name, data) => {
  it('is handed a context with no moveTo, no series and nothing writable', () => {
    const seen = new Set<string>();
    run(
      holder('inspector', (context) => {
        const loose = context as unknown as Record<string, unknown>;
        seen.add(`${typeof loose.moveTo}/${typeof loose.series}/${Object.keys(context).length}`);
        expect(() => {
          loose.index = context.index + 1;
        }).toThrow(TypeError);
      }),
      data(),
    );
    expect([...seen]).toEqual(['undefined/undefined/0']);
  });

  it('cannot write the data unnoticed: with checkInvariants a write to open[51] fails the run naming the strategy', () => {
    const series = data();
    const a = series[0];
    if (a === undefined) throw new Error('no series');
    const open51 = a.open[51] ?? Number.NaN;
    const date51 = new Date(a.time[51] ?? Number.NaN).toISOString().slice(0, 10);
    const writer = holder('open-writer', (context) => {
      if (context.symbol === 'A' && context.index === 10) {
        const view = context.history('open');
        new Float64Array(view.buffer, view.byteOffset)[51] = 1;
      }
    });
    const error = strategyError(() => run(writer, series, { checkInvariants: true }));
    expect(error.strategyId).toBe('open-writer');
    expect(error.symbol).toBe('A');
    expect(error.message).toBe(
      `Strategy "open-writer" failed on A: changed its input data: open[51] of A (the bar of ${date51}) was ${String(open51)} and is now 1. Bars are read-only: never write to a ctx.history() or ctx.indicatorHistory() view or to its buffer`,
    );
  });

  it('cannot change the series others see from indicators(): it gets a copy', () => {
    const series = data();
    const before = series.map((s) => Array.from(s.close));
    const filler: Strategy = { ...holder('filler'), indicators: (s) => ({ filled: s.close.fill(42) }) };
    const filled = run(filler, series, { checkInvariants: true });
    expect(series.map((s) => Array.from(s.close))).toEqual(before);
    // The strategy's own copy was filled; the engine traded on the real prices.
    expect(JSON.stringify(filled)).toBe(JSON.stringify(run({ ...holder('filler') }, data(), { checkInvariants: true })));
  });

  it('cannot rewrite its position or account: p.quantity = 1e9 changes nothing', () => {
    const tamper = (context: StrategyContext, position: Position | null) => {
      if (position === null) return;
      try {
        (position as { quantity: number }).quantity = 1e9;
      } catch {
        // a frozen snapshot: strict-mode code gets a TypeError, which this strategy ignores
      }
      try {
        (context.account as { cash: number }).cash = 1e12;
      } catch {
        // read-only
      }
    };
    const honest = run(holder('p'), data(), { checkInvariants: true });
    const tampered = run(holder('p', tamper), data(), { checkInvariants: true });
    expect(JSON.stringify(tampered)).toBe(JSON.stringify(honest));
    const held = honest.openPositions[0];
    expect(held?.quantity).toBeGreaterThan(0);
    expect(held?.quantity).toBeLessThan(1e9);
    expect(honest.finalEquity).toBeCloseTo(honest.finalCash + honest.openPositions.reduce((sum, p) => sum + p.marketValue, 0), 6);
  });

  it('fails with a StrategyError naming it when it writes to its position without catching', () => {
    const error = strategyError(() =>
      run(
        holder('writer', (_context, position) => {
          if (position !== null) (position as { quantity: number }).quantity = 1e9;
        }),
        data(),
      ),
    );
    expect([error.strategyId, error.symbol]).toEqual(['writer', 'A']);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('names itself and the symbol when indicators() returns null', () => {
    const nothing = { ...holder('no-indicators'), indicators: () => null } as unknown as Strategy;
    const error = strategyError(() => run(nothing, data()));
    expect([error.strategyId, error.symbol]).toEqual(['no-indicators', 'A']);
    expect(error.message).toMatch(/^Strategy "no-indicators" failed on A: indicators\(\) returned null; it must return an object of Float64Array columns with one value per bar \(120\)/);
  });

  const badSignals: readonly [string, unknown, RegExp][] = [
    ['a string strength', { side: 'long', strength: '0.5' }, /shouldEnter returned strength "0\.5" \(a string\); it must be a number within 0\.\.1$/],
    ['a NaN strength', { side: 'long', strength: Number.NaN }, /shouldEnter returned strength NaN; it must be a number within 0\.\.1$/],
    ['a string stop-loss', { side: 'long', stopLoss: '90' }, /shouldEnter returned stopLoss "90" \(a string\); it must be a positive finite price$/],
    ['an infinite take-profit', { side: 'long', takeProfit: Number.POSITIVE_INFINITY }, /shouldEnter returned takeProfit Infinity; it must be a positive finite price$/],
    ['a number instead of a signal', 1, /shouldEnter returned 1; it must return null or \{ side: 'long' \| 'short', strength\?, stopLoss\?, takeProfit\? \}$/],
  ];
  it.each(badSignals)('rejects %s, naming strategy, symbol, bar time and the field', (_label, signal, message) => {
    const strategy: Strategy = {
      id: 'sloppy',
      warmup: 1,
      shouldEnter: (context) => (context.symbol === 'A' && context.index === 3 ? (signal as EntrySignal) : null),
      shouldExit: () => false,
    };
    const error = strategyError(() => run(strategy, data()));
    expect([error.strategyId, error.symbol, error.time]).toEqual(['sloppy', 'A', A.time[3]]);
    expect(error.message).toMatch(/^Strategy "sloppy" failed on A at 2020-01-04: /);
    expect(error.message).toMatch(message);
  });
});

describe('a portfolio strategy cannot corrupt the books', () => {
  it('is given frozen symbols, positions and account, and a context without moveTo', () => {
    const strategy = fixedWeights({ A: 0.5, B: 0.5 }, { kind: 'bars', every: 5 }, { id: 'vandal' });
    const checks: boolean[] = [];
    const vandal = {
      ...strategy,
      targetWeights: (context: Parameters<typeof strategy.targetWeights>[0]) => {
        checks.push(Object.isFrozen(context.symbols), Object.isFrozen(context.account), Object.isFrozen(context));
        for (const position of context.positions.values()) checks.push(Object.isFrozen(position));
        const bars = context.bars('A') as unknown as Record<string, unknown> | null;
        checks.push(bars !== null && bars.moveTo === undefined && bars.series === undefined);
        return strategy.targetWeights(context);
      },
    };
    const result = runBacktest({ series: [A, B], strategy: vandal, cash: 100_000, checkInvariants: true });
    expect(result.rebalances.length).toBeGreaterThan(10);
    expect(checks.length).toBeGreaterThan(result.rebalances.length * 4);
    expect(checks.every(Boolean)).toBe(true);
    expect(result.startTime).toBe(day('2020-01-01'));
  });
});

describe('an async strategy method is named, not read as an empty answer', () => {
  const promise = (value: unknown) => Promise.resolve(value);
  const signal = (overrides: Partial<Strategy>): Strategy => ({
    id: 'eager',
    warmup: 1,
    shouldEnter: () => null,
    shouldExit: () => false,
    ...overrides,
  });

  it('shouldEnter, shouldExit and targetWeights returning a Promise fail the run with a StrategyError saying so', () => {
    const enter = catchError(() => runBacktest({ series: [A], strategy: signal({ shouldEnter: () => promise({ side: 'long' }) as never }) }));
    expect(StrategyError.isInstance(enter)).toBe(true);
    expect((enter as Error).message).toContain('shouldEnter returned a Promise: strategy methods run synchronously');
    let entered = false;
    const exit = catchError(() =>
      runBacktest({
        series: [A],
        strategy: signal({
          shouldEnter: (): EntrySignal | null => (entered ? null : ((entered = true), { side: 'long' })),
          shouldExit: () => promise(true) as never,
        }),
      }),
    );
    expect((exit as Error).message).toContain('shouldExit returned a Promise');
    const weights = fixedWeights({ A: 0.5, B: 0.5 }, { kind: 'bars', every: 5 }, { id: 'eager-weights' });
    const portfolio = catchError(() => runBacktest({ series: [A, B], strategy: { ...weights, targetWeights: () => promise({ A: 0.5 }) as never } }));
    expect(StrategyError.isInstance(portfolio)).toBe(true);
    expect((portfolio as Error).message).toContain('targetWeights returned a Promise');
  });

  // Regression: an entry's unknown field ran as if it were not there — a size never applied, a
  // misspelt stop never set — where the test kit's schema check refuses it.
  it('refuses an entry with a field the protocol does not know, suggesting the one it resembles', () => {
    const typo = catchError(() => runBacktest({ series: [A], strategy: signal({ shouldEnter: () => ({ side: 'long', stoploss: 9 }) as EntrySignal }) }));
    expect(StrategyError.isInstance(typo)).toBe(true);
    expect((typo as Error).message).toContain('shouldEnter returned an entry with the field "stoploss" (did you mean "stopLoss"?), which the protocol does not know');
    const size = catchError(() => runBacktest({ series: [A], strategy: signal({ shouldEnter: () => ({ side: 'long', size: 1e9 }) as EntrySignal }) }));
    expect((size as Error).message).toContain("the field \"size\", which the protocol does not know: an entry is { side: 'long' | 'short', strength?, stopLoss?, takeProfit? } — its size comes from the run's sizing, scaled by strength");
    // The known fields, and a signal built on a prototype of its own, still enter.
    const entry = Object.assign(Object.create({ note: 'inherited' }) as object, { side: 'long', strength: 0.5 }) as EntrySignal;
    expect(runBacktest({ series: [A], strategy: signal({ shouldEnter: () => entry }) }).fills.length).toBeGreaterThan(0);
  });
});

describe('targetWeights reads plain objects only', () => {
  const weights = fixedWeights({ A: 0.5, B: 0.5 }, { kind: 'bars', every: 5 }, { id: 'odd-weights' });
  it('refuses a class instance or an object on a prototype, and reads only own enumerable weights', () => {
    class Weights {
      #a = 0.5;
      get A(): number {
        return this.#a;
      }
    }
    for (const answer of [new Weights(), Object.create({ A: 0.5, B: 'abc' }) as object]) {
      const error = catchError(() => runBacktest({ series: [A, B], strategy: { ...weights, targetWeights: () => answer as never } }));
      expect(StrategyError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('not a plain object');
    }
    // A weight defined not enumerable is neither checked nor used: B is not bought.
    const hidden = Object.defineProperty({ A: 0.5 }, 'B', { value: Number.POSITIVE_INFINITY, enumerable: false });
    const result = runBacktest({ series: [A, B], strategy: { ...weights, targetWeights: () => hidden } });
    expect(result.fills.some((fill) => fill.symbol === 'B')).toBe(false);
    expect(result.fills.some((fill) => fill.symbol === 'A')).toBe(true);
  });
});

describe('a value the engine refuses is told from a throw of the strategy', () => {
  const weights = fixedWeights({ A: 0.5, B: 0.5 }, { kind: 'bars', every: 5 }, { id: 'weights' });
  const signal = (overrides: Partial<Strategy>): Strategy => ({ id: 'returns', warmup: 1, shouldEnter: () => null, shouldExit: () => false, ...overrides });
  let entered = false;
  const exitOnce = (answer: unknown): Partial<Strategy> => ({
    shouldEnter: (): EntrySignal | null => (entered ? null : ((entered = true), { side: 'long' })),
    shouldExit: () => answer as never,
  });

  it.each<[string, () => unknown]>([
    ['a NaN strength', () => runBacktest({ series: [A], strategy: signal({ shouldEnter: () => ({ side: 'long', strength: Number.NaN }) }) })],
    ['side "buy"', () => runBacktest({ series: [A, B], strategy: signal({ shouldEnter: () => ({ side: 'buy' }) as never }) })],
    ['a Promise of a signal', () => runBacktest({ series: [A], strategy: signal({ shouldEnter: () => Promise.resolve(null) as never }) })],
    ['shouldExit returning "yes"', () => ((entered = false), runBacktest({ series: [A], strategy: signal(exitOnce('yes')) }))],
    ['weights for an unknown symbol', () => runBacktest({ series: [A, B], strategy: { ...weights, targetWeights: () => ({ ZZZZ: 1 }) } })],
    ['a NaN weight', () => runBacktest({ series: [A, B], strategy: { ...weights, targetWeights: () => ({ A: Number.NaN }) } })],
    ['null weights', () => runBacktest({ series: [A, B], strategy: { ...weights, targetWeights: () => null as never } })],
  ])('%s: refused (its cause marked), not thrown by the strategy', (_name, failing) => {
    const error = strategyError(failing);
    expect(error.refused).toBe(true);
    expect(isRefusedValue(error.cause)).toBe(true);
  });

  it.each<[string, () => unknown]>([
    ['shouldEnter', () => runBacktest({ series: [A], strategy: signal({ shouldEnter: () => { throw new RangeError('bad bar'); } }) })],
    ['shouldExit', () => ((entered = false), runBacktest({ series: [A, B], strategy: signal({ ...exitOnce(false), shouldExit: () => { throw new TypeError('oops'); } }) }))],
    ['targetWeights', () => runBacktest({ series: [A, B], strategy: { ...weights, targetWeights: () => { throw new RangeError('no weights today'); } } })],
    ['a write to its frozen position', () => run(holder('writer', (_context, position) => { if (position !== null) (position as { quantity: number }).quantity = 1e9; }), [A, B])],
  ])('a throw of its own in %s is no refusal', (_name, failing) => {
    const error = strategyError(failing);
    expect(error.refused).toBe(false);
    expect(isRefusedValue(error.cause)).toBe(false);
  });
});
