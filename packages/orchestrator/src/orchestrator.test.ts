import type { BarSeries } from '@ensemble/protocol';
import { ConfigError, StrategyError, createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { day, seriesOf, testRegistry, walkSeries } from '../test/helpers';
import type { RunConfigInput } from './config';
import { StrategyOrchestrator, runOrchestrator } from './orchestrator';
import { investedShare } from './index';

/** Five daily bars of X: every open is 50 (then 52, 53) so the crossed fill is easy to check. */
const X = seriesOf('X', [
  ['2021-01-04', 50, 50, 50, 50],
  ['2021-01-05', 50, 50, 50, 50],
  ['2021-01-06', 50, 51, 50, 51],
  ['2021-01-07', 52, 52, 52, 52],
  ['2021-01-08', 53, 53, 53, 53],
]);

function crossingConfig(crossing: boolean): RunConfigInput {
  return {
    data: { dataset: 'test' },
    cash: 100_000,
    commission: { kind: 'percent', rate: 0.001 },
    slippage: { kind: 'bps', bps: 10 },
    crossing,
    allocation: { scheme: 'fixed' },
    rebalance: { schedule: 'never' },
    checkInvariants: true,
    strategies: [
      // Decides on bar 1, buys 100 at the bar-2 open.
      { id: 'buyer', strategy: 'scripted', params: { enterAt: [1] }, symbols: ['X'], weight: 0.5, sizing: { kind: 'fixed-quantity', quantity: 100 } },
      // Buys 60 at the bar-1 open, decides to exit on bar 1: sells 60 at the bar-2 open.
      { id: 'seller', strategy: 'scripted', params: { enterAt: [0], exitAt: [1] }, symbols: ['X'], weight: 0.5, sizing: { kind: 'fixed-quantity', quantity: 60 } },
    ],
  };
}

describe('internal crossing (sleeves mode)', () => {
  it('crosses opposite orders: virtual fills at the open, only the net pays slippage and commission', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(crossingConfig(true), [X], { registry: testRegistry, logger });
    const [buyer, seller] = result.sleeves;
    // Bar-2 open 50. Buyer 100 vs seller 60: 60 crossed, 40 bought in the market at
    // 50 × 1.001 = 50.05: slippage 0.05 × 40 = 2, commission 0.001 × 40 × 50.05 = 2.002.
    // The buyer (the whole net side) pays both: price 50 + 2 / 100 = 50.02, commission 2.002.
    const buy = buyer?.fills[0];
    expect(buy).toMatchObject({ side: 'buy', quantity: 100, time: day('2021-01-06'), reason: 'entry' });
    expect(buy?.price).toBeCloseTo(50.02, 12);
    expect(buy?.commission).toBeCloseTo(2.002, 12);
    expect(buy?.slippage).toBeCloseTo(2, 12);
    // The seller (fully crossed) sells at the reference price without costs.
    const sell = seller?.fills[1];
    expect(sell).toMatchObject({ side: 'sell', quantity: 60, price: 50, commission: 0, slippage: 0, reason: 'exit' });
    // Alone, the buyer would pay 100 × 50.05 + 5.005 and the seller receive 60 × 49.95 − 2.997:
    // commission saved 5.005 + 2.997 − 2.002 = 6, slippage 5 + 3 − 2 = 6, turnover (100 + 60 − 40) × 50 = 6000.
    expect(result.crossing.crossedQuantity).toBe(60);
    expect(result.crossing.crossings).toBe(1);
    expect(result.crossing.savedTurnover).toBeCloseTo(6000, 9);
    expect(result.crossing.savedCommission).toBeCloseTo(6, 9);
    expect(result.crossing.savedSlippage).toBeCloseTo(6, 9);
    // Seller's round trip: bought 60 at 50.05 (+3.003 commission) on bar 1, sold at 50: pnl = −3 − 3.003.
    expect(seller?.trades[0]?.pnl).toBeCloseTo(-6.003, 9);
    // Buyer's cash: 50,000 − (100 × 50.02 + 2.002) = 44,995.998.
    expect(buyer?.equity.cash[2]).toBeCloseTo(44_995.998, 9);
    const crossed = logger.records.find((record) => record.fields.event === 'orders-crossed');
    expect(crossed?.fields).toMatchObject({ symbol: 'X', bought: 100, sold: 60, crossed: 60, net: 40, netSide: 'buy', component: 'orchestrator', module: 'broker' });
  });

  it('changes only costs, never positions, compared with trading alone', () => {
    const crossed = runOrchestrator(crossingConfig(true), [X], { registry: testRegistry });
    const alone = runOrchestrator(crossingConfig(false), [X], { registry: testRegistry });
    expect(alone.crossing.crossings).toBe(0);
    expect(alone.sleeves[0]?.fills[0]?.price).toBeCloseTo(50.05, 12);
    expect(alone.sleeves[0]?.fills[0]?.commission).toBeCloseTo(5.005, 12);
    expect(alone.sleeves[1]?.fills[1]?.price).toBeCloseTo(49.95, 12);
    for (let s = 0; s < 2; s++) {
      const a = crossed.sleeves[s];
      const b = alone.sleeves[s];
      expect(a?.fills.map((fill) => [fill.side, fill.quantity, fill.time])).toEqual(b?.fills.map((fill) => [fill.side, fill.quantity, fill.time]));
      const costs = (fills: readonly { commission: number; slippage: number }[]) => fills.reduce((sum, fill) => sum + fill.commission + fill.slippage, 0);
      const saved = costs(b?.fills ?? []) - costs(a?.fills ?? []);
      expect(saved).toBeGreaterThanOrEqual(0);
      expect((a?.finalEquity ?? 0) - (b?.finalEquity ?? 0)).toBeCloseTo(saved, 9);
    }
    expect(crossed.finalEquity - alone.finalEquity).toBeCloseTo(crossed.crossing.savedCommission + crossed.crossing.savedSlippage, 9);
  });
});

