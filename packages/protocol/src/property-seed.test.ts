import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('property tests in pnpm test', () => {
  it('draw from one fixed seed (ENSEMBLE_FC_SEED, or the shared default)', () => {
    const fromEnvironment = process.env.ENSEMBLE_FC_SEED;
    const expected = fromEnvironment === undefined || fromEnvironment === '' ? 20_261_203 : Number(fromEnvironment);
    expect(fc.readConfigureGlobal().seed).toBe(expected);
  });

  it('give the same cases on every run', () => {
    const draw = () => {
      const seen: number[] = [];
      fc.assert(
        fc.property(fc.integer(), (value) => {
          seen.push(value);
        }),
        { numRuns: 20 },
      );
      return seen;
    };
    expect(draw()).toEqual(draw());
  });
});
