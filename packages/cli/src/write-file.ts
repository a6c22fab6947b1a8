import { constants } from 'node:fs';
import { access, lstat, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@ensemble/protocol';
import type { OutputContent, OutputFile, TemporaryFileRegistry, WriteFilesOptions, WrittenFile } from '@ensemble/report';
import { MAX_NAME_BYTES, writeFilesAtomic as writeFilesAtomicWith, writtenInPlace } from '@ensemble/report';
import { releaseTemporaryFile, trackTemporaryFile } from './temporary-files';

export type { OutputContent, OutputFile, WrittenFile };

/** The CLI's temporary files: an interrupt (SIGINT, SIGTERM) removes them before the CLI exits (130, 143). */
const CLI_TEMPORARY_FILES: TemporaryFileRegistry = { track: trackTemporaryFile, release: releaseTemporaryFile };

/**
 * The report package's `writeFilesAtomic` (temporary files renamed over their targets only when
 * all are written; `IO_FAILED` naming the path) with the CLI's temporary files registered, so an
 * interrupt removes them too, and the missing directories of a target created (`createDirectories`,
 * unless given false), as `sweep --out` creates its own: `--json out/run.json` in a fresh folder
 * was refused.
 */
export async function writeFilesAtomic(files: readonly OutputFile[], options: Omit<WriteFilesOptions, 'temporaryFiles'> = {}): Promise<WrittenFile[]> {
  return writeFilesAtomicWith(files, { createDirectories: true, ...options, temporaryFiles: CLI_TEMPORARY_FILES });
}

/** Writes one file atomically; see {@link writeFilesAtomic}. */
export async function writeFileAtomic(target: string, content: OutputContent, options: Omit<WriteFilesOptions, 'temporaryFiles'> = {}): Promise<WrittenFile> {
  const [written] = await writeFilesAtomic([{ path: target, content }], options);
  return written ?? { path: target, bytes: 0 };
}

/** Something text can be streamed to: `write` returns false when its buffer is full, and `once('drain')` says when to go on. */
export interface ChunkSink {
  write(text: string): unknown;
  once?(event: 'drain' | 'close', listener: () => void): unknown;
  removeListener?(event: 'drain' | 'close', listener: () => void): unknown;
  /** A stream destroyed (its pipe closed) takes no more text: nothing is waited for. */
  readonly destroyed?: boolean;
}

/**
 * Writes the chunks to `sink` (e.g. `process.stdout`) in order, waiting for `drain` whenever
 * `write` returns false (backpressure), so the text is never held whole. A sink destroyed on the
 * way (a closed pipe: `… --json - | head`) ends the writing: a destroyed stream never drains.
 * Returns the bytes handed to the sink.
 */
export async function writeChunks(sink: ChunkSink, content: string | Iterable<string>, onProgress?: (bytes: number) => void): Promise<number> {
  let bytes = 0;
  for (const chunk of typeof content === 'string' ? [content] : content) {
    if (sink.destroyed === true) break;
    bytes += Buffer.byteLength(chunk, 'utf8');
    if (sink.write(chunk) === false && sink.once !== undefined) await drainOrClose(sink, sink.once.bind(sink));
    onProgress?.(bytes);
  }
  return bytes;
}

/** Resolves at `sink`'s next `drain`, or at its `close` (a destroyed stream never drains). */
function drainOrClose(sink: ChunkSink, once: (event: 'drain' | 'close', listener: () => void) => unknown): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      sink.removeListener?.('drain', done);
      sink.removeListener?.('close', done);
      resolve();
    };
    once('drain', done);
    once('close', done);
  });
}

/**
 * Checks, before any work starts, that `target` can be written: its directory exists and is
 * writable, or does not exist yet and the nearest directory above it that does is writable (the
 * CLI's writers create the missing ones), `target` is not a directory and its name is not longer than a file name may be (a
 * device such as `/dev/null`, written in place, must itself be writable; the file a link names is
 * replaced from its own directory, which must be). Throws a `ConfigError` naming `flag` (e.g.
 * `--json`) and the path otherwise.
 */
