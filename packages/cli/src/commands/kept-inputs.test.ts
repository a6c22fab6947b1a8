import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// Every output flag is checked against the files the command reads — the data file, the strategy
// file and the local files it imports — before anything runs: a typo such as `--json prices.csv`
// used to replace the data (or the strategy's source) with the result.

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-kept-inputs-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let cases = 0;
/** A fresh directory holding prices.csv (40 daily bars), a strategy file importing a helper, and the given files. */
function project(files: Record<string, string> = {}): string {
  cases += 1;
  const directory = path.join(scratch, `case-${String(cases)}`);
  mkdirSync(path.join(directory, 'lib'), { recursive: true });
  const rows = Array.from({ length: 40 }, (_, i) => {
    const day = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
    const close = 100 + (i % 7) - (i % 3);
    return `${day},${String(close)},${String(close + 1)},${String(close - 1)},${String(close)},1000`;
  });
  writeFileSync(path.join(directory, 'prices.csv'), ['date,open,high,low,close,volume', ...rows].join('\n') + '\n');
  writeFileSync(path.join(directory, 'lib', 'edge.mjs'), 'export const EDGE = 0;\n');
  writeFileSync(
    path.join(directory, 'mine.mjs'),
    [
      "import { defineStrategy } from '@ensemble/protocol';",
      "import { z } from 'zod';",
      "import { EDGE } from './lib/edge.mjs';",
      'export default defineStrategy({',
      "  name: 'mine', kind: 'signal', description: 'Long while the close is above the close of lookback bars ago.',",
      '  params: z.strictObject({ lookback: z.number().int().min(1).max(10).default(2) }),',
      '  create: ({ lookback }) => ({ warmup: lookback + 1, shouldEnter: (ctx) => (ctx.close() - ctx.close(lookback) > EDGE ? { side: "long" } : null), shouldExit: (ctx) => ctx.close() < ctx.close(lookback) }),',
      '});',
      '',
    ].join('\n'),
  );
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(directory, name), content);
  return directory;
}

/** The bytes of every file under `directory`, by relative path. */
function contents(directory: string, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, readFileSync(path.join(directory, name), 'utf8')]));
}

const INPUTS = ['prices.csv', 'mine.mjs', 'lib/edge.mjs'];

