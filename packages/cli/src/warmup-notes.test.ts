import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { createCapturedIo } from './io';

// Regression: `ensemble run` printed a sleeve whose strategy never decided (a 100-bar moving
// average over 60 bars) as a flat 0.00 % beside the others, holding half the capital in cash,
// where `ensemble backtest` notes "fewer than the strategy's warm-up: it never decided".

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-warmup-notes-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// Sixty weekdays from 2024-01-01 (a Monday).
const days: string[] = [];
for (let day = 0; days.length < 60; day++) {
  const date = new Date(Date.UTC(2024, 0, 1 + day));
  if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6) days.push(date.toISOString().slice(0, 10));
}
writeFileSync(path.join(scratch, 'prices.csv'), ['date,open,high,low,close,volume', ...days.map((day, i) => `${day},${String(100 + (i % 5))},${String(101 + (i % 5))},${String(99 + (i % 5))},${String(100 + (i % 5))},10`)].join('\n') + '\n');

async function run(config: unknown) {
  writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(config));
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', 'run', '--config', 'run.json'], io);
  return { code, out: io.out(), err: io.err() };
}

describe('ensemble run notes a strategy that never decided', () => {
  it('a signal strategy whose warm-up is longer than its symbol\'s bars in the run', async () => {
    const { code, out } = await run({
      data: { file: 'prices.csv' },
      strategies: [
        { id: 'hold', strategy: 'buy-and-hold', symbols: ['prices'] },
        { id: 'slow', strategy: 'sma-crossover', params: { fast: 10, slow: 100 }, symbols: ['prices'] },
      ],
    });
    expect(code).toBe(0);
    // sma-crossover's warm-up is slow + 1 = 101 bars; the run has 60.
    expect(out).toContain('note: strategy "slow" (sma-crossover) never decided: its warm-up is 101 bars and its symbol has 60 bars in the run, so its capital stayed in cash; widen "from"/"to" in data, or shorten its windows');
    expect(out).not.toContain('strategy "hold"');
  });

  it('a portfolio strategy whose warm-up is longer than the run, and none when it fits', async () => {
    const short = await run({ data: { file: 'prices.csv', from: '2024-01-01', to: '2024-01-05' }, strategies: [{ id: 'iv', strategy: 'inverse-volatility', params: { lookback: 20 }, symbols: ['prices'] }] });
    expect(short.code).toBe(0);
    expect(short.out).toMatch(/note: strategy "iv" \(inverse-volatility\) never decided: its warm-up is \d+ bars and the run has 5 bars, so its capital stayed in cash/);
    const fits = await run({ data: { file: 'prices.csv' }, strategies: [{ id: 'fast', strategy: 'sma-crossover', params: { fast: 5, slow: 20 }, symbols: ['prices'] }] });
    expect(fits.code).toBe(0);
    expect(fits.out).not.toContain('never decided');
  });
});

// Regression: an allocation scheme whose lookback is longer than the run gave its warm-up weights
// at every rebalance, which the summary said only as "equal weights until 500 sleeve returns exist".
describe('ensemble run notes an allocation scheme that never decided', () => {
  const sleeves = [
    { id: 'hold', strategy: 'buy-and-hold', symbols: ['prices'] },
    { id: 'trend', strategy: 'sma-crossover', params: { fast: 5, slow: 20 }, symbols: ['prices'] },
  ];

  it('its warm-up longer than the run, named by the field that sets it', async () => {
    const long = await run({ data: { file: 'prices.csv' }, allocation: { scheme: 'inverse-volatility', lookback: 100 }, rebalance: { schedule: 'month' }, strategies: sleeves });
    expect(long.code).toBe(0);
    // 60 weekdays from 2024-01-01: rebalances at the start, in February and in March.
    expect(long.out).toContain('note: the "inverse-volatility" allocation never decided: it waits for 100 sleeve returns (allocation.lookback) and the run has 60 bars, so all 2 rebalances after the start kept its warm-up weights; shorten allocation.lookback, or widen "from"/"to" in data');
    const history = await run({ data: { file: 'prices.csv' }, allocation: { scheme: 'risk-parity', lookback: 20, minHistory: 80 }, rebalance: { schedule: 'month' }, strategies: sleeves });
    expect(history.out).toContain('note: the "risk-parity" allocation never decided: it waits for 80 sleeve returns (allocation.minHistory)');
  });

  it('none once it decides, nor for a scheme without a warm-up', async () => {
    const decides = await run({ data: { file: 'prices.csv' }, allocation: { scheme: 'inverse-volatility', lookback: 20 }, rebalance: { schedule: 'month' }, strategies: sleeves });
    expect(decides.code).toBe(0);
    expect(decides.out).not.toContain('allocation never decided');
    const equal = await run({ data: { file: 'prices.csv' }, rebalance: { schedule: 'month' }, strategies: sleeves });
    expect(equal.out).not.toContain('allocation never decided');
  });
});
