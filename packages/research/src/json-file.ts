import { readFile } from 'node:fs/promises';
import { ConfigError, EnsembleError, MAX_LINE_LENGTH, quoteValue } from '@ensemble/protocol';

/**
 * Reads and parses a JSON file: a missing or unreadable file is an `IO_FAILED` error naming it,
 * invalid JSON a `ConfigError` naming the file and the parser's position. Both are bad input.
 */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new EnsembleError('IO_FAILED', `Cannot read the ${what} ${quoteValue(file, MAX_LINE_LENGTH)}: ${why}.`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError([{ path: '', message: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` }], { source: file, cause: error });
  }
}
