import { EnsembleError, FileTooLargeError, MAX_JSON_FILE_BYTES, MAX_LINE_LENGTH, checkArguments, echoValue, nullAsAbsent, optionsIssue, quoteValue, stringIssue } from '@ensemble/protocol';
import { locationIssue } from './arguments';
import { parseInput } from './parse';
import type { MarketData, ParseOptions } from './types';

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Thrown inside {@link readDataBytes} for a device, to be told from a read failure. */
class DeviceError extends Error {}

/**
 * Whether the file open as `handle` begins as JSON does, as the parser detects it: its first byte
 * after a UTF-8 byte order mark and white space (within the first 64 KiB) is `[` or `{`.
 */
async function startsAsJson(handle: { read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }> }): Promise<boolean> {
  const head = new Uint8Array(65_536);
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  let i = bytesRead >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < bytesRead && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
  return i < bytesRead && (head[i] === 91 || head[i] === 123);
}

/**
 * Reads a file (or a `file:` URL; other URLs are fetched) as bytes. A missing file throws an
 * `EnsembleError` with code `DATA_NOT_FOUND` naming the path; a device (`/dev/zero`, a terminal)
 * and other read failures `IO_FAILED`; a JSON file over `MAX_JSON_FILE_BYTES` (too long to parse
 * as one string) a `FileTooLargeError`, before it is read.
 */
export async function readDataBytes(location: string | URL): Promise<Uint8Array> {
  checkArguments('readDataBytes', [locationIssue(location, 'location')]);
  if (location instanceof URL && location.protocol !== 'file:') {
    const response = await fetch(location);
    if (!response.ok) {
      throw new EnsembleError('DATA_NOT_FOUND', `Could not fetch market data from ${location.href}: HTTP ${response.status}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  }
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const url = await import('node:url');
  const shown = location instanceof URL ? url.fileURLToPath(location) : location;
  try {
    const handle = await fs.open(location, 'r');
    try {
      // One read into a buffer of the file's size: much faster than readFile's 512 KiB chunks.
      const stats = await handle.stat();
      // A device has no size and, as /dev/zero or a terminal, no end: reading it never returned.
      // A pipe (`cat prices.csv | ensemble data inspect /dev/stdin`) ends, and is read.
      if (stats.isCharacterDevice() || stats.isBlockDevice()) throw new DeviceError();
      const { size } = stats;
      // JSON over V8's longest string failed as "Invalid string length" after reading all of it.
      if (size > MAX_JSON_FILE_BYTES && (await startsAsJson(handle))) {
        throw new FileTooLargeError({
          what: 'data file',
          file: shown,
          size,
          advice: 'Split the data into several files (by symbol or by period), or write it as CSV, which is not read as one string.',
        });
      }
      if (!Number.isFinite(size) || size === 0) return await handle.readFile();
      const buffer = Buffer.allocUnsafe(size);
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === size ? buffer : buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (FileTooLargeError.isInstance(error)) throw error;
    const absolute = path.resolve(shown);
    const where = absolute === shown ? quoteValue(shown, MAX_LINE_LENGTH) : `${quoteValue(shown, MAX_LINE_LENGTH)} (${echoValue(absolute, MAX_LINE_LENGTH)})`;
    if (error instanceof DeviceError) {
      throw new EnsembleError('IO_FAILED', `${where} is a device, not a file: pass a CSV or JSON file (to read a pipe, as /dev/stdin, pipe a file into the command).`);
    }
    const code = errorCode(error);
    if (code === 'ENOENT') {
      throw new EnsembleError('DATA_NOT_FOUND', `Market data file not found: ${where}. Check the path, or use a data set name.`, {
        cause: error,
      });
    }
    if (code === 'EISDIR') throw new EnsembleError('IO_FAILED', `${where} is a directory; pass a CSV or JSON file.`, { cause: error });
    if (code === 'EACCES' || code === 'EPERM') {
      throw new EnsembleError('IO_FAILED', `No permission to read ${where}.`, { cause: error });
    }
    throw new EnsembleError('IO_FAILED', `Could not read ${where}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** Whether `bytes` are valid UTF-8, by Node's fast check; undefined where `node:buffer` is missing. */
async function isValidUtf8(bytes: Uint8Array): Promise<boolean | undefined> {
  try {
    const buffer = await import('node:buffer');
    return buffer.isUtf8(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Reads bytes from `location` and parses them like `parseMarketData` (for internal callers that
 * set the options themselves).
 */
export async function loadFrom(location: string | URL, options: ParseOptions): Promise<MarketData> {
  const bytes = await readDataBytes(location);
  return parseInput(bytes, options, await isValidUtf8(bytes));
}

/**
 * Loads and validates a market data file (Node.js): reads its bytes and parses them as
 * `parseMarketData` does, with `file` set to the path so problems and `MarketData.source` name
 * it. See {@link ParseOptions} for the format override, symbol/date selection and the problem
 * limit.
 */
export async function loadMarketData(path: string, options: ParseOptions = {}): Promise<MarketData> {
  checkArguments('loadMarketData', [stringIssue(path, 'path', 'the path of a CSV or JSON file (a string)'), optionsIssue(options)]);
  const given = nullAsAbsent(options, {});
  return loadFrom(path, { ...given, file: given.file ?? path });
}