/** 60 daily bars from 2020-01-01 (31 in January, then February). */
const WALK = walkSeries('W', 60, 7);

function errorConfig(errorPolicy: 'isolate' | 'fail'): RunConfigInput {
  return {
    data: { dataset: 'test' },
    errorPolicy,
    fractional: true,
    rebalance: { schedule: 'month' },
    checkInvariants: true,
    strategies: [
      { id: 'good', strategy: 'buy-and-hold', symbols: ['W'] },
      { id: 'bad', strategy: 'throwing', params: { at: 5 }, symbols: ['W'] },
    ],
  };
}

describe('error policy', () => {
  it('isolate: closes the sleeve out at the next fill, disables it, and frees its capital at the next rebalance', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(errorConfig('isolate'), [WALK], { registry: testRegistry, logger });
    const time5 = WALK.time[5] ?? 0;
    expect(result.isolated).toEqual([{ strategyId: 'bad', symbol: 'W', time: time5, message: expect.stringContaining('boom on bar 5') as string }]);
    const bad = result.sleeves[1];
    expect(bad?.isolated).toBe(true);
    expect(bad?.error).toContain('boom on bar 5');
    // Entered at the bar-1 open, closed out at the bar-6 open, nothing after.
    expect(bad?.fills.map((fill) => [fill.reason, fill.time, fill.price])).toEqual([
      ['entry', WALK.time[1], WALK.open[1]],
      ['isolate', WALK.time[6], WALK.open[6]],
    ]);
    // Its cash stays in the sleeve until the February rebalance gives it all to "good" (decided
    // at the close, moved at the next open with next-open fills).
    const february = result.rebalances.find((event) => event.time === day('2020-02-01'));
    expect(february?.targetWeights).toEqual({ good: 1, bad: 0 });
    expect(february?.transfers.bad).toBeCloseTo(-(bad?.equity.equity[30] ?? 0), 6);
    const step = result.portfolio.equity.time.indexOf(day('2020-02-01'));
    expect(bad?.equity.equity[step + 1]).toBe(0);
    expect(bad?.equity.equity[step]).toBeGreaterThan(0);
    const event = logger.records.find((record) => record.fields.event === 'strategy-isolated');
    expect(event?.level).toBe('error');
    expect(event?.fields).toMatchObject({ component: 'orchestrator', strategy: 'bad', symbol: 'W' });
    expect(StrategyError.isInstance(event?.fields.err)).toBe(true);
  });

  it('fail: stops the run with a StrategyError naming the strategy, the symbol and the bar', () => {
    const orchestrator = new StrategyOrchestrator(errorConfig('fail'), { registry: testRegistry });
    let caught: unknown;
    try {
      orchestrator.run([WALK]);
    } catch (error) {
      caught = error;
    }
    expect(StrategyError.isInstance(caught)).toBe(true);
    const error = caught as StrategyError;
    expect(error.strategyId).toBe('bad');
    expect(error.symbol).toBe('W');
    expect(error.time).toBe(WALK.time[5]);
    expect(error.message).toContain('Strategy "bad" failed on W at 2020-01-06: boom on bar 5');
  });
});

