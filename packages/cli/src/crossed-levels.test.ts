import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { createCapturedIo } from './io';

// Regression: a long entered with its stop-loss above the price exits at the first check of its
// levels; a strategy that did so at every entry lost 18 % to round-trip costs, and only
// --log-level warn said why.

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-crossed-levels-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// Twelve daily bars at 100 (open = close): a long entered at every flat bar, its stop-loss at 101.
const rows = Array.from({ length: 12 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},100,100,100,100,0`);
writeFileSync(path.join(scratch, 'flat.csv'), ['date,open,high,low,close,volume', ...rows].join('\n') + '\n');
writeFileSync(
  path.join(scratch, 'above.mjs'),
  `import { z } from 'zod';
export default {
  name: 'stop-above',
  kind: 'signal',
  description: 'a long whose stop-loss sits above the price',
  schema: z.strictObject({}),
  create: (_params, id) => ({ id, warmup: 1, shouldEnter: () => ({ side: 'long', stopLoss: 101 }), shouldExit: () => false }),
};
`,
);
writeFileSync(path.join(scratch, 'run.json'), JSON.stringify({ data: { file: 'flat.csv' }, strategies: [{ id: 'above', strategy: './above.mjs', symbols: ['flat'] }, { id: 'hold', strategy: 'buy-and-hold', symbols: ['flat'] }] }));

async function cli(args: string[]) {
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('entries whose stop-loss or take-profit is already reached at the fill are counted and noted', () => {
  it('in `ensemble backtest`, its JSON result and `ensemble run`', async () => {
    const backtest = await cli(['backtest', '--data', 'flat.csv', '--strategy', './above.mjs']);
    expect(backtest.err).toBe('');
    expect(backtest.code).toBe(0);
    // Decided at bar 0, entered at bar 1's open and stopped at the same open (100 ≤ 101), every
    // bar after: entries at the opens of bars 1 to 11.
    expect(backtest.out).toContain(
      "note: 11 entries filled with their stop-loss or take-profit already reached at the fill price, so each exited at the first check of its levels, paying costs both ways: a long's stop-loss goes below the price and its take-profit above, a short's the reverse (--log-level warn logs each)",
    );
    const json = await cli(['backtest', '--data', 'flat.csv', '--strategy', './above.mjs', '--json', '-']);
    expect((JSON.parse(json.out) as { orders: { levelsCrossed?: number } }).orders.levelsCrossed).toBe(11);
    const run = await cli(['run', '--config', 'run.json']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('note: 11 entries filled with their stop-loss or take-profit already reached');
    const hold = await cli(['backtest', '--data', 'flat.csv', '--strategy', 'buy-and-hold']);
    expect(hold.out).not.toContain('already reached');
  });
});
