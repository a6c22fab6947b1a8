import { barSeriesFromCloses, createTimeline } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeTimeline } from './timeline';

/** Sorted unique integer "times" per series. */
const timesArb = fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 60 }).map((t) => t.sort((a, b) => a - b)), {
  minLength: 1,
  maxLength: 7,
});

describe('mergeTimeline', () => {
  it('gives exactly the protocol createTimeline', () => {
    fc.assert(
      fc.property(timesArb, fc.boolean(), (times, aligned) => {
        const columns = aligned ? times.map(() => times[0] ?? []) : times;
        const series = columns.map((t, k) => barSeriesFromCloses(`S${k}`, t, t.map((x) => x + 1)));
        const merged = mergeTimeline(series);
        const reference = createTimeline(series);
        expect(merged.length).toBe(reference.length);
        expect(Array.from(merged.time)).toEqual(Array.from(reference.time));
        expect(merged.symbols).toEqual(reference.symbols);
        expect(merged.barIndex.map((m) => Array.from(m))).toEqual(reference.barIndex.map((m) => Array.from(m)));
      }),
      { numRuns: 300 },
    );
  });

  it('owns its memory and rejects duplicate symbols', () => {
    const a = barSeriesFromCloses('A', [1, 2, 3], [1, 1, 1]);
    const merged = mergeTimeline([a]);
    merged.time[0] = 99;
    expect(a.time[0]).toBe(1);
    expect(() => mergeTimeline([a, a])).toThrow(/twice/);
  });
});
