import { describe, expect, it } from 'vitest';
import { testRegistry, walkSeries } from '../../test/helpers';
import { runOrchestrator } from '../orchestrator';

describe('rebalance decision', () => {
  it('in shared mode lists only the schedule as a reason: drift bands do not apply to shadow sleeves', () => {
    const series = [walkSeries('AAA', 300, 1, 0.03), walkSeries('BBB', 300, 2, 0.03)];
    const result = runOrchestrator(
      {
        data: { dataset: 'sp500' },
        mode: 'shared',
        rebalance: { schedule: 'month', drift: { absolute: 0.0001 } },
        strategies: [
          { id: 'fast', strategy: 'random-signal', params: { seed: 1 }, symbols: ['AAA', 'BBB'] },
          { id: 'slow', strategy: 'random-signal', params: { seed: 2 }, symbols: ['AAA', 'BBB'] },
        ],
      },
      series,
      { registry: testRegistry },
    );
    const later = result.rebalances.slice(1);
    // About 300 daily bars: a dozen month starts, each a rebalance for the schedule only.
    expect(later.length).toBeGreaterThan(8);
    for (const event of later) expect(event.reasons).toEqual(['schedule']);
  });
});
