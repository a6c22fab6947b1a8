import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileTooLargeError } from '@ensemble/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { readResultFile } from './read-result';

// A result JSON over V8's longest string (536,870,888 characters) failed as "Invalid string
// length" after the whole file was read. A sparse file of 600 MiB: one block on disk.
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-result-too-large-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('a result file over the longest string', () => {
  it('is refused before it is read, with its name, size and what to do', async () => {
    const file = path.join(scratch, 'result.json');
    writeFileSync(file, '{');
    truncateSync(file, 600 * 2 ** 20);
    const error: unknown = await readResultFile(file).catch((caught: unknown) => caught);
    expect(FileTooLargeError.isInstance(error)).toBe(true);
    if (!FileTooLargeError.isInstance(error)) return;
    expect([error.code, error.file, error.size, error.limit]).toEqual(['IO_FAILED', file, 629_145_600, 536_870_888]);
    expect(error.message).toContain('Cannot read the result file');
    expect(error.message).toContain('Write the report from the run itself');
  });
});
