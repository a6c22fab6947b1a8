import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonFile, relativeBaseOf } from './json-file';

describe('readJsonFile', () => {
  // Regression: `ensemble sweep --spec /dev/zero` read the device to V8's longest string, then
  // failed as "Invalid string length".
  it.skipIf(process.platform === 'win32')('a device is IO_FAILED, said so', async () => {
    await expect(readJsonFile('/dev/zero', 'sweep spec')).rejects.toMatchObject({
      code: 'IO_FAILED',
      message: 'Cannot read the sweep spec "/dev/zero": it is a device, not a file; give the path of a JSON file.',
    });
  });

  it('a missing file is IO_FAILED naming it', async () => {
    await expect(readJsonFile('/no/such/spec.json', 'sweep spec')).rejects.toMatchObject({ code: 'IO_FAILED', message: 'Cannot read the sweep spec "/no/such/spec.json": no such file.' });
  });
});

// Regression: a spec given as `--spec <(…)` resolved its relative paths against /dev/fd ("file not
// found: /dev/fd/prices.csv").
describe.skipIf(process.platform !== 'linux')('relativeBaseOf', () => {
  const directory = mkdtempSync(join(tmpdir(), 'relative-base-'));
  const elsewhere = '/somewhere/else';

  it("a file's relative paths resolve against its own directory, a relative one from cwd", async () => {
    await expect(relativeBaseOf('/a/b/spec.json', elsewhere)).resolves.toBe('/a/b');
    await expect(relativeBaseOf('b/spec.json', '/a')).resolves.toBe('/a/b');
  });

  it('a pipe, named or not, resolves against the working directory', async () => {
    const fifo = join(directory, 'spec.fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(relativeBaseOf(fifo, elsewhere)).resolves.toBe(elsewhere);
    // Opened for reading and writing, a pipe's open does not wait for a writer (Linux).
    const fd = openSync(fifo, 'r+');
    try {
      await expect(relativeBaseOf(`/proc/self/fd/${String(fd)}`, elsewhere)).resolves.toBe(elsewhere);
    } finally {
      closeSync(fd);
    }
  });

  it('a file on disk read through /proc/self/fd (as /dev/stdin redirected from it) resolves against its directory', async () => {
    const file = join(directory, 'spec.json');
    writeFileSync(file, '{}');
    const fd = openSync(file, 'r');
    try {
      await expect(relativeBaseOf(`/proc/self/fd/${String(fd)}`, elsewhere)).resolves.toBe(directory);
    } finally {
      closeSync(fd);
    }
  });
});