async function cli(args: string[], cwd: string) {
  const io = createCapturedIo({ cwd, env: {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('outputs never replace the files a command reads', () => {
  it('backtest: --json, --html and --md naming the data file, the strategy file or its helper exit 2 and change nothing', async () => {
    const directory = project();
    const before = contents(directory, INPUTS);
    const { code, out, err } = await cli(['backtest', '--data', 'prices.csv', '--strategy', './mine.mjs', '--json', 'prices.csv', '--html', './mine.mjs', '--md', 'lib/edge.mjs'], directory);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(`--json prices.csv: would overwrite the data file (--data) (${path.join(directory, 'prices.csv')}); give the output its own path`);
    expect(err).toContain(`--html ./mine.mjs: would overwrite the strategy file (--strategy) (${path.join(directory, 'mine.mjs')})`);
    expect(err).toContain(`--md lib/edge.mjs: would overwrite a file that the strategy file (--strategy) imports (${path.join(directory, 'lib', 'edge.mjs')})`);
    expect(contents(directory, INPUTS)).toEqual(before);
  });

  it('run: an output naming the config\'s data file or strategy file exits 2 and changes nothing', async () => {
    const directory = project({
      'run.json': JSON.stringify({ data: { file: 'prices.csv' }, strategies: [{ id: 'a', strategy: './mine.mjs', symbols: ['prices'] }] }),
    });
    const before = contents(directory, [...INPUTS, 'run.json']);
    const { code, err } = await cli(['run', '--config', 'run.json', '--md', 'prices.csv', '--html', 'lib/edge.mjs'], directory);
    expect(code).toBe(2);
    expect(err).toContain(`--md prices.csv: would overwrite the data file (data.file) (${path.join(directory, 'prices.csv')})`);
    expect(err).toContain(`--html lib/edge.mjs: would overwrite a file that a strategy file of the config imports (${path.join(directory, 'lib', 'edge.mjs')})`);
    expect(contents(directory, [...INPUTS, 'run.json'])).toEqual(before);
  });

  it('run of a backtest config: an output naming its data file or strategy file exits 2 and changes nothing', async () => {
    const directory = project({ 'backtest.json': JSON.stringify({ data: { file: 'prices.csv' }, strategy: './mine.mjs' }) });
    const before = contents(directory, [...INPUTS, 'backtest.json']);
    const { code, err } = await cli(['run', '--config', 'backtest.json', '--json', 'prices.csv', '--md', 'mine.mjs'], directory);
    expect(code).toBe(2);
    expect(err).toContain(`--json prices.csv: would overwrite the data file (data.file) (${path.join(directory, 'prices.csv')})`);
    expect(err).toContain(`--md mine.mjs: would overwrite the strategy file (strategy) (${path.join(directory, 'mine.mjs')})`);
    expect(contents(directory, [...INPUTS, 'backtest.json'])).toEqual(before);
  });

  it('sweep: --html naming the data or strategy file, or an --out whose results.csv is the data file, exits 2 before any job', async () => {
    const directory = project();
    mkdirSync(path.join(directory, 'out'));
    writeFileSync(path.join(directory, 'out', 'results.csv'), readFileSync(path.join(directory, 'prices.csv')));
    const names = [...INPUTS, 'out/results.csv'];
    const before = contents(directory, names);
    const html = await cli(['sweep', '--data', 'prices.csv', '--strategy', './mine.mjs', '--vary', 'lookback=1,2', '--out', 'sweep', '--html', 'mine.mjs', '--workers', '1', '--no-progress'], directory);
    expect(html.code).toBe(2);
    expect(html.err).toContain(`--html mine.mjs: would overwrite the strategy file (${path.join(directory, 'mine.mjs')})`);
    const data = await cli(['sweep', '--data', 'prices.csv', '--strategy', 'sma-crossover', '--vary', 'fast=2,3', '--param', 'slow=5', '--out', 'sweep', '--html', 'prices.csv', '--workers', '1', '--no-progress'], directory);
    expect(data.code).toBe(2);
    expect(data.err).toContain(`--html prices.csv: would overwrite the data file (${path.join(directory, 'prices.csv')})`);
    const out = await cli(['sweep', '--data', 'out/results.csv', '--strategy', 'sma-crossover', '--vary', 'fast=2,3', '--param', 'slow=5', '--out', 'out', '--workers', '1', '--no-progress'], directory);
    expect(out.code).toBe(2);
    expect(out.err).toContain(`--out out: its ${path.join(directory, 'out', 'results.csv')} would overwrite the data file; give --out another directory`);
    expect(contents(directory, names)).toEqual(before);
    expect(readFileSync(path.join(directory, 'out', 'results.csv'), 'utf8')).toBe(before['prices.csv']);
  });

  it('walk-forward: --html naming a file the strategy file imports exits 2 before any job', async () => {
    const directory = project();
    const before = contents(directory, INPUTS);
    const { code, err } = await cli(
      ['walk-forward', '--data', 'prices.csv', '--strategy', './mine.mjs', '--vary', 'lookback=1,2', '--train', '20', '--test', '10', '--out', 'wf', '--html', 'lib/edge.mjs', '--workers', '1', '--no-progress'],
      directory,
    );
    expect(code).toBe(2);
    expect(err).toContain(`--html lib/edge.mjs: would overwrite a file that the strategy file imports (${path.join(directory, 'lib', 'edge.mjs')})`);
    expect(contents(directory, INPUTS)).toEqual(before);
  });
});
