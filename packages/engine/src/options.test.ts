import { ConfigError, InvariantError, MAX_AMOUNT, MAX_QUANTITY, RunError, StrategyError, quoteValue } from '@ensemble/protocol';
import type { Strategy } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { day, fixedWeights, flatBars, scripted } from '../test/helpers';
import { Account } from './account';
import { BacktestEngine, runBacktest } from './backtest-engine';
import { LedgerAudit } from './invariants';
import { BacktestOptionsSchema, parseBacktestConfig } from './options';

const series = flatBars('A', '2024-01-01', [10, 11, 12, 13]);

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('BacktestOptionsSchema', () => {
  it('applies defaults', () => {
    expect(parseBacktestConfig({})).toEqual(new BacktestEngine().options);
  });

  it('describes every field, for JSON Schema and --help', () => {
    const json = z.toJSONSchema(BacktestOptionsSchema, { io: 'input' }) as { properties: Record<string, { description?: string }> };
    const fields = Object.keys(BacktestOptionsSchema.shape);
    expect(Object.keys(json.properties).sort()).toEqual([...fields].sort());
    for (const field of fields) expect(json.properties[field]?.description, field).toBeTruthy();
  });

  it('lists every problem by path in one ConfigError', () => {
    const error = catchError(() =>
      parseBacktestConfig(
        {
          cash: -5,
          fill: 'tomorrow',
          commission: { kind: 'percent', rate: 2 },
          slippage: { kind: 'bps', bps: -1 },
          sizing: { kind: 'percent-of-cash', percent: 0 },
          comission: 0.001,
        },
        'run.json',
      ),
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    const configError = error as ConfigError;
    expect(configError.source).toBe('run.json');
    expect(configError.issues.map((issue) => issue.path).sort()).toEqual(
      ['comission', 'cash', 'commission.rate', 'fill', 'sizing.percent', 'slippage.bps'].sort(),
    );
    expect(configError.message).toContain('run.json');
    expect(configError.issues.find((issue) => issue.path === 'comission')?.message).toBe('unknown key "comission" — did you mean "commission"?');
  });

  // Regression: cash of 1e19 made sizing loop for ever and cash of 1e300 overflowed into an error
  // blaming an "equity curve" file; amounts beyond the limits are now refused by name.
  it('refuses amounts and quantities that cannot be counted to the cent, naming each field', () => {
    const paths = (input: unknown) => (catchError(() => parseBacktestConfig(input)) as ConfigError).issues.map((issue) => issue.path);
    expect(paths({ cash: 1e19 })).toEqual(['cash']);
    expect(paths({ cash: Number.MAX_VALUE })).toEqual(['cash']);
    expect(paths({ sizing: { kind: 'fixed-quantity', quantity: 1e308 } })).toEqual(['sizing.quantity']);
    expect(paths({ sizing: { kind: 'fixed-cash', amount: 1e14 } })).toEqual(['sizing.amount']);
    expect(paths({ commission: { kind: 'fixed', amount: 1e14, minimum: 1e14 } }).sort()).toEqual(['commission.amount', 'commission.minimum']);
    expect(paths({ commission: { kind: 'per-unit', amount: 1e13 } })).toEqual(['commission.amount']);
    expect(paths({ slippage: { kind: 'fixed', amount: 1e13 } })).toEqual(['slippage.amount']);
    const error = catchError(() => parseBacktestConfig({ cash: 1e19 })) as ConfigError;
    expect(error.issues[0]?.message).toContain('at most 1e13');
    // The limits themselves are accepted.
    expect(parseBacktestConfig({ cash: MAX_AMOUNT, sizing: { kind: 'fixed-quantity', quantity: MAX_QUANTITY } }).cash).toBe(MAX_AMOUNT);
    expect(ConfigError.isInstance(catchError(() => new BacktestEngine({ cash: 1e19 })))).toBe(true);
  });

  // Regression: a cash of 1e-300 with fractional units ran, every entry dust against the engine's
  // floor of 1e-10, and reported 0.00 % with every order rejected.
  it('refuses a starting cash below a cent, naming the field and the bound, in every entry point', () => {
    const message = 'must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust';
    for (const cash of [1e-300, 5e-11, 0.0099999, 0, -5]) {
      expect((catchError(() => parseBacktestConfig({ cash, fractional: true })) as ConfigError).issues).toEqual([{ path: 'cash', message }]);
    }
    const run = catchError(() => runBacktest({ series, strategy: scripted({}), cash: 1e-300, fractional: true })) as ConfigError;
    expect(ConfigError.isInstance(run)).toBe(true);
    expect(run.issues).toEqual([{ path: 'cash', message }]);
    expect((catchError(() => new BacktestEngine({ cash: 1e-300 })) as ConfigError).issues).toEqual([{ path: 'cash', message }]);
    expect(z.toJSONSchema(BacktestOptionsSchema.shape.cash, { io: 'input' })).toMatchObject({ minimum: 0.01, maximum: 1e13 });
    // A cent itself runs and trades: 0.01 / 2 = 0.005 units at a close of 2.
    expect(parseBacktestConfig({ cash: 0.01 }).cash).toBe(0.01);
    const cent = runBacktest({ series: flatBars('X', '2024-01-01', [2, 2, 2]), strategy: scripted({ enter: { 0: { side: 'long' } } }), cash: 0.01, fill: 'close', fractional: true });
    expect(cent.fills.map((fill) => fill.quantity)).toEqual([0.005]);
  });

  it('refuses a fixed quantity below one whole unit unless fractional: every entry would round to 0', () => {
    const message = '0.5 units round down to 0 whole units, so every entry would be rejected; give at least 1 unit, or allow fractional units';
    const parsed = catchError(() => parseBacktestConfig({ sizing: { kind: 'fixed-quantity', quantity: 0.5 } }, 'cfg.json')) as ConfigError;
    expect(ConfigError.isInstance(parsed)).toBe(true);
    expect(parsed.issues).toEqual([{ path: 'sizing.quantity', message }]);
    expect(parsed.source).toBe('cfg.json');
    const constructed = catchError(() => new BacktestEngine({ sizing: { kind: 'fixed-quantity', quantity: 0.5 } })) as ConfigError;
    expect(constructed.issues).toEqual([{ path: 'sizing.quantity', message }]);
    expect(parseBacktestConfig({ sizing: { kind: 'fixed-quantity', quantity: 0.5 }, fractional: true }).sizing).toEqual({ kind: 'fixed-quantity', quantity: 0.5 });
    expect(parseBacktestConfig({ sizing: { kind: 'fixed-quantity', quantity: 2 } }).sizing).toEqual({ kind: 'fixed-quantity', quantity: 2 });
  });

  // Regression: 2.5 units a trade traded 2 in whole units, while the summary said 2.5.
  it('refuses a fixed quantity with a fraction unless fractional: whole units would trade less than it says', () => {
    const parsed = catchError(() => parseBacktestConfig({ sizing: { kind: 'fixed-quantity', quantity: 2.5 } }, 'cfg.json')) as ConfigError;
    expect(parsed.issues).toEqual([{ path: 'sizing.quantity', message: '2.5 units is not a whole number: whole units would trade 2 of them; give a whole number of units, or allow fractional units' }]);
    expect(parseBacktestConfig({ sizing: { kind: 'fixed-quantity', quantity: 2.5 }, fractional: true }).sizing).toEqual({ kind: 'fixed-quantity', quantity: 2.5 });
  });

  it('rejects an unknown model kind', () => {
    const error = catchError(() => parseBacktestConfig({ commission: { kind: 'tiered' } })) as ConfigError;
    expect(error.issues.map((issue) => issue.path)).toEqual(['commission.kind']);
  });
});

describe('runBacktest input errors', () => {
  it('lists option, strategy and series problems together', () => {
    const bad = { ...scripted({}), id: '', warmup: -1 };
    const error = catchError(() =>
      runBacktest({ series: [series, series], strategy: bad, cash: 0, fill: 'later' as 'close' }),
    ) as ConfigError;
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.issues.map((issue) => issue.path)).toEqual(['cash', 'fill', 'strategy.id', 'strategy.warmup', 'series.1.symbol']);
  });

  it('rejects a warm-up beyond the safe integers (a class instance not built by defineStrategy)', () => {
    const huge = { ...scripted({}), warmup: 1e308 };
    const error = catchError(() => runBacktest({ series, strategy: huge })) as ConfigError;
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.issues).toEqual([{ path: 'strategy.warmup', message: 'must be a whole number of bars from 0 to 9007199254740991 (got 1e+308)' }]);
  });

  it('echoes a duplicated symbol escaped and cut, as every value in a message is', () => {
    const long = flatBars('y'.repeat(200), '2024-01-01', [10, 11]);
    const error = catchError(() => runBacktest({ series: [long, long], strategy: scripted({}) })) as ConfigError;
    expect(quoteValue('y'.repeat(200))).toMatch(/^"y+…" \(200 chars\)$/);
    // Over 64 characters, each is refused for its length too (as the data loaders refuse it).
    const tooLong = `the symbol ${quoteValue('y'.repeat(200))} is 200 characters long; a symbol has at most 64`;
    expect(error.issues).toEqual([
      { path: 'series.0.symbol', message: tooLong },
      { path: 'series.1.symbol', message: tooLong },
      { path: 'series.1.symbol', message: `symbol ${quoteValue('y'.repeat(200))} appears twice; symbols must be unique` },
    ]);
  });

  // Regression: an array of bar objects as `series` ran to an empty result, a zero close took the
  // equity to nothing, a NaN close failed as an overflow, an empty symbol ran, and no options at
  // all failed as "Cannot destructure property 'series'".
  it('refuses what is not a bar series, prices not above 0, an empty symbol and no options, by path', () => {
    const issues = (run: () => unknown) => (catchError(run) as ConfigError).issues;
    const bars = [{ time: Date.UTC(2024, 0, 1), open: 1, high: 1, low: 1, close: 1, volume: 0 }];
    expect(issues(() => runBacktest({ series: bars as never, strategy: scripted({}) }))[0]).toEqual({
      path: 'series.0',
      message: 'must be a bar series { symbol, length, time, open, high, low, close, volume } with Float64Array columns (loadMarketData of @ensemble/data makes them; an array of bar objects is not one); its symbol is undefined',
    });
    const zero = flatBars('A', '2024-01-01', [10, 0, 12]);
    expect(issues(() => runBacktest({ series: zero, strategy: scripted({}) }))).toEqual([
      { path: 'series.0.open.1', message: 'prices of A must be finite numbers above 0 (the open of bar 1 is 0); load data through @ensemble/data, which says where such a value comes from' },
    ]);
    const nan = flatBars('A', '2024-01-01', [10, 11, 12]);
    nan.close[2] = Number.NaN;
    expect(issues(() => runBacktest({ series: nan, strategy: scripted({}) }))[0]?.path).toBe('series.0.close.2');
    const unnamed = flatBars('', '2024-01-01', [10, 11]);
    expect(issues(() => runBacktest({ series: unnamed, strategy: scripted({}) }))[0]?.path).toBe('series.0.symbol');
    expect(issues(() => (runBacktest as (options?: unknown) => unknown)())).toEqual([{ path: 'options', message: "must be the backtest's options { series, strategy, cash, … }; got undefined" }]);
    // A signal strategy without shouldExit failed only when first asked to exit.
    const partial = { id: 'partial', warmup: 0, shouldEnter: () => null } as unknown as Parameters<typeof runBacktest>[0]['strategy'];
    expect(issues(() => runBacktest({ series: flatBars('A', '2024-01-01', [10, 11]), strategy: partial }))).toEqual([
      { path: 'strategy.shouldExit', message: 'must be a function (a signal strategy has shouldEnter and shouldExit); got undefined' },
    ]);
    // A warm-up given as text says so: "(got 1)" read as a refused number.
    const text = { ...scripted({}), warmup: '1' as unknown as number };
    expect(issues(() => runBacktest({ series: flatBars('A', '2024-01-01', [10, 11]), strategy: text }))).toEqual([
      { path: 'strategy.warmup', message: 'must be a whole number of bars from 0 to 9007199254740991 (got the string "1")' },
    ]);
  });

  it('rejects no series, empty series and unsorted times', () => {
    expect((catchError(() => runBacktest({ series: [], strategy: scripted({}) })) as ConfigError).issues[0]?.path).toBe('series');
    const empty = flatBars('E', '2024-01-01', []);
    expect((catchError(() => runBacktest({ series: empty, strategy: scripted({}) })) as ConfigError).issues[0]?.message).toMatch(/empty/);
    const unsorted = flatBars('U', '2024-01-01', [1, 2, 3]);
    unsorted.time[2] = unsorted.time[0] ?? 0;
    expect((catchError(() => runBacktest({ series: unsorted, strategy: scripted({}) })) as ConfigError).issues[0]?.path).toBe('series.0.time.2');
  });

  it('BacktestEngine validates options in its constructor', () => {
    expect(ConfigError.isInstance(catchError(() => new BacktestEngine({ cash: Number.NaN })))).toBe(true);
  });
});

