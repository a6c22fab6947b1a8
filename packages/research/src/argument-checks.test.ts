import { configIssuesOf } from '@ensemble/protocol/testing';
import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '@ensemble/protocol';
import {
  JobResultError,
  bytesToDoubles,
  combinationValues,
  compareByObjective,
  compileConstraint,
  dataRefOf,
  holdUntil,
  importStrategyFile,
  jobResultToJson,
  loadConfigStrategyFiles,
  loadStrategyModules,
  nearestMetric,
  objectiveValue,
  openJournal,
  parseWindowLength,
  rangeValues,
  registryHeldUntil,
  relocateConfig,
  resolveObjective,
  sampleIndices,
  sha256Hex,
  strategyModuleChange,
  strategyModuleDigest,
  strategyModuleRecord,
  withDirectoryJournal,
  createInProcessExecutor,
  createLocalExecutor,
  deflatedSharpeRatio,
  expectedMaxSharpe,
  loadBaseConfig,
  parameterStability,
  perPeriodSharpe,
  planGrid,
  planSweep,
  planSweepFile,
  planWalkForward,
  planWalkForwardFile,
  probabilisticSharpeRatio,
  probabilityOfBacktestOverfitting,
  rankResults,
  returnMoments,
  runJobs,
  runSweep,
  runSweepToDirectory,
  runWalkForward,
  runWalkForwardToDirectory,
  sweepOutputFiles,
  sweepReportInput,
  sweepResultsCsv,
  sweepStatistics,
  walkForwardOutputFiles,
  walkForwardReportInput,
  walkForwardWindows,
  walkForwardWindowsCsv,
  writeSweepOutputs,
} from './index';

const executor = createInProcessExecutor();
const spec = {
  kind: 'backtest',
  config: { data: { dataset: 'sp500', from: '2010-01-01', to: '2012-12-31' }, strategy: 'sma-crossover', params: {} },
  parameters: [{ path: 'params.fast', values: [5, 10] }],
  objective: 'sharpe',
  pboBlocks: 2,
};

