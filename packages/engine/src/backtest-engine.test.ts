import { ConfigError, StrategyError, createMemoryLogger } from '@ensemble/protocol';
import type { BarSeries, EntrySignal } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { catchError, day, fixedWeights, flatBars, gbmSeries, randomSignals, scripted, seriesOf } from '../test/helpers';
import { BacktestEngine, runBacktest } from './backtest-engine';
import type { BacktestOptions } from './backtest-engine';

/**
 * Five daily bars used by most examples.
 *   bar  date        open  high  low   close
 *   0    2024-01-01  10    10    10    10
 *   1    2024-01-02  11    12    10.5  11.5
 *   2    2024-01-03  12    13    11    12.5
 *   3    2024-01-04  13    14    12    13.5
 *   4    2024-01-05  14    15    13    14.5
 */
const A: BarSeries = seriesOf('A', [
  ['2024-01-01', 10, 10, 10, 10],
  ['2024-01-02', 11, 12, 10.5, 11.5],
  ['2024-01-03', 12, 13, 11, 12.5],
  ['2024-01-04', 13, 14, 12, 13.5],
  ['2024-01-05', 14, 15, 13, 14.5],
]);

const long: EntrySignal = { side: 'long' };
const enterAt0ExitAt2 = scripted({ enter: { 0: long }, exit: [2] });

function run(options: Partial<BacktestOptions>) {
  return runBacktest({ series: A, strategy: enterAt0ExitAt2, cash: 1000, checkInvariants: true, ...options });
}

const equity = (result: ReturnType<typeof run>) => Array.from(result.equity.equity);
const cash = (result: ReturnType<typeof run>) => Array.from(result.equity.cash);

describe('one trade, next-open fills, no costs', () => {
  // Decided on bar 0's close, bought at bar 1's open 11: floor(1000 / 11) = 90 units, 990 paid,
  // cash 10. Exit decided on bar 2, sold at bar 3's open 13: 90 × 13 = 1170, cash 1180.
  const result = run({});

  it('fills at the next open with percent-of-cash 100', () => {
    expect(result.fills).toEqual([
      { strategyId: 'scripted', symbol: 'A', time: day('2024-01-02'), side: 'buy', quantity: 90, price: 11, commission: 0, slippage: 0, reason: 'entry' },
      { strategyId: 'scripted', symbol: 'A', time: day('2024-01-04'), side: 'sell', quantity: 90, price: 13, commission: 0, slippage: 0, reason: 'exit' },
    ]);
  });

  it('records equity and cash at every close', () => {
    // bar 1: 10 + 90 × 11.5 = 1045; bar 2: 10 + 90 × 12.5 = 1135
    expect(equity(result)).toEqual([1000, 1045, 1135, 1180, 1180]);
    expect(cash(result)).toEqual([1000, 10, 10, 1180, 1180]);
    expect(Array.from(result.equity.grossExposure)).toEqual([0, 1035, 1125, 0, 0]);
    expect(Array.from(result.equity.time)).toEqual([1, 2, 3, 4, 5].map((d) => day(`2024-01-0${d}`)));
  });

  it('reports the closed trade', () => {
    expect(result.trades).toEqual([
      {
        strategyId: 'scripted',
        symbol: 'A',
        side: 'long',
        quantity: 90,
        entryTime: day('2024-01-02'),
        entryPrice: 11,
        exitTime: day('2024-01-04'),
        exitPrice: 13,
        commission: 0,
        pnl: 180,
        returnPct: 180 / 990,
        barsHeld: 2,
        exitReason: 'exit',
      },
    ]);
    expect(result.finalEquity).toBe(1180);
    expect(result.finalCash).toBe(1180);
    expect(result.openPositions).toEqual([]);
    expect(result.orders).toEqual({ filled: 2, shrunk: 0, rejected: 0, dropped: 0 });
    expect(result.startTime).toBe(day('2024-01-01'));
    expect(result.endTime).toBe(day('2024-01-05'));
    expect(result.bars).toBe(5);
  });
});

describe("fill: 'close'", () => {
  it('fills at the close of the deciding bar', () => {
    // bar 0 close 10: floor(1000 / 10) = 100 units, cash 0; exit on bar 2 at 12.5: cash 1250
    const result = run({ fill: 'close' });
    expect(result.fills.map((f) => [f.time, f.side, f.quantity, f.price])).toEqual([
      [day('2024-01-01'), 'buy', 100, 10],
      [day('2024-01-03'), 'sell', 100, 12.5],
    ]);
    // the equity point is recorded after the close fills: bar 0 = 0 + 100 × 10
    expect(equity(result)).toEqual([1000, 1150, 1250, 1250, 1250]);
    expect(cash(result)).toEqual([0, 0, 1250, 1250, 1250]);
    expect(result.trades[0]).toEqual(expect.objectContaining({ pnl: 250, barsHeld: 2 }));
  });
});

