import { describe, expect, it } from 'vitest';
import { loadDataset, selectMarketData } from '@ensemble/data';
import { runBacktest } from '@ensemble/engine';
import { parseRunConfig, runOrchestrator } from '@ensemble/orchestrator';
import { computeMetrics, returnsFromEquity } from '@ensemble/performance';
import { strategyRegistry, SmaCrossoverStrategy } from '@ensemble/strategies';
import type { ResearchJob } from './research-job';
import { researchJobSchema } from './research-job';
import { createLocalResolvers } from './resolvers';
import { runResearchJob } from './run-research-job';

const resolvers = createLocalResolvers();
const sp500 = { name: 'sp500', sha256: '' };

async function sp500Ref(): Promise<{ name: string; sha256: string }> {
  if (sp500.sha256 === '') {
    const { dataRefOf } = await import('./resolvers');
    sp500.sha256 = (await dataRefOf({ dataset: 'sp500' }, '.')).sha256;
  }
  return sp500;
}

async function job(overrides: Partial<ResearchJob>): Promise<ResearchJob> {
  return {
    version: 1,
    kind: 'backtest',
    index: 3,
    parameters: { fast: 10 },
    config: { data: { dataset: 'sp500', from: '2010-01-01', to: '2014-12-31' }, strategy: 'sma-crossover', params: { fast: 10, slow: 40 }, commission: { kind: 'percent', rate: 0.001 } },
    data: [await sp500Ref()],
    strategyModules: [],
    window: null,
    ...overrides,
  };
}

