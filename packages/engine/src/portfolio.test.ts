import { allocateBarSeries, createMemoryLogger } from '@ensemble/protocol';
import type { CalendarPeriod, PortfolioContext, PortfolioStrategy } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { day, fixedWeights, seriesOf } from '../test/helpers';
import { runBacktest } from './backtest-engine';

/** A close-only series (open = high = low = close) on the given dates. */
function closes(symbol: string, rows: readonly (readonly [string, number])[]) {
  return seriesOf(
    symbol,
    rows.map(([date, close]) => [date, close, close, close, close] as const),
  );
}

const dates = ['2024-01-02', '2024-01-15', '2024-02-01', '2024-02-15', '2024-03-01', '2024-03-15'];
const A = closes('A', dates.map((date, i) => [date, [100, 110, 120, 90, 100, 105][i] ?? 0] as const));
const B = closes('B', dates.map((date, i) => [date, [50, 50, 40, 45, 50, 55][i] ?? 0] as const));

describe('a 50/50 portfolio rebalanced monthly at the close, fractional units', () => {
  const result = runBacktest({
    series: [A, B],
    strategy: fixedWeights({ A: 0.5, B: 0.5 }, { kind: 'calendar', period: 'month' }),
    cash: 10_000,
    fill: 'close',
    fractional: true,
    checkInvariants: true,
  });

  it('rebalances on the first step and the first step of each month', () => {
    expect(result.rebalances).toEqual([day('2024-01-02'), day('2024-02-01'), day('2024-03-01')]);
    expect(result.options.rebalance).toEqual({ kind: 'calendar', period: 'month' });
  });

  it('trades the difference to the targets, sells first', () => {
    // 01-02: equity 10 000 → A 5000 / 100 = 50, B 5000 / 50 = 100.
    // 02-01: equity 50 × 120 + 100 × 40 = 10 000 → A 5000 / 120 = 41.667 (sell 8.333),
    //        B 5000 / 40 = 125 (buy 25).
    // 03-01: equity 41.667 × 100 + 125 × 50 = 10 416.667 → A 5208.333 / 100 = 52.083 (buy 10.417),
    //        B 5208.333 / 50 = 104.167 (sell 20.833), the sale first.
    const trades = result.fills.map((f) => [f.time, f.symbol, f.side, f.quantity, f.price, f.reason]);
    const expected = [
      [day('2024-01-02'), 'A', 'buy', 50, 100, 'rebalance'],
      [day('2024-01-02'), 'B', 'buy', 100, 50, 'rebalance'],
      [day('2024-02-01'), 'A', 'sell', 50 - 5000 / 120, 120, 'rebalance'],
      [day('2024-02-01'), 'B', 'buy', 25, 40, 'rebalance'],
      [day('2024-03-01'), 'B', 'sell', 125 - 1250 / 12, 50, 'rebalance'],
      [day('2024-03-01'), 'A', 'buy', 625 / 12 - 5000 / 120, 100, 'rebalance'],
    ];
    expect(trades).toHaveLength(expected.length);
    trades.forEach((row, k) => {
      const want = expected[k] ?? [];
      expect(row.slice(0, 3)).toEqual(want.slice(0, 3));
      expect(row[3]).toBeCloseTo(want[3] as number, 9);
      expect(row.slice(4)).toEqual(want.slice(4));
    });
  });

  it('records equity by hand', () => {
    // 01-15: 50 × 110 + 100 × 50 = 10 500; 02-15: 41.667 × 90 + 125 × 45 = 3750 + 5625 = 9375
    // 03-15: (625 / 12) × 105 + (1250 / 12) × 55 = 134 375 / 12 = 11 197.916…
    const want = [10_000, 10_500, 10_000, 9375, 125_000 / 12, 134_375 / 12];
    Array.from(result.equity.equity).forEach((value, k) => { expect(value).toBeCloseTo(want[k] ?? Number.NaN, 8); });
    for (const cash of result.equity.cash) expect(Math.abs(cash)).toBeLessThan(1e-9);
    expect(result.finalEquity).toBeCloseTo(134_375 / 12, 8);
    expect(result.openPositions.map((p) => [p.symbol, p.quantity])).toEqual([
      ['A', expect.closeTo(625 / 12, 9)],
      ['B', expect.closeTo(1250 / 12, 9)],
    ]);
  });

  it('closes partial trades on the sales, with the entry price of the remaining lot', () => {
    // 02-01 sells 8.333 A bought at 100 for 120: pnl 8.333 × 20 = 166.67
    expect(result.trades[0]).toEqual(expect.objectContaining({ symbol: 'A', side: 'long', entryPrice: 100, exitPrice: 120 }));
    expect(result.trades[0]?.pnl).toBeCloseTo((50 - 5000 / 120) * 20, 9);
  });
});

