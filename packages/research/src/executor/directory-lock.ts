import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { EnsembleError, MAX_LINE_LENGTH, quoteValue } from '@ensemble/protocol';

/** The lock's file name in a research output directory, present while a sweep or walk-forward writes there. */
export const LOCK_FILE = '.ensemble-lock';

/** What a lock file says about the run holding it. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  /** Random, per lock made: which of this process's locks it is. */
  readonly token?: string;
}

function holderOf(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder> | null;
    if (typeof value?.pid !== 'number' || typeof value.host !== 'string' || typeof value.started !== 'string') return null;
    return { pid: value.pid, host: value.host, started: value.started, ...(typeof value.token === 'string' ? { token: value.token } : {}) };
  } catch {
    return null;
  }
}

/** Whether process `pid` of this machine is running (EPERM: it is, owned by another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Runs `work` holding the lock of research output directory `outDir` (which must exist): a file
 * {@link LOCK_FILE} naming this process, made with an exclusive create and removed when `work`
 * settles. Two sweeps given the same `--out` at once each journalled and wrote their outputs
 * there, both reporting success while one's results replaced the other's; the second is now
 * refused (`IO_FAILED`, exit 2) naming the run that holds the directory. A lock left by a run that
 * is no longer running on this machine (killed) is taken over — by one run only, when several
 * start at once; one of another machine (a shared file system, or a container with another host
 * name) or that cannot be read is refused, saying to remove it if no run holds it.
 */
export async function withDirectoryLock<T>(outDir: string, work: () => Promise<T>): Promise<T> {
  const file = join(outDir, LOCK_FILE);
  const host = hostname();
  const token = randomBytes(8).toString('hex');
  const mine = `${JSON.stringify({ pid: process.pid, host, started: new Date().toISOString(), token })}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(mine);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw lockFailure(outDir, file, error);
      const text = await readFile(file, 'utf8').catch(() => null);
      // Gone meanwhile (its run finished): try again.
      if (text === null && attempt < MAX_ATTEMPTS) continue;
      const holder = text === null ? null : holderOf(text);
      if (text === null || holder?.host !== host || !stale(holder) || attempt >= MAX_ATTEMPTS) throw inUse(outDir, file, holder, host);
      // Removed only if it is still the stale lock that was read; then the exclusive create is
      // tried again (a run arriving meanwhile may make its lock first: it then holds the directory).
      await takeOver(file, text);
    }
  }
  held.add(token);
  try {
    return await work();
  } finally {
    held.delete(token);
    await rm(file, { force: true }).catch(() => undefined);
  }
}

/** How many times a lock is tried for (a stale one taken over, or one that went meanwhile). */
const MAX_ATTEMPTS = 3;

/** The tokens of the locks this process holds now. */
const held = new Set<string>();

/**
 * Whether the run that made a lock of this machine is gone: its process no longer runs, or it is
 * this process, which does not hold that lock (a container's process 1 restarted after a kill: the
 * same id, another run).
 */
function stale(holder: LockHolder): boolean {
  if (holder.pid === process.pid) return holder.token === undefined || !held.has(holder.token);
  return !running(holder.pid);
}

/** A takeover guard older than this (ms) was left by a run killed while taking a lock over. */
const GUARD_STALE_MS = 10_000;

/**
 * Removes the stale lock `file` whose text was `text`, unless it has changed since — under a guard
 * file made with an exclusive create, so that of several runs that read the same stale lock only
 * one removes it, and none removes a lock another has just made. Another run holding the guard:
 * nothing is removed (the caller tries again, then reports the holder).
 */
async function takeOver(file: string, text: string): Promise<void> {
  const guard = `${file}.takeover`;
  try {
    await (await open(guard, 'wx')).close();
  } catch {
    const since = await stat(guard).then((info) => Date.now() - info.mtimeMs, () => 0);
    if (since > GUARD_STALE_MS) await rm(guard, { force: true }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return;
  }
  try {
    if ((await readFile(file, 'utf8').catch(() => null)) === text) await rm(file, { force: true });
  } finally {
    await rm(guard, { force: true }).catch(() => undefined);
  }
}

function inUse(outDir: string, file: string, holder: LockHolder | null, host: string): EnsembleError {
  const who =
    holder === null
      ? 'another sweep or walk-forward'
      : `another sweep or walk-forward (process ${String(holder.pid)}${holder.host === host ? '' : ` on ${quoteValue(holder.host)}`}, started ${holder.started})`;
  return new EnsembleError(
    'IO_FAILED',
    `The output directory ${quoteValue(outDir, MAX_LINE_LENGTH)} is in use by ${who}: its results would replace each other. Wait for it to finish, or give --out another directory. If no such run is going on, remove ${quoteValue(file, MAX_LINE_LENGTH)}.`,
  );
}

function lockFailure(outDir: string, file: string, error: unknown): EnsembleError {
  const code = (error as { code?: unknown }).code;
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied; choose a directory you can write to' : error instanceof Error ? error.message : String(error);
  return new EnsembleError('IO_FAILED', `Cannot write ${quoteValue(file, MAX_LINE_LENGTH)} in the output directory ${quoteValue(outDir, MAX_LINE_LENGTH)}: ${why}.`, { cause: error });
}