describe('research entry points given arguments of the wrong kind from JavaScript', () => {
  // Each failed inside as a TypeError ("Cannot read properties of undefined (reading 'jobs')",
  // "reading 'trainJobs'", "reading 'workers'", "points is not iterable", …).
  const cases: [string, string, () => unknown, string[]][] = [
    ['planSweep', 'options of a number', () => planSweep(spec, 5 as never), ['options']],
    ['planSweep', 'a registry of a string and an importer of an object', () => planSweep(spec, { registry: 'x' as never, importer: {} as never }), ['options.registry', 'options.importer']],
    ['planSweepFile', 'undefined', () => planSweepFile(undefined as never), ['file']],
    ['planSweepFile', 'an object', () => planSweepFile({} as never), ['file']],
    ['planWalkForward', 'options of a string', () => planWalkForward({}, 'x' as never), ['options']],
    ['planWalkForwardFile', 'null', () => planWalkForwardFile(null as never), ['file']],
    ['planGrid', 'undefined', () => planGrid(undefined as never, undefined as never), ['spec', 'options']],
    ['loadBaseConfig', 'nothing', () => (loadBaseConfig as (...args: unknown[]) => unknown)(), ['kind', 'config', 'options']],
    ['runSweep', 'undefined', () => runSweep(undefined as never, executor), ['plan']],
    ['runSweep', 'an empty object and no executor', () => runSweep({} as never, undefined as never), ['plan.sweepId', 'executor']],
    ['runSweep', 'an executor without run', () => runSweep(undefined as never, {} as never), ['plan', 'executor.run']],
    ['runWalkForward', 'null', () => runWalkForward(null as never, executor), ['plan']],
    ['runWalkForward', 'an empty object', () => runWalkForward({} as never, executor), ['plan.planId']],
    ['runSweepToDirectory', 'undefined and no directory', () => runSweepToDirectory(undefined as never, executor, undefined as never), ['plan', 'outDir']],
    ['runWalkForwardToDirectory', 'a number', () => runWalkForwardToDirectory(5 as never, executor, 'out'), ['plan']],
    ['runJobs', 'undefined', () => runJobs(undefined as never, executor), ['jobs']],
    ['runJobs', 'onProgress of a number and a signal of a string', () => runJobs([], executor, { onProgress: 5 as never, signal: 'x' as never }), ['options.onProgress', 'options.signal']],
    ['createLocalExecutor', 'a string', () => createLocalExecutor('x' as never), ['options']],
    ['createInProcessExecutor', 'a number', () => createInProcessExecutor(5 as never), ['resolvers']],
    ['rankResults', 'undefined', () => rankResults(undefined as never, new Map()), ['plan']],
    ['rankResults', 'results of an object', () => rankResults({ jobs: [], objective: { metric: 'sharpe', direction: 'max' } } as never, {} as never), ['results']],
    ['sweepReportInput', 'undefined', () => sweepReportInput(undefined as never), ['result']],
    ['walkForwardReportInput', 'null', () => walkForwardReportInput(null as never), ['result']],
    ['sweepResultsCsv', 'null', () => sweepResultsCsv(null as never), ['result']],
    ['sweepOutputFiles', 'an empty object', () => sweepOutputFiles({} as never, 'out'), ['result.parameters']],
    ['writeSweepOutputs', 'undefined', () => writeSweepOutputs(undefined as never, 'out'), ['result']],
    ['walkForwardWindowsCsv', 'undefined', () => walkForwardWindowsCsv(undefined as never), ['result']],
    ['walkForwardOutputFiles', 'a number', () => walkForwardOutputFiles(5 as never, 'out'), ['result']],
    ['walkForwardWindows', 'nothing', () => (walkForwardWindows as (...args: unknown[]) => unknown)(), ['time', 'options', 'issues']],
    ['sweepStatistics', 'undefined', () => sweepStatistics(undefined as never, null, undefined as never), ['trials', 'options']],
    ['deflatedSharpeRatio', 'undefined', () => deflatedSharpeRatio(undefined as never), ['input']],
    ['deflatedSharpeRatio', 'no returns', () => deflatedSharpeRatio({ trialSharpes: [0.1] } as never), ['returns']],
    ['deflatedSharpeRatio', 'trial Sharpes of a number', () => deflatedSharpeRatio({ returns: [0.1], trialSharpes: 5 } as never), ['trialSharpes']],
    ['expectedMaxSharpe', 'null', () => expectedMaxSharpe(null as never), ['spread']],
    ['probabilisticSharpeRatio', 'undefined', () => probabilisticSharpeRatio(undefined as never), ['estimate']],
    ['probabilityOfBacktestOverfitting', 'a number', () => probabilityOfBacktestOverfitting(5 as never), ['trialReturns']],
    ['probabilityOfBacktestOverfitting', 'options of a string', () => probabilityOfBacktestOverfitting([[0.1], [0.2]], 'x' as never), ['options']],
    ['parameterStability', 'an object', () => parameterStability({} as never), ['points']],
    ['returnMoments', 'null', () => returnMoments(null as never), ['returns']],
    ['perPeriodSharpe', 'undefined', () => perPeriodSharpe(undefined as never), ['returns']],
  ];

  it.each(cases)('%s given %s throws a ConfigError naming the argument', async (name, _given, call, paths) => {
    expect(await configIssuesOf(call)).toEqual({ heading: `Invalid arguments to ${name}:`, paths });
  });

  it('says what the argument must be and what it got', async () => {
    await expect(runSweep(undefined as never, executor)).rejects.toThrow('plan: must be a sweep plan (what planSweep or planSweepFile returns); got undefined');
  });

  it('plans and runs as before, null options taken as absent', async () => {
    const plan = await planSweep(spec);
    expect((await planSweep(spec, null as never)).sweepId).toBe(plan.sweepId);
    const result = await runSweep(plan, executor);
    expect(await runSweep(plan, executor, null as never)).toEqual(result);
    expect(sweepReportInput(result, null as never)).toEqual(sweepReportInput(result));
    expect(returnMoments([0.01, -0.02, 0.03])).toEqual(returnMoments(Float64Array.of(0.01, -0.02, 0.03)));
    expect(parameterStability([{ params: { a: 1 }, objective: 1 }], null as never)).toEqual(parameterStability([{ params: { a: 1 }, objective: 1 }]));
  });
});

