import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EnsembleError, FileTooLargeError, decodeJsonBytes, MAX_JSON_FILE_BYTES, MAX_LINE_LENGTH, parseJsonText, quoteValue } from '@ensemble/protocol';

/** What to do about a spec or config file over {@link MAX_JSON_FILE_BYTES}. */
const CONFIG_ADVICE = 'A spec or a config is a few kilobytes: check that the path names one, not a data or result file (market data goes in a CSV or JSON data file the config names, data.file).';

/**
 * Reads and parses a JSON file: a missing or unreadable file is an `IO_FAILED` error naming it
 * (one over `MAX_JSON_FILE_BYTES` a `FileTooLargeError`, before it is read),
 * invalid JSON (or a property given twice in one object) a `ConfigError` naming the file, the line
 * and the column. Both are bad input.
 */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  // A device (/dev/zero) has no end: it was read to V8's longest string and failed as "Invalid string length".
  const info = await stat(file).catch(() => null);
  if (info !== null && (info.isCharacterDevice() || info.isBlockDevice())) {
    throw new EnsembleError('IO_FAILED', `Cannot read the ${what} ${quoteValue(file, MAX_LINE_LENGTH)}: it is a device, not a file; give the path of a JSON file.`);
  }
  // Over V8's longest string it failed as "Invalid string length", after reading all of it.
  if (info !== null && info.size > MAX_JSON_FILE_BYTES) {
    throw new FileTooLargeError({ what, file, size: info.size, advice: CONFIG_ADVICE });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new EnsembleError('IO_FAILED', `Cannot read the ${what} ${quoteValue(file, MAX_LINE_LENGTH)}: ${why}.`, { cause: error });
  }
  return parseJsonText(decodeJsonBytes(bytes, file), file);
}

/**
 * The directory a spec's or config's relative paths resolve against: the file's own directory,
 * except for one read from a pipe — `<(…)`, `/dev/stdin` fed by a shell pipe, a named pipe — whose
 * path (`/dev/fd/63`) names no directory of the user's: its relative paths are relative to `cwd`,
 * the working directory. `/dev/stdin` redirected from a file on disk (`< dir/spec.json`) resolves
 * against that file's directory.
 */
export async function relativeBaseOf(file: string, cwd: string = process.cwd()): Promise<string> {
  return (await relativeBase(file, cwd)).directory;
}

/**
 * {@link relativeBaseOf} with why: `piped` when the file was read from a pipe (its relative paths
 * are the working directory's), false for a file on disk (its own directory, or the directory of
 * the file `/dev/stdin` was redirected from).
 */
export async function relativeBase(file: string, cwd: string = process.cwd()): Promise<{ readonly directory: string; readonly piped: boolean }> {
  const absolute = resolve(cwd, file);
  const info = await stat(absolute).catch(() => null);
  if (info !== null && (info.isFIFO() || info.isSocket() || info.isCharacterDevice())) return { directory: cwd, piped: true };
  if (!absolute.startsWith('/dev/') && !absolute.startsWith('/proc/')) return { directory: dirname(absolute), piped: false };
  const real = await realpath(absolute).catch(() => null);
  return real !== null && info?.isFile() === true ? { directory: dirname(real), piped: false } : { directory: cwd, piped: true };
}
