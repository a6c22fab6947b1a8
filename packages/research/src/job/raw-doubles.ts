import { plainArray } from './plain-array';

/** Whether this machine stores doubles little-endian (then a `Float64Array`'s bytes are the raw form as they are). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/**
 * `values` as raw little-endian doubles, 8 bytes each: every bit kept (-0, NaN), no text
 * conversion. On a little-endian machine a `Float64Array` is returned as a view of its own bytes,
 * anything else copied once; not a call per value.
 */
export function doublesToBytes(values: ArrayLike<number>): Uint8Array {
  const doubles = values instanceof Float64Array ? values : new Float64Array(values);
  if (LITTLE_ENDIAN) return new Uint8Array(doubles.buffer, doubles.byteOffset, doubles.byteLength);
  const bytes = new Uint8Array(doubles.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < doubles.length; i++) view.setFloat64(i * 8, doubles[i] ?? Number.NaN, true);
  return bytes;
}

/** Raw little-endian doubles (a multiple of 8 bytes, at any byte offset) as a plain array: one block copy into an aligned buffer, then an indexed copy. */
export function bytesToDoubles(bytes: Uint8Array): number[] {
  const doubles = new Float64Array(Math.floor(bytes.length / 8));
  if (LITTLE_ENDIAN) new Uint8Array(doubles.buffer).set(bytes.subarray(0, doubles.length * 8));
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < doubles.length; i++) doubles[i] = view.getFloat64(i * 8, true);
  }
  return plainArray(doubles);
}
