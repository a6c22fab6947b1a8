import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OrchestratorResultJson } from '@ensemble/orchestrator';
import type { StrategyContext, StrategyDefinition } from '@ensemble/protocol';
import type * as Strategies from '@ensemble/strategies';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// The sample strategies never throw, so the registry gets one that does: `faulty` buys on the
// 11th bar and fails on the 100th while deciding whether to exit, as a buggy user strategy would.
vi.mock('@ensemble/strategies', async (importOriginal) => {
  const actual = await importOriginal<typeof Strategies>();
  const faulty: StrategyDefinition = {
    ...actual.buyAndHoldDefinition,
    name: 'faulty',
    create: (_params, id) => ({
      kind: 'signal',
      id,
      warmup: 1,
      shouldEnter: (context: StrategyContext) => (context.index === 10 ? { side: 'long' } : null),
      shouldExit: (context: StrategyContext) => {
        if (context.index === 99) throw new Error('division by zero in my indicator');
        return false;
      },
    }),
  };
  return { ...actual, strategyRegistry: { ...actual.strategyRegistry, faulty } };
});

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-run-failure-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  for (const file of readdirSync(scratch)) rmSync(path.join(scratch, file), { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

function config(errorPolicy: 'fail' | 'isolate') {
  return {
    name: 'A buggy strategy next to a sound one',
    data: { dataset: 'sp500', to: '2001-12-31' },
    errorPolicy,
    strategies: [
      { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
      { id: 'buggy', strategy: 'faulty', symbols: ['SP500'] },
    ],
  };
}

const outputs = ['--json', 'result.json', '--md', 'report.md', '--html', 'report.html'];

describe('ensemble run: a strategy that throws', () => {
  it('errorPolicy "fail": exits 1 naming the strategy, symbol and date, without a stack trace, and writes no file', async () => {
    writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(config('fail')));
    const { code, out, err } = await run(['run', '--config', 'run.json', ...outputs]);
    expect(code).toBe(1);
    expect(out).toBe('');
    // Bar index 99 of sp500-2000.csv is 2000-05-24 (line 101 of the file).
    expect(err).toBe('error: Strategy "buggy" failed on SP500 at 2000-05-24: division by zero in my indicator (run with --debug for the stack trace of what the strategy threw)\n');
    expect(readdirSync(scratch)).toEqual(['run.json']);
  });

  it('--debug adds the stack trace; still no file', async () => {
    writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(config('fail')));
    const { code, err } = await run(['--debug', 'run', '--config', 'run.json', ...outputs]);
    expect(code).toBe(1);
    expect(err).toMatch(/\n\s+at /);
    expect(readdirSync(scratch)).toEqual(['run.json']);
  });

  it('errorPolicy "isolate": the run goes on, the summary, JSON and reports name the isolated sleeve', async () => {
    writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(config('isolate')));
    const { code, out, err } = await run(['run', '--config', 'run.json', ...outputs]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('1 isolated strategy');
    expect(out).toContain('\n  isolated: Strategy "buggy" failed on SP500 at 2000-05-24: division by zero in my indicator\n');
    expect(out).toMatch(/^\s+metric\s+portfolio\s+hold\s+buggy \(isolated\)$/m);
    const result = JSON.parse(readFileSync(path.join(scratch, 'result.json'), 'utf8')) as OrchestratorResultJson;
    expect(result.isolated).toEqual([expect.objectContaining({ strategyId: 'buggy', symbol: 'SP500', time: '2000-05-24' })]);
    const isolatedSleeve = result.sleeves.find((sleeve) => sleeve.id === 'buggy');
    expect(isolatedSleeve?.isolated).toBe(true);
    // Its position was closed out at the next fill (reason "isolate").
    expect(isolatedSleeve?.fills.at(-1)).toMatchObject({ reason: 'isolate', side: 'sell', time: '2000-05-25' });
    const html = readFileSync(path.join(scratch, 'report.html'), 'utf8');
    expect(html).toContain('division by zero in my indicator');
    expect(readdirSync(scratch).sort()).toEqual(['report.html', 'report.md', 'result.json', 'run.json']);
  });
});
