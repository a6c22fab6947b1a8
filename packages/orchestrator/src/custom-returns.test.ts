import { RunError, createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { testRegistry, walkSeries } from '../test/helpers';
import type { CustomAllocationInput } from './allocation/schemes';
import type { RunConfigInput } from './config';
import { runOrchestrator } from './orchestrator';

const UP = walkSeries('UP', 160, 3, 0.01, 50);
const DOWN = walkSeries('DN', 160, 4, 0.03, 80);

describe('sleeve returns under a custom scheme', () => {
  it('are the same sleeve by sleeve as bar by bar: a sleeve cut to a millionth of the capital has none measured', () => {
    const config: RunConfigInput = {
      data: { dataset: 'test' },
      allocation: { scheme: 'equal', lookback: 5 },
      rebalance: { schedule: 'month' },
      strategies: [
        { id: 'a', strategy: 'buy-and-hold', symbols: ['UP'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['DN'] },
      ],
    };
    const run = (logged: boolean) => {
      let calls = 0;
      // The first rebalance keeps half each; from the second on, sleeve b gets a millionth.
      const allocate = (): number[] => (calls++ === 0 ? [0.5, 0.5] : [1 - 1e-6, 1e-6]);
      // A logger makes the run step bar by bar; without one the one-symbol sleeves run sleeve by sleeve.
      return runOrchestrator(config, [UP, DOWN], { registry: testRegistry, allocate, ...(logged ? { logger: createMemoryLogger() } : {}) });
    };
    const blocks = run(false);
    const bars = run(true);
    const b = blocks.sleeves[1];
    const initial = b?.equity.equity[0] ?? 0;
    const returns = Array.from(b?.returns ?? []);
    const emptied = Array.from(b?.equity.equity ?? []).flatMap((value, t) => (t > 0 && value < 1e-4 * initial ? [t] : []));
    expect(emptied.length).toBeGreaterThan(50);
    // Worth less than 0.01 % of its start (about 0.11 of 50,000): no return is measured on it.
    for (const t of emptied.slice(1)) expect(returns[t]).toBeNaN();
    expect(returns).toEqual(Array.from(bars.sleeves[1]?.returns ?? []));
    expect(Array.from(blocks.sleeves[0]?.returns ?? [])).toEqual(Array.from(bars.sleeves[0]?.returns ?? []));
  });
});

describe('a custom allocation function that writes to the history it is given', () => {
  const config: RunConfigInput = {
    data: { dataset: 'test' },
    allocation: { scheme: 'equal', lookback: 5 },
    rebalance: { schedule: 'month' },
    strategies: [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['UP'] },
      { id: 'b', strategy: 'buy-and-hold', symbols: ['DN'] },
    ],
  };
  // Its columns are the sleeves' recorded returns: the write would become sleeve b's reported return.
  const allocate = ({ history }: CustomAllocationInput): number[] => {
    const column = history.returns[1] as Float64Array | undefined;
    if (column !== undefined && history.length > 30) column[history.length - 1] = 0.5;
    return [1, 1];
  };

  it.each([false, true])('fails the run naming the sleeve, the bar and both values (logger: %s)', (logged) => {
    const run = () => runOrchestrator(config, [UP, DOWN], { registry: testRegistry, allocate, ...(logged ? { logger: createMemoryLogger() } : {}) });
    let error: unknown;
    try {
      run();
    } catch (caught) {
      error = caught;
    }
    expect(RunError.isInstance(error)).toBe(true);
    const failure = error as RunError;
    expect(failure.what).toBe('custom allocation');
    expect(failure.strategyId).toBe('b');
    expect(failure.message).toMatch(/^The custom allocation function changed the return history it was given: sleeve "b"'s return at \d{4}-\d{2}-\d{2}T00:00:00\.000Z was -?0\.\d+ and is now 0\.5\. /);
    expect(failure.message).toContain('copy a column first');
  });

  it('a function that only reads its history runs, with the returns the sleeves made', () => {
    const reading = ({ history }: CustomAllocationInput): number[] => [1 + (history.returns[0]?.[0] ?? 0), 1];
    const result = runOrchestrator(config, [UP, DOWN], { registry: testRegistry, allocate: reading });
    expect(result.sleeves.map((sleeve) => sleeve.returns.length)).toEqual([160, 160]);
  });
});

// Regression: on a run shorter than the warm-up (63 returns by default) a custom allocation
// function was never called, and nothing said so.
describe('a custom allocation function the warm-up never reaches', () => {
  it('is warned about once, with what to lower', () => {
    const config: RunConfigInput = {
      data: { dataset: 'test' },
      rebalance: { schedule: 'month' },
      strategies: [
        { id: 'a', strategy: 'buy-and-hold', symbols: ['UP'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['DN'] },
      ],
    };
    const series = [walkSeries('UP', 40, 1), walkSeries('DN', 40, 2)];
    let calls = 0;
    const allocate = (): number[] => {
      calls++;
      return [0.5, 0.5];
    };
    const logger = createMemoryLogger();
    runOrchestrator(config, series, { registry: testRegistry, allocate, logger });
    expect(calls).toBe(0);
    const warnings = logger.records.filter((record) => record.fields.event === 'custom-allocation-never-called');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('lower allocation.minHistory (or lookback) to call it sooner');
    // With a warm-up the run reaches, it is called, and nothing is said.
    const called = createMemoryLogger();
    runOrchestrator({ ...config, allocation: { scheme: 'equal', lookback: 5 } }, series, { registry: testRegistry, allocate, logger: called });
    expect(calls).toBeGreaterThan(0);
    expect(called.records.some((record) => record.fields.event === 'custom-allocation-never-called')).toBe(false);
  });
});
