import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../bars';
import type { PortfolioStrategy, Strategy } from '../strategy';
import { zigzagSeries } from './fixtures.test-helpers';
import { checkStrategyContract } from './contract';
import { testStrategyContract } from './vitest';

function sma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] ?? 0;
    if (i >= period) sum -= values[i - period] ?? 0;
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

const trend: Strategy = {
  id: 'trend',
  warmup: 8,
  indicators: (series: BarSeries) => ({ sma: sma(series.close, 8) }),
  shouldEnter: (context) =>
    context.close() > context.indicator('sma') ? { side: 'long', strength: 1, stopLoss: context.close() * 0.9 } : null,
  shouldExit: (context) => ({ exit: context.close() < context.indicator('sma'), reason: 'below sma' }),
};

const equal: PortfolioStrategy = {
  kind: 'portfolio',
  id: 'equal',
  warmup: 1,
  rebalance: { kind: 'calendar', period: 'month' },
  targetWeights: (context) => Object.fromEntries(context.tradable.map((s) => [s, 1 / context.tradable.length])),
};

testStrategyContract({ create: () => trend, series: [zigzagSeries('A', 90), zigzagSeries('B', 60, 5)] });
testStrategyContract({ name: 'equal weight', create: () => equal, series: [zigzagSeries('A', 90), zigzagSeries('B', 60, 5)] });

