import type { BarSeries, RebalanceRule, Strategy } from '@ensemble/protocol';
import { barSeriesFromBars, seriesToBars } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gbmSeries, prng, randomSignals, randomWeights } from '../test/helpers';
import { Account } from './account';
import { runBacktest } from './backtest-engine';
import type { BacktestOptions } from './backtest-engine';
import { Broker } from './broker';
import type { CommissionModel, SlippageModel } from './costs';
import { parseBacktestConfig, wholeUnitSizingProblem } from './options';
import type { BacktestResult } from './result';
import type { SizingRule } from './sizing';
import { StrategyRunner } from './strategy-runner';

/** 1–3 symbols of 15–70 seeded GBM bars; symbols after the first miss some dates. */
const seriesSet = fc
  .record({
    count: fc.integer({ min: 1, max: 3 }),
    length: fc.integer({ min: 15, max: 70 }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    volatility: fc.double({ min: 0.005, max: 0.06, noNaN: true }),
    gapProbability: fc.double({ min: 0, max: 0.4, noNaN: true }),
  })
  .map(({ count, length, seed, volatility, gapProbability }): BarSeries[] =>
    Array.from({ length: count }, (_, k) => {
      const full = gbmSeries(`S${k}`, length, seed + k * 7919, { volatility, start: 20 + 40 * k });
      if (k === 0 || gapProbability === 0) return full;
      const random = prng(seed * 31 + k);
      const kept = seriesToBars(full).filter(() => random() >= gapProbability);
      return barSeriesFromBars(full.symbol, kept.length > 0 ? kept : seriesToBars(full).slice(0, 1));
    }),
  );

const commission: fc.Arbitrary<CommissionModel> = fc.oneof(
  fc.record({ kind: fc.constant('percent' as const), rate: fc.double({ min: 0, max: 0.01, noNaN: true }) }),
  fc.record({ kind: fc.constant('per-unit' as const), amount: fc.double({ min: 0, max: 0.05, noNaN: true }) }),
  fc.record({ kind: fc.constant('fixed' as const), amount: fc.double({ min: 0, max: 3, noNaN: true }) }),
  fc.record({ kind: fc.constant('percent' as const), rate: fc.double({ min: 0, max: 0.01, noNaN: true }), minimum: fc.double({ min: 0, max: 2, noNaN: true }) }),
);

const slippage: fc.Arbitrary<SlippageModel> = fc.oneof(
  fc.record({ kind: fc.constant('bps' as const), bps: fc.double({ min: 0, max: 50, noNaN: true }) }),
  fc.record({ kind: fc.constant('fixed' as const), amount: fc.double({ min: 0, max: 0.2, noNaN: true }) }),
);

const sizing: fc.Arbitrary<SizingRule> = fc.oneof(
  fc.record({ kind: fc.constant('percent-of-cash' as const), percent: fc.double({ min: 5, max: 100, noNaN: true }) }),
  fc.record({ kind: fc.constant('percent-of-equity' as const), percent: fc.double({ min: 5, max: 100, noNaN: true }) }),
  fc.record({ kind: fc.constant('fixed-quantity' as const), quantity: fc.double({ min: 0.5, max: 200, noNaN: true }) }),
  fc.record({ kind: fc.constant('fixed-cash' as const), amount: fc.double({ min: 100, max: 30_000, noNaN: true }) }),
);

// A fixed quantity below one unit in whole units is refused as bad input (every entry would round
// to 0), so it is no configuration to run; rejections of entries sized to 0 stay reachable through
// the signal's strength.
const engineOptions = fc
  .record({
    fill: fc.constantFrom('next-open' as const, 'close' as const),
    commission,
    slippage,
    sizing,
    fractional: fc.boolean(),
    closeAtEnd: fc.boolean(),
  })
  .filter((options) => wholeUnitSizingProblem(options.sizing, options.fractional) === null);

const signalSetup = fc.record({
  series: seriesSet,
  options: engineOptions,
  strategySeed: fc.integer({ min: 1, max: 1_000_000 }),
  sides: fc.constantFrom('long', 'short', 'both'),
  stops: fc.boolean(),
  strength: fc.boolean(),
});

type SignalSetup = typeof signalSetup extends fc.Arbitrary<infer T> ? T : never;

function runSignal(setup: SignalSetup, checkInvariants = true): BacktestResult {
  const strategy = randomSignals(setup.strategySeed, {
    long: setup.sides !== 'short',
    short: setup.sides !== 'long',
    stops: setup.stops,
    strength: setup.strength,
  });
  const options: BacktestOptions = { series: setup.series, strategy, cash: 10_000, checkInvariants, ...setup.options };
  return runBacktest(options);
}

/**
 * Rebuilds the equity curve from the fills and the raw bars alone: after all fills of a step,
 * equity = cash + Σ quantity × the symbol's latest close. Independent of the engine's ledger.
 */
function replay(result: BacktestResult, series: readonly BarSeries[]): { equity: number[]; cash: number[]; gross: number[] } {
  const quantity = new Map<string, number>();
  const lastClose = new Map<string, number>();
  const cursor = new Map<string, number>(series.map((s) => [s.symbol, 0]));
  let cash = result.initialCash;
  let next = 0;
  const out = { equity: [] as number[], cash: [] as number[], gross: [] as number[] };
  for (const time of result.equity.time) {
    for (const s of series) {
      let i = cursor.get(s.symbol) ?? 0;
      while (i < s.length && (s.time[i] ?? Infinity) <= time) lastClose.set(s.symbol, s.close[i++] ?? Number.NaN);
      cursor.set(s.symbol, i);
    }
    for (; next < result.fills.length && (result.fills[next]?.time ?? Infinity) <= time; next++) {
      const fill = result.fills[next];
      if (fill === undefined) continue;
      const sign = fill.side === 'buy' ? 1 : -1;
      cash -= sign * fill.quantity * fill.price + fill.commission;
      quantity.set(fill.symbol, (quantity.get(fill.symbol) ?? 0) + sign * fill.quantity);
    }
    let equity = cash;
    let gross = 0;
    for (const [symbol, q] of quantity) {
      equity += q * (lastClose.get(symbol) ?? 0);
      gross += Math.abs(q * (lastClose.get(symbol) ?? 0));
    }
    out.equity.push(equity);
    out.cash.push(cash);
    out.gross.push(gross);
  }
  return out;
}

function expectClose(actual: number, expected: number, scale: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, scale));
}