describe('exported helpers and JobResultError given arguments of the wrong kind from JavaScript', () => {
  // Each failed inside as a TypeError ("Cannot read properties of undefined (reading 'length')",
  // "text.trim is not a function", "The \"data\" argument must be of type string or an instance of Buffer", …).
  const call = (f: unknown, ...args: unknown[]) => () => (f as (...given: unknown[]) => unknown)(...args);
  const cases: [string, string, () => unknown, string[]][] = [
    ['combinationValues', 'nothing', call(combinationValues), ['parameters', 'index']],
    ['sampleIndices', 'a string count', call(sampleIndices, [1, 2], '1', 7), ['count']],
    ['compareByObjective', 'undefined entries', call(compareByObjective, undefined, {}, 'max'), ['a', 'b.index']],
    ['compareByObjective', 'an unknown direction', call(compareByObjective, { index: 0, objective: 1 }, { index: 1, objective: 2 }, 'up'), ['direction']],
    ['nearestMetric', 'undefined', call(nearestMetric), ['name']],
    ['objectiveValue', 'no objective', call(objectiveValue, {}), ['objective']],
    ['resolveObjective', 'nothing', call(resolveObjective), ['metric', 'path', 'issues']],
    ['compileConstraint', 'nothing', call(compileConstraint), ['text', 'known', 'path']],
    ['rangeValues', 'a range without step', call(rangeValues, { start: 1, stop: 2 }, 'p', []), ['range.step']],
    ['parseWindowLength', 'null', call(parseWindowLength, null, 'train', []), ['length']],
    ['relocateConfig', 'nothing', call(relocateConfig), ['config', 'outDir']],
    ['jobResultToJson', 'undefined', call(jobResultToJson), ['result']],
    ['jobResultToJson', 'returns of a string', call(jobResultToJson, { index: 0, status: 'ok', periodReturns: 'x' }), ['result.periodReturns']],
    ['bytesToDoubles', 'an array', call(bytesToDoubles, [1, 2]), ['bytes']],
    ['sha256Hex', 'a string', call(sha256Hex, 'abc'), ['bytes']],
    ['holdUntil', 'nothing', call(holdUntil), ['strategy', 'start']],
    ['registryHeldUntil', 'a registry of a string', call(registryHeldUntil, 'x', 0), ['registry']],
    ['dataRefOf', 'nothing', call(dataRefOf), ['source', 'baseDir']],
    ['importStrategyFile', 'undefined', call(importStrategyFile), ['file']],
    ['loadConfigStrategyFiles', 'nothing', call(loadConfigStrategyFiles), ['kind', 'input', 'options']],
    ['loadStrategyModules', 'undefined', call(loadStrategyModules), ['modules']],
    ['loadStrategyModules', 'an importer of a string', call(loadStrategyModules, [], undefined, 'x'), ['importer']],
    ['strategyModuleDigest', 'a number', call(strategyModuleDigest, 5), ['file']],
    ['strategyModuleRecord', 'undefined', call(strategyModuleRecord), ['digest']],
    ['strategyModuleChange', 'nothing', call(strategyModuleChange), ['recorded', 'current', 'name']],
    ['openJournal', 'nothing', call(openJournal), ['file', 'planId', 'options']],
    ['withDirectoryJournal', 'no work', call(withDirectoryJournal, '/tmp/x', 'plan', false), ['work']],
    ['JobResultError', 'no details', () => new JobResultError('m', undefined as never), ['details']],
  ];

  it.each(cases)('%s given %s throws a ConfigError naming the argument', async (name, _given, run, paths) => {
    expect(await configIssuesOf(run)).toEqual({ heading: `Invalid arguments to ${name}:`, paths });
  });

  it('gives what it gave before for arguments of the right kind', () => {
    const entries = [{ index: 1, objective: 1 }, { index: 0, objective: 2 }, { index: 2, objective: null }];
    expect([...entries].sort((a, b) => compareByObjective(a, b, 'max')).map((entry) => entry.index)).toEqual([0, 1, 2]);
    expect(objectiveValue(null, { metric: 'sharpe', direction: 'max' })).toBeNull();
    expect(objectiveValue(undefined as never, { metric: 'sharpe', direction: 'max' })).toBeNull();
    expect(nearestMetric('sharp')).toBe('sharpe');
    const issues: ConfigIssue[] = [];
    expect(rangeValues({ start: 1, stop: 3, step: 1 }, 'p', issues)).toEqual([1, 2, 3]);
    expect(parseWindowLength(20, 'train', issues)).not.toBeNull();
    expect(issues).toEqual([]);
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(Array.from(bytesToDoubles(new Uint8Array(Float64Array.of(1.5, -2).buffer)))).toEqual([1.5, -2]);
    expect(strategyModuleRecord({ sha256: 'a', files: [{ path: './s.ts', sha256: 'a' }] })).toEqual({ sha256: 'a' });
    expect(strategyModuleChange({ sha256: 'a' }, { sha256: 'a' }, './s.ts')).toBeNull();
    expect(relocateConfig({ cash: 1 }, '/tmp/out')).toEqual({ cash: 1 });
    expect(new JobResultError('m', { index: undefined, field: 'periodReturns' }).field).toBe('periodReturns');
  });
});