describe('checkStrategyContract (no test runner)', () => {
  const series = [zigzagSeries('A', 90), zigzagSeries('B', 60, 5)];

  it('passes a sound strategy with every check run', () => {
    const report = checkStrategyContract({ create: () => trend, series });
    expect(report).toEqual({ name: 'trend', checks: 6, failures: [] });
  });

  it('reports a strategy that reads the next bar, naming the check and the decision', () => {
    const peeker: Strategy = {
      id: 'peeker',
      warmup: 2,
      shouldEnter: (context) => (context.history('close').buffer.byteLength > 0 && new Float64Array(context.history('close').buffer)[context.index + 1]! > context.close() ? { side: 'long' } : null),
      shouldExit: () => true,
    };
    const report = checkStrategyContract({ create: () => peeker, series });
    expect(report.failures.map((failure) => failure.title)).toEqual(['does not look ahead']);
    const message = report.failures[0]?.message ?? '';
    expect(message).toMatch(/decision\(s\) depend on later bars; the first, enter at [AB] bar \d+ \(\d{4}-\d\d-\d\d\)/);
    // The date is that bar's, read from the series the check was given.
    const [, symbol, index, date] = /enter at ([AB]) bar (\d+) \(([^)]+)\)/.exec(message) ?? [];
    const time = series.find((s) => s.symbol === symbol)?.time[Number(index)];
    expect(date).toBe(new Date(time ?? Number.NaN).toISOString().slice(0, 10));
  });

  it('blames state kept between calls on the determinism check, naming the same instance, and chance on a second instance', () => {
    const counter = (): Strategy => {
      let calls = 0;
      return { id: 'counter', warmup: 1, shouldEnter: () => (++calls % 10 === 0 ? { side: 'long' } : null), shouldExit: () => true };
    };
    const stateful = checkStrategyContract({ create: counter, series }).failures.find((failure) => failure.title === 'decides the same way twice and across instances');
    expect(stateful?.message).toMatch(/^decision at A bar \d+ \(\d{4}-\d\d-\d\d\) was .+, then .+ on a second run of the same instance \(it keeps state between calls/);
    // Shared by every instance (a module-level counter): the same instance run again differs first.
    let shared = 0;
    const global: Strategy = { id: 'global', warmup: 1, shouldEnter: () => (++shared % 7 === 0 ? { side: 'long' } : null), shouldExit: () => true };
    expect(checkStrategyContract({ create: () => global, series }).failures.find((failure) => failure.title === 'decides the same way twice and across instances')?.message).toContain('on a second run of the same instance');
    // Chance: a fresh instance draws otherwise; the same instance run twice may too.
    let seed = 1;
    const random = (): Strategy => {
      const draw = seed++;
      return { id: 'random', warmup: 1, shouldEnter: (context) => ((context.index + draw) % 5 === 0 ? { side: 'long' } : null), shouldExit: () => true };
    };
    expect(checkStrategyContract({ create: random, series }).failures.find((failure) => failure.title === 'decides the same way twice and across instances')?.message).toContain('on a second instance (state kept outside the instance');
  });

  it('names the bar, its date and the decision when a strategy throws in a check', () => {
    const thrower: Strategy = {
      id: 'thrower',
      warmup: 2,
      shouldEnter: (context) => {
        if (context.index === 5) throw new RangeError('boom');
        return context.index === 3 ? { side: 'short' } : null;
      },
      shouldExit: (context) => {
        if (context.index === 4) throw new TypeError('no exit');
        return false;
      },
    };
    const report = checkStrategyContract({ create: () => thrower, series });
    const determinism = report.failures.find((failure) => failure.title === 'decides the same way twice and across instances');
    // Bar 3 enters short, so bar 4 asks whether to exit it: the first throw.
    const date = new Date(series[0]?.time[4] ?? Number.NaN).toISOString().slice(0, 10);
    expect(determinism?.message).toBe(`threw StrategyError: Strategy "thrower" failed on A at ${date}: threw at bar 4 while deciding whether to exit a short position: no exit`);
    const portfolio: PortfolioStrategy = {
      kind: 'portfolio',
      id: 'weights-thrower',
      warmup: 1,
      rebalance: { kind: 'calendar', period: 'month' },
      targetWeights: (context) => {
        if (context.step === 2) throw new Error('no weights');
        return {};
      },
    };
    const weights = checkStrategyContract({ create: () => portfolio, series }).failures.find((failure) => failure.title === 'returns decisions that match the protocol schemas');
    const step = new Date(Math.min(series[0]?.time[2] ?? Number.NaN, series[1]?.time[2] ?? Number.NaN)).toISOString().slice(0, 10);
    expect(weights?.message).toBe(`threw StrategyError: Strategy "weights-thrower" failed at ${step}: threw at step 2 while deciding its target weights: no weights`);
  });

  it('reports, as its look-ahead check, a strategy that asks its context for a later bar on every bar', () => {
    const asker: Strategy = { id: 'asker', warmup: 2, shouldEnter: (context) => (context.close(-1) > context.close() ? { side: 'long' } : null), shouldExit: () => false };
    const failure = checkStrategyContract({ create: () => asker, series }).failures.find((entry) => entry.title === 'does not look ahead');
    expect(failure?.message).toMatch(/^\d+ decision\(s\) depend on later bars; the first, enter at A bar 1 \(\d{4}-\d\d-\d\d\), asked for a later bar \(threw LookaheadError: Strategy "asker" looks ahead: /);
  });

  it('reports a warm-up the engine refuses, 1e308 included', () => {
    const huge: Strategy = { id: 'huge', warmup: 1e308, shouldEnter: () => null, shouldExit: () => false };
    const failures = checkStrategyContract({ create: () => huge, series }).failures;
    expect(failures[0]).toEqual({
      title: 'has a non-empty id and a warm-up of 0 to 2^53 − 1 bars',
      message: 'warmup 1e+308 must be a whole number of bars from 0 to 9007199254740991, as the engine requires',
    });
  });

  it('reports a strategy that writes its input and one whose signal breaks the schema', () => {
    const writer: Strategy = {
      id: 'writer',
      warmup: 1,
      shouldEnter: (context) => {
        context.history('close')[context.index] = -7;
        return null;
      },
      shouldExit: () => false,
    };
    const failures = checkStrategyContract({ create: () => writer, series: [zigzagSeries('A', 30)] }).failures;
    // The look-ahead check cannot replay a strategy that writes its data: it says so, and where to look.
    expect(failures.find((failure) => failure.title === 'does not look ahead')?.message).toBe('could not be checked: the strategy writes to its bars (close[0] of A; see "does not mutate the input series")');
    expect(failures.find((failure) => failure.title === 'does not mutate the input series')?.message).toMatch(/^changed close\[0\] of A \(the bar of \d{4}-\d\d-\d\d\) from \d+(\.\d+)? to -7 while deciding: a strategy must not write to its bars \(a history view is the data itself\)$/);
    const bad: Strategy = { id: 'bad', warmup: 1, shouldEnter: () => ({ side: 'long', strength: 2 }), shouldExit: () => false };
    const schema = checkStrategyContract({ create: () => bad, series: [zigzagSeries('A', 30)] }).failures;
    expect(schema.map((failure) => failure.title)).toEqual(['returns decisions that match the protocol schemas']);
    expect(schema[0]?.message).toMatch(/^decision at A bar 0 \(2020-01-01\): entry signal \{"side":"long","strength":2\} does not match the protocol at strength/);
    // Regression: a Promise was checked as the object {} ("side: Invalid option"), hiding why.
    const eager: Strategy = { id: 'eager', warmup: 1, shouldEnter: () => Promise.resolve({ side: 'long' }) as never, shouldExit: () => false };
    const promised = checkStrategyContract({ create: () => eager, series: [zigzagSeries('A', 30)] }).failures;
    expect(promised.find((failure) => failure.title === 'returns decisions that match the protocol schemas')?.message).toBe(
      'threw StrategyError: Strategy "eager" failed on A at 2020-01-01: shouldEnter returned a Promise: strategy methods run synchronously, so it must return its answer itself (no async, no await)',
    );
  });
});