describe('risk limits', () => {
  it('trims a symbol above its cap pro rata across sleeves at the next fill', () => {
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        fractional: true,
        rebalance: { schedule: 'never' },
        risk: { maxSymbolExposure: 0.5 },
        strategies: [
          { id: 'a', strategy: 'buy-and-hold', symbols: ['W'] },
          { id: 'b', strategy: 'buy-and-hold', symbols: ['W'] },
        ],
      },
      [WALK],
      { registry: testRegistry },
    );
    // Both sleeves buy with all their cash at the bar-1 open; at the bar-1 close W is ~100% of equity.
    const breach = result.risk[0];
    expect(breach).toMatchObject({ kind: 'symbol-exposure', symbol: 'W', action: 'trim', limit: 0.5, time: WALK.time[1] });
    const factor = breach?.factor ?? 0;
    expect(breach?.value).toBeCloseTo(0.5 / factor, 12);
    for (const sleeve of result.sleeves) {
      const [entry, trim] = sleeve.fills;
      expect(trim).toMatchObject({ side: 'sell', reason: 'risk', time: WALK.time[2] });
      expect(trim?.quantity).toBeCloseTo((entry?.quantity ?? 0) * (1 - factor), 9);
    }
    // After the trim W is at most half the portfolio (up to the move of one bar).
    const step = 2;
    const exposure = (result.portfolio.equity.grossExposure[step] ?? 0) / (result.portfolio.equity.equity[step] ?? 1);
    expect(exposure).toBeLessThan(0.56);
  });

  it('trims only the net side of a symbol held long and short by different sleeves, to the cap (by hand)', () => {
    // A at 100 throughout. L (0.9 of 100,000) buys 900 A, S (0.1) shorts 100 A: net 80,000, 80% of
    // equity against a cap of 50%. The excess, 30,000, comes out of the longs' 90,000: they keep
    // 2/3 (L sells 300 → 600 A), and the net is 50,000. Cutting the longs to 50/80 of themselves
    // (selling 337.5) would leave a net of 46.25%.
    const flat = seriesOf('A', Array.from({ length: 6 }, (_, i) => [`2024-01-0${String(i + 1)}`, 100, 100, 100, 100] as const));
    for (const maxSymbol of [true, false]) {
      const result = runOrchestrator(
        {
          data: { dataset: 'test' },
          fill: 'close',
          fractional: true,
          checkInvariants: true,
          allocation: { scheme: 'fixed' },
          rebalance: { schedule: 'never' },
          risk: maxSymbol ? { maxSymbolExposure: 0.5 } : { maxNetExposure: 0.5 },
          strategies: [
            { id: 'L', strategy: 'scripted', params: { enterAt: [1] }, symbols: ['A'], weight: 0.9 },
            { id: 'S', strategy: 'scripted', params: { enterAt: [1], side: 'short' }, symbols: ['A'], weight: 0.1 },
          ],
        },
        [flat],
        { registry: testRegistry },
      );
      const trim = result.risk[0];
      expect(trim).toMatchObject({ kind: maxSymbol ? 'symbol-exposure' : 'net-exposure', action: 'trim' });
      expect(trim?.value).toBeCloseTo(0.8, 12);
      expect(trim?.factor).toBeCloseTo(2 / 3, 12);
      // The factor is a share of each position's size, not an exposure (which is the cap's 50%).
      expect(trim?.detail).toMatch(
        maxSymbol
          ? /^A exposure 80\.00% of equity is above the 50\.00% cap on 2024-01-0\d: its positions trimmed to 66\.67% of their size$/
          : /^net exposure 80\.00% of equity is above the 50\.00% cap on 2024-01-0\d: long positions trimmed to 66\.67% of their size$/,
      );
      const sold = result.sleeves[0]?.fills.find((fill) => fill.reason === 'risk');
      expect(sold).toMatchObject({ side: 'sell' });
      expect(sold?.quantity).toBeCloseTo(300, 9);
      expect(result.sleeves[1]?.fills.some((fill) => fill.reason === 'risk')).toBe(false);
      // L holds 600 A and S is short 100: the portfolio's exposure to A (netted) is 50,000.
      const held = (result.sleeves[0]?.fills ?? []).reduce((units, fill) => units + (fill.side === 'buy' ? fill.quantity : -fill.quantity), 0);
      expect(held).toBeCloseTo(600, 9);
      expect(result.portfolio.equity.grossExposure[result.bars - 1]).toBeCloseTo(50_000, 6);
      expect(result.risk).toHaveLength(1);
    }
  });

  it('drawdown stop "flatten" closes everything at the next fill and halts trading', () => {
    // A steady fall of 2% a bar: the 10% stop trips on the bar where the drawdown first reaches 10%.
    const closes = Array.from({ length: 30 }, (_, i) => 100 * 0.98 ** i);
    const falling = seriesOf(
      'F',
      closes.map((close, i) => [new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString().slice(0, 10), close, close, close, close] as const),
    );
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        fractional: true,
        rebalance: { schedule: 'never' },
        risk: { maxDrawdown: { limit: 0.1 } },
        strategies: [{ id: 'long', strategy: 'buy-and-hold', symbols: ['F'] }],
      },
      [falling],
      { registry: testRegistry },
    );
    expect(result.risk).toHaveLength(1);
    const stop = result.risk[0];
    expect(stop).toMatchObject({ kind: 'drawdown', action: 'flatten', limit: 0.1 });
    expect(stop?.value).toBeGreaterThanOrEqual(0.1);
    expect(result.halted).toEqual({ time: stop?.time, reason: 'drawdown' });
    const fills = result.sleeves[0]?.fills ?? [];
    expect(fills.at(-1)?.reason).toBe('risk');
    expect(fills.at(-1)?.time).toBeGreaterThan(stop?.time ?? 0);
    const last = result.bars - 1;
    expect(result.portfolio.equity.grossExposure[last]).toBe(0);
    expect(result.sleeves[0]?.droppedOrders).toBe(0);
  });

  it('drawdown stop "scale-down" halves every position once', () => {
    const closes = Array.from({ length: 20 }, (_, i) => 100 * 0.97 ** i);
    const falling = seriesOf(
      'F',
      closes.map((close, i) => [new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString().slice(0, 10), close, close, close, close] as const),
    );
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        fractional: true,
        rebalance: { schedule: 'never' },
        risk: { maxDrawdown: { limit: 0.05, action: 'scale-down', scale: 0.5 } },
        strategies: [{ id: 'long', strategy: 'buy-and-hold', symbols: ['F'] }],
      },
      [falling],
      { registry: testRegistry },
    );
    expect(result.risk.map((event) => event.action)).toEqual(['scale-down']);
    const [entry, cut] = result.sleeves[0]?.fills ?? [];
    expect(cut?.reason).toBe('risk');
    expect(cut?.quantity).toBeCloseTo((entry?.quantity ?? 0) / 2, 9);
    expect(result.halted).toBeNull();
  });
});

