import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToDoubles, doublesToBytes } from './raw-doubles';

describe('doublesToBytes / bytesToDoubles', () => {
  it('give back every double bit for bit (-0, NaN, extremes), from arrays and typed arrays alike', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 200 }), (values) => {
        const bytes = doublesToBytes(values);
        expect(bytes.length).toBe(values.length * 8);
        expect(doublesToBytes(new Float64Array(values))).toEqual(bytes);
        const back = bytesToDoubles(bytes);
        expect(back).toHaveLength(values.length);
        back.forEach((value, i) => {
          expect(Object.is(value, values[i])).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('writes little-endian doubles and reads them at any byte offset', () => {
    expect(Buffer.from(doublesToBytes([0.25])).toString('hex')).toBe('000000000000d03f');
    const shifted = new Uint8Array(19);
    shifted.set(doublesToBytes([0.25, -0]), 3);
    const back = bytesToDoubles(shifted.subarray(3));
    expect(back).toEqual(new Float64Array([0.25, -0]));
    // Its own buffer, not a view of the bytes' (possibly pooled, larger) one.
    expect(back.buffer).not.toBe(shifted.buffer);
    expect(back.buffer.byteLength).toBe(16);
  });
});
