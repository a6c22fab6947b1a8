import { loadDataset } from '@ensemble/data';
import type { BarSeries } from '@ensemble/protocol';
import { createMemoryLogger } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfigInput } from './config';
import { runOrchestrator } from './orchestrator';

// A buy-and-hold sleeve beside an SMA 20/50 sleeve on the S&P 500 from 2005, inverse volatility
// over 20 bars, monthly, fractional, no costs. On 2012-06-01 the trend sleeve's last 20 returns were
// one of 7e-6 (its exit, at an open) and nineteen zeros: σ = 1.6e-6, so 1/σ gave it 99.98 % and the
// buy-and-hold sleeve 0.0196 %.
const CONFIG: RunConfigInput = {
  data: { dataset: 'sp500', from: '2005-01-01' },
  cash: 100_000,
  fractional: true,
  allocation: { scheme: 'inverse-volatility', lookback: 20 },
  rebalance: { schedule: 'month' },
  strategies: [
    { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
    { id: 'trend', strategy: 'sma-crossover', params: { fast: 20, slow: 50 }, symbols: ['SP500'] },
  ],
};

let series: readonly BarSeries[] = [];
beforeAll(async () => {
  series = (await loadDataset('sp500', { from: '2005-01-01' })).series;
});

/** Sample σ (ddof 1) and the count of returns above 1e-13 in magnitude, written out here. */
function windowStats(values: readonly number[]): { sigma: number; invested: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const squares = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { sigma: Math.sqrt(squares / (values.length - 1)), invested: values.filter((value) => Math.abs(value) > 1e-13).length };
}

describe('inverse volatility beside a sleeve that has just gone flat (SP500 from 2005)', () => {
  it('gives the flat sleeve the neutral half, not 99.98 %, and logs why', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(CONFIG, series, { registry: strategyRegistry, logger });
    const time = Array.from(result.portfolio.equity.time);
    const june = Date.UTC(2012, 5, 1);
    const step = time.indexOf(june);
    expect(step).toBeGreaterThan(20);
    // The premise, from the sleeve's own returns: one non-zero return among the 20 before that bar.
    const trend = Array.from(result.sleeves[1]?.returns ?? []).slice(step - 20, step);
    const { sigma, invested } = windowStats(trend);
    expect(invested).toBe(1);
    expect(sigma).toBeGreaterThan(1e-13);
    expect(sigma).toBeLessThan(1e-5);
    // Fewer than 10 of 20: no estimate, the neutral 1/2; the buy-and-hold sleeve, the only one
    // estimated, takes the other half.
    const event = result.rebalances.find((entry) => entry.time === june);
    expect(event?.targetWeights).toEqual({ hold: 0.5, trend: 0.5 });
    // The event itself says which sleeve had no estimate, and why (in the JSON too).
    expect(event?.unestimated).toEqual({ trend: 'rarely-invested' });
    const logged = logger.records.filter((record) => record.fields.event === 'sleeve-unestimated' && record.fields.time === '2012-06-01T00:00:00.000Z');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields).toMatchObject({ strategy: 'trend', scheme: 'inverse-volatility', why: 'rarely-invested', window: 20, invested: 1, needed: 10, minInvested: 0.5, weight: 0.5 });
    expect(logged[0]?.fields.estimate).toBeCloseTo(sigma, 15);
    expect(logged[0]?.message).toBe(
      'sleeve trend: a non-zero return on 1 of its last 20 bars (in cash on the others), fewer than the 10 (minInvested 0.5) an estimate of its volatility needs; it gets the neutral share 1/2 (before constraints)',
    );
  });

  it('weights every rebalance by the rule computed here from the sleeves’ returns: 1/σ between sleeves invested on half the window or more, 1/2 otherwise', () => {
    const result = runOrchestrator(CONFIG, series, { registry: strategyRegistry });
    const time = Array.from(result.portfolio.equity.time);
    const columns = result.sleeves.map((sleeve) => Array.from(sleeve.returns));
    let flat = 0;
    let both = 0;
    for (const event of result.rebalances) {
      if (event.warmup) continue;
      const step = time.indexOf(event.time);
      const stats = columns.map((column) => windowStats(column.slice(step - 20, step)));
      const estimated = stats.map(({ sigma, invested }) => invested >= 10 && sigma > 1e-13);
      const inverse = stats.map(({ sigma }, i) => (estimated[i] === true ? 1 / sigma : 0));
      const total = inverse.reduce((a, b) => a + b, 0);
      const share = estimated.filter(Boolean).length / 2;
      const expected = inverse.map((value, i) => (estimated[i] === true ? (share * value) / total : 0.5));
      if (estimated.includes(false)) flat++;
      else both++;
      expect(event.unestimated).toEqual(Object.fromEntries(result.sleeves.flatMap((sleeve, i) => (estimated[i] === true ? [] : [[sleeve.id, 'rarely-invested']]))));
      expect(event.targetWeights.hold).toBeCloseTo(expected[0] ?? Number.NaN, 12);
      expect(event.targetWeights.trend).toBeCloseTo(expected[1] ?? Number.NaN, 12);
    }
    expect(flat).toBeGreaterThan(20);
    expect(both).toBeGreaterThan(100);
    // The buy-and-hold sleeve is never starved: its least target is 20.6 % (2015-09-01, both
    // sleeves estimated), where the old rule went down to 0.0196 %.
    const least = Math.min(...result.rebalances.map((event) => event.targetWeights.hold ?? 0));
    expect(least).toBeGreaterThan(0.2);
  });
});

