import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from './suggest';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps (worked by hand)', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('month', 'month')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('monthly', 'month')).toBe(2); // two deletions
    expect(editDistance('kitten', 'sitting')).toBe(3); // k→s, e→i, +g
    expect(editDistance('sharpe', 'sahrpe')).toBe(1); // one swap of neighbours
    expect(editDistance('ca', 'abc')).toBe(3); // optimal string alignment, not unrestricted Damerau (2)
  });

  it('is symmetric', () => {
    for (const [a, b] of [['week', 'weak'], ['quarter', 'qaurter'], ['abc', '']] as const) {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
    }
  });
});

describe('closestMatch', () => {
  const periods = ['never', 'week', 'month', 'quarter', 'year'];

  it('finds a near miss, ignoring case', () => {
    expect(closestMatch('monthly', periods)).toBe('month');
    expect(closestMatch('Quater', periods)).toBe('quarter');
    expect(closestMatch('yaer', periods)).toBe('year');
  });

  it('finds the only candidate the input contains or is part of', () => {
    expect(closestMatch('inverse-vol', ['equal', 'fixed', 'inverse-volatility', 'risk-parity'])).toBe('inverse-volatility');
  });

  it('gives nothing when no candidate is close or several are equally related', () => {
    expect(closestMatch('daily', periods)).toBeUndefined();
    expect(closestMatch('', periods)).toBeUndefined();
    expect(closestMatch('sma', ['sma-crossover', 'sma-ribbon'])).toBeUndefined();
  });

  it('prefers the smaller distance, then the earlier candidate', () => {
    expect(closestMatch('fast', ['slow', 'fist', 'fast2'])).toBe('fist');
    expect(closestMatch('ab', ['ax', 'ay'])).toBe('ax');
  });
});
