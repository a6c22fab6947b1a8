import { createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { seriesOf, testRegistry } from '../test/helpers';
import { parseRunConfig } from './config';
import type { RunConfigInput } from './config';
import { runOrchestrator } from './orchestrator';
import { serializeOrchestratorResult } from './result/json';
import { Orchestration } from './run/step-loop';

/** Daily bars from 2021-01-04 with open = high = low = close. */
function flat(symbol: string, closes: readonly number[]) {
  return seriesOf(
    symbol,
    closes.map((close, i) => [new Date(Date.UTC(2021, 0, 4) + i * 86_400_000).toISOString().slice(0, 10), close, close, close, close] as const),
  );
}

// A short sleeve squeezed past its capital, beside a sleeve that holds cash. 2,000 of cash, equal
// weights: 1,000 each. With fills at the close the short sells 100 units at 10 on bar 0 (cash
// 2,000, position −1,000). Its equity is 2,000 − 100 × price: 1,000 at 10, −2,000 at 40, where
// it is margin-called: the 100 units are bought back at that close, 40, and it holds −2,000 of
// cash from then on. The portfolio (its sleeves, no reserve) is 1,000 more: 2,000, 2,000, −1,000,
// −1,000, −1,000. Before the margin call the short stayed open and the portfolio "recovered" to 0
// and 1,000 as the price fell back to 30 and 20.
const squeeze = {
  data: { dataset: 'test' },
  cash: 2000,
  fill: 'close',
  rebalance: { schedule: 'never' },
  strategies: [
    { id: 'short', strategy: 'scripted', params: { enterAt: [0], side: 'short' }, symbols: ['S'] },
    { id: 'idle', strategy: 'scripted', params: {}, symbols: ['S'] },
  ],
} as const;
const squeezed = flat('S', [10, 10, 40, 30, 20]);
// The squeeze beside a long of 100 units of T bought at 10. With T at 10 on bar 2 the portfolio
// is −2,000 + 1,000 = −1,000 there: margin-called as a whole. With T at 20 on bars 2 and 3 it is
// worth exactly nothing (−2,000 + 2,000), and at 50 on bar 4 −2,000 + 5,000 = 3,000 again.
const rescue = { ...squeeze, strategies: [squeeze.strategies[0], { id: 'long', strategy: 'scripted', params: { enterAt: [0] }, symbols: ['T'] }] } as const;
const rising = flat('T', [10, 10, 10, 10, 50]);
const level = flat('T', [10, 10, 20, 20, 50]);

describe('a portfolio whose equity reaches zero or below', () => {
  it('margin-calls the sleeve whose equity falls below zero: its short is closed at that close', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(squeeze, [squeezed], { registry: testRegistry, logger });
    const [short, idle] = result.sleeves;
    expect(short?.fills.map((fill) => [fill.time, fill.side, fill.quantity, fill.price, fill.reason])).toEqual([
      [squeezed.time[0], 'sell', 100, 10, 'entry'],
      [squeezed.time[2], 'buy', 100, 40, 'margin-call'],
    ]);
    expect(Array.from(short?.equity.equity ?? [])).toEqual([1000, 1000, -2000, -2000, -2000]);
    expect(Array.from(short?.equity.cash ?? [])).toEqual([2000, 2000, -2000, -2000, -2000]);
    expect(Array.from(idle?.equity.equity ?? [])).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(result.portfolio.trades.map((trade) => [trade.pnl, trade.exitReason])).toEqual([[-3000, 'margin-call']]);
    expect(logger.records.filter((record) => record.fields.event === 'margin-call').map((record) => [record.fields.strategy, record.fields.equity])).toEqual([['short', -2000]]);
  });

  // By hand, shared mode, fills at the close, policy net: the short's shadow (1,000) sells 100 at
  // 10; the vote (−1 and a flat idle, equal weights) targets −½ of the 2,000 account: 100 sold
  // short at 10, cash 3,000. At 25 the shadow is worth 2,000 − 2,500 = −500 and is margin-called;
  // the shared account, worth 3,000 − 2,500 = 500, lives on. The strategy alone holds nothing
  // now, so its wish is withdrawn and the shared account buys its 100 back at that close: cash
  // and equity 500 to the end. Before, the short's wish stood and the shared account stayed short
  // (1,000 and 2,000 as the price fell to 20 and 10) on a position no strategy held.
  it('withdraws the vote of a shadow margin-called in shared mode: the shared account closes what it held for it', () => {
    const result = runOrchestrator({ ...squeeze, mode: 'shared' }, [flat('S', [10, 10, 25, 20, 10])], { registry: testRegistry });
    const time = squeezed.time;
    expect(result.portfolio.fills.map((fill) => [fill.time, fill.side, fill.quantity, fill.price])).toEqual([
      [time[0], 'sell', 100, 10],
      [time[2], 'buy', 100, 25],
    ]);
    expect(Array.from(result.portfolio.equity.equity)).toEqual([2000, 2000, 500, 500, 500]);
    expect(result.halted).toBeNull();
  });

  it('has no sleeve weights while it is worth zero or less: NaN in the column, null in the JSON', () => {
    const result = runOrchestrator(squeeze, [squeezed], { registry: testRegistry });
    expect(Array.from(result.portfolio.equity.equity)).toEqual([2000, 2000, -1000, -1000, -1000]);
    const [short, idle] = result.sleeves;
    expect(Array.from(short?.weight ?? [])).toEqual([0.5, 0.5, Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(idle?.weight ?? [])).toEqual([0.5, 0.5, Number.NaN, Number.NaN, Number.NaN]);
    const json = serializeOrchestratorResult(result);
    expect(json.sleeves[0]?.equity.map((point) => point.weight)).toEqual([0.5, 0.5, null, null, null]);
    // The contribution of a bar after one the portfolio ended at zero or below is undefined too:
    // −3,000 of P&L on a portfolio of 2,000 on bar 2.
    expect(json.sleeves[0]?.equity.map((point) => point.contribution)).toEqual([0, 0, -1.5, null, null]);
    expect(JSON.stringify(json)).not.toMatch(/NaN|Infinity/);
  });

  it('averages the weights of the diversification ratio over the bars where they are defined', () => {
    // The short beside a long of 10 units bought at 100 on T: 1,000, 1,010, 1,020. The short is
    // margin-called at −2,000 on bar 2, which leaves the portfolio at −980: it is margin-called as
    // a whole at that close, the long's 10 units sold at 102, and holds −980 from then on. Weights
    // are defined on bars 0 and 1.
    const closes = [100, 101, 102, 100, 101];
    const result = runOrchestrator(
      { ...squeeze, strategies: [squeeze.strategies[0], { id: 'long', strategy: 'scripted', params: { enterAt: [0] }, symbols: ['T'] }] },
      [squeezed, flat('T', closes)],
      { registry: testRegistry },
    );
    expect(Array.from(result.portfolio.equity.equity)).toEqual([2000, 2010, -980, -980, -980]);
    // By hand: the short's returns 0, 0, −3 (then undefined), the long's 0, 0.01, 1,020/1,010 − 1,
    // 0, 0 (cash from bar 2 on); each σ (ddof 1) over the sleeve's own finite returns, their
    // correlation over the bars where both are finite, and the covariance that goes with those σs
    // ρ·σ_short·σ_long (the covariance over the common bars beside σs over other bars can describe
    // no portfolio: see "the diversification ratio of sleeves whose returns cover different bars").
    const short = [0, 0, -3];
    const long = [0, 0.01, 1020 / 1010 - 1, 0, 0];
    const moments = (x: readonly number[], y: readonly number[]) => {
      const mx = x.reduce((a, b) => a + b, 0) / x.length;
      const my = y.reduce((a, b) => a + b, 0) / y.length;
      return x.reduce((sum, value, i) => sum + (value - mx) * ((y[i] ?? 0) - my), 0) / (x.length - 1);
    };
    const varianceShort = moments(short, short);
    const varianceLong = moments(long, long);
    const common = long.slice(0, 3);
    const correlation = moments(short, common) / Math.sqrt(moments(short, short) * moments(common, common));
    const covariance = correlation * Math.sqrt(varianceShort * varianceLong);
    const weightShort = (0.5 + 1000 / 2010) / 2;
    const weightLong = (0.5 + 1010 / 2010) / 2;
    const expected =
      (weightShort * Math.sqrt(varianceShort) + weightLong * Math.sqrt(varianceLong)) /
      Math.sqrt(weightShort ** 2 * varianceShort + 2 * weightShort * weightLong * covariance + weightLong ** 2 * varianceLong);
    expect(result.diversificationRatio).toBeCloseTo(expected, 12);
  });

  it("margin-calls the portfolio as a whole when a sleeve's debt leaves it below zero: the other sleeves closed, trading halted", () => {
    // Bar 2: the short margin-called at −2,000, the long's 100 units of T worth 1,000: the
    // portfolio is −1,000, and its long is sold at that close, 10. It holds −1,000 from then on;
    // before, the long stayed open, and the portfolio "recovered" to 3,000 as T rose to 50.
    const logger = createMemoryLogger();
    const result = runOrchestrator(rescue, [squeezed, rising], { registry: testRegistry, logger });
    const [short, long] = result.sleeves;
    expect(Array.from(result.portfolio.equity.equity)).toEqual([2000, 2000, -1000, -1000, -1000]);
    expect(long?.fills.map((fill) => [fill.time, fill.side, fill.quantity, fill.price, fill.reason])).toEqual([
      [squeezed.time[0], 'buy', 100, 10, 'entry'],
      [squeezed.time[2], 'sell', 100, 10, 'margin-call'],
    ]);
    expect(Array.from(short?.equity.equity ?? [])).toEqual([1000, 1000, -2000, -2000, -2000]);
    expect(result.halted).toEqual({ time: squeezed.time[2], reason: 'margin-call' });
    const called = logger.records.filter((record) => record.fields.event === 'portfolio-margin-call');
    expect(called.map((record) => [record.level, record.fields.equity, record.fields.after])).toEqual([['warn', -1000, -1000]]);
  });

  it('skips a rebalance while the portfolio is worth zero or less: no capital moves, a warning says why, the next one runs', () => {
    // A rebalance every 2 bars fires on bar 2 (portfolio 0: skipped) and bar 4 (3,000). The
    // long keeps its book through bar 2 — moving to targets of 0.5 × 0 would have sold it out to
    // lend the short its cash. On bar 4 the targets are 1,500 each: the long gives 3,500 (70 of
    // its 100 units at 50), the margin-called short (−2,000 in cash) takes it and is worth 1,500.
    const logger = createMemoryLogger();
    const result = runOrchestrator({ ...rescue, rebalance: { schedule: { everyBars: 2 } } }, [squeezed, level], { registry: testRegistry, logger });
    const [short, long] = result.sleeves;
    expect(Array.from(result.portfolio.equity.equity)).toEqual([2000, 2000, 0, 0, 3000]);
    expect(result.rebalances.map((event) => event.time)).toEqual([squeezed.time[0], squeezed.time[4]]);
    expect(Array.from(long?.equity.equity ?? [])).toEqual([1000, 1000, 2000, 2000, 1500]);
    expect(Array.from(short?.equity.equity ?? [])).toEqual([1000, 1000, -2000, -2000, 1500]);
    expect(result.rebalances[1]?.transfers).toEqual({ short: 3500, long: -3500 });
    expect(result.halted).toBeNull();
    const skipped = logger.records.filter((record) => record.fields.event === 'rebalance-skipped');
    expect(skipped.map((record) => [record.level, record.fields.equity, record.fields.why])).toEqual([['warn', 0, 'no-capital']]);
    expect(JSON.stringify(serializeOrchestratorResult(result))).not.toMatch(/NaN|Infinity/);
  });

  it('warns once for a stretch of skipped rebalances, then again after capital moved', () => {
    // Every bar: bars 2 and 3 (worth 0) are skipped — a warning, then a debug line — bar 4 (3,000)
    // moves capital.
    const logger = createMemoryLogger();
    const result = runOrchestrator({ ...rescue, rebalance: { schedule: { everyBars: 1 } } }, [squeezed, level], { registry: testRegistry, logger });
    const skipped = logger.records.filter((record) => record.fields.event === 'rebalance-skipped');
    expect(skipped.map((record) => [record.level, record.fields.equity])).toEqual([
      ['warn', 0],
      ['debug', 0],
    ]);
    expect(result.rebalances.map((event) => event.time)).toEqual([squeezed.time[0], squeezed.time[1], squeezed.time[4]]);
  });

  it('halts a shared-mode run whose shared account is margin-called: no vote is turned into an order again', () => {
    // Shared mode, fills at the close: the shared account (2,000) sells the short shadow's 100
    // units of S at 10 (cash 3,000); at 40 it is worth 3,000 − 4,000 = −1,000 and is
    // margin-called: bought back at 40, cash −1,000. On bar 3 the other shadow, worth its 1,000,
    // goes long U at 10. Before, the shared account voted on: its target for U, a long of
    // ½ × its equity, is ½ × −1,000 / 10 = −50 units — a short sale of 50, which needs no cash,
    // made on the debt of an account a broker had closed.
    const unmoved = flat('U', [10, 10, 10, 10, 10]);
    const config = {
      ...squeeze,
      mode: 'shared',
      conflictPolicy: 'net',
      strategies: [squeeze.strategies[0], { id: 'later', strategy: 'scripted', params: { enterAt: [3] }, symbols: ['U'] }],
    } as const;
    const result = runOrchestrator(config, [squeezed, unmoved], { registry: testRegistry });
    expect(result.portfolio.fills.map((fill) => [fill.symbol, fill.time, fill.side, fill.quantity, fill.price, fill.reason])).toEqual([
      ['S', squeezed.time[0], 'sell', 100, 10, 'entry'],
      ['S', squeezed.time[2], 'buy', 100, 40, 'margin-call'],
    ]);
    expect(Array.from(result.portfolio.equity.equity)).toEqual([2000, 2000, -1000, -1000, -1000]);
    expect(result.halted).toEqual({ time: squeezed.time[2], reason: 'margin-call' });
    expect(serializeOrchestratorResult(result).halted?.reason).toBe('margin-call');
  });

  it('records a shared-mode rebalance decided while the shadows are worth zero or less with null weights before', () => {
    // Shared mode moves no capital: a rebalance only sets the voting weights, and is recorded;
    // the shadow sleeves' shares of a whole worth zero or less are undefined. Under "veto" the idle
    // shadow's flat vote keeps the shared account out of the short, so it is not margin-called
    // (under "net" it follows the short, is margin-called on bar 2 and halts before the rebalance).
    const result = runOrchestrator({ ...squeeze, mode: 'shared', conflictPolicy: 'veto', rebalance: { schedule: { everyBars: 2 } } }, [squeezed], { registry: testRegistry });
    expect(result.halted).toBeNull();
    expect(Array.from(result.portfolio.equity.equity)).toEqual([2000, 2000, 2000, 2000, 2000]);
    const atBar2 = result.rebalances.find((event) => event.time === squeezed.time[2]);
    expect(atBar2?.weightsBefore).toEqual({ short: null, idle: null });
    expect(atBar2?.targetWeights).toEqual({ short: 0.5, idle: 0.5 });
    expect(JSON.stringify(serializeOrchestratorResult(result))).not.toMatch(/NaN|Infinity/);
  });
});

describe('a sleeve whose book a price jump multiplies or wipes out by 1e9 or more', () => {
  // 1,000 per sleeve, fills at the close. The short sells 100 units at 10; at 1e12 it is worth
  // 2,000 − 100 × 1e12 = −99,999,999,998,000: a return of −99,999,999,998,000 / 1,000 − 1 =
  // −99,999,999,999. The long buys 100 units at 10; at 1e12 it is worth 1e14: a return of
  // 1e14 / 1,000 − 1 = 99,999,999,999. Both books are real (1,000 of equity against 1,000 of
  // positions), not an emptied sleeve's rounding dust: the returns are measured.
  const jump = flat('J', [10, 10, 1e12, 1e12]);
  const config = {
    data: { dataset: 'test' },
    cash: 2000,
    fill: 'close',
    rebalance: { schedule: 'never' },
    strategies: [
      { id: 'short', strategy: 'scripted', params: { enterAt: [0], side: 'short' }, symbols: ['J'] },
      { id: 'long', strategy: 'scripted', params: { enterAt: [0] }, symbols: ['J'] },
    ],
  } as const;

  it('has that return on the bar of the jump', () => {
    const result = runOrchestrator(config, [jump], { registry: testRegistry });
    const [short, long] = result.sleeves;
    expect(Array.from(short?.equity.equity ?? [])).toEqual([1000, 1000, -99_999_999_998_000, -99_999_999_998_000]);
    expect(Array.from(short?.returns ?? [])).toEqual([0, 0, -99_999_999_999, Number.NaN]);
    expect(Array.from(long?.returns ?? [])).toEqual([0, 0, 99_999_999_999, 0]);
  });

  it('is measured on its time-weighted index with that return when capital moved later', () => {
    // A rebalance on bar 3 moves capital (the portfolio is worth 1e14 − 99,999,999,998,000 +
    // … > 0); the sleeves are then measured on their time-weighted indices from 1,000, whose
    // step on bar 2 is the jump's return: the short's index is 1,000 × (1 − 99,999,999,999 − 1)
    // = −99,999,999,998,000, a total return of −99,999,999,999 (it read 0 when the step was
    // taken for dust).
    const result = runOrchestrator({ ...config, rebalance: { schedule: { everyBars: 3 } } }, [jump], { registry: testRegistry });
    const [short, long] = result.sleeves;
    expect(result.rebalances.length).toBe(2);
    expect(short?.metrics.metrics.totalReturn).toBe(-99_999_999_999);
    expect(short?.metrics.metrics.maxDrawdown).toBe(-99_999_999_999);
    expect(long?.metrics.metrics.totalReturn).toBe(99_999_999_999);
  });
});

describe('the portfolio audit (checkInvariants) of sleeves whose amounts dwarf the portfolio', () => {
  it('compares Σ sleeves + reserve with the rebuilt ledger at the scale of the amounts summed', () => {
    // 1,000 per sleeve, fills at the close: the short sells and the long buys 1e11 units at 1e-8.
    // At 1e12 the short is worth 2,000 − 1e23 and the long 1e23: in doubles (1e23's spacing is
    // 2^24) both round to ∓D, the double nearest 1e23, and their sum is 0, where the ledger
    // (2,000 of cash, net position 0) gives 2,000. The difference is 2e-20 of the amounts summed:
    // rounding, not a broken ledger.
    const jump = flat('J', [1e-8, 1e-8, 1e12, 1e12]);
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        cash: 2000,
        fill: 'close',
        checkInvariants: true,
        rebalance: { schedule: 'never' },
        strategies: [
          { id: 'short', strategy: 'scripted', params: { enterAt: [0], side: 'short' }, symbols: ['J'] },
          { id: 'long', strategy: 'scripted', params: { enterAt: [0] }, symbols: ['J'] },
        ],
      },
      [jump],
      { registry: testRegistry },
    );
    expect(Array.from(result.portfolio.equity.equity)).toEqual([2000, 2000, 0, 0]);
  });
});