export async function checkOutputPath(target: string, flag: string): Promise<void> {
  const directory = path.dirname(target);
  const fail = (message: string): never => {
    throw new ConfigError([{ path: flag, message }], { source: 'the command line' });
  };
  // A name the file system cannot hold failed after the run (ENAMETOOLONG).
  const nameBytes = Buffer.byteLength(path.basename(target));
  if (nameBytes > MAX_NAME_BYTES) fail(`cannot write ${target}: its name is ${String(nameBytes)} bytes, longer than a file name may be (${String(MAX_NAME_BYTES)}); give a shorter one`);
  const directoryStat = await stat(directory).catch((error: unknown) => {
    // Not there (or a file where a directory of its path would be: said below, by name).
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') fail(`cannot write ${target}: ${directory} cannot be reached (${errorCode(error)})`);
    return null;
  });
  if (directoryStat === null) {
    await checkCreatable(target, directory, fail);
    return;
  }
  if (!directoryStat.isDirectory()) fail(`cannot write ${target}: ${directory} is not a directory`);
  let statError: unknown = null;
  const targetStat = await stat(target).catch((error: unknown) => {
    statError = error;
    return null;
  });
  if (targetStat?.isDirectory() === true) fail(`cannot write ${target}: it is a directory; give a file name`);
  const link = await lstat(target).catch(() => null);
  if (link?.isSymbolicLink() === true && (statError as { code?: unknown } | null)?.code === 'ELOOP') fail(`cannot write ${target}: it is a symbolic link that leads back to itself (a loop of links); give a file name`);
  // What the writer writes in place — a device, a pipe, a process's descriptor such as
  // /dev/stdout (even with a file behind `>`), also through links — must itself be writable.
  if (link !== null && (await writtenInPlace(target))) {
    const open = await access(target, constants.W_OK).then(
      () => true,
      () => false,
    );
    if (!open) fail(`cannot write ${target}: it is not writable`);
    return;
  }
  // Any other is replaced from its directory: through a link, the directory of the file it names,
  // which must exist for a link pointing nowhere yet (writing creates that file).
  let replaced = target;
  if (link?.isSymbolicLink() === true) {
    replaced = await canonicalFile(target);
    const pointedDirectory = await stat(path.dirname(replaced)).catch(() => null);
    if (targetStat === null && pointedDirectory?.isDirectory() !== true) fail(`cannot write ${target}: it is a symbolic link to ${replaced}, whose directory ${path.dirname(replaced)} does not exist; create it first`);
  }
  const home = path.dirname(replaced);
  const writable = await access(home, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable) fail(`cannot write ${target}: the directory ${home} is not writable`);
}

/** An error's code (`EACCES`), or its message. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/**
 * A directory that is not there yet is created by the writer (as `mkdir -p`, after the run): the
 * nearest one above it that is must be a directory it can create entries in, and nothing on the
 * way a link pointing nowhere (the writer would fail through it after the run).
 */
async function checkCreatable(target: string, directory: string, fail: (message: string) => never): Promise<void> {
  let existing = directory;
  for (;;) {
    const entry = await lstat(existing).catch(() => null);
    if (entry?.isSymbolicLink() === true && (await stat(existing).catch(() => null)) === null) {
      fail(`cannot write ${target}: ${existing} is a symbolic link pointing nowhere, so ${directory} cannot be created through it`);
    }
    if (entry !== null) break;
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const found = await stat(existing).catch(() => null);
  if (!found?.isDirectory()) fail(`cannot write ${target}: ${existing} is not a directory, so ${directory} cannot be created`);
  const creatable = await access(existing, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!creatable) fail(`cannot write ${target}: the directory ${directory} does not exist, and ${existing} is not writable to create it in`);
}

/**
 * The file a target's path ends up as, for comparing two targets: for an existing file, its real
 * path (which also spells the name as the file system stores it); else the real path of its
 * directory (symbolic links resolved) and its name. A symbolic link as target is the file it
 * points to, which `writeFilesAtomic` replaces, and a link pointing nowhere yet the file writing
 * through it creates. `hops` bounds a loop of links.
 */
export async function canonicalFile(target: string, hops = 0): Promise<string> {
  const real = await realpath(target).catch(() => null);
  if (real !== null) return real;
  const entry = await lstat(target).catch(() => null);
  if (entry?.isSymbolicLink() === true && hops < 40) {
    const link = await readlink(target).catch(() => null);
    // As the kernel reads it: `..` in the link applies to the real directory the link is in.
    if (link !== null) return canonicalFile(path.resolve(await realpath(path.dirname(target)).catch(() => path.dirname(target)), link), hops + 1);
  }
  return path.join(await realDirectory(path.dirname(target)), path.basename(target));
}

/**
 * The real path of `directory`, or, when it does not exist yet, the real path of the nearest
 * directory above it that does with the rest of the path after it: a link on the way is resolved
 * even where the writer will create the directories below it (`here/new/a.json` with `here → .` is
 * `./new/a.json`).
 */
async function realDirectory(directory: string): Promise<string> {
  const missing: string[] = [];
  let current = directory;
  for (;;) {
    const real = await realpath(current).catch(() => null);
    if (real !== null) return path.join(real, ...missing.reverse());
    const parent = path.dirname(current);
    if (parent === current) return directory;
    missing.push(path.basename(current));
    current = parent;
  }
}

