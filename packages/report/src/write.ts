import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { EnsembleError, arrayIssue, checkArguments, nullAsAbsent, stringIssue } from '@ensemble/protocol';
import { contentIssue, outputFileIssue, writeOptionsIssue } from './argument-checks';

/** The code of a file-system error (`ENOENT`, `EEXIST`, …), or undefined. */
function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * Creates `directory` and its missing parents, as `mkdir -p` does, one level at a time from the
 * nearest one that exists; a directory that is there already is fine. Errors are the file
 * system's (`ENOENT`, `ENOTDIR`, `EACCES`, … naming the level that failed), for the caller's
 * message. Node's recursive `mkdir` never returns where a parent exists but refuses a child with
 * `ENOENT` — any path under `/proc` — which hung `ensemble init /proc/x` and `sweep --out /proc/x`.
 */
export async function makeDirectory(directory: string): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(directory); ; ) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(current)).isDirectory();
    } catch (error) {
      // Not ENOENT (a file on the path: ENOTDIR, no permission): that is the creation's failure.
      if (errorCode(error) !== 'ENOENT') throw error;
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
      continue;
    }
    // A file where a directory goes: `mkdir` says so — EEXIST for the directory itself, ENOTDIR below it.
    if (!isDirectory) await mkdir(missing.at(-1) ?? current);
    break;
  }
  for (const level of missing.reverse()) {
    try {
      await mkdir(level);
    } catch (error) {
      // Made meanwhile by someone else: fine when it is a directory.
      if (errorCode(error) !== 'EEXIST' || !(await stat(level)).isDirectory()) throw error;
    }
  }
}

/** What a file holds: UTF-8 text, bytes, or text in chunks (e.g. from `jsonTextChunks`), read once while it is written. */
export type OutputContent = string | Uint8Array | Iterable<string>;

/** A file to write: an absolute (or cwd-relative) path and its content. */
export interface OutputFile {
  readonly path: string;
  readonly content: OutputContent;
}

/** A file written: its path and size in bytes. */
export interface WrittenFile {
  readonly path: string;
  readonly bytes: number;
}

/**
 * Where temporary files are registered while they exist, e.g. a CLI's list that an interrupt
 * handler removes before the process exits. `track` is called before a temporary file is created,
 * `release` once it is renamed or removed.
 */
export interface TemporaryFileRegistry {
  track(file: string): void;
  release(file: string): void;
}

/**
 * Why creating a directory (`mkdir -p`) failed, in words, for the errors a user can fix: a file
 * where the directory should be (`EEXIST`), a file on its path (`ENOTDIR`), no permission
 * (`EACCES`, `EPERM`), a read-only file system (`EROFS`), or a parent that takes no new entries
 * (`ENOENT` from {@link makeDirectory}: a path under /proc); null for any other error.
 */
export function directoryCreationProblem(error: unknown): string | null {
  const code = errorCode(error);
  if (code === 'EEXIST') return 'is a file, not a directory';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  // A parent that exists but takes no new entries (a path under /proc, /sys).
  if (code === 'ENOENT') return 'the file system does not allow a directory there';
  return null;
}

/** Options of {@link writeFilesAtomic} and {@link writeFileAtomic}. */
export interface WriteFilesOptions {
  /** Called with the bytes written so far (all files together) after each chunk, e.g. for a progress display. */
  readonly onProgress?: ((bytes: number) => void) | undefined;
  /** Create missing directories of the targets (default false: a missing directory is an `IO_FAILED` error). */
  readonly createDirectories?: boolean | undefined;
  /** Registers the temporary files while they exist (default: none). */
  readonly temporaryFiles?: TemporaryFileRegistry | undefined;
}

const NO_REGISTRY: TemporaryFileRegistry = { track: () => undefined, release: () => undefined };

function describe(error: unknown, directory: string, creating: boolean): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') {
    // A directory that is there but takes no new file (a virtual file system such as /proc).
    if (existsSync(directory)) return `${directory} takes no new files there (a system directory?): write elsewhere`;
    // Asked to create it, and it could not be: a file system that takes no new directory there.
    if (creating) return `the directory ${directory} could not be created there (a system directory, such as /proc, takes no new ones?): write elsewhere`;
    return `the directory ${directory} does not exist: create it first (the library's writers create it with createDirectories: true)`;
  }
  if (code === 'EACCES' || code === 'EPERM') return `permission denied in ${directory}`;
  if (code === 'EISDIR') return 'a directory is in the way';
  if (code === 'ENAMETOOLONG') return 'the name is longer than the file system takes (255 bytes a name): give a shorter one';
  if (code === 'ENOSPC' || code === 'EDQUOT') return `no space left on the device of ${directory}: free some, or write elsewhere`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * `IO_FAILED` naming `target` as given, and why in words; `directory` is where the file was written
 * (a link's target's directory); `creating`: its missing directories were to be created.
 */
function ioFailed(target: string, error: unknown, directory = dirname(target), creating = false): EnsembleError {
  return new EnsembleError('IO_FAILED', `Could not write ${target}: ${describe(error, directory, creating)}.`, { cause: error });
}

