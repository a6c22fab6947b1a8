import { describe, expect, it } from 'vitest';
import { barTime, isoTime } from './time';

describe('isoTime', () => {
  it('formats epoch ms as ISO 8601 and anything else as its number', () => {
    // 2020-01-02 is day 18263 since 1970-01-01: 18263 × 86 400 000 ms.
    expect(isoTime(18_263 * 86_400_000)).toBe('2020-01-02T00:00:00.000Z');
    expect(isoTime(Number.NaN)).toBe('NaN');
    expect(isoTime(Number.POSITIVE_INFINITY)).toBe('Infinity');
    // Beyond what a Date holds (±8.64e15 ms) toISOString throws: the number, as for any other non-time.
    expect(isoTime(8.64e15)).toBe('+275760-09-13T00:00:00.000Z');
    expect(isoTime(8.64e15 + 1)).toBe('8640000000000001');
    expect(isoTime(-1e20)).toBe('-100000000000000000000');
  });
});

describe('barTime', () => {
  it('says a bar at midnight UTC by its date and any other by its date and time', () => {
    expect(barTime(Date.UTC(2000, 6, 13))).toBe('2000-07-13');
    expect(barTime(Date.UTC(2024, 2, 1, 14, 30))).toBe('2024-03-01T14:30:00.000Z');
    expect(barTime(Date.UTC(1969, 11, 31))).toBe('1969-12-31');
    expect(barTime(Date.UTC(1969, 11, 31, 23, 59))).toBe('1969-12-31T23:59:00.000Z');
    expect(barTime(Number.NaN)).toBe('NaN');
    expect(barTime(1e20)).toBe('100000000000000000000');
  });
});
