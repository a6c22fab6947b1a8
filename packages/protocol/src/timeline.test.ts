import { describe, expect, it } from 'vitest';
import { barSeriesFromCloses } from './bars';
import { createTimeline } from './timeline';

describe('createTimeline', () => {
  it('merges timestamps and maps each symbol to its bar index or -1', () => {
    const a = barSeriesFromCloses('A', [1, 2, 4], [10, 11, 12]);
    const b = barSeriesFromCloses('B', [2, 3, 4, 5], [20, 21, 22, 23]);
    const timeline = createTimeline([a, b]);
    expect(Array.from(timeline.time)).toEqual([1, 2, 3, 4, 5]);
    expect(timeline.symbols).toEqual(['A', 'B']);
    expect(Array.from(timeline.barIndex[0] ?? [])).toEqual([0, 1, -1, 2, -1]);
    expect(Array.from(timeline.barIndex[1] ?? [])).toEqual([-1, 0, 1, 2, 3]);
  });

  it('handles no series and empty series', () => {
    expect(createTimeline([]).length).toBe(0);
    const timeline = createTimeline([barSeriesFromCloses('A', [], [])]);
    expect(timeline.length).toBe(0);
  });

  it('rejects a symbol given twice', () => {
    const a = barSeriesFromCloses('A', [1], [1]);
    expect(() => createTimeline([a, a])).toThrow('symbol "A" appears twice');
  });
});
