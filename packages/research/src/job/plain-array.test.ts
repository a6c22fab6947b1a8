import { describe, expect, it } from 'vitest';
import { plainArray } from './plain-array';

describe('plainArray', () => {
  it('copies a typed array, or its tail, into a plain array', () => {
    const values = new Float64Array([1, -0, Number.NaN, 4]);
    expect(plainArray(values)).toEqual([1, -0, Number.NaN, 4]);
    expect(Array.isArray(plainArray(values))).toBe(true);
    expect(plainArray(values, 2)).toEqual([Number.NaN, 4]);
    expect(plainArray(values, 9)).toEqual([]);
    expect(plainArray([5, 6], 0)).toEqual([5, 6]);
  });
});
