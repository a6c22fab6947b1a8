import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startRedisServer } from '@ensemble/research-redis/testing';
import type { TestRedisServer } from '@ensemble/research-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const app = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-queue-'));
const at = (name: string): string => path.join(scratch, name);

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every wait on a child is bounded: past this the child is killed and the test fails on its exit code. */
const CHILD_LIMIT_MS = 60_000;

/** Starts the real CLI from the package directory (where tsx resolves); resolves when it exits, killing it after `limitMs`. */
function cli(args: readonly string[], limitMs = CHILD_LIMIT_MS, onStart?: (child: ChildProcess) => void): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@ensemble/source', '--import', 'tsx', bin, ...args], { cwd: app, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
    onStart?.(child);
  });
}

const spec = {
  config: {
    data: { dataset: 'sp500', from: '2012-01-01', to: '2014-12-31' },
    strategies: [{ id: 'trend', strategy: 'sma-crossover', params: { fast: 10, slow: 50 }, symbols: ['SP500'] }],
  },
  parameters: [{ path: 'strategies.trend.params.fast', values: [5, 10, 20] }],
  objective: 'sharpe',
};

let server: TestRedisServer;
beforeAll(async () => {
  writeFileSync(at('sweep.json'), JSON.stringify(spec));
  server = await startRedisServer();
}, 30_000);
afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('ensemble sweep --queue, ensemble worker, ensemble queue', () => {
  it('a worker and a coordinator write the same results.json as a local sweep; status reports it, clean removes it', async () => {
    const local = await cli(['sweep', '--spec', at('sweep.json'), '--out', at('local'), '--workers', '1', '--no-progress']);
    expect(local.code).toBe(0);

    let worker: ChildProcess | undefined;
    const workerDone = cli(['worker', '--queue', server.url, '--concurrency', '2', '--cache-dir', at('cache'), '--log-level', 'warn'], 3 * CHILD_LIMIT_MS, (child) => {
      worker = child;
    });
    try {
      const queued = await cli(['sweep', '--spec', at('sweep.json'), '--out', at('queued'), '--queue', server.url, '--no-progress', '--queue-timeout', '5s']);
      expect(queued.stderr).toBe('');
      expect(queued.code).toBe(0);
      expect(queued.stdout).toContain('3 run: 3 ok, 0 failed, 0 timed out');
      expect(readFileSync(at('queued/results.json'), 'utf8')).toBe(readFileSync(at('local/results.json'), 'utf8'));
      expect(readFileSync(at('queued/best-config.json'), 'utf8')).toBe(readFileSync(at('local/best-config.json'), 'utf8'));
    } finally {
      worker?.kill('SIGINT');
    }
    const stopped = await workerDone;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/stopped: 3 jobs done/);

    const { sweepId } = JSON.parse(readFileSync(at('queued/results.json'), 'utf8')) as { sweepId: string };
    const status = await cli(['queue', 'status', '--queue', server.url, sweepId, '--json']);
    expect(status.code).toBe(0);
    const [entry] = JSON.parse(status.stdout) as { sweepId: string; total: number; done: number; failed: number; workers: { completed: number }[] }[];
    expect(entry).toMatchObject({ sweepId, total: 3, done: 3, failed: 0 });
    expect(entry?.workers.reduce((sum, one) => sum + one.completed, 0)).toBe(3);
    const readable = await cli(['queue', 'status', '--queue', server.url]);
    expect(readable.stdout).toContain(`sweep ${sweepId}`);
    expect(readable.stdout).toContain('3 done');

    const clean = await cli(['queue', 'clean', '--queue', server.url, sweepId]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(new RegExp(`removed sweep ${sweepId}: [1-9]\\d* keys`));
    const gone = await cli(['queue', 'status', '--queue', server.url, sweepId]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`no sweep ${sweepId}`);
  }, 240_000);

  it('exits 1 without printing the password when Redis cannot be reached', async () => {
    const port = await freePort();
    const outcome = await cli(['sweep', '--spec', at('sweep.json'), '--out', at('unreachable'), '--queue', `redis://:secret@127.0.0.1:${String(port)}/0`, '--queue-timeout', '2s', '--no-progress'], 30_000);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('127.0.0.1');
    expect(`${outcome.stdout}${outcome.stderr}`).not.toContain('secret');
  }, 60_000);
});
