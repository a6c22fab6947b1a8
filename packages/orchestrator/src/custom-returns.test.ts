import { createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { testRegistry, walkSeries } from '../test/helpers';
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
