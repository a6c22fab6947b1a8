import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// One CSV per symbol, in Yahoo Finance's layout (the symbol is the file's name), and the same bars
// as one long file: every command must read the two alike.
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-data-files-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const yahoo = 'Date,Open,High,Low,Close,Adj Close,Volume';
const bars = {
  AAA: [
    ['2020-01-02', 10, 10],
    ['2020-01-03', 10.5, 11],
    ['2020-01-06', 11.5, 12],
    ['2020-01-07', 12.5, 13],
  ],
  // Starts a bar later.
  BBB: [
    ['2020-01-03', 19, 20],
    ['2020-01-06', 24, 25],
    ['2020-01-07', 29, 30],
  ],
} as const;

function write(name: string, text: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
}

for (const [symbol, rows] of Object.entries(bars)) {
  write(`${symbol}.csv`, `${yahoo}\n${rows.map(([date, open, close]) => `${date},${String(open)},${String(Math.max(open, close))},${String(Math.min(open, close))},${String(close)},${String(close)},1000`).join('\n')}\n`);
}
// Longer files for a sweep: 80 weekdays of closes that swing (a crossover trades on them).
const weekdays = Array.from({ length: 80 }, (_, k) => new Date(Date.UTC(2020, 0, 6) + Math.floor(k / 5) * 7 * 86_400_000 + (k % 5) * 86_400_000).toISOString().slice(0, 10));
for (const [symbol, phase] of [['CCC', 0], ['DDD', 1.5]] as const) {
  write(`${symbol}.csv`, `date,close\n${weekdays.map((date, k) => `${date},${(100 + 10 * Math.sin(k / 4 + phase) + k / 10).toFixed(2)}`).join('\n')}\n`);
}
write(
  'long.csv',
  `symbol,date,open,high,low,close,volume\n${Object.entries(bars)
    .flatMap(([symbol, rows]) => rows.map(([date, open, close]) => `${symbol},${date},${String(open)},${String(Math.max(open, close))},${String(Math.min(open, close))},${String(close)},1000`))
    .join('\n')}\n`,
);

async function run(...args: string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

function runConfig(name: string, file: string | string[], extra: Record<string, unknown> = {}): string {
  write(
    name,
    JSON.stringify({
      data: { file },
      cash: 100_000,
      fill: 'close',
      fractional: true,
      allocation: { scheme: 'fixed' },
      rebalance: { schedule: 'never' },
      strategies: [
        { id: 'a', strategy: 'buy-and-hold', symbols: ['AAA'], weight: 0.5 },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['BBB'], weight: 0.5 },
      ],
      ...extra,
    }),
  );
  return name;
}

interface Equity {
  readonly finalEquity: number;
  readonly portfolio: { readonly equity: number[] };
}