/** The longest file name most file systems take, in bytes. */
export const MAX_NAME_BYTES = 255;

/**
 * A new temporary file's path beside `target`: `.<name>.<pid>.<random>.tmp`, the name shortened
 * (whole characters) where the whole would be longer than a file name may be — a target named
 * near the limit failed with ENAMETOOLONG on its temporary file, after the run.
 */
function temporaryPathFor(target: string): string {
  const suffix = `.${String(process.pid)}.${randomBytes(6).toString('hex')}.tmp`;
  let name = basename(target);
  const room = MAX_NAME_BYTES - 1 - Buffer.byteLength(suffix);
  if (Buffer.byteLength(name) > room) {
    const kept: string[] = [];
    let bytes = 0;
    for (const character of name) {
      const size = Buffer.byteLength(character);
      if (bytes + size > room) break;
      kept.push(character);
      bytes += size;
    }
    name = kept.join('');
  }
  return join(dirname(target), `.${name}${suffix}`);
}

/** An error of the file system (not of the content being written), to report as `IO_FAILED`. */
class FileSystemFailure extends Error {
  constructor(readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

async function fileSystem<T>(operation: Promise<T>): Promise<T> {
  return operation.catch((error: unknown) => {
    throw new FileSystemFailure(error);
  });
}

/** Writes `content` chunk by chunk, each write awaited (so the text is never held whole), and returns the bytes written. */
async function writeContent(handle: FileHandle, content: OutputContent, written: (bytes: number) => void): Promise<number> {
  let total = 0;
  const chunks: Iterable<string | Uint8Array> = typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
  for (const chunk of chunks) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let offset = 0; offset < buffer.length; ) {
      const { bytesWritten } = await fileSystem(handle.write(buffer, offset, buffer.length - offset));
      offset += bytesWritten;
    }
    total += buffer.length;
    written(buffer.length);
  }
  return total;
}

/**
 * Writes `content` to a new temporary file next to `target` (registered while it exists, flushed
 * to disk) and returns its path and size. On failure the temporary file is removed; a file system
 * error becomes `IO_FAILED` naming `shown` (the path as given: a link whose file is `target`), an
 * error of the content (its chunks failed to render) is thrown as it is.
 */
async function writeTemporary(
  target: string,
  content: OutputContent,
  written: (bytes: number) => void,
  options: WriteFilesOptions,
  registry: TemporaryFileRegistry,
  shown: string = target,
): Promise<{ temporary: string; bytes: number }> {
  const temporary = temporaryPathFor(target);
  registry.track(temporary);
  let handle: FileHandle | undefined;
  try {
    if (options.createDirectories === true) await fileSystem(makeDirectory(dirname(target)));
    handle = await fileSystem(open(temporary, 'wx'));
    const bytes = await writeContent(handle, content, written);
    await fileSystem(handle.sync());
    const closing = handle;
    handle = undefined;
    await fileSystem(closing.close());
    return { temporary, bytes };
  } catch (failure) {
    await handle?.close().catch(() => undefined);
    // Best effort: an error here (the directory gone) must not hide the one that says what failed.
    await rm(temporary, { force: true }).catch(() => undefined);
    registry.release(temporary);
    if (!(failure instanceof FileSystemFailure)) throw failure;
    throw ioFailed(shown, failure.error, dirname(target), options.createDirectories === true);
  }
}

/** Links followed at most, as the kernel follows them (a longer chain is a loop: ELOOP). */
const MAX_LINKS = 40;

/**
 * Where `target` is written: through a temporary file renamed over the path returned, or (null)
 * in place. A symbolic link (a `latest.json` pointing at a run's file, a link to nowhere) is
 * followed to the file it names, which is replaced as any file is — the link stays a link, and a
 * failure anywhere leaves that file as it was. Written in place: a file that is not a regular
 * one, at the path or at the end of its links (`/dev/null`, `/dev/stdout`, a named pipe, a
 * socket) — a rename would replace the device node itself with a regular file (`--json
 * /dev/null` run as root replaced the system's `/dev/null`) —, a link into a process's
 * descriptors (`/dev/stdout`, `>(…)`), and a chain of links too long to follow (the open says why).
 */
async function renameTarget(target: string): Promise<string | null> {
  let current = resolve(target);
  if (isDescriptor(current)) return null;
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    const info = await lstat(current).catch(() => null);
    if (info === null) return current;
    if (!info.isSymbolicLink()) return info.isFile() || info.isDirectory() ? current : null;
    const pointed = await readlink(current).catch(() => null);
    if (pointed === null) return null;
    // As the kernel resolves it: `..` in the link applies to the real directory the link is in.
    current = resolve(await realpath(dirname(current)).catch(() => dirname(current)), pointed);
    if (isDescriptor(current)) return null;
  }
  return null;
}

/**
 * Whether `writeFilesAtomic` writes `target` in place rather than through a temporary file renamed
 * over it: a device, a pipe, a process's descriptor (`/dev/stdout`), also at the end of links. Such
 * a target must itself be writable; any other is replaced from its directory.
 */
