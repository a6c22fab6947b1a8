import { ConfigError, RunError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { seriesOf, testRegistry } from '../test/helpers';
import { parseRunConfig } from './config';
import { runOrchestrator } from './orchestrator';

// eslint-disable-next-line no-control-regex -- the tests look for raw control characters
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function configError(input: unknown): ConfigError {
  try {
    parseRunConfig(input, { source: 'run.json', registry: testRegistry });
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const base = { data: { dataset: 'sp500' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'] }] };

describe('run config limits', () => {
  // Regression: cash 1.8e308 made sizing loop for ever; cash 1e300 overflowed into an error that
  // blamed an "equity curve" file.
  it('cash beyond 1e13 is refused at "cash"', () => {
    for (const cash of [Number.MAX_VALUE, 1e300, 1e19, 1.0000000000001e13]) {
      const error = configError({ ...base, cash });
      expect(error.issues.map((issue) => issue.path)).toEqual(['cash']);
      expect(error.issues[0]?.message).toContain('at most 1e13');
    }
    expect(parseRunConfig({ ...base, cash: 1e13 }, { registry: testRegistry }).cash).toBe(1e13);
  });

  it('sizing beyond the limits is refused at its path, for the run and for one strategy', () => {
    const strategy = { id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'], sizing: { kind: 'fixed-cash', amount: 1e14 } };
    const error = configError({ ...base, sizing: { kind: 'fixed-quantity', quantity: 1e308 }, strategies: [strategy] });
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['sizing.quantity', 'strategies.0.sizing.amount']);
  });

  // 1e300 periods a year printed CAGR "—", 1e-300 printed 0.00 %: both ran.
  it('periodsPerYear outside 1 to 31557600000 is refused at "periodsPerYear", naming the range', () => {
    for (const periodsPerYear of [1e300, 1e-300, 0, 0.5, 31_557_600_001]) {
      const error = configError({ ...base, periodsPerYear });
      expect(error.issues.map((issue) => issue.path)).toEqual(['periodsPerYear']);
      expect(error.issues[0]?.message).toBe(`must be from 1 (yearly bars) to 31557600000 (one a millisecond); 252 for daily bars, got ${String(periodsPerYear)}`);
    }
    for (const periodsPerYear of [1, 365, 31_557_600_000]) expect(parseRunConfig({ ...base, periodsPerYear }, { registry: testRegistry }).periodsPerYear).toBe(periodsPerYear);
  });

  // A leverage of 1e300 multiplied the sleeves' cash into Infinity, blamed on prices and cash.
  it('leverage beyond 100 is refused at allocation.leverage', () => {
    expect(configError({ ...base, allocation: { leverage: 1e300 } }).issues.map((issue) => issue.path)).toEqual(['allocation.leverage']);
    expect(parseRunConfig({ ...base, allocation: { leverage: 100 } }, { registry: testRegistry }).allocation.leverage).toBe(100);
  });

  // The largest values the schema allows run: a lookback of 2^53 − 1 allocated a typed array of
  // that length ("Invalid typed array length", exit 1); a maxWeight of 1e308 summed to Infinity
  // and overflowed the sleeves' cash. A lookback longer than the run is warm-up throughout, a
  // maxWeight above the target binds nowhere.
  it('a lookback of 2^53 − 1 and a maxWeight of 1e308 run as the schema allows them', () => {
    const bars = Array.from({ length: 40 }, (_, i): [string, number, number, number, number] => {
      const price = 100 + 10 * Math.sin(i / 3) + i;
      return [new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), price, price, price, price];
    });
    const other = bars.map(([date, , , , close], i): [string, number, number, number, number] => [date, close * (1 + 0.01 * (i % 5)), close * 1.05, close * 0.9, close]);
    const series = [seriesOf('AAA', bars), seriesOf('BBB', other)];
    const strategies = [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['AAA'] },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['BBB'] },
    ];
    const run = (allocation: Record<string, unknown>) =>
      runOrchestrator(parseRunConfig({ data: { dataset: 'sp500' }, allocation, rebalance: { schedule: { everyBars: 5 } }, strategies }, { registry: testRegistry }), series, { registry: testRegistry });
    const longest = run({ scheme: 'inverse-volatility', lookback: Number.MAX_SAFE_INTEGER });
    expect(longest.rebalances.every((event) => event.warmup)).toBe(true);
    expect(longest.finalEquity).toBe(run({ scheme: 'equal' }).finalEquity);
    for (const scheme of ['risk-parity', 'performance']) expect(run({ scheme, lookback: 2 ** 32 }).rebalances.every((event) => event.warmup)).toBe(true);
    const capped = run({ scheme: 'inverse-volatility', lookback: 5, maxWeight: 1e308 });
    expect(Number.isFinite(capped.finalEquity)).toBe(true);
    expect(capped.finalEquity).toBe(run({ scheme: 'inverse-volatility', lookback: 5 }).finalEquity);
    expect(capped.rebalances.some((event) => !event.warmup)).toBe(true);
  });

  it('a strategy id with ESC or NUL, or of 1 MB, is refused at strategies.N.id without echoing it', () => {
    const ids = ['a\u001b[2J\u001b]0;PWNED\u0007', 'b\u0000c', 'x'.repeat(1_048_576), 'with space', '-leading', ''];
    const error = configError({ ...base, strategies: ids.map((id) => ({ id, strategy: 'buy-and-hold', symbols: ['SP500'] })) });
    expect(error.issues.map((issue) => issue.path)).toEqual(ids.map((_, i) => `strategies.${i}.id`));
    expect(error.issues[0]?.message).toContain('1–64 letters, digits');
    expect(RAW_CONTROL.test(error.message)).toBe(false);
    expect(error.message.length).toBeLessThan(2000);
  });

  it('echoes unknown names, keys and symbols escaped and bounded', () => {
    const error = configError({
      ...base,
      ['k\u001b[2J'.repeat(1000)]: 1,
      strategies: [
        { id: 'a', strategy: `nope\u001b[31m${'z'.repeat(100_000)}`, symbols: ['SP500'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['SP500', 'SP500'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['S\u001bP'.repeat(30)] },
      ],
    });
    expect(RAW_CONTROL.test(error.message)).toBe(false);
    expect(error.message.length).toBeLessThan(3000);
    expect(error.message).toContain('unknown strategy "nope\\x1b[31mzzz');
    expect(error.message).toContain('(100,009 chars)');
    expect(error.message).toContain('duplicate id "b"');
    expect(error.issues.map((issue) => issue.path)).toContain('strategies.2.symbols.0');
  });
});

describe('overflow in a run', () => {
  // Series built by hand, past the data loaders' limits: 1e13 units bought at 1, marked at 1e300.
  const jumpBars: [string, number, number, number, number][] = [
    ['2024-01-01', 1, 1, 1, 1],
    ['2024-01-02', 1, 1, 1, 1],
    ['2024-01-03', 1e300, 1e300, 1e300, 1e300],
  ];
  const overflowMessage = /^The gross exposure of sleeve "hold" is Infinity at 2024-01-03 \(bar 3\): the simulation overflowed/;
  const holdJ = (bars: [string, number, number, number, number][]) =>
    runOrchestrator(
      { data: { dataset: 'memory' }, cash: 1e13, strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['J'] }] },
      [seriesOf('J', bars)],
      { registry: testRegistry },
    );

  it('is a RunError naming the sleeve, what overflowed and the bar', () => {
    let caught: unknown;
    try {
      holdJ(jumpBars);
    } catch (error) {
      caught = error;
    }
    expect(RunError.isInstance(caught)).toBe(true);
    const error = caught as RunError;
    expect([error.strategyId, error.what]).toEqual(['hold', 'gross exposure']);
    expect(error.message).toMatch(overflowMessage);
  });

  // Bar 3 is not a last bar here, so it is recorded by the sleeve-by-sleeve block (whose
  // finiteness tally decides whether the columns are checked), not bar by bar.
  it('is found in the steps a sleeve ran on its own', () => {
    const later: [string, number, number, number, number][] = [
      ['2024-01-04', 1, 1, 1, 1],
      ['2024-01-05', 1, 1, 1, 1],
    ];
    expect(() => holdJ([...jumpBars, ...later])).toThrow(overflowMessage);
  });
});