describe('strategy failures', () => {
  it('a throwing shouldEnter becomes a StrategyError naming strategy, symbol and bar time', () => {
    const boom = new Error('division by zero');
    const strategy: Strategy = {
      id: 'fragile',
      warmup: 0,
      shouldEnter: (context) => {
        if (context.index === 2) throw boom;
        return null;
      },
      shouldExit: () => false,
    };
    const error = catchError(() => runBacktest({ series, strategy })) as StrategyError;
    expect(StrategyError.isInstance(error)).toBe(true);
    expect(error.strategyId).toBe('fragile');
    expect(error.symbol).toBe('A');
    expect(error.time).toBe(day('2024-01-03'));
    expect(error.cause).toBe(boom);
    expect(error.message).toBe('Strategy "fragile" failed on A at 2024-01-03: division by zero');
  });

  it('a throwing shouldExit and a throwing indicators() are wrapped too', () => {
    const exitBoom: Strategy = { ...scripted({ enter: { 0: { side: 'long' } } }), id: 'exit-boom', shouldExit: () => { throw new Error('nope'); } };
    expect((catchError(() => runBacktest({ series, strategy: exitBoom })) as StrategyError).time).toBe(day('2024-01-02'));
    const indicatorBoom: Strategy = { ...scripted({}), id: 'ind-boom', indicators: () => { throw new Error('bad window'); } };
    const error = catchError(() => runBacktest({ series, strategy: indicatorBoom })) as StrategyError;
    expect([error.strategyId, error.symbol, error.time]).toEqual(['ind-boom', 'A', undefined]);
  });

  it('invalid signals are strategy errors with a message saying what is wrong', () => {
    const strong = scripted({ enter: { 1: { side: 'long', strength: 2 } } }, { id: 'strong' });
    expect((catchError(() => runBacktest({ series, strategy: strong })) as StrategyError).message).toMatch(/strength 2.*0\.\.1/);
    const sideways = scripted({ enter: { 1: { side: 'up' as 'long' } } }, { id: 'sideways' });
    expect((catchError(() => runBacktest({ series, strategy: sideways })) as StrategyError).message).toMatch(/side "up"/);
    const badExit: Strategy = { ...scripted({ enter: { 0: { side: 'long' } } }), shouldExit: () => 'yes' as unknown as boolean };
    expect((catchError(() => runBacktest({ series, strategy: badExit })) as StrategyError).message).toMatch(/shouldExit returned "yes"/);
  });

  it('a throwing or invalid portfolio strategy becomes a StrategyError with the bar time', () => {
    const throwing = { ...fixedWeights({}, { kind: 'never' }), targetWeights: () => { throw new Error('singular matrix'); } };
    const error = catchError(() => runBacktest({ series, strategy: throwing })) as StrategyError;
    expect([error.strategyId, error.symbol, error.time]).toEqual(['fixed-weights', undefined, day('2024-01-01')]);
    expect(error.message).toContain('singular matrix');
    const unknown = fixedWeights({ ZZZ: 1 }, { kind: 'never' });
    expect((catchError(() => runBacktest({ series, strategy: unknown })) as StrategyError).message).toMatch(/"ZZZ".*not among/);
    const infinite = fixedWeights({ A: Number.POSITIVE_INFINITY }, { kind: 'never' });
    expect((catchError(() => runBacktest({ series, strategy: infinite })) as StrategyError).message).toMatch(/finite/);
  });
});

