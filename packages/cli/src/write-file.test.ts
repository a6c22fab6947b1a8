import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, EnsembleError } from '@ensemble/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { trackedTemporaryFiles } from './temporary-files';
import { checkOutputPath, writeChunks, writeFileAtomic, writeFilesAtomic } from './write-file';

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
    // A file where its directory would be: no directory can be made there.
    writeFileSync(path.join(directory, 'plain'), '');
    const bad = path.join(directory, 'plain', 'report.md');
    const error = await failure(writeFilesAtomic([{ path: good, content: 'new' }, { path: bad, content: 'x' }]));
    expect(EnsembleError.isInstance(error) && error.code).toBe('IO_FAILED');
    expect((error as Error).message).toContain(`Could not write ${bad}`);
    expect(readFileSync(good, 'utf8')).toBe('old');
    expect(readdirSync(directory).sort()).toEqual(['good.json', 'plain']);
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

describe('chunked content', () => {
  it('writes the chunks in order, returns each size in bytes and reports the bytes written so far', async () => {
    const directory = freshDirectory();
    const progress: number[] = [];
    const written = await writeFilesAtomic(
      [
        { path: path.join(directory, 'a.json'), content: ['{"a":', '"ü"', '}\n'] },
        { path: path.join(directory, 'b.txt'), content: 'plain' },
      ],
      { onProgress: (bytes) => progress.push(bytes) },
    );
    expect(readFileSync(path.join(directory, 'a.json'), 'utf8')).toBe('{"a":"ü"}\n');
    expect(written).toEqual([
      { path: path.join(directory, 'a.json'), bytes: 11 },
      { path: path.join(directory, 'b.txt'), bytes: 5 },
    ]);
    expect(progress).toEqual([5, 9, 11, 16]);
  });

  it('while a file is written its temporary file is registered for removal on SIGINT/SIGTERM, and only then', async () => {
    const directory = freshDirectory();
    const listeners = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const before = listeners();
    let during: { files: readonly string[]; listeners: number[] } | undefined;
    function* content() {
      yield 'first ';
      during = { files: trackedTemporaryFiles(), listeners: listeners() };
      yield 'second';
    }
    await writeFileAtomic(path.join(directory, 'out.txt'), content());
    expect(during?.files).toHaveLength(1);
    expect(path.dirname(during?.files[0] ?? '')).toBe(directory);
    expect(path.basename(during?.files[0] ?? '')).toMatch(/^\.out\.txt\.\d+\.[0-9a-f]{12}\.tmp$/);
    expect(during?.listeners).toEqual(before.map((count) => count + 1));
    expect(trackedTemporaryFiles()).toEqual([]);
    expect(listeners()).toEqual(before);
    expect(readFileSync(path.join(directory, 'out.txt'), 'utf8')).toBe('first second');
  });

  it('content that fails while it is written: its own error, every temporary file removed, no target touched', async () => {
    const directory = freshDirectory();
    writeFileSync(path.join(directory, 'keep.json'), 'old');
    const thrown = new TypeError('Converting circular structure to JSON');
    function* broken() {
      yield '{"partial":';
      throw thrown;
    }
    const error = await failure(writeFilesAtomic([
      { path: path.join(directory, 'first.md'), content: 'fine' },
      { path: path.join(directory, 'keep.json'), content: broken() },
    ]));
    expect(error).toBe(thrown);
    expect(readdirSync(directory)).toEqual(['keep.json']);
    expect(readFileSync(path.join(directory, 'keep.json'), 'utf8')).toBe('old');
    expect(trackedTemporaryFiles()).toEqual([]);
  });
});

describe('writeChunks', () => {
  it('waits for drain whenever the sink says its buffer is full, and counts the bytes', async () => {
    const received: string[] = [];
    let waiting: (() => void) | undefined;
    const sink = {
      write: (text: string) => {
        received.push(text);
        return received.length % 2 === 0;
      },
      once: (_event: 'drain', listener: () => void) => {
        waiting = listener;
      },
    };
    const done = writeChunks(sink, ['a', 'bb', 'ccc']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The first write filled the buffer: nothing more until drain.
    expect(received).toEqual(['a']);
    waiting?.();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received).toEqual(['a', 'bb', 'ccc']);
    waiting?.();
    await expect(done).resolves.toBe(6);
  });
});

