import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../testing/temporary-directory';
import { loadDataset, loadMarketData, toCsv } from '@ensemble/data';
import { parseRunConfig, runOrchestrator } from '@ensemble/orchestrator';
import { strategyRegistry } from '@ensemble/strategies';
import { createInProcessExecutor } from '../executor/in-process-executor';
import { createLocalExecutor } from '../executor/local-executor';
import type { LocalExecutor } from '../executor/local-executor';
import { perPeriodSharpe } from '../statistics/return-moments';
import { JOURNAL_FILE } from '../executor/journal';
import { runSweepToDirectory } from './sweep-directory';
import { SWEEP_OUTPUT_FILES } from './sweep-outputs';
import { planSweep, planSweepFile } from './sweep-plan';
import { runSweep } from './run-sweep';
import type { JobExecutor } from '../job/research-job';
import { objectiveFromJson } from './result-json';

const executors: LocalExecutor[] = [];
afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
});

/** A spec directory: S&P 500 2008–2013 as a CSV, a two-sleeve run config and a sweep over the trend sleeve. */
async function specDir(): Promise<string> {
  const dir = await temporaryDirectory('sweep-');
  const data = await loadDataset('sp500', { from: '2008-01-01', to: '2013-12-31' });
  await writeFile(join(dir, 'prices.csv'), toCsv(data));
  const run = {
    data: { file: 'prices.csv' },
    commission: { kind: 'percent', rate: 0.0005 },
    allocation: { scheme: 'equal' },
    rebalance: { schedule: 'quarter' },
    strategies: [
      { id: 'trend', strategy: 'sma-crossover', params: { fast: 10, slow: 50 }, symbols: ['prices'] },
      { id: 'hold', strategy: 'buy-and-hold', symbols: ['prices'] },
    ],
  };
  await writeFile(join(dir, 'run.json'), JSON.stringify(run));
  const spec = {
    config: 'run.json',
    parameters: [
      // A valid config whose dates hold no bar of the data (2008–2013): its nine combinations fail as jobs.
      // (A config the run schema refuses, such as fast 100 against every slow, is refused at planning.)
      { path: 'data.to', values: ['2007-06-30', '2013-12-31'] },
      { path: 'strategies.trend.params.fast', values: [5, 10, 20] },
      { path: 'strategies.trend.params.slow', range: { start: 30, stop: 90, step: 30 } },
    ],
    objective: 'sharpe',
    pboBlocks: 4,
  };
  await writeFile(join(dir, 'sweep.json'), JSON.stringify(spec));
  return dir;
}

