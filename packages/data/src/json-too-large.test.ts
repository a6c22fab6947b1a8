import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileTooLargeError } from '@ensemble/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMarketData } from './load';

// JSON data over V8's longest string (536,870,888 characters) failed as "Invalid string length"
// after the whole file was read. Sparse files of 600 MiB (629,145,600 bytes): one block on disk.
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-data-too-large-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function sparse(name: string, head: Uint8Array | string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, head);
  truncateSync(file, 600 * 2 ** 20);
  return file;
}

describe('a JSON data file over the longest string', () => {
  it('is refused before it is read, with its name, size and what to do', async () => {
    // A byte order mark and white space before the bracket, as the parser skips them.
    const file = sparse('bars.json', new Uint8Array([0xef, 0xbb, 0xbf, 0x20, 0x0a, 0x5b]));
    const error: unknown = await loadMarketData(file).catch((caught: unknown) => caught);
    expect(FileTooLargeError.isInstance(error)).toBe(true);
    if (!FileTooLargeError.isInstance(error)) return;
    expect(error.code).toBe('IO_FAILED');
    expect([error.file, error.size, error.limit]).toEqual([file, 629_145_600, 536_870_888]);
    expect(error.message).toContain('or write it as CSV');
  });
});
