import { runBacktest } from '@ensemble/engine';
import type { BarSeries } from '@ensemble/protocol';
import { createStrategy, strategyRegistry } from '@ensemble/strategies';
import { describe, expect, it } from 'vitest';
import { runOrchestrator } from './orchestrator';

const DAY = 86_400_000;

/**
 * Two symbols on the weekdays from 2021-01-04 to 2021-03-05, every bar's prices equal: A grows
 * 0.2 % a day from 100 and B 0.4 % from 50, each with a wobble of 1 % and 2 % on alternate days,
 * and B has no bar on 2021-02-01 (its exchange closed that day), the first bar of February.
 */
function holidaySeries(): BarSeries[] {
  const days: number[] = [];
  for (let time = Date.UTC(2021, 0, 4); days.length < 45; time += DAY) {
    const weekday = new Date(time).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(time);
  }
  const holiday = Date.UTC(2021, 1, 1);
  const make = (symbol: string, start: number, growth: number, wobble: number, skip: number | null): BarSeries => {
    const times = days.filter((time) => time !== skip);
    const price = Float64Array.from(times, (time) => {
      const i = days.indexOf(time);
      return start * growth ** i * (1 + (i % 2 === 0 ? wobble : 0));
    });
    return { symbol, length: times.length, time: Float64Array.from(times), open: price, high: price, low: price, close: price, volume: new Float64Array(times.length).fill(1000) };
  };
  return [make('A', 100, 1.002, 0.01, null), make('B', 50, 1.004, 0.02, holiday)];
}

const FEBRUARY = Date.UTC(2021, 1, 1);
const MARCH = Date.UTC(2021, 2, 1);

describe('a portfolio strategy on a symbol with no bar on a rebalance day (equal-weight, inverse-volatility)', () => {
  for (const name of ['equal-weight', 'inverse-volatility'] as const) {
    for (const fractional of [true, false]) {
      it(`${name}, ${fractional ? 'fractional' : 'whole'} units: B is held through February, not sold at its next bar and bought back in March`, () => {
        const strategy = createStrategy(name, name === 'inverse-volatility' ? { lookback: 5 } : {});
        const result = runBacktest({ series: holidaySeries(), strategy, cash: 100_000, fractional });
        // The January rebalance bought both; the February one, on B's holiday, must leave B as it
        // is (it cannot trade that day), so nothing is sold there.
        const february = result.fills.filter((fill) => fill.time > FEBRUARY && fill.time < MARCH);
        expect(february.filter((fill) => fill.symbol === 'B' || fill.side === 'sell')).toEqual([]);
        const bought = result.fills.filter((fill) => fill.symbol === 'B' && fill.time < FEBRUARY);
        expect(bought).toHaveLength(1);
        if (name !== 'equal-weight') return;
        // Through February B is worth about half the equity (it was bought as half on 2021-01-05).
        const time = Array.from(result.equity.time);
        const step = time.indexOf(Date.UTC(2021, 1, 26));
        const series = holidaySeries()[1];
        const close = series?.close[Array.from(series.time).indexOf(Date.UTC(2021, 1, 26))] ?? Number.NaN;
        const share = ((bought[0]?.quantity ?? 0) * close) / (result.equity.equity[step] ?? Number.NaN);
        expect(share).toBeGreaterThan(0.45);
        expect(share).toBeLessThan(0.6);
      });
    }
  }

  it('a position in a symbol whose data ended keeps its weight: no sale that can never fill, every order placed fills', () => {
    // B's last bar is 2021-02-05; weekly rebalances after it used to order B sold (dropped at the
    // end, never filled, or rejected) and size A on the whole equity, B included.
    const [a, b] = holidaySeries();
    if (a === undefined || b === undefined) throw new Error('fixture');
    const end = Array.from(b.time).indexOf(Date.UTC(2021, 1, 5)) + 1;
    const ended: BarSeries = { ...b, length: end, time: b.time.slice(0, end), open: b.open.slice(0, end), high: b.high.slice(0, end), low: b.low.slice(0, end), close: b.close.slice(0, end), volume: b.volume.slice(0, end) };
    for (const name of ['equal-weight', 'inverse-volatility'] as const) {
      const strategy = createStrategy(name, name === 'inverse-volatility' ? { lookback: 5, rebalance: 'week' } : { rebalance: 'week' });
      const result = runBacktest({ series: [a, ended], strategy, cash: 100_000, fractional: true, fill: 'close' });
      // Every order placed filled: none shrunk, rejected or dropped.
      expect(result.orders).toMatchObject({ shrunk: 0, rejected: 0, dropped: 0 });
      expect(result.fills.filter((fill) => fill.symbol === 'B' && fill.time > Date.UTC(2021, 1, 5))).toEqual([]);
    }
  });

  it('an equal-weight sleeve of `ensemble run` keeps B too', () => {
    const result = runOrchestrator(
      { data: { dataset: 'test' }, cash: 100_000, fractional: true, rebalance: { schedule: 'never' }, strategies: [{ id: 'ew', strategy: 'equal-weight', symbols: ['A', 'B'] }] },
      holidaySeries(),
      { registry: strategyRegistry },
    );
    const sleeve = result.sleeves[0];
    expect(sleeve?.fills.filter((fill) => fill.time > FEBRUARY && fill.time < MARCH && (fill.symbol === 'B' || fill.side === 'sell'))).toEqual([]);
  });
});