describe('shared mode', () => {
  it('withdraws a wish whose entry the shadow could not fill, before the shared account trades on it', () => {
    // One strategy enters A (flat at 100) and B (50, then 60 on the last bar) on bar 1. With 100%
    // of cash per entry its shadow spends everything on A, and B's entry is rejected: alone, the
    // strategy never holds B (and, flat there, is asked again whether to enter, and says no). The
    // shared account used to buy B with the signal and sell it a bar later; now it never holds
    // it. With 50% per entry the shadow holds both, and so does the shared account: 500 A and
    // 1,000 B (equal slots of 50,000), worth 110,000 at the end.
    const rows = (symbol: string, closes: readonly number[]) => seriesOf(symbol, closes.map((close, i) => [`2024-01-0${String(i + 1)}`, close, close, close, close] as const));
    const a = rows('A', [100, 100, 100, 100, 100, 100]);
    const b = rows('B', [50, 50, 50, 50, 50, 60]);
    for (const fill of ['close', 'next-open'] as const) {
      const run = (percent: number) =>
        runOrchestrator(
          {
            data: { dataset: 'test' },
            mode: 'shared',
            fill,
            sizing: { kind: 'percent-of-cash', percent },
            rebalance: { schedule: 'never' },
            checkInvariants: true,
            strategies: [{ id: 'L', strategy: 'scripted', params: { enterAt: [1] }, symbols: ['A', 'B'] }],
          },
          [a, b],
          { registry: testRegistry },
        );
      const all = run(100);
      expect(all.sleeves[0]?.openPositions.map((position) => position.symbol)).toEqual(['A']);
      expect(all.portfolio.fills.map((f) => [f.symbol, f.side, f.quantity])).toEqual([['A', 'buy', 500]]);
      expect(all.finalEquity).toBe(100_000);
      const half = run(50);
      expect(half.sleeves[0]?.openPositions.map((position) => position.symbol)).toEqual(['A', 'B']);
      expect(half.portfolio.fills.map((f) => [f.symbol, f.side, f.quantity])).toEqual([
        ['A', 'buy', 500],
        ['B', 'buy', 1000],
      ]);
      expect(half.finalEquity).toBe(110_000);
    }
  });

  it("invests the target weights' sum: a cash buffer, or fixed weights summing below 1, stay in cash (by hand)", () => {
    const series = seriesOf('A', [
      ['2024-01-01', 100, 100, 100, 100],
      ['2024-01-02', 110, 120, 100, 120],
      ['2024-01-03', 120, 130, 110, 125],
      ['2024-01-04', 100, 110, 90, 100],
    ]);
    const run = (allocation: RunConfigInput['allocation'], weights?: readonly [number, number]) =>
      runOrchestrator(
        {
          data: { dataset: 'test' },
          mode: 'shared',
          fractional: true,
          allocation,
          rebalance: { schedule: 'never' },
          checkInvariants: true,
          strategies: [
            { id: 'a', strategy: 'buy-and-hold', symbols: ['A'], ...(weights === undefined ? {} : { weight: weights[0] }) },
            { id: 'b', strategy: 'buy-and-hold', symbols: ['A'], ...(weights === undefined ? {} : { weight: weights[1] }) },
          ],
        },
        [series],
        { registry: testRegistry },
      );
    // Both strategies want A long at the first close (100). The shared account's order is sized
    // there: target 1 × half of 100,000 / 1 symbol / 100 = 500 units, bought at the next open
    // (110: 55,000) and worth 50,000 at the last close, beside 45,000 of cash: 95,000. The shadows
    // hold their 25,000 (or 20,000 and 30,000), as before.
    for (const result of [run({ scheme: 'equal', cashBuffer: 0.5 }), run({ scheme: 'fixed' }, [0.2, 0.3])]) {
      expect(result.portfolio.fills.map((fill) => [fill.side, fill.quantity, fill.price])).toEqual([['buy', 500, 110]]);
      expect(result.finalEquity).toBeCloseTo(95_000, 9);
    }
    // Weights that fill the portfolio, summed with rounding, are 1: ten of 0.1 sum to 0.9999999999999999.
    expect(Array.from({ length: 10 }, () => 0.1).reduce((sum, weight) => sum + weight, 0)).toBeLessThan(1);
    expect(investedShare(Array.from({ length: 10 }, () => 0.1))).toBe(1);
    expect(investedShare([0.2, 0.3])).toBe(0.5);
    // The weights summing to 1, the whole slot: 1,000 units, shrunk to the 100,000 / 110 the cash pays.
    const full = run({ scheme: 'equal' });
    expect(full.portfolio.fills[0]?.quantity).toBeCloseTo(100_000 / 110, 9);
    expect(full.finalEquity).toBeCloseTo((100_000 / 110) * 100, 9);
  });

  const flat = seriesOf('S', [
    ['2021-01-04', 10, 10, 10, 10],
    ['2021-01-05', 10, 10, 10, 10],
    ['2021-01-06', 10, 10, 10, 10],
    ['2021-01-07', 10, 10, 10, 10],
    ['2021-01-08', 12, 12, 12, 12],
  ]);

  it('vote: one account follows the majority; every disagreement is recorded', () => {
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        mode: 'shared',
        conflictPolicy: 'vote',
        fractional: true,
        rebalance: { schedule: 'never' },
        strategies: [
          { id: 'early', strategy: 'scripted', params: { enterAt: [1] }, symbols: ['S'] },
          { id: 'late', strategy: 'scripted', params: { enterAt: [2] }, symbols: ['S'] },
          { id: 'never', strategy: 'scripted', params: {}, symbols: ['S'] },
        ],
      },
      [flat],
      { registry: testRegistry },
    );
    // Bar 1: early long, late and never flat → flat wins 2–1. Bar 2: early and late long → long 2–1.
    expect(result.conflicts.map((conflict) => [conflict.time, conflict.outcome.direction])).toEqual([
      [day('2021-01-05'), 'flat'],
      [day('2021-01-06'), 'long'],
    ]);
    expect(result.conflicts[1]?.inputs).toEqual([
      { strategyId: 'early', direction: 'long', strength: 1 },
      { strategyId: 'late', direction: 'long', strength: 1 },
      { strategyId: 'never', direction: 'flat', strength: 0 },
    ]);
    // The shared account buys its one symbol's whole slot, equity / 1 symbol / 10 = 10,000 units,
    // at the bar-3 open, and gains 2 × 10,000 on the last bar.
    expect(result.portfolio.fills.map((fill) => [fill.strategyId, fill.side, fill.quantity, fill.time, fill.reason])).toEqual([
      ['shared', 'buy', 10_000, day('2021-01-07'), 'entry'],
    ]);
    expect(result.finalEquity).toBeCloseTo(120_000, 9);
    // Per-strategy figures are shadow sleeves on a third of the capital each.
    expect(result.sleeves.every((sleeve) => sleeve.shadow)).toBe(true);
    expect(result.sleeves[0]?.fills[0]?.quantity).toBeCloseTo(100_000 / 3 / 10, 9);
    expect(result.sleeves[2]?.fills).toEqual([]);
    expect(result.crossing.enabled).toBe(false);
  });

  it('priority: the highest-priority non-flat signal wins at once', () => {
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        mode: 'shared',
        conflictPolicy: 'priority',
        fractional: true,
        rebalance: { schedule: 'never' },
        strategies: [
          { id: 'low', strategy: 'scripted', params: { enterAt: [1], side: 'short' }, symbols: ['S'], priority: 1 },
          { id: 'high', strategy: 'scripted', params: { enterAt: [2] }, symbols: ['S'], priority: 5 },
        ],
      },
      [flat],
      { registry: testRegistry },
    );
    expect(result.conflicts.map((conflict) => [conflict.outcome.direction, conflict.outcome.winner])).toEqual([
      ['short', 'low'],
      ['long', 'high'],
    ]);
    // Short 10,000 at the bar-2 open (10), covered and flipped long at the bar-3 open: 10,000 + 10,000 bought.
    expect(result.portfolio.fills.map((fill) => [fill.side, fill.quantity, fill.time])).toEqual([
      ['sell', 10_000, day('2021-01-06')],
      ['buy', 20_000, day('2021-01-07')],
    ]);
  });
});

