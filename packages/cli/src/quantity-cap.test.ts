import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { createCapturedIo } from './io';

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-quantity-cap-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// Ten daily bars of a token priced at 1e-12, the smallest price the loaders take.
const rows = Array.from({ length: 10 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},1e-12,1e-12,1e-12,1e-12,0`);
writeFileSync(path.join(scratch, 'dust.csv'), ['date,open,high,low,close,volume', ...rows].join('\n') + '\n');
writeFileSync(path.join(scratch, 'run.json'), JSON.stringify({ data: { file: 'dust.csv' }, cash: 1_000_000, strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['dust'] }] }));

async function cli(args: string[]) {
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

// 1,000,000 of cash at 1e-12 asks for 1e18 units; the engine sizes at most 2^53 − 1 =
// 9,007,199,254,740,991 of them, worth 9,007,199,254,740,991 × 1e-12 = 9,007.20: the rest stays in
// cash, and the order counts (1 filled, none shrunk) did not say so: they count it now.
const NOTE = 'note: 1 order (dust on 2024-01-02 at 0.000000000001000, worth 9,007.20) reached 9,007,199,254,740,991 units (2^53 − 1, the most the engine sizes in whole units: whole numbers stop being exact above it), so it traded less than its sizing asked.';

describe('an order capped at the largest quantity is noted', () => {
  it('in the summary of `ensemble backtest`', async () => {
    const { code, out } = await cli(['backtest', '--data', 'dust.csv', '--strategy', 'buy-and-hold', '--cash', '1000000']);
    expect(code).toBe(0);
    expect(out).toContain('orders     1 filled (1 at the quantity cap) · 0 shrunk · 0 rejected · 0 dropped (--log-level warn logs each capped, shrunk or rejected order)');
    expect(out).toContain(NOTE);
    expect(out).toContain('Quote prices this small per million units');
    expect(out).toContain('as they do in fractional units (--fractional), which are not capped');
    // Cash less what the order spent: 1,000,000 − 9,007.20.
    expect(out).toContain('cash 990,992.80');
  });

  it('in the summary of `ensemble run`', async () => {
    const { code, out } = await cli(['run', '--config', 'run.json']);
    expect(code).toBe(0);
    expect(out).toContain('1 filled (1 at the quantity cap) · 0 shrunk');
    expect(out).toContain(NOTE);
    expect(out).toContain('("fractional": true)');
  });

  it('in the JSON result, as orders.capped', async () => {
    const { code, out } = await cli(['backtest', '--data', 'dust.csv', '--strategy', 'buy-and-hold', '--cash', '1000000', '--json', '-']);
    expect(code).toBe(0);
    expect(JSON.parse(out).orders).toEqual({ filled: 1, shrunk: 0, rejected: 0, dropped: 0, capped: 1 });
  });

  it('not with fractional units, which are not capped: all 1,000,000 is spent on 1e18 units', async () => {
    const { code, out } = await cli(['backtest', '--data', 'dust.csv', '--strategy', 'buy-and-hold', '--cash', '1000000', '--fractional']);
    expect(code).toBe(0);
    expect(out).toContain('orders     1 filled · 0 shrunk · 0 rejected · 0 dropped');
    expect(out).not.toContain('quantity cap');
    expect(out).toContain('cash 0.00');
  });

  it('not when the order fits: 1,000 of cash buys 1e15 units in full', async () => {
    const { code, out } = await cli(['backtest', '--data', 'dust.csv', '--strategy', 'buy-and-hold', '--cash', '1000']);
    expect(code).toBe(0);
    expect(out).not.toContain('the most the engine sizes');
    expect(out).toContain('cash 0.00');
  });
});
