import { barSeriesFromCloses, createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/helpers';
import type { RunConfigInput } from '../config';
import { runOrchestrator } from '../orchestrator';

const DAY = 86_400_000;
const BARS = 41;
const times = Array.from({ length: BARS }, (_, t) => Date.UTC(2021, 0, 1) + t * DAY);
// DOWN loses about 1 % a bar, UP gains about 1 % (a small zig-zag, so that σ is not 0).
const closes = (drift: number): number[] => times.map((_, t) => 100 * (1 + drift) ** t * (1 + 0.002 * (t % 2)));
const series = [barSeriesFromCloses('DOWN', times, closes(-0.01)), barSeriesFromCloses('UP', times, closes(0.01))];

const CONFIG: RunConfigInput = {
  data: { dataset: 'test' },
  cash: 100_000,
  fill: 'close',
  fractional: true,
  allocation: { scheme: 'performance', lookback: 5 },
  rebalance: { schedule: { everyBars: 5 } },
  strategies: [
    { id: 'down', strategy: 'buy-and-hold', symbols: ['DOWN'] },
    { id: 'up', strategy: 'buy-and-hold', symbols: ['UP'] },
  ],
};

/** Sharpe of a window as the scheme defines it (mean / σ with ddof 1, × √periods), written out here. */
function sharpe(values: readonly number[], periods: number): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sigma = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return (mean / sigma) * Math.sqrt(periods);
}