describe('commission models', () => {
  it('percent: 0.1 % of traded value', () => {
    // floor(1000 / (11 × 1.001)) = floor(90.818) = 90; pays 990 + 0.99 → cash 9.01
    // sells 90 × 13 = 1170 − 1.17 → cash 1177.84; pnl = 180 − 0.99 − 1.17 = 177.84
    const result = run({ commission: { kind: 'percent', rate: 0.001 } });
    expect(result.fills.map((f) => f.quantity)).toEqual([90, 90]);
    expect(result.fills[0]?.commission).toBeCloseTo(0.99, 12);
    expect(result.fills[1]?.commission).toBeCloseTo(1.17, 12);
    expect(result.equity.cash[1]).toBeCloseTo(9.01, 9);
    expect(result.finalCash).toBeCloseTo(1177.84, 9);
    expect(result.trades[0]?.pnl).toBeCloseTo(177.84, 9);
    expect(result.trades[0]?.commission).toBeCloseTo(2.16, 12);
    expect(result.totalCommission).toBeCloseTo(2.16, 12);
  });

  it('percent: the commission can cost a unit (1000 at 10 → 99, not 100)', () => {
    const cheap = seriesOf('A', [
      ['2024-01-01', 10, 10, 10, 10],
      ['2024-01-02', 10, 10, 10, 10],
    ]);
    // floor(1000 / (10 × 1.001)) = floor(99.9) = 99: 100 units would cost 1000 + 1 > 1000
    const result = runBacktest({ series: cheap, strategy: scripted({ enter: { 0: long } }), cash: 1000, commission: { kind: 'percent', rate: 0.001 } });
    expect(result.fills[0]?.quantity).toBe(99);
    expect(result.finalCash).toBeCloseTo(1000 - 990 - 0.99, 9);
  });

  it('per-unit with a minimum that does not bind', () => {
    // floor(1000 / (11 + 0.05)) = 90; commission 90 × 0.05 = 4.5 (> minimum 1) each way
    // cash 1000 − 994.5 = 5.5, then + 1170 − 4.5 = 1171; pnl = 180 − 9 = 171
    const result = run({ commission: { kind: 'per-unit', amount: 0.05, minimum: 1 } });
    expect(result.fills.map((f) => f.commission)).toEqual([4.5, 4.5]);
    expect(result.finalCash).toBeCloseTo(1171, 9);
    expect(result.trades[0]?.pnl).toBeCloseTo(171, 9);
  });

  it('fixed per order', () => {
    // floor((1000 − 5) / 11) = 90; cash 1000 − 995 = 5, then + 1170 − 5 = 1170; pnl = 180 − 10
    const result = run({ commission: { kind: 'fixed', amount: 5 } });
    expect(result.fills.map((f) => [f.quantity, f.commission])).toEqual([
      [90, 5],
      [90, 5],
    ]);
    expect(result.finalCash).toBe(1170);
    expect(result.trades[0]?.pnl).toBe(170);
  });

  it('a binding minimum', () => {
    // 0.1 % of ~1000 is below the minimum 2, so each fill pays 2:
    // (1000 − 2) / 11 = 90.7 → 90; cash 1000 − 990 − 2 = 8, then + 1170 − 2 = 1176; pnl = 180 − 4
    const result = run({ commission: { kind: 'percent', rate: 0.001, minimum: 2 } });
    expect(result.fills.map((f) => [f.quantity, f.commission])).toEqual([
      [90, 2],
      [90, 2],
    ]);
    expect(result.finalCash).toBe(1176);
    expect(result.trades[0]?.pnl).toBe(176);
  });
});

describe('slippage models', () => {
  it('bps: buys pay more, sells receive less', () => {
    // buy at 11 × 1.001 = 11.011: floor(1000 / 11.011) = 90, cash 1000 − 990.99 = 9.01
    // sell at 13 × 0.999 = 12.987: + 1168.83 → 1177.84; slippage 0.99 + 1.17 = 2.16
    const result = run({ slippage: { kind: 'bps', bps: 10 } });
    expect(result.fills[0]?.price).toBeCloseTo(11.011, 12);
    expect(result.fills[1]?.price).toBeCloseTo(12.987, 12);
    expect(result.fills.map((f) => f.quantity)).toEqual([90, 90]);
    expect(result.finalCash).toBeCloseTo(1177.84, 9);
    expect(result.totalSlippage).toBeCloseTo(2.16, 9);
    expect(result.trades[0]?.entryPrice).toBeCloseTo(11.011, 12);
    expect(result.trades[0]?.pnl).toBeCloseTo(177.84, 9);
  });

  it('fixed per unit', () => {
    // buy at 11.05: floor(1000 / 11.05) = 90, cash 5.5; sell at 12.95: + 1165.5 → 1171
    const result = run({ slippage: { kind: 'fixed', amount: 0.05 } });
    expect(result.fills.map((f) => f.price)).toEqual([11.05, 12.95]);
    expect(result.finalCash).toBeCloseTo(1171, 9);
    expect(result.totalSlippage).toBeCloseTo(9, 9);
  });
});

