import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { createCapturedIo } from './io';

// `ensemble run --config` of a backtest config (a sweep's best-config.json) prints the backtest's
// summary; its advice named flags `run` does not take (`--periods-per-year 365`, `--adjust`,
// `--benchmark none`, `--from/--to`), where the config's fields are what to change.

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-backtest-config-advice-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// Thirty consecutive calendar days (weekends too), with Yahoo Finance's Adj Close column.
const rows = Array.from({ length: 30 }, (_, i) => {
  const close = String(100 + i);
  return `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},${close},${close},${close},${close},${close},10`;
});
writeFileSync(path.join(scratch, 'daily.csv'), ['Date,Open,High,Low,Close,Adj Close,Volume', ...rows].join('\n') + '\n');
writeFileSync(path.join(scratch, 'backtest.json'), JSON.stringify({ data: { file: 'daily.csv' }, strategy: 'sma-crossover', params: { fast: 5, slow: 40 } }));

async function cli(args: string[]) {
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe("a backtest config's summary advises the config's fields", () => {
  it('under `ensemble run --config`', async () => {
    const { code, out } = await cli(['run', '--config', 'backtest.json']);
    expect(code).toBe(0);
    expect(out).toContain('note: column "Adj Close" ignored: prices are as traded, not adjusted for splits and dividends; set "adjust": true in data to scale');
    expect(out).toContain('understates annualised volatility and Sharpe; give "periodsPerYear": 365 in the config');
    expect(out).toContain('buy and hold (the default with one symbol; "benchmark": null turns it off)');
    expect(out).toContain("30 bars are fewer than the strategy's warm-up of 41: it never decided. Give it more bars (a longer data file, or a wider \"from\"/\"to\" in data) or shorter windows.");
    expect(out).not.toMatch(/--periods-per-year|--adjust|--benchmark|--from/);
  });

  it('while `ensemble backtest` names its flags', async () => {
    const { code, out } = await cli(['backtest', '--data', 'daily.csv', '--strategy', 'sma-crossover', '--param', 'fast=5', '--param', 'slow=40']);
    expect(code).toBe(0);
    expect(out).toContain('run with --adjust to scale');
    expect(out).toContain('give --periods-per-year 365');
    expect(out).toContain('--benchmark none turns it off');
    expect(out).toContain('(a longer data file, or a wider --from/--to) or shorter windows.');
  });

  // Regression: a fixed-cash amount below one unit's price rejected every entry and was told to
  // raise the cash (100,000 here), which changes nothing.
  it('a fixed-cash amount below one unit\'s price is named as the cause, not the cash', async () => {
    const { code, out } = await cli(['backtest', '--data', 'daily.csv', '--strategy', 'buy-and-hold', '--sizing', 'fixed-cash:5']);
    expect(code).toBe(0);
    expect(out).toContain('note: nothing traded: every entry was rejected (--log-level warn says why for each; most often the fixed-cash amount of 5.00 per entry is less than one unit costs: --fractional, a larger amount (--sizing fixed-cash:C) or another sizing)');
    expect(out).not.toContain('more --cash');
  });
});