describe('overflow', () => {
  // A series built by hand (not through @ensemble/data, which caps prices at 1e12) whose price
  // jumps from 1 to 1e300: 1e13 units bought at 1 are worth 1e313 = Infinity at the next mark.
  it('is a RunError naming the strategy, what overflowed and the bar, never "market data"', () => {
    const jump = flatBars('J', '2024-01-01', [1, 1, 1e300, 1e300]);
    const strategy = scripted({ enter: { 0: { side: 'long' } } }, { id: 'jumper' });
    const error = catchError(() => runBacktest({ series: jump, strategy, cash: 1e13 })) as RunError;
    expect(RunError.isInstance(error)).toBe(true);
    expect(error.code).toBe('RUN_FAILED');
    expect([error.strategyId, error.time, error.what]).toEqual(['jumper', day('2024-01-03'), 'gross exposure']);
    expect(error.message).toMatch(/^The gross exposure of strategy "jumper" is Infinity at 2024-01-03 \(bar 3\): the simulation overflowed/);
    expect(error.message).not.toMatch(/market data:/i);
  });
});

describe('LedgerAudit', () => {
  it('throws an InvariantError when the recorded equity disagrees with cash + positions', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 1000 });
    account.applyFill({ symbolIndex: 0, side: 'buy', quantity: 10, price: 10, commission: 0, slippage: 0, time: 0, barIndex: 0, reason: 'entry' });
    account.mark(0, 12, 1);
    const audit = new LedgerAudit(account);
    expect(() => { audit.check(0, 1020, 900); }).not.toThrow();
    const error = catchError(() => { audit.check(day('2024-01-02'), 1020.01, 900); });
    expect(InvariantError.isInstance(error)).toBe(true);
    expect((error as InvariantError).time).toBe(day('2024-01-02'));
  });

  it('throws when cash differs from what the fills give', () => {
    const account = new Account({ strategyId: 's', symbols: ['A'], cash: 1000 });
    const audit = new LedgerAudit(account);
    account.applyFill({ symbolIndex: 0, side: 'buy', quantity: 10, price: 10, commission: 1, slippage: 0, time: 0, barIndex: 0, reason: 'entry' });
    account.mark(0, 10, 0);
    expect(() => { audit.check(0, 999, 899); }).not.toThrow();
    expect(() => { audit.check(0, 1000, 900); }).toThrow(/fills give 899/);
  });
});