describe('units and sizing', () => {
  it('fractional units spend all the cash', () => {
    // 1000 / 11 = 90.9090… units; sold at 13: 1000 × 13 / 11 = 1181.8181…
    const result = run({ fractional: true });
    expect(result.fills[0]?.quantity).toBeCloseTo(1000 / 11, 10);
    expect(result.equity.cash[1]).toBeGreaterThanOrEqual(0);
    expect(result.equity.cash[1]).toBeLessThan(1e-9);
    expect(result.finalEquity).toBeCloseTo(13000 / 11, 9);
  });

  it('percent-of-cash 50 scaled by strength 0.5: floor(1000 × 0.5 × 0.5 / 11) = 22', () => {
    const result = runBacktest({ series: A, strategy: scripted({ enter: { 0: { side: 'long', strength: 0.5 } } }), cash: 1000, sizing: { kind: 'percent-of-cash', percent: 50 } });
    expect(result.fills[0]?.quantity).toBe(22);
  });

  it('an entry of strength 0 places no order: nothing filled, rejected or dropped, where it was rejected at every bar', () => {
    const always = scripted({ enter: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [i, { side: 'long' as const, strength: 0 }])) });
    for (const fill of ['next-open', 'close'] as const) {
      const result = runBacktest({ series: A, strategy: always, cash: 1000, fill });
      expect(result.fills).toEqual([]);
      expect(result.orders).toEqual({ filled: 0, shrunk: 0, rejected: 0, dropped: 0 });
      expect(result.finalEquity).toBe(1000);
    }
  });

  it('percent-of-equity counts open positions: the second entry spends 50 % of equity', () => {
    const B = seriesOf('B', [
      ['2024-01-01', 20, 20, 20, 20],
      ['2024-01-02', 20, 20, 20, 20],
      ['2024-01-03', 20, 20, 20, 20],
      ['2024-01-04', 20, 20, 20, 20],
      ['2024-01-05', 20, 20, 20, 20],
    ]);
    const strategy = scripted({ A: { enter: { 0: long } }, B: { enter: { 1: long } } });
    const result = runBacktest({ series: [A, B], strategy, cash: 1000, sizing: { kind: 'percent-of-equity', percent: 50 } });
    // bar 1 open: A gets floor(500 / 11) = 45 units, cash 505. At bar 1's close A is 11.5, so
    // equity = 505 + 45 × 11.5 = 1022.5; bar 2 open: B gets floor(511.25 / 20) = 25 units.
    expect(result.fills.map((f) => [f.symbol, f.quantity])).toEqual([
      ['A', 45],
      ['B', 25],
    ]);
  });

  it('fixed-quantity and fixed-cash', () => {
    const fixedQuantity = runBacktest({ series: A, strategy: enterAt0ExitAt2, cash: 1000, sizing: { kind: 'fixed-quantity', quantity: 7 } });
    expect(fixedQuantity.fills[0]?.quantity).toBe(7);
    const fixedCash = runBacktest({ series: A, strategy: enterAt0ExitAt2, cash: 1000, sizing: { kind: 'fixed-cash', amount: 500 } });
    expect(fixedCash.fills[0]?.quantity).toBe(45); // floor(500 / 11)
  });
});