describe('portfolio rules', () => {
  it('trades whole units when not fractional (targets truncated toward zero)', () => {
    const result = runBacktest({ series: [A, B], strategy: fixedWeights({ A: 0.5, B: 0.5 }, { kind: 'never' }), cash: 10_010, fill: 'close' });
    // 5005 / 100 = 50.05 → 50; 5005 / 50 = 100.1 → 100
    expect(result.fills.map((f) => f.quantity)).toEqual([50, 100]);
    expect(result.finalCash).toBe(10);
  });

  it('waits for warm-up and honours a run-level rebalance rule over the strategy’s own', () => {
    const result = runBacktest({
      series: [A, B],
      strategy: fixedWeights({ A: 1 }, { kind: 'calendar', period: 'month' }, { warmup: 2 }),
      rebalance: { kind: 'bars', every: 2 },
      cash: 10_000,
      fill: 'close',
      fractional: true,
    });
    // eligible from step 1 (2 steps visible), then every 2 steps: steps 1, 3, 5
    expect(result.rebalances).toEqual([day('2024-01-15'), day('2024-02-15'), day('2024-03-15')]);
  });

  it('fills next-open rebalances at the next bar’s open; a symbol without a bar waits for its next bar', () => {
    const a = seriesOf('A', [
      ['2024-01-01', 10, 10, 10, 10],
      ['2024-01-02', 11, 11, 11, 11],
      ['2024-01-03', 12, 12, 12, 12],
      ['2024-01-04', 13, 13, 13, 13],
    ]);
    const b = seriesOf('B', [
      ['2024-01-01', 20, 20, 20, 20],
      ['2024-01-03', 25, 25, 25, 25],
      ['2024-01-04', 26, 26, 26, 26],
    ]);
    const result = runBacktest({ series: [a, b], strategy: fixedWeights({ A: 0.5, B: 0.5 }, { kind: 'never' }), cash: 1000, checkInvariants: true });
    // decided 01-01 on closes 10 and 20: A 500 / 10 = 50, B 500 / 20 = 25.
    // A fills 01-02 at 11 (cash 450); B has no bar until 01-03, then 25 × 25 = 625 > 450 → shrinks to 18.
    expect(result.fills.map((f) => [f.symbol, f.time, f.quantity, f.price])).toEqual([
      ['A', day('2024-01-02'), 50, 11],
      ['B', day('2024-01-03'), 18, 25],
    ]);
    expect(result.orders.shrunk).toBe(1);
  });

  it('ignores (and logs) a weight for a symbol that has no bar yet', () => {
    const late = closes('C', [['2024-02-01', 10], ['2024-02-15', 10], ['2024-03-01', 10]]);
    const logger = createMemoryLogger();
    const result = runBacktest({
      series: [A, late],
      strategy: fixedWeights({ A: 0.5, C: 0.5 }, { kind: 'calendar', period: 'month' }),
      cash: 10_000,
      fill: 'close',
      fractional: true,
      logger,
    });
    // C is bought on its first bar (02-01), then rebalanced on 03-01; never before it has prices.
    expect(result.fills.filter((f) => f.symbol === 'C').map((f) => f.time)).toEqual([day('2024-02-01'), day('2024-03-01')]);
    expect(result.fills.filter((f) => f.symbol === 'A').map((f) => f.time)).toEqual([day('2024-01-02'), day('2024-02-01'), day('2024-03-01')]);
    expect(logger.records.find((r) => r.fields.event === 'weight-ignored')?.fields).toEqual(
      expect.objectContaining({ symbol: 'C', why: 'no-price-yet' }),
    );
  });

  it('warns once a run when the weights sum to more than 1, which the account cannot buy: the orders it shrinks or rejects are then explained', () => {
    const logger = createMemoryLogger();
    const result = runBacktest({ series: [A, B], strategy: fixedWeights({ A: 1.5, B: 1.5 }, { kind: 'calendar', period: 'month' }), cash: 10_000, fill: 'close', fractional: true, logger });
    const warnings = logger.records.filter((r) => r.fields.event === 'weights-over-equity');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toEqual(expect.objectContaining({ time: '2024-01-02T00:00:00.000Z', sum: 3, long: 3 }));
    expect(warnings[0]?.message).toContain('targetWeights returned weights summing to 3: more than the equity, and the account has no margin');
    // What it explains: A takes the whole cash, B gets nothing.
    expect(result.fills.filter((f) => f.symbol === 'B')).toEqual([]);
    // Longs funded by a short's proceeds sum to at most 1, and 1 exactly is no excess: no warning.
    for (const weights of [{ A: 1.2, B: -0.2 }, { A: 0.7, B: 0.3 }]) {
      const quiet = createMemoryLogger();
      const fine = runBacktest({ series: [A, B], strategy: fixedWeights(weights, { kind: 'calendar', period: 'month' }), cash: 10_000, fill: 'close', fractional: true, logger: quiet });
      expect(quiet.records.filter((r) => r.fields.event === 'weights-over-equity')).toEqual([]);
      expect(fine.orders).not.toHaveProperty('weightsOverEquity');
    }
  });

  it('counts the rebalances whose weights sum to more than 1, and the largest sum, in the result and its JSON, logger or not', () => {
    // 1.5 + 1.5 on the first rebalance, then 0.6 + 0.6 (1.2), then 0.5 + 0.5 (no excess), then 1.2 + 0.1.
    const sums = [
      { A: 1.5, B: 1.5 },
      { A: 0.6, B: 0.6 },
      { A: 0.5, B: 0.5 },
      { A: 1.2, B: 0.1 },
    ];
    let call = 0;
    const strategy: PortfolioStrategy = {
      id: 'varying',
      kind: 'portfolio',
      warmup: 1,
      rebalance: { kind: 'bars', every: 1 },
      targetWeights: () => sums[Math.min(call++, sums.length - 1)] ?? {},
    };
    const result = runBacktest({ series: [A, B], strategy, cash: 10_000, fill: 'close', fractional: true });
    // One a bar: every rebalance from the fourth on asks for 1.3, so all but the third are over the equity.
    expect(result.rebalances).toHaveLength(6);
    expect(result.orders.weightsOverEquity).toEqual({ rebalances: 5, maxSum: 3 });
    expect(result.orders.shrunk + result.orders.rejected).toBeGreaterThan(0);
    const json = JSON.parse(JSON.stringify(result)) as { orders: Record<string, unknown> };
    expect(json.orders.weightsOverEquity).toEqual({ rebalances: 5, maxSum: 3 });
    // The warning is once a run; the count is of every rebalance, with a logger as without one.
    call = 0;
    const logger = createMemoryLogger();
    const logged = runBacktest({ series: [A, B], strategy, cash: 10_000, fill: 'close', fractional: true, logger });
    expect(logged.orders.weightsOverEquity).toEqual(result.orders.weightsOverEquity);
    expect(logger.records.filter((r) => r.fields.event === 'weights-over-equity')).toHaveLength(1);
  });

  it('goes short on negative weights and the proceeds fund the longs', () => {
    const result = runBacktest({ series: [A, B], strategy: fixedWeights({ A: 1, B: -0.5 }, { kind: 'never' }), cash: 10_000, fill: 'close', fractional: true, checkInvariants: true });
    // sells first: B −5000 / 50 = −100 (cash 15 000), then A 10 000 / 100 = 100 (cash 5000)
    expect(result.fills.map((f) => [f.symbol, f.side, f.quantity])).toEqual([
      ['B', 'sell', 100],
      ['A', 'buy', 100],
    ]);
    // last step: 5000 + 100 × 105 − 100 × 55 = 10 000
    expect(result.finalEquity).toBeCloseTo(10_000, 9);
  });

  it('shows the strategy its positions, tradable symbols and histories', () => {
    const seen: string[] = [];
    const spy: PortfolioStrategy = {
      kind: 'portfolio',
      id: 'spy',
      warmup: 0,
      rebalance: { kind: 'calendar', period: 'month' },
      targetWeights: (context: PortfolioContext) => {
        const history = context.bars('A');
        seen.push(`${context.step}:${context.tradable.join('')}:${[...context.positions.keys()].join('')}:${history?.length ?? -1}:${context.account.equity}`);
        return { A: 1 };
      },
    };
    runBacktest({ series: [A, B], strategy: spy, cash: 1000, fill: 'close' });
    // step 0: no positions, 1 bar of A; step 2 (Feb): holding A (10 units bought at 100), 3 bars, 10 × 120
    expect(seen).toEqual(['0:AB::1:1000', '2:AB:A:3:1200', '4:AB:A:5:1000']);
  });
});

