import { describe, expect, it } from 'vitest';
import { isoTime } from './time';

describe('isoTime', () => {
  it('formats epoch ms as ISO 8601 and anything else as its number', () => {
    // 2020-01-02 is day 18263 since 1970-01-01: 18263 × 86 400 000 ms.
    expect(isoTime(18_263 * 86_400_000)).toBe('2020-01-02T00:00:00.000Z');
    expect(isoTime(Number.NaN)).toBe('NaN');
    expect(isoTime(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});
