import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '@ensemble/data';
import { runBacktest, serializeBacktestResult } from '@ensemble/engine';
import { serializeOrchestratorResult } from '@ensemble/orchestrator';
import { computeMetrics } from '@ensemble/performance';
import { ConfigError } from '@ensemble/protocol';
import { SmaCrossoverStrategy, strategyRegistry } from '@ensemble/strategies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample } from './__fixtures__/example-run';
import { drawdownChart } from './charts/portfolio-charts';
import { buildSmallRun } from './__fixtures__/small-run';
import { ReportGenerator, backtestReportInput, orchestratorReportInput, parseResultJson, readResultFile, renderJson, resultJsonKind, toResultJson } from './index';

function problems(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('an orchestrator run: its JSON file into every report format through the public API', () => {
  let directory: string;
  let file: string;
  let run: Awaited<ReturnType<typeof runExample>>;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ensemble-report-read-'));
    run = await runExample('sp500-two-sleeves.json');
    file = join(directory, 'run.json');
    await writeFile(file, `${JSON.stringify(serializeOrchestratorResult(run.result))}\n`);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('is told apart by its shape', async () => {
    const { readFile } = await import('node:fs/promises');
    expect(resultJsonKind(JSON.parse(await readFile(file, 'utf8')))).toBe('orchestrator');
  });

  it('readResultFile → ReportGenerator: the HTML, Markdown, CSV and JSON of the result object (without the benchmark series the JSON lacks)', async () => {
    const options = { title: 'Two sleeves', subtitle: 'sp500' };
    const fromFile = new ReportGenerator(await readResultFile(file, options));
    const fromObject = new ReportGenerator(orchestratorReportInput(run.result, options));
    expect(fromFile.input.sleeves.map((sleeve) => sleeve.id)).toEqual(['trend', 'dip-buyer']);
    // Each sleeve's net transfers, for the metrics table's "Net transfers" row.
    expect(fromFile.input.sleeves.map((sleeve) => sleeve.netTransfers)).toEqual(run.result.sleeves.map((sleeve) => sleeve.netTransfers));
    expect(await fromFile.markdown()).toContain('| Net transfers | 0.00 |');
    expect(fromFile.toResultJson()).toEqual(fromObject.toResultJson());
    const html = fromFile.html();
    expect(html).toBe(fromObject.html());
    expect(html).toContain('<title>Two sleeves');
    expect(await fromFile.markdown()).toBe(await fromObject.markdown());
    expect(fromFile.csv()).toEqual(fromObject.csv());
  });

  it('titles come from the config by default: its name, the data, the mode and the scheme', async () => {
    const input = await readResultFile(file);
    expect(input.title).toBe(run.result.config.name);
    expect(input.subtitle).toBe(`sp500 · sleeves mode · ${run.result.allocationScheme} allocation`);
    expect(input.config).toEqual(JSON.parse(JSON.stringify(run.result.config)));
  });

  it('names data read from a list of files by the first three and how many more', async () => {
    const json = JSON.parse(JSON.stringify(serializeOrchestratorResult(run.result))) as { config: { data: Record<string, unknown> } };
    json.config.data = { file: ['a/AAA.csv', 'a/BBB.csv', 'a/CCC.csv', 'a/DDD.csv', 'a/EEE.csv'] };
    const listed = join(directory, 'files.json');
    await writeFile(listed, JSON.stringify(json));
    expect((await readResultFile(listed)).subtitle).toBe(`a/AAA.csv, a/BBB.csv, a/CCC.csv, … and 2 more · sleeves mode · ${run.result.allocationScheme} allocation`);
  });

  it('a version this release cannot read, or a missing part, is a ConfigError naming the file and the path', async () => {
    const { readFile } = await import('node:fs/promises');
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const future = problems(() => parseResultJson({ ...json, version: 2 }, 'future.json'));
    expect(future.source).toBe('future.json');
    expect(future.issues).toEqual([
      { path: 'version', message: 'is 2: the file was written by a newer release of Ensemble than this one, which reads version 1 only; make its report with that release, or upgrade' },
    ]);
    expect(problems(() => parseResultJson({ ...json, version: 0.5 }, 'odd.json')).issues).toEqual([
      { path: 'version', message: 'is 0.5, not a version of this format (this release reads version 1); write the file again with this release' },
    ]);
    const broken = problems(() => parseResultJson({ ...json, sleeves: [{ id: 'x' }] }, 'broken.json'));
    expect(broken.issues.map((issue) => issue.path)).toContain('sleeves.0.equity');
  });

  it('a file cut short (its JSON closed again) or edited, whose metrics no longer describe its curves, is a ConfigError naming the fields', async () => {
    const { readFile } = await import('node:fs/promises');
    const json = JSON.parse(await readFile(file, 'utf8')) as { portfolio: { equity: unknown[] }; sleeves: { equity: unknown[] }[] };
    const cut = { ...json, portfolio: { ...json.portfolio, equity: json.portfolio.equity.slice(0, 10) }, sleeves: json.sleeves.map((sleeve) => ({ ...sleeve, equity: sleeve.equity.slice(0, 10) })) };
    const bars = run.result.portfolio.equity.time.length;
    const error = problems(() => parseResultJson(cut, 'cut.json'));
    expect(error.source).toBe('cut.json');
    expect(error.issues).toEqual([
      { path: 'portfolio.metrics.metrics.bars', message: `is ${String(bars)}, but portfolio.equity has 10 points: the file was cut short or edited; write it again with \`ensemble run --json\`` },
      { path: 'sleeves.0.metrics.metrics.bars', message: `is ${String(bars)}, but sleeves.0.equity has 10 points: the file was cut short or edited; write it again with \`ensemble run --json\`` },
      { path: 'sleeves.1.metrics.metrics.bars', message: `is ${String(bars)}, but sleeves.1.equity has 10 points: the file was cut short or edited; write it again with \`ensemble run --json\`` },
    ]);
  });

  it('a file whose derived figures were edited — metrics, drawdowns, calendar returns, weights, correlations, attribution — is a ConfigError naming the field', async () => {
    const { readFile } = await import('node:fs/promises');
    interface Json {
      portfolio: { metrics: { metrics: Record<string, number>; drawdowns: { depth: number; bars: number }[]; monthlyReturns: { label: string; return: number }[] } };
      sleeves: { id: string; equity: { time: string; weight: number }[] }[];
      correlation: { matrix: number[][] };
      attribution: { monthly: { label: string; bySleeve: Record<string, number> }[]; total: { bySleeve: Record<string, number> } };
    }
    const json = JSON.parse(await readFile(file, 'utf8')) as Json;
    const advice = 'the file was edited, is corrupt or was written by a release that computed it otherwise; write it again with `ensemble run --json`';
    const refused = (edit: (copy: Json) => void): { path: string; message: string }[] => {
      const copy = structuredClone(json);
      edit(copy);
      return problems(() => parseResultJson(copy, 'run.json')).issues.map(({ path, message }) => ({ path, message }));
    };
    const metrics = json.portfolio.metrics;
    expect(refused((copy) => { copy.portfolio.metrics.metrics.totalReturn = 5; })).toEqual([
      { path: 'portfolio.metrics.metrics.totalReturn', message: `is 5, but the equity curve, trades and fills give ${String(metrics.metrics.totalReturn)}: ${advice}` },
    ]);
    expect(refused((copy) => { (copy.portfolio.metrics.drawdowns[0] ?? { depth: 0, bars: 0 }).depth = -0.9; })).toEqual([
      { path: 'portfolio.metrics.drawdowns.0.depth', message: `is -0.9, but the equity curve gives ${String(metrics.drawdowns[0]?.depth)}: ${advice}` },
    ]);
    const episode = metrics.drawdowns[1];
    expect(refused((copy) => { (copy.portfolio.metrics.drawdowns[1] ?? { bars: 0 }).bars = 5; })).toEqual([
      { path: 'portfolio.metrics.drawdowns.1.bars', message: `is 5, but the equity curve gives ${String(episode?.bars)}: ${advice}` },
    ]);
    const month = metrics.monthlyReturns[5];
    expect(refused((copy) => { (copy.portfolio.metrics.monthlyReturns[5] ?? { return: 0 }).return = 0.5; })).toEqual([
      { path: 'portfolio.metrics.monthlyReturns.5.return', message: `is 0.5 (${String(month?.label)}), but the equity curve gives ${String(month?.return)}: ${advice}` },
    ]);
    const last = json.sleeves[0]?.equity.at(-1);
    expect(refused((copy) => { (copy.sleeves[0]?.equity.at(-1) ?? { weight: 0 }).weight = 0.99; })).toEqual([
      { path: 'sleeves.0.weight', message: `is 0.99 at ${new Date(last?.time ?? '').toISOString()}, but the sleeve's equity over the portfolio's is ${String(last?.weight)}: ${advice}` },
    ]);
    const [first, second] = json.sleeves.map((sleeve) => sleeve.id);
    expect(refused((copy) => { (copy.correlation.matrix[0] ?? [])[1] = 0.99; })).toEqual([
      { path: 'correlation.matrix.1.0', message: `is ${String(json.correlation.matrix[1]?.[0])}, but correlation.matrix.0.1 is 0.99 (${String(second)} and ${String(first)}): a correlation matrix is symmetric: ${advice}` },
    ]);
    // The contributions of a period (and in all) add up to the portfolio's return in sleeves mode.
    expect(refused((copy) => { const period = copy.attribution.monthly[12]; if (period !== undefined) period.bySleeve[String(first)] = 0.5; })[0]?.path).toBe('attribution.monthly.12.bySleeve');
    expect(refused((copy) => { copy.attribution.total.bySleeve[String(first)] = 0.5; })[0]?.path).toBe('attribution.total.bySleeve');
  });

  it('a file written before sleeves had their net transfers reads without them, and without the "Net transfers" row', async () => {
    const { readFile } = await import('node:fs/promises');
    const json = JSON.parse(await readFile(file, 'utf8')) as { sleeves: Record<string, unknown>[] };
    const older = { ...json, sleeves: json.sleeves.map(({ netTransfers: _dropped, ...sleeve }) => sleeve) };
    const input = parseResultJson(older, 'older.json');
    expect(input.sleeves.map((sleeve) => sleeve.netTransfers)).toEqual([undefined, undefined]);
    expect(await new ReportGenerator(input).markdown()).not.toContain('Net transfers');
  });

  it("the CLI's report part (title, subtitle, benchmark line) gives the report made with the benchmark series", async () => {
    const { readFile } = await import('node:fs/promises');
    const sp500 = run.series.find((series) => series.symbol === 'SP500');
    if (sp500 === undefined) throw new Error('no SP500 series');
    const curve = run.result.portfolio.equity.time;
    const first = curve[0] ?? Number.NaN;
    const last = curve[curve.length - 1] ?? Number.NaN;
    const kept = Array.from(sp500.time, (time, i) => ({ time, close: sp500.close[i] ?? Number.NaN })).filter((point) => point.time >= first && point.time <= last);
    const benchmark = { name: 'SP500 buy and hold', time: kept.map((point) => new Date(point.time).toISOString().slice(0, 10)), value: kept.map((point) => point.close) };
    const report = { title: 'Two sleeves', subtitle: 'sp500, every bar', benchmark };
    const json = { ...(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>), report };
    const fromFile = new ReportGenerator(parseResultJson(json, 'run.json'));
    const fromObject = new ReportGenerator(orchestratorReportInput(run.result, { title: 'Two sleeves', subtitle: 'sp500, every bar', benchmark: sp500 }));
    expect(fromFile.html()).toBe(fromObject.html());
    const markdown = await fromFile.markdown();
    expect(markdown).toBe(await fromObject.markdown());
    const totalReturn = ((kept[kept.length - 1]?.close ?? Number.NaN) / (kept[0]?.close ?? Number.NaN) - 1) * 100;
    expect(markdown).toContain(`\nBenchmark: SP500 buy and hold, total return ${totalReturn.toFixed(2)}% over the same period.\n`);
    expect(parseResultJson(json, 'run.json', { title: 'Mine', subtitle: 'given' })).toMatchObject({ title: 'Mine', subtitle: 'given' });
    expect(parseResultJson({ ...json, report: { ...report, subtitle: null } }, 'run.json').subtitle).toBeUndefined();
    const broken = problems(() => parseResultJson({ ...json, report: { ...report, benchmark: { ...benchmark, time: ['yesterday'], value: ['1'] } } }, 'broken.json'));
    expect(broken.issues.map((issue) => issue.path)).toEqual(['report.benchmark.time.0', 'report.benchmark.value.0']);
  });

  it('an unreadable file is IO_FAILED naming the path', async () => {
    await expect(readResultFile(join(directory, 'missing.json'))).rejects.toMatchObject({ code: 'IO_FAILED', message: expect.stringContaining('missing.json') as unknown });
  });

  // Regression: /dev/zero was read to V8's longest string, then failed as "Invalid string length".
  it.skipIf(process.platform === 'win32')('a device is IO_FAILED, said so', async () => {
    await expect(readResultFile('/dev/zero')).rejects.toMatchObject({
      code: 'IO_FAILED',
      message: 'Cannot read the result file "/dev/zero": it is a device, not a file; give the path of a result JSON file.',
    });
  });
});

describe('a backtest: the engine result, as an object or as its JSON', () => {
  it('backtestReportInput computes the metrics when none are given; the engine JSON reads back to the same report', async () => {
    const data = await loadDataset('sp500', { from: '2005-01-01', to: '2012-12-31' });
    const result = runBacktest({ series: data.series, strategy: new SmaCrossoverStrategy({ fast: 20, slow: 100 }), commission: { kind: 'percent', rate: 0.001 } });
    const metrics = computeMetrics({ equity: result.equity, trades: result.trades, fills: result.fills });
    const input = backtestReportInput(result);
    expect(input.title).toBe('Backtest: sma-crossover on SP500');
    expect(input.portfolio.metrics).toEqual(metrics);
    expect(input.periodsPerYear).toBe(252);
    expect(input.sleeves).toEqual([]);
    const json = JSON.stringify(serializeBacktestResult(result));
    expect(resultJsonKind(JSON.parse(json))).toBe('engine');
    const read = parseResultJson(json, 'engine.json');
    expect(toResultJson(read)).toEqual(toResultJson(input));
    expect(new ReportGenerator(read).html()).toBe(new ReportGenerator(input).html());
  });
});

describe('ensemble backtest --json of a data file', () => {
  it('reads back: its config names the file as the source and the data set as null', async () => {
    const data = await loadDataset('sp500', { from: '2005-01-01', to: '2006-12-31' });
    const result = runBacktest({ series: data.series, strategy: new SmaCrossoverStrategy({ fast: 20, slow: 100 }) });
    const { version: _version, ...engine } = serializeBacktestResult(result);
    const json = {
      schemaVersion: 1,
      kind: 'backtest',
      config: { data: { source: 'prices.csv', dataset: null, format: 'ohlcv' }, strategy: { name: 'sma-crossover' } },
      ...engine,
      metrics: computeMetrics({ equity: result.equity, trades: result.trades, fills: result.fills }),
    };
    const input = parseResultJson(JSON.stringify(json), 'result.json');
    expect(input.title).toBe('Backtest: sma-crossover on SP500');
    expect(input.subtitle).toBe('prices.csv');
    // Cut to its first bar, or its last equity edited: the saved metrics (a 2-year run) are not
    // this curve's, and a report would show them beside one bar's dates.
    const oneBar = { ...json, equity: json.equity.slice(0, 1) };
    expect(problems(() => parseResultJson(oneBar, 'one-bar.json')).issues).toEqual([
      { path: 'metrics.metrics.bars', message: `is ${String(json.equity.length)}, but equity has 1 point: the file was cut short or edited; write it again with \`ensemble backtest --json\`` },
    ]);
    const last = json.equity.at(-1);
    if (last === undefined) throw new Error('no equity');
    const edited = { ...json, equity: [...json.equity.slice(0, -1), { ...last, equity: 999_999 }] };
    expect(problems(() => parseResultJson(edited, 'edited.json')).issues.map((issue) => issue.path)).toEqual(['metrics.metrics.endEquity']);
  });

  it('a time the calendar does not have is named at its place in the file, not read as NaN', async () => {
    const data = await loadDataset('sp500', { from: '2005-01-03', to: '2005-01-31' });
    const result = runBacktest({ series: data.series, strategy: new SmaCrossoverStrategy({ fast: 2, slow: 5 }) });
    const { version: _version, ...engine } = serializeBacktestResult(result);
    const json = { schemaVersion: 1, kind: 'backtest', config: { data: { dataset: 'sp500' }, strategy: { name: 'sma-crossover' } }, ...engine, metrics: computeMetrics({ equity: result.equity, trades: result.trades, fills: result.fills }) };
    const at = (time: string): unknown => ({ ...json, equity: json.equity.map((point, i) => (i === 3 ? { ...point, time } : point)) });
    expect(problems(() => parseResultJson(at('2005-13-45'), 'bad.json')).issues).toEqual([
      { path: 'equity.3.time', message: '"2005-13-45" is not a time of the calendar (a month 01–12, a day the month has, hours 00–23)' },
    ]);
    expect(problems(() => parseResultJson(at('2005-02-29'), 'bad.json')).issues.map((issue) => issue.path)).toEqual(['equity.3.time']);
    expect(problems(() => parseResultJson(at('2005-01-06T24:00:00.000Z'), 'bad.json')).issues.map((issue) => issue.path)).toEqual(['equity.3.time']);
  });

  it('text is read as configs are: a key given twice is refused by line and column, a file cut short says where', () => {
    const text = '{\n  "kind": "backtest",\n  "kind": "orchestrator"\n}';
    expect(problems(() => parseResultJson(text, 'twice.json')).issues.map((issue) => issue.path)).toEqual(['line 3, column 3']);
    expect(problems(() => parseResultJson('{\n  "kind": "backtest",\n  "equity": [1, 2', 'cut.json')).issues.map((issue) => issue.path)).toEqual(['line 3, column 18']);
  });

  it('a real one-bar backtest reads: its metrics describe its one point', async () => {
    const data = await loadDataset('sp500', { from: '2005-01-03', to: '2005-01-03' });
    const result = runBacktest({ series: data.series, strategy: new SmaCrossoverStrategy({ fast: 20, slow: 100 }) });
    const { version: _version, ...engine } = serializeBacktestResult(result);
    const json = { schemaVersion: 1, kind: 'backtest', config: { data: { dataset: 'sp500' }, strategy: { name: 'sma-crossover' } }, ...engine, metrics: computeMetrics({ equity: result.equity, trades: result.trades, fills: result.fills }) };
    expect(json.equity).toHaveLength(1);
    expect(parseResultJson(json, 'one.json').portfolio.metrics.metrics.bars).toBe(1);
  });
});

describe('a close-fill backtest: measured from its cash, in the metrics and the underwater chart', () => {
  it('the engine result and its JSON give total return = final / cash − 1, and a chart as deep as the max drawdown', async () => {
    const data = await loadDataset('sp500', { from: '2000-03-24', to: '2000-12-31' });
    const strategy = strategyRegistry['buy-and-hold'].create({}, 'buy-and-hold');
    const result = runBacktest({ series: data.series, strategy, fill: 'close', commission: { kind: 'percent', rate: 0.01 } });
    const final = result.equity.equity[result.equity.equity.length - 1] ?? Number.NaN;
    for (const input of [backtestReportInput(result), parseResultJson(JSON.stringify(serializeBacktestResult(result)), 'engine.json')]) {
      const metrics = input.portfolio.metrics.metrics;
      expect(metrics.startEquity).toBe(100_000);
      expect(metrics.totalReturn).toBeCloseTo(final / 100_000 - 1, 12);
      expect(input.portfolio.metrics.maxDrawdownPeriod?.peak).toBeGreaterThanOrEqual(data.series[0]?.time[0] ?? Number.NaN);
      const chart = drawdownChart(input, { width: 800, maxPoints: 10_000, timeFormat: 'date' });
      const values = ((chart.spec as { data?: { values?: { v: number }[] } }).data?.values ?? []).map((row) => row.v);
      expect(Math.min(...values)).toBeCloseTo(metrics.maxDrawdown ?? Number.NaN, 4);
    }
  });
});

describe('parseResultJson tells the forms apart', () => {
  it("reads the report's own JSON result back byte for byte, as before", () => {
    const text = renderJson(buildSmallRun());
    expect(resultJsonKind(JSON.parse(text))).toBe('report');
    expect(renderJson(parseResultJson(text))).toBe(text);
  });

  it('anything else is one ConfigError that names what it found and the forms it reads', () => {
    const other = problems(() => parseResultJson({ hello: 'world' }, 'other.json'));
    expect(other.source).toBe('other.json');
    expect(other.issues).toHaveLength(1);
    expect(other.issues[0]?.message).toMatch(/^not an Ensemble result \(an object of another shape\): expected the report's JSON result/);
    expect(other.issues[0]?.message).toContain('"kind": "orchestrator"');
    expect(other.issues[0]?.message).toContain('"kind": "backtest"');
    expect(problems(() => parseResultJson({ kind: 'sweep' })).issues[0]?.message).toMatch(/^not an Ensemble result \("kind" is "sweep"\)/);
    expect(problems(() => parseResultJson('[1, 2]')).issues[0]?.message).toMatch(/^not an Ensemble result \(a JSON array\)/);
    expect(problems(() => parseResultJson({ kind: '\u001b[2J' })).issues[0]?.message).toContain('"\\x1b[2J"');
  });
});

describe("a saved result's trades, fills and cash: what the run could not have written is refused, naming the field", () => {
  async function savedBacktest() {
    const data = await loadDataset('stocks5', { from: '2004-01-01', to: '2007-12-31' });
    const strategy = new SmaCrossoverStrategy({ fast: 5, slow: 20, allowShort: true });
    const result = runBacktest({ series: data.series, strategy, commission: { kind: 'percent', rate: 0.001 } });
    const { version: _version, ...engine } = serializeBacktestResult(result);
    return { schemaVersion: 1, kind: 'backtest', config: { data: { dataset: 'stocks5' }, strategy: { name: 'sma-crossover' } }, ...engine, metrics: computeMetrics({ equity: result.equity, trades: result.trades, fills: result.fills }) };
  }
  const edited = <T>(json: T, edit: (copy: T) => void): T => {
    const copy = structuredClone(json);
    edit(copy);
    return copy;
  };

  it('reads the unedited backtest (long and short trades), and heads the problems of an edited one as a result with the command that writes it again', async () => {
    const json = await savedBacktest();
    expect(new Set(json.trades.map((trade) => trade.side))).toEqual(new Set(['long', 'short']));
    expect(parseResultJson(json, 'bt.json').portfolio.trades).toHaveLength(json.trades.length);
    const error = problems(() => parseResultJson(edited(json, (copy) => { (copy.fills[3] as { quantity: number }).quantity = -5; }), 'bt.json'));
    expect(error.message.split('\n')[0]).toBe('Invalid result in bt.json (write it again with `ensemble backtest --json`):');
    expect(error.issues).toEqual([{ path: 'fills.3.quantity', message: 'is -5; a quantity must be a positive number' }]);
  });

  it('refuses an edited figure the curve, trades and fills contradict (a total return, a win rate)', async () => {
    const json = await savedBacktest();
    const { totalReturn, winRate } = json.metrics.metrics;
    const error = problems(() => parseResultJson(edited(json, (copy) => { (copy.metrics.metrics as { totalReturn: number | null }).totalReturn = 5; }), 'bt.json'));
    expect(error.issues.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'metrics.metrics.totalReturn', message: `is 5, but the equity curve, trades and fills give ${String(totalReturn)}: the file was edited, is corrupt or was written by a release that computed it otherwise; write it again with \`ensemble backtest --json\`` },
    ]);
    // A trade's P&L turned around: the trade statistics no longer follow from the trades.
    const first = json.trades[0] as { pnl: number };
    expect(first.pnl).not.toBe(0);
    expect(winRate).not.toBeNull();
    const moved = problems(() => parseResultJson(edited(json, (copy) => { (copy.trades[0] as { pnl: number }).pnl = -first.pnl; }), 'bt.json'));
    expect(moved.issues.map((issue) => issue.path)).toContain('metrics.metrics.winRate');
  });

  it('names a non-positive price or quantity, a negative commission, a symbol the run lacks, a time outside the run and an exit before its entry', async () => {
    const json = await savedBacktest();
    const entry = json.trades[1]?.entryTime ?? '';
    const copy = edited(json, (value) => {
      const trade = value.trades[1] as Record<string, unknown>;
      trade.exitTime = '2003-06-02';
      trade.entryPrice = 0;
      const fill = value.fills[2] as Record<string, unknown>;
      fill.symbol = 'XYZ';
      fill.commission = -1;
      (value.fills[4] as Record<string, unknown>).time = '2030-01-02';
    });
    expect(problems(() => parseResultJson(copy, 'bt.json')).issues).toEqual([
      { path: 'trades.1.entryPrice', message: 'is 0; a price must be a positive number' },
      { path: 'trades.1.exitTime', message: `is 2003-06-02, before the trade's entryTime ${entry}` },
      { path: 'fills.2.symbol', message: 'is "XYZ", not a symbol of this part of the run (MSFT, AMZN, IBM, GOOG, AAPL)' },
      { path: 'fills.2.commission', message: 'is -1; a commission is zero or more' },
      { path: 'fills.4.time', message: `is 2030-01-02, outside the run's range, ${json.equity[0]?.time ?? ''} to ${json.equity.at(-1)?.time ?? ''}` },
    ]);
  });

  it('refuses trades the fills do not close (one dropped, a quantity changed) and a cash the fills did not move', async () => {
    const json = await savedBacktest();
    const dropped = problems(() => parseResultJson({ ...json, trades: json.trades.slice(1) }, 'bt.json'));
    expect(dropped.issues).toHaveLength(1);
    expect(dropped.issues[0]?.message).toMatch(/^the trades of "\w+" \(strategy "sma-crossover"\) are \d+ trades? of \d+ units, but the fills in fills, booked as the engine books them, close \d+ trades? of \d+ units$/);
    const more = problems(() => parseResultJson(edited(json, (value) => { (value.trades[0] as { quantity: number }).quantity += 1; }), 'bt.json'));
    expect(more.issues.map((issue) => issue.path)).toEqual(['trades.0']);
    const cash = problems(() => parseResultJson(edited(json, (value) => { (value.equity[40] as { cash: number }).cash = -1e308; }), 'bt.json'));
    expect(cash.issues).toHaveLength(1);
    expect(cash.issues[0]?.path).toBe('equity.40.cash');
    expect(cash.issues[0]?.message).toMatch(/^is -1e\+308, but the cash of the bar before \(.+\) plus the cash the fills moved since \(.+\) is .+: the file was edited or damaged$/);
  });

  // An equity point edited alone (its cash, the fills and the metrics untouched) was read back and
  // drawn: a curve diving to −5 on a bar the run held only cash, beside metrics that never saw it.
  it('refuses an equity point its cash and gross exposure cannot make, in a backtest, a sleeve and the portfolio', async () => {
    const json = await savedBacktest();
    const [index, flat] = [...json.equity.entries()].find(([, point]) => point.grossExposure === 0 && point !== json.equity.at(-1)) ?? [];
    if (index === undefined || flat === undefined) throw new Error('no bar without a position');
    const dived = problems(() => parseResultJson(edited(json, (value) => { (value.equity[index] as { equity: number }).equity = -5; }), 'bt.json'));
    expect(dived.issues).toEqual([
      { path: `equity.${String(index)}.equity`, message: `is -5, but its cash ${String(flat.cash)} and gross exposure 0 allow an equity from ${String(flat.cash)} to ${String(flat.cash)}: the file was cut short or edited; write it again with \`ensemble backtest --json\`` },
    ]);
    const run = await runExample('sp500-two-sleeves.json');
    const saved = JSON.parse(JSON.stringify(serializeOrchestratorResult(run.result))) as { portfolio: { equity: { equity: number }[] }; sleeves: { equity: { equity: number; grossExposure: number }[] }[] };
    const sleeve = structuredClone(saved);
    const point = sleeve.sleeves[1]?.equity[50];
    if (point !== undefined) point.equity += 2 * point.grossExposure + 1;
    expect(problems(() => parseResultJson(sleeve, 'run.json')).issues.map((issue) => issue.path)).toEqual(['sleeves.1.equity.50.equity']);
    const portfolio = structuredClone(saved);
    const row = portfolio.portfolio.equity[100];
    if (row !== undefined) row.equity *= 3;
    expect(problems(() => parseResultJson(portfolio, 'run.json')).issues.map((issue) => issue.path)).toEqual(['portfolio.equity.100.equity']);
  });
});