describe('configuration and data errors', () => {
  it('names strategy symbols missing from the data before running', () => {
    const config: RunConfigInput = {
      data: { dataset: 'test' },
      benchmark: 'SPY',
      strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['W', 'QQQ'] }],
    };
    let caught: unknown;
    try {
      runOrchestrator(config, [WALK], { registry: testRegistry });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    expect((caught as ConfigError).issues.map((issue) => issue.path)).toEqual(['strategies.0.symbols.1', 'benchmark']);
  });

  it('refuses a lookback under "equal" without a custom allocation function, and hands it to one as its window', () => {
    const config: RunConfigInput = {
      data: { dataset: 'test' },
      allocation: { lookback: 5, minHistory: 8 },
      rebalance: { schedule: { everyBars: 10 } },
      strategies: [
        { id: 'a', strategy: 'buy-and-hold', symbols: ['W'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['W'] },
      ],
    };
    expect(() => new StrategyOrchestrator(config, { registry: testRegistry })).toThrow(/allocation\.lookback[\s\S]*allocation\.minHistory/);
    const seen: { length: number; width: number }[] = [];
    runOrchestrator(config, [WALK], {
      registry: testRegistry,
      allocate: ({ history, window }) => {
        seen.push({ length: history.length, width: window.end - window.start });
        return [1, 1];
      },
    });
    // Called once 8 returns exist (minHistory), each time on a window of the last 5 (lookback).
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(({ length, width }) => length >= 8 && width === 5)).toBe(true);
  });

  it('needs a registry', () => {
    expect(() => new StrategyOrchestrator({ data: { dataset: 'x' }, strategies: [] })).toThrow(/registry/);
  });

  it('refuses hooks of the wrong kind from JavaScript by name, where they failed deep inside the run as TypeErrors', () => {
    const config: RunConfigInput = { data: { dataset: 'test' }, rebalance: { schedule: 'never' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['X'] }] };
    const attempt = (options: Record<string, unknown>): unknown => {
      try {
        runOrchestrator(config, [X], { registry: testRegistry, ...options });
        return null;
      } catch (error) {
        return error;
      }
    };
    for (const [options, path] of [
      [{ logger: {} }, 'logger'],
      [{ logger: 'debug' }, 'logger'],
      [{ onProgress: 1 }, 'onProgress'],
      [{ allocate: {} }, 'allocate'],
      [{ registry: 'strategies' }, 'registry'],
    ] as const) {
      const error = attempt(options);
      expect(error, JSON.stringify(options)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([path]);
    }
    // Null hooks are absent ones: the run goes on as without them.
    const plain = runOrchestrator(config, [X], { registry: testRegistry });
    const nulls = runOrchestrator(config, [X], { registry: testRegistry, logger: null, onProgress: null, allocate: null } as never);
    expect(nulls.finalEquity).toBe(plain.finalEquity);
  });
});