describe('entry points that read arrays of records check each element, naming its index', () => {
  // A null trial failed as "Cannot read properties of null (reading 'length')"; a plan whose jobs
  // are not jobs failed inside the executor or the ranking.
  const walkSpec = {
    kind: 'backtest',
    config: { data: { dataset: 'sp500', from: '2005-01-01', to: '2009-12-31' }, strategy: 'sma-crossover', params: { fast: 10, slow: 50 } },
    parameters: [{ path: 'params.fast', values: [10, 20] }],
    objective: 'sharpe',
    windows: { train: '2y', test: '1y' },
  };
  const trial = [0.01, -0.02, 0.03, 0.01];

  it('probabilityOfBacktestOverfitting: a trial that is not a column of returns', async () => {
    expect(await configIssuesOf(() => probabilityOfBacktestOverfitting([trial, trial, null] as never, { blocks: 2 }))).toEqual({
      heading: 'Invalid arguments to probabilityOfBacktestOverfitting:',
      paths: ['trialReturns[2]'],
    });
    expect(() => probabilityOfBacktestOverfitting([trial, 5] as never)).toThrow("trialReturns[1]: must be a trial's per-period returns (an array or typed array of numbers); got number 5");
    expect(probabilityOfBacktestOverfitting([trial, trial.map((value) => -value)], { blocks: 2 }).trials).toBe(2);
  });

  it('parameterStability: a point that is not a point, or has no params', async () => {
    const point = { params: { a: 1 }, objective: 1 };
    expect(await configIssuesOf(() => parameterStability([point, null] as never))).toEqual({ heading: 'Invalid arguments to parameterStability:', paths: ['points[1]'] });
    expect(await configIssuesOf(() => parameterStability([point, { objective: 2 }] as never))).toEqual({ heading: 'Invalid arguments to parameterStability:', paths: ['points[1].params'] });
  });

  it('runJobs, runSweep, runSweepToDirectory, runWalkForward, runWalkForwardToDirectory: a job that is not a job', async () => {
    const plan = await planSweep(spec);
    const [first] = plan.jobs;
    expect(await configIssuesOf(() => runJobs([first, null] as never, executor))).toEqual({ heading: 'Invalid arguments to runJobs:', paths: ['jobs[1]'] });
    expect(await configIssuesOf(() => runSweep({ ...plan, jobs: [first, 'job'] } as never, executor))).toEqual({ heading: 'Invalid arguments to runSweep:', paths: ['plan.jobs[1]'] });
    expect(await configIssuesOf(() => runSweep({ ...plan, jobs: [{ ...first, config: null }] } as never, executor))).toEqual({ heading: 'Invalid arguments to runSweep:', paths: ['plan.jobs[0].config'] });
    expect(await configIssuesOf(() => runSweepToDirectory({ ...plan, jobs: [first, {}] } as never, executor, '/tmp/unused'))).toEqual({
      heading: 'Invalid arguments to runSweepToDirectory:',
      paths: ['plan.jobs[1].index'],
    });
    const walk = await planWalkForward(walkSpec);
    expect(await configIssuesOf(() => runWalkForward({ ...walk, trainJobs: [...walk.trainJobs, undefined] } as never, executor))).toEqual({
      heading: 'Invalid arguments to runWalkForward:',
      paths: [`plan.trainJobs[${String(walk.trainJobs.length)}]`],
    });
    expect(await configIssuesOf(() => runWalkForwardToDirectory({ ...walk, trainJobs: [5] } as never, executor, '/tmp/unused'))).toEqual({
      heading: 'Invalid arguments to runWalkForwardToDirectory:',
      paths: ['plan.trainJobs[0]'],
    });
    expect((await runSweep(plan, executor)).rows).toHaveLength(2);
  });

  it('runWalkForward, runWalkForwardToDirectory: a window that is not a window', async () => {
    // Each failed inside as a TypeError ("Cannot read properties of null (reading 'index')",
    // "reading 'start'"), or, with an index out of its place, ran another window's test job.
    const walk = await planWalkForward(walkSpec);
    const [first] = walk.windows;
    if (first === undefined) throw new Error('the plan has no window');
    expect(walk.windows.length).toBeGreaterThan(1);
    const issuesOf = (windows: unknown[], toDirectory = false) =>
      configIssuesOf(() => (toDirectory ? runWalkForwardToDirectory({ ...walk, windows } as never, executor, '/tmp/unused') : runWalkForward({ ...walk, windows } as never, executor)));
    expect(await issuesOf([first, null])).toEqual({ heading: 'Invalid arguments to runWalkForward:', paths: ['plan.windows[1]'] });
    expect(await issuesOf([{ ...first, test: { start: 0, end: 1 } }])).toEqual({ heading: 'Invalid arguments to runWalkForward:', paths: ['plan.windows[0].test.bars'] });
    expect(await issuesOf([{ ...first, train: 'x' }], true)).toEqual({ heading: 'Invalid arguments to runWalkForwardToDirectory:', paths: ['plan.windows[0].train'] });
    expect(await issuesOf([...walk.windows].reverse())).toEqual({ heading: 'Invalid arguments to runWalkForward:', paths: ['plan.windows[0].index'] });
    await expect(runWalkForward({ ...walk, windows: [first, { ...first }] }, executor)).rejects.toThrow("plan.windows[1].index: must be 1, the window's place in the list (the step its test job is built for); got number 0");
  });
});
