import { readFile, stat } from 'node:fs/promises';
import { EnsembleError, MAX_LINE_LENGTH, parseJsonText, quoteValue } from '@ensemble/protocol';

/**
 * Reads and parses a JSON file: a missing or unreadable file is an `IO_FAILED` error naming it,
 * invalid JSON (or a property given twice in one object) a `ConfigError` naming the file, the line
 * and the column. Both are bad input.
 */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  // A device (/dev/zero) has no end: it was read to V8's longest string and failed as "Invalid string length".
  const info = await stat(file).catch(() => null);
  if (info !== null && (info.isCharacterDevice() || info.isBlockDevice())) {
    throw new EnsembleError('IO_FAILED', `Cannot read the ${what} ${quoteValue(file, MAX_LINE_LENGTH)}: it is a device, not a file; give the path of a JSON file.`);
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
