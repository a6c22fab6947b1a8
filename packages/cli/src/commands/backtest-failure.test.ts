import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StrategyContext, StrategyDefinition } from '@ensemble/protocol';
import type * as Strategies from '@ensemble/strategies';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// The sample strategies never throw, so the registry is extended with one that does: `faulty`
// fails on the 100th bar, as a buggy user strategy would; and with one that cheats: `tamper`
// writes the open of bar 51 through the buffer behind a history view on bar 10.
vi.mock('@ensemble/strategies', async (importOriginal) => {
  const actual = await importOriginal<typeof Strategies>();
  const faulty: StrategyDefinition = {
    ...actual.buyAndHoldDefinition,
    name: 'faulty',
    create: (_params, id) => ({
      kind: 'signal',
      id,
      warmup: 1,
      shouldEnter: (context: StrategyContext) => {
        if (context.index === 99) throw new Error('division by zero in my indicator');
        return null;
      },
      shouldExit: () => false,
    }),
  };
  const tamper: StrategyDefinition = {
    ...actual.buyAndHoldDefinition,
    name: 'tamper',
    create: (_params, id) => ({
      kind: 'signal',
      id,
      warmup: 1,
      shouldEnter: (context: StrategyContext) => {
        if (context.index === 10) {
          const view = context.history('open');
          new Float64Array(view.buffer, view.byteOffset)[51] = 1;
        }
        return context.index === 50 ? { side: 'long' } : null;
      },
      shouldExit: () => false,
    }),
  };
  // Registry strategies whose returned values the engine refuses: their code throws nothing.
  const nanStrength: StrategyDefinition = {
    ...actual.buyAndHoldDefinition,
    name: 'nan-strength',
    create: (_params, id) => ({
      kind: 'signal',
      id,
      warmup: 1,
      shouldEnter: (context: StrategyContext) => (context.index === 99 ? { side: 'long', strength: Number.NaN } : null),
      shouldExit: () => false,
    }),
  };
  const unknownWeight: StrategyDefinition = {
    ...actual.equalWeightDefinition,
    name: 'unknown-weight',
    create: (_params, id) => ({ kind: 'portfolio', id, warmup: 1, rebalance: { kind: 'calendar', period: 'month' }, targetWeights: () => ({ ZZZZ: 1 }) }),
  };
  const extra: Record<string, StrategyDefinition> = { faulty, tamper, 'nan-strength': nanStrength, 'unknown-weight': unknownWeight };
  return { ...actual, getStrategy: (name: string) => extra[name] ?? actual.getStrategy(name) };
});

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-backtest-failure-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('ensemble backtest: a run that fails', () => {
  const files = ['result.json', 'report.html', 'report.md'];
  const args = ['backtest', '--dataset', 'sp500', '--strategy', 'faulty', '--json', 'result.json', '--html', 'report.html', '--md', 'report.md'];

  it('exits 1 naming the strategy, symbol and bar, without a stack trace, and writes no file', async () => {
    const { code, out, err } = await run(args);
    expect(code).toBe(1);
    expect(out).toBe('');
    // Bar index 99 of sp500-2000.csv is 2000-05-24 (line 101 of the file).
    expect(err).toBe('error: Strategy "faulty" failed on SP500 at 2000-05-24: division by zero in my indicator (run with --debug for the stack trace of what the strategy threw)\n');
    for (const file of files) expect(existsSync(path.join(scratch, file))).toBe(false);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('--debug adds the stack trace, and that of what the strategy threw with the line that threw it; still no file', async () => {
    const { code, err } = await run(['--debug', ...args]);
    expect(code).toBe(1);
    expect(err).toMatch(/^error: Strategy "faulty" failed on SP500 at 2000-05-24: division by zero in my indicator\nStrategyError: .*\n\s+at /);
    // The strategy's own frame: this file, the line of `throw new Error('division by zero …')` above.
    expect(err).toMatch(/\nCaused by: Error: division by zero in my indicator\n\s+at (?:Object\.)?shouldEnter \(.*backtest-failure\.test\.ts:23:\d+\)/);
    expect(readdirSync(scratch)).toEqual([]);
  });
});

describe('ensemble backtest: a registry strategy whose returned value the engine refuses', () => {
  it('exits 1 saying what the value must be, without offering the stack of a throw the strategy did not make', async () => {
    const signal = await run(['backtest', '--dataset', 'sp500', '--strategy', 'nan-strength']);
    expect(signal.code).toBe(1);
    expect(signal.err).toBe('error: Strategy "nan-strength" failed on SP500 at 2000-05-24: shouldEnter returned strength NaN; it must be a number within 0..1\n');
    const portfolio = await run(['backtest', '--dataset', 'stocks5', '--strategy', 'unknown-weight']);
    expect(portfolio.code).toBe(1);
    expect(portfolio.err).toBe('error: Strategy "unknown-weight" failed at 2000-01-01: targetWeights returned a weight for "ZZZZ", which is not among the strategy\'s symbols (MSFT, AMZN, IBM, GOOG, AAPL)\n');
    // --debug still prints the stacks, the engine's refusal below its own.
    const debug = await run(['--debug', 'backtest', '--dataset', 'sp500', '--strategy', 'nan-strength']);
    expect(debug.err).toMatch(/\nCaused by: RangeError: shouldEnter returned strength NaN; it must be a number within 0\.\.1\n\s+at /);
    expect(readdirSync(scratch)).toEqual([]);
  });
});

describe('ensemble backtest --check-invariants: a strategy that writes the data', () => {
  it('exits 1 naming the strategy and the changed bar, and writes no file', async () => {
    const { code, out, err } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'tamper', '--check-invariants', '--json', 'result.json']);
    expect(code).toBe(1);
    expect(out).toBe('');
    // Bar 51 of sp500-2000.csv is line 53: 2000-03-16, open 1392.150024.
    expect(err).toBe(
      'error: Strategy "tamper" failed on SP500: changed its input data: open[51] of SP500 (the bar of 2000-03-16) was 1392.150024 and is now 1. Bars are read-only: never write to a ctx.history() or ctx.indicatorHistory() view or to its buffer\n',
    );
    expect(readdirSync(scratch)).toEqual([]);
  });
});