// Two buy-and-hold sleeves under leverage 2: each is given the portfolio's whole 1,000 (equal
// weights summing to 2), the reserve lends the other 1,000 (−1,000). Each buys 10 units at 100.
// With the price at 40 each sleeve is worth 400, more than nothing, and the portfolio
// 400 + 400 − 1,000 = −200: margin-called as a whole at that close, both sold at 40, −200 from
// then on. Before, it held on through −500 at 25 and "recovered" to +1,400 at 120.
const leveraged = {
  data: { dataset: 'test' },
  cash: 1000,
  fractional: true,
  allocation: { scheme: 'equal', leverage: 2 },
  rebalance: { schedule: 'never' },
  strategies: [
    { id: 'a', strategy: 'scripted', params: { enterAt: [0] }, symbols: ['L'] },
    { id: 'b', strategy: 'scripted', params: { enterAt: [0] }, symbols: ['L'] },
  ],
} as const satisfies RunConfigInput;
const crash = flat('L', [100, 100, 40, 25, 60, 120]);

function leveragedRun(config: RunConfigInput, blocks: boolean) {
  const options = { registry: testRegistry };
  return new Orchestration(parseRunConfig(config, options), testRegistry, [crash], options, blocks).run();
}

describe('a portfolio that has lent its sleeves more than it holds (leverage)', () => {
  it('is margin-called as a whole when it falls below zero while each sleeve is worth more than nothing', () => {
    for (const fill of ['close', 'next-open'] as const) {
      const logger = createMemoryLogger();
      const result = runOrchestrator({ ...leveraged, fill }, [crash], { registry: testRegistry, logger });
      expect(Array.from(result.portfolio.equity.equity)).toEqual([1000, 1000, -200, -200, -200, -200]);
      for (const sleeve of result.sleeves) {
        expect(sleeve.fills.map((entry) => [entry.time, entry.side, entry.quantity, entry.price, entry.reason])).toEqual([
          [crash.time[fill === 'close' ? 0 : 1], 'buy', 10, 100, 'entry'],
          [crash.time[2], 'sell', 10, 40, 'margin-call'],
        ]);
        expect(Array.from(sleeve.equity.equity)).toEqual([1000, 1000, 400, 400, 400, 400]);
      }
      expect(result.halted).toEqual({ time: crash.time[2], reason: 'margin-call' });
      const called = logger.records.filter((record) => record.fields.event === 'portfolio-margin-call');
      expect(called.map((record) => [record.fields.equity, record.fields.reserve, record.fields.after])).toEqual([[-200, -1000, -200]]);
      // No sleeve was below zero: neither was margin-called on its own.
      expect(logger.records.filter((record) => record.fields.event === 'margin-call')).toEqual([]);
    }
  });

  it('is margin-called at the same close when its sleeves step in blocks, with the bar-by-bar result', () => {
    const config = { ...leveraged, fill: 'next-open' } as const;
    const blocks = leveragedRun(config, true);
    expect(Array.from(blocks.portfolio.equity.equity)).toEqual([1000, 1000, -200, -200, -200, -200]);
    expect(JSON.stringify(serializeOrchestratorResult(blocks))).toBe(JSON.stringify(serializeOrchestratorResult(leveragedRun(config, false))));
  });

  it('runs on while it is worth more than nothing: a fall it survives is not a margin call', () => {
    // At 55 the portfolio is 550 + 550 − 1,000 = 100; at 120 it is 1,400.
    const survived = flat('L', [100, 100, 55, 70, 90, 120]);
    const result = runOrchestrator({ ...leveraged, fill: 'close' }, [survived], { registry: testRegistry });
    expect(Array.from(result.portfolio.equity.equity)).toEqual([1000, 1000, 100, 400, 800, 1400]);
    expect(result.halted).toBeNull();
  });
});