function checkAccounting(result: BacktestResult, series: readonly BarSeries[]): void {
  const rebuilt = replay(result, series);
  expect(result.fills.every((fill, k) => k === 0 || fill.time >= (result.fills[k - 1]?.time ?? 0))).toBe(true);
  for (let t = 0; t < result.bars; t++) {
    const equity = result.equity.equity[t] ?? Number.NaN;
    const cash = result.equity.cash[t] ?? Number.NaN;
    const scale = Math.max(Math.abs(equity), Math.abs(cash), rebuilt.gross[t] ?? 0);
    expectClose(equity, rebuilt.equity[t] ?? Number.NaN, scale, `equity at step ${t}`);
    expectClose(cash, rebuilt.cash[t] ?? Number.NaN, scale, `cash at step ${t}`);
    expectClose(result.equity.grossExposure[t] ?? Number.NaN, rebuilt.gross[t] ?? Number.NaN, scale, `gross exposure at step ${t}`);
  }
  // Σ closed-trade P&L + open unrealised P&L = final equity − initial cash.
  const realised = result.trades.reduce((sum, trade) => sum + trade.pnl, 0);
  const unrealised = result.openPositions.reduce((sum, position) => sum + position.unrealizedPnl, 0);
  const turnover = result.fills.reduce((sum, fill) => sum + fill.quantity * fill.price, 0);
  expectClose(realised + unrealised, result.finalEquity - result.initialCash, result.initialCash + turnover, 'P&L identity');
  expect(result.finalEquity).toBe(result.equity.equity[result.bars - 1]);
  if (result.options.closeAtEnd) expect(result.openPositions).toEqual([]);
}

