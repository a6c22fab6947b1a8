import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT, MAX_PERIODS_PER_YEAR, MAX_QUANTITY, MIN_CASH, MIN_PERIODS_PER_YEAR, MIN_PRICE, STRATEGY_ID_PATTERN, periodsPerYearProblem, symbolProblem } from './limits';

describe('limits', () => {
  it('keeps currency amounts exact to the cent: below 2^46 the spacing of doubles is under 0.01', () => {
    // The gap between MAX_AMOUNT and the next double, from its exponent: 2^(43 − 52) ≈ 0.00195.
    expect(2 ** Math.floor(Math.log2(MAX_AMOUNT)) * Number.EPSILON).toBeLessThan(0.01);
    expect(MAX_AMOUNT).toBeLessThan(2 ** 46);
    expect(MAX_QUANTITY + 1).not.toBe(MAX_QUANTITY);
    expect(MAX_QUANTITY + 1).toBe(2 ** 53);
  });

  it('takes a cash of at least a cent: the dust floor of 1e-10 is then at most a hundred-millionth of it', () => {
    expect(MIN_CASH).toBe(0.01);
    expect(1e-10 / MIN_CASH).toBeLessThanOrEqual(1e-8);
    // A cent still buys ten billion units at the smallest price, below the largest quantity.
    expect(MIN_CASH / MIN_PRICE).toBeCloseTo(1e10, 0);
    expect(MIN_CASH / MIN_PRICE).toBeLessThan(MAX_QUANTITY);
  });

  it('accepts ids of letters, digits, ".", "_" and "-", 1–64 characters, starting with a letter or digit', () => {
    for (const id of ['a', 'momentum-fast', 'sma_50.200', 'A1', 'x'.repeat(64)]) expect(STRATEGY_ID_PATTERN.test(id)).toBe(true);
    for (const id of ['', '-a', '.a', 'a b', 'a/b', 'a\u001b[2J', 'a\u0000', 'x'.repeat(65), 'é']) expect(STRATEGY_ID_PATTERN.test(id)).toBe(false);
  });

  it('accepts printable symbols up to 64 characters and names what is wrong with others', () => {
    expect(symbolProblem('BRK.B')).toBeNull();
    expect(symbolProblem('S&P 500')).toBeNull();
    expect(symbolProblem('^GSPC')).toBeNull();
    expect(symbolProblem('')).toContain('empty');
    expect(symbolProblem('x'.repeat(65))).toContain('65 characters');
    expect(symbolProblem('AB\u001b[2J')).toContain('control characters');
    expect(symbolProblem('A\u202eB')).toContain('control characters');
  });

  it('takes periods per year from one bar a century to one bar a millisecond of a 365-day year', () => {
    expect(MIN_PERIODS_PER_YEAR).toBe(0.01);
    expect(MAX_PERIODS_PER_YEAR).toBe(31_536_000_000); // 365 × 24 × 3,600 × 1,000
    for (const value of [0.01, 1, 12, 52, 252, 365, 98_280, 31_536_000_000]) expect(periodsPerYearProblem(value)).toBeNull();
    for (const value of [0, -252, 0.0099, 1e-300, 31_536_000_001, 1e300, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(periodsPerYearProblem(value)).toContain('from 0.01 (a bar a century) to 31,536,000,000');
    }
  });
});