describe('shorts', () => {
  it('a short sale receives proceeds and is valued negatively', () => {
    // sold short at 11: floor(1000 / 11) = 90 units, cash 1000 + 990 = 1990
    // bar 1: 1990 − 90 × 11.5 = 955; bar 2: 1990 − 90 × 12.5 = 865
    // covered at bar 3's open 13: 1990 − 1170 = 820; pnl = 90 × (13 − 11) × −1 = −180
    const result = runBacktest({ series: A, strategy: scripted({ enter: { 0: { side: 'short' } }, exit: [2] }), cash: 1000, checkInvariants: true });
    expect(result.fills.map((f) => [f.side, f.quantity, f.price])).toEqual([
      ['sell', 90, 11],
      ['buy', 90, 13],
    ]);
    expect(equity(result)).toEqual([1000, 955, 865, 820, 820]);
    expect(cash(result)).toEqual([1000, 1990, 1990, 820, 820]);
    expect(Array.from(result.equity.grossExposure)).toEqual([0, 1035, 1125, 0, 0]);
    expect(result.trades[0]).toEqual(expect.objectContaining({ side: 'short', pnl: -180, returnPct: -180 / 990 }));
  });

  describe('percent-of-cash sizes from the cash not held against open shorts', () => {
    const flat = (symbol: string, price: number): BarSeries => flatBars(symbol, '2024-01-01', [price, price, price, price]);
    const X = flat('X', 100);
    const Y = flat('Y', 50);

    it('an entry after a short spends the same share as after a long', () => {
      // Closes fill. Bar 0: X short, 50 % of 10,000 = 5,000 → 50 units; cash 15,000, of which
      // 2 × 5,000 is held against the short: 5,000 free. Bar 1: Y long, 50 % of 5,000 = 2,500 → 50
      // units (150, sized from the 15,000 that include the short's proceeds, before). The same
      // entries after a long on X: 5,000 spent, 5,000 left, 50 units of Y.
      const sizing = { kind: 'percent-of-cash', percent: 50 } as const;
      for (const side of ['short', 'long'] as const) {
        const strategy = scripted({ X: { enter: { 0: { side } } }, Y: { enter: { 1: long } } });
        const result = runBacktest({ series: [X, Y], strategy, cash: 10_000, fill: 'close', sizing, checkInvariants: true });
        expect(result.fills.map((f) => [f.symbol, f.side, f.quantity])).toEqual([
          ['X', side === 'short' ? 'sell' : 'buy', 50],
          ['Y', 'buy', 50],
        ]);
        expect(Array.from(result.equity.grossExposure).at(-1)).toBe(7_500);
      }
    });

    it('all the cash in a short leaves none for the next entry: rejected, naming the free cash', () => {
      // X short 100 % → 100 units, cash 20,000 = 2 × 10,000 held: Y's entry sizes to nothing.
      const logger = createMemoryLogger();
      const strategy = scripted({ X: { enter: { 0: { side: 'short' } } }, Y: { enter: { 1: { side: 'short' } } } });
      const result = runBacktest({ series: [X, Y], strategy, cash: 10_000, fill: 'close', logger, checkInvariants: true });
      expect(result.fills.map((f) => [f.symbol, f.side, f.quantity])).toEqual([['X', 'sell', 100]]);
      expect(result.orders).toMatchObject({ filled: 1, rejected: 1 });
      const [rejected] = logger.records.filter((r) => r.fields.event === 'order-rejected');
      expect(rejected?.fields).toMatchObject({ symbol: 'Y', why: 'zero-quantity', cash: 0 });
      // Gross exposure stays at the equity (it was 30,000 on 10,000: Y sold short for all 20,000).
      expect(Array.from(result.equity.grossExposure).at(-1)).toBe(10_000);
    });

    it('a short whose price fell frees cash as its liability shrinks', () => {
      // X short 50 % at 100 → 50 units (cash 15,000). X falls to 80: 15,000 − 2 × 4,000 = 7,000
      // free; Y long 50 % of 7,000 = 3,500 → 70 units at 50.
      const falling = flatBars('X', '2024-01-01', [100, 80, 80, 80]);
      const strategy = scripted({ X: { enter: { 0: { side: 'short' } } }, Y: { enter: { 1: long } } });
      const result = runBacktest({ series: [falling, Y], strategy, cash: 10_000, fill: 'close', sizing: { kind: 'percent-of-cash', percent: 50 } });
      expect(result.fills.map((f) => [f.symbol, f.quantity])).toEqual([
        ['X', 50],
        ['Y', 70],
      ]);
    });
  });
});

// Regression: a portfolio weight of −1e14 sold 1e17 units (past the quantity cap, which sizes
// only purchases) and moved a cash-only equity by 352 at the next mark: money beyond 1e13 is not
// counted to the cent.
describe('weights beyond the amounts counted to the cent', () => {
  it('are refused naming the symbol and the amount; leverage within them runs', () => {
    const error = catchError(() => runBacktest({ series: A, strategy: fixedWeights({ A: -1e14 }, { kind: 'never' }), cash: 100_000 }));
    expect(StrategyError.isInstance(error)).toBe(true);
    expect((error as StrategyError).refused).toBe(true);
    // 1e14 × 100,000 of equity = 1e19.
    expect((error as Error).message).toContain('targetWeights returned -100000000000000 for "A": a position worth -1.00e+19 at an equity of 100000.00, beyond ±1e13, the largest amount counted to the cent');
    // 100 × 100,000 = 1e7: a leverage of 100 is not refused.
    expect(runBacktest({ series: A, strategy: fixedWeights({ A: 100 }, { kind: 'never' }), cash: 100_000 }).fills.length).toBeGreaterThan(0);
    // A whole book of 1e13 grown past it (A rises from 10 to 14.5) is rebalanced at every bar: a
    // weight of 1 is never refused.
    const grown = runBacktest({ series: A, strategy: fixedWeights({ A: 1 }, { kind: 'bars', every: 1 }), cash: 1e13, fractional: true });
    expect(grown.finalEquity).toBeGreaterThan(1e13);
  });
});

