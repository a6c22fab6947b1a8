import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger, EnsembleError } from '@ensemble/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSmallRun } from './__fixtures__/small-run';
import { ReportGenerator, writeReport } from './report-generator';
import { directoryCreationProblem, makeDirectory, writeFileAtomic, writeFilesAtomic } from './write';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ensemble-report-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function expectIoError(promise: Promise<unknown>, path: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(EnsembleError.isInstance(error)).toBe(true);
    expect((error as EnsembleError).code).toBe('IO_FAILED');
    expect((error as EnsembleError).message).toContain(path);
    return;
  }
  throw new Error('expected an IO_FAILED error');
}

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temporary file', async () => {
    const path = join(directory, 'report.json');
    await writeFile(path, 'old');
    await writeFileAtomic(path, 'new content');
    expect(await readFile(path, 'utf8')).toBe('new content');
    expect(await readdir(directory)).toEqual(['report.json']);
  });

  it('fails with IO_FAILED naming the path when the directory is missing, and writes nothing', async () => {
    const path = join(directory, 'missing', 'report.html');
    await expectIoError(writeFileAtomic(path, 'x'), path);
    expect(await readdir(directory)).toEqual([]);
  });

  // Regression: /proc/x.md was said to be in a directory that does not exist, to be given createDirectories.
  it.runIf(process.platform === 'linux')('says a directory that is there takes no new file (/proc), rather than that it is missing', async () => {
    const error = await writeFileAtomic('/proc/ensemble-report.md', 'x').then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(EnsembleError.isInstance(error) && error.message).toBe('Could not write /proc/ensemble-report.md: /proc takes no new files there (a system directory?): write elsewhere.');
    await expect(writeFileAtomic(join(directory, 'missing', 'x.md'), 'x')).rejects.toThrow(`the directory ${join(directory, 'missing')} does not exist: create it first`);
  });

  it('removes its temporary file when the rename fails', async () => {
    // A directory stands where the file should go: the temporary file is written, the rename fails.
    const path = join(directory, 'report.md');
    await mkdir(path);
    await expectIoError(writeFileAtomic(path, 'x'), path);
    expect(await readdir(directory)).toEqual(['report.md']);
    expect(await readdir(path)).toEqual([]);
  });

  it('creates missing directories when asked', async () => {
    const path = join(directory, 'a', 'b', 'report.json');
    await writeFileAtomic(path, '{}', { createDirectories: true });
    expect(await readFile(path, 'utf8')).toBe('{}');
  });
});

