import { describe, expect, it } from 'vitest';
import { failedResult } from '../job/run-research-job';
import { sweepStatistics } from './sweep-statistics';
import type { Trial } from './sweep-statistics';

describe('sweepStatistics', () => {
  it('says in plain words why a statistic is missing, not as a configuration error', () => {
    // Three combinations that all timed out: no objective anywhere.
    const trials: Trial[] = [5, 10, 15].map((fast, index) => ({
      index,
      parameters: { fast },
      objective: null,
      result: failedResult(index, new Error('the job ran longer than 10 ms'), 'timed-out'),
    }));
    const statistics = sweepStatistics(trials, null, { blocks: 16, direction: 'max', dimensions: { fast: [5, 10, 15] } });
    expect(statistics.stability).toBeNull();
    expect(statistics.notes).toEqual([
      'deflatedSharpe: no combination has an objective value',
      'pbo: needs at least 2 finished combinations',
      'stability: no point has a finite objective (3 points): there is no best point to assess',
    ]);
  });

  it('numbers the stability\'s best point and neighbours by combination index, not by position among the trials', () => {
    // fast 5, 10, 15 × slow 50, 100 (index = 2 × fast's position + slow's); a constraint left out
    // combinations 0 and 1 (fast = 5), so the trials are combinations 2–5 at positions 0–3.
    const objectives: [number, number, number][] = [
      [2, 10, 50],
      [3, 10, 100],
      [4, 15, 50],
      [5, 15, 100],
    ];
    const sharpe = [0.4, 0.9, 0.5, 0.7];
    const trials: Trial[] = objectives.map(([index, fast, slow], position) => ({
      index,
      parameters: { fast, slow },
      objective: sharpe[position] ?? null,
      result: { index, status: 'ok', metrics: null, periodReturns: Float64Array.from([0.01, -0.02, 0.015, 0.003 * (position + 1)]) },
    }));
    const statistics = sweepStatistics(trials, trials[1] ?? null, { blocks: 2, direction: 'max', dimensions: { fast: [5, 10, 15], slow: [50, 100] } });
    // Expected from an independent recomputation (best (10, 100); neighbours (10, 50), (15, 50),
    // (15, 100); (5, 50) and (5, 100) missing): combinations 3 and 2, 4, 5 — positions 1 and 0, 2, 3.
    expect(statistics.stability?.best).toEqual({ index: 3, params: { fast: 10, slow: 100 }, objective: 0.9 });
    expect(statistics.stability?.neighbours.map((neighbour) => [neighbour.index, neighbour.params])).toEqual([
      [2, { fast: 10, slow: 50 }],
      [4, { fast: 15, slow: 50 }],
      [5, { fast: 15, slow: 100 }],
    ]);
    expect(statistics.stability?.missingNeighbours).toBe(2);
    expect(statistics.stability?.stability).toBeCloseTo(0.2666666666666666, 14);
  });
});