describe('runSweepToDirectory', () => {
  it('ranks every combination, records failures and writes the same bytes with 1 and 2 workers', async () => {
    const dir = await specDir();
    const plan = await planSweepFile(join(dir, 'sweep.json'));
    expect(plan.jobs).toHaveLength(18); // no constraint: 2 × 3 × 3, none skipped
    const one = createLocalExecutor({ workers: 1 });
    const two = createLocalExecutor({ workers: 2 });
    executors.push(one, two);
    const first = await runSweepToDirectory(plan, one, join(dir, 'out-1'));
    await runSweepToDirectory(plan, two, join(dir, 'out-2'));
    for (const name of SWEEP_OUTPUT_FILES) {
      expect(await readFile(join(dir, 'out-2', name), 'utf8')).toBe(await readFile(join(dir, 'out-1', name), 'utf8'));
    }
    const result = first.result;
    expect(result.counts).toMatchObject({ grid: 18, skipped: 0, planned: 18, ok: 9, failed: 9, timedOut: 0, notRun: 0 });
    const failed = result.rows.filter((row) => row.status === 'failed');
    expect(failed.map((row) => row.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(failed[0]?.error?.code).toBe('DATA_INVALID');
    expect(failed.every((row) => row.rank === null)).toBe(true);
    const ranked = result.rows.filter((row) => row.rank !== null);
    expect(ranked.map((row) => row.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let k = 1; k < ranked.length; k++) expect(ranked[k - 1]?.objective ?? 0).toBeGreaterThanOrEqual(ranked[k]?.objective ?? 0);
    const csv = (await readFile(join(dir, 'out-1', 'results.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(19);
    expect(csv[0]?.startsWith('rank,index,status,to,fast,slow,objective,bars,')).toBe(true);
    const summary = JSON.parse(await readFile(join(dir, 'out-1', 'summary.json'), 'utf8')) as { statistics: { deflatedSharpe: { trials: number } | null; pbo: { splits: number } | null; stability: unknown } };
    expect(summary.statistics.deflatedSharpe?.trials).toBe(9);
    expect(summary.statistics.pbo?.splits).toBe(6); // C(4, 2)
    expect(summary.statistics.stability).not.toBeNull();
    expect(await readFile(join(dir, 'out-1', JOURNAL_FILE), 'utf8')).toContain(plan.sweepId);
  });

  it('best-config.json, run as a config, reproduces the best combination\'s metrics', async () => {
    const dir = await specDir();
    const plan = await planSweepFile(join(dir, 'sweep.json'));
    const out = join(dir, 'out');
    const { result } = await runSweepToDirectory(plan, createInProcessExecutor(), out);
    const file = join(out, 'best-config.json');
    const config = parseRunConfig(JSON.parse(await readFile(file, 'utf8')), { registry: strategyRegistry });
    // As `ensemble run` does: the data file is relative to the config file's directory.
    const data = await loadMarketData(resolve(dirname(file), String(config.data.file)));
    const run = runOrchestrator(config, data.series, { registry: strategyRegistry });
    expect(result.best?.metrics).toEqual(run.portfolio.metrics.metrics);
    expect(result.best?.objective).toBe(run.portfolio.metrics.metrics.sharpe);
    // The objective is the annualised Sharpe ratio: the per-period one times √P, recomputed from the curve.
    const equity = run.portfolio.equity.equity;
    const returns: number[] = [];
    for (let t = 1; t < equity.length; t++) returns.push((equity[t] ?? 0) / (equity[t - 1] ?? 0) - 1);
    expect(result.best?.objective).toBeCloseTo((perPeriodSharpe(returns) ?? 0) * Math.sqrt(run.periodsPerYear), 10);
  });

  // Regression: the DSR and the PBO measured raw returns while the objective (the metrics' Sharpe
  // ratio) measured excess returns, so with a risk-free rate the DSR judged another Sharpe ratio
  // (0.0316 a day for a best of 0.218 a year: DSR 0.958 instead of 0.688).
  it('measures the overfitting statistics on returns in excess of the config\'s risk-free rate, as the objective', async () => {
    const plan = await planSweep({
      kind: 'backtest',
      config: { data: { dataset: 'sp500' }, strategy: 'sma-crossover', params: {}, riskFreeRate: 0.03 },
      parameters: [
        { path: 'params.fast', values: [5, 10, 20, 50] },
        { path: 'params.slow', values: [100, 150, 200] },
      ],
      objective: 'sharpe',
      pboBlocks: 8,
    });
    expect(plan.riskFreePerPeriod.every((rate) => rate === Math.pow(1.03, 1 / 252) - 1)).toBe(true);
    const { best, statistics } = await runSweep(plan, createInProcessExecutor());
    const close = (actual: number | null | undefined, expected: number): void => {
      expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
    };
    // The per-period Sharpe ratio the DSR judges is the objective's, before √P.
    close(statistics.deflatedSharpe?.sharpe, (best?.objective ?? 0) / Math.sqrt(252));
    // Expected values from an independent simulation of the strategy and the papers' formulas (Python).
    close(statistics.deflatedSharpe?.sharpe, 0.013747170489760221);
    close(statistics.deflatedSharpe?.expectedMaxSharpe, 0.006846481138328042);
    close(statistics.deflatedSharpe?.dsr, 0.6879520855596502);
    close(statistics.deflatedSharpe?.psr, 0.8355316847049563);
    expect(statistics.pbo?.pbo).toBe(0.6285714285714286); // 44 of 70 splits
    expect(statistics.pbo?.probabilityOfLoss).toBe(0.2857142857142857); // 20 of 70
  });

  // Regression: a combination whose objective is undefined because unboundedly good (a Calmar ratio
  // without a drawdown, a Sortino ratio without a return below the risk-free rate) was ranked after
  // every other, without a rank, and written with an empty objective.
  describe('a combination whose objective is unbounded', () => {
    /** Buy-and-hold at the close over 100, 110, 105, 120, 130, 140: to 2024-01-02 it rises 10 % without a drawdown. */
    async function unboundedDir(objective: string): Promise<{ dir: string; plan: Awaited<ReturnType<typeof planSweep>> }> {
      const dir = await temporaryDirectory('sweep-unbounded-');
      const closes = [100, 110, 105, 120, 130, 140];
      const rows = closes.map((close, day) => `2024-01-0${String(day + 1)},${String(close)},${String(close)},${String(close)},${String(close)},1000`);
      await writeFile(join(dir, 'prices.csv'), ['date,open,high,low,close,volume', ...rows, ''].join('\n'));
      const plan = await planSweep(
        {
          kind: 'backtest',
          config: { data: { file: 'prices.csv' }, strategy: 'buy-and-hold', fill: 'close' },
          parameters: [{ path: 'data.to', values: ['2024-01-02', '2024-01-08'] }],
          objective,
        },
        { baseDir: dir },
      );
      return { dir, plan };
    }

    it('ranks it first (calmar), writes it as "Infinity", resumes to the same bytes and gives the same on worker threads', async () => {
      const { dir, plan } = await unboundedDir('calmar');
      const out = join(dir, 'out');
      const { result } = await runSweepToDirectory(plan, createInProcessExecutor(), out);
      expect(result.rows.map((row) => [row.rank, row.index, row.parameters.to])).toEqual([
        [1, 0, '2024-01-02'],
        [2, 1, '2024-01-08'],
      ]);
      expect(result.rows[0]?.objective).toBe(Number.POSITIVE_INFINITY);
      expect(result.rows[0]?.metrics).toMatchObject({ calmar: null, maxDrawdown: 0 });
      // Independent (Python): equity 100,000 → 140,000 over 6 daily returns, P = 252: CAGR 1.4^42 − 1
      // = 1,372,072.885…, max drawdown 105/110 − 1 = −4.545 %, Calmar 30,185,603.477….
      expect(Math.abs((result.rows[1]?.objective ?? 0) / 30185603.477006882 - 1)).toBeLessThan(1e-12);
      expect(result.best?.index).toBe(0);
      expect(result.bestConfig?.data).toMatchObject({ to: '2024-01-02' });
      const text = await readFile(join(out, 'results.json'), 'utf8');
      const json = JSON.parse(text) as { rows: { rank: number | null; objective: unknown }[] };
      expect(json.rows.map((row) => [row.rank, objectiveFromJson(row.objective)])).toEqual([
        [1, Number.POSITIVE_INFINITY],
        [2, result.rows[1]?.objective],
      ]);
      expect(text).toContain('"objective": "Infinity"');
      const csv = (await readFile(join(out, 'results.csv'), 'utf8')).split('\n');
      expect(csv[1]?.startsWith('1,0,ok,2024-01-02,Infinity,')).toBe(true);
      expect(csv[2]?.startsWith('2,1,ok,2024-01-08,30185603.47700')).toBe(true);
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { best: { index: number; objective: unknown } };
      expect(summary.best).toMatchObject({ index: 0, objective: 'Infinity' });
      // Resumed from the journal alone (no job runs again), the ranking and the bytes are the same.
      const idle: JobExecutor = {
        run: (jobs) => (jobs.length === 0 ? Promise.resolve() : Promise.reject(new Error(`ran ${String(jobs.length)} jobs again`))),
      };
      const before = await Promise.all(SWEEP_OUTPUT_FILES.map((name) => readFile(join(out, name), 'utf8')));
      await runSweepToDirectory(plan, idle, out, { resume: true });
      expect(await Promise.all(SWEEP_OUTPUT_FILES.map((name) => readFile(join(out, name), 'utf8')))).toEqual(before);
      // A worker thread's results rank the same.
      const thread = createLocalExecutor({ workers: 1 });
      executors.push(thread);
      await runSweepToDirectory(plan, thread, join(dir, 'out-thread'));
      expect(await Promise.all(SWEEP_OUTPUT_FILES.map((name) => readFile(join(dir, 'out-thread', name), 'utf8')))).toEqual(before);
    });

    it('ranks it first by sortino: no return below the risk-free rate and a positive mean', async () => {
      const { plan } = await unboundedDir('sortino');
      const { rows, best } = await runSweep(plan, createInProcessExecutor());
      expect(rows.map((row) => [row.rank, row.index])).toEqual([
        [1, 0],
        [2, 1],
      ]);
      expect(rows[0]?.objective).toBe(Number.POSITIVE_INFINITY);
      expect(rows[0]?.metrics?.sortino).toBeNull();
      // Independent (Python): returns 0, 10 %, −4.545 %, 14.29 %, 8.33 %, 7.69 %: mean / √(Σ min(r, 0)² / 6) · √252.
      expect(Math.abs((rows[1]?.objective ?? 0) / 50.99369631593383 - 1)).toBeLessThan(1e-12);
      expect(best?.index).toBe(0);
    });

    it('minimised, ranks it last of the combinations with a value', async () => {
      const { dir } = await unboundedDir('calmar');
      const plan = await planSweep(
        {
          kind: 'backtest',
          config: { data: { file: 'prices.csv' }, strategy: 'buy-and-hold', fill: 'close' },
          parameters: [{ path: 'data.to', values: ['2024-01-02', '2024-01-08'] }],
          objective: 'calmar',
          direction: 'min',
        },
        { baseDir: dir },
      );
      const { rows } = await runSweep(plan, createInProcessExecutor());
      expect(rows.map((row) => [row.rank, row.index, row.objective === Number.POSITIVE_INFINITY])).toEqual([
        [1, 1, false],
        [2, 0, true],
      ]);
    });
  });
});
