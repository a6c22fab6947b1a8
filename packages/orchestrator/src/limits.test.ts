import { ConfigError, RunError, createMemoryLogger } from '@ensemble/protocol';
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

  // Regression: a cash of 1e-300 ran, every entry dust against the engine's floor of 1e-10.
  it('cash below a cent is refused at "cash", naming the bound', () => {
    for (const cash of [1e-300, 1e-9, 0.009]) {
      const error = configError({ ...base, cash, fractional: true });
      expect(error.issues).toEqual([{ path: 'cash', message: 'must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust' }]);
    }
    expect(parseRunConfig({ ...base, cash: 0.01 }, { registry: testRegistry }).cash).toBe(0.01);
  });

  it('sizing beyond the limits is refused at its path, for the run and for one strategy', () => {
    const strategy = { id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'], sizing: { kind: 'fixed-cash', amount: 1e14 } };
    const error = configError({ ...base, sizing: { kind: 'fixed-quantity', quantity: 1e308 }, strategies: [strategy] });
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['sizing.quantity', 'strategies.0.sizing.amount']);
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

/** X doubles from 10 to 20 on the second bar, Y stays at 10: the fixture of the exposure-cap tests below. */
const capX = seriesOf('X', [
  ['2024-01-02', 10, 10, 10, 10],
  ['2024-01-03', 20, 20, 20, 20],
  ['2024-01-04', 20, 20, 20, 20],
]);
const capY = seriesOf('Y', [
  ['2024-01-02', 10, 10, 10, 10],
  ['2024-01-03', 10, 10, 10, 10],
  ['2024-01-04', 10, 10, 10, 10],
]);

describe('exposure caps together', () => {
  // X doubles from 10 to 20 on the second bar, Y stays at 10. Fixed weights 0.8 and 0.4 under a
  // leverage of 1.2, close fills, fractional: on the first bar sleeve x buys 8 X and sleeve y 4 Y
  // with 100 of cash (cash −20). On the second close X is worth 160, Y 40, equity 180: X holds
  // 88.9 % (cap 50 %: trimmed to 90, factor 0.5625) and gross exposure is 111.1 %.
  const run = (risk: Record<string, number>) =>
    runOrchestrator(
      {
        data: { dataset: 'test' },
        cash: 100,
        fill: 'close',
        fractional: true,
        allocation: { scheme: 'fixed', leverage: 1.2 },
        rebalance: { schedule: 'never' },
        risk,
        strategies: [
          { id: 'x', strategy: 'buy-and-hold', symbols: ['X'], weight: 0.8 },
          { id: 'y', strategy: 'buy-and-hold', symbols: ['Y'], weight: 0.4 },
        ],
      },
      [capX, capY],
      { registry: testRegistry },
    );
  const riskSales = (result: ReturnType<typeof run>, id: string) => result.sleeves.find((sleeve) => sleeve.id === id)?.fills.filter((fill) => fill.reason === 'risk') ?? [];

  it('a gross cap that the symbol trim already meets cuts nothing more', () => {
    // After the symbol trim: 90 + 40 = 130 of 180, 72.2 % gross, under the 100 % cap: Y keeps its 4
    // units (the gross cap measured before the symbol trim sold 0.4 of them, to 90 %).
    const result = run({ maxSymbolExposure: 0.5, maxGrossExposure: 1 });
    expect(riskSales(result, 'y')).toEqual([]);
    const x = riskSales(result, 'x');
    expect(x).toHaveLength(1);
    expect(x[0]?.quantity).toBeCloseTo(8 - 4.5, 12);
    expect(result.risk.map((event) => event.kind)).toEqual(['symbol-exposure']);
  });

  it('a gross cap still breached after the symbol trim cuts the trimmed book pro rata, to the cap', () => {
    // After the symbol trim 130 of 180 (72.2 %) against a 60 % cap: factor 108 / 130, so X keeps
    // 4.5 × 108/130 = 3.7385 units (74.77) and Y 4 × 108/130 = 3.3231 (33.23): 108 of 180 = 60 %.
    const result = run({ maxSymbolExposure: 0.5, maxGrossExposure: 0.6 });
    const x = riskSales(result, 'x');
    const y = riskSales(result, 'y');
    expect(x.reduce((sum, fill) => sum + fill.quantity, 0)).toBeCloseTo(8 - (4.5 * 108) / 130, 10);
    expect(y.reduce((sum, fill) => sum + fill.quantity, 0)).toBeCloseTo(4 - (4 * 108) / 130, 10);
    const gross = result.risk.find((event) => event.kind === 'gross-exposure');
    expect(gross?.value).toBeCloseTo(130 / 180, 12);
    expect(gross?.factor).toBeCloseTo(108 / 130, 12);
    expect(gross?.detail).toContain('(after the trims above)');
  });
});

describe('a trim that costs at least what it sells', () => {
  // One buy-and-hold sleeve, 90 X bought at 10 for a fixed commission of 5 (cash 1,000 → 95), a
  // 50 % cap, close fills, fractional. By hand:
  // - 01-03, X 10: 900 of 995 (90.45 %); the cap is 497.5, so 40.25 units are sold (402.5, for 5):
  //   49.75 X, cash 492.5.
  // - 01-04, X 10.02: 498.495 of 990.995 (50.30 %); the excess, 498.495 − 495.4975 = 2.9975, costs
  //   5 to sell: skipped (the old code sold it, 0.2992 units for 5).
  // - 01-05, X 11: 547.25 of 1,039.75 (52.63 %); the excess 547.25 − 519.875 = 27.375 is sold
  //   (2.48864 units, for 5): 47.26136 X worth 519.875, cash 514.875.
  // - 01-08, X 11: 519.875 of 1,034.75 (50.24 %); the excess 2.5 costs 5: skipped. Final 1,034.75.
  const X = seriesOf('X', [
    ['2024-01-02', 10, 10, 10, 10],
    ['2024-01-03', 10, 10, 10, 10],
    ['2024-01-04', 10.02, 10.02, 10.02, 10.02],
    ['2024-01-05', 11, 11, 11, 11],
    ['2024-01-08', 11, 11, 11, 11],
  ]);
  const run = (commission: Record<string, unknown>, logger = createMemoryLogger()) =>
    runOrchestrator(
      {
        data: { dataset: 'test' },
        cash: 1000,
        fill: 'close',
        fractional: true,
        sizing: { kind: 'fixed-quantity', quantity: 90 },
        commission,
        risk: { maxSymbolExposure: 0.5 },
        strategies: [{ id: 'x', strategy: 'buy-and-hold', symbols: ['X'] }],
      },
      [X],
      { registry: testRegistry, logger },
    );

  it('is skipped and recorded, and the cap stays exceeded by less than the costs', () => {
    const logger = createMemoryLogger();
    const result = run({ kind: 'fixed', amount: 5 }, logger);
    // The two trims close two partial trades, which the trade statistics leave out: a buy-and-hold
    // strategy made no trade.
    expect(result.sleeves[0]?.trades.map((trade) => trade.exitReason)).toEqual(['risk', 'risk']);
    expect(result.sleeves[0]?.metrics.metrics.tradeCount).toBe(0);
    expect(result.portfolio.metrics.metrics.tradeCount).toBe(0);
    const sales = result.sleeves[0]?.fills.filter((fill) => fill.reason === 'risk') ?? [];
    expect(sales.map((fill) => fill.quantity)).toEqual([expect.closeTo(40.25, 12), expect.closeTo(27.375 / 11, 12)]);
    expect(result.risk.map((event) => [event.time, event.action, event.factor])).toEqual([
      [Date.UTC(2024, 0, 3), 'trim', expect.closeTo(497.5 / 900, 12)],
      [Date.UTC(2024, 0, 4), 'skip', 1],
      [Date.UTC(2024, 0, 5), 'trim', expect.closeTo(519.875 / 547.25, 12)],
      [Date.UTC(2024, 0, 8), 'skip', 1],
    ]);
    const skip = result.risk[1];
    expect(skip?.value).toBeCloseTo(498.495 / 990.995, 12);
    expect(skip?.detail).toBe('X exposure 50.30% of equity is above the 50.00% cap on 2024-01-04: trimming its positions to 99.40% of their size would sell 3.00 for 5.00 of costs, so nothing was sold');
    expect(result.risk[3]?.value).toBeCloseTo(519.875 / 1034.75, 12);
    expect(result.finalEquity).toBeCloseTo(1034.75, 9);
    const logged = logger.records.filter((record) => record.fields.event === 'risk-trim-skipped');
    expect(logged.map((record) => [record.level, record.fields.time])).toEqual([
      // As every other event's time: the full ISO time of the bar.
      ['info', '2024-01-04T00:00:00.000Z'],
      ['info', '2024-01-08T00:00:00.000Z'],
    ]);
  });

  it('is made when its costs are less than what it sells (a percent commission)', () => {
    // 0.1 % of 2.9975 costs well below it: every close above the cap trims, as before.
    const result = run({ kind: 'percent', rate: 0.001 });
    expect(result.risk.map((event) => event.action)).toEqual(['trim', 'trim', 'trim', 'trim']);
  });
});

describe('a gross trim after a symbol trim, weighed against its costs', () => {
  // The fixture of "exposure caps together" with fixed quantities (sleeve x buys 7 X, sleeve y 3 Y
  // at 10, fixed commission c each: cash −2c) and X doubling on the second close: X 140, Y 30,
  // equity E = 170 − 2c. The 50 % cap trims X to E/2; gross is then E/2 + 30, over a cap of
  // 67.64 % by 30 − 0.1764 E = 0.012 + 0.3528c. The gross trim adds a sale to X's order, which
  // pays its commission already, and a new order for Y: it costs c. With c = 0.01 the excess is
  // 0.015528 > 0.01: trimmed (counting X's commission twice, 0.02, would have skipped it); with
  // c = 0.03 it is 0.022584 < 0.03: skipped, and Y keeps its 3 units.
  const run = (amount: number) =>
    runOrchestrator(
      {
        data: { dataset: 'test' },
        cash: 100,
        fill: 'close',
        fractional: true,
        commission: { kind: 'fixed', amount },
        allocation: { scheme: 'fixed', leverage: 1.2 },
        rebalance: { schedule: 'never' },
        risk: { maxSymbolExposure: 0.5, maxGrossExposure: 0.6764 },
        strategies: [
          { id: 'x', strategy: 'buy-and-hold', symbols: ['X'], weight: 0.8, sizing: { kind: 'fixed-quantity', quantity: 7 } },
          { id: 'y', strategy: 'buy-and-hold', symbols: ['Y'], weight: 0.4, sizing: { kind: 'fixed-quantity', quantity: 3 } },
        ],
      },
      [capX, capY],
      { registry: testRegistry },
    );
  const second = Date.UTC(2024, 0, 3);
  const onSecond = (result: ReturnType<typeof run>) => result.risk.filter((event) => event.time === second).map((event) => [event.kind, event.action]);
  const ySales = (result: ReturnType<typeof run>) => result.sleeves.find((sleeve) => sleeve.id === 'y')?.fills.filter((fill) => fill.reason === 'risk' && fill.time === second) ?? [];

  it('counts only the commission the gross trim adds', () => {
    const result = run(0.01);
    expect(onSecond(result)).toEqual([
      ['symbol-exposure', 'trim'],
      ['gross-exposure', 'trim'],
    ]);
    // Y keeps 0.6764 E / (E/2 + 30) of its 3 units, E = 169.98: it sells 0.00040511.
    expect(ySales(result).map((fill) => fill.quantity)).toEqual([expect.closeTo(0.0004051134881295493, 12)]);
  });

  it('skips it when that commission is at least what it sells', () => {
    const result = run(0.03);
    expect(onSecond(result)).toEqual([
      ['symbol-exposure', 'trim'],
      ['gross-exposure', 'skip'],
    ]);
    expect(ySales(result)).toEqual([]);
    expect(result.risk.find((event) => event.kind === 'gross-exposure')?.detail).toContain('would sell 0.02 for 0.03 of costs');
  });
});