describe('one data file per symbol', () => {
  it('run: "file" as a list reads the files as the one long file of their bars', async () => {
    const files = await run('run', '--config', runConfig('files.json', ['AAA.csv', 'BBB.csv']), '--json', 'files-result.json');
    expect(files.code).toBe(0);
    expect(files.out).toContain('data       AAA.csv, BBB.csv · 2 symbols traded');
    // Both files' one note, once.
    expect(files.out).toContain('note: AAA.csv, BBB.csv: column "Adj Close" ignored');
    const long = await run('run', '--config', runConfig('long.json', 'long.csv'), '--json', 'long-result.json');
    expect(long.code).toBe(0);
    const read = (name: string) => JSON.parse(readFileSync(path.join(scratch, name), 'utf8')) as Equity;
    const [joined, one] = [read('files-result.json'), read('long-result.json')];
    expect(joined.portfolio.equity).toEqual(one.portfolio.equity);
    // By hand: 50,000 buys AAA at its first close (10); BBB's sleeve is funded at its symbol's
    // first bar, a bar later, which rebalances: the portfolio is then 50,000 × 11 / 10 + 50,000
    // (reserve) = 105,000, half of it each, AAA's sleeve sold down to 52,500 at 11 and BBB's
    // bought at 20; held to 13 and 30.
    expect(joined.finalEquity).toBeCloseTo(52_500 * (13 / 11) + 52_500 * (30 / 20), 6);
  });

  it('backtest: --data repeated, the same fills and equity as the long file', async () => {
    const args = ['--strategy', 'buy-and-hold', '--fractional', '--json', '-'];
    const files = await run('backtest', '--data', 'AAA.csv', '--data', 'BBB.csv', ...args);
    const long = await run('backtest', '--data', 'long.csv', ...args);
    expect(files.code).toBe(0);
    expect(long.code).toBe(0);
    const pick = (text: string) => {
      const result = JSON.parse(text) as { equity: unknown; fills: unknown; finalEquity: number };
      return { equity: result.equity, fills: result.fills, finalEquity: result.finalEquity };
    };
    expect(pick(files.out)).toEqual(pick(long.out));
  });

  it('a sweep over the files writes a best config whose run reproduces its objective', async () => {
    const sweep = await run('sweep', '--strategy', 'sma-crossover', '--data', 'CCC.csv', '--data', 'DDD.csv', '--vary', 'fast=2,3', '--param', 'slow=8', '--out', 'sweep', '--workers', '1');
    expect(sweep.code).toBe(0);
    const best = JSON.parse(readFileSync(path.join(scratch, 'sweep', 'best-config.json'), 'utf8')) as { data: { file: unknown } };
    expect(best.data.file).toEqual(['../CCC.csv', '../DDD.csv']);
    const results = JSON.parse(readFileSync(path.join(scratch, 'sweep', 'results.json'), 'utf8')) as { rows: { metrics: { totalReturn: number } | null }[] };
    const again = await run('run', '--config', 'sweep/best-config.json', '--json', '-');
    expect(again.code).toBe(0);
    expect((JSON.parse(again.out) as { metrics: { metrics: { totalReturn: number } } }).metrics.metrics.totalReturn).toBe(results.rows[0]?.metrics?.totalReturn);
  });

  it('a run of several files: its JSON result makes a report; a backtest\'s records every file', async () => {
    expect((await run('run', '--config', runConfig('report.json', ['AAA.csv', 'BBB.csv']), '--json', 'report-result.json')).code).toBe(0);
    const report = await run('report', 'report-result.json', '--md', 'report.md');
    expect(report.code).toBe(0);
    expect(readFileSync(path.join(scratch, 'report.md'), 'utf8')).toContain('AAA.csv, BBB.csv');
    const backtest = await run('backtest', '--data', 'AAA.csv', '--data', 'BBB.csv', '--strategy', 'buy-and-hold', '--json', '-');
    expect((JSON.parse(backtest.out) as { config: { data: { source: string; files?: string[] } } }).config.data).toMatchObject({ source: 'AAA.csv', files: ['AAA.csv', 'BBB.csv'] });
  });

  it('a walk-forward over the files, and check naming every file when a series is too short', async () => {
    const walk = await run('walk-forward', '--strategy', 'sma-crossover', '--data', 'CCC.csv', '--data', 'DDD.csv', '--vary', 'fast=2,3', '--param', 'slow=8', '--train', '40', '--test', '20', '--out', 'walk', '--workers', '1');
    expect(walk.code).toBe(0);
    const last = JSON.parse(readFileSync(path.join(scratch, 'walk', 'last-config.json'), 'utf8')) as { data: { file: unknown } };
    expect(last.data.file).toEqual(['../CCC.csv', '../DDD.csv']);
    // BBB's 3 bars are fewer than the warm-up and two more: both files named, not only the first.
    const check = await run('check', '--data', 'BBB.csv', '--data', 'AAA.csv', '--strategy', 'sma-crossover', '--param', 'fast=2', '--param', 'slow=3');
    expect(check.code).toBe(2);
    expect(check.err).toContain('--data BBB.csv --data AAA.csv: BBB has 3 bars');
  });

  it('a sweep names the files as given in its notes and problems, not by their absolute paths', async () => {
    const notes = await run('sweep', '--strategy', 'buy-and-hold', '--data', 'AAA.csv', '--data', 'BBB.csv', '--vary', 'cash=1000,2000', '--out', 'sweep-notes', '--workers', '1');
    expect(notes.code).toBe(0);
    expect(notes.out).toContain('note: AAA.csv, BBB.csv: column "Adj Close" ignored');
    const clash = await run('sweep', '--strategy', 'buy-and-hold', '--data', 'AAA.csv', '--data', 'long.csv', '--vary', 'cash=1000,2000', '--out', 'sweep-clash', '--workers', '1');
    expect(clash.code).toBe(2);
    expect(clash.err).toContain('symbol "AAA" is also in "AAA.csv"');
    expect(clash.err).not.toContain(scratch);
  });

  // Regression: a file named like an embedded data set (`stocks5`, no extension) was passed over
  // for the data set, without a word.
  it('refuses a name that is both an embedded data set and a file here, saying how to name each', async () => {
    write('stocks5', readFileSync(path.join(scratch, 'AAA.csv'), 'utf8'));
    const both = await run('backtest', '--data', 'stocks5', '--strategy', 'buy-and-hold');
    expect(both.code).toBe(2);
    expect(both.err).toContain('"stocks5" is both an embedded data set and a file here: write ./stocks5 for the file, or --dataset stocks5 for the data set');
    const file = await run('backtest', '--data', './stocks5', '--strategy', 'buy-and-hold');
    expect(file.code).toBe(0);
    expect(file.out).toContain('Backtest: buy-and-hold on stocks5\n');
    const dataset = await run('backtest', '--dataset', 'stocks5', '--strategy', 'buy-and-hold');
    expect(dataset.code).toBe(0);
    expect(dataset.out).toContain('(stocks5)');
    const inspect = await run('data', 'inspect', 'stocks5');
    expect(inspect.code).toBe(2);
    expect(inspect.err).toContain('write ./stocks5 for the file, or run it from another directory for the data set');
    rmSync(path.join(scratch, 'stocks5'));
  });

  it('data inspect takes several files', async () => {
    const { code, out } = await run('data', 'inspect', 'AAA.csv', 'BBB.csv');
    expect(code).toBe(0);
    expect(out).toMatch(/^AAA\.csv, BBB\.csv\n/);
    expect(out).toContain('2 symbols · 7 bars');
  });

  it('refuses, with exit 2: missing files, all named; a symbol in two files; a file listed twice', async () => {
    const missing = await run('backtest', '--data', 'AAA.csv', '--data', 'nope.csv', '--data', 'gone.csv', '--strategy', 'buy-and-hold');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('2 of the 3 data files cannot be read as given');
    expect(missing.err).toContain('"nope.csv"');
    expect(missing.err).toContain('"gone.csv"');
    const twice = await run('backtest', '--data', 'AAA.csv', '--data', 'long.csv', '--strategy', 'buy-and-hold');
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('symbol "AAA" is also in "AAA.csv": each symbol must come from one file');
    const listed = await run('run', '--config', runConfig('twice.json', ['AAA.csv', 'BBB.csv', 'AAA.csv']));
    expect(listed.code).toBe(2);
    expect(listed.err).toContain('data.file.2: "AAA.csv" is listed twice (also at data.file.0); list each file once');
    const gone = await run('run', '--config', runConfig('gone.json', ['AAA.csv', 'gone.csv']));
    expect(gone.code).toBe(2);
    expect(gone.err).toContain('data.file.1: file not found: "gone.csv"');
    const repeated = await run('backtest', '--data', 'AAA.csv', '--data', 'AAA.csv', '--strategy', 'buy-and-hold');
    expect(repeated.code).toBe(2);
    expect(repeated.err).toContain('--data AAA.csv: is given twice: give each file once');
    // One file named two ways.
    const twoWays = await run('backtest', '--data', './AAA.csv', '--data', 'AAA.csv', '--strategy', 'buy-and-hold');
    expect(twoWays.code).toBe(2);
    expect(twoWays.err).toContain('--data AAA.csv: is the file of --data ./AAA.csv: give each file once');
    const listedTwoWays = await run('run', '--config', runConfig('two-ways.json', ['AAA.csv', 'BBB.csv', './AAA.csv']));
    expect(listedTwoWays.code).toBe(2);
    expect(listedTwoWays.err).toContain('data.file.2: "./AAA.csv" is the file of data.file.0 ("AAA.csv"): list each file once');
  });
});