describe('writeFilesAtomic: links and files that are no regular ones', () => {
  it('writes through a symbolic link, which stays a link (a rename replaced the link with a file)', async () => {
    const real = join(directory, 'run-42.json');
    const link = join(directory, 'latest.json');
    await writeFile(real, 'old');
    await symlink('run-42.json', link);
    const other = join(directory, 'report.md');
    expect(await writeFilesAtomic([{ path: other, content: '# report' }, { path: link, content: ['{"a":', '1}'] }])).toEqual([
      { path: other, bytes: 8 },
      { path: link, bytes: 7 },
    ]);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe('{"a":1}');
    expect(await readFile(other, 'utf8')).toBe('# report');
    expect((await readdir(directory)).sort()).toEqual(['latest.json', 'report.md', 'run-42.json']);
  });

  // Regression: a link was written in place, before the renames: a later target failing (here
  // /dev/full, "no space left") left the linked file already replaced, the run exiting 2.
  it.runIf(process.platform === 'linux')('replaces the file a link names only once everything is written: a failure leaves it as it was', async () => {
    const real = join(directory, 'user.txt');
    const link = join(directory, 'latest.json');
    await writeFile(real, 'keep me');
    await symlink('user.txt', link);
    const fresh = join(directory, 'fresh.html');
    const error = await writeFilesAtomic([{ path: link, content: '{"new":1}' }, { path: fresh, content: '<html>' }, { path: '/dev/full', content: '# report' }]).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(EnsembleError.isInstance(error) && error.message).toBe('Could not write /dev/full: no space left on the device of /dev: free some, or write elsewhere.');
    expect(await readFile(real, 'utf8')).toBe('keep me');
    expect((await readdir(directory)).sort()).toEqual(['latest.json', 'user.txt']);
    // A link to nowhere gets its file created; a chain of links is followed to the end.
    await symlink('latest.json', join(directory, 'chain.json'));
    await symlink(join(directory, 'made.json'), join(directory, 'dangling.json'));
    await writeFilesAtomic([{ path: join(directory, 'chain.json'), content: 'through two links' }, { path: join(directory, 'dangling.json'), content: 'made' }]);
    expect(await readFile(real, 'utf8')).toBe('through two links');
    expect(await readFile(join(directory, 'made.json'), 'utf8')).toBe('made');
    for (const name of ['latest.json', 'chain.json', 'dangling.json']) expect((await lstat(join(directory, name))).isSymbolicLink()).toBe(true);
  });

  // Regressions: a link's `..` was resolved against the link's path, not the real directory it is
  // in, writing another file; and `/dev/stdout` into a pipe (→ /proc/self/fd/1 → pipe:[N]) was
  // taken for a new file to rename into, failing after the run.
  it.runIf(process.platform === 'linux')('follows a link as the kernel does, and writes into a process descriptor in place', async () => {
    await mkdir(join(directory, 'real', 'deep', 'dir'), { recursive: true });
    await symlink(join('real', 'deep', 'dir'), join(directory, 'alias'));
    await symlink('../out.json', join(directory, 'real', 'deep', 'dir', 'link.json'));
    await writeFile(join(directory, 'real', 'deep', 'out.json'), 'old');
    await writeFileAtomic(join(directory, 'alias', 'link.json'), 'new');
    expect(await readFile(join(directory, 'real', 'deep', 'out.json'), 'utf8')).toBe('new');
    expect(await readdir(directory)).toEqual(expect.not.arrayContaining(['out.json']));
    const fifo = join(directory, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // Opened for reading and writing, a pipe's open does not wait (Linux); /dev/fd/N names it as /dev/stdout names fd 1.
    const descriptor = openSync(fifo, 'r+');
    try {
      await writeFileAtomic(`/dev/fd/${String(descriptor)}`, 'through the descriptor');
      const buffer = Buffer.alloc(64);
      expect(buffer.toString('utf8', 0, readSync(descriptor, buffer))).toBe('through the descriptor');
    } finally {
      closeSync(descriptor);
    }
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  // Regression: a name of 234–255 bytes is a valid file name, but its temporary file's (22 bytes
  // longer) was not: "unexpected failure: ENAMETOOLONG … .bbbb….json.PID.RAND.tmp", after the run.
  it('writes a file whose name is as long as a name may be; a longer one is IO_FAILED saying so', async () => {
    const longest = join(directory, `${'é'.repeat(125)}.json`);
    expect(Buffer.byteLength(`${'é'.repeat(125)}.json`)).toBe(255);
    await writeFileAtomic(longest, 'long');
    expect(await readFile(longest, 'utf8')).toBe('long');
    expect(await readdir(directory)).toHaveLength(1);
    const tooLong = join(directory, `${'b'.repeat(256)}.json`);
    await expect(writeFileAtomic(tooLong, 'x')).rejects.toThrow('the name is longer than the file system takes (255 bytes a name): give a shorter one');
    expect(await readdir(directory)).toHaveLength(1);
  });

  it.skipIf(process.platform === 'win32')('writes into a named pipe, which stays a pipe (as /dev/null or /dev/stdout stay what they are)', async () => {
    const fifo = join(directory, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const received = new Promise<string>((resolve, reject) => {
      let text = '';
      createReadStream(fifo, 'utf8')
        .on('data', (chunk) => {
          text += String(chunk);
        })
        .on('end', () => {
          resolve(text);
        })
        .on('error', reject);
    });
    await writeFileAtomic(fifo, 'through the pipe');
    expect(await received).toBe('through the pipe');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(directory)).toEqual(['pipe']);
  });
});

describe('writeReport', () => {
  it('writes every requested output, logs each file and returns their sizes', async () => {
    const logger = createMemoryLogger();
    const targets = {
      html: join(directory, 'report.html'),
      json: join(directory, 'report.json'),
      md: join(directory, 'report.md'),
      csvDir: join(directory, 'csv'),
    };
    const written = await writeReport(targets, buildSmallRun(), { logger, createDirectories: true, markdownCharts: false });
    expect(written.map((file) => [file.kind, file.path])).toEqual([
      ['html', targets.html],
      ['json', targets.json],
      ['md', targets.md],
      ['csv', join(targets.csvDir, 'equity.csv')],
      ['csv', join(targets.csvDir, 'trades.csv')],
      ['csv', join(targets.csvDir, 'fills.csv')],
      ['csv', join(targets.csvDir, 'weights.csv')],
    ]);
    for (const file of written) expect((await readFile(file.path)).byteLength).toBe(file.bytes);
    expect((await readdir(directory)).sort()).toEqual(['csv', 'report.html', 'report.json', 'report.md']);
    expect(logger.records.filter((record) => record.message === 'wrote report file')).toHaveLength(7);
    const generator = new ReportGenerator(buildSmallRun());
    expect(await readFile(targets.json, 'utf8')).toBe(generator.json());
  });

  it('renders before writing: invalid input writes nothing', async () => {
    const input = buildSmallRun();
    const broken = { ...input, sleeves: [{ ...input.sleeves[0], weight: [1] }] } as unknown as typeof input;
    await expect(writeReport({ json: join(directory, 'report.json') }, broken)).rejects.toThrow(/sleeves\.0\.weight/);
    expect(await readdir(directory)).toEqual([]);
  });

  it('a missing directory is an IO_FAILED error unless directories may be created', async () => {
    const path = join(directory, 'nope', 'report.json');
    await expectIoError(writeReport({ json: path }, buildSmallRun()), path);
    expect(await readdir(directory)).toEqual([]);
  });

  it('writes all or nothing: a missing CSV directory leaves the Markdown and JSON targets unwritten', async () => {
    const csvDir = join(directory, 'missing');
    const targets = { md: join(directory, 'report.md'), json: join(directory, 'report.json'), csvDir };
    await expectIoError(writeReport(targets, buildSmallRun(), { markdownCharts: false }), csvDir);
    expect(await readdir(directory)).toEqual([]);
  });
});

describe('directoryCreationProblem', () => {
  it('names a file in the way, a file on the path, and missing permission; null otherwise', async () => {
    const base = await mkdtemp(join(tmpdir(), 'ensemble-mkdir-'));
    const file = join(base, 'file');
    await writeFile(file, 'x');
    const failure = (path: string): Promise<unknown> => mkdir(path, { recursive: true }).then(() => null, (error: unknown) => error);
    expect(directoryCreationProblem(await failure(file))).toBe('is a file, not a directory');
    expect(directoryCreationProblem(await failure(join(file, 'below')))).toBe('a part of the path is a file, not a directory');
    expect(directoryCreationProblem(Object.assign(new Error('denied'), { code: 'EACCES' }))).toBe('permission denied');
    expect(directoryCreationProblem(new Error('disk on fire'))).toBeNull();
    expect(directoryCreationProblem(null)).toBeNull();
    await rm(base, { recursive: true, force: true });
  });
});

describe('makeDirectory: mkdir -p one level at a time', () => {
  const codeOf = async (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => 'none',
      (error: unknown) => (error as { code?: unknown }).code,
    );

  it('creates the missing levels, and takes a directory that is there already', async () => {
    const deep = join(directory, 'a', 'b', 'c');
    await makeDirectory(deep);
    expect((await lstat(deep)).isDirectory()).toBe(true);
    await makeDirectory(deep);
    await makeDirectory(directory);
  });

  it('fails as mkdir does where a file is in the way: EEXIST for the directory itself, ENOTDIR below it', async () => {
    const file = join(directory, 'a-file');
    await writeFile(file, 'x');
    expect(await codeOf(makeDirectory(file))).toBe('EEXIST');
    expect(await codeOf(makeDirectory(join(file, 'sub', 'deeper')))).toBe('ENOTDIR');
    expect(directoryCreationProblem({ code: 'EEXIST' })).toBe('is a file, not a directory');
  });

  // Node's recursive mkdir never returns there: /proc exists but refuses new entries with ENOENT.
  it.runIf(process.platform === 'linux')('fails at once under a parent that takes no new entries (/proc), where the recursive mkdir hung', async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise((resolve) => {
      timer = setTimeout(() => {
        resolve('hung');
      }, 10_000);
    });
    const outcome = await Promise.race([codeOf(makeDirectory('/proc/ensemble-test/out')), hung]);
    clearTimeout(timer);
    expect(outcome).toBe('ENOENT');
    expect(directoryCreationProblem({ code: 'ENOENT' })).toBe('the file system does not allow a directory there');
  });
});