export async function writtenInPlace(target: string): Promise<boolean> {
  return (await renameTarget(target)) === null;
}

/**
 * Whether `path` names a process's descriptor (`/dev/stdout` → /proc/self/fd/1 → a pipe, or the
 * file behind `>`; `>(…)` → /dev/fd/63; `/dev/fd/1` given as it is): written in place, never
 * renamed over — a pipe has no file to replace, and the file behind `>` holds what the command
 * printed before.
 */
function isDescriptor(path: string): boolean {
  return path.startsWith('/proc/') || path.startsWith('/dev/fd/');
}

/**
 * Writes `content` into `target` itself (opened for writing, truncated), for the targets
 * {@link renameTarget} writes in place; not flushed with `fsync`, which a pipe or a terminal refuses. Returns the
 * bytes written; a file system error becomes `IO_FAILED` naming `target`.
 */
async function writeInPlace(target: string, content: OutputContent, written: (bytes: number) => void, creating = false): Promise<number> {
  let handle: FileHandle | undefined;
  try {
    // A device or a pipe takes the text as it comes.
    handle = await fileSystem(open(target, 'w'));
    const bytes = await writeContent(handle, content, written);
    const closing = handle;
    handle = undefined;
    await fileSystem(closing.close());
    return bytes;
  } catch (failure) {
    await handle?.close().catch(() => undefined);
    if (!(failure instanceof FileSystemFailure)) throw failure;
    throw ioFailed(target, failure.error, dirname(target), creating);
  }
}

/**
 * Writes several files all-or-nothing as far as the file system allows: every file is first
 * written to a temporary file in its target's directory (chunk by chunk, flushed to disk); only
 * when all of them are written are they renamed over their targets. A failure removes the
 * temporary files (an interrupt too, when `temporaryFiles` registers them with a handler that
 * does); a file system failure throws an `EnsembleError` with code `IO_FAILED` naming the path. So
 * a reader never sees a partial file and, if anything fails before the renames, no target is
 * touched. A target that is a symbolic link has the file it names replaced so (the link stays);
 * one that is no regular file (`/dev/null`, `/dev/stdout`, a named pipe) is written in place
 * instead, once every other file is written to its temporary file and before the renames, so the
 * device stays what it is. Returns each file's path and size in bytes, in the order given.
 */
export async function writeFilesAtomic(files: readonly OutputFile[], given: WriteFilesOptions = {}): Promise<WrittenFile[]> {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('writeFilesAtomic', [arrayIssue(files, 'files', 'the files to write (an array of { path, content })'), writeOptionsIssue(given)]);
  // Each file too: one without a path or content failed inside (a TypeError, or an error naming no file).
  checkArguments('writeFilesAtomic', files.map((file, k) => outputFileIssue(file, `files[${String(k)}]`)));
  const options = nullAsAbsent(given, {});
  const registry = options.temporaryFiles ?? NO_REGISTRY;
  const pending: { temporary: string; target: string; shown: string }[] = [];
  const sizes: WrittenFile[] = [];
  let bytesSoFar = 0;
  const written = (bytes: number) => {
    bytesSoFar += bytes;
    options.onProgress?.(bytesSoFar);
  };
  try {
    const renamed = await Promise.all(files.map((file) => renameTarget(file.path)));
    const bytesOf = new Map<number, number>();
    for (const [k, file] of files.entries()) {
      const target = renamed[k];
      if (target === null || target === undefined) continue;
      const { temporary, bytes } = await writeTemporary(target, file.content, written, options, registry, file.path);
      pending.push({ temporary, target, shown: file.path });
      bytesOf.set(k, bytes);
    }
    for (const [k, file] of files.entries()) {
      if (renamed[k] === null) bytesOf.set(k, await writeInPlace(file.path, file.content, written, options.createDirectories === true));
    }
    for (const [k, file] of files.entries()) sizes.push({ path: file.path, bytes: bytesOf.get(k) ?? 0 });
    for (let next = pending[0]; next !== undefined; next = pending[0]) {
      try {
        await rename(next.temporary, next.target);
      } catch (error) {
        throw ioFailed(next.shown, error, dirname(next.target));
      }
      registry.release(next.temporary);
      pending.shift();
    }
    return sizes;
  } finally {
    await Promise.all(pending.map(({ temporary }) => rm(temporary, { force: true }).catch(() => undefined)));
    for (const { temporary } of pending) registry.release(temporary);
  }
}

/**
 * Writes one file atomically: into a temporary file in the same directory (flushed to disk), then
 * renamed over `target`, so a reader sees the old file or the whole new one, never a part. See
 * {@link writeFilesAtomic}; returns the path and size in bytes.
 */
export async function writeFileAtomic(target: string, content: OutputContent, options: WriteFilesOptions = {}): Promise<WrittenFile> {
  checkArguments('writeFileAtomic', [stringIssue(target, 'target', 'the path of the file to write (a string)'), contentIssue(content, 'content'), writeOptionsIssue(options)]);
  const [written] = await writeFilesAtomic([{ path: target, content }], nullAsAbsent(options, {}));
  return written ?? { path: target, bytes: 0 };
}
