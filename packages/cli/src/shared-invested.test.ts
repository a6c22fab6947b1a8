import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { createCapturedIo } from './io';
import { spawnCli } from './testing/spawn-cli';

// Regression: shared mode took a cash buffer, fixed weights summing below 1 and a leverage above
// 1, printed them in the summary, gave the shadows their share — and invested the shared account
// fully all the same (a buffer of 50 % bought with all of the cash).

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-shared-invested-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

writeFileSync(
  path.join(scratch, 'a.csv'),
  ['symbol,date,open,high,low,close,volume', 'AAA,2024-01-01,100,100,100,100,0', 'AAA,2024-01-02,110,120,100,120,0', 'AAA,2024-01-03,120,130,110,125,0', 'AAA,2024-01-04,100,110,90,100,0'].join('\n') + '\n',
);

async function run(allocation: unknown) {
  const config = {
    data: { file: 'a.csv' },
    mode: 'shared',
    fractional: true,
    allocation,
    rebalance: { schedule: 'never' },
    strategies: [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['AAA'] },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['AAA'] },
    ],
  };
  writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(config));
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', 'run', '--config', 'run.json', '--no-progress'], io);
  return { code, out: io.out(), err: io.err() };
}

describe('ensemble run, shared mode, part of the capital in cash', () => {
  it('invests the target weights’ sum and says so', async () => {
    const { code, out } = await run({ scheme: 'equal', cashBuffer: 0.5 });
    expect(code).toBe(0);
    expect(out).toContain("the policy's target × equity × the target weights' sum (the rest stays in cash) / 1");
    // 500 units sized at the first close (half of 100,000 at 100), bought at 110, worth 100 at the end: 95,000.
    expect(out).toMatch(/Total return\s+-5\.00%/);
    const full = await run({ scheme: 'equal' });
    expect(full.code).toBe(0);
    expect(full.out).not.toContain('target weights');
    // The whole slot: 1,000 units, shrunk to the 909.09 the cash pays at 110: 90,909.09.
    expect(full.out).toMatch(/Total return\s+-9\.09%/);
  });

  it('says so too when a rebalance left a fixed weight in cash (an isolated sleeve\'s)', async () => {
    writeFileSync(path.join(scratch, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      path.join(scratch, 'thrower.ts'),
      [
        "import { defineStrategy } from '@ensemble/protocol';",
        "import { z } from 'zod';",
        'export default defineStrategy({',
        "  name: 'thrower', kind: 'signal', description: 'Throws on its second bar.', params: z.strictObject({}),",
        "  create: () => ({ warmup: 1, shouldEnter: (ctx) => { if (ctx.index === 1) throw new Error('boom'); return null; }, shouldExit: () => false }),",
        '});',
      ].join('\n'),
    );
    writeFileSync(
      path.join(scratch, 'isolate.json'),
      JSON.stringify({
        data: { file: 'a.csv' },
        mode: 'shared',
        fractional: true,
        errorPolicy: 'isolate',
        allocation: { scheme: 'fixed' },
        rebalance: { schedule: { everyBars: 1 } },
        strategies: [
          { id: 'a', strategy: 'buy-and-hold', symbols: ['AAA'], weight: 0.5 },
          { id: 'b', strategy: './thrower.ts', symbols: ['AAA'], weight: 0.5 },
        ],
      }),
    );
    const { code, out } = await spawnCli(['run', '--config', 'isolate.json', '--no-progress'], { cwd: scratch });
    expect(code).toBe(0);
    // b is isolated on its second bar; the next rebalance keeps its 0.5 in cash (targets sum to 0.5).
    expect(out).toContain("the policy's target × equity × the target weights' sum (the rest stays in cash) / 1");
  });

  it('refuses a leverage above 1, naming the field', async () => {
    const { code, err } = await run({ scheme: 'equal', leverage: 2 });
    expect(code).toBe(2);
    expect(err).toContain('allocation.leverage: applies to mode "sleeves" only');
  });
});
