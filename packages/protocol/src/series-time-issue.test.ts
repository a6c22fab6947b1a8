import { describe, expect, it } from 'vitest';
import { barSeriesFromCloses, seriesTimeIssue } from './bars';

describe('seriesTimeIssue', () => {
  it('names the first bar whose time is not finite or not after the previous one', () => {
    expect(seriesTimeIssue(barSeriesFromCloses('A', [1, 2, 3], [10, 11, 12]), 0)).toBeNull();
    expect(seriesTimeIssue(barSeriesFromCloses('A', [1, 3, 3, 2], [10, 11, 12, 13]), 4)).toEqual({
      path: 'series.4.time.2',
      message: 'times of A must be finite and strictly increasing (bar 2 is 3); load data through @ensemble/data',
    });
    expect(seriesTimeIssue(barSeriesFromCloses('B', [Number.NaN], [10]), 1)?.path).toBe('series.1.time.0');
  });
});
