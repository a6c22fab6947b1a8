import { checkArguments } from '@ensemble/protocol';
import { bytesIssue } from '../argument-checks';
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

/**
 * Raw little-endian doubles (a multiple of 8 bytes, at any byte offset) as a new `Float64Array`
 * with its own buffer (not a view of `bytes`, whose buffer may be a larger pooled one). On a
 * little-endian machine one block copy, not a call per value.
 */
export function bytesToDoubles(bytes: Uint8Array): Float64Array {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('bytesToDoubles', [
    bytesIssue(bytes, 'bytes'),
  ]);
  const out = new Float64Array(Math.floor(bytes.length / 8));
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 8));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}