describe('stop-loss and take-profit', () => {
  /** Bar 0 decides, bar 1 enters at its open 100, bar 2 is the bar under test. */
  function stopped(bar2: readonly [number, number, number, number], signal: EntrySignal) {
    const series = seriesOf('S', [
      ['2024-01-01', 100, 100, 100, 100],
      ['2024-01-02', 100, 102, 99, 101],
      ['2024-01-03', ...bar2],
      ['2024-01-04', 100, 100, 100, 100],
    ]);
    const result = runBacktest({ series, strategy: scripted({ enter: { 0: signal } }), cash: 10_000, checkInvariants: true });
    return result.fills[1];
  }
  const longWithStops: EntrySignal = { side: 'long', stopLoss: 95, takeProfit: 110 };
  const shortWithStops: EntrySignal = { side: 'short', stopLoss: 105, takeProfit: 90 };

  it('long: a stop inside the bar fills at the stop price', () => {
    expect(stopped([101, 103, 94, 96], longWithStops)).toEqual(expect.objectContaining({ side: 'sell', quantity: 100, price: 95, reason: 'stop-loss', time: day('2024-01-03') }));
  });

  it('long: a gap through the stop fills at the open', () => {
    expect(stopped([93, 97, 92, 96], longWithStops)).toEqual(expect.objectContaining({ price: 93, reason: 'stop-loss' }));
  });

  it('long: take-profit inside the bar fills at the level, a gap up at the open', () => {
    expect(stopped([101, 111, 100, 108], longWithStops)).toEqual(expect.objectContaining({ price: 110, reason: 'take-profit' }));
    expect(stopped([112, 113, 111, 112], longWithStops)).toEqual(expect.objectContaining({ price: 112, reason: 'take-profit' }));
  });

  it('long: when both levels are inside one bar, the stop wins (conservative)', () => {
    expect(stopped([101, 111, 94, 100], longWithStops)).toEqual(expect.objectContaining({ price: 95, reason: 'stop-loss' }));
  });

  it('short: stop above, take-profit below, gaps at the open', () => {
    expect(stopped([101, 106, 100, 104], shortWithStops)).toEqual(expect.objectContaining({ side: 'buy', price: 105, reason: 'stop-loss' }));
    expect(stopped([107, 108, 106, 107], shortWithStops)).toEqual(expect.objectContaining({ price: 107, reason: 'stop-loss' }));
    expect(stopped([99, 100, 89, 92], shortWithStops)).toEqual(expect.objectContaining({ price: 90, reason: 'take-profit' }));
    expect(stopped([88, 89, 87, 88], shortWithStops)).toEqual(expect.objectContaining({ price: 88, reason: 'take-profit' }));
    expect(stopped([101, 106, 89, 100], shortWithStops)).toEqual(expect.objectContaining({ price: 105, reason: 'stop-loss' }));
  });

  it('warns when an entry opens with its stop-loss or take-profit already reached at the entry price', () => {
    const series = seriesOf('S', [
      ['2024-01-01', 100, 100, 100, 100],
      ['2024-01-02', 100, 102, 99, 101],
      ['2024-01-03', 101, 103, 94, 96],
    ]);
    const crossed = (signal: EntrySignal): Record<string, unknown>[] => {
      const logger = createMemoryLogger();
      const result = runBacktest({ series, strategy: scripted({ enter: { 0: signal } }), cash: 10_000, logger });
      const warnings = logger.records.filter((r) => r.fields.event === 'exit-level-crossed').map((r) => ({ logLevel: r.level, ...r.fields }));
      // The result counts them, whatever the logger (absent when none).
      expect(result.orders.levelsCrossed).toBe(warnings.length === 0 ? undefined : warnings.length);
      expect(runBacktest({ series, strategy: scripted({ enter: { 0: signal } }), cash: 10_000 }).orders.levelsCrossed).toBe(result.orders.levelsCrossed);
      return warnings;
    };
    // Filled at the open of 2024-01-02 at 100: a long's stop at 100.5 sits above it; it exits there at once.
    expect(crossed({ side: 'long', stopLoss: 100.5 })).toEqual([
      expect.objectContaining({ logLevel: 'warn', strategy: 'scripted', symbol: 'S', side: 'long', exitLevel: 'stop-loss', price: 100.5, entryPrice: 100, time: '2024-01-02T00:00:00.000Z' }),
    ]);
    expect(crossed({ side: 'long', takeProfit: 99 })).toEqual([expect.objectContaining({ exitLevel: 'take-profit', price: 99, entryPrice: 100 })]);
    expect(crossed({ side: 'short', stopLoss: 99 })).toEqual([expect.objectContaining({ side: 'short', exitLevel: 'stop-loss', price: 99 })]);
    expect(crossed({ side: 'short', takeProfit: 100 })).toEqual([expect.objectContaining({ side: 'short', exitLevel: 'take-profit', price: 100 })]);
    // Levels on the right side say nothing.
    expect(crossed(longWithStops)).toEqual([]);
    expect(crossed(shortWithStops)).toEqual([]);
  });

  it('a stop-loss trade: 100 units × (95 − 100) = −500, and the stop pays slippage', () => {
    const series = seriesOf('S', [
      ['2024-01-01', 100, 100, 100, 100],
      ['2024-01-02', 100, 102, 99, 101],
      ['2024-01-03', 101, 103, 94, 96],
    ]);
    const plain = runBacktest({ series, strategy: scripted({ enter: { 0: longWithStops } }), cash: 10_000 });
    expect(plain.trades[0]).toEqual(expect.objectContaining({ pnl: -500, exitReason: 'stop-loss', barsHeld: 1 }));
    const slipped = runBacktest({ series, strategy: scripted({ enter: { 0: longWithStops } }), cash: 10_000, slippage: { kind: 'fixed', amount: 0.5 } });
    // entry at 100.5: floor(10 000 / 100.5) = 99 units; stop sells at 95 − 0.5 = 94.5
    expect(slipped.fills.map((f) => [f.quantity, f.price])).toEqual([
      [99, 100.5],
      [99, 94.5],
    ]);
  });
});

