import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, withDirectoryLock } from './directory-lock';

const root = mkdtempSync(join(tmpdir(), 'ensemble-lock-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

let directories = 0;
function freshDirectory(): string {
  const directory = join(root, `d${String(directories++)}`);
  mkdirSync(directory);
  return directory;
}

// Regression: two sweeps given the same --out at once both exited 0 saying "wrote …", while one's
// results and journal replaced the other's.
describe('withDirectoryLock', () => {
  it('refuses a second run into a directory while one holds it, naming the holder; frees it when the first settles', async () => {
    const out = freshDirectory();
    let release = (): void => undefined;
    const first = withDirectoryLock(
      out,
      () =>
        new Promise<string>((resolve) => {
          release = () => {
            resolve('first');
          };
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const holder = JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8')) as { pid: number; host: string; started: string };
    expect(holder.pid).toBe(process.pid);
    await expect(withDirectoryLock(out, () => Promise.resolve('second'))).rejects.toMatchObject({
      code: 'IO_FAILED',
      message: `The output directory "${out}" is in use by another sweep or walk-forward (process ${String(process.pid)}, started ${holder.started}): its results would replace each other. Wait for it to finish, or give --out another directory. If no such run is going on, remove "${join(out, LOCK_FILE)}".`,
    });
    release();
    await expect(first).resolves.toBe('first');
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    await expect(withDirectoryLock(out, () => Promise.resolve('third'))).resolves.toBe('third');
    // Freed when the work fails too.
    await expect(withDirectoryLock(out, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('takes over the lock of a run no longer running on this machine', async () => {
    const out = freshDirectory();
    // A process that has exited: its id is free (reused only after the id space wraps).
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), started: '2026-01-01T00:00:00.000Z' }));
    await expect(withDirectoryLock(out, () => Promise.resolve('taken over'))).resolves.toBe('taken over');
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  // Regression: runs started together against a stale lock each removed it and made their own,
  // one deleting another's: several ran (5 times in 15 with three processes).
  it('lets one run only take over a stale lock when several start at once', async () => {
    const out = freshDirectory();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: Number(gone.stdout), host: hostname(), started: '2026-01-01T00:00:00.000Z' }));
    let inside = 0;
    let most = 0;
    const runs = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        withDirectoryLock(out, async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 50));
          inside--;
        }),
      ),
    );
    expect(runs.filter((run) => run.status === 'fulfilled')).toHaveLength(1);
    expect(most).toBe(1);
    for (const run of runs) if (run.status === 'rejected') expect(String(run.reason)).toContain('is in use by another sweep or walk-forward');
    expect(readdirSync(out)).toEqual([]);
  });

  // A container's process 1 restarted after a kill has the id of the run that left the lock.
  it('takes over a lock naming this process that it does not hold, and not one it holds under another spelling', async () => {
    const out = freshDirectory();
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), started: '2026-01-01T00:00:00.000Z', token: 'an-earlier-run' }));
    await expect(withDirectoryLock(out, () => Promise.resolve('restarted'))).resolves.toBe('restarted');
    // The same directory written two ways, in one process: the second is refused (held by token, not by path).
    let release = (): void => undefined;
    const first = withDirectoryLock(
      out,
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(withDirectoryLock(join(out, '.', '..', basename(out)), () => Promise.resolve())).rejects.toThrow('is in use by another sweep or walk-forward');
    release();
    await first;
    expect(readdirSync(out)).toEqual([]);
  });

  it("refuses another machine's lock, or one it cannot read, saying to remove it if no run holds it", async () => {
    const out = freshDirectory();
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: 1, host: 'elsewhere', started: '2026-01-01T00:00:00.000Z' }));
    await expect(withDirectoryLock(out, () => Promise.resolve('no'))).rejects.toThrow('is in use by another sweep or walk-forward (process 1 on "elsewhere", started 2026-01-01T00:00:00.000Z)');
    writeFileSync(join(out, LOCK_FILE), 'not json');
    await expect(withDirectoryLock(out, () => Promise.resolve('no'))).rejects.toThrow(`is in use by another sweep or walk-forward: its results would replace each other. Wait for it to finish, or give --out another directory. If no such run is going on, remove "${join(out, LOCK_FILE)}".`);
    expect(readFileSync(join(out, LOCK_FILE), 'utf8')).toBe('not json');
  });
});
