import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { createCapturedIo } from './io';

// Regression: a symbol whose data ended halfway (a delisting in a wide file) was held at its last
// close for the rest of the run with nothing said: its sleeve's returns were 0 from then on, its
// weight frozen through every rebalance, and its Sharpe ratio read 15 over the flat half.

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-ended-symbol-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// Twenty weekdays from 2024-01-01; B has the first ten, A all twenty (the last on 2024-01-26).
const days: string[] = [];
for (let day = 0; days.length < 20; day++) {
  const date = new Date(Date.UTC(2024, 0, 1 + day));
  if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6) days.push(date.toISOString().slice(0, 10));
}
writeFileSync(path.join(scratch, 'wide.csv'), ['date,A,B', ...days.map((day, i) => `${day},${String(100 + i)},${i < 10 ? String(50 + i) : ''}`)].join('\n') + '\n');

async function run(config: unknown) {
  writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(config));
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', 'run', '--config', 'run.json'], io);
  return { code, out: io.out(), err: io.err() };
}

describe('ensemble run notes traded symbols whose data ends before the run', () => {
  it('names the symbol, its last bar and the steps after it', async () => {
    const { code, out } = await run({ data: { file: 'wide.csv' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['A'] }, { id: 'b', strategy: 'buy-and-hold', symbols: ['B'] }] });
    expect(code).toBe(0);
    // B's tenth bar is 2024-01-12; the timeline has ten steps after it, to 2024-01-26.
    expect(out).toContain(
      "note: data ending before the run's last bar (2024-01-26): B (last bar 2024-01-12, 10 steps before the end); a position in it is held at its last close from then on, as after a delisting (it cannot be sold without a bar), and its returns are 0 there",
    );
  });

  it('says nothing when the symbol that ended is not traded, or ends within a few steps of the end', async () => {
    const untraded = await run({ data: { file: 'wide.csv' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['A'] }] });
    expect(untraded.code).toBe(0);
    expect(untraded.out).not.toContain('data ending before');
    // To 2024-01-17: three steps after B's last bar, as a holiday or two at the end would leave.
    const near = await run({ data: { file: 'wide.csv', to: '2024-01-17' }, strategies: [{ id: 'b', strategy: 'buy-and-hold', symbols: ['B'] }, { id: 'a', strategy: 'buy-and-hold', symbols: ['A'] }] });
    expect(near.code).toBe(0);
    expect(near.out).not.toContain('data ending before');
  });

  // Regression: a sleeve holding a symbol whose data ended kept its capital through every later
  // rebalance (transfer-deferred) with nothing said of the share of the book it held.
  it("names the sleeves that end holding such a symbol, with their share of the portfolio", async () => {
    // Sixty weekdays from 2024-01-01; A = 100 + i, B = 50 + i for its first twenty (to 2024-01-26).
    const long: string[] = [];
    for (let day = 0; long.length < 60; day++) {
      const date = new Date(Date.UTC(2024, 0, 1 + day));
      if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6) long.push(date.toISOString().slice(0, 10));
    }
    writeFileSync(path.join(scratch, 'long.csv'), ['date,A,B', ...long.map((day, i) => `${day},${String(100 + i)},${i < 20 ? String(50 + i) : ''}`)].join('\n') + '\n');
    const { code, out } = await run({
      data: { file: 'long.csv' },
      fill: 'close',
      fractional: true,
      allocation: { scheme: 'equal' },
      rebalance: { schedule: 'month' },
      strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['A'] }, { id: 'b', strategy: 'buy-and-hold', symbols: ['B'] }],
    });
    expect(code).toBe(0);
    // By hand: 500 A at 100 and 1,000 B at 50; B's last close 69, A's 159 on the sixtieth bar. The
    // rebalances of February and March defer b: 69,000 of 500 × 159 + 69,000 = 148,500, 46.46 %.
    expect(out).toContain(
      "note: sleeve b ends holding B, whose data ended, with 46.46% of the portfolio: every rebalance after the last bar kept the sleeve's capital as it was (transfer-deferred), whatever its weight asked, so the allocation did not steer that share",
    );
    // The rebalance rows say why b's capital did not move, and the line under the table what that means.
    expect(out).toMatch(/2024-02-01 +month \(deferred: b\) /);
    expect(out).toMatch(/2024-03-01 +month \(deferred: b\) /);
    expect(out).toContain("Events  3 rebalances (2 left a sleeve's capital as it was: 2 deferred) · ");
    expect(out).toContain('deferred: the sleeve held a position that could not trade at the move (its symbol had no bar, or an order of its strategy was waiting), so its capital stayed as it was; the other sleeves shared what was left.');
    // A run that ends on B's last bar: nothing ended, no sleeve named.
    const sold = await run({ data: { file: 'long.csv', to: '2024-01-26' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['A'] }, { id: 'b', strategy: 'buy-and-hold', symbols: ['B'] }] });
    expect(sold.out).not.toContain('whose data ended');
    expect(sold.out).not.toContain('deferred');
  });

  it('in the summary of `ensemble backtest` too', async () => {
    const io = createCapturedIo({ cwd: scratch, env: {} });
    const code = await main(['node', 'ensemble', 'backtest', '--data', 'wide.csv', '--strategy', 'equal-weight'], io);
    expect(code).toBe(0);
    expect(io.out()).toContain("note: data ending before the run's last bar (2024-01-26): B (last bar 2024-01-12, 10 steps before the end)");
  });
});