describe('the end of the data', () => {
  it('leaves positions open and marked at the last close by default', () => {
    const result = runBacktest({ series: A, strategy: scripted({ enter: { 0: long } }), cash: 1000 });
    // 90 units from 11; last close 14.5: unrealised 90 × 3.5 = 315, equity 10 + 1305 = 1315
    expect(result.openPositions).toEqual([
      expect.objectContaining({ symbol: 'A', side: 'long', quantity: 90, entryPrice: 11, markPrice: 14.5, marketValue: 1305, unrealizedPnl: 315, barsHeld: 3 }),
    ]);
    expect(result.finalEquity).toBe(1315);
    expect(result.trades).toEqual([]);
  });

  it('closes positions at the last close with closeAtEnd', () => {
    const result = runBacktest({ series: A, strategy: scripted({ enter: { 0: long } }), cash: 1000, closeAtEnd: true, commission: { kind: 'fixed', amount: 1 } });
    // (1000 − 1) / 11 → 90 units, cash 9; closed at 14.5: 9 + 1305 − 1 = 1313
    expect(result.fills[1]).toEqual(expect.objectContaining({ side: 'sell', price: 14.5, time: day('2024-01-05'), reason: 'close-at-end' }));
    expect(result.trades[0]).toEqual(expect.objectContaining({ exitReason: 'close-at-end', pnl: 315 - 2 }));
    expect(result.openPositions).toEqual([]);
    expect(result.finalEquity).toBe(1313);
    expect(result.equity.equity[4]).toBe(1313);
  });

  it('drops orders decided on the last bar with next-open fills, and logs them', () => {
    const logger = createMemoryLogger();
    const result = runBacktest({ series: A, strategy: scripted({ enter: { 4: long } }), cash: 1000, logger });
    expect(result.fills).toEqual([]);
    expect(result.orders.dropped).toBe(1);
    expect(logger.records.find((r) => r.fields.event === 'order-dropped')?.fields).toEqual(
      expect.objectContaining({ symbol: 'A', why: 'last-bar', strategy: 'scripted' }),
    );
  });

  it("fills orders decided on the last bar at its close with fill: 'close'", () => {
    const result = runBacktest({ series: A, strategy: scripted({ enter: { 4: long } }), cash: 1000, fill: 'close' });
    expect(result.fills).toEqual([expect.objectContaining({ price: 14.5, quantity: 68 })]); // floor(1000 / 14.5)
    expect(result.orders.dropped).toBe(0);
  });
});

describe('orders cash cannot pay for', () => {
  it('shrink to what cash affords, logged', () => {
    const logger = createMemoryLogger();
    const result = runBacktest({ series: A, strategy: enterAt0ExitAt2, cash: 1000, sizing: { kind: 'fixed-quantity', quantity: 200 }, logger });
    // 200 units at 11 would cost 2200; cash affords floor(1000 / 11) = 90
    expect(result.fills[0]?.quantity).toBe(90);
    expect(result.orders.shrunk).toBe(1);
    const warning = logger.records.find((r) => r.fields.event === 'order-shrunk');
    expect(warning?.level).toBe('warn');
    expect(warning?.fields).toEqual(expect.objectContaining({ symbol: 'A', requested: 200, filled: 90, time: '2024-01-02T00:00:00.000Z' }));
  });

  it('are rejected when nothing is affordable, logged', () => {
    const logger = createMemoryLogger();
    const result = runBacktest({ series: A, strategy: enterAt0ExitAt2, cash: 10, logger });
    expect(result.fills).toEqual([]);
    expect(result.orders.rejected).toBe(1);
    expect(result.finalEquity).toBe(10);
    expect(logger.records.filter((r) => r.fields.event === 'order-rejected')).toHaveLength(1);
  });
});

