import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetUrl } from '@ensemble/data';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';
import { spawnNode } from '../testing/spawn-cli';

// The research shortcut takes `ensemble backtest`'s flags: a sweep built with them must run the
// backtest those flags describe. Data: the embedded S&P 500 file from 2012 to 2016 as written
// (asc/SP500.csv), newest first (desc/), with an adjusted close of exactly half the close (half/),
// and with open, high, low and close halved here, without an adjusted close (halved/): halving is
// exact in binary, so `--adjust` on half/ must read the prices halved/ holds as written.
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-shortcut-flags-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});
const lines = readFileSync(fileURLToPath(await datasetUrl('sp500')), 'utf8')
  .split('\n')
  .filter((line) => line !== '');
const rows = lines.slice(1).filter((line) => line >= '2012-01-01' && line < '2017-01-01');
const fields = rows.map((line) => line.split(','));
const half = (text: string | undefined): string => String(Number(text) * 0.5);

function csv(folder: string, text: readonly string[]): string {
  mkdirSync(path.join(scratch, folder));
  const file = path.join(scratch, folder, 'SP500.csv');
  writeFileSync(file, `${text.join('\n')}\n`);
  return file;
}
const asc = csv('asc', ['date,open,high,low,close,adjclose,volume', ...rows]);
const desc = csv('desc', ['date,open,high,low,close,adjclose,volume', ...[...rows].reverse()]);
const halfAdjusted = csv('half', ['date,open,high,low,close,adjclose,volume', ...fields.map(([date, open, high, low, close, , volume]) => [date, open, high, low, close, half(close), volume].join(','))]);
const halved = csv('halved', ['date,open,high,low,close,volume', ...fields.map(([date, open, high, low, close, , volume]) => [date, half(open), half(high), half(low), half(close), volume].join(','))]);

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const cli = (args: readonly string[]) => spawnNode([bin, ...args], { cwd: scratch });
const read = (...parts: string[]): string => readFileSync(path.join(scratch, ...parts), 'utf8');
const json = (...parts: string[]): unknown => JSON.parse(read(...parts));
const grid = ['--strategy', 'sma-crossover', '--vary', 'fast=5,10,20', '--vary', 'slow=50,100', '--workers', '2', '--no-progress'];

interface ResultRows {
  readonly rows: readonly { readonly rank: number | null; readonly parameters: Record<string, number>; readonly metrics: Record<string, number | null> }[];
}
interface BacktestJson {
  readonly config: { readonly data: Record<string, unknown>; readonly options: Record<string, unknown>; readonly metrics: Record<string, unknown> };
  readonly metrics: { readonly metrics: Record<string, number | null> };
}

