import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planSweepFile } from './sweep/sweep-plan';
import { planWalkForwardFile } from './walk-forward/walk-forward-plan';

const example = (name: string): string => fileURLToPath(new URL(`../../../examples/research/${name}`, import.meta.url));

// The README runs these specs; planning validates them whole (spec, base config, data, parameters).
describe('examples/research', () => {
  it('plans the sweep example: 40 combinations, 2 skipped by "fast < slow"', async () => {
    const plan = await planSweepFile(example('sp500-sweep.json'));
    expect(plan.jobs).toHaveLength(38);
    expect(plan.gridSize).toBe(40);
    expect(plan.skipped).toBe(2);
  });

  it('plans the walk-forward example: 12 combinations over rolling 3-year/1-year windows', async () => {
    const plan = await planWalkForwardFile(example('sp500-walk-forward.json'));
    expect(plan.gridSize).toBe(12);
    expect(plan.windows.length).toBe(18);
  });
});
