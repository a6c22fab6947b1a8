import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, EnsembleError } from '@ensemble/protocol';

/** A file to write: an absolute (or cwd-relative) path and its UTF-8 text. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

async function writeTemporary(target: string, content: string): Promise<string> {
  const temporary = temporaryPathFor(target);
  let created = false;
  try {
    const handle = await open(temporary, 'wx');
    created = true;
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temporary;
  } catch (error) {
    if (created) await rm(temporary, { force: true });
    throw new EnsembleError('IO_FAILED', `Could not write ${target}: ${reason(error)}. Check that its directory exists and is writable.`, {
      cause: error,
    });
  }
}

/**
 * Writes several files all-or-nothing as far as the file system allows: every file is first
 * written to a temporary file in its target's directory (flushed to disk); only when all of them
 * are written are they renamed over their targets. A failure removes the temporary files and
 * throws an `EnsembleError` with code `IO_FAILED` naming the path, so a reader never sees a
 * partial file and, if anything fails before the renames, no target is touched.
 */
export async function writeFilesAtomic(files: readonly OutputFile[]): Promise<void> {
  const written: { temporary: string; target: string }[] = [];
  try {
    for (const file of files) written.push({ temporary: await writeTemporary(file.path, file.content), target: file.path });
    while (written.length > 0) {
      const next = written[0];
      if (next === undefined) break;
      try {
        await rename(next.temporary, next.target);
      } catch (error) {
        throw new EnsembleError('IO_FAILED', `Could not write ${next.target}: ${reason(error)}.`, { cause: error });
      }
      written.shift();
    }
  } finally {
    await Promise.all(written.map(({ temporary }) => rm(temporary, { force: true })));
  }
}

/** Writes one file atomically (temporary file in the same directory, flushed, then renamed); see {@link writeFilesAtomic}. */
export async function writeFileAtomic(target: string, content: string): Promise<void> {
  await writeFilesAtomic([{ path: target, content }]);
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