describe('several symbols on one timeline', () => {
  // B has no bar on 01-02 and 01-04: it is not tradable then and keeps its last close.
  const B = seriesOf('B', [
    ['2024-01-01', 20, 20, 20, 20],
    ['2024-01-03', 20, 22, 19, 21],
    ['2024-01-05', 22, 23, 21, 22],
  ]);
  const strategy = scripted({ A: { enter: { 0: long } }, B: { enter: { 0: { side: 'long', stopLoss: 18.5 } } } });
  const result = runBacktest({ series: [A, B], strategy, cash: 1000, sizing: { kind: 'percent-of-cash', percent: 50 }, checkInvariants: true });

  it('fills an order at the symbol’s next bar, which may be several steps later', () => {
    // 01-02: A buys floor(500 / 11) = 45 (cash 505); B has no bar, its order waits.
    // 01-03: B buys floor(252.5 / 20) = 12 at its open 20 (cash 265).
    expect(result.fills.map((f) => [f.symbol, f.time, f.quantity, f.price])).toEqual([
      ['A', day('2024-01-02'), 45, 11],
      ['B', day('2024-01-03'), 12, 20],
    ]);
  });

  it('marks a symbol without a bar at its last close', () => {
    // 01-01: 1000; 01-02: 505 + 45 × 11.5 = 1022.5; 01-03: 265 + 45 × 12.5 + 12 × 21 = 1079.5
    // 01-04: 265 + 45 × 13.5 + 12 × 21 (B's last close) = 1124.5; 01-05: 265 + 652.5 + 264 = 1181.5
    // B's stop 18.5 is never touched (lows 19 and 21).
    expect(Array.from(result.equity.equity)).toEqual([1000, 1022.5, 1079.5, 1124.5, 1181.5]);
    expect(result.bars).toBe(5);
    expect(result.openPositions.map((p) => p.symbol)).toEqual(['A', 'B']);
  });

  it('closes every symbol at its own last close with closeAtEnd', () => {
    const shortB = seriesOf('B', [
      ['2024-01-01', 20, 20, 20, 20],
      ['2024-01-03', 20, 22, 19, 21],
    ]);
    const closed = runBacktest({ series: [A, shortB], strategy, cash: 1000, sizing: { kind: 'percent-of-cash', percent: 50 }, closeAtEnd: true });
    expect(closed.fills.filter((f) => f.reason === 'close-at-end').map((f) => [f.symbol, f.time, f.price])).toEqual([
      ['B', day('2024-01-03'), 21],
      ['A', day('2024-01-05'), 14.5],
    ]);
  });
});

