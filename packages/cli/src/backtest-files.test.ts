import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSeededRandom } from '@ensemble/data';
import { noopLogger } from '@ensemble/protocol';
import { ReportGenerator, parseResultJson } from '@ensemble/report';
import { afterAll, describe, expect, it } from 'vitest';
import { backtestJsonChunks, renderBacktestFiles } from './backtest-files';
import { planBacktest } from './backtest-options';
import type { BacktestFlags } from './backtest-options';
import { backtestJson } from './backtest-report';
import { executeBacktest } from './commands/backtest';
import { createCapturedIo } from './io';
import { writeFilesAtomic } from './write-file';

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-backtest-files-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** An intraday OHLCV file (one bar a minute) with prices that need every digit, to exercise the full ISO instants and number forms. */
function intradayCsv(): string {
  const random = createSeededRandom(11);
  const lines = ['date,open,high,low,close,volume'];
  let close = 100;
  for (let i = 0; i < 600; i++) {
    const open = close;
    close = open * Math.exp(0.002 * random.normal());
    const time = new Date(Date.UTC(2021, 2, 1, 14, 30) + i * 60_000).toISOString();
    lines.push(`${time},${open},${Math.max(open, close) * 1.001},${Math.min(open, close) * 0.999},${close},${1000 + i}`);
  }
  return `${lines.join('\n')}\n`;
}

const intraday = path.join(scratch, 'minutes.csv');
writeFileSync(intraday, intradayCsv());

const runs: [string, Partial<BacktestFlags>][] = [
  ['sma crossover on sp500 with costs', { dataset: 'sp500', strategy: 'sma-crossover', param: ['fast=10', 'slow=30'], commissionRate: '0.001', slippageBps: '2' }],
  ['equal weight on dow30 stocks, quarterly, fractional', { dataset: 'dow30', strategy: 'equal-weight', symbol: ['IBM,MSFT,KO'], rebalance: 'quarter', fractional: true }],
  ['rsi on minute bars, close fills, closed at the end', { data: [intraday], strategy: 'rsi-mean-reversion', fill: 'close', closeAtEnd: true, fractional: true }],
];

describe('backtest --json text', () => {
  it.each(runs)('%s: the streamed file is byte for byte JSON.stringify(backtestJson(run), null, 2) and a newline', async (_, flags) => {
    const plan = planBacktest({ strategy: 'buy-and-hold', param: [], symbol: [], ...flags, json: 'result.json' }, scratch);
    const run = await executeBacktest(plan, createCapturedIo({ cwd: scratch }), noopLogger);
    const expected = `${JSON.stringify(backtestJson(run), null, 2)}\n`;
    const [written] = await writeFilesAtomic(await renderBacktestFiles(run, { json: plan.outputs.json }));
    expect(readFileSync(plan.outputs.json ?? '', 'utf8')).toBe(expected);
    expect(written?.bytes).toBe(Buffer.byteLength(expected));
    expect([...backtestJsonChunks(run)].join('')).toBe(expected);
    expect(run.result.fills.length).toBeGreaterThan(0);
  });
});

describe('the files of ensemble backtest and run, read back by @ensemble/report', () => {
  it('backtest --json read by parseResultJson gives the report --html and --md wrote (no benchmark: the JSON holds none)', async () => {
    const flags = { dataset: 'sp500', strategy: 'sma-crossover', param: ['fast=10', 'slow=30'], symbol: [], benchmark: 'none', commissionRate: '0.001' };
    const plan = planBacktest({ ...flags, json: 'again.json', html: 'again.html', md: 'again.md' }, scratch);
    const run = await executeBacktest(plan, createCapturedIo({ cwd: scratch }), noopLogger);
    await writeFilesAtomic(await renderBacktestFiles(run, plan.outputs));
    const input = parseResultJson(readFileSync(path.join(scratch, 'again.json'), 'utf8'), 'again.json', {
      subtitle: 'sp500: S&P 500 index, daily OHLCV (the adjclose column is ignored)',
    });
    expect(input.title).toBe('Backtest: sma-crossover on SP500');
    const report = new ReportGenerator(input);
    expect(report.html()).toBe(readFileSync(path.join(scratch, 'again.html'), 'utf8'));
    expect(await report.markdown()).toBe(readFileSync(path.join(scratch, 'again.md'), 'utf8'));
  });
});
