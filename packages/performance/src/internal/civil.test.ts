import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthIndexOf, monthStartMs } from './civil';

const YEAR_MS = 365.2425 * 86_400_000;

describe('civil calendar arithmetic', () => {
  it('agrees with Date on the UTC month of any time from 1600 to 2600', () => {
    fc.assert(
      fc.property(fc.integer({ min: Math.round(-370 * YEAR_MS), max: Math.round(630 * YEAR_MS) }), (time) => {
        const date = new Date(time);
        expect(monthIndexOf(time)).toBe(date.getUTCFullYear() * 12 + date.getUTCMonth());
        const start = monthStartMs(monthIndexOf(time));
        expect(start).toBe(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
        expect(start).toBeLessThanOrEqual(time);
      }),
    );
  });

  it('handles month and year edges', () => {
    expect(monthIndexOf(Date.UTC(2020, 1, 29, 23, 59, 59, 999))).toBe(2020 * 12 + 1);
    expect(monthIndexOf(Date.UTC(2020, 2, 1))).toBe(2020 * 12 + 2);
    expect(monthIndexOf(Date.UTC(1969, 11, 31, 23))).toBe(1969 * 12 + 11);
    expect(monthStartMs(2021 * 12 + 12)).toBe(Date.UTC(2022, 0, 1));
    expect(monthStartMs(0)).toBe(-62_167_219_200_000); // 0000-01-01
  });
});