describe('a portfolio strategy on a symbol closed on a rebalance day that it does not hold yet', () => {
  // B's history starts on Wednesday 2021-01-27 and it has no bar on 2021-02-01, the first bar of
  // February: the January rebalances had no B to buy, and February's is on B's holiday. A bt or
  // LEAN user expects B's share ordered then, filled at its next bar (2021-02-02), not a month of
  // A alone until March.
  function lateSeries(): BarSeries[] {
    const [a, b] = holidaySeries();
    if (a === undefined || b === undefined) throw new Error('fixture');
    const from = Array.from(b.time).indexOf(Date.UTC(2021, 0, 27));
    const cut = (column: Float64Array) => column.slice(from);
    return [a, { ...b, length: b.length - from, time: cut(b.time), open: cut(b.open), high: cut(b.high), low: cut(b.low), close: cut(b.close), volume: cut(b.volume) }];
  }
  // The fixture's prices by its formula, on weekday i from 2021-01-04.
  const price = (start: number, growth: number, wobble: number, day: number) => start * growth ** day * (1 + (day % 2 === 0 ? wobble : 0));
  const A = (day: number) => price(100, 1.002, 0.01, day);
  const B = (day: number) => price(50, 1.004, 0.02, day);
  // Weekday indices: 2021-01-05 is 1, 2021-01-29 is 19, 2021-02-01 is 20, 2021-02-02 is 21.

  for (const name of ['equal-weight', 'inverse-volatility'] as const) {
    it(`${name}: B's share is ordered on its holiday and filled at its next open`, () => {
      const strategy = createStrategy(name, name === 'inverse-volatility' ? { lookback: 2 } : {});
      const result = runBacktest({ series: lateSeries(), strategy, cash: 100_000, fractional: true });
      const b = result.fills.filter((fill) => fill.symbol === 'B');
      expect(b[0]?.time).toBe(Date.UTC(2021, 1, 2));
      expect(b[0]?.side).toBe('buy');
      expect(b[0]?.price).toBeCloseTo(B(21), 9);
      if (name !== 'equal-weight') return;
      // January's rebalance (the close of 2021-01-04, before B had a bar) sizes A on all 100,000 at
      // A's close, bought at the next open. On 2021-02-01 half the equity goes to each: A sells
      // down to half at its close, B's order is half at its last close (2021-01-29). Both fill at
      // the open of 2021-02-02, where B's price has risen, so B's buy is shrunk to the cash.
      const units = 100_000 / A(0);
      const cash = 100_000 - units * A(1);
      const equity = units * A(20) + cash;
      const sold = units - (0.5 * equity) / A(20);
      const a = result.fills.filter((fill) => fill.symbol === 'A' && fill.time === Date.UTC(2021, 1, 2));
      expect(a.map((fill) => [fill.side, fill.quantity])).toEqual([['sell', expect.closeTo(sold, 9)]]);
      expect((0.5 * equity) / B(19)).toBeGreaterThan(b[0]?.quantity ?? Number.NaN);
      expect(b[0]?.quantity).toBeCloseTo((cash + sold * A(21)) / B(21), 9);
    });
  }
});