/** Every fill happens on a bar of its symbol, at a price inside that bar's range (± slippage). */
function checkFillsOnBars(result: BacktestResult, series: readonly BarSeries[]): void {
  const bySymbol = new Map(series.map((s) => [s.symbol, s]));
  const slip = result.options.slippage;
  for (const fill of result.fills) {
    const s = bySymbol.get(fill.symbol);
    expect(s).toBeDefined();
    if (s === undefined) continue;
    const i = s.time.indexOf(fill.time);
    expect(i, `fill on ${fill.symbol} at ${fill.time} has no bar`).toBeGreaterThanOrEqual(0);
    const low = s.low[i] ?? Number.NaN;
    const high = s.high[i] ?? Number.NaN;
    const [down, up] = slip.kind === 'bps' ? [low * (1 - slip.bps / 1e4), high * (1 + slip.bps / 1e4)] : [low - slip.amount, high + slip.amount];
    expect(fill.price).toBeGreaterThanOrEqual(Math.max(0, down) * (1 - 1e-12));
    expect(fill.price).toBeLessThanOrEqual(up * (1 + 1e-12));
    expect(fill.quantity).toBeGreaterThan(0);
    if (!result.options.fractional) expect(Number.isInteger(fill.quantity)).toBe(true);
  }
}

/** Cash can only go below 0 in a long-only run through an exit whose commission exceeds its proceeds. */
function checkCashNonNegative(result: BacktestResult): void {
  const exitTooSmall = result.fills.some((fill) => fill.side === 'sell' && fill.quantity * fill.price < fill.commission);
  if (exitTooSmall) return;
  for (const cash of result.equity.cash) expect(cash).toBeGreaterThanOrEqual(0);
}

