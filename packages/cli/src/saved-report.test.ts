import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '@ensemble/data';
import { ReportGenerator, readResultFile } from '@ensemble/report';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { createCapturedIo } from './io';

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-saved-report-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function ensemble(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = createCapturedIo({ cwd: repository, env: {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** The closes of `symbol` in the data set `name` from `from` to `to` (ISO dates, inclusive), read from the data set itself. */
async function datasetCloses(name: string, symbol: string, from: string, to: string): Promise<{ time: number[]; close: number[] }> {
  const data = await loadDataset(name);
  const series = data.series.find((entry) => entry.symbol === symbol);
  if (series === undefined) throw new Error(`${name} has no ${symbol}`);
  const time: number[] = [];
  const close: number[] = [];
  for (let i = 0; i < series.length; i++) {
    const t = series.time[i] ?? Number.NaN;
    if (t < Date.parse(from) || t > Date.parse(to)) continue;
    time.push(t);
    close.push(series.close[i] ?? Number.NaN);
  }
  return { time, close };
}

/** A total return as the report writes it, computed here from the first and last close: `97.53%`. */
function percentByHand(close: readonly number[]): string {
  const first = close[0] ?? Number.NaN;
  const last = close[close.length - 1] ?? Number.NaN;
  return `${((last / first - 1) * 100).toFixed(2)}%`;
}

interface Written {
  readonly json: string;
  readonly md: string;
  readonly html: string;
}

function targets(name: string): Written {
  return { json: path.join(scratch, `${name}.json`), md: path.join(scratch, `${name}.md`), html: path.join(scratch, `${name}.html`) };
}

async function expectSameReport(files: Written): Promise<ReportGenerator> {
  const again = new ReportGenerator(await readResultFile(files.json));
  expect(await again.markdown()).toBe(readFileSync(files.md, 'utf8'));
  expect(again.html()).toBe(readFileSync(files.html, 'utf8'));
  return again;
}

describe('ensemble run --json, read back by readResultFile: the report the run made', () => {
  const named = targets('two-sleeves');
  const unnamed = targets('unnamed');
  const config = path.join(scratch, 'no-name.json');

  beforeAll(async () => {
    const example = JSON.parse(readFileSync(path.join(repository, 'examples/sp500-two-sleeves.json'), 'utf8')) as Record<string, unknown>;
    const { name: _name, ...rest } = example;
    writeFileSync(config, JSON.stringify(rest));
    for (const [file, output] of [
      ['examples/sp500-two-sleeves.json', named],
      [config, unnamed],
    ] as const) {
      const { code, err } = await ensemble(['run', '--config', file, '--json', output.json, '--md', output.md, '--html', output.html]);
      expect(err).toBe('');
      expect(code).toBe(0);
    }
  });

  it('gives the same Markdown and HTML: the benchmark sentence, line and chart included', async () => {
    const json = JSON.parse(readFileSync(named.json, 'utf8')) as { startTime: string; endTime: string };
    const sp500 = await datasetCloses('sp500', 'SP500', json.startTime, json.endTime);
    const again = await expectSameReport(named);
    expect(await again.markdown()).toContain(`\nBenchmark: SP500 buy and hold, total return ${percentByHand(sp500.close)} over the same period.\n`);
    expect(again.html()).toContain('Portfolio equity against SP500 buy and hold, rebased to the same starting value.');
    const benchmark = again.input.benchmark;
    expect(benchmark?.name).toBe('SP500 buy and hold');
    expect(Array.from(benchmark?.time ?? [])).toEqual(sp500.time);
    expect(Array.from(benchmark?.value ?? [])).toEqual(sp500.close);
  });

  it("keeps the title and subtitle: the config file's name when the config has none, the data set's description", async () => {
    const again = await expectSameReport(unnamed);
    expect(again.input.title).toBe('Orchestrator run: no-name.json');
    expect(again.input.subtitle).toBe('sp500: S&P 500 index, daily OHLCV (the adjclose column is ignored) · sleeves mode · equal allocation');
  });

  it('--json - writes the same JSON to stdout', async () => {
    const { code, out } = await ensemble(['run', '--config', 'examples/sp500-two-sleeves.json', '--json', '-']);
    expect(code).toBe(0);
    expect(out).toBe(readFileSync(named.json, 'utf8'));
  });

  it('a result written without the report part (before it existed) still reads: titles from the config, no benchmark line', async () => {
    const json = JSON.parse(readFileSync(named.json, 'utf8')) as Record<string, unknown>;
    const { report: _report, ...old } = json;
    const file = path.join(scratch, 'old.json');
    writeFileSync(file, `${JSON.stringify(old)}\n`);
    const input = await readResultFile(file);
    expect(input.title).toBe('Two strategies on the S&P 500, one sleeve each');
    expect(input.subtitle).toBe('sp500 · sleeves mode · equal allocation');
    expect(input.benchmark).toBeUndefined();
    const markdown = await new ReportGenerator(input).markdown();
    expect(markdown).not.toContain('\nBenchmark: ');
    expect(markdown).toContain('| Benchmark return |');
  });
});

describe('ensemble backtest --json, read back by readResultFile: the report the backtest made', () => {
  const files = targets('backtest');

  beforeAll(async () => {
    const flags = ['--dataset', 'sp500', '--strategy', 'sma-crossover', '--param', 'fast=20', '--param', 'slow=100', '--from', '2005-01-01', '--to', '2012-12-31'];
    const { code, err } = await ensemble(['backtest', ...flags, '--json', files.json, '--md', files.md, '--html', files.html]);
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('gives the same Markdown and HTML, with the benchmark (the traded symbol, by default) from the first to the last bar', async () => {
    const sp500 = await datasetCloses('sp500', 'SP500', '2005-01-01', '2012-12-31');
    const again = await expectSameReport(files);
    expect(again.input.title).toBe('Backtest: sma-crossover on SP500');
    expect(again.input.subtitle).toBe('sp500: S&P 500 index, daily OHLCV (the adjclose column is ignored)');
    expect(await again.markdown()).toContain(`\nBenchmark: SP500 buy and hold, total return ${percentByHand(sp500.close)} over the same period.\n`);
    expect(Array.from(again.input.benchmark?.time ?? [])).toEqual(sp500.time);
    expect(Array.from(again.input.benchmark?.value ?? [])).toEqual(sp500.close);
  });

  it('a result written without the report part still reads, without the benchmark line', async () => {
    const json = JSON.parse(readFileSync(files.json, 'utf8')) as Record<string, unknown>;
    const { report: _report, ...old } = json;
    const file = path.join(scratch, 'old-backtest.json');
    writeFileSync(file, JSON.stringify(old, null, 2));
    const input = await readResultFile(file);
    expect(input.title).toBe('Backtest: sma-crossover on SP500');
    expect(input.subtitle).toBe('sp500');
    expect(input.benchmark).toBeUndefined();
    expect(await new ReportGenerator(input).markdown()).not.toContain('\nBenchmark: ');
  });
});

describe('ensemble backtest --json of other data, read back by readResultFile', () => {
  it('a data file (no data set): the same report, the benchmark line included', async () => {
    const sp500 = (await loadDataset('sp500', { from: '2010-01-01', to: '2011-12-31' })).series[0];
    if (sp500 === undefined) throw new Error('sp500 has no series');
    const rows = Array.from({ length: sp500.length }, (_, i) =>
      [new Date(sp500.time[i] ?? Number.NaN).toISOString().slice(0, 10), sp500.open[i], sp500.high[i], sp500.low[i], sp500.close[i], sp500.volume[i]].join(','),
    );
    const csv = path.join(scratch, 'sp500.csv');
    writeFileSync(csv, `date,open,high,low,close,volume\n${rows.join('\n')}\n`);
    const files = targets('from-file');
    const { code, err } = await ensemble(['backtest', '--data', csv, '--strategy', 'rsi-mean-reversion', '--json', files.json, '--md', files.md, '--html', files.html]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const again = await expectSameReport(files);
    expect(again.input.subtitle).toBe(csv);
    expect(await again.markdown()).toContain(`\nBenchmark: sp500 buy and hold, total return ${percentByHand(Array.from(sp500.close))} over the same period.\n`);
  });

  it('a benchmark that is not traded: the command draws it too, and the file keeps it', async () => {
    const files = targets('not-traded');
    const { code, err } = await ensemble([
      'backtest', '--dataset', 'dow30', '--symbol', 'IBM', '--benchmark', 'KO', '--strategy', 'sma-crossover', '--from', '1995-01-01', '--to', '2000-12-31',
      '--json', files.json, '--md', files.md, '--html', files.html,
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const ko = await datasetCloses('dow30', 'KO', '1995-01-01', '2000-12-31');
    expect(readFileSync(files.md, 'utf8')).toContain(`\nBenchmark: KO buy and hold, total return ${percentByHand(ko.close)} over the same period.\n`);
    const again = await expectSameReport(files);
    expect(Array.from(again.input.benchmark?.value ?? [])).toEqual(ko.close);
  });
});
