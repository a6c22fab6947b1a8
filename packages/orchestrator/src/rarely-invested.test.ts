import { loadDataset } from '@ensemble/data';
import type { BarSeries } from '@ensemble/protocol';
import { createMemoryLogger } from '@ensemble/protocol';
import { runBacktest } from '@ensemble/engine';
import { createStrategy, strategyRegistry } from '@ensemble/strategies';
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
  // trend sleeve loses gives it weight 0: the rebalance sells it out, and from then on its own
  // returns are NaN (an empty sleeve has none). Scored at the floor, it once stayed at 0 to the
  // end of the run; then it got the neutral half back at every next rebalance, scored or not.
  const PERFORMANCE: RunConfigInput = { ...CONFIG, allocation: { scheme: 'performance', lookback: 20 } };

  it('scores an emptied sleeve on its strategy run alone (a paper track) while it holds no capital: the rule computed here gives every rebalance', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(PERFORMANCE, series, { registry: strategyRegistry, logger });
    const time = Array.from(result.portfolio.equity.time);
    // Each strategy alone, by the engine, from the sleeves' start capital (half each): its returns.
    const sp500 = series.find((s) => s.symbol === 'SP500') ?? series[0];
    if (sp500 === undefined) throw new Error('no SP500');
    const alone = (['hold', 'trend'] as const).map((id) => {
      const strategy = id === 'hold' ? createStrategy('buy-and-hold', {}, id) : createStrategy('sma-crossover', { fast: 20, slow: 50 }, id);
      const equity = runBacktest({ series: sp500, strategy, cash: 50_000, fractional: true }).equity;
      expect(Array.from(equity.time)).toEqual(time);
      return time.map((_, t) => (t === 0 ? Number.NaN : (equity.equity[t] ?? Number.NaN) / (equity.equity[t - 1] ?? Number.NaN) - 1));
    });
    // A sleeve's window: its own returns, its strategy's alone where it has none (no capital).
    const columns = result.sleeves.map((sleeve, i) => Array.from(sleeve.returns, (value, t) => (Number.isNaN(value) ? (alone[i]?.[t] ?? Number.NaN) : value)));
    let emptied = 0;
    let scored = 0;
    result.rebalances.forEach((event, k) => {
      if (event.warmup) return;
      const step = time.indexOf(event.time);
      const scores = columns.map((column) => {
        const window = column.slice(step - 20, step);
        const { sigma, invested } = windowStats(window);
        if (!(invested >= 10 && sigma > 1e-13)) return null;
        return (window.reduce((a, b) => a + b, 0) / 20 / sigma) * Math.sqrt(252);
      });
      const positive = scores.map((score) => Math.max(score ?? 0, 0));
      const total = positive.reduce((a, b) => a + b, 0);
      const share = scores.filter((score) => score !== null).length / 2;
      const expected = scores.map((score, i) => (score === null || !(total > 0) ? 0.5 : (share * (positive[i] ?? 0)) / total));
      expect(event.targetWeights.hold).toBeCloseTo(expected[0] ?? Number.NaN, 12);
      expect(event.targetWeights.trend).toBeCloseTo(expected[1] ?? Number.NaN, 12);
      // No window of an emptied sleeve lacks returns now.
      expect(Object.values(event.unestimated)).not.toContain('non-finite');
      if (result.rebalances[k - 1]?.targetWeights.trend === 0) {
        emptied++;
        // Read on paper: the sleeve's own returns since it was emptied are not numbers.
        expect(result.sleeves[1]?.returns.slice(step - 20, step).some(Number.isNaN)).toBe(true);
        if (event.targetWeights.trend !== 0.5) scored++;
      }
    });
    // The trend sleeve was emptied seven times; each next rebalance scored it on paper, where it
    // used to get the neutral half whatever its strategy did (here: 43.7 %, 49.9 %, 45.0 %, 37.3 %;
    // 50 % where no sleeve scored above the floor or the paper was mostly in cash).
    expect(emptied).toBe(7);
    expect(scored).toBe(4);
    // It holds capital after a comeback and trades again.
    const comeback = result.rebalances.find((event, k) => k > 0 && result.rebalances[k - 1]?.targetWeights.trend === 0 && (event.targetWeights.trend ?? 0) > 0);
    const moved = time.indexOf(comeback?.time ?? Number.NaN);
    expect(result.sleeves[1]?.equity.equity[moved + 1]).toBeGreaterThan(0);
    // The first rebalance of each stretch read on paper says so.
    const logged = logger.records.filter((record) => record.fields.event === 'sleeve-paper-track');
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[0]?.fields.strategy).toBe('trend');
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
