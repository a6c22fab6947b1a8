/*
 * Whole runs on real data against an independent simulator. The golden values were computed by a
 * separate Python simulator written from the engine README's semantics alone (no code shared with
 * the engine): each bar fills the orders decided on the previous bar at the open (exits first),
 * then checks stop-loss and take-profit (a gap through a level fills at the open; both levels
 * inside one bar: the stop), marks at the close, asks the strategy, and with `fill: 'close'`
 * fills at that close. Sizing is the largest quantity whose cost with commission fits the budget,
 * found by stepping whole units (fractional: the closed form); `percent-of-cash` sizes from
 * `cash − 2 × Σ |short| × mark`; buys shrink to what cash affords. Equity is recomputed every bar
 * as cash + Σ quantity × close. Over these four runs and fifteen others (every commission and
 * slippage kind, minimums, whole and fractional units, every sizing rule, shorts, data with gaps)
 * it agreed with `ensemble backtest` fill by fill and bar by bar to within 1.5e-11 relative.
 */
import { loadDataset } from '@ensemble/data';
import type { BarSeries, EntrySignal, PortfolioStrategy, Strategy, StrategyContext } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { runBacktest } from './backtest-engine';
import type { BacktestOptions } from './backtest-engine';
import type { BacktestResult } from './result';

/**
 * Deterministic entries with exit levels: on bars `i % every === 0`, long on even blocks and short
 * on odd ones (when `shorts`), stop and take-profit a fraction from the deciding close, strength
 * `strength` on bars `i % 3 === 0`; exits on bars `i % exitEvery === 0`.
 */
function probe(every: number, exitEvery: number, stop: number, take: number, strength = 1): Strategy {
  return {
    kind: 'signal',
    id: 'probe',
    warmup: 1,
    shouldEnter: (context: StrategyContext): EntrySignal | null => {
      const i = context.index;
      if (i % every !== 0) return null;
      const close = context.close();
      const scale = i % 3 === 0 ? strength : 1;
      return Math.floor(i / every) % 2 === 0
        ? { side: 'long', strength: scale, stopLoss: close * (1 - stop), takeProfit: close * (1 + take) }
        : { side: 'short', strength: scale, stopLoss: close * (1 + stop), takeProfit: close * (1 - take) };
    },
    shouldExit: (context: StrategyContext) => context.index % exitEvery === 0,
  };
}

/** Weights cycling through −w·s, 0 and +w·s per symbol every `every` steps (s in 1..1.4): longs, shorts and flips. */
function cyclingWeights(w: number, every: number): PortfolioStrategy {
  return {
    kind: 'portfolio',
    id: 'cycling',
    warmup: 1,
    rebalance: { kind: 'bars', every },
    targetWeights: (context) => {
      const round = Math.floor(context.step / every);
      return Object.fromEntries(context.symbols.map((symbol, j) => [symbol, (((round + j) % 3) - 1) * w * (1 + ((round * 7 + j) % 5) / 10)]));
    },
  };
}