describe('logging and results', () => {
  const config: RunConfigInput = {
    data: { dataset: 'test' },
    commission: { kind: 'per-unit', amount: 0.01 },
    rebalance: { schedule: 'month' },
    allocation: { scheme: 'inverse-volatility', lookback: 10 },
    strategies: [
      { id: 'r1', strategy: 'random-signal', params: { seed: 1 }, symbols: ['W', 'V'] },
      { id: 'r2', strategy: 'random-signal', params: { seed: 2, short: 0.5 }, symbols: ['W'] },
      { id: 'trend', strategy: 'sma-crossover', params: { fast: 3, slow: 8 }, symbols: ['V'] },
    ],
  };
  const data: BarSeries[] = [WALK, walkSeries('V', 60, 11)];

  it('reports progress in about a hundred steps, ending at the total', () => {
    const calls: [number, number][] = [];
    const result = runOrchestrator(config, data, { registry: testRegistry, onProgress: (done, total) => calls.push([done, total]) });
    const steps = result.portfolio.equity.time.length;
    expect(calls.at(-1)).toEqual([steps, steps]);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.length).toBeLessThanOrEqual(101);
    for (let k = 1; k < calls.length; k++) expect(calls[k]?.[0]).toBeGreaterThan(calls[k - 1]?.[0] ?? 0);
  });

  it('logs through child loggers per component, run and strategy', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(config, data, { registry: testRegistry, logger, runId: 'test-run' });
    expect(result.runId).toBe('test-run');
    const start = logger.records.find((record) => record.fields.event === 'orchestrator-start');
    expect(start?.fields).toMatchObject({ component: 'orchestrator', runId: 'test-run', mode: 'sleeves' });
    const rebalance = logger.records.find((record) => record.fields.event === 'rebalance' && record.fields.reason === 'schedule');
    expect(rebalance?.fields).toMatchObject({ runId: 'test-run', weightsBefore: expect.any(Object) as object, targetWeights: expect.any(Object) as object });
    const fill = logger.records.find((record) => record.fields.event === 'fill');
    expect(fill?.fields.runId).toBe('test-run');
    const sleeveEvents = logger.records.filter((record) => record.fields.strategy === 'trend' && record.fields.component === 'orchestrator');
    expect(sleeveEvents.length).toBeGreaterThan(0);
  });

  it('is deterministic and serialises with ISO dates', () => {
    const a = runOrchestrator(config, data, { registry: testRegistry });
    const b = runOrchestrator(config, data, { registry: testRegistry });
    const json = JSON.stringify(a);
    expect(json).toBe(JSON.stringify(b));
    const parsed = JSON.parse(json) as { version: number; kind: string; portfolio: { equity: { time: string }[] }; sleeves: { equity: { time: string; weight: number }[] }[]; rebalances: { time: string }[] };
    expect(parsed.version).toBe(1);
    expect(parsed.kind).toBe('orchestrator');
    expect(parsed.portfolio.equity[0]?.time).toBe('2020-01-01');
    expect(parsed.sleeves[0]?.equity[59]?.time).toBe('2020-02-29');
    expect(parsed.rebalances[1]?.time).toBe('2020-02-01');
    expect(a.runId).toMatch(/^run-[0-9a-f]{8}$/);
  });

  it('reports weights over time, per-step contributions and the correlation matrix', () => {
    const result = runOrchestrator(config, data, { registry: testRegistry });
    for (let t = 0; t < result.bars; t++) {
      let weights = 0;
      let contributions = 0;
      for (const sleeve of result.sleeves) {
        weights += sleeve.weight[t] ?? 0;
        contributions += sleeve.contribution[t] ?? 0;
      }
      expect(weights).toBeCloseTo(1, 12);
      const before = t === 0 ? result.initialCash : (result.portfolio.equity.equity[t - 1] ?? 0);
      expect(contributions).toBeCloseTo((result.portfolio.equity.equity[t] ?? 0) / before - 1, 12);
    }
    expect(result.correlation.ids).toEqual(['r1', 'r2', 'trend']);
    expect(result.correlation.matrix[0]?.[0]).toBe(1);
    expect(result.correlation.matrix[0]?.[1]).toBe(result.correlation.matrix[1]?.[0]);
    expect(result.diversificationRatio).toBeGreaterThanOrEqual(1);
    expect(result.attribution.monthly.map((period) => period.label)).toEqual(['2020-01', '2020-02']);
  });
});