describe('the performance scheme beside a sleeve it has emptied (SP500 from 2005)', () => {
  // The same two sleeves, weighted by trailing Sharpe over 20 bars (floor 0). A month in which the
  // trend sleeve loses gives it weight 0: the rebalance sells it out, and from then on its returns
  // are NaN (an empty sleeve has none). Scored at the floor, it stayed at 0 to the end of the run.
  const PERFORMANCE: RunConfigInput = { ...CONFIG, allocation: { scheme: 'performance', lookback: 20 } };

  it('gives the emptied sleeve the neutral share at the next rebalance, so it trades again', () => {
    const result = runOrchestrator(PERFORMANCE, series, { registry: strategyRegistry });
    const events = result.rebalances;
    const emptiedAt = events.findIndex((event, k) => k > 0 && event.targetWeights.trend === 0);
    expect(emptiedAt).toBeGreaterThan(0);
    const next = events[emptiedAt + 1];
    // The premise: its returns since the move are not numbers (the scheme cannot score it).
    expect(next?.unestimated).toEqual({ trend: 'non-finite' });
    expect(next?.targetWeights.trend).toBeCloseTo(0.5, 15);
    // It holds capital again after that move, and trades over the rest of the run.
    const time = Array.from(result.portfolio.equity.time);
    const moved = time.indexOf(next?.time ?? Number.NaN);
    expect(result.sleeves[1]?.equity.equity[moved + 1]).toBeGreaterThan(0);
    expect(result.sleeves[1]?.fills.filter((fill) => fill.time > (next?.time ?? 0) && fill.reason !== 'transfer').length).toBeGreaterThan(10);
    // Every time: a rebalance after one that emptied it gives it the neutral half.
    const afterEmptied = events.filter((_, k) => k > 0 && events[k - 1]?.targetWeights.trend === 0);
    expect(afterEmptied.length).toBeGreaterThan(1);
    for (const event of afterEmptied) {
      expect(event.unestimated).toEqual({ trend: 'non-finite' });
      expect(event.targetWeights.trend).toBeCloseTo(0.5, 15);
    }
  });

  it('does not score a sleeve in cash on most of its window: it gets the neutral share (minInvested)', () => {
    const result = runOrchestrator(PERFORMANCE, series, { registry: strategyRegistry });
    const time = Array.from(result.portfolio.equity.time);
    const february = Date.UTC(2005, 1, 1);
    const step = time.indexOf(february);
    expect(step).toBe(20);
    // The premise: 20 finite returns before that bar, fewer than 10 of them non-zero (the SMA 20/50
    // sleeve has not entered yet, or only just).
    const trend = Array.from(result.sleeves[1]?.returns ?? []).slice(step - 20, step);
    expect(trend.every((value) => Number.isFinite(value))).toBe(true);
    expect(windowStats(trend).invested).toBeLessThan(10);
    const event = result.rebalances.find((entry) => entry.time === february);
    expect(event?.unestimated).toEqual({ trend: 'rarely-invested' });
    expect(event?.targetWeights.trend).toBeCloseTo(0.5, 15);
  });
});