describe('the research shortcut takes the backtest flags that shape its config', () => {
  it("a sweep with --cash --commission-rate --fill --fractional: best-config.json holds the backtest's engine options, and run and backtest reproduce its best metrics exactly", async () => {
    const engine = ['--cash', '5000', '--commission-rate', '0.001', '--fill', 'close', '--fractional'];
    const sweep = await cli(['sweep', '--data', asc, ...engine, ...grid, '--out', 'costs']);
    expect(sweep.err).toBe('');
    expect(sweep.code).toBe(0);
    const best = (json('costs', 'best-config.json') as Record<string, unknown>);
    const bestRow = (json('costs', 'results.json') as ResultRows).rows.find((row) => row.rank === 1);
    expect(bestRow).toBeDefined();
    const params = bestRow?.parameters ?? {};
    expect(best).toMatchObject({ cash: 5000, fill: 'close', commission: { kind: 'percent', rate: 0.001 }, fractional: true, params });

    const run = await cli(['run', '--config', path.join(scratch, 'costs', 'best-config.json'), '--json', 'run.json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const backtest = await cli(['backtest', '--data', asc, ...engine, '--strategy', 'sma-crossover', '--param', `fast=${String(params.fast)}`, '--param', `slow=${String(params.slow)}`, '--json', 'backtest.json']);
    expect(backtest.err).toBe('');
    expect(backtest.code).toBe(0);
    const [fromRun, fromBacktest] = [(json('run.json') as BacktestJson), (json('backtest.json') as BacktestJson)];
    expect(fromRun.metrics.metrics).toEqual(bestRow?.metrics);
    expect(fromBacktest.metrics.metrics).toEqual(bestRow?.metrics);
    // The engine options the sweep ran are, field for field, those the backtest records.
    const { rebalance, ...options } = fromBacktest.config.options;
    expect(rebalance).toBeNull();
    expect(Object.fromEntries(Object.keys(options).map((key) => [key, best[key]]))).toEqual(options);
    expect(fromRun.config.options).toEqual(fromBacktest.config.options);
    // With the costs the figures differ from the default engine's: the flags did reach the jobs.
    const plain = await cli(['sweep', '--data', asc, ...grid, '--out', 'plain']);
    expect(plain.code).toBe(0);
    expect(read('plain', 'results.csv')).not.toBe(read('costs', 'results.csv'));
  });

  it('--sort reads a newest-first file as the file in date order; --adjust the adjusted close as prices written so; --format the layout named', async () => {
    const [sorted, inOrder, unsorted] = await Promise.all([
      cli(['sweep', '--data', desc, '--sort', ...grid, '--out', 'sorted']),
      cli(['sweep', '--data', asc, ...grid, '--out', 'in-order']),
      cli(['sweep', '--data', desc, ...grid, '--out', 'unsorted']),
    ]);
    expect(sorted.err).toBe('');
    expect(sorted.code).toBe(0);
    expect(inOrder.code).toBe(0);
    expect(read('sorted', 'results.csv')).toBe(read('in-order', 'results.csv'));
    expect((json('sorted', 'best-config.json') as { data: unknown }).data).toEqual({ file: path.join('..', 'desc', 'SP500.csv'), sort: true });
    // Without --sort the newest-first file is refused, as `ensemble backtest` refuses it.
    expect(unsorted.code).toBe(2);
    expect(unsorted.err).toContain('--sort');

    const [adjusted, asWritten, notAdjusted] = await Promise.all([
      cli(['sweep', '--data', halfAdjusted, '--adjust', ...grid, '--out', 'adjusted']),
      cli(['sweep', '--data', halved, ...grid, '--out', 'as-written']),
      cli(['sweep', '--data', halfAdjusted, ...grid, '--out', 'not-adjusted']),
    ]);
    expect(adjusted.err).toBe('');
    expect(adjusted.code).toBe(0);
    expect(asWritten.code).toBe(0);
    expect(notAdjusted.code).toBe(0);
    // Whole units of half the price: other quantities, other figures, unless --adjust is lost.
    expect(read('adjusted', 'results.csv')).toBe(read('as-written', 'results.csv'));
    expect(read('adjusted', 'results.csv')).not.toBe(read('not-adjusted', 'results.csv'));
    expect((json('adjusted', 'best-config.json') as { data: unknown }).data).toEqual({ file: path.join('..', 'half', 'SP500.csv'), adjust: true });

    // --format wide reads the OHLCV file's columns as six symbols: named in the base, run, and reproduced by the backtest.
    const wide = await cli(['sweep', '--data', asc, '--format', 'wide', '--symbol', 'close', ...grid, '--out', 'wide']);
    expect(wide.err).toBe('');
    expect(wide.code).toBe(0);
    const best = (json('wide', 'best-config.json') as { data: unknown; symbols: unknown; params: Record<string, number> });
    expect(best.data).toEqual({ file: path.join('..', 'asc', 'SP500.csv'), format: 'wide' });
    expect(best.symbols).toEqual(['close']);
    const backtest = await cli(['backtest', '--data', asc, '--format', 'wide', '--symbol', 'close', '--strategy', 'sma-crossover', '--param', `fast=${String(best.params.fast)}`, '--param', `slow=${String(best.params.slow)}`, '--json', 'wide.json']);
    expect(backtest.code).toBe(0);
    expect((json('wide.json') as BacktestJson).config.data).toMatchObject({ format: 'wide', symbols: ['close'] });
    expect((json('wide.json') as BacktestJson).metrics.metrics).toEqual((json('wide', 'results.json') as ResultRows).rows.find((row) => row.rank === 1)?.metrics);
  });

  it('a walk-forward takes them too: the engine options reach every window', async () => {
    const windows = ['--train', '2y', '--test', '1y'];
    const [costs, plain] = await Promise.all([
      cli(['walk-forward', '--data', desc, '--sort', '--cash', '5000', '--commission-rate', '0.001', '--fill', 'close', '--fractional', ...grid, ...windows, '--out', 'wf-costs']),
      cli(['walk-forward', '--data', desc, '--sort', ...grid, ...windows, '--out', 'wf-plain']),
    ]);
    expect(costs.err).toBe('');
    expect(costs.code).toBe(0);
    expect(plain.code).toBe(0);
    // The out-of-sample curve starts from the cash given.
    expect(read('wf-costs', 'oos-equity.csv').split('\n')[1]).toMatch(/,5000(\.0+)?(,|$)/);
    expect(read('wf-plain', 'oos-equity.csv').split('\n')[1]).toMatch(/,100000(\.0+)?(,|$)/);
  });

  it('--benchmark none: the sweep measures without a benchmark (beta null), as the backtest with the flag and best-config.json run again do', async () => {
    const small = ['--strategy', 'sma-crossover', '--vary', 'fast=5,10', '--vary', 'slow=50', '--workers', '1', '--no-progress'];
    const [none, auto] = await Promise.all([cli(['sweep', '--data', asc, '--benchmark', 'none', ...small, '--out', 'no-benchmark']), cli(['sweep', '--data', asc, ...small, '--out', 'auto-benchmark'])]);
    expect(none.err).toBe('');
    expect(none.code).toBe(0);
    expect(auto.code).toBe(0);
    const best = (json('no-benchmark', 'results.json') as ResultRows).rows.find((row) => row.rank === 1);
    expect(best?.metrics.beta).toBeNull();
    expect((json('auto-benchmark', 'results.json') as ResultRows).rows.find((row) => row.rank === 1)?.metrics.beta).toEqual(expect.any(Number));
    expect((json('no-benchmark', 'best-config.json') as Record<string, unknown>).benchmark).toBeNull();
    const run = await cli(['run', '--config', path.join(scratch, 'no-benchmark', 'best-config.json'), '--json', 'no-benchmark-run.json']);
    expect(run.code).toBe(0);
    const backtest = await cli(['backtest', '--data', asc, '--benchmark', 'none', '--strategy', 'sma-crossover', '--param', `fast=${String(best?.parameters.fast)}`, '--param', 'slow=50', '--json', 'no-benchmark-backtest.json']);
    expect(backtest.code).toBe(0);
    expect((json('no-benchmark-run.json') as BacktestJson).metrics.metrics).toEqual(best?.metrics);
    expect((json('no-benchmark-backtest.json') as BacktestJson).metrics.metrics).toEqual(best?.metrics);
    expect((json('no-benchmark-run.json') as BacktestJson).config.metrics.benchmark).toBeNull();
  });

  it("backtest --json records --adjust and --sort in its config's data, so the config says how the prices were read", async () => {
    const io = createCapturedIo({ cwd: scratch });
    expect(await main(['node', 'ensemble', 'backtest', '--data', desc, '--sort', '--adjust', '--strategy', 'sma-crossover', '--json', 'read.json'], io)).toBe(0);
    expect((json('read.json') as BacktestJson).config.data).toMatchObject({ adjust: true, sort: true });
    const plainIo = createCapturedIo({ cwd: scratch });
    expect(await main(['node', 'ensemble', 'backtest', '--data', asc, '--strategy', 'sma-crossover', '--json', 'plain-read.json'], plainIo)).toBe(0);
    expect((json('plain-read.json') as BacktestJson).config.data).not.toHaveProperty('adjust');
    expect((json('plain-read.json') as BacktestJson).config.data).not.toHaveProperty('sort');
  });
});