describe('a weight worth less than one whole unit', () => {
  it('holds nothing and is said once per symbol, not in silence', () => {
    const logger = createMemoryLogger();
    // 150 of cash: A's half (75) buys no unit at 100; B's (75) buys one at 50.
    const result = runBacktest({ series: [A, B], strategy: fixedWeights({ A: 0.5, B: 0.5 }, { kind: 'calendar', period: 'month' }), cash: 150, fill: 'close', logger });
    expect(result.fills.map((fill) => fill.symbol)).not.toContain('A');
    const warnings = logger.records.filter((record) => record.fields.event === 'weight-below-one-unit');
    expect(warnings.map((record) => [record.level, record.fields.symbol])).toEqual([['warn', 'A']]);
    expect(warnings[0]?.message).toContain('less than one whole unit, so it holds none');
    // It names the setting both ways: the backtest's flag and the run config's field.
    expect(warnings[0]?.message).toContain('--fractional, or "fractional": true in a run config');
  });
});

describe('calendar rebalancing on any timeline', () => {
  /** The period of `time` as `Date` has it (weeks start on Monday): equal exactly within one period. */
  function periodOf(time: number, period: CalendarPeriod): string {
    const date = new Date(time);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth();
    if (period === 'week') return String(Date.UTC(year, month, date.getUTCDate() - ((date.getUTCDay() + 6) % 7)));
    if (period === 'month') return `${String(year)}-${String(month)}`;
    if (period === 'quarter') return `${String(year)}-Q${String(Math.floor(month / 3))}`;
    return String(year);
  }

  // Steps from one minute to six weeks, and the last millisecond of a day: bars just before a
  // period's start and at it are where a rebalance rule could go wrong.
  const DAY = 86_400_000;
  const gap = fc.constantFrom(60_000, 3_600_000, DAY - 1, 1, DAY, 3 * DAY, 9 * DAY, 31 * DAY, 42 * DAY);
  const timeline = fc
    .record({ start: fc.integer({ min: Date.UTC(1990, 0, 1) / 60_000, max: Date.UTC(2030, 0, 1) / 60_000 }), gaps: fc.array(gap, { minLength: 1, maxLength: 120 }) })
    .map(({ start, gaps }) => {
      const times = [start * 60_000];
      for (const step of gaps) times.push((times.at(-1) ?? 0) + step);
      return times;
    });

  it('rebalances on the first step and then exactly on each step in another period than the last rebalance (property)', () => {
    fc.assert(
      fc.property(timeline, fc.constantFrom<CalendarPeriod>('week', 'month', 'quarter', 'year'), (times, period) => {
        const series = allocateBarSeries('A', times.length);
        times.forEach((time, i) => {
          series.time[i] = time;
          series.open[i] = series.high[i] = series.low[i] = series.close[i] = 100 + (i % 7);
        });
        const result = runBacktest({ series: [series], strategy: fixedWeights({ A: 0.5 }, { kind: 'calendar', period }), cash: 10_000, fill: 'close' });
        const expected: number[] = [];
        for (const time of times) {
          const last = expected.at(-1);
          if (last === undefined || periodOf(last, period) !== periodOf(time, period)) expected.push(time);
        }
        expect(result.rebalances).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});

