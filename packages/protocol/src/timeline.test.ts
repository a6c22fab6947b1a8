import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

describe('createTimeline against a sort-based reference', () => {
  function reference(series: readonly { time: Float64Array }[]): { time: number[]; barIndex: number[][] } {
    const time = [...new Set(series.flatMap((s) => Array.from(s.time)))].sort((a, b) => a - b);
    return { time, barIndex: series.map((s) => time.map((t) => Array.from(s.time).indexOf(t))) };
  }

  it('gives the union of times and every symbol index, aligned or not', () => {
    const timesArb = fc.array(
      fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 60 }).map((t) => t.sort((a, b) => a - b)),
      { minLength: 1, maxLength: 7 },
    );
    fc.assert(
      fc.property(timesArb, fc.boolean(), (times, aligned) => {
        const columns = aligned ? times.map(() => times[0] ?? []) : times;
        const series = columns.map((t, k) => barSeriesFromCloses(`S${k}`, t, t.map((x) => x + 1)));
        const timeline = createTimeline(series);
        const expected = reference(series);
        expect(Array.from(timeline.time)).toEqual(expected.time);
        expect(timeline.length).toBe(expected.time.length);
        expect(timeline.barIndex.map((m) => Array.from(m))).toEqual(expected.barIndex);
      }),
      { numRuns: 300 },
    );
  });

  it('owns its memory', () => {
    const a = barSeriesFromCloses('A', [1, 2, 3], [1, 1, 1]);
    const timeline = createTimeline([a]);
    timeline.time[0] = 99;
    expect(a.time[0]).toBe(1);
  });
});
