import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, EnsembleError } from '@ensemble/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputPath, writeFileAtomic, writeFilesAtomic } from './write-file';

const root = mkdtempSync(path.join(tmpdir(), 'ensemble-write-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

let directories = 0;
function freshDirectory(): string {
  directories += 1;
  const directory = path.join(root, `d${directories}`);
  mkdirSync(directory);
  return directory;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('atomic writes', () => {
  it('writes a new file and replaces an existing one, leaving no temporary file', async () => {
    const directory = freshDirectory();
    const file = path.join(directory, 'result.json');
    await writeFileAtomic(file, '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    await writeFileAtomic(file, 'ünïcode ✓');
    expect(readFileSync(file, 'utf8')).toBe('ünïcode ✓');
    expect(readdirSync(directory)).toEqual(['result.json']);
  });

  it('a batch with one unwritable target writes none of them and keeps the old contents', async () => {
    const directory = freshDirectory();
    const good = path.join(directory, 'good.json');
    writeFileSync(good, 'old');
    const bad = path.join(directory, 'missing', 'report.md');
    const error = await failure(writeFilesAtomic([{ path: good, content: 'new' }, { path: bad, content: 'x' }]));
    expect(EnsembleError.isInstance(error) && error.code).toBe('IO_FAILED');
    expect((error as Error).message).toContain(`Could not write ${bad}`);
    expect(readFileSync(good, 'utf8')).toBe('old');
    expect(readdirSync(directory)).toEqual(['good.json']);
  });

  it('a batch writes every file', async () => {
    const directory = freshDirectory();
    await writeFilesAtomic([
      { path: path.join(directory, 'a.txt'), content: 'A' },
      { path: path.join(directory, 'b.txt'), content: 'B' },
    ]);
    expect(readdirSync(directory).sort()).toEqual(['a.txt', 'b.txt']);
    expect(readFileSync(path.join(directory, 'b.txt'), 'utf8')).toBe('B');
  });
});

describe('checkOutputPath', () => {
  it('accepts a new file in an existing directory', async () => {
    await expect(checkOutputPath(path.join(freshDirectory(), 'x.json'), '--json')).resolves.toBeUndefined();
  });

  it('rejects a missing directory, a file as directory and a directory as target, naming the flag', async () => {
    const directory = freshDirectory();
    writeFileSync(path.join(directory, 'plain'), '');
    const cases: [string, string][] = [
      [path.join(directory, 'nope', 'x.json'), 'does not exist; create it first'],
      [path.join(directory, 'plain', 'x.json'), 'is not a directory'],
      [directory, 'it is a directory; give a file name'],
    ];
    for (const [target, message] of cases) {
      const error = await failure(checkOutputPath(target, '--html'));
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).issues[0]).toMatchObject({ path: '--html' });
      expect((error as ConfigError).issues[0]?.message).toContain(message);
    }
  });
});