function expectClose(actual: number | undefined, expected: number, tolerance = 1e-9): void {
  expect(actual).toBeTypeOf('number');
  expect(Math.abs((actual ?? Number.NaN) - expected), `${String(actual)} vs ${String(expected)}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

interface Golden {
  readonly finalEquity: number;
  readonly finalCash: number;
  readonly fills: number;
  readonly trades: number;
  readonly commission: number;
  readonly slippage: number;
  readonly pnl: number;
  readonly reasons: Readonly<Record<string, number>>;
  readonly equityAt: readonly (readonly [number, number])[];
}

function expectGolden(result: BacktestResult, golden: Golden): void {
  expectClose(result.finalEquity, golden.finalEquity);
  expectClose(result.finalCash, golden.finalCash);
  expect(result.fills).toHaveLength(golden.fills);
  expect(result.trades).toHaveLength(golden.trades);
  expectClose(result.totalCommission, golden.commission);
  expectClose(result.totalSlippage, golden.slippage);
  expectClose(
    result.trades.reduce((sum, trade) => sum + trade.pnl, 0),
    golden.pnl,
  );
  const reasons: Record<string, number> = {};
  for (const fill of result.fills) reasons[fill.reason] = (reasons[fill.reason] ?? 0) + 1;
  expect(reasons).toEqual(golden.reasons);
  for (const [bar, equity] of golden.equityAt) expectClose(result.equity.equity[bar], equity);
  // Cash + positions = equity, the curve's own last point against the account's.
  expectClose(result.equity.equity.at(-1), golden.finalEquity);
}

async function series(dataset: 'sp500' | 'dow30', symbols?: readonly string[]): Promise<readonly BarSeries[]> {
  return (await loadDataset(dataset, symbols === undefined ? {} : { symbols: [...symbols] })).series;
}

/** Epoch ms of a date's UTC midnight. */
const at = (date: string): number => Date.parse(`${date}T00:00:00Z`);

describe('whole runs against an independent simulator', () => {
  it('S&P 500, next-open fills: stops and take-profits on both sides, gaps through a level fill at the open', async () => {
    const options: BacktestOptions = {
      series: await series('sp500'),
      strategy: probe(5, 11, 0.02, 0.03),
      commission: { kind: 'percent', rate: 0.0005, minimum: 2 },
      slippage: { kind: 'bps', bps: 3 },
      checkInvariants: true,
    };
    const result = runBacktest(options);
    expectGolden(result, {
      finalEquity: 71746.00100723922,
      finalCash: 71746.00100723922,
      fills: 1346,
      trades: 673,
      commission: 58491.07205008137,
      slippage: 35094.64910989976,
      pnl: -28253.99899276111,
      reasons: { entry: 673, 'stop-loss': 220, exit: 316, 'take-profit': 137 },
      equityAt: [
        [1000, 95562.02404841059],
        [2500, 93119.95596913561],
      ],
    });
    // The first stop filled at the open: a short's stop gapped through on 2007-11-14 (10 stops and take-profits of the run fill at the open).
    const gap = result.fills.find((fill) => fill.reason === 'stop-loss' && fill.time === at('2007-11-14'));
    expect(gap?.side).toBe('buy');
    expect(gap?.quantity).toBe(59);
    expectClose(gap?.price, 1483.8450440072);
    expectClose(gap?.commission, 43.7734287982124);
    expectClose(gap?.slippage, 26.256180424794138);
    // A short's take-profit inside the bar fills at the level plus slippage.
    const take = result.fills.find((fill) => fill.reason === 'take-profit');
    expect(take?.time).toBe(at('2000-01-28'));
    expect(take?.quantity).toBe(69);
    expectClose(take?.price, 1368.1394468684389);
  });

  it('S&P 500, close fills, percent-of-equity fractional with strength: both levels inside one bar fill the stop', async () => {
    const result = runBacktest({
      series: await series('sp500'),
      strategy: probe(5, 11, 0.01, 0.01, 0.5),
      fill: 'close',
      sizing: { kind: 'percent-of-equity', percent: 50 },
      fractional: true,
      commission: { kind: 'percent', rate: 0.001 },
      checkInvariants: true,
    });
    expectGolden(result, {
      finalEquity: 49977.42961658727,
      finalCash: 49977.42961658727,
      fills: 1904,
      trades: 952,
      commission: 61366.25169760555,
      slippage: 0,
      pnl: -50022.57038341291,
      reasons: { entry: 952, 'stop-loss': 394, 'take-profit': 423, exit: 135 },
      equityAt: [
        [1000, 93838.89810108638],
        [2500, 77646.35910229609],
      ],
    });
    // 2002-07-25 and 2008-01-25 reach both levels of a long and of a short (20 such bars in the run): the stop fills.
    const long = result.trades[128];
    expect([long?.side, long?.exitReason, long?.exitTime]).toEqual(['long', 'stop-loss', at('2002-07-25')]);
    expectClose(long?.quantity, 55.966136067400456);
    expectClose(long?.exitPrice, 834.99569307);
    expectClose(long?.pnl, -565.970177841257);
    const short = result.trades[382];
    expect([short?.side, short?.exitReason, short?.exitTime]).toEqual(['short', 'stop-loss', at('2008-01-25')]);
    expectClose(short?.quantity, 15.803821376280267);
    expectClose(short?.exitPrice, 1365.5906454600001);
    expectClose(short?.pnl, -256.62814169700005);
  });

  it('five Dow 30 stocks, percent-of-cash 60 % with shorts held against it, fixed commission', async () => {
    const result = runBacktest({
      series: await series('dow30', ['IBM', 'MSFT', 'KO', 'GE', 'XOM']),
      strategy: probe(2, 9, 0.02, 0.02),
      sizing: { kind: 'percent-of-cash', percent: 60 },
      commission: { kind: 'fixed', amount: 3 },
      slippage: { kind: 'bps', bps: 10 },
      checkInvariants: true,
    });
    expectGolden(result, {
      finalEquity: 2890.0816100031448,
      finalCash: 1607.2816100031448,
      fills: 6895,
      trades: 3446,
      commission: 20685,
      slippage: 56939.70838999687,
      pnl: -97103.035629997,
      reasons: { entry: 3449, 'stop-loss': 1291, 'take-profit': 1264, exit: 891 },
      equityAt: [
        [1000, 56281.7434400022],
        [2500, 3108.290280003141],
      ],
    });
  });

  it('four Dow 30 stocks, a portfolio strategy going long, short and flipping between them', async () => {
    const result = runBacktest({
      series: await series('dow30', ['IBM', 'MSFT', 'KO', 'GE']),
      strategy: cyclingWeights(0.4, 10),
      commission: { kind: 'percent', rate: 0.001 },
      slippage: { kind: 'bps', bps: 5 },
      checkInvariants: true,
    });
    expectGolden(result, {
      finalEquity: 50007.30472615683,
      finalCash: 72383.50472615683,
      fills: 1011,
      trades: 672,
      commission: 34425.866178845,
      slippage: 17212.939094998084,
      pnl: -53498.37596999812,
      reasons: { rebalance: 1011 },
      equityAt: [
        [1000, 49526.84346265588],
        [2500, 51017.407896456774],
      ],
    });
    // The first trade is closed by a flip: 4,858 KO bought on 1991-01-02, the long closed by a larger sale.
    const flip = result.trades[0];
    expect([flip?.symbol, flip?.side, flip?.quantity, flip?.exitTime]).toEqual(['KO', 'long', 4858, at('1991-01-16')]);
    expectClose(flip?.entryPrice, 9.88494);
    expectClose(flip?.exitPrice, 9.785105);
    expectClose(flip?.commission, 95.55707861);
    expectClose(flip?.pnl, -580.5555086100028);
  });
});
