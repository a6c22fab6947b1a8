import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configIssuesOf } from '@ensemble/protocol/testing';
import { describe, expect, it } from 'vitest';
import { buildSmallRun } from './__fixtures__/small-run';
import { buildResearchRun } from './__fixtures__/research-run';
import { runExample } from './__fixtures__/example-run';
import {
  backtestReportInput,
  benchmarkInRange,
  buildCharts,
  csvField,
  conflictOutcomeText,
  conflictSignalText,
  detectTimeFormat,
  downsampleIndices,
  escapeHtml,
  formatTime,
  orchestratorReportInput,
  parseTime,
  readResultFile,
  rebalanceReasonText,
  rebaseBenchmark,
  renderSvg,
  scheduleText,
  statisticReadings,
  toCsvText,
  toResultJson,
  writeFileAtomic,
  writeFilesAtomic,
} from './index';

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

describe('exported helpers given arguments of the wrong kind from JavaScript', () => {
  // Each failed inside as a TypeError ("text.replace is not a function", "Cannot read properties of
  // undefined (reading 'length')", "Invalid time value", …).
  const benchmark = { name: 'B', time: [1, 2, 3], value: [10, 11, 12] };
  const config = { rebalance: { schedule: 'month' } };
  const cases: [string, string, () => unknown, string[]][] = [
    ['downsampleIndices', 'undefined', () => downsampleIndices(undefined as never, 10), ['values']],
    ['downsampleIndices', 'a string limit', () => downsampleIndices([1, 2], '5' as never), ['maxPoints']],
    ['rebaseBenchmark', 'nothing', () => (rebaseBenchmark as (...args: unknown[]) => unknown)(), ['portfolioTime', 'startEquity', 'benchmarkTime', 'benchmarkValue']],
    ['rebaseBenchmark', 'a null value column', () => rebaseBenchmark([1], 100, [1], null as never), ['benchmarkValue']],
    ['benchmarkInRange', 'undefined', () => benchmarkInRange([1, 2], undefined as never), ['benchmark']],
    ['benchmarkInRange', 'a benchmark without values', () => benchmarkInRange(5 as never, { name: 'B', time: [1] } as never), ['portfolioTime', 'benchmark.value']],
    ['escapeHtml', 'undefined', () => escapeHtml(undefined as never), ['text']],
    ['escapeHtml', 'a number', () => escapeHtml(5 as never), ['text']],
    ['formatTime', 'undefined', () => formatTime(undefined as never, 'date'), ['time']],
    ['formatTime', 'an unknown format', () => formatTime(0, 'x' as never), ['format']],
    ['parseTime', 'null', () => parseTime(null as never), ['text']],
    ['toCsvText', 'nothing', () => (toCsvText as (...args: unknown[]) => unknown)(), ['header', 'rows']],
    ['toCsvText', 'rows of a number', () => toCsvText(['a'], 5 as never), ['rows']],
    ['conflictSignalText', 'undefined', () => conflictSignalText(undefined as never), ['input']],
    ['conflictOutcomeText', 'an empty object', () => conflictOutcomeText({} as never), ['outcome.direction']],
    ['scheduleText', 'null', () => scheduleText(null as never), ['schedule']],
    ['scheduleText', 'an object without everyBars', () => scheduleText({} as never), ['schedule.everyBars']],
    ['rebalanceReasonText', 'nothing', () => (rebalanceReasonText as (...args: unknown[]) => unknown)(), ['event', 'config']],
    ['rebalanceReasonText', 'a config without rebalance', () => rebalanceReasonText({ reason: 'initial', reasons: [], warmup: false }, {} as never), ['config.rebalance']],
    ['renderSvg', 'undefined', () => renderSvg(undefined as never), ['spec']],
    ['renderSvg', 'an id prefix of a number', () => renderSvg({}, 5 as never), ['idPrefix']],
    ['writeFileAtomic', 'nothing', () => (writeFileAtomic as (...args: unknown[]) => unknown)(), ['target', 'content']],
    ['writeFileAtomic', 'options of a string', () => writeFileAtomic('/tmp/x', 'x', 'y' as never), ['options']],
    ['writeFilesAtomic', 'undefined', () => writeFilesAtomic(undefined as never), ['files']],
    // These wrote an object as `[object Object]` (csvField, a cell of toCsvText) or failed inside
    // as a TypeError (an array holding a comma, a row that is not an array, a file without a path).
    ['csvField', 'an object', () => csvField({} as never), ['value']],
    ['csvField', 'an array holding a comma', () => csvField(['a,b'] as never), ['value']],
    ['csvField', 'a boolean', () => csvField(true as never), ['value']],
    ['toCsvText', 'an object among the cells', () => toCsvText(['a', 'b'], [[1, 2], [3, {} as never]]), ['rows[1][1]']],
    ['toCsvText', 'a row of a number', () => toCsvText(['a'], [5 as never]), ['rows[0]']],
    ['toCsvText', 'an object in the header', () => toCsvText(['a', {} as never], []), ['header[1]']],
    ['writeFilesAtomic', 'a file without a path and one of a null content', () => writeFilesAtomic([{ content: 'x' } as never, { path: '/tmp/x', content: null as never }]), ['files[0].path', 'files[1].content']],
    ['writeFilesAtomic', 'a file of a string', () => writeFilesAtomic(['/tmp/x' as never]), ['files[0]']],
    ['writeFilesAtomic', 'an onProgress of a string', () => writeFilesAtomic([], { onProgress: 'x' as never }), ['options.onProgress']],
  ];

  it.each(cases)('%s given %s throws a ConfigError naming the argument', async (name, _given, call, paths) => {
    expect(await configIssuesOf(call)).toEqual({ heading: `Invalid arguments to ${name}:`, paths });
  });

  it('says what the argument must be and what it got', () => {
    expect(() => escapeHtml(undefined as never)).toThrow('text: must be the text to escape (a string); got undefined');
    expect(() => formatTime(0, 'x' as never)).toThrow('format: must be "date" or "datetime"; got the string "x"');
  });

  it('gives what it gave before for arguments of the right kind; null options are absent', async () => {
    expect(downsampleIndices([1, 2, 3], 10)).toEqual([0, 1, 2]);
    expect(rebaseBenchmark([1, 3], 100, [0, 1, 2, 3], [5, 10, 20, 40])).toEqual({ time: [1, 2, 3], value: [100, 200, 400] });
    expect(benchmarkInRange([2, 3], benchmark)).toEqual({ name: 'B', time: [2, 3], value: [11, 12] });
    expect(escapeHtml('<a & "b">')).toBe('&lt;a &amp; &quot;b&quot;&gt;');
    expect(formatTime(0, 'date')).toBe('1970-01-01');
    expect(parseTime('1970-01-02')).toBe(day);
    expect(toCsvText(['a', 'b'], [[1, 'x,y']])).toBe('a,b\n1,"x,y"\n');
    expect(toCsvText(['a', 'b'], [[null, undefined], [Number.NaN, ' x']])).toBe('a,b\n,\n," x"\n');
    expect([csvField('a"b'), csvField(1.5), csvField(null)]).toEqual(['"a""b"', '1.5', '']);
    expect(conflictSignalText({ strategyId: 's', direction: 'long', strength: 0.5 })).toBe('long 0.50');
    expect(conflictOutcomeText({ direction: 'flat', target: 0, winner: null })).toBe('flat');
    expect([scheduleText('month'), scheduleText({ everyBars: 20 })]).toEqual(['month', 'every 20 bars']);
    expect(rebalanceReasonText({ reason: 'schedule', reasons: ['schedule'], warmup: false, unestimated: null as never }, config)).toBe('month');
    const directory = mkdtempSync(join(tmpdir(), 'report-arguments-'));
    try {
      expect(await writeFileAtomic(join(directory, 'a.txt'), 'abc', null as never)).toEqual({ path: join(directory, 'a.txt'), bytes: 3 });
      expect(await writeFilesAtomic([{ path: join(directory, 'b.txt'), content: new Uint8Array([1, 2]) }], null as never)).toEqual([{ path: join(directory, 'b.txt'), bytes: 2 }]);
      expect(readFileSync(join(directory, 'a.txt'), 'utf8')).toBe('abc');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