describe('runResearchJob', () => {
  it('a strategy file that writes to its bars fails its job, and the data is put back for the jobs after it', async () => {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const { sha256Hex } = await import('./resolvers');
    const path = fileURLToPath(new URL('./__fixtures__/history-writer.ts', import.meta.url));
    const own = createLocalResolvers();
    const before = await runResearchJob(await job({}), own);
    const writer = await job({
      index: 4,
      config: { data: { dataset: 'sp500', from: '2010-01-01', to: '2014-12-31' }, strategy: 'history-writer' },
      strategyModules: [{ path, sha256: sha256Hex(await readFile(path)) }],
    });
    const failed = await runResearchJob(writer, own);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/"history-writer" failed on SP500: changed its input data: close\[\d+\] of SP500 \(the bar of \d{4}-\d\d-\d\d\) was .* Bars are read-only/);
    // The same thread's next job reads the bars as they were: the same result as before the writer.
    expect(await runResearchJob(await job({}), own)).toEqual(before);
  });


  it('a backtest job gives the metrics and returns of the same backtest run directly', async () => {
    const research = await runResearchJob(await job({}), resolvers);
    const data = await loadDataset('sp500', { from: '2010-01-01', to: '2014-12-31' });
    const direct = runBacktest({ series: data.series, strategy: new SmaCrossoverStrategy({ fast: 10, slow: 40 }), commission: { kind: 'percent', rate: 0.001 } });
    const series = data.series[0];
    if (series === undefined) throw new Error('no series');
    const metrics = computeMetrics({ equity: direct.equity, trades: direct.trades, fills: direct.fills }, { benchmark: { time: series.time, close: series.close } });
    expect(research.status).toBe('ok');
    expect(research.index).toBe(3);
    expect(research.metrics).toEqual(metrics.metrics);
    expect(research.periodReturns).toEqual(returnsFromEquity(direct.equity.equity));
    expect(research.metrics?.tradeCount).toBeGreaterThan(5);
  });

  it("a thread's jobs in a row each keep their own result: the columns one run leaves behind for the next change no result handed out", async () => {
    // Whole runs and window runs (their curves copied), one after another in one thread, runs of
    // one length next to each other; each result as first handed out is compared with a copy taken
    // then, after all ran.
    const window = { warmupStart: Date.UTC(2012, 0, 1), start: Date.UTC(2013, 0, 2), end: Date.UTC(2013, 11, 31) };
    const jobs = [
      await job({ index: 1 }),
      await job({ index: 2, window }),
      await job({ index: 3, window, config: { data: { dataset: 'sp500', from: '2010-01-01', to: '2014-12-31' }, strategy: 'rsi-mean-reversion' } }),
      await job({ index: 4, config: { data: { dataset: 'sp500', from: '2010-01-01', to: '2014-12-31' }, strategy: 'sma-crossover', params: { fast: 5, slow: 60 } } }),
      await job({ index: 5 }),
    ];
    const own = createLocalResolvers();
    const results = [];
    const copies = [];
    for (const each of jobs) {
      const result = await runResearchJob(each, own);
      expect(result.status).toBe('ok');
      results.push(result);
      copies.push(structuredClone(result));
    }
    expect(results).toEqual(copies);
    // The same job before and after the others: bit for bit the same.
    expect(Array.from(results[4]?.periodReturns ?? [])).toEqual(Array.from(results[0]?.periodReturns ?? []));
    expect(results[4]?.metrics).toEqual(results[0]?.metrics);
  });

  it('"benchmark": null measures without a benchmark, as `ensemble backtest --benchmark none` does; absent, the one traded symbol is the benchmark', async () => {
    const config = { data: { dataset: 'sp500', from: '2010-01-01', to: '2014-12-31' }, strategy: 'sma-crossover', params: { fast: 10, slow: 40 }, benchmark: null };
    const research = await runResearchJob(await job({ config }), resolvers);
    const data = await loadDataset('sp500', { from: '2010-01-01', to: '2014-12-31' });
    const direct = runBacktest({ series: data.series, strategy: new SmaCrossoverStrategy({ fast: 10, slow: 40 }) });
    const metrics = computeMetrics({ equity: direct.equity, trades: direct.trades, fills: direct.fills });
    expect(research.status).toBe('ok');
    expect(research.metrics).toEqual(metrics.metrics);
    expect(research.metrics?.beta).toBeNull();
    const { benchmark: _none, ...auto } = config;
    expect((await runResearchJob(await job({ config: auto }), resolvers)).metrics?.beta).toEqual(expect.any(Number));
  });

  it('with close fills, a job\'s metrics and returns start from the cash, as `ensemble backtest` measures (the first bar\'s costs included)', async () => {
    const config = { data: { dataset: 'sp500', from: '2010-01-01', to: '2014-12-31' }, strategy: 'buy-and-hold', fill: 'close', commission: { kind: 'percent', rate: 0.01 } };
    const research = await runResearchJob(await job({ config }), resolvers);
    const data = await loadDataset('sp500', { from: '2010-01-01', to: '2014-12-31' });
    const direct = runBacktest({ series: data.series, strategy: strategyRegistry['buy-and-hold'].create({}, 'buy-and-hold'), fill: 'close', commission: { kind: 'percent', rate: 0.01 } });
    const final = direct.equity.equity[direct.equity.equity.length - 1] ?? Number.NaN;
    expect(research.metrics?.totalReturn).toBeCloseTo(final / 100_000 - 1, 12);
    expect(research.periodReturns).toHaveLength(direct.equity.equity.length);
    expect(research.periodReturns[0]).toBeCloseTo((direct.equity.equity[0] ?? Number.NaN) / 100_000 - 1, 15);
    expect(research.periodReturns[0]).toBeLessThan(-0.009);
    // A window of the same run (a walk-forward's test window): held until its start, it starts
    // from the cash, its first bar's costs included.
    const start = Date.UTC(2012, 0, 3);
    const windowed = await runResearchJob(await job({ config, window: { warmupStart: Date.UTC(2011, 0, 3), start, end: Date.UTC(2012, 11, 31) } }), resolvers);
    const curve = windowed.curve;
    if (curve === undefined) throw new Error('no curve');
    expect(curve.time[0]).toBe(start);
    expect(windowed.metrics?.totalReturn).toBeCloseTo((curve.equity[curve.equity.length - 1] ?? Number.NaN) / 100_000 - 1, 12);
    expect(windowed.periodReturns).toHaveLength(curve.time.length);
    expect(windowed.periodReturns[0]).toBeLessThan(-0.009);
  });

  it('a run job whose strategy was isolated (errorPolicy "isolate") fails, naming it, instead of ranking as if nothing happened', async () => {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const { sha256Hex } = await import('./resolvers');
    const path = fileURLToPath(new URL('./__fixtures__/throwing-strategy.ts', import.meta.url));
    const modules = [{ path, sha256: sha256Hex(await readFile(path)) }];
    const config = (at: number) => ({
      data: { dataset: 'sp500', from: '2012-01-01', to: '2014-12-31' },
      errorPolicy: 'isolate',
      strategies: [
        { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
        { id: 'mine', strategy: 'throws-at', params: { at }, symbols: ['SP500'] },
      ],
    });
    const crashed = await runResearchJob(await job({ kind: 'run', config: config(100), strategyModules: modules }), resolvers);
    expect(crashed.status).toBe('failed');
    expect(crashed.error?.message).toContain('a strategy was isolated (errorPolicy "isolate")');
    expect(crashed.error?.message).toContain('mine: ');
    expect(crashed.error?.message).toContain('boom at bar 100');
    const fine = await runResearchJob(await job({ kind: 'run', config: config(100_000), strategyModules: modules }), resolvers);
    expect(fine.status).toBe('ok');
  });

  it('describeFailure adds words about the error itself to a failed job\'s message: the strategy\'s own error, of a throw or of an isolated sleeve', async () => {
    const { readFile } = await import('node:fs/promises');
    const { fileURLToPath } = await import('node:url');
    const { StrategyError } = await import('@ensemble/protocol');
    const { sha256Hex } = await import('./resolvers');
    const path = fileURLToPath(new URL('./__fixtures__/throwing-strategy.ts', import.meta.url));
    const modules = [{ path, sha256: sha256Hex(await readFile(path)) }];
    const seen: unknown[] = [];
    // What the error still holds where the job ran: the strategy's own error, with its stack.
    const describeFailure = (error: unknown): string | undefined => {
      seen.push(error);
      let current: unknown = error;
      while (current instanceof Error && !StrategyError.isInstance(current)) current = current.cause;
      return StrategyError.isInstance(current) && current.cause instanceof Error ? `cause: ${current.cause.message}` : undefined;
    };
    const config = (errorPolicy: string) => ({
      data: { dataset: 'sp500', from: '2012-01-01', to: '2014-12-31' },
      errorPolicy,
      strategies: [{ id: 'mine', strategy: 'throws-at', params: { at: 100 }, symbols: ['SP500'] }],
    });
    for (const policy of ['fail', 'isolate']) {
      const failed = await runResearchJob(await job({ kind: 'run', config: config(policy), strategyModules: modules }), resolvers, { describeFailure });
      expect(failed.status).toBe('failed');
      expect(failed.error?.message).toMatch(/boom at bar 100 \(cause: boom at bar 100\)$/);
    }
    expect(seen).toHaveLength(2);
    // Nothing to add: the message alone, as without the option.
    const unknown = await job({ config: { data: { dataset: 'sp500' }, strategy: 'no-such-strategy' } });
    const bad = await runResearchJob(unknown, resolvers, { describeFailure: () => '' });
    expect(bad.error?.message).toContain('unknown strategy "no-such-strategy"');
    expect(bad.error?.message).toBe((await runResearchJob(unknown, resolvers)).error?.message);
  });

  it('a run job gives the orchestrator run\'s portfolio metrics', async () => {
    const config = {
      data: { dataset: 'sp500', from: '2012-01-01' },
      strategies: [
        { id: 'trend', strategy: 'sma-crossover', params: { fast: 20, slow: 80 }, symbols: ['SP500'] },
        { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
      ],
    };
    const research = await runResearchJob(await job({ kind: 'run', config }), resolvers);
    const data = await loadDataset('sp500', { from: '2012-01-01' });
    const direct = runOrchestrator(parseRunConfig(config, { registry: strategyRegistry }), data.series, { registry: strategyRegistry });
    expect(research.status).toBe('ok');
    expect(research.metrics).toEqual(direct.portfolio.metrics.metrics);
  });

  it('records a bad config or a bad job as failed, with the error, and never throws', async () => {
    const bad = await runResearchJob(await job({ config: { data: { dataset: 'sp500' }, strategy: 'sma-crossover', params: { fast: -1 } } }), resolvers);
    expect(bad.status).toBe('failed');
    expect(bad.error?.code).toBe('CONFIG_INVALID');
    expect(bad.error?.message).toContain('params.fast');
    const malformed = await runResearchJob({ index: 9, kind: 'nope' }, resolvers);
    expect(malformed).toMatchObject({ index: 9, status: 'failed', metrics: null, periodReturns: new Float64Array(0) });
    const changed = await runResearchJob(await job({ data: [{ name: 'sp500', sha256: '0'.repeat(64) }] }), resolvers);
    expect(changed.error?.code).toBe('DATA_INVALID');
    expect(changed.error?.message).toContain('changed since the research was planned');
  });

  it('a window job warms up on earlier bars, enters nothing before its start and measures from it', async () => {
    const start = Date.UTC(2013, 0, 2);
    const end = Date.UTC(2013, 11, 31);
    const windowed = await runResearchJob(await job({ window: { warmupStart: Date.UTC(2012, 0, 1), start, end } }), resolvers);
    expect(windowed.status).toBe('ok');
    const curve = windowed.curve;
    if (curve === undefined) throw new Error('no curve');
    expect(curve.time[0]).toBeGreaterThanOrEqual(start);
    expect(curve.time.at(-1)).toBeLessThanOrEqual(end);
    expect(curve.equity[0]).toBe(100000);
    expect(windowed.periodReturns).toHaveLength(curve.time.length - 1);
    // Warmed up: with slow = 40 the first decision can come on the window's first bars, unlike a cold start.
    const cold = await runResearchJob(await job({ window: { start, end } }), resolvers);
    expect(cold.curve?.time[0]).toBe(curve.time[0]);
    expect(windowed.metrics?.tradeCount).toBeGreaterThanOrEqual(cold.metrics?.tradeCount ?? 0);
  });

  it('a window job ignores every bar after its end (no look-ahead)', async () => {
    const window = { warmupStart: Date.UTC(2011, 0, 1), start: Date.UTC(2012, 0, 1), end: Date.UTC(2012, 11, 31) };
    const full = await runResearchJob(await job({ config: { data: { dataset: 'sp500' }, strategy: 'sma-crossover', params: { fast: 10, slow: 40 } }, window }), resolvers);
    const cut = await runResearchJob(await job({ config: { data: { dataset: 'sp500', to: '2012-12-31' }, strategy: 'sma-crossover', params: { fast: 10, slow: 40 } }, window }), resolvers);
    expect(full).toEqual(cut);
    const data = selectMarketData(await loadDataset('sp500'), { from: window.start, to: window.end });
    expect(full.curve?.time).toEqual(Float64Array.from(data.series[0]?.time ?? []));
  });

  it('a window job\'s portfolio strategy rebalances on the first bar of its window, as a run starting there does', async () => {
    const { dataRefOf } = await import('./resolvers');
    const stocks5 = await dataRefOf({ dataset: 'stocks5' }, '.');
    const start = Date.UTC(2006, 6, 1);
    const end = Date.UTC(2007, 5, 30);
    for (const rebalance of ['quarter', 100] as const) {
      const config = { data: { dataset: 'stocks5' }, strategy: 'equal-weight', params: { rebalance }, periodsPerYear: 252 };
      const held = await runResearchJob(await job({ config, data: [stocks5], window: { warmupStart: Date.UTC(2005, 0, 1), start, end } }), resolvers);
      const cold = await runResearchJob(await job({ config: { ...config, data: { dataset: 'stocks5', from: '2006-07-01', to: '2007-06-30' } }, data: [stocks5] }), resolvers);
      expect(held.status).toBe('ok');
      // Invested from the window's first bar: the same returns, to the bit, as the run started cold there.
      expect(held.periodReturns).toEqual(cold.periodReturns);
      expect(held.metrics?.totalReturn).toBe(cold.metrics?.totalReturn);
      // A window's exposure metrics come from its own part of the gross exposure column (they were null).
      expect(held.metrics?.exposure).not.toBeNull();
      expect(held.metrics?.exposure).toBe(cold.metrics?.exposure);
      expect(held.metrics?.timeInMarket).toBe(cold.metrics?.timeInMarket);
      expect(held.periodReturns.slice(0, 5).some((value) => value !== 0)).toBe(true);
    }
  });

  it('jobs are plain JSON that the schema accepts', async () => {
    const value = await job({});
    expect(researchJobSchema.parse(JSON.parse(JSON.stringify(value)))).toEqual(value);
  });
});