describe("a saved run's records", () => {
  it('names the sleeve, the trade and the field; the portfolio cash is checked against its fills', async () => {
    const run = await runExample('sp500-two-sleeves.json');
    const json = JSON.parse(JSON.stringify(serializeOrchestratorResult(run.result))) as { portfolio: { equity: { cash: number }[] }; sleeves: { trades: { entryTime: string; exitTime: string; symbol: string }[] }[] };
    expect(parseResultJson(json, 'run.json').sleeves).toHaveLength(2);
    const trade = json.sleeves[1]?.trades[4];
    if (trade === undefined) throw new Error('no trade');
    const early = structuredClone(json);
    const moved = early.sleeves[1]?.trades[4];
    if (moved !== undefined) moved.exitTime = '2000-01-03';
    const error = problems(() => parseResultJson(early, 'run.json'));
    expect(error.message.split('\n')[0]).toBe('Invalid result in run.json (write it again with `ensemble run --json`):');
    expect(error.issues).toEqual([{ path: 'sleeves.1.trades.4.exitTime', message: `is 2000-01-03, before the trade's entryTime ${trade.entryTime}` }]);
    const foreign = structuredClone(json);
    const renamed = foreign.sleeves[0]?.trades[2];
    if (renamed !== undefined) renamed.symbol = 'XYZ';
    expect(problems(() => parseResultJson(foreign, 'run.json')).issues.map((issue) => issue.path)).toEqual(['sleeves.0.trades.2.symbol']);
    const cash = structuredClone(json);
    const point = cash.portfolio.equity[100];
    if (point !== undefined) point.cash = -1e308;
    expect(problems(() => parseResultJson(cash, 'run.json')).issues.map((issue) => issue.path)).toEqual(['portfolio.equity.100.cash']);
  });
});
