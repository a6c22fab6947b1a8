import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '@ensemble/orchestrator';
import { ConfigError } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { parseBacktestRunConfig } from './backtest-config';

// A sweep's jobs and its best-config.json hold parsed configs, which are parsed again where they
// run: a parser must take its own output and give it back unchanged (a check that refused a
// default the parse filled in failed every sweep over a portfolio strategy).

const SIGNAL = ['buy-and-hold', 'sma-crossover', 'rsi-mean-reversion', 'donchian-breakout'] as const;
const PORTFOLIO = ['equal-weight', 'inverse-volatility'] as const;
const SYMBOLS = ['AAPL', 'MSFT', 'IBM'] as const;

const sizing = fc.option(
  fc.oneof(
    fc.record({ kind: fc.constant('percent-of-cash'), percent: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ kind: fc.constant('percent-of-equity'), percent: fc.integer({ min: 1, max: 100 }) }),
    fc.record({ kind: fc.constant('fixed-quantity'), quantity: fc.integer({ min: 1, max: 50 }) }),
    fc.record({ kind: fc.constant('fixed-cash'), amount: fc.integer({ min: 100, max: 10_000 }) }),
  ),
  { nil: undefined },
);
const commission = fc.option(fc.record({ kind: fc.constant('percent'), rate: fc.constantFrom(0, 0.0005, 0.001) }), { nil: undefined });
const schedule = fc.constantFrom('never', 'week', 'month', 'quarter', 'year', { everyBars: 21 });
const symbols = fc.subarray([...SYMBOLS], { minLength: 1 });
const optional = <T>(key: string, arbitrary: fc.Arbitrary<T | undefined>): fc.Arbitrary<Record<string, T>> =>
  arbitrary.map((value) => (value === undefined ? {} : { [key]: value }));

/** Parses `input` (a config), or null when it is not a valid one (the generators draw a few). */
function parsedOrNull<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch (error) {
    if (ConfigError.isInstance(error)) return null;
    throw error;
  }
}

describe('a parsed config parses again to itself', () => {
  it('run configs, both modes, every scheme', () => {
    let valid = 0;
    const entry = (mode: 'sleeves' | 'shared', k: number) =>
      fc
        .tuple(fc.constantFrom(...(mode === 'shared' ? SIGNAL : [...SIGNAL, ...PORTFOLIO])), symbols, optional('sizing', sizing), fc.double({ min: 0.05, max: 0.3, noNaN: true }))
        .map(([strategy, traded, extra, weight]) => ({ id: `s${String(k)}`, strategy, symbols: traded, weight, ...(PORTFOLIO.includes(strategy as (typeof PORTFOLIO)[number]) ? {} : extra) }));
    const config = fc.constantFrom('sleeves' as const, 'shared' as const).chain((mode) =>
      fc.record({
        mode: fc.constant(mode),
        scheme: fc.constantFrom('equal', 'fixed', 'inverse-volatility', 'risk-parity', 'performance'),
        strategies: fc.tuple(entry(mode, 0), entry(mode, 1), entry(mode, 2)).chain((all) => fc.integer({ min: 1, max: 3 }).map((n) => all.slice(0, n))),
        schedule,
        fill: fc.constantFrom('next-open', 'close'),
        fractional: fc.boolean(),
        commission,
        sizing,
      }),
    );
    fc.assert(
      fc.property(config, (drawn) => {
        const input = {
          data: { dataset: 'stocks5' },
          mode: drawn.mode,
          allocation: { scheme: drawn.scheme },
          rebalance: { schedule: drawn.schedule },
          fill: drawn.fill,
          fractional: drawn.fractional,
          ...(drawn.commission === undefined ? {} : { commission: drawn.commission }),
          ...(drawn.sizing === undefined ? {} : { sizing: drawn.sizing }),
          strategies: drawn.strategies.map(({ weight, ...rest }) => (drawn.scheme === 'fixed' ? { ...rest, weight } : rest)),
        };
        const once = parsedOrNull(() => parseRunConfig(input, { registry: strategyRegistry }));
        if (once === null) return;
        valid++;
        expect(parseRunConfig(JSON.parse(JSON.stringify(once)) as unknown, { registry: strategyRegistry })).toEqual(once);
      }),
      { numRuns: 150 },
    );
    expect(valid).toBeGreaterThan(100);
  });

  it('backtest configs of every built-in strategy', () => {
    let valid = 0;
    const config = fc.record({
      strategy: fc.constantFrom(...SIGNAL, ...PORTFOLIO),
      sizing,
      rebalance: fc.option(fc.constantFrom({ kind: 'calendar', period: 'month' }, { kind: 'bars', every: 10 }), { nil: undefined }),
      commission,
      fractional: fc.boolean(),
      symbols: fc.option(symbols, { nil: undefined }),
    });
    fc.assert(
      fc.property(config, (drawn) => {
        const portfolio = PORTFOLIO.includes(drawn.strategy as (typeof PORTFOLIO)[number]);
        const input = {
          data: { dataset: 'stocks5' },
          strategy: drawn.strategy,
          fractional: drawn.fractional,
          ...(drawn.symbols === undefined ? {} : { symbols: drawn.symbols }),
          ...(drawn.commission === undefined ? {} : { commission: drawn.commission }),
          // What the flags allow: a sizing rule for a signal strategy, an engine schedule for a portfolio one.
          ...(portfolio || drawn.sizing === undefined ? {} : { sizing: drawn.sizing }),
          ...(!portfolio || drawn.rebalance === undefined ? {} : { rebalance: drawn.rebalance }),
        };
        const once = parsedOrNull(() => parseBacktestRunConfig(input, strategyRegistry));
        if (once === null) return;
        valid++;
        expect(parseBacktestRunConfig(JSON.parse(JSON.stringify(once)) as unknown, strategyRegistry)).toEqual(once);
      }),
      { numRuns: 150 },
    );
    expect(valid).toBeGreaterThan(100);
  });
});
