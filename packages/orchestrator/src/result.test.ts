import { JsonRows, jsonTextChunks } from '@ensemble/engine';
import { describe, expect, it } from 'vitest';
import { seriesOf, testRegistry, walkSeries } from '../test/helpers';
import { runOrchestrator } from './orchestrator';
import type { OrchestratorResult } from './result';
import { orchestratorResultJsonRows, serializeOrchestratorResult } from './result/json';

/** The streamed text of `orchestratorResultJsonRows` is `JSON.stringify` of `serializeOrchestratorResult`, compact and indented. */
function expectSameText(result: OrchestratorResult): void {
  const rows = orchestratorResultJsonRows(result);
  expect(rows.portfolio.equity).toBeInstanceOf(JsonRows);
  for (const indent of [undefined, 2]) {
    const expected = JSON.stringify(serializeOrchestratorResult(result), null, indent);
    expect([...jsonTextChunks(rows, { indent, chunkSize: 4096 })].join('')).toBe(expected);
    expect(JSON.stringify(rows, null, indent)).toBe(expected);
  }
}

describe('orchestratorResultJsonRows (the examples are checked in examples.test.ts)', () => {
  it('with an isolated strategy and a drawdown halt', () => {
    const walk = walkSeries('W', 60, 7);
    expectSameText(
      runOrchestrator(
        {
          data: { dataset: 'test' },
          errorPolicy: 'isolate',
          fractional: true,
          rebalance: { schedule: 'month' },
          strategies: [
            { id: 'good', strategy: 'buy-and-hold', symbols: ['W'] },
            { id: 'bad', strategy: 'throwing', params: { at: 5 }, symbols: ['W'] },
          ],
        },
        [walk],
        { registry: testRegistry },
      ),
    );
    const closes = Array.from({ length: 30 }, (_, i) => 100 * 0.98 ** i);
    const falling = seriesOf(
      'F',
      closes.map((close, i) => [new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString().slice(0, 10), close, close, close, close] as const),
    );
    const halted = runOrchestrator(
      { data: { dataset: 'test' }, fractional: true, rebalance: { schedule: 'never' }, risk: { maxDrawdown: { limit: 0.1 } }, strategies: [{ id: 'long', strategy: 'buy-and-hold', symbols: ['F'] }] },
      [falling],
      { registry: testRegistry },
    );
    expect(halted.halted).not.toBeNull();
    expectSameText(halted);
  });
});

describe('periods per year', () => {
  const series = [walkSeries('A', 60, 5, 0.01, 50)];
  const config = (periodsPerYear?: number) => ({
    data: { dataset: 'test' },
    ...(periodsPerYear === undefined ? {} : { periodsPerYear }),
    strategies: [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['A'] },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['A'] },
    ],
  });

  it('says whether P was inferred from the bar spacing or given, for the portfolio and every sleeve', () => {
    const inferred = runOrchestrator(config(), series, { registry: testRegistry });
    const given = runOrchestrator(config(365), series, { registry: testRegistry });
    expect(inferred.periodsPerYear).toBe(252);
    expect(given.periodsPerYear).toBe(365);
    for (const [result, P, wasInferred] of [[inferred, 252, true], [given, 365, false]] as const) {
      for (const metrics of [result.portfolio.metrics, ...result.sleeves.map((sleeve) => sleeve.metrics)]) {
        expect(metrics.periodsPerYear).toBe(P);
        expect(metrics.periodsPerYearInferred).toBe(wasInferred);
      }
    }
  });
});

describe('metrics start from the initial cash', () => {
  it('with fills at the close, where the first point already holds the first bar\'s costs: total return = final equity / cash − 1 = the attribution\'s', () => {
    const series = [walkSeries('A', 80, 5, 0.01, 50), walkSeries('B', 80, 6, 0.02, 80)];
    for (const fill of ['close', 'next-open'] as const) {
      const result = runOrchestrator(
        {
          data: { dataset: 'test' },
          cash: 100_000,
          fill,
          commission: { kind: 'percent', rate: 0.01 },
          slippage: { kind: 'bps', bps: 50 },
          allocation: { scheme: 'fixed' },
          rebalance: { schedule: 'month' },
          strategies: [
            { id: 'a', strategy: 'buy-and-hold', symbols: ['A'], weight: 0.6 },
            { id: 'b', strategy: 'buy-and-hold', symbols: ['B'], weight: 0.4 },
          ],
        },
        series,
        { registry: testRegistry },
      );
      const metrics = result.portfolio.metrics.metrics;
      expect(metrics.startEquity, fill).toBe(100_000);
      expect(metrics.totalReturn, fill).toBeCloseTo(result.finalEquity / 100_000 - 1, 14);
      expect(metrics.totalReturn, fill).toBeCloseTo(result.attribution.total.portfolioReturn ?? Number.NaN, 12);
      for (const sleeve of result.sleeves) expect(sleeve.metrics.metrics.startEquity, `${fill} ${sleeve.id}`).toBeCloseTo(sleeve.initialCash, 9);
    }
    // With no transfer after the initial allocation, a sleeve's return is its equity's.
    const alone = runOrchestrator(
      {
        data: { dataset: 'test' },
        fill: 'close',
        commission: { kind: 'fixed', amount: 25 },
        rebalance: { schedule: 'never' },
        strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['A'] }],
      },
      series,
      { registry: testRegistry },
    );
    const sleeve = alone.sleeves[0];
    expect(sleeve?.metrics.metrics.totalReturn).toBeCloseTo((sleeve?.finalEquity ?? Number.NaN) / (sleeve?.initialCash ?? Number.NaN) - 1, 14);
    expect(alone.portfolio.metrics.metrics.worstReturn).toBeLessThanOrEqual(-25 / 100_000 + 1e-12);
  });
});

describe('the parameters each strategy ran with', () => {
  it('are the config params with the strategy defaults applied, in the result and its JSON; null for a strategy that could not be built', () => {
    const walk = walkSeries('W', 80, 3);
    const registry = {
      ...testRegistry,
      broken: {
        ...(testRegistry['buy-and-hold'] ?? expect.fail('buy-and-hold is registered')),
        name: 'broken',
        create: (): never => {
          throw new Error('cannot build');
        },
      },
    };
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        errorPolicy: 'isolate',
        strategies: [
          { id: 'hold', strategy: 'buy-and-hold', symbols: ['W'] },
          { id: 'fast', strategy: 'sma-crossover', params: { fast: 5 }, symbols: ['W'] },
          { id: 'rsi', strategy: 'rsi-mean-reversion', params: { oversold: 25 }, symbols: ['W'] },
          { id: 'broken', strategy: 'broken', symbols: ['W'] },
        ],
      },
      [walk],
      { registry },
    );
    // The defaults as the strategies package documents them: sma-crossover slow 30, long only; rsi-mean-reversion period 14, overbought 70.
    const expected = [{}, { fast: 5, slow: 30, allowShort: false }, { period: 14, oversold: 25, overbought: 70 }, null];
    expect(result.sleeves.map((sleeve) => sleeve.params)).toEqual(expected);
    expect(serializeOrchestratorResult(result).sleeves.map((sleeve) => sleeve.params)).toEqual(expected);
    // The config itself records what was written (its hash is the run id).
    expect(result.config.strategies[1]?.params).toEqual({ fast: 5 });
    expectSameText(result);
  });
});
