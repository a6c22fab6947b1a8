import { describe, expect, it } from 'vitest';
import { MAX_PERIODS_PER_YEAR, MIN_PERIODS_PER_YEAR, PeriodsPerYearSchema, periodsPerYearProblem } from './periods-per-year';

describe('periods per year', () => {
  it('accepts one period a year up to one a millisecond', () => {
    for (const value of [MIN_PERIODS_PER_YEAR, 4, 12, 52, 252, 365, 98_280, MAX_PERIODS_PER_YEAR]) {
      expect(periodsPerYearProblem(value)).toBeNull();
      expect(PeriodsPerYearSchema.parse(value)).toBe(value);
    }
    expect(MAX_PERIODS_PER_YEAR).toBe(31_557_600_000);
  });

  it('refuses values outside the range, NaN and infinities, naming the range and the value', () => {
    for (const value of [0, -1, 0.5, 1e-300, 1e300, MAX_PERIODS_PER_YEAR * 1.0001, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(periodsPerYearProblem(value)).toMatch(/^must be from 1 \(yearly bars\) to 31557600000 \(one a millisecond\); 252 for daily bars, got /);
    }
    expect(periodsPerYearProblem(1e300)).toContain('got 1e+300');
    for (const value of [0.5, 1e300]) {
      const result = PeriodsPerYearSchema.safeParse(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe(periodsPerYearProblem(value));
    }
  });
});
