import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetUrl } from '@ensemble/data';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// The embedded S&P 500 file rewritten day first (`03/01/2000,1469.25,…`) and kept as written, both
// named SP500.csv (so both series are named SP500): every figure of a run on the first must be
// the figure of the same run on the second, and on the embedded data set.
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-date-format-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});
const text = readFileSync(fileURLToPath(await datasetUrl('sp500')), 'utf8');
mkdirSync(path.join(scratch, 'eu'));
mkdirSync(path.join(scratch, 'iso'));
const dayFirst = path.join(scratch, 'eu', 'SP500.csv');
const iso = path.join(scratch, 'iso', 'SP500.csv');
writeFileSync(dayFirst, text.replace(/^(\d{4})-(\d{2})-(\d{2}),/gm, '$3/$2/$1,'));
writeFileSync(iso, text);

async function run(...args: string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const app = fileURLToPath(new URL('../../', import.meta.url));

/** The real CLI in a child process (sweeps run on worker threads), from the package directory where tsx resolves. */
function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@ensemble/source', '--import', 'tsx', bin, ...args], { cwd: app });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('--date-format', () => {
  it('backtest: the day-first file with --date-format DD/MM/YYYY gives the metrics of the embedded data set', async () => {
    expect(readFileSync(dayFirst, 'utf8').split('\n')[1]).toBe('03/01/2000,1469.250000,1478.000000,1438.359985,1455.219971,1455.219971,931800000');
    const eu = await run('backtest', '--data', dayFirst, '--date-format', 'DD/MM/YYYY', '--strategy', 'sma-crossover', '--json', 'eu.json');
    expect(eu.err).toBe('');
    expect(eu.code).toBe(0);
    expect(eu.out).toContain(`data       ${dayFirst} (ohlcv, dates DD/MM/YYYY)`);
    expect(eu.out).toContain('period     2000-01-03 → 2020-04-17 · 5,105 bars');
    // sma-crossover 10/30 over the whole file: 1.6442^(252/5,104) − 1 = 2.49 % (checked by hand, DECISIONS.md).
    expect(eu.out).toMatch(/CAGR\s+2\.49%/);
    const embedded = await run('backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--json', 'embedded.json');
    expect(embedded.code).toBe(0);
    const read = (name: string) => JSON.parse(readFileSync(path.join(scratch, name), 'utf8')) as { metrics: unknown; equity: unknown; config: { data: Record<string, unknown> } };
    const [a, b] = [read('eu.json'), read('embedded.json')];
    expect(a.metrics).toEqual(b.metrics);
    expect(a.equity).toEqual(b.equity);
    expect(a.config.data.dateFormat).toBe('DD/MM/YYYY');
    expect(b.config.data).not.toHaveProperty('dateFormat');
  });

  it('backtest without it: exit 2, one problem for the date column naming the file, the line that settles the order, and the format to pass', async () => {
    const { code, err } = await run('backtest', '--data', dayFirst, '--strategy', 'sma-crossover');
    expect(code).toBe(2);
    // Lines 2–9 are 3–12 January 2000 (03/01/2000 … 12/01/2000, either way); line 10, 13/01/2000, only day first.
    expect(err).toContain(
      `${dayFirst}:10  column "date"  [bad-date]  the dates are day first: line 10 has "13/01/2000" (2000-01-13 only), and no date reads only month first (5,105 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD`,
    );
    expect(err.match(/\[bad-date\]/g)).toHaveLength(1);
  });

  it('data inspect of the day-first file with a time of day after each date (CRLF): one problem naming the order and the flag; with the flag, the data set\'s bars', async () => {
    const timed = path.join(scratch, 'eu', 'SP500-0930.csv');
    writeFileSync(timed, text.replace(/^(\d{4})-(\d{2})-(\d{2}),/gm, '$3/$2/$1 09:30,').replace(/\n/g, '\r\n'));
    const { code, err } = await run('data', 'inspect', timed);
    expect(code).toBe(2);
    expect(err).toBe(
      `error: invalid market data (1 problem):\n  ${timed}:10  column "date"  [bad-date]  the dates are day first: line 10 has "13/01/2000 09:30" (2000-01-13 only), and no date reads only month first (5,105 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code), or write dates as YYYY-MM-DD\n`,
    );
    const read = await run('data', 'inspect', timed, '--date-format', 'DD/MM/YYYY');
    expect(read.code).toBe(0);
    // Daily bars stamped 09:30: the first and last are shown with their time of day.
    expect(read.out).toContain('format ohlcv · 1 symbol · 5,105 bars · 2000-01-03 09:30 → 2020-04-17 09:30 · daily · 5,105 timeline steps\ndates: DD/MM/YYYY (given)\n');
  });

  it('a two-digit-year copy: refused without a format, naming DD/MM/YY; with it, the embedded data set\'s bars', async () => {
    const twoDigit = path.join(scratch, 'yy', 'SP500.csv');
    mkdirSync(path.dirname(twoDigit), { recursive: true });
    writeFileSync(twoDigit, text.replace(/^\d{2}(\d{2})-(\d{2})-(\d{2}),/gm, '$3/$2/$1,'));
    expect(readFileSync(twoDigit, 'utf8').split('\n')[1]).toBe('03/01/00,1469.250000,1478.000000,1438.359985,1455.219971,1455.219971,931800000');
    const refused = await run('data', 'inspect', twoDigit);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(
      `${twoDigit}:10  column "date"  [bad-date]  the dates are day first: line 10 has "13/01/00" (2000-01-13 only), and no date reads only month first (5,105 day-month dates from line 2 on); automatic detection reads no two-digit year and no day and month before the year: pass --date-format DD/MM/YY (data.dateFormat in a config, dateFormat in code; YY 00–68 is 2000–2068, 69–99 is 1969–1999), or write dates as YYYY-MM-DD`,
    );
    const read = await run('data', 'inspect', twoDigit, '--date-format', 'DD/MM/YY');
    expect(read.code).toBe(0);
    expect(read.out).toContain('format ohlcv · 1 symbol · 5,105 bars · 2000-01-03 → 2020-04-17 · daily · 5,105 timeline steps\ndates: DD/MM/YY (given)\n');
    const backtest = await run('backtest', '--data', twoDigit, '--date-format', 'DD/MM/YY', '--strategy', 'sma-crossover', '--json', 'yy.json');
    expect(backtest.code).toBe(0);
    expect(backtest.out).toContain(`data       ${twoDigit} (ohlcv, dates DD/MM/YY)`);
    // sma-crossover 10/30 over the whole file: CAGR 2.49 %, as on the day-first file and the data set.
    expect(backtest.out).toMatch(/CAGR\s+2\.49%/);
  });

  it('an unknown format, or one given with an embedded data set, is a flag problem (exit 2) before anything is loaded', async () => {
    const unknown = await run('backtest', '--data', dayFirst, '--date-format', 'dd/mm/yyyy', '--strategy', 'sma-crossover');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--date-format dd/mm/yyyy: unknown date format "dd/mm/yyyy": write DD/MM/YYYY (upper case; in the file DD and MM may have one or two digits, YYYY has four)');
    const dataset = await run('backtest', '--dataset', 'sp500', '--date-format', 'DD/MM/YYYY', '--strategy', 'sma-crossover');
    expect(dataset.code).toBe(2);
    expect(dataset.err).toContain('--date-format DD/MM/YYYY: applies to a data file; the data set "sp500" writes its dates as YYYY-MM-DD');
    const inspect = await run('data', 'inspect', dayFirst, '--date-format', 'day-first');
    expect(inspect.code).toBe(2);
    expect(inspect.err).toContain('--date-format day-first: unknown date format "day-first": day first is DD/MM/YYYY (or DD.MM.YYYY, DD-MM-YYYY: the separator the file uses)');
  });

  it('data inspect: the range of the embedded data set and the date format it read with; a wrong order names the row, value and format', async () => {
    const eu = await run('data', 'inspect', dayFirst, '--date-format', 'DD/MM/YYYY');
    expect(eu.code).toBe(0);
    expect(eu.out).toContain('format ohlcv · 1 symbol · 5,105 bars · 2000-01-03 → 2020-04-17 · daily · 5,105 timeline steps\ndates: DD/MM/YYYY (given)\n');
    const embedded = await run('data', 'inspect', 'sp500');
    expect(embedded.out).toContain('format ohlcv · 1 symbol · 5,105 bars · 2000-01-03 → 2020-04-17 · daily · 5,105 timeline steps\ndates: YYYY-MM-DD (detected)\n');
    const json = (args: string[]) => run('data', 'inspect', ...args, '--json').then((result) => (JSON.parse(result.out) as { dates?: unknown }).dates);
    expect(await json([dayFirst, '--date-format', 'DD/MM/YYYY'])).toEqual({ given: 'DD/MM/YYYY' });
    expect(await json([iso])).toEqual({ detected: ['YYYY-MM-DD'] });
    expect(await json([iso, '--date-format', 'auto'])).toEqual({ detected: ['YYYY-MM-DD'] });
    const wrong = await run('data', 'inspect', dayFirst, '--date-format', 'MM/DD/YYYY', '--json');
    expect(wrong.code).toBe(2);
    const report = JSON.parse(wrong.out) as { problems: { file: string; row: number; field: string; rule: string; value: string; message: string }[] };
    // Lines 2 to 9 (3 January to 12 January) read month first as 1 March to 1 December; 13/01/2000 cannot.
    expect(report.problems[0]).toEqual({
      file: dayFirst,
      row: 10,
      field: 'date',
      rule: 'bad-date',
      value: '13/01/2000',
      message: '"13/01/2000" does not match the date format MM/DD/YYYY: 13 is no month (it reads as DD/MM/YYYY)',
    });
  });

  it('run: "dateFormat" in the config\'s data; the same figures as the file written YYYY-MM-DD; an unknown one named by its path', async () => {
    const config = (file: string, data: Record<string, unknown>) => {
      const at = path.join(path.dirname(file), `run-${Object.keys(data).join('-') || 'plain'}.json`);
      const strategies = [
        { id: 'trend', strategy: 'sma-crossover', params: { fast: 50, slow: 200 }, symbols: ['SP500'] },
        { id: 'dip', strategy: 'rsi-mean-reversion', symbols: ['SP500'] },
      ];
      writeFileSync(at, JSON.stringify({ data: { file: 'SP500.csv', from: '2010-01-01', ...data }, allocation: { scheme: 'inverse-volatility' }, strategies }));
      return at;
    };
    const eu = await run('run', '--config', config(dayFirst, { dateFormat: 'DD/MM/YYYY' }), '--json', 'run-eu.json');
    expect(eu.err).toBe('');
    expect(eu.code).toBe(0);
    expect(eu.out).toContain('data       SP500.csv (dates DD/MM/YYYY) · range 2010-01-01 → end · 1 symbol traded');
    const plain = await run('run', '--config', config(iso, {}), '--json', 'run-iso.json');
    expect(plain.code).toBe(0);
    const read = (name: string) => JSON.parse(readFileSync(path.join(scratch, name), 'utf8')) as { portfolio: { metrics: unknown; equity: unknown }; sleeves: { metrics: unknown }[] };
    const [a, b] = [read('run-eu.json'), read('run-iso.json')];
    expect(a.portfolio.metrics).toEqual(b.portfolio.metrics);
    expect(a.portfolio.equity).toEqual(b.portfolio.equity);
    expect(a.sleeves.map((sleeve) => sleeve.metrics)).toEqual(b.sleeves.map((sleeve) => sleeve.metrics));
    const bad = await run('run', '--config', config(dayFirst, { dateFormat: 'YY/MM/DD' }));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('data.dateFormat: unknown date format "YY/MM/DD": a two-digit year is read only after the day and the month (DD/MM/YY, MM/DD/YY, with -, / or .); a year first needs four digits (YYYY-MM-DD)');
    // DD/MM/YY is a format: over the four-digit file it names the first date, whose year has four digits.
    const twoDigits = await run('run', '--config', config(dayFirst, { dateFormat: 'DD/MM/YY' }));
    expect(twoDigits.code).toBe(2);
    expect(twoDigits.err).toContain('"03/01/2000" does not match the date format DD/MM/YY: its year has more than two digits (it reads as DD/MM/YYYY or MM/DD/YYYY)');
  });

  it('sweep and walk-forward shortcuts: the same files as over the file written YYYY-MM-DD; best-config.json keeps the format and reproduces', async () => {
    const args = (data: string, out: string, more: readonly string[]) => ['--strategy', 'sma-crossover', '--data', data, ...more, '--from', '2012-01-01', '--vary', 'fast=10,20', '--vary', 'slow=50,100', '--out', path.join(scratch, out), '--workers', '2', '--no-progress'];
    const [eu, plain] = await Promise.all([cli(['sweep', ...args(dayFirst, 'sweep-eu', ['--date-format', 'DD/MM/YYYY'])]), cli(['sweep', ...args(iso, 'sweep-iso', [])])]);
    expect(eu.stderr).toBe('');
    expect(eu.code).toBe(0);
    expect(plain.code).toBe(0);
    const file = (out: string, name: string) => readFileSync(path.join(scratch, out, name), 'utf8');
    expect(file('sweep-eu', 'results.csv')).toBe(file('sweep-iso', 'results.csv'));
    const best = JSON.parse(file('sweep-eu', 'best-config.json')) as { data: Record<string, unknown> };
    expect(best.data).toEqual({ file: path.relative(path.join(scratch, 'sweep-eu'), dayFirst), dateFormat: 'DD/MM/YYYY', from: '2012-01-01' });
    const again = await run('run', '--config', path.join(scratch, 'sweep-eu', 'best-config.json'));
    expect(again.code).toBe(0);
    const bestRow = (JSON.parse(file('sweep-eu', 'results.json')) as { rows: { rank: number | null; metrics: { sharpe: number } }[] }).rows.find((row) => row.rank === 1);
    expect(again.out).toContain(`Sharpe                   ${(bestRow?.metrics.sharpe ?? Number.NaN).toFixed(2)}`);
    const windows = ['--train', '2y', '--test', '1y'];
    const [euWindows, plainWindows] = await Promise.all([cli(['walk-forward', ...args(dayFirst, 'wf-eu', ['--date-format', 'DD/MM/YYYY', ...windows])]), cli(['walk-forward', ...args(iso, 'wf-iso', windows)])]);
    expect(euWindows.code).toBe(0);
    expect(plainWindows.code).toBe(0);
    expect(file('wf-eu', 'windows.csv')).toBe(file('wf-iso', 'windows.csv'));
    expect(file('wf-eu', 'oos-equity.csv')).toBe(file('wf-iso', 'oos-equity.csv'));
  });

  it("a config's day-month dates: run, sweep and walk-forward advise its dateFormat field, naming the files as given; flags keep --date-format", async () => {
    mkdirSync(path.join(scratch, 'cfg'), { recursive: true });
    mkdirSync(path.join(scratch, 'few'), { recursive: true });
    // 3 to 12 January 2000 only: every date reads both ways, so the loader names both formats.
    writeFileSync(path.join(scratch, 'few', 'SP500.csv'), text.split('\n').slice(0, 9).join('\n').replace(/^(\d{4})-(\d{2})-(\d{2}),/gm, '$3/$2/$1,'));
    const write = (name: string, content: unknown) => {
      writeFileSync(path.join(scratch, 'cfg', name), JSON.stringify(content));
      return `cfg/${name}`;
    };
    const runConfig = write('run.json', { data: { file: '../eu/SP500.csv' }, strategies: [{ id: 'trend', strategy: 'sma-crossover', symbols: ['SP500'] }] });
    const backtestConfig = write('bt.json', { data: { file: '../eu/SP500.csv' }, strategy: 'sma-crossover' });
    const inline = write('spec.json', { kind: 'backtest', config: { data: { file: '../eu/SP500.csv' }, strategy: 'sma-crossover' }, parameters: [{ path: 'params.fast', values: [5, 10] }] });
    const byPath = write('by-path.json', { kind: 'run', config: 'run.json', parameters: [{ path: 'strategies.trend.params.fast', values: [5, 10] }] });
    const problem = (advice: string) =>
      `error: invalid market data (1 problem):\n  eu/SP500.csv:10  column "date"  [bad-date]  the dates are day first: line 10 has "13/01/2000" (2000-01-13 only), and no date reads only month first (5,105 day-month dates from line 2 on); automatic detection does not read a day and a month before the year: ${advice}, or write dates as YYYY-MM-DD\n`;
    const inConfig = (file: string, at = 'the data') => `set "dateFormat": "DD/MM/YYYY" in ${at} of ${file}`;
    const vary = ['--vary', 'strategies.trend.params.fast=5,10', '--out', 'x'];
    for (const [args, advice] of [
      [['run', '--config', runConfig], inConfig(runConfig)],
      [['run', '--config', backtestConfig], inConfig(backtestConfig)],
      [['sweep', '--config', runConfig, ...vary], inConfig(runConfig)],
      [['walk-forward', '--config', runConfig, ...vary, '--train', '2y', '--test', '1y'], inConfig(runConfig)],
      [['sweep', '--spec', inline, '--out', 'x'], inConfig(inline, 'config.data')],
      [['sweep', '--spec', byPath, '--out', 'x'], inConfig(runConfig)],
      // From flags, the flag: as `ensemble backtest` says it.
      [['sweep', '--strategy', 'sma-crossover', '--data', 'eu/SP500.csv', '--vary', 'fast=5,10', '--out', 'x'], 'pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code)'],
      [['backtest', '--strategy', 'sma-crossover', '--data', 'eu/SP500.csv'], 'pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code)'],
    ] as const) {
      const result = await run(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toBe(problem(advice));
    }
    const open = write('few.json', { data: { file: '../few/SP500.csv' }, strategies: [{ id: 'trend', strategy: 'sma-crossover', symbols: ['SP500'] }] });
    const both = await run('run', '--config', open);
    expect(both.code).toBe(2);
    expect(both.err).toContain('few/SP500.csv:2  column "date"  [bad-date]  month first or day first?');
    expect(both.err).toContain('the loader does not guess: set "dateFormat": "MM/DD/YYYY" or "DD/MM/YYYY" in the data of cfg/few.json, or write dates as YYYY-MM-DD');
    // A sweep names a config by the path given, as `run` does.
    const missing = write('no-symbols.json', { data: { dataset: 'sp500' }, strategies: [{ id: 'trend', strategy: 'sma-crossover' }] });
    const [ran, swept] = [await run('run', '--config', missing), await run('sweep', '--config', missing, ...vary)];
    expect(swept.err.split('\n')[0]).toBe('error: Invalid configuration in cfg/no-symbols.json:');
    expect(swept.err.split('\n')[0]).toBe(ran.err.split('\n')[0]);
  });

  it('sweep shortcut: with --config or an embedded data set it is refused by flag', async () => {
    const withConfig = await run('sweep', '--config', 'run.json', '--date-format', 'DD/MM/YYYY', '--vary', 'cash=1000,2000', '--out', 'x');
    expect(withConfig.code).toBe(2);
    expect(withConfig.err).toContain('--date-format DD/MM/YYYY: goes with --strategy and --data (a backtest base), not with --config: put it in the run config instead');
    const withDataset = await run('sweep', '--strategy', 'sma-crossover', '--data', 'sp500', '--date-format', 'DD/MM/YYYY', '--vary', 'fast=5,10', '--out', 'x');
    expect(withDataset.code).toBe(2);
    expect(withDataset.err).toContain('--date-format DD/MM/YYYY: applies to a data file; the data set "sp500" writes its dates as YYYY-MM-DD');
  });
});
