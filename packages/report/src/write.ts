import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EnsembleError } from '@ensemble/protocol';

function describe(error: unknown, directory: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `the directory ${directory} does not exist (create it first, or pass createDirectories: true)`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied in ${directory}`;
  if (code === 'EISDIR') return 'a directory is in the way';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes `data` to `path` atomically: into a temporary file in the same directory (flushed to
 * disk), then renamed over `path`, so a reader sees the old file or the whole new one, never a
 * part. On failure the temporary file is removed and an `EnsembleError` with code `IO_FAILED`
 * naming `path` is thrown. The directory must exist unless `createDirectory` is true.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: { createDirectory?: boolean } = {}): Promise<void> {
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    if (options.createDirectory === true) await mkdir(directory, { recursive: true });
    const handle = await open(temporary, 'wx');
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    if (created) await rm(temporary, { force: true }).catch(() => undefined);
    throw new EnsembleError(
      'IO_FAILED',
      `Could not write ${path}: ${describe(error, directory)}.`,
      { cause: error },
    );
  }
}
