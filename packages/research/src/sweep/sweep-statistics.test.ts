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
});