describe('the strategy and its context', () => {
  it('is asked only once warm-up bars are visible, flat → shouldEnter, holding → shouldExit', () => {
    const calls: string[] = [];
    runBacktest({
      series: A,
      cash: 1000,
      strategy: {
        id: 'spy',
        warmup: 2,
        shouldEnter: (context) => {
          calls.push(`enter@${context.index}:${context.length}`);
          return context.index === 1 ? long : null;
        },
        shouldExit: (context, position) => {
          calls.push(`exit@${context.index}:${position.quantity}`);
          return false;
        },
      },
    });
    // bar 1 decides, bar 2 fills floor(1000 / 12) = 83 units
    expect(calls).toEqual(['enter@1:2', 'exit@2:83', 'exit@3:83', 'exit@4:83']);
  });

  it('sees its account as of this close and its position', () => {
    const seen: [number, number][] = [];
    runBacktest({
      series: A,
      cash: 1000,
      strategy: {
        id: 'spy',
        warmup: 0,
        shouldEnter: (context) => {
          seen.push([context.account.cash, context.account.equity]);
          return context.index === 0 ? long : null;
        },
        shouldExit: (context, position) => {
          expect(context.position).toBe(position);
          seen.push([context.account.cash, context.account.equity]);
          return false;
        },
      },
    });
    expect(seen).toEqual([
      [1000, 1000],
      [10, 1045],
      [10, 1135],
      [10, 1225],
      [10, 1315],
    ]);
  });

  it('sees indicators only up to the current bar', () => {
    const lengths: number[] = [];
    runBacktest({
      series: A,
      strategy: {
        id: 'ind',
        warmup: 0,
        indicators: (series) => ({ twice: series.close.map((c) => 2 * c) }),
        shouldEnter: (context) => {
          lengths.push(context.indicatorHistory('twice').length);
          expect(context.indicator('twice')).toBe(2 * context.close());
          expect(context.indicator('twice', 1)).toBe(context.index > 0 ? 2 * context.close(1) : Number.NaN);
          expect(() => context.indicator('twice', -1)).toThrow(/ahead/);
          expect(() => context.indicator('nope')).toThrow(/nope/);
          return null;
        },
        shouldExit: () => false,
      },
    });
    expect(lengths).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('BacktestEngine', () => {
  it('validates once and runs many times with the same result', () => {
    const engine = new BacktestEngine({ cash: 1000, commission: { kind: 'percent', rate: 0.001 } });
    expect(engine.options.cash).toBe(1000);
    const first = engine.run(enterAt0ExitAt2, A);
    const second = engine.run(enterAt0ExitAt2, [A]);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.finalCash).toBeCloseTo(1177.84, 9);
  });

  it('resolves every default', () => {
    expect(new BacktestEngine().options).toEqual({
      cash: 100_000,
      fill: 'next-open',
      commission: { kind: 'percent', rate: 0 },
      slippage: { kind: 'bps', bps: 0 },
      sizing: { kind: 'percent-of-cash', percent: 100 },
      fractional: false,
      closeAtEnd: false,
      rebalance: null,
      checkInvariants: false,
    });
  });
});

describe("a portfolio strategy's own rebalance rule", () => {
  const bad: [string, unknown][] = [
    ['every 0 bars (every bar)', { kind: 'bars', every: 0 }],
    ['every -1 bars', { kind: 'bars', every: -1 }],
    ['every 2.5 bars', { kind: 'bars', every: 2.5 }],
    ['every NaN bars (never again)', { kind: 'bars', every: Number.NaN }],
    ['a calendar period the engine does not know', { kind: 'calendar', period: 'day' }],
    ['an unknown kind', { kind: 'every', bars: 5 }],
  ];
  it.each(bad)('is refused as strategy.rebalance: %s', (_, rule) => {
    const strategy = fixedWeights({ A: 1 }, rule as never);
    const error = catchError(() => runBacktest({ series: A, cash: 1000, strategy }));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as { issues: { path: string; message: string }[] }).issues).toEqual([expect.objectContaining({ path: 'strategy.rebalance' })]);
    expect(() => new BacktestEngine({ cash: 1000 }).run(strategy, A)).toThrow(/strategy\.rebalance/);
  });

  it('is not read when the options give the schedule', () => {
    const strategy = fixedWeights({ A: 1 }, { kind: 'bars', every: 0 });
    expect(runBacktest({ series: A, cash: 1000, strategy, rebalance: { kind: 'never' } }).rebalances).toHaveLength(1);
  });
});

describe('flat prices', () => {
  it('keep equity constant through round trips without costs', () => {
    const series = flatBars('F', '2024-01-01', [50, 50, 50, 50, 50, 50]);
    const result = runBacktest({ series, strategy: scripted({ enter: { 0: long, 3: { side: 'short' } }, exit: [1, 4] }), cash: 777, checkInvariants: true });
    expect(new Set(result.equity.equity)).toEqual(new Set([777]));
    expect(result.trades.map((t) => t.side)).toEqual(['long', 'short']);
  });
});

describe('onProgress', () => {
  const single = gbmSeries('P', 1_050, 3);
  const other = gbmSeries('Q', 1_000, 4);
  const cases: [string, Omit<BacktestOptions, 'onProgress'>][] = [
    ['one series (the fused loop)', { series: single, strategy: randomSignals(2, { stops: true }) }],
    ['one series with invariant checks', { series: single, strategy: randomSignals(2, { stops: true }), checkInvariants: true }],
    ['several series (the stepped loop)', { series: [single, other], strategy: randomSignals(5) }],
    ['a portfolio strategy', { series: [single, other], strategy: fixedWeights({ P: 0.5, Q: 0.5 }, { kind: 'bars', every: 10 }) }],
  ];

  it.each(cases)('%s: about a hundred increasing reports ending with (total, total), and the same result', (_, options) => {
    const calls: [number, number][] = [];
    const watched = runBacktest({ ...options, onProgress: (done, total) => calls.push([done, total]) });
    const plain = runBacktest(options);
    const steps = watched.equity.time.length;
    const every = Math.ceil(steps / 100);
    expect(calls).toEqual([...Array.from({ length: Math.ceil(steps / every) - 1 }, (_, k): [number, number] => [(k + 1) * every, steps]), [steps, steps]]);
    expect(watched.equity).toEqual(plain.equity);
    expect(watched.fills).toEqual(plain.fills);
    expect(watched.fills.length).toBeGreaterThan(0);
  });

  it('BacktestEngine takes it too: a 3-bar run reports every bar', () => {
    const calls: [number, number][] = [];
    const engine = new BacktestEngine({ onProgress: (done, total) => calls.push([done, total]) });
    engine.run(scripted({}), flatBars('A', '2024-01-01', [1, 2, 3]));
    expect(calls).toEqual([[1, 3], [2, 3], [3, 3]]);
  });
});

describe('hooks given from JavaScript', () => {
  const series = gbmSeries('X', 20, 1);
  const attempt = (options: Record<string, unknown>): unknown => {
    try {
      runBacktest({ series, strategy: randomSignals(1), cash: 1_000, ...options });
      return null;
    } catch (error) {
      return error;
    }
  };

  it('refuses a wrong logger, progress callback, columns to reuse or strategy by name, where each was a TypeError from inside the run', () => {
    for (const [options, path] of [
      [{ logger: {} }, 'logger'],
      [{ logger: 5 }, 'logger'],
      [{ onProgress: 'yes' }, 'onProgress'],
      [{ reuse: 5 }, 'reuse'],
      [{ strategy: undefined }, 'strategy'],
      [{ strategy: null }, 'strategy'],
    ] as const) {
      const error = attempt(options);
      expect(error, JSON.stringify(options)).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([path]);
    }
    expect(() => new BacktestEngine({ logger: { info: () => undefined } } as never)).toThrow(/logger: must be a logger with debug, info, warn, error and child methods/);
  });

  it('takes null hooks as absent ones', () => {
    expect(attempt({ logger: null, onProgress: null, reuse: null })).toBeNull();
  });
});
