import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '@ensemble/protocol';
import { decimalsOf, rangeValues } from './parameter-values';

/** The decimal text of integer `units` scaled down by `decimals` digits, e.g. (3, 1) → "0.3": an independent construction. */
function decimalText(units: number, decimals: number): string {
  const sign = units < 0 ? '-' : '';
  const digits = String(Math.abs(units)).padStart(decimals + 1, '0');
  return decimals === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

describe('rangeValues', () => {
  it('steps by exact decimals, stop included', () => {
    const issues: ConfigIssue[] = [];
    expect(rangeValues({ start: 0.1, stop: 0.5, step: 0.1 }, 'p', issues)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(rangeValues({ start: 5, stop: 50, step: 5 }, 'p', issues)).toHaveLength(10);
    expect(rangeValues({ start: 0, stop: 1, step: 0.3 }, 'p', issues)).toEqual([0, 0.3, 0.6, 0.9]);
    expect(issues).toEqual([]);
  });

  it('names the bad field', () => {
    const issues: ConfigIssue[] = [];
    rangeValues({ start: 1, stop: 5, step: 0 }, 'parameters.2.range', issues);
    rangeValues({ start: 5, stop: 1, step: 1 }, 'parameters.3.range', issues);
    expect(issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'parameters.2.range.step: must be > 0',
      'parameters.3.range.stop: must be ≥ start (5); the range is empty',
    ]);
  });

  it('counts decimals of every printed form', () => {
    expect([decimalsOf(3), decimalsOf(0.25), decimalsOf(1e-7), decimalsOf(1.5e-7), decimalsOf(-2.5)]).toEqual([0, 2, 7, 8, 1]);
  });

  it('every value is the double nearest its decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 6 }), (first, step, steps, decimals) => {
        const start = Number(decimalText(first, decimals));
        const increment = Number(decimalText(step, decimals));
        const stop = Number(decimalText(first + step * steps, decimals));
        const values = rangeValues({ start, stop, step: increment }, 'p', []);
        expect(values).toHaveLength(steps + 1);
        values.forEach((value, i) => {
          expect(value).toBe(Number(decimalText(first + i * step, decimals)));
        });
      }),
      { numRuns: 300 },
    );
  });
});