describe('accounting properties of signal strategies', () => {
  it('equity = cash + Σ positions at every bar, rebuilt from fills; P&L adds up; fills are on bars', () => {
    fc.assert(
      fc.property(signalSetup, (setup) => {
        const result = runSignal(setup);
        checkAccounting(result, setup.series);
        checkFillsOnBars(result, setup.series);
      }),
      { numRuns: 150 },
    );
  });

  it('long-only runs never take cash below zero', () => {
    fc.assert(
      fc.property(signalSetup, (setup) => {
        checkCashNonNegative(runSignal({ ...setup, sides: 'long' }));
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic: two runs give byte-identical JSON', () => {
    fc.assert(
      fc.property(signalSetup, (setup) => {
        const first = JSON.stringify(runSignal(setup, false));
        const second = JSON.stringify(runSignal(setup, false));
        expect(second).toBe(first);
      }),
      { numRuns: 40 },
    );
  });
});

/**
 * A signal strategy that records what it is shown on every call (bar, time, account view,
 * position) and otherwise decides like `randomSignals`, with a warm-up of `warmup` bars.
 */
function recordingSignals(setup: SignalSetup, warmup: number, seen: unknown[]): Strategy {
  const inner = randomSignals(setup.strategySeed, {
    long: setup.sides !== 'short',
    short: setup.sides !== 'long',
    stops: setup.stops,
    strength: setup.strength,
  });
  return {
    id: inner.id,
    warmup,
    shouldEnter: (context) => {
      seen.push(['enter', context.index, context.time, context.account.cash, context.account.equity]);
      return inner.shouldEnter(context);
    },
    shouldExit: (context, position) => {
      seen.push(['exit', context.index, context.time, context.account.cash, context.account.equity, position]);
      return inner.shouldExit(context, position);
    },
  };
}

/**
 * The general path of the engine, driven by hand on one series: `step(t)` then `revalue()` per
 * step, as for a merged timeline of several symbols.
 */
function runGeneralPath(strategy: Strategy, series: BarSeries, config: SignalSetup['options']) {
  const options = parseBacktestConfig({ cash: 10_000, ...config });
  const account = new Account({ strategyId: strategy.id, symbols: [series.symbol], cash: options.cash });
  const broker = new Broker({ commission: options.commission, slippage: options.slippage, fractional: options.fractional });
  const runner = new StrategyRunner({
    strategy,
    series: [series],
    time: series.time,
    barIndex: null,
    account,
    executor: broker,
    fill: options.fill,
    sizing: options.sizing,
    fractional: options.fractional,
    closeAtEnd: options.closeAtEnd,
  });
  const equity = new Float64Array(series.length);
  const cash = new Float64Array(series.length);
  const grossExposure = new Float64Array(series.length);
  for (let t = 0; t < series.length; t++) {
    runner.step(t);
    equity[t] = runner.revalue();
    cash[t] = account.cash;
    grossExposure[t] = runner.markedGross;
  }
  runner.finish();
  return {
    equity: { time: series.time, equity, cash, grossExposure },
    fills: account.fills,
    trades: account.trades,
    openPositions: account.openPositions(),
    finalCash: account.cash,
    orders: { ...broker.stats, dropped: runner.dropped, ...(account.levelsCrossedAtEntry === 0 ? {} : { levelsCrossed: account.levelsCrossedAtEntry }) },
  };
}

describe('the single-series fast path', () => {
  it('gives exactly the results of the general step-by-step path, and shows the strategy the same', () => {
    fc.assert(
      fc.property(signalSetup, fc.integer({ min: 1, max: 8 }), fc.boolean(), (setup, warmup, checkInvariants) => {
        const series = setup.series[0];
        if (series === undefined) return;
        const seenFast: unknown[] = [];
        const seenGeneral: unknown[] = [];
        const fast = runBacktest({
          series,
          strategy: recordingSignals(setup, warmup, seenFast),
          cash: 10_000,
          checkInvariants,
          ...setup.options,
        });
        const general = runGeneralPath(recordingSignals(setup, warmup, seenGeneral), series, setup.options);
        expect(seenFast).toEqual(seenGeneral);
        expect(fast.equity).toEqual(general.equity);
        expect(fast.fills).toEqual(general.fills);
        expect(fast.trades).toEqual(general.trades);
        expect(fast.openPositions).toEqual(general.openPositions);
        expect(fast.finalCash).toBe(general.finalCash);
        expect(fast.orders).toEqual(general.orders);
      }),
      { numRuns: 300 },
    );
  });
});

const rebalanceRule: fc.Arbitrary<RebalanceRule> = fc.oneof(
  fc.constant<RebalanceRule>({ kind: 'never' }),
  fc.integer({ min: 1, max: 6 }).map((every): RebalanceRule => ({ kind: 'bars', every })),
  fc.constantFrom<RebalanceRule>({ kind: 'calendar', period: 'week' }, { kind: 'calendar', period: 'month' }),
);

const portfolioSetup = fc.record({
  series: seriesSet,
  options: engineOptions,
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  allowShort: fc.boolean(),
  rebalance: rebalanceRule,
});

describe('accounting properties of portfolio strategies', () => {
  it('equity = cash + Σ positions at every bar; P&L adds up; long-only cash ≥ 0; deterministic', () => {
    fc.assert(
      fc.property(portfolioSetup, (setup) => {
        const options: BacktestOptions = {
          series: setup.series,
          strategy: randomWeights(setup.seed, setup.allowShort, setup.rebalance),
          cash: 10_000,
          checkInvariants: true,
          ...setup.options,
        };
        const result = runBacktest(options);
        checkAccounting(result, setup.series);
        checkFillsOnBars(result, setup.series);
        if (!setup.allowShort) checkCashNonNegative(result);
        expect(JSON.stringify(runBacktest(options))).toBe(JSON.stringify(result));
      }),
      { numRuns: 120 },
    );
  });
});
