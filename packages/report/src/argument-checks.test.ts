import { configIssuesOf } from '@ensemble/protocol/testing';
import { describe, expect, it } from 'vitest';
import { buildSmallRun } from './__fixtures__/small-run';
import { buildResearchRun } from './__fixtures__/research-run';
import { runExample } from './__fixtures__/example-run';
import { backtestReportInput, buildCharts, detectTimeFormat, orchestratorReportInput, readResultFile, statisticReadings, toResultJson } from './index';

const day = 86_400_000;
const equity = [100, 110, 90, 95, 111, 112];
const source = {
  strategy: { id: 'x' },
  symbols: ['X'],
  equity: { time: equity.map((_, i) => Date.UTC(2020, 0, 1) + i * day), equity, cash: equity },
  trades: [],
  fills: [],
};

describe('report builders given arguments of the wrong kind from JavaScript', () => {
  // Each failed inside as a TypeError ("Cannot read properties of undefined (reading 'options')",
  // "reading 'attribution'", "Cannot destructure property 'portfolio' of 'input'", …).
  const input = buildSmallRun();
  const chartOptions = { width: 600, maxPoints: 100, timeFormat: 'date' } as const;
  const cases: [string, string, () => unknown, string[]][] = [
    ['backtestReportInput', 'undefined', () => backtestReportInput(undefined as never), ['result']],
    ['backtestReportInput', 'null', () => backtestReportInput(null as never), ['result']],
    ['backtestReportInput', 'a number', () => backtestReportInput(5 as never), ['result']],
    ['backtestReportInput', 'an empty object', () => backtestReportInput({} as never), ['result.strategy']],
    ['backtestReportInput', 'an equity curve without cash', () => backtestReportInput({ ...source, equity: { time: [], equity: [] } } as never), ['result.equity.cash']],
    ['backtestReportInput', 'options of a string', () => backtestReportInput(source, 'x' as never), ['options']],
    ['backtestReportInput', 'a benchmark of a string', () => backtestReportInput(source, { benchmark: 'SPY' as never }), ['options.benchmark']],
    ['orchestratorReportInput', 'undefined', () => orchestratorReportInput(undefined as never, { title: 't' }), ['result']],
    ['orchestratorReportInput', 'null and no options', () => orchestratorReportInput(null as never, undefined as never), ['result', 'options']],
    ['orchestratorReportInput', 'an empty object', () => orchestratorReportInput({} as never, { title: 't' }), ['result.config']],
    ['orchestratorReportInput', 'options without a title', () => orchestratorReportInput(undefined as never, {} as never), ['result', 'options.title']],
    ['toResultJson', 'undefined', () => toResultJson(undefined as never), ['input']],
    ['toResultJson', 'an empty object', () => toResultJson({} as never), ['input.portfolio']],
    ['detectTimeFormat', 'null', () => detectTimeFormat(null as never), ['input']],
    ['buildCharts', 'a number and no options', () => buildCharts(5 as never, undefined as never), ['input', 'options']],
    ['buildCharts', 'no options', () => buildCharts(input, undefined as never), ['options']],
    ['statisticReadings', 'undefined', () => statisticReadings(undefined as never), ['input']],
    ['statisticReadings', 'an empty object', () => statisticReadings({} as never), ['input.statistics']],
  ];

  it.each(cases)('%s given %s throws a ConfigError naming the argument', async (name, _given, call, paths) => {
    expect(await configIssuesOf(call)).toEqual({ heading: `Invalid arguments to ${name}:`, paths });
  });

  it('says what the argument must be and what it got', () => {
    expect(() => backtestReportInput(undefined as never)).toThrow('result: must be a backtest result (what runBacktest returns, or its JSON read back); got undefined');
  });

  it('builds from arguments of the right kind as before; null options are absent', async () => {
    expect(backtestReportInput(source, null as never)).toEqual(backtestReportInput(source));
    expect(toResultJson(input)).toEqual(toResultJson(input, detectTimeFormat(input)));
    expect(buildCharts(input, chartOptions).length).toBeGreaterThan(0);
    expect(statisticReadings(buildResearchRun()).length).toBeGreaterThan(0);
    const { result } = await runExample('stocks5-60-40.json');
    expect(orchestratorReportInput(result, { title: '60/40' }).title).toBe('60/40');
  });
});

describe('readResultFile given arguments of the wrong kind', () => {
  // A path not a string failed as `Cannot read the result file "": The "path" argument must be…`,
  // and undefined as "Cannot read properties of undefined (reading 'length')".
  const cases: [string, () => Promise<unknown>, string[]][] = [
    ['undefined', () => readResultFile(undefined as never), ['path']],
    ['an object', () => readResultFile({} as never), ['path']],
    ['options of a number', () => readResultFile('result.json', 5 as never), ['options']],
  ];

  it.each(cases)('given %s it rejects with a ConfigError naming the argument', async (_given, call, paths) => {
    expect(await configIssuesOf(call)).toEqual({ heading: 'Invalid arguments to readResultFile:', paths });
  });
});
