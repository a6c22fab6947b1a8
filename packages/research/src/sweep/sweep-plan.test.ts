import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../testing/temporary-directory';
import { ConfigError } from '@ensemble/protocol';
import { issuesOf } from '../testing/config-issues';
import { createInProcessExecutor } from '../executor/in-process-executor';
import { parseBacktestRunConfig } from '../job/backtest-config';
import { runSweep } from './run-sweep';
import { planSweep, planSweepFile, sampleIndices } from './sweep-plan';
import { strategyRegistry } from '@ensemble/strategies';

const runConfig = {
  data: { dataset: 'sp500', from: '2015-01-01' },
  cash: 100000,
  strategies: [
    { id: 'trend', strategy: 'sma-crossover', params: { fast: 10, slow: 50 }, symbols: ['SP500'] },
    { id: 'dip', strategy: 'rsi-mean-reversion', symbols: ['SP500'] },
  ],
};

describe('planSweep', () => {
  it('refuses a base config of the other kind than the spec\'s by its kind, not by each of its fields', async () => {
    const backtest = { data: { dataset: 'sp500' }, strategy: 'sma-crossover', params: { slow: 50 } };
    expect(await issuesOf(planSweep({ config: backtest, parameters: [{ path: 'params.fast', values: [5, 10] }] }, { source: 'spec.json' }))).toEqual([
      'kind: is "run" (the default), but the base config is a backtest config (one "strategy", no "strategies"): set "kind": "backtest" in the spec',
    ]);
    expect(await issuesOf(planSweep({ kind: 'backtest', config: runConfig, parameters: [{ path: 'strategies.trend.params.fast', values: [5, 10] }] }))).toEqual([
      'kind: is "backtest", but the base config is a run config ("strategies", no "strategy"): set "kind": "run" in the spec',
    ]);
    expect((await planSweep({ kind: 'backtest', config: backtest, parameters: [{ path: 'params.fast', values: [5, 10] }] })).jobs).toHaveLength(2);
  });

  // Regression: a sweep of `mode` could not run: the parsed base carried its own mode's defaults
  // (`crossing`, `transfers`), which shared mode refuses ("applies to mode "sleeves" only").
  it('varies the capital mode both ways, each combination as the config of that mode runs', async () => {
    for (const [base, other] of [[runConfig, 'shared'], [{ ...runConfig, mode: 'shared', conflictPolicy: 'vote' }, 'sleeves']] as const) {
      const plan = await planSweep({ config: base, parameters: [{ path: 'mode', values: [base === runConfig ? 'sleeves' : 'shared', other] }] });
      expect(plan.jobs).toHaveLength(2);
      const switched = plan.jobs[1]?.config ?? {};
      expect(switched.mode).toBe(other);
      // The fields of the mode it left are gone; a field the base gave of its own mode was refused by the other.
      for (const field of other === 'shared' ? ['crossing', 'transfers'] : ['conflictPolicy']) expect(switched).not.toHaveProperty(field);
      const { rows } = await runSweep(plan, createInProcessExecutor());
      expect(rows.map((row) => row.status)).toEqual(['ok', 'ok']);
      // The same as the base with the other mode given, planned alone.
      const { conflictPolicy: _policy, ...withoutPolicy } = base as Record<string, unknown>;
      const alone = await planSweep({ config: { ...(other === 'sleeves' ? withoutPolicy : base), mode: other }, parameters: [{ path: 'cash', values: [100000] }] });
      const { rows: aloneRows } = await runSweep(alone, createInProcessExecutor());
      expect(rows[1]?.metrics).toEqual(aloneRows[0]?.metrics);
    }
  });

  // Regression (of this change's own first form): notes of the base's range only lost a split in
  // the range a varied data.from reaches.
  it('notes the split jumps of its base range, or of the whole file when the range is varied', async () => {
    const dir = await temporaryDirectory('sweep-range-notes-');
    // Daily closes 2020-01-01 … 2020-03-30; the close halves on 2020-01-20 (a 2:1 split).
    const rows = Array.from({ length: 90 }, (_, i) => `${new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)},${String(i < 19 ? 100 : 50)}`);
    await writeFile(join(dir, 'prices.csv'), `date,close\n${rows.join('\n')}\n`);
    const base = { kind: 'backtest' as const, config: { data: { file: 'prices.csv', from: '2020-02-01' }, strategy: 'buy-and-hold' } };
    const fixed = await planSweep({ ...base, parameters: [{ path: 'cash', values: [1000, 2000] }] }, { baseDir: dir });
    expect(fixed.dataNotes.splitJumps).toEqual([]);
    const varied = await planSweep({ ...base, parameters: [{ path: 'data.from', values: ['2020-01-02', '2020-02-01'] }] }, { baseDir: dir });
    expect(varied.dataNotes.splitJumps.map(({ jump }) => jump.split)).toEqual(['2:1']);
  });

  it("carries the notes of its base data's load and its split-like jumps, for a summary", async () => {
    const dir = await temporaryDirectory('sweep-notes-');
    // Semicolons, an ignored Adj Close column, and a close halved on the third bar (a 2:1 split).
    await writeFile(join(dir, 'prices.csv'), 'date;open;high;low;close;adj close\n2020-01-01;10;10;10;10;5\n2020-01-02;10;10;10;10;5\n2020-01-03;5;5;5;5;5\n2020-01-06;5;5;5;5;5\n');
    const plan = await planSweep({ kind: 'backtest', config: { data: { file: 'prices.csv' }, strategy: 'buy-and-hold' }, parameters: [{ path: 'cash', values: [1000, 2000] }] }, { baseDir: dir });
    expect(plan.dataNotes.data).toEqual(plan.jobs[0]?.data[0]);
    expect(plan.dataNotes.notes).toEqual([
      'fields separated by semicolons, as the header line separates them',
      'column "adj close" ignored: prices are as traded, not adjusted for splits and dividends; load with adjust: true to scale open, high, low and close by "adj close" / close',
    ]);
    expect(plan.dataNotes.splitJumps.map(({ symbol, jump }) => [symbol, jump.fromClose, jump.toClose, jump.split])).toEqual([['prices', 10, 5, '2:1']]);
  });

  it('expands the grid, skips what the constraints reject and addresses strategies by id', async () => {
    const plan = await planSweep({
      config: runConfig,
      parameters: [
        { path: 'strategies.trend.params.fast', range: { start: 10, stop: 50, step: 10 } },
        { path: 'strategies.trend.params.slow', values: [20, 40, 60] },
      ],
      constraints: ['fast < slow'],
    });
    // fast ∈ {10..50}, slow ∈ {20, 40, 60}: fast < slow holds for 3 + 2 + 2 + 1 + 1 = 9 of 15 (by hand).
    expect(plan.gridSize).toBe(15);
    expect(plan.skipped).toBe(6);
    expect(plan.jobs.map((job) => job.index)).toEqual([0, 1, 2, 4, 5, 7, 8, 11, 14]); // index = 3·i(fast) + j(slow)
    const job = plan.jobs[3];
    expect(job?.parameters).toEqual({ fast: 20, slow: 40 });
    const strategies = job?.config.strategies as { id: string; params: Record<string, number> }[];
    expect(strategies[0]?.params).toEqual({ fast: 20, slow: 40 });
    expect(strategies[1]).toMatchObject(runConfig.strategies[1] ?? {});
    expect(job?.data[0]?.name).toBe('sp500');
    expect(job?.data[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.objective).toEqual({ metric: 'sharpe', direction: 'max' });
    // sma-crossover's windows are whole numbers from 1: 9 below fast's values and 51 above them are
    // allowed, as are 19 and 61 for slow. From 1 up, 0 is refused below.
    expect(plan.limits).toEqual([
      { below: false, above: false },
      { below: false, above: false },
    ]);
    const fromOne = await planSweep({ config: runConfig, parameters: [{ path: 'strategies.trend.params.fast', values: [1, 3, 5] }] });
    expect(fromOne.limits).toEqual([{ below: true, above: false }]);
    // rsi-mean-reversion's levels are any number from 0 to 100: whole values tried are not whole
    // units of the schema, so 10 → 30 is probed a hair beyond (9.99…, 30.0…), both allowed; 0 and
    // 100 are its limits.
    const levels = await planSweep({
      config: runConfig,
      parameters: [
        { path: 'strategies.dip.params.oversold', values: [10, 20, 30] },
        { path: 'strategies.dip.params.overbought', values: [70, 85, 100] },
      ],
      constraints: ['oversold < overbought'],
    });
    expect(levels.limits).toEqual([
      { below: false, above: false },
      { below: false, above: true },
    ]);
    const fromZero = await planSweep({ config: runConfig, parameters: [{ path: 'strategies.dip.params.oversold', values: [0, 10, 20] }] });
    expect(fromZero.limits).toEqual([{ below: true, above: false }]);
  });

  it('gives no limits for a parameter without a field schema of its own, or not numeric', async () => {
    const plan = await planSweep({
      config: runConfig,
      parameters: [
        { path: 'commission.rate', values: [0.001, 0.002] },
        { path: 'allocation.scheme', values: ['equal', 'inverse-volatility'] },
      ],
    });
    expect(plan.limits).toEqual([null, null]);
  });

  it('checks varied values without a field schema of their own against the whole config, and the base\'s dates against the data, before any job runs', async () => {
    const issues = await issuesOf(
      planSweep({
        config: runConfig,
        parameters: [
          { path: 'cash', values: [0, 1e-300, 1000] },
          { path: 'data.symbols', values: ['SP500'] },
        ],
      }),
    );
    expect(issues).toEqual([
      'parameters.0.values.0: 0 is refused for cash: must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust',
      'parameters.0.values.1: 1e-300 is refused for cash: must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust',
      'parameters.1.values.0: "SP500" is refused for data.symbols: expected an array, got the string "SP500"',
    ]);
    const empty = await issuesOf(planSweep({ config: { ...runConfig, data: { dataset: 'sp500', from: '2030-01-01' } }, parameters: [{ path: 'cash', values: [1000] }] }));
    expect(empty).toEqual(['config.data.from: the date range is empty: no bar between 2030-01-01 and the end; the data covers 2000-01-03 to 2020-04-17']);
  });

  it('refuses a backtest whose symbols have no bar in its range (every job would fail alike), unless the jobs vary them', async () => {
    // GOOG starts in 2004-08 in stocks5.
    const config = { data: { dataset: 'stocks5', to: '2003-01-01' }, strategy: 'sma-crossover', symbols: ['GOOG'] };
    expect(await issuesOf(planSweep({ kind: 'backtest', config, parameters: [{ path: 'params.fast', values: [5, 10] }] }))).toEqual([
      'config.symbols: "GOOG" has no bar between the start and "2003-01-01": every job would fail; choose a range where it has bars, or another symbol',
    ]);
    const varied = await planSweep({ kind: 'backtest', config, parameters: [{ path: 'symbols.0', values: ['GOOG', 'IBM'] }] });
    expect(varied.jobs).toHaveLength(2);
    const withBars = await planSweep({ kind: 'backtest', config: { ...config, symbols: ['GOOG', 'IBM'] }, parameters: [{ path: 'params.fast', values: [5, 10] }] });
    expect(withBars.jobs).toHaveLength(2);
  });

  it('refuses a path through an object\'s internals, which would set a field on every object of the worker', async () => {
    const issues = await issuesOf(
      planSweep({
        config: runConfig,
        parameters: [
          { path: '__proto__.cash', values: [5000, 6000] },
          { path: 'strategies.trend.constructor', values: [1] },
          { path: 'data.__proto__', values: [1] },
        ],
      }),
    );
    expect(issues).toEqual([
      'parameters.0.path: "__proto__.cash" goes through "__proto__", which is no field of a config (it names a JavaScript object\'s internals)',
      'parameters.1.path: "strategies.trend.constructor" goes through "constructor", which is no field of a config (it names a JavaScript object\'s internals)',
      'parameters.2.path: "data.__proto__" goes through "__proto__", which is no field of a config (it names a JavaScript object\'s internals)',
    ]);
    expect(({} as Record<string, unknown>).cash).toBeUndefined();
  });

  it('bounds the grid at a million combinations, sampled or not, and says what to do in each case', async () => {
    const backtest = { data: { dataset: 'sp500' }, strategy: 'sma-crossover' };
    // 1,001 × 1,000 = 1,001,000 combinations: one over the bound.
    const parameters = [
      { path: 'params.fast', range: { start: 1, stop: 1001, step: 1 } },
      { path: 'params.slow', range: { start: 2, stop: 1001, step: 1 } },
    ];
    expect(await issuesOf(planSweep({ kind: 'backtest', config: backtest, parameters }))).toEqual([
      'parameters: the grid has 1,001,000 combinations, more than 1,000,000; use fewer values or a coarser step, then sample some of them if they are still too many ("sampling" in a spec, --sample N on the command line)',
    ]);
    expect(await issuesOf(planSweep({ kind: 'backtest', config: backtest, parameters, sampling: { random: { count: 5, seed: 1 } } }))).toEqual([
      'parameters: the grid has 1,001,000 combinations, more than 1,000,000; sampling draws from every combination the constraints admit, so the grid itself is bounded too: use fewer values or a coarser step',
    ]);
  });

  it('names every problem of a bad spec by path', async () => {
    const issues = await issuesOf(
      planSweep({
        config: runConfig,
        parameters: [
          { path: 'strategies.trend.params.fast', values: [5, 10] },
          { path: 'strategies.nope.params.slow', values: [1] },
          { path: 'commission.rate', range: { start: 0, stop: 0.01, step: 0 } },
        ],
        objective: 'sharp',
      }),
    );
    expect(issues).toEqual([
      'parameters.1.path: "strategies.nope" is not an object of the base config (strategies are addressed by their id: trend, dip)',
      'parameters.2.range.step: must be > 0',
      expect.stringMatching(/^objective: unknown metric "sharp"; did you mean "sharpe"\?/),
    ]);
    // A misspelt id, and a sleeve's parameter by its bare name: said once, with the path to write.
    expect(await issuesOf(planSweep({ config: runConfig, parameters: [{ path: 'strategies.trnd.params.fast', values: [5, 10] }, { path: 'period', values: [7, 14] }] }))).toEqual([
      'parameters.0.path: "strategies.trnd" is not an object of the base config (strategies are addressed by their id: trend, dip — did you mean "trend"?)',
      'parameters.1.path: "period" is no field of a run config: a sleeve\'s parameter is addressed through its id, "strategies.dip.params.period"',
    ]);
    expect(await issuesOf(planSweep({ config: runConfig, parameters: [] }))).toEqual(['parameters: must hold at least 1 item, got 0 items']);
    expect(await issuesOf(planSweep({ config: { ...runConfig, cash: -1 }, parameters: [{ path: 'cash', values: [1] }] }))).toEqual([
      expect.stringMatching(/^config\.cash: /),
    ]);
  });

  it('names a value that is neither a number, a string nor a boolean by its place in the list, not the parameter as "Invalid input"', async () => {
    expect(await issuesOf(planSweep({ config: runConfig, parameters: [{ path: 'cash', values: [1000, null] }] }))).toEqual([
      'parameters.0.values.1: must be a number, a string or a boolean (true, false)',
    ]);
    expect(await issuesOf(planSweep({ config: runConfig, parameters: [{ path: 'cash', values: [[1000]] }] }))).toEqual([
      'parameters.0.values.0: must be a number, a string or a boolean (true, false)',
    ]);
  });

  it('names the spec as the source of bad constraints and lists every one', async () => {
    let thrown: unknown;
    try {
      await planSweep(
        { config: runConfig, parameters: [{ path: 'strategies.trend.params.fast', values: [5, 10] }], constraints: ['fast <<< slow', 'fast < lookback'] },
        { source: 'sweep.json' },
      );
    } catch (error) {
      thrown = error;
    }
    expect(ConfigError.isInstance(thrown)).toBe(true);
    const error = thrown as ConfigError;
    expect(error.source).toBe('sweep.json');
    expect(error.issues.map((issue) => issue.path)).toEqual(['constraints.0', 'constraints.1']);
    expect(error.issues[0]?.message).toBe('unexpected "<" at character 7 in "fast <<< slow"');
    expect(error.issues[1]?.message).toMatch(/^unknown parameter "lookback" in "fast < lookback"/);
  });

  it('lets a constraint compare a varied value with one the base config fixes, named by its path', async () => {
    // slow fixed at 50: fast 10 and 40 are below it, 60 is not (by hand).
    const backtest = { data: { dataset: 'sp500' }, strategy: 'sma-crossover', params: { slow: 50 } };
    const plan = await planSweep({ kind: 'backtest', config: backtest, parameters: [{ path: 'params.fast', values: [10, 40, 60] }], constraints: ['fast < params.slow'] });
    expect(plan.jobs.map((job) => job.parameters)).toEqual([{ fast: 10 }, { fast: 40 }]);
    expect(plan.skipped).toBe(1);
    // Left to its default (sma-crossover's slow is 30): the default is compared.
    const defaulted = await planSweep({ kind: 'backtest', config: { ...backtest, params: {} }, parameters: [{ path: 'params.fast', values: [10, 40] }], constraints: ['fast < params.slow'] });
    expect(defaulted.jobs.map((job) => job.parameters)).toEqual([{ fast: 10 }]);
    // A run config's entry by its id, and a field of the config (cash 100,000).
    const run = await planSweep({
      config: runConfig,
      parameters: [{ path: 'strategies.trend.params.fast', values: [10, 45, 55] }],
      constraints: ['fast < strategies.trend.params.slow', 'cash >= 100000'],
    });
    expect(run.jobs.map((job) => job.parameters)).toEqual([{ fast: 10 }, { fast: 45 }]);
    // A bare name the grid does not vary, or a path the config does not give, is refused with how to name it.
    expect(await issuesOf(planSweep({ kind: 'backtest', config: backtest, parameters: [{ path: 'params.fast', values: [10] }], constraints: ['fast < slow', 'fast < params.lookback'] }))).toEqual([
      'constraints.0: unknown parameter "slow" in "fast < slow"; the parameters are "fast", "params.fast"; a value the base config fixes is named by its config path (e.g. "params.slow" in a backtest, "strategies.<id>.params.slow" in a run)',
      'constraints.1: unknown parameter "params.lookback" in "fast < params.lookback"; the parameters are "fast", "params.fast"; the base config gives no value at "params.lookback", and it is no parameter of a strategy there',
    ]);
  });

  it('refuses a base config whose symbols are not in its data, before any job runs', async () => {
    const issues = await issuesOf(
      planSweep({
        config: { ...runConfig, strategies: [{ id: 'trend', strategy: 'sma-crossover', symbols: ['SPX'] }] },
        parameters: [{ path: 'strategies.trend.params.fast', values: [5] }],
      }),
    );
    expect(issues).toEqual(['config.strategies.0.symbols.0: symbol "SPX" is not in the data (available: SP500)']);
    const backtest = await issuesOf(
      planSweep({ kind: 'backtest', config: { data: { dataset: 'sp500' }, strategy: 'sma-crossover', benchmark: 'SPX' }, parameters: [{ path: 'params.fast', values: [5] }] }),
    );
    expect(backtest).toEqual(['config.benchmark: unknown symbol "SPX"; available: SP500']);
    // As a backtest job selects them: exact, then case-insensitive (`ensemble backtest --symbol sp500`).
    const folded = planSweep({ kind: 'backtest', config: { data: { dataset: 'sp500' }, strategy: 'sma-crossover', symbols: ['sp500'], benchmark: 'sp500' }, parameters: [{ path: 'params.fast', values: [5] }] });
    await expect(folded).resolves.toMatchObject({ gridSize: 1 });
    const symbols = await issuesOf(
      planSweep({ kind: 'backtest', config: { data: { dataset: 'sp500' }, strategy: 'sma-crossover', symbols: ['SP500', 'XYZ'] }, parameters: [{ path: 'params.fast', values: [5] }] }),
    );
    expect(symbols).toEqual(['config.symbols.1: unknown symbol "XYZ"; available: SP500']);
  });

  it('refuses a parameter path naming no parameter of its strategy, with the nearest one', async () => {
    const issues = await issuesOf(
      planSweep({
        config: runConfig,
        parameters: [
          { path: 'strategies.trend.params.fats', values: [5, 10] },
          { path: 'strategies.dip.params.period', values: [7, 14] },
        ],
      }),
    );
    expect(issues).toEqual([
      'parameters.0.path: "fats" is not a parameter of sma-crossover — did you mean "fast"? (it takes only fast, slow, allowShort)',
    ]);
    const backtest = await issuesOf(planSweep({ kind: 'backtest', config: { data: { dataset: 'sp500' }, strategy: 'sma-crossover' }, parameters: [{ path: 'params.slwo', values: [50] }] }));
    expect(backtest).toEqual(['parameters.0.path: "slwo" is not a parameter of sma-crossover — did you mean "slow"? (it takes only fast, slow, allowShort)']);
  });

  it('refuses to vary the data itself, which every job reads as planned', async () => {
    const issues = await issuesOf(
      planSweep({
        config: runConfig,
        parameters: [
          { path: 'data.dataset', values: ['sp500', 'stocks5'] },
          { path: 'data.adjust', values: [false, true] },
          { path: 'data.from', values: ['2015-01-01', '2016-01-01'] },
          { path: 'data.dateFormat', values: ['auto', 'DD/MM/YYYY'] },
        ],
      }),
    );
    const why = 'cannot be varied: every combination reads the same data, chosen when the sweep is planned (the overfitting statistics compare their returns bar by bar); run one sweep per data source (data.from and data.to can be varied, and data.symbols one entry at a time, as data.symbols.0, with values a symbol each)';
    expect(issues).toEqual([`parameters.0.path: "data.dataset" ${why}`, `parameters.1.path: "data.adjust" ${why}`, `parameters.3.path: "data.dateFormat" ${why}`]);
    const backtest = await issuesOf(planSweep({ kind: 'backtest', config: { data: { dataset: 'sp500' }, strategy: 'buy-and-hold' }, parameters: [{ path: 'data', values: ['x'] }] }));
    expect(backtest).toEqual([`parameters.0.path: "data" ${why}`]);
  });

  it('refuses to vary a file of a list of data files, and plans one data reference per file, in order', async () => {
    const dir = await temporaryDirectory('sweep-files-');
    const closes = (start: number) => Array.from({ length: 30 }, (_, i) => `${new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)},${String(start + i)}`).join('\n');
    await writeFile(join(dir, 'AAA.csv'), `date,close\n${closes(10)}\n`);
    await writeFile(join(dir, 'BBB.csv'), `date,close\n${closes(50)}\n`);
    await writeFile(join(dir, 'CCC.csv'), `date,close\n${closes(90)}\n`);
    const config = { data: { file: ['AAA.csv', 'BBB.csv'] }, strategy: 'buy-and-hold' };
    const why = 'cannot be varied: every combination reads the same data';
    const issues = await issuesOf(planSweep({ kind: 'backtest', config, parameters: [{ path: 'data.file.1', values: ['BBB.csv', 'CCC.csv'] }] }, { baseDir: dir }));
    expect(issues).toEqual([expect.stringContaining(`parameters.0.path: "data.file.1" ${why}`)]);
    const plan = await planSweep({ kind: 'backtest', config, parameters: [{ path: 'cash', values: [1000, 2000] }] }, { baseDir: dir });
    expect(plan.jobs[0]?.data.map((ref) => ref.file)).toEqual([join(dir, 'AAA.csv'), join(dir, 'BBB.csv')]);
    expect((plan.jobs[0]?.config.data as { file: unknown }).file).toEqual([join(dir, 'AAA.csv'), join(dir, 'BBB.csv')]);
  });

  it('refuses a name that is both a backtest config field and a parameter of its strategy', async () => {
    const config = { data: { dataset: 'stocks5' }, strategy: 'equal-weight' };
    const issues = await issuesOf(planSweep({ kind: 'backtest', config, parameters: [{ path: 'rebalance', values: ['quarter', 'year'] }] }));
    expect(issues).toEqual([
      'parameters.0.path: "rebalance" is both a field of the backtest config and a parameter of equal-weight: write "params.rebalance" to vary the strategy\'s parameter (a path below "rebalance" varies the config\'s field)',
    ]);
    const plan = await planSweep({ kind: 'backtest', config, parameters: [{ path: 'params.rebalance', values: ['quarter', 'year'] }] });
    expect(plan.jobs.map((job) => (job.config.params as { rebalance: string }).rebalance)).toEqual(['quarter', 'year']);
  });

  it('a backtest of a portfolio strategy sweeps: its jobs hold the parsed config (the default sizing in it), which parses again', async () => {
    const config = { data: { dataset: 'stocks5', from: '2010-01-01', to: '2012-12-31' }, strategy: 'inverse-volatility' };
    const plan = await planSweep({ kind: 'backtest', config, parameters: [{ path: 'params.lookback', values: [20, 40] }] });
    for (const job of plan.jobs) expect(parseBacktestRunConfig(job.config, strategyRegistry)).toEqual(job.config);
    const result = await runSweep(plan, createInProcessExecutor());
    expect(result.rows.map((row) => row.status)).toEqual(['ok', 'ok']);
    // A sizing rule of the user's own is still refused for it.
    expect(await issuesOf(planSweep({ kind: 'backtest', config: { ...config, sizing: { kind: 'fixed-cash', amount: 10 } }, parameters: [{ path: 'params.lookback', values: [20] }] }))).toEqual([
      'config.sizing: "inverse-volatility" is a portfolio strategy: it sizes by target weights, not by "sizing"; remove it',
    ]);
  });

  it('a value refused against the base but valid with another varied value is no spec error; one no combination allows is', async () => {
    const base = { data: { dataset: 'stocks5' }, strategy: 'sma-crossover', symbols: ['MSFT'], sizing: { kind: 'fixed-quantity', quantity: 10 } };
    // 0.5 whole units is refused, 0.5 fractional units is fine: fractional is varied, so the grid stands.
    const grid = { kind: 'backtest', config: base, parameters: [{ path: 'fractional', values: [true, false] }, { path: 'sizing.quantity', values: [0.5, 2] }] };
    // …but its one combination of 0.5 whole units is refused, naming it, until a constraint leaves it out.
    expect(await issuesOf(planSweep(grid))).toEqual([
      'combination 2 (fractional=false quantity=0.5): sizing.quantity: 0.5 units round down to 0 whole units, so every entry would be rejected; give at least 1 unit, or allow fractional units',
      'constraints: 1 of the 4 combinations has an invalid config and would only fail: leave it out with a constraint ("constraints" in the spec, --constraint on the command line), e.g. \'!(fractional == false && quantity == 0.5)\'',
    ]);
    const plan = await planSweep({ ...grid, constraints: ['fractional == true || quantity >= 1'] });
    expect(plan.jobs).toHaveLength(3);
    expect(await issuesOf(planSweep({ kind: 'backtest', config: base, parameters: [{ path: 'sizing.quantity', values: [0.5, 2] }] }))).toEqual([
      'parameters.0.values.0: 0.5 is refused for sizing.quantity: 0.5 units round down to 0 whole units, so every entry would be rejected; give at least 1 unit, or allow fractional units',
    ]);
    // An engine rebalance in the base clashes with every varied params.rebalance: a spec error, not failed jobs.
    const portfolio = { data: { dataset: 'stocks5' }, strategy: 'equal-weight', rebalance: { kind: 'calendar', period: 'month' } };
    expect(await issuesOf(planSweep({ kind: 'backtest', config: portfolio, parameters: [{ path: 'params.rebalance', values: ['week', 'quarter'] }] }))).toEqual([
      'parameters.0.path: the base config\'s "rebalance" replaces the strategy\'s own schedule in every combination; remove it from the base config to vary "params.rebalance", or vary "rebalance" instead',
    ]);
  });

  it('refuses a varied value its field\'s own schema refuses, before any job runs', async () => {
    const issues = await issuesOf(
      planSweep({
        config: runConfig,
        parameters: [
          { path: 'strategies.trend.params.fast', values: ['abc', 10, -5] },
          { path: 'strategies.trend.params.slow', range: { start: 0, stop: 60, step: 30 } },
        ],
      }),
    );
    expect(issues).toEqual([
      'parameters.0.values.0: "abc" is refused for fast (a parameter of sma-crossover): expected a number',
      'parameters.0.values.2: -5 is refused for fast (a parameter of sma-crossover): must be at least 1',
      'parameters.1.range: 0 is refused for slow (a parameter of sma-crossover): must be at least 1',
    ]);
    const backtest = { data: { dataset: 'sp500' }, strategy: 'sma-crossover' };
    expect(await issuesOf(planSweep({ kind: 'backtest', config: backtest, parameters: [{ path: 'cash', values: [1000, -5, 0.001] }] }))).toEqual([
      'parameters.0.values.1: -5 is refused for cash (a field of the backtest config): must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust',
      'parameters.0.values.2: 0.001 is refused for cash (a field of the backtest config): must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust',
    ]);
    // A value valid on its own but not with the rest of the config (fast 40 against the default
    // slow 30): its combination is refused, naming it, where it used to fail as a job.
    expect(await issuesOf(planSweep({ kind: 'backtest', config: backtest, parameters: [{ path: 'params.fast', values: [10, 40] }] }))).toEqual([
      'combination 1 (fast=40): params.fast: fast (40) must be less than slow (30): the fast SMA uses the shorter window',
      'constraints: 1 of the 2 combinations has an invalid config and would only fail: leave it out with a constraint ("constraints" in the spec, --constraint on the command line), e.g. \'fast != 40\'',
    ]);
  });

  it('refuses every combination whose whole config is invalid, by its values, before any job runs', async () => {
    // Fixed weights in the base: "equal" and "inverse-volatility" would ignore them, in every combination.
    const fixed = {
      data: { dataset: 'sp500', from: '2015-01-01' },
      allocation: { scheme: 'fixed' },
      strategies: [
        { id: 'trend', strategy: 'sma-crossover', weight: 0.6, symbols: ['SP500'] },
        { id: 'hold', strategy: 'buy-and-hold', weight: 0.4, symbols: ['SP500'] },
      ],
    };
    const spec = { config: fixed, parameters: [{ path: 'allocation.scheme', values: ['fixed', 'equal', 'inverse-volatility'] }] };
    expect(await issuesOf(planSweep(spec))).toEqual([
      'combination 1 (scheme=equal): strategies.0.weight: allocation.scheme is "equal": every strategy gets the same weight, so this one would be ignored; set allocation.scheme to "fixed" to use the weights, or remove them',
      'constraints: 1 of the 3 combinations has an invalid config and would only fail: leave it out with a constraint ("constraints" in the spec, --constraint on the command line), e.g. \'scheme != "equal"\'',
    ]);
    // A grid of two varied fields whose rule holds only in some combinations: many named, the rest counted.
    const overlapping = { config: runConfig, parameters: [{ path: 'strategies.trend.params.fast', values: [10, 20, 30, 40, 50, 60, 70] }, { path: 'strategies.trend.params.slow', values: [20, 40] }] };
    expect(await issuesOf(planSweep(overlapping))).toEqual([
      'combination 2 (fast=20 slow=20): strategies.0.params.fast: fast (20) must be less than slow (20): the fast SMA uses the shorter window',
      'combination 4 (fast=30 slow=20): strategies.0.params.fast: fast (30) must be less than slow (20): the fast SMA uses the shorter window',
      'combination 6 (fast=40 slow=20): strategies.0.params.fast: fast (40) must be less than slow (20): the fast SMA uses the shorter window',
      'combination 7 (fast=40 slow=40): strategies.0.params.fast: fast (40) must be less than slow (40): the fast SMA uses the shorter window',
      'combination 8 (fast=50 slow=20): strategies.0.params.fast: fast (50) must be less than slow (20): the fast SMA uses the shorter window',
      'constraints: 10 of the 14 combinations have an invalid config (5 more not listed) and would only fail: leave them out with a constraint ("constraints" in the spec, --constraint on the command line): a rule on fast, slow that the valid ones meet (such as \'fast < slow\' for two moving-average windows); \'!(fast == 20 && slow == 20)\' leaves out the first alone',
    ]);
    expect((await planSweep({ ...overlapping, constraints: ['fast < slow'] })).jobs).toHaveLength(4);
    // Sampled: the whole pool the constraints admit is checked, not only the sample (leaving out
    // the sampled invalid ones would only draw others), and a pool with no valid one says so.
    const sampled = await issuesOf(planSweep({ ...overlapping, sampling: { random: { count: 2, seed: 1 } } }));
    expect(sampled.at(-1)).toContain('constraints: 10 of the 14 combinations have an invalid config');
    expect((await planSweep({ ...overlapping, constraints: ['fast < slow'], sampling: { random: { count: 2, seed: 1 } } })).jobs).toHaveLength(2);
    expect((await issuesOf(planSweep({ ...overlapping, constraints: ['fast >= slow'] }))).at(-1)).toBe(
      'parameters: 10 of the 10 combinations have an invalid config (5 more not listed) and would only fail: none can run: change the varied values or the base config',
    );
  });

  it('checks a rule between parameters per combination, not on the base with a default standing in for a varied one', async () => {
    // The base alone breaks fast < slow through the default it holds for the varied one (fast 10
    // against slow 8; fast 60 against the default slow 30): every combination replaces that default.
    const backtest = (params: Record<string, number>) => ({ data: { dataset: 'sp500', from: '2015-01-01' }, strategy: 'sma-crossover', params });
    const fast = await planSweep({ kind: 'backtest', config: backtest({ slow: 8 }), parameters: [{ path: 'params.fast', values: [5, 6] }] });
    expect(fast.jobs.map((job) => job.config.params)).toEqual([{ fast: 5, slow: 8 }, { fast: 6, slow: 8 }]);
    const slow = await planSweep({ kind: 'backtest', config: backtest({ fast: 60 }), parameters: [{ path: 'params.slow', values: [100, 120] }] });
    expect(slow.jobs.map((job) => job.config.params)).toEqual([{ fast: 60, slow: 100 }, { fast: 60, slow: 120 }]);
    // A combination that breaks it is still named, as when the base holds.
    expect(await issuesOf(planSweep({ kind: 'backtest', config: backtest({ slow: 8 }), parameters: [{ path: 'params.fast', values: [50, 5] }] }))).toEqual([
      'combination 0 (fast=50): params.fast: fast (50) must be less than slow (8): the fast SMA uses the shorter window',
      'constraints: 1 of the 2 combinations has an invalid config and would only fail: leave it out with a constraint ("constraints" in the spec, --constraint on the command line), e.g. \'fast != 50\'',
    ]);
    // No combination mends it: the base is refused with the values a job would run with.
    expect(await issuesOf(planSweep({ kind: 'backtest', config: backtest({ slow: 8 }), parameters: [{ path: 'params.fast', values: [50, 60] }] }))).toEqual([
      'config.params.fast: fast (50) must be less than slow (8): the fast SMA uses the shorter window',
    ]);
    // The combinations that mend it lie past the grid's first 200 (slow varies slowest: 39 in the
    // first 300, 45 in the last 300) and the constraint leaves out the others: the base stands, on
    // a combination found across the grid, where the first 200 tried were all refused.
    const late = await planSweep({
      kind: 'backtest',
      config: backtest({ fast: 40 }),
      parameters: [
        { path: 'params.slow', values: [39, 45] },
        { path: 'cash', range: { start: 1000, stop: 300_000, step: 1000 } },
      ],
      constraints: ['slow > 40'],
    });
    expect(late.jobs).toHaveLength(300);
    expect(late.jobs.every((job) => (job.config.params as Record<string, number>).slow === 45)).toBe(true);
    // A rule the base breaks on its own, with no varied parameter in it, is refused at once.
    expect(await issuesOf(planSweep({ kind: 'backtest', config: backtest({ fast: 60, slow: 20 }), parameters: [{ path: 'cash', values: [1000, 2000] }] }))).toEqual([
      'config.params.fast: fast (60) must be less than slow (20): the fast SMA uses the shorter window',
    ]);
    // A run config alike: a strategy's parameter varied with another fixed.
    const run = { ...runConfig, strategies: [{ id: 'trend', strategy: 'sma-crossover', params: { slow: 8 }, symbols: ['SP500'] }] };
    const runPlan = await planSweep({ config: run, parameters: [{ path: 'strategies.trend.params.fast', values: [5, 6] }] });
    expect(runPlan.jobs.map((job) => (job.config.strategies as { params: unknown }[])[0]?.params)).toEqual([{ fast: 5, slow: 8 }, { fast: 6, slow: 8 }]);
  });

  it('samples a seeded subset of the admissible combinations', async () => {
    const spec = {
      config: runConfig,
      parameters: [
        { path: 'strategies.trend.params.fast', range: { start: 5, stop: 50, step: 5 } },
        { path: 'strategies.trend.params.slow', range: { start: 20, stop: 200, step: 20 } },
      ],
      constraints: ['fast < slow'],
      sampling: { random: { count: 12, seed: 7 } },
    };
    const first = await planSweep(spec);
    const again = await planSweep(spec);
    expect(first.jobs.map((job) => job.index)).toEqual(again.jobs.map((job) => job.index));
    expect(first.jobs).toHaveLength(12);
    expect(first.jobs.every((job) => Number(job.parameters.fast) < Number(job.parameters.slow))).toBe(true);
    expect(first.notSampled + first.skipped + 12).toBe(first.gridSize);
    expect(first.sweepId).toBe(again.sweepId);
    const other = await planSweep({ ...spec, sampling: { random: { count: 12, seed: 8 } } });
    expect(other.sweepId).not.toBe(first.sweepId);
  });

  it('the README\'s example sweep keeps the id it prints (a field a config leaves out, such as data.dateFormat, adds nothing to its jobs)', async () => {
    const plan = await planSweepFile(fileURLToPath(new URL('../../../../examples/research/sp500-sweep.json', import.meta.url)));
    // `Sweep e56d801a6ee4` in the README's sweep output, written before data.dateFormat existed.
    expect(plan.sweepId.slice(0, 12)).toBe('e56d801a6ee4');
    expect(plan.jobs[0]?.data[0]).not.toHaveProperty('dateFormat');
    expect(plan.jobs[0]?.config.data).not.toHaveProperty('dateFormat');
  });

  it('draws distinct indices uniformly enough', () => {
    const counts = new Array<number>(10).fill(0);
    for (let seed = 1; seed <= 2000; seed++) for (const index of sampleIndices([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3, seed)) counts[index] = (counts[index] ?? 0) + 1;
    // Each index is drawn with probability 3/10: 600 of 2000, binomial std ≈ 20.5.
    for (const count of counts) expect(Math.abs(count - 600)).toBeLessThan(100);
  });

  it('reads the base config relative to the spec file and makes its data file absolute', async () => {
    const dir = await temporaryDirectory('sweep-plan-');
    await writeFile(join(dir, 'prices.csv'), 'date,open,high,low,close,volume\n2020-01-01,1,1,1,1,0\n2020-01-02,1,1,1,1,0\n');
    await writeFile(join(dir, 'run.json'), JSON.stringify({ ...runConfig, data: { file: 'prices.csv' }, strategies: [{ id: 'trend', strategy: 'sma-crossover', symbols: ['prices'] }] }));
    await writeFile(join(dir, 'sweep.json'), JSON.stringify({ config: 'run.json', parameters: [{ path: 'strategies.trend.params.fast', values: [2, 3] }] }));
    const plan = await planSweepFile(join(dir, 'sweep.json'));
    expect((plan.jobs[0]?.config.data as { file: string }).file).toBe(join(dir, 'prices.csv'));
    expect(plan.jobs[0]?.data[0]?.file).toBe(join(dir, 'prices.csv'));
  });

  it('refuses a spec or base config with a key given twice, naming the file, the line and the key', async () => {
    const dir = await temporaryDirectory('sweep-plan-');
    await writeFile(join(dir, 'run.json'), JSON.stringify(runConfig));
    await writeFile(join(dir, 'sweep.json'), '{\n  "config": "run.json",\n  "parameters": [{ "path": "strategies.trend.params.fast", "values": [2, 3] }],\n  "parameters": []\n}\n');
    const error = await planSweepFile(join(dir, 'sweep.json')).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).source).toBe(join(dir, 'sweep.json'));
    expect((error as ConfigError).issues[0]).toMatchObject({ path: 'line 4, column 3', message: expect.stringContaining('"parameters" is given twice in this object (first on line 3)') as string });
    await writeFile(join(dir, 'run.json'), '{ "cash": 1000, "cash": 2000 }');
    await writeFile(join(dir, 'sweep.json'), JSON.stringify({ config: 'run.json', parameters: [{ path: 'cash', values: [1] }] }));
    const base = await planSweepFile(join(dir, 'sweep.json')).catch((caught: unknown) => caught);
    expect((base as ConfigError).source).toBe(join(dir, 'run.json'));
    expect((base as ConfigError).issues[0]?.message).toContain('"cash" is given twice');
  });
});
