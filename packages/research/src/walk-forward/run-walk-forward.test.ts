import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '@ensemble/data';
import { runBacktest } from '@ensemble/engine';
import { PerformanceCalculator, computeMetrics, inferPeriodsPerYear } from '@ensemble/performance';
import type { BarSeries, Strategy } from '@ensemble/protocol';
import { SmaCrossoverStrategy } from '@ensemble/strategies';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@ensemble/protocol';
import { JOURNAL_FILE, openJournal } from '../executor/journal';
import { temporaryDirectory } from '../testing/temporary-directory';
import { createInProcessExecutor } from '../executor/in-process-executor';
import { createLocalResolvers } from '../job/resolvers';
import { runResearchJob } from '../job/run-research-job';
import { latestChoice, runWalkForward } from './run-walk-forward';
import type { WalkForwardResult } from './run-walk-forward';
import { WALK_FORWARD_OUTPUT_FILES, runWalkForwardToDirectory, walkForwardOutputFiles } from './walk-forward-outputs';
import { planWalkForward } from './walk-forward-plan';

/**
 * An SMA crossover held until `start` (epoch ms): no entry before it, its indicators see every bar
 * — what a window's warm-up means, written here without the research package's code.
 */
function heldCrossover(fast: number, slow: number, start: number): Strategy {
  const inner = new SmaCrossoverStrategy({ fast, slow });
  return {
    kind: 'signal',
    id: inner.id,
    warmup: inner.warmup,
    indicators: (series) => inner.indicators(series),
    shouldEnter: (context) => (context.time < start ? null : inner.shouldEnter(context)),
    shouldExit: (context, position) => inner.shouldExit(context, position),
  };
}

/** `series` cut to its bars `from` … `to` − 1. */
function barsOf(series: BarSeries, from: number, to: number): BarSeries {
  return {
    ...series,
    length: to - from,
    time: series.time.slice(from, to),
    open: series.open.slice(from, to),
    high: series.high.slice(from, to),
    low: series.low.slice(from, to),
    close: series.close.slice(from, to),
    volume: series.volume.slice(from, to),
  };
}

/**
 * A run of the engine over `series`' bars `from` … `to` − 1 held until bar `start`, measured from
 * bar `start` as a walk-forward window is (next-open fills: from the window's first point).
 */
function measuredRun(series: BarSeries, fast: number, slow: number, from: number, start: number, to: number, cash: number) {
  const bars = barsOf(series, from, to);
  const run = runBacktest({ series: [bars], strategy: heldCrossover(fast, slow, series.time[start] ?? Number.NaN), cash });
  const at = start - from;
  const metrics = new PerformanceCalculator({ periodsPerYear: inferPeriodsPerYear(run.equity.time), riskFreeRate: 0, benchmark: { time: bars.time, close: bars.close } }).metrics({
    equity: { time: run.equity.time.slice(at), equity: run.equity.equity.slice(at), grossExposure: run.equity.grossExposure.slice(at) },
    trades: run.trades,
    fills: run.fills,
  });
  return { metrics, trades: run.trades, time: Array.from(run.equity.time.slice(at)), equity: Array.from(run.equity.equity.slice(at)) };
}

const spec = (to: string) => ({
  kind: 'backtest',
  config: { data: { dataset: 'sp500', from: '2005-01-01', to }, strategy: 'sma-crossover', params: { fast: 10, slow: 50 }, commission: { kind: 'percent', rate: 0.0005 } },
  parameters: [
    { path: 'params.fast', values: [10, 20] },
    { path: 'params.slow', values: [50, 100] },
  ],
  objective: 'sharpe',
  windows: { train: '2y', test: '1y' },
});

async function walkForward(to: string): Promise<WalkForwardResult> {
  const plan = await planWalkForward(spec(to));
  return runWalkForward(plan, createInProcessExecutor());
}

