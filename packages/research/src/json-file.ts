import { readFile, stat } from 'node:fs/promises';
import { EnsembleError, FileTooLargeError, MAX_JSON_FILE_BYTES, MAX_LINE_LENGTH, parseJsonText, quoteValue } from '@ensemble/protocol';

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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new EnsembleError('IO_FAILED', `Cannot read the ${what} ${quoteValue(file, MAX_LINE_LENGTH)}: ${why}.`, { cause: error });
  }
  return parseJsonText(text, file);
}
