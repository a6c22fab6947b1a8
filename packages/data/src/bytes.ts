const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The text of `bytes[start, end)` (UTF-8), without a decoder call for short ASCII ranges. */
export function decodeRange(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if ((bytes[i] ?? 0) > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode(...bytes.subarray(start, end));
  }
  return decoder.decode(bytes.subarray(start, end));
}

/** The whole of `bytes` as text (UTF-8, invalid sequences become U+FFFD). */
export function decodeAll(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** True when `bytes[start, end)` holds exactly the bytes of `expected`. */
export function bytesEqual(bytes: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    if (bytes[start + i] !== expected[i]) return false;
  }
  return true;
}

/** 1-based line of byte offset `index`. */
export function lineOfOffset(bytes: Uint8Array, index: number): number {
  let line = 1;
  for (let i = bytes.indexOf(10); i !== -1 && i < index; i = bytes.indexOf(10, i + 1)) line++;
  return line;
}