describe('runWalkForward', () => {
  it('plans a base whose fixed parameter holds only with the varied values (not the default they replace)', async () => {
    // slow 8 fixed, fast varied over 5 and 6: the default fast (10) is no combination's.
    const plan = await planWalkForward({ ...spec('2009-12-31'), config: { ...spec('2009-12-31').config, params: { slow: 8 } }, parameters: [{ path: 'params.fast', values: [5, 6] }] });
    expect(plan.combinations).toHaveLength(2);
    expect(plan.trainJobs[0]?.config.params).toEqual({ fast: 5, slow: 8 });
  });

  it('chooses each train window\'s best combination, runs it on the next test window and carries the capital over', async () => {
    const plan = await planWalkForward(spec('2012-12-31'));
    // 2005-01-03 … 2012-12-31, train 2 years then test 1 year, sliding by a year: tests start 2007 … 2012.
    expect(plan.windows.map((window) => new Date(window.test.start).getUTCFullYear())).toEqual([2007, 2008, 2009, 2010, 2011, 2012]);
    const result = await runWalkForward(plan, createInProcessExecutor());
    expect(result.steps).toHaveLength(6);
    const resolvers = createLocalResolvers();
    let previousEnd = 100000;
    for (const step of result.steps) {
      // The choice, recomputed from the train jobs alone: the highest Sharpe ratio, ties to the lower index.
      const trainJobs = plan.trainJobs.filter((job) => Math.floor(job.index / plan.gridSize) === step.index);
      const trained = await Promise.all(trainJobs.map((job) => runResearchJob(job, resolvers)));
      const best = trained.reduce((a, b) => ((b.metrics?.sharpe ?? -Infinity) > (a.metrics?.sharpe ?? -Infinity) ? b : a));
      expect(step.chosen?.combination).toBe(best.index - step.index * plan.gridSize);
      expect(step.inSample).toEqual(best.metrics);
      expect(step.ties).toBe(trained.filter((job) => job.metrics?.sharpe === best.metrics?.sharpe).length);
      expect(step.startEquity).toBe(previousEnd);
      expect(step.outOfSample?.startEquity).toBe(previousEnd);
      previousEnd = step.outOfSample?.endEquity ?? Number.NaN;
      const expected = step.inSample !== null && step.outOfSample !== null && (step.inSample.cagr ?? 0) > 0 ? (step.outOfSample.cagr ?? 0) / (step.inSample.cagr ?? 1) : null;
      expect(step.efficiency).toBe(expected);
    }
    // The stitched curve: every test window's bars in order, from the first test start to the last test end.
    const { time, equity } = result.outOfSample;
    expect(time[0]).toBe(plan.windows[0]?.test.start);
    expect(time.at(-1)).toBe(plan.windows.at(-1)?.test.end);
    expect(time.length).toBe(plan.windows.reduce((sum, window) => sum + window.test.bars, 0));
    for (let t = 1; t < time.length; t++) expect(time[t] ?? 0).toBeGreaterThan(time[t - 1] ?? 0);
    expect(result.metrics?.endEquity).toBe(equity.at(-1));
    expect(result.metrics?.startEquity).toBe(100000);
  });

  it('counts the train combinations tied on the best objective, the grid\'s first of them chosen', async () => {
    // Every combination of a window runs on the same bars: "bars" ties them all.
    const result = await runWalkForward(await planWalkForward({ ...spec('2009-12-31'), objective: 'bars' }), createInProcessExecutor());
    expect(result.steps.length).toBeGreaterThan(1);
    for (const step of result.steps) {
      expect(step.ties).toBe(4);
      expect(step.chosen?.combination).toBe(0);
    }
  });

  // Regression: train windows started cold, so a combination with a long warm-up spent part of its
  // train window flat (a bias towards short lookbacks), and one shorter than the warm-up could not
  // trade at all; test windows were already warmed up on the bars before them.
  it('warms a train window up on the bars before it, measuring the train window only, as a test window is', async () => {
    const plan = await planWalkForward({
      kind: 'backtest',
      config: { data: { dataset: 'sp500', from: '2005-01-01', to: '2007-12-31' }, strategy: 'sma-crossover', params: { fast: 5, slow: 100 } },
      parameters: [{ path: 'params.fast', values: [5, 10] }],
      objective: 'sharpe',
      windows: { mode: 'rolling', train: 200, test: 200 },
    });
    const first = plan.timeline[0];
    // The first train window starts at the data's first bar: nothing before it to warm up on.
    expect(plan.trainJobs[0]?.window).toEqual({ start: first, end: plan.windows[0]?.train.end });
    const window = plan.windows[1];
    const job = plan.trainJobs.find((candidate) => candidate.index === plan.gridSize && candidate.parameters.fast === 5);
    expect(job?.window).toEqual({ warmupStart: first, start: window?.train.start, end: window?.train.end });
    if (job === undefined || window === undefined) throw new Error('no train job of window 1');
    const result = await runResearchJob(job, createLocalResolvers());
    // Independently: a plain engine run over the bars from the data's first bar to the train
    // window's end, measured from the train window's first bar as a test window is.
    const data = await loadDataset('sp500', { from: '2005-01-01', to: '2007-12-31' });
    const series = data.series[0];
    if (series === undefined) throw new Error('no series');
    const upTo = Array.from(series.time).findIndex((time) => time > window.train.end);
    const bars = { ...series, length: upTo, time: series.time.slice(0, upTo), open: series.open.slice(0, upTo), high: series.high.slice(0, upTo), low: series.low.slice(0, upTo), close: series.close.slice(0, upTo), volume: series.volume.slice(0, upTo) };
    const plain = runBacktest({ series: [bars], strategy: new SmaCrossoverStrategy({ fast: 5, slow: 100 }, 'sma-crossover'), cash: 100000 });
    const from = Array.from(plain.equity.time).indexOf(window.train.start);
    expect(from).toBe(200);
    // The plain run's first fill (bar 215: SMA(5) crosses SMA(100)) comes after the train window's
    // start, so holding entries until then changes nothing: the two runs must agree bar for bar.
    expect(plain.fills[0]?.time).toBe(series.time[215]);
    const trades = plain.trades;
    const expected = new PerformanceCalculator({ periodsPerYear: inferPeriodsPerYear(plain.equity.time), riskFreeRate: 0, benchmark: { time: bars.time, close: bars.close } }).metrics({
      equity: { time: plain.equity.time.slice(from), equity: plain.equity.equity.slice(from), grossExposure: plain.equity.grossExposure.slice(from) },
      trades,
      fills: plain.fills,
      // Next-open fills (the default): the window's first point is where its measuring starts.
    });
    expect(result.metrics).toEqual(expected);
    expect(result.curve?.equity).toEqual(plain.equity.equity.slice(from));
    // The cold run (the train window's bars alone) spends its first 100 bars flat and misses that
    // cross: it is not the same.
    const cold = await runResearchJob({ ...job, window: { start: window.train.start, end: window.train.end } }, createLocalResolvers());
    expect(cold.metrics?.sharpe).not.toBe(result.metrics?.sharpe);
  });

  // Regression: a step that could choose nothing carried no error, so a walk-forward that failed
  // everywhere told the user only to read the journal.
  it('a train window that chooses nothing says why: every combination failed, or none had an objective value', async () => {
    // A strategy that throws on bar 1 or 2 of every run: each combination fails as a job. (A config
    // the backtest schema refuses, such as fast 60 against slow 50, is refused at planning.)
    const throwing = fileURLToPath(new URL('../job/__fixtures__/throwing-strategy.ts', import.meta.url));
    // Anchored windows: every train window starts at the data's first bar, where bars 1 and 2 are
    // (a train window with bars before it warms up on them, and no entry is asked for there).
    const failing = await planWalkForward({
      ...spec('2009-12-31'),
      config: { ...spec('2009-12-31').config, strategy: throwing, params: {} },
      parameters: [{ path: 'params.at', values: [1, 2] }],
      windows: { mode: 'anchored', train: '2y', test: '1y' },
    });
    const failed = await runWalkForward(failing, createInProcessExecutor());
    expect(failed.steps.length).toBeGreaterThan(0);
    for (const step of failed.steps) {
      expect(step.status).toBe('no-choice');
      expect(step.error?.code).toBe('TRAIN_FAILED');
      expect(step.error?.message).toMatch(/^every combination failed on the train window \(2 of 2\); the first, combination 0: .+/);
    }
    const valueless = await planWalkForward({
      ...spec('2009-12-31'),
      config: { data: { dataset: 'sp500', from: '2005-01-01', to: '2009-12-31' }, strategy: 'buy-and-hold', closeAtEnd: false },
      parameters: [{ path: 'cash', values: [1000, 2000] }],
      objective: 'winRate',
    });
    const none = await runWalkForward(valueless, createInProcessExecutor());
    for (const step of none.steps) {
      expect(step.status).toBe('no-choice');
      expect(step.error).toEqual({ code: 'NO_OBJECTIVE', message: 'no combination had a value of the objective winRate on the train window (2 finished, 0 failed)' });
    }
    // Train windows of 21 bars for moving averages of 50: the first one, at the data's first bar,
    // has nothing before it to warm up on and cannot trade; the later ones warm up on the bars
    // before them and trade where the averages cross.
    const cold = await planWalkForward({
      kind: 'backtest',
      config: { data: { dataset: 'sp500', from: '2005-01-01', to: '2005-12-31' }, strategy: 'sma-crossover', params: { fast: 5, slow: 50 } },
      parameters: [{ path: 'params.fast', values: [5, 10] }],
      objective: 'sharpe',
      windows: { mode: 'rolling', train: 21, test: 21 },
    });
    const untraded = await runWalkForward(cold, createInProcessExecutor());
    expect(untraded.steps[0]?.error).toEqual({
      code: 'NO_OBJECTIVE',
      message:
        "no combination had a value of the objective sharpe on the train window (2 finished, 0 failed); none of them traded in the window's 21 bars (it starts at the data's first bar, with no bars before it to warm up on: one shorter than a strategy's warm-up, e.g. its longest moving average, cannot trade)",
    });
    const later = untraded.steps.slice(1);
    expect(later.filter((step) => step.status === 'ok').length).toBeGreaterThan(0);
    for (const step of later.filter((candidate) => candidate.status === 'no-choice')) {
      expect(step.error).toEqual({ code: 'NO_OBJECTIVE', message: "no combination had a value of the objective sharpe on the train window (2 finished, 0 failed); none of them traded in the window's 21 bars" });
    }
  });

  // Regression: a train window's failed and timed-out combinations were left out of its choice
  // without a trace in the result, walk-forward.json, windows.csv or the summary.
  it('says how many of a train window\'s combinations failed or timed out, left out of its choice, and the first one\'s error', async () => {
    const throwing = fileURLToPath(new URL('../job/__fixtures__/throwing-strategy.ts', import.meta.url));
    // Combination 0 throws on bar 1, at the start of every anchored train window; combination 1
    // never throws (and never trades: a total return of 0, still an objective value).
    const plan = await planWalkForward({
      ...spec('2009-12-31'),
      config: { ...spec('2009-12-31').config, strategy: throwing, params: {} },
      parameters: [{ path: 'params.at', values: [1, 1_000_000] }],
      objective: 'totalReturn',
      windows: { mode: 'anchored', train: '2y', test: '1y' },
    });
    const result = await runWalkForward(plan, createInProcessExecutor());
    expect(result.steps.length).toBeGreaterThan(0);
    for (const step of result.steps) {
      expect(step.status).toBe('ok');
      expect(step.chosen?.parameters).toEqual({ at: 1_000_000 });
      expect(step.trainFailures).toMatchObject({ failed: 1, timedOut: 0, first: { combination: 0, status: 'failed' } });
      expect(step.trainFailures.first?.message).toMatch(/boom at bar 1/);
    }
    const [json, csv] = walkForwardOutputFiles(result, '/out').map((file) => (typeof file.content === 'string' ? file.content : ''));
    expect((JSON.parse(json ?? '') as { steps: { trainFailures: unknown }[] }).steps[0]?.trainFailures).toMatchObject({ failed: 1, timedOut: 0 });
    const lines = (csv ?? '').trim().split('\n');
    expect(lines[0]).toMatch(/,startEquity,trainFailed,trainTimedOut$/);
    expect(lines[1]).toMatch(/,1,0$/);
    // A walk-forward whose combinations all finish says so with zeros.
    const clean = await walkForward('2009-12-31');
    for (const step of clean.steps) expect(step.trainFailures).toEqual({ failed: 0, timedOut: 0, first: null });
  });

  // Regression: a no-choice step's test window was left out of the stitched curve, so its time
  // vanished from the annualised out-of-sample metrics (CAGR 3.83% here, for 7.80% over six years).
  it('keeps a no-choice step\'s test window in the out-of-sample curve, flat at the capital it passes on', async () => {
    const plan = await planWalkForward({
      kind: 'backtest',
      config: { data: { dataset: 'sp500', from: '2006-01-01', to: '2012-12-31' }, strategy: 'sma-crossover', params: {} },
      parameters: [
        { path: 'params.fast', values: [10, 20] },
        { path: 'params.slow', values: [100, 150] },
      ],
      // Null without a trade: some one-year train windows have no objective value (unbounded with
      // winners only, which a window then chooses).
      objective: 'profitFactor',
      windows: { train: '1y', test: '6m' },
    });
    const result = await runWalkForward(plan, createInProcessExecutor());
    // Expected values from an independent replay with the engine (which, with every train window
    // started cold, gives the figures an independent Python simulation gave for the old rule:
    // total return 0.07800172959999996, Sharpe 0.3666541982238708): each train window's combinations
    // run over the bars from the data's first bar, held until the window's start (the first train
    // window starts there: nothing before it), the best profit factor run on the test window warmed
    // up on its train window with the capital carried over, the curves joined.
    const data = await loadDataset('sp500', { from: '2006-01-01', to: '2012-12-31' });
    const series = data.series[0];
    if (series === undefined) throw new Error('no series');
    const index = (time: number): number => Array.from(series.time).indexOf(time);
    const replayed = { statuses: [] as string[], time: [] as number[], equity: [] as number[] };
    let capital = 100000;
    for (const window of plan.windows) {
      const combinations = plan.trainJobs.filter((job) => Math.floor(job.index / plan.gridSize) === window.index).map((job) => job.parameters);
      let best: { fast: number; slow: number; value: number } | null = null;
      for (const { fast, slow } of combinations) {
        const trained = measuredRun(series, Number(fast), Number(slow), 0, index(window.train.start), index(window.train.end) + 1, 100000);
        // Gross profit over gross loss of the trades: unbounded with a win and no loss, none without either.
        const gross = (sign: number): number => trained.trades.reduce((sum, trade) => sum + (Math.sign(trade.pnl) === sign ? sign * trade.pnl : 0), 0);
        const value = trained.metrics.profitFactor ?? (gross(-1) === 0 && gross(1) > 0 ? Number.POSITIVE_INFINITY : null);
        if (value !== null && (best === null || value > best.value)) best = { fast: Number(fast), slow: Number(slow), value };
      }
      if (best === null) {
        replayed.statuses.push('no-choice');
        for (let i = index(window.test.start); i <= index(window.test.end); i++) {
          replayed.time.push(series.time[i] ?? Number.NaN);
          replayed.equity.push(capital);
        }
        continue;
      }
      replayed.statuses.push('ok');
      const tested = measuredRun(series, best.fast, best.slow, index(window.train.start), index(window.test.start), index(window.test.end) + 1, capital);
      replayed.time.push(...tested.time);
      replayed.equity.push(...tested.equity);
      capital = tested.equity.at(-1) ?? Number.NaN;
    }
    // Warmed up, train windows after the first trade from their first bar: more of them have a
    // losing trade, so a profit factor (eight of twelve steps had none when they started cold).
    expect(result.steps.map((step) => step.status)).toEqual(replayed.statuses);
    // A window with a combination that closed winners only chooses it (an unbounded profit factor;
    // before, such windows chose nothing: five no-choice steps); the three left have no combination
    // with a profit factor at all.
    expect(replayed.statuses).toEqual(['no-choice', 'ok', 'ok', 'ok', 'ok', 'no-choice', 'no-choice', 'ok', 'ok', 'ok', 'ok', 'ok']);
    const { time, equity } = result.outOfSample;
    expect(time.length).toBe(1510);
    expect(time).toEqual(replayed.time);
    expect(time.length).toBe(plan.windows.reduce((sum, window) => sum + window.test.bars, 0));
    for (const step of result.steps.filter((candidate) => candidate.status === 'no-choice')) {
      const from = time.indexOf(step.test.start);
      expect(time[from + step.test.bars - 1]).toBe(step.test.end);
      expect(equity.slice(from, from + step.test.bars).every((value) => value === step.startEquity)).toBe(true);
    }
    const expected = computeMetrics({ equity: { time: replayed.time, equity: replayed.equity } }, { riskFreeRate: 0 }).metrics;
    const close = (actual: number | null | undefined, value: number | null): void => {
      expect(Math.abs((actual ?? Number.NaN) - (value ?? Number.NaN))).toBeLessThanOrEqual(1e-12 * Math.abs(value ?? Number.NaN));
    };
    close(result.metrics?.totalReturn, expected.totalReturn);
    close(result.metrics?.cagr, expected.cagr);
    close(result.metrics?.sharpe, expected.sharpe);
    close(result.metrics?.maxDrawdown, expected.maxDrawdown);
  });

  // Regression: the windows after one whose capital a squeezed short wiped out failed as "Invalid
  // configuration: cash: must be greater than 0", blaming a config the user never wrote.
  it('stops carrying capital once a test window ends at zero or below: the later test windows are not run, and say why', async () => {
    const dir = await temporaryDirectory('walk-forward-wiped-');
    // Between 1e-8 and 1e12 every 6 bars for 100 bars, then between 1 and 5.
    const lines = ['date,open,high,low,close,volume'];
    let previous = 1e-8;
    for (let i = 0; i < 200; i++) {
      const close = i <= 100 ? (Math.floor(i / 6) % 2 === 0 ? 1e-8 : 1e12) : 1 + (i % 5);
      lines.push(`${new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${previous},${Math.max(previous, close)},${Math.min(previous, close)},${close},1000`);
      previous = close;
    }
    await writeFile(join(dir, 'jumps.csv'), `${lines.join('\n')}\n`);
    const plan = await planWalkForward(
      {
        kind: 'backtest',
        config: { data: { file: 'jumps.csv' }, strategy: 'sma-crossover', params: { fast: 2, slow: 5, allowShort: true } },
        parameters: [{ path: 'params.fast', values: [2] }],
        objective: 'totalReturn',
        windows: { train: 40, test: 20 },
      },
      { baseDir: dir },
    );
    const result = await runWalkForward(plan, createInProcessExecutor());
    const [first, ...later] = result.steps;
    expect(first?.status).toBe('ok');
    const end = first?.outOfSample?.endEquity ?? Number.NaN;
    expect(end).toBeLessThanOrEqual(0);
    expect(later.length).toBeGreaterThan(0);
    for (const step of later) {
      expect(step.status).toBe('failed');
      expect(step.startEquity).toBe(end);
      expect(step.chosen).not.toBeNull();
      expect(step.error).toEqual({ code: 'NO_CAPITAL', message: `the capital carried from the test window before is ${String(end)}: an earlier test window ended with equity at zero or below, so there is nothing to trade` });
    }
    // The stitched curve is the first test window's, then flat at its end over the windows not
    // run: nothing was traded after it, and their time still passed.
    const firstBars = plan.windows[0]?.test.bars ?? 0;
    expect(result.outOfSample.time.length).toBe(plan.windows.reduce((bars, window) => bars + window.test.bars, 0));
    expect(result.outOfSample.equity.slice(firstBars)).toEqual(new Array(result.outOfSample.equity.length - firstBars).fill(end));
  });

  it('is free of look-ahead: bars after a test window change neither its choice nor its result', async () => {
    const full = await walkForward('2012-12-31');
    const cut = await walkForward('2009-12-31'); // ends with the test window of 2009
    expect(cut.steps).toHaveLength(3);
    expect(full.steps.slice(0, 3)).toEqual(cut.steps);
    expect(full.outOfSample.equity.slice(0, cut.outOfSample.equity.length)).toEqual(cut.outOfSample.equity);
  });

  it('chooses sleeve parameters and the allocation scheme together at the orchestrator level', async () => {
    const plan = await planWalkForward({
      config: {
        data: { dataset: 'sp500', from: '2010-01-01', to: '2014-12-31' },
        rebalance: { schedule: 'month' },
        strategies: [
          { id: 'trend', strategy: 'sma-crossover', params: { fast: 10, slow: 60 }, symbols: ['SP500'] },
          { id: 'dip', strategy: 'rsi-mean-reversion', symbols: ['SP500'] },
          { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
        ],
      },
      parameters: [
        { path: 'allocation.scheme', values: ['equal', 'inverse-volatility'] },
        { path: 'strategies.trend.params.fast', values: [10, 30] },
      ],
      windows: { train: 500, test: 250 },
    });
    const result = await runWalkForward(plan, createInProcessExecutor());
    // 2010–2014 holds 1,258 bars: tests at bars 500–749, 750–999, 1000–1249 and 1250–1257.
    expect(result.steps.map((step) => [step.train.bars, step.test.bars, step.status])).toEqual([
      [500, 250, 'ok'],
      [500, 250, 'ok'],
      [500, 250, 'ok'],
      [500, 8, 'ok'],
    ]);
    for (const step of result.steps) expect(['equal', 'inverse-volatility']).toContain(step.chosen?.parameters.scheme);
    expect(result.steps[1]?.startEquity).toBe(result.steps[0]?.outOfSample?.endEquity);
    // Train windows after the first warm up on the bars before them, every sleeve's indicators with
    // them: the chosen combination's in-sample metrics are those of its warmed-up train job. Started
    // cold, the trend sleeve is flat for the window's first 61 bars and misses a cross there in the
    // third and fourth train windows (the second has none then, so there both agree).
    const resolvers = createLocalResolvers();
    const coldReturns: (number | null | undefined)[] = [];
    for (const step of result.steps.slice(1)) {
      const job = plan.trainJobs.find((candidate) => candidate.index === step.index * plan.gridSize + (step.chosen?.combination ?? 0));
      expect(job?.window).toEqual({ warmupStart: plan.timeline[0], start: step.train.start, end: step.train.end });
      if (job === undefined) throw new Error('no train job');
      expect(step.inSample).toEqual((await runResearchJob(job, resolvers)).metrics);
      coldReturns.push((await runResearchJob({ ...job, window: { start: step.train.start, end: step.train.end } }, resolvers)).metrics?.totalReturn);
    }
    expect(coldReturns.map((value, i) => value === result.steps[i + 1]?.inSample?.totalReturn)).toEqual([true, false, false]);
  });

  // A walk-forward journalled when train windows started cold holds train results of the old rule:
  // resumed, they would be ranked beside warmed-up ones.
  it('refuses to resume a journal planned when train windows started cold, saying so; anchored plans keep their id', async () => {
    const dir = await temporaryDirectory('walk-forward-cold-');
    const plan = await planWalkForward(spec('2009-12-31'));
    expect(plan.planId).not.toBe(plan.coldTrainPlanId);
    (await openJournal(join(dir, JOURNAL_FILE), plan.coldTrainPlanId, { resume: false })).close();
    const error = await runWalkForwardToDirectory(plan, createInProcessExecutor(), dir, { resume: true }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toContain(
      'belongs to another plan: remove that file (or write to another output directory) to start over. it was planned when train windows started cold; they now warm up on the bars before them, so its train results would be mixed with results of the new rule (its plan ' +
        JSON.stringify(plan.coldTrainPlanId.slice(0, 12)) +
        '…, this one ' +
        JSON.stringify(plan.planId.slice(0, 12)) +
        '…)',
    );
    // Anchored train windows all start at the data's first bar: nothing to warm up on, nothing changed.
    const anchored = await planWalkForward({ ...spec('2009-12-31'), windows: { mode: 'anchored', train: '2y', test: '1y' } });
    expect(anchored.trainJobs.every((job) => job.window?.warmupStart === undefined)).toBe(true);
    expect(anchored.planId).toBe(anchored.coldTrainPlanId);
  });

  it('writes its outputs into a directory', async () => {
    const dir = await temporaryDirectory('walk-forward-');
    const plan = await planWalkForward(spec('2009-12-31'));
    const { files, result } = await runWalkForwardToDirectory(plan, createInProcessExecutor(), dir);
    expect(files.map((file) => file.path)).toEqual(WALK_FORWARD_OUTPUT_FILES.map((name) => join(dir, name)));
    const csv = (await readFile(join(dir, 'oos-equity.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(result.outOfSample.time.length + 1);
    const windows = (await readFile(join(dir, 'windows.csv'), 'utf8')).trim().split('\n');
    expect(windows[0]).toBe('window,trainStart,trainEnd,testStart,testEnd,status,fast,slow,objective,inSampleCagr,outOfSampleCagr,outOfSampleReturn,efficiency,startEquity,trainFailed,trainTimedOut');
    expect(windows).toHaveLength(4);
    // Daily data: dates, as the run and backtest results write them, not ISO instants.
    expect(windows[1]).toMatch(/^0,\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},ok,/);
    expect(csv[1]).toMatch(/^\d{4}-\d{2}-\d{2},\d/);
    // What to trade next: the base config (its data, cash and costs) with the last window's choice.
    const chosen = result.steps.at(-1)?.chosen?.parameters;
    expect(chosen).toBeDefined();
    const last = JSON.parse(await readFile(join(dir, 'last-config.json'), 'utf8')) as Record<string, unknown>;
    expect(last).toEqual(result.lastConfig);
    expect(last).toMatchObject({ data: { dataset: 'sp500', from: '2005-01-01', to: '2009-12-31' }, strategy: 'sma-crossover', params: { fast: chosen?.fast, slow: chosen?.slow }, commission: { kind: 'percent', rate: 0.0005 } });
    expect(last.cash).toBe(plan.base.config.cash);
    // Its own file, not repeated in walk-forward.json.
    expect(await readFile(join(dir, 'walk-forward.json'), 'utf8')).not.toContain('lastConfig');
  });

  it('takes the last config from the latest step that chose, past later steps that chose nothing', () => {
    const chosen = (combination: number) => ({ combination, parameters: { fast: combination } });
    expect(latestChoice([{ chosen: chosen(1) }, { chosen: chosen(2) }, { chosen: null }, { chosen: null }])).toEqual(chosen(2));
    expect(latestChoice([{ chosen: chosen(1) }, { chosen: null }, { chosen: chosen(3) }])).toEqual(chosen(3));
    expect(latestChoice([{ chosen: null }])).toBeNull();
    expect(latestChoice([])).toBeNull();
  });

  it('writes a last config of null when no step chose a combination', async () => {
    const result = await walkForward('2009-12-31');
    const choices = result.steps.map((step) => step.chosen);
    expect(choices.every((choice) => choice !== null)).toBe(true);
    const files = (of: WalkForwardResult) => walkForwardOutputFiles(of, '/out').find((file) => file.path.endsWith('last-config.json'))?.content;
    const noChoice = { ...result, steps: result.steps.map((step) => ({ ...step, chosen: null })), lastConfig: null };
    expect(files(noChoice)).toBe('null\n');
    expect(files(result)).toBe(`${JSON.stringify(result.lastConfig, null, 2)}\n`);
  });

  // Regression: a train window's combination whose profit factor was undefined because it had no
  // losing trade ranked after every other, so the window chose a combination with losses.
  it('chooses a combination whose objective is unbounded (profit factor without a losing trade) and writes it as "Infinity"', async () => {
    const plan = await planWalkForward({ ...spec('2012-12-31'), objective: 'profitFactor' });
    const result = await runWalkForward(plan, createInProcessExecutor());
    // 2011's train window (2009–2010): fast 10 / slow 100 closed two trades, both winners.
    const step = result.steps[4];
    expect(step?.chosen).toEqual({ combination: 1, parameters: { fast: 10, slow: 100 } });
    expect(step?.objective).toBe(Number.POSITIVE_INFINITY);
    expect(step?.inSample).toMatchObject({ tradeCount: 2, winRate: 1, averageLoss: null, profitFactor: null });
    // Only that window had a combination without a losing trade.
    expect(result.steps.filter((other) => other.objective === Number.POSITIVE_INFINITY)).toHaveLength(1);
    const [json0, csv1] = walkForwardOutputFiles(result, '/out').map((file) => (typeof file.content === 'string' ? file.content : ''));
    const json = JSON.parse(json0 ?? '') as { steps: { objective: unknown }[] };
    expect(json.steps[4]?.objective).toBe('Infinity');
    expect(csv1?.split('\n')[5]).toMatch(/^4,[^,]+,[^,]+,[^,]+,[^,]+,ok,10,100,Infinity,/);
  });
});
