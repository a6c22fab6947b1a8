import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, EnsembleError } from '@ensemble/protocol';
import { releaseTemporaryFile, trackTemporaryFile } from './temporary-files';

/** What a file holds: its UTF-8 text, or the text in chunks (e.g. from `jsonTextChunks`), read once while it is written. */
export type OutputContent = string | Iterable<string>;

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

/** Options of {@link writeFilesAtomic}. */
export interface WriteFilesOptions {
  /** Called with the bytes written so far (all files together) after each chunk, e.g. for a progress display. */
  readonly onProgress?: ((bytes: number) => void) | undefined;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** An error of the file system (not of the content being written), to report as `IO_FAILED`. */
class FileSystemFailure extends Error {
  constructor(readonly error: unknown) {
    super(reason(error), { cause: error });
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
  for (const chunk of typeof content === 'string' ? [content] : content) {
    const buffer = Buffer.from(chunk, 'utf8');
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
 * Writes `content` to a new temporary file next to `target` (registered for removal on an
 * interrupt, flushed to disk) and returns its path and size. On failure the temporary file is
 * removed; a file system error becomes `IO_FAILED` naming `target`, an error of the content (its
 * chunks failed to render) is thrown as it is.
 */
async function writeTemporary(target: string, content: OutputContent, written: (bytes: number) => void): Promise<{ temporary: string; bytes: number }> {
  const temporary = temporaryPathFor(target);
  trackTemporaryFile(temporary);
  let handle: FileHandle | undefined;
  try {
    handle = await fileSystem(open(temporary, 'wx'));
    const bytes = await writeContent(handle, content, written);
    await fileSystem(handle.sync());
    const closing = handle;
    handle = undefined;
    await fileSystem(closing.close());
    return { temporary, bytes };
  } catch (failure) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true });
    releaseTemporaryFile(temporary);
    if (!(failure instanceof FileSystemFailure)) throw failure;
    throw new EnsembleError('IO_FAILED', `Could not write ${target}: ${reason(failure.error)}. Check that its directory exists and is writable.`, {
      cause: failure.error,
    });
  }
}

/**
 * Writes several files all-or-nothing as far as the file system allows: every file is first
 * written to a temporary file in its target's directory (chunk by chunk, flushed to disk); only
 * when all of them are written are they renamed over their targets. A failure — or an interrupt
 * (SIGINT, SIGTERM: the CLI then exits 130 or 143) — removes the temporary files; a file system
 * failure throws an `EnsembleError` with code `IO_FAILED` naming the path. So a reader never sees a
 * partial file and, if anything fails before the renames, no target is touched. Returns each
 * file's path and size in bytes, in the order given.
 */
export async function writeFilesAtomic(files: readonly OutputFile[], options: WriteFilesOptions = {}): Promise<WrittenFile[]> {
  const pending: { temporary: string; target: string }[] = [];
  const sizes: WrittenFile[] = [];
  let bytesSoFar = 0;
  const written = (bytes: number) => {
    bytesSoFar += bytes;
    options.onProgress?.(bytesSoFar);
  };
  try {
    for (const file of files) {
      const { temporary, bytes } = await writeTemporary(file.path, file.content, written);
      pending.push({ temporary, target: file.path });
      sizes.push({ path: file.path, bytes });
    }
    for (let next = pending[0]; next !== undefined; next = pending[0]) {
      try {
        await rename(next.temporary, next.target);
      } catch (error) {
        throw new EnsembleError('IO_FAILED', `Could not write ${next.target}: ${reason(error)}.`, { cause: error });
      }
      releaseTemporaryFile(next.temporary);
      pending.shift();
    }
    return sizes;
  } finally {
    await Promise.all(pending.map(({ temporary }) => rm(temporary, { force: true })));
    for (const { temporary } of pending) releaseTemporaryFile(temporary);
  }
}

/** Writes one file atomically (temporary file in the same directory, flushed, then renamed); see {@link writeFilesAtomic}. */
export async function writeFileAtomic(target: string, content: OutputContent, options: WriteFilesOptions = {}): Promise<WrittenFile> {
  const [written] = await writeFilesAtomic([{ path: target, content }], options);
  return written ?? { path: target, bytes: 0 };
}

/** Something text can be streamed to: `write` returns false when its buffer is full, and `once('drain')` says when to go on. */
export interface ChunkSink {
  write(text: string): unknown;
  once?(event: 'drain', listener: () => void): unknown;
}

/**
 * Writes the chunks to `sink` (e.g. `process.stdout`) in order, waiting for `drain` whenever
 * `write` returns false (backpressure), so the text is never held whole. Returns the bytes written.
 */
export async function writeChunks(sink: ChunkSink, content: OutputContent, onProgress?: (bytes: number) => void): Promise<number> {
  let bytes = 0;
  for (const chunk of typeof content === 'string' ? [content] : content) {
    bytes += Buffer.byteLength(chunk, 'utf8');
    if (sink.write(chunk) === false && sink.once !== undefined) {
      const once = sink.once.bind(sink);
      await new Promise<void>((resolve) => once('drain', resolve));
    }
    onProgress?.(bytes);
  }
  return bytes;
}

/**
 * Checks, before any work starts, that `target` can be written: its directory exists and is
 * writable, and `target` is not a directory. Throws a `ConfigError` naming `flag` (e.g. `--json`)
 * and the path otherwise.
 */
export async function checkOutputPath(target: string, flag: string): Promise<void> {
  const directory = path.dirname(target);
  const fail = (message: string): never => {
    throw new ConfigError([{ path: flag, message }], { source: 'the command line' });
  };
  const directoryStat = await stat(directory).catch(() => null);
  if (directoryStat === null) fail(`cannot write ${target}: the directory ${directory} does not exist; create it first`);
  else if (!directoryStat.isDirectory()) fail(`cannot write ${target}: ${directory} is not a directory`);
  const targetStat = await stat(target).catch(() => null);
  if (targetStat?.isDirectory() === true) fail(`cannot write ${target}: it is a directory; give a file name`);
  const writable = await access(directory, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable) fail(`cannot write ${target}: the directory ${directory} is not writable`);
}