describe('checkOutputPath', () => {
  it('accepts a new file in an existing directory', async () => {
    await expect(checkOutputPath(path.join(freshDirectory(), 'x.json'), '--json')).resolves.toBeUndefined();
  });

  // Regression: `--json out/run.json` in a fresh folder was refused ("create it first"), where
  // `sweep --out` creates its own directory.
  it('accepts a file in directories not there yet (the writers create them), under a directory it can write in', async () => {
    const directory = freshDirectory();
    await expect(checkOutputPath(path.join(directory, 'new', 'deeper', 'x.json'), '--json')).resolves.toBeUndefined();
    const target = path.join(directory, 'made', 'by', 'writer.json');
    await writeFileAtomic(target, '{}');
    expect(readFileSync(target, 'utf8')).toBe('{}');
  });

  // Regressions: a missing directory skipped the checks after it, so these failed after the run.
  it('checks the name and the way to a directory not there yet: a long name, a link pointing nowhere', async () => {
    const directory = freshDirectory();
    const long = `${'a'.repeat(300)}.json`;
    expect(((await failure(checkOutputPath(path.join(directory, 'new', long), '--json'))) as ConfigError).issues[0]?.message).toContain('longer than a file name may be');
    symlinkSync(path.join(directory, 'nowhere'), path.join(directory, 'dangling'));
    expect(((await failure(checkOutputPath(path.join(directory, 'dangling', 'x', 'a.json'), '--json'))) as ConfigError).issues[0]?.message).toBe(
      `cannot write ${path.join(directory, 'dangling', 'x', 'a.json')}: ${path.join(directory, 'dangling')} is a symbolic link pointing nowhere, so ${path.join(directory, 'dangling', 'x')} cannot be created through it`,
    );
  });

  it('rejects a directory that cannot be created, a file as directory and a directory as target, naming the flag', async () => {
    const directory = freshDirectory();
    writeFileSync(path.join(directory, 'plain'), '');
    const cases: [string, string][] = [
      [path.join(directory, 'plain', 'x.json'), 'is not a directory'],
      [path.join(directory, 'plain', 'deeper', 'x.json'), `${path.join(directory, 'plain')} is not a directory, so ${path.join(directory, 'plain', 'deeper')} cannot be created`],
      [directory, 'it is a directory; give a file name'],
    ];
    for (const [target, message] of cases) {
      const error = await failure(checkOutputPath(target, '--html'));
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).issues[0]).toMatchObject({ path: '--html' });
      expect((error as ConfigError).issues[0]?.message).toContain(message);
    }
  });

  it('checks a symbolic link pointing nowhere by the file writing through it creates, and refuses a loop of links', async () => {
    const directory = freshDirectory();
    symlinkSync('later.json', path.join(directory, 'ready.json'));
    await expect(checkOutputPath(path.join(directory, 'ready.json'), '--json')).resolves.toBeUndefined();
    symlinkSync(path.join('nope', 'x.json'), path.join(directory, 'lost.json'));
    expect(((await failure(checkOutputPath(path.join(directory, 'lost.json'), '--json'))) as ConfigError).issues[0]?.message).toBe(
      `cannot write ${path.join(directory, 'lost.json')}: it is a symbolic link to ${path.join(directory, 'nope', 'x.json')}, whose directory ${path.join(directory, 'nope')} does not exist; create it first`,
    );
    symlinkSync('loop-b', path.join(directory, 'loop-a'));
    symlinkSync('loop-a', path.join(directory, 'loop-b'));
    expect(((await failure(checkOutputPath(path.join(directory, 'loop-a'), '--json'))) as ConfigError).issues[0]?.message).toBe(
      `cannot write ${path.join(directory, 'loop-a')}: it is a symbolic link that leads back to itself (a loop of links); give a file name`,
    );
  });

  // Regression: a name the file system cannot hold failed after the whole run, as an unexpected
  // failure naming the temporary file ("ENAMETOOLONG … .bbbb….json.PID.RAND.tmp").
  it('refuses a name longer than a file name may be, and takes the longest', async () => {
    const directory = freshDirectory();
    const tooLong = path.join(directory, `${'b'.repeat(251)}.json`);
    expect(((await failure(checkOutputPath(tooLong, '--json'))) as ConfigError).issues[0]?.message).toBe(`cannot write ${tooLong}: its name is 256 bytes, longer than a file name may be (255); give a shorter one`);
    await expect(checkOutputPath(path.join(directory, `${'b'.repeat(250)}.json`), '--json')).resolves.toBeUndefined();
  });
});

// Regression: `ensemble schema > /dev/full` (a full disk behind stdout) crashed with a stack trace
// from inside Node (or exited 0 saying nothing, the error coming after the command returned).
describe.runIf(process.platform === 'linux')('stdout as an output file, and a full disk behind it', () => {
  // Regression: `--json /dev/stdout` into a pipe (→ /proc/self/fd/1 → pipe:[N]) was taken for a new
  // file to rename into, and failed after the run (exit 2) with nothing written.
  it('writes --json /dev/stdout into a pipe in place', () => {
    const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
    // Through `| cat`: a shell pipe (a child's own stdout here would be a socket, which /dev/stdout cannot open).
    const command = `"${process.execPath}" --conditions=@ensemble/source --import tsx "${bin}" backtest --dataset stocks5 --strategy buy-and-hold --json /dev/stdout | cat; exit "\${PIPESTATUS[0]}"`;
    const child = spawnSync('bash', ['-c', command], { cwd: fileURLToPath(new URL('../', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(child.status).toBe(0);
    // `/dev/stdout` is `-`: the JSON alone on stdout (it parses), the summary on stderr. Before,
    // the summary was written into the same stream, and the JSON no longer parsed.
    expect(JSON.parse(child.stdout)).toHaveProperty('finalEquity');
    expect(child.stderr).toContain('Final equity');
  });

  // Regression: `--json /dev/fd/1 > file` renamed a new file over the one behind `>`, losing what
  // the command had printed there; it is stdout (`-`), written in place.
  it('writes --json /dev/fd/1 into the file behind > in place', () => {
    const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
    const directory = freshDirectory();
    const file = path.join(directory, 'behind.txt');
    writeFileSync(file, 'before\n');
    const before = statSync(file).ino;
    const command = `"${process.execPath}" --conditions=@ensemble/source --import tsx "${bin}" backtest --dataset stocks5 --strategy buy-and-hold --json /dev/fd/1 > "${file}"`;
    const child = spawnSync('bash', ['-c', command], { cwd: fileURLToPath(new URL('../', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    expect(child.status).toBe(0);
    expect(statSync(file).ino).toBe(before);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('finalEquity');
    expect(child.stderr).toContain('Final equity');
  });

  it('is said in one line on stderr, and the command exits 1', () => {
    const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawnSync(process.execPath, ['--conditions=@ensemble/source', '--import', 'tsx', bin, 'schema'], { cwd: fileURLToPath(new URL('../', import.meta.url)), stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      expect(child.stderr).toBe('error: could not write to standard output: no space left on the device (ENOSPC); what was written there is incomplete\n');
      expect(child.status).toBe(1);
    } finally {
      closeSync(full);
    }
  });
});
