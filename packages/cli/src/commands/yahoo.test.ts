import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// A Yahoo Finance export around AAPL's 4:1 split of 2020-08-31 (Date,Open,High,Low,Close,Adj
// Close,Volume): before the split Adj Close / Close = 0.25 exactly, on the last row 130.90 / 131.40.
const fixtures = fileURLToPath(new URL('../__fixtures__/', import.meta.url));
const yahoo = path.join(fixtures, 'yahoo-aapl.csv');
const newestFirst = path.join(fixtures, 'yahoo-newest-first.csv');
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-yahoo-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

// Buy and hold with 100,000 in whole units, filled at the next open (2020-08-26, open 504.00):
//   as traded: floor(100000 / 504) = 198 units, cash 208, marked at 131.40 → 208 + 198 × 131.40 = 26,225.20
//   adjusted:  open 504.00 × 0.25 = 126.00, floor(100000 / 126) = 793 units, cash 82,
//              marked at 131.40 × 130.90 / 131.40 = 130.90 → 82 + 793 × 130.90 = 103,885.70
describe('Yahoo Finance exports: --adjust and --sort', () => {
  it('backtest as traded: the summary says the Adj Close column was ignored and how to use it', async () => {
    const { code, out } = await run('backtest', '--data', yahoo, '--strategy', 'buy-and-hold');
    expect(code).toBe(0);
    expect(out).toContain('note: column "Adj Close" ignored: prices are as traded, not adjusted for splits and dividends; run with --adjust');
    // The split itself: 499.24 on 08-28, then 129.04 (−74.15%), opening at 127.58 (3.913 times
    // below, 2.2% from 4). Unadjusted, the backtest takes it for a loss of three quarters.
    expect(out).toContain(
      "note: yahoo-aapl's close goes from 499.24 to 129.04 on 2020-08-31 (-74.15%), as a 4:1 split would: if the prices are not adjusted for it, the run takes it for a real move (use split-adjusted prices, or run with --adjust with an adjusted close column; ensemble data inspect lists every jump)",
    );
    expect(out).toContain('Final equity 26,225.20');
  });

  it('backtest --adjust: prices scaled by Adj Close / Close, and the summary says so', async () => {
    const { code, out } = await run('backtest', '--data', yahoo, '--strategy', 'buy-and-hold', '--adjust');
    expect(code).toBe(0);
    expect(out).toContain('note: open, high, low and close scaled by "Adj Close" / close, row by row (volume unchanged)');
    // Adjusted, the split is gone: no note of it.
    expect(out).not.toContain('as a 4:1 split would');
    expect(out).toMatch(/long\s+793\s+2020-08-26\s+126\.00\s+130\.90/);
    expect(out).toContain('Final equity 103,885.70');
  });

  it('backtest on a newest-first file: exit 2 saying so, and --sort runs it as the oldest-first file', async () => {
    const unsorted = await run('backtest', '--data', newestFirst, '--strategy', 'buy-and-hold');
    expect(unsorted.code).toBe(2);
    expect(unsorted.err).toContain('newest first');
    expect(unsorted.err).toContain('--sort');
    const sorted = await run('backtest', '--data', newestFirst, '--strategy', 'buy-and-hold', '--sort', '--adjust');
    expect(sorted.code).toBe(0);
    expect(sorted.out).toContain('Final equity 103,885.70');
  });

  it('data inspect --adjust --sort: the notes in the text and in the JSON', async () => {
    const text = await run('data', 'inspect', yahoo);
    expect(text.out).toContain('note: column "Adj Close" ignored');
    expect(text.out).toContain('  yahoo-aapl  2020-08-28 → 2020-08-31  close 499.24 → 129.04 (-74.15%, as a 4:1 split would)\n');
    const json = await run('data', 'inspect', newestFirst, '--sort', '--adjust', '--json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as { notes?: string[]; series: { lastClose: number }[] };
    expect(report.notes).toEqual(['open, high, low and close scaled by "Adj Close" / close, row by row (volume unchanged)']);
    expect(report.series[0]?.lastClose).toBeCloseTo(130.9, 10);
  });

  it('run: data.adjust and data.sort in the config; the summary notes an ignored Adj Close', async () => {
    const config = (data: Record<string, unknown>) => {
      const file = path.join(scratch, `config-${Object.keys(data).join('-')}.json`);
      writeFileSync(file, JSON.stringify({ data: { file: newestFirst, sort: true, ...data }, strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['yahoo-newest-first'] }] }));
      return file;
    };
    const traded = await run('run', '--config', config({}));
    expect(traded.code).toBe(0);
    expect(traded.out).toContain('note: column "Adj Close" ignored: prices are as traded, not adjusted for splits and dividends; set "adjust": true in data');
    expect(traded.out).toContain('as a 4:1 split would: if the prices are not adjusted for it, the run takes it for a real move (use split-adjusted prices, or set "adjust": true in data with an adjusted close column;');
    const adjusted = await run('run', '--config', config({ adjust: true }));
    expect(adjusted.code).toBe(0);
    expect(adjusted.out).toContain('note: open, high, low and close scaled by "Adj Close" / close');
  });
});