// Regression: null series failed as "reading 'map'", one series (as runBacktest takes it) as
// "series.map is not a function", and a NaN close ran to the end.
describe('runOrchestrator given what is not a list of bar series', () => {
  const config: RunConfigInput = { data: { dataset: 'test' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['W'] }] };
  const issues = (series: unknown) => {
    try {
      runOrchestrator(config, series as BarSeries[], { registry: testRegistry });
    } catch (error) {
      if (ConfigError.isInstance(error)) return error.issues;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('names the argument, the series or the value, by path', () => {
    const series = walkSeries('W', 20, 1);
    expect(issues(null)).toEqual([{ path: 'series', message: 'must be an array of bar series; got null' }]);
    expect(issues(series)[0]?.message).toBe('must be an array of bar series (one series too: [series]); got an object');
    expect(issues([{ symbol: 'W', time: 1 }])[0]?.path).toBe('series.0');
    const nan = { ...series, close: Float64Array.from(series.close) };
    nan.close[5] = Number.NaN;
    expect(issues([nan])).toEqual([{ path: 'series.0.close.5', message: 'prices of W must be finite numbers above 0 (the close of bar 5 is NaN); load data through @ensemble/data, which says where such a value comes from' }]);
  });

  // Regression: a registry entry without a schema failed as "reading 'safeParse'".
  it('names a registry entry that is not a strategy definition', () => {
    const series = [walkSeries('W', 20, 1)];
    const registry = { ...testRegistry, mine: { name: 'mine', kind: 'signal', description: 'no schema', create: () => null } };
    const error = (() => {
      try {
        runOrchestrator(config, series, { registry: registry as never });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues).toEqual([
      { path: 'registry.mine.schema', message: "must be the parameters' zod schema, as defineStrategy({ params: z.strictObject({…}), … }) makes it; got undefined" },
    ]);
  });
});