describe('paper tracks: the performance scheme scores an emptied sleeve on its strategy alone', () => {
  it('keeps a sleeve whose strategy goes on losing out of the portfolio, where the neutral share brought it back every other rebalance', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(CONFIG, series, { registry: testRegistry, logger });
    const scored = result.rebalances.filter((event) => event.reason !== 'initial' && !event.warmup);
    expect(scored.length).toBe(8);
    // The premise, by hand: DOWN's buy-and-hold returns over any five bars have a negative Sharpe
    // ratio (UP's a positive one), so the floor 0 gives DOWN nothing and UP everything.
    // (Bar 0's return is 0: the sleeve buys at that close with the cash it was funded with.)
    const returns = (drift: number) => closes(drift).map((close, t, all) => (t === 0 ? 0 : close / (all[t - 1] ?? Number.NaN) - 1));
    for (let step = 5; step + 5 <= BARS; step += 5) {
      expect(sharpe(returns(-0.01).slice(step - 5, step), 252)).toBeLessThan(0);
      expect(sharpe(returns(0.01).slice(step - 5, step), 252)).toBeGreaterThan(0);
    }
    // Emptied at the first scored rebalance, and kept out at every later one: its own returns are
    // NaN from then on, its strategy's on paper still lose.
    for (const event of scored) {
      expect(event.targetWeights).toEqual({ down: 0, up: 1 });
      expect(event.unestimated).toEqual({});
      // Each rebalance after the first says it scored DOWN partly on paper (in the JSON too).
      expect(event.onPaper).toEqual(event.time === times[5] ? [] : ['down']);
    }
    // So its book was sold once, and never bought back.
    const down = result.sleeves[0];
    expect(down?.fills.map((fill) => fill.side)).toEqual(['buy', 'sell']);
    expect(Number.isNaN(down?.returns[BARS - 1] ?? 0)).toBe(true);
    // One event for the stretch read on paper, at the first rebalance that read it.
    const logged = logger.records.filter((record) => record.fields.event === 'sleeve-paper-track');
    expect(logged.map((record) => [record.fields.strategy, record.fields.time])).toEqual([['down', new Date(times[10] ?? 0).toISOString()]]);
  });

  it('brings an emptied sleeve back by its score once its strategy on paper does well', () => {
    // DOWN loses for 15 bars, then gains 3 % a bar: emptied at bar 5, kept out at 10 and 15 (its
    // last five returns still include the fall), back at bar 20 by its score against UP's.
    const turning = times.map((_, t) => 100 * (t <= 15 ? 0.99 ** t : 0.99 ** 15 * 1.03 ** (t - 15)) * (1 + 0.002 * (t % 2)));
    const data = [barSeriesFromCloses('DOWN', times, turning), barSeriesFromCloses('UP', times, closes(0.01))];
    const result = runOrchestrator(CONFIG, data, { registry: testRegistry });
    const at = (step: number) => result.rebalances.find((event) => event.time === times[step]);
    expect(at(5)?.targetWeights.down).toBe(0);
    expect(at(10)?.targetWeights.down).toBe(0);
    expect(at(15)?.targetWeights.down).toBe(0);
    // Bar 20: both scored over bars 15..19, each weight its Sharpe ratio over their sum, by hand.
    const returns = (prices: readonly number[]) => prices.map((close, t) => (t === 0 ? Number.NaN : close / (prices[t - 1] ?? Number.NaN) - 1));
    const down = sharpe(returns(turning).slice(15, 20), 252);
    const up = sharpe(returns(closes(0.01)).slice(15, 20), 252);
    expect(down).toBeGreaterThan(0);
    expect(at(20)?.targetWeights.down).toBeCloseTo(down / (down + up), 12);
    expect(at(20)?.targetWeights.up).toBeCloseTo(up / (down + up), 12);
    // Funded again at that close: it holds DOWN from then on.
    const time = Array.from(result.portfolio.equity.time);
    expect(result.sleeves[0]?.equity.equity[time.indexOf(times[21] ?? 0)]).toBeGreaterThan(0);
  });

  it('scores on paper up to the bar a strategy throws on, so a later throw changes no earlier rebalance (no lookahead)', () => {
    // DOWN's strategy buys and holds, and throws on bar 30 (the run isolates it there). Emptied at
    // bar 5, it is kept out at 10 and 15 on its paper track and back at 20, as in the run whose
    // data end on bar 21, where it never throws; the whole track was dropped for the throw, and
    // bars 10 and 15 gave it the neutral half.
    const turning = times.map((_, t) => 100 * (t <= 15 ? 0.99 ** t : 0.99 ** 15 * 1.03 ** (t - 15)) * (1 + 0.002 * (t % 2)));
    const data = (bars: number) => [barSeriesFromCloses('DOWN', times.slice(0, bars), turning.slice(0, bars)), barSeriesFromCloses('UP', times.slice(0, bars), closes(0.01).slice(0, bars))];
    const config: RunConfigInput = {
      ...CONFIG,
      errorPolicy: 'isolate',
      strategies: [
        { id: 'down', strategy: 'throwing', params: { at: 30 }, symbols: ['DOWN'] },
        { id: 'up', strategy: 'buy-and-hold', symbols: ['UP'] },
      ],
    };
    const logger = createMemoryLogger();
    const full = runOrchestrator(config, data(BARS), { registry: testRegistry, logger });
    const cut = runOrchestrator(config, data(22), { registry: testRegistry });
    expect(full.isolated.map((event) => event.strategyId)).toEqual(['down']);
    expect(cut.isolated).toEqual([]);
    const decided = (result: typeof full) => result.rebalances.filter((event) => event.time <= (times[20] ?? 0)).map((event) => [event.targetWeights, event.onPaper]);
    expect(decided(full)).toEqual(decided(cut));
    expect(full.rebalances.find((event) => event.time === times[10])?.targetWeights.down).toBe(0);
    expect(logger.records.filter((record) => record.fields.event === 'sleeve-paper-track-failed')).toHaveLength(1);
  });

  it('reads the paper track of a sleeve emptied through a crossed sale, which keeps the costs it kept back', () => {
    // DOWN's sleeve buys and holds S, which falls; MIX holds S and UP at equal weights. At bar 5 DOWN
    // is emptied and MIX takes its S: the sale crosses, pays no commission, and DOWN keeps the 0.1 %
    // it kept back for it (about 47.5, less than a unit of S). Its returns are then 0, not NaN: the
    // old rule read no paper track and gave it the neutral half (rarely invested) at bars 10 and 20,
    // sold out again at 15. Its paper track still loses, so it stays out.
    const data = [barSeriesFromCloses('S', times.slice(0, 21), closes(-0.01).slice(0, 21)), barSeriesFromCloses('UP', times.slice(0, 21), closes(0.03).slice(0, 21))];
    const result = runOrchestrator(
      {
        ...CONFIG,
        fractional: false,
        crossing: true,
        commission: { kind: 'percent', rate: 0.001 },
        strategies: [
          { id: 'down', strategy: 'buy-and-hold', symbols: ['S'] },
          { id: 'mix', strategy: 'equal-weight', symbols: ['S', 'UP'], rebalance: { everyBars: 5 } },
        ],
      },
      data,
      { registry: testRegistry },
    );
    expect(result.crossing.crossings).toBeGreaterThan(0);
    const down = result.sleeves[0];
    expect(down?.equity.equity[6]).toBeGreaterThan(0);
    expect(down?.returns[6]).toBe(0);
    const scored = result.rebalances.filter((event) => event.reason !== 'initial');
    expect(scored.map((event) => [times.indexOf(event.time), event.targetWeights.down, event.onPaper])).toEqual([
      [5, 0, []],
      [10, 0, ['down']],
      [15, 0, ['down']],
      [20, 0, ['down']],
    ]);
  });
  // Regression: a sleeve funded again at a close held nothing over that bar, but the bar was read
  // from its own record (a return of 0 from the transfer on, which spans no time), not from paper.
  it('reads the bar a sleeve is funded again at its close from paper: it held nothing over it', () => {
    const at = times.slice(0, 8);
    const twoSeries = [barSeriesFromCloses('A', at, [100, 110, 121, 121, 121, 133.1, 133.1, 133.1]), barSeriesFromCloses('B', at, [100, 90, 81, 162, 81, 121.5, 121.5, 121.5])];
    const result = runOrchestrator(
      {
        ...CONFIG,
        allocation: { scheme: 'performance', metric: 'return', lookback: 2 },
        rebalance: { schedule: { everyBars: 2 } },
        strategies: [
          { id: 'a', strategy: 'buy-and-hold', symbols: ['A'] },
          { id: 'b', strategy: 'buy-and-hold', symbols: ['B'] },
        ],
      },
      twoSeries,
      { registry: testRegistry },
    );
    // By hand, compounded returns over the two bars before each rebalance (bar 0's is 0: both buy
    // at that close). Bar 2: A (1 + 0)(1.1) − 1 = 0.1, B (0.9) − 1 = −0.1, floored at 0: B is sold
    // out at that close. Bar 4: A 1.1 × 1 − 1 = 0.1; B its own −0.1 on bar 2 (it held its book),
    // then on paper +1 on bar 3 (81 → 162): 0.9 × 2 − 1 = 0.8 — so 1/9 and 8/9, B bought at that
    // close. Bar 6: A 1 × 1.1 − 1 = 0.1; B on paper on bar 4 (162 → 81: −0.5), its own +0.5 on bar
    // 5: 0.5 × 1.5 − 1 = −0.25, floored: A everything. Its own record's 0 on bar 4 gave B
    // 1 × 1.5 − 1 = 0.5, and 0.5/0.6 of the portfolio.
    const weights = result.rebalances.filter((event) => event.reason !== 'initial').map((event) => [event.targetWeights.a ?? Number.NaN, event.targetWeights.b ?? Number.NaN]);
    expect(weights.length).toBe(3);
    expect(weights[0]).toEqual([1, 0]);
    expect(weights[1]?.[0]).toBeCloseTo(1 / 9, 12);
    expect(weights[1]?.[1]).toBeCloseTo(8 / 9, 12);
    expect(weights[2]).toEqual([1, 0]);
  });
});

