import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shortSweepId, sweepStatus } from '@ensemble/research-redis';
import { freePort, startRedisServer } from '@ensemble/research-redis/testing';
import type { TestRedisServer } from '@ensemble/research-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';
import { startCli } from '../testing/spawn-cli';
import type { CliOutcome } from '../testing/spawn-cli';
import { renderSweepStatus } from './queue';

const app = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-queue-'));
const at = (name: string): string => path.join(scratch, name);

/** Every wait on a child is bounded: past this the child is killed and the test fails on its exit code. */
const CHILD_LIMIT_MS = 60_000;

/** The real CLI, every wait bounded (see `startCli`). */
function cli(args: readonly string[], limitMs = CHILD_LIMIT_MS, onStart?: (child: ChildProcess) => void): Promise<CliOutcome> {
  return startCli(args, { cwd: app, limitMs, ...(onStart === undefined ? {} : { onStart }) });
}

/** Polls `check` every 50 ms until it holds, at most `timeoutMs`; false when it never did. */
async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
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
    const workerDone = cli(['worker', '--queue', server.url, '--concurrency', '2', '--cache-dir', at('cache'), '--log-level', 'info', '--log-json'], 3 * CHILD_LIMIT_MS, (child) => {
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
    // One JSON line per job finished: which job, sweep, combination and attempt, how long, the outcome.
    const finished = stopped.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'job finished');
    expect(finished.map((line) => line.index).sort()).toEqual([0, 1, 2]);
    for (const line of finished) {
      expect(line).toMatchObject({ level: 30, component: 'queue-worker', attempt: 1, outcome: 'ok', counted: true, durationMs: expect.any(Number) });
      expect(line.jobId).toBe(`${String(line.sweepId)}-${String(line.index)}`);
    }

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

  it('a worker stopped with Ctrl-C twice hands its running job back at once; the sweep removed under its waiting coordinator fails it (exit 1) saying --resume goes on', async () => {
    // A strategy that blocks its thread for two minutes: the job is still running when the worker
    // is stopped. The children may take 150 s in all (a loaded machine starts them slowly); "at
    // once" is measured from the second Ctrl-C.
    const slow = `import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';

export default defineStrategy({
  name: 'blocker',
  kind: 'signal',
  description: 'Blocks its thread for pauseMs once, then stays flat.',
  params: z.strictObject({ pauseMs: z.number().int().min(0).max(120000).default(0) }),
  create: ({ pauseMs }) => {
    let paused = false;
    return {
      warmup: 1,
      shouldEnter: () => {
        if (!paused) {
          paused = true;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
        }
        return null;
      },
      shouldExit: () => false,
    };
  },
});
`;
    mkdirSync(at('blocking'), { recursive: true });
    writeFileSync(at('blocker.ts'), slow);
    writeFileSync(at('blocking/blocker.ts'), slow);
    const queue = ['--queue', server.url, '--queue-prefix', 'handback'];
    let worker: ChildProcess | undefined;
    let workerErr = '';
    const slowLimitMs = 150_000;
    const workerDone = cli(['worker', ...queue, '--strategies-dir', at('blocking'), '--cache-dir', at('cache-handback'), '--log-level', 'info', '--log-json'], slowLimitMs, (child) => {
      worker = child;
      child.stderr?.on('data', (chunk: Buffer) => (workerErr += chunk.toString()));
    });
    const coordinator = cli(['sweep', '--strategy', at('blocker.ts'), '--data', 'sp500', '--from', '2019-01-01', '--vary', 'pauseMs=120000', '--out', at('handback'), ...queue, '--no-progress', '--queue-timeout', '5s'], slowLimitMs);
    let stopping = false;
    let secondStop = Number.NaN;
    try {
      expect(await waitFor(() => workerErr.includes('"msg":"job taken"'), CHILD_LIMIT_MS)).toBe(true);
      worker?.kill('SIGINT');
      expect(await waitFor(() => workerErr.includes('Ctrl-C again'), CHILD_LIMIT_MS)).toBe(true);
      worker?.kill('SIGINT');
      secondStop = Date.now();
      stopping = true;
    } finally {
      if (!stopping) worker?.kill('SIGKILL');
    }
    const stopped = await workerDone;
    // Well before the job's two minutes: the thread was not waited for.
    expect(Date.now() - secondStop).toBeLessThan(30_000);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('SIGINT: handing the running jobs back to the queue');
    expect(stopped.stderr).toContain('"why":"stopped: the worker is stopping and did not wait for it","msg":"job handed back"');
    // Back in the queue at once, for another worker: not held under a lock until it expires.
    const [status] = await sweepStatus({ url: server.url, prefix: 'handback' });
    expect(status).toMatchObject({ total: 1, done: 0, waiting: 1, active: 0, failed: 0 });
    const clean = await cli(['queue', 'clean', ...queue, shortSweepId(status?.sweepId ?? ''), '--force']);
    expect(clean.code).toBe(0);
    const failed = await coordinator;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`error: Sweep ${shortSweepId(status?.sweepId ?? '')} was removed from Redis while this coordinator waited for its results`);
    expect(failed.stderr).toContain(`The jobs that finished are kept in ${path.join(at('handback'), 'journal.jsonl')}: run the same command with --resume to go on.`);
  }, 240_000);

  it('exits 1 without printing the password when Redis cannot be reached', async () => {
    const port = await freePort();
    const outcome = await cli(['sweep', '--spec', at('sweep.json'), '--out', at('unreachable'), '--queue', `redis://:secret@127.0.0.1:${String(port)}/0`, '--queue-timeout', '2s', '--no-progress'], 30_000);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('127.0.0.1');
    expect(`${outcome.stdout}${outcome.stderr}`).not.toContain('secret');
  }, 60_000);
});

/** Runs the CLI in this process (no Redis is reached by these cases). */
async function inProcess(args: readonly string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('queue flags and help', () => {
  it('documents every queue command with examples', async () => {
    for (const command of [['worker'], ['queue', 'status'], ['queue', 'clean'], ['sweep'], ['walk-forward']]) {
      const help = await inProcess([...command, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toContain('--queue <redis-url>');
      expect(help.out).toContain('--queue-prefix <prefix>');
      expect(help.out).toContain('Examples:');
      expect(help.out).toMatch(/^ {2}\$ ensemble .*--queue rediss?:\/\//m);
    }
    // Every outcome a worker logs is explained, the two of a job that threw included.
    const worker = (await inProcess(['worker', '--help'])).out.replace(/\s+/g, ' ');
    for (const outcome of ['ok, failed or timed-out', 'rejected when it failed for good without a retry', 'error when it threw and goes back to the queue']) expect(worker).toContain(outcome);
    // The short id the summary prints works in status and clean.
    for (const command of ['status', 'clean']) expect((await inProcess(['queue', command, '--help'])).out.replace(/\s+/g, ' ')).toContain('unique prefix of 12');
  });

  it('refuses --workers and --job-timeout with --queue, and a bad URL, with exit 2 and the password hidden', async () => {
    const workers = await inProcess(['sweep', '--spec', at('sweep.json'), '--out', at('x'), '--queue', 'redis://127.0.0.1:1/0', '--workers', '2']);
    expect(workers.code).toBe(2);
    expect(workers.err).toContain('--workers has no effect with --queue');
    const timeout = await inProcess(['sweep', '--spec', at('sweep.json'), '--out', at('x'), '--queue', 'redis://127.0.0.1:1/0', '--job-timeout', '5s']);
    expect(timeout.code).toBe(2);
    expect(timeout.err).toContain('--job-timeout has no effect with --queue');
    const url = await inProcess(['queue', 'status', '--queue', 'http://:hunter2@127.0.0.1:1/0']);
    expect(url.code).toBe(2);
    expect(url.err).toContain('--queue');
    expect(url.err).not.toContain('hunter2');
    // A prefix no coordinator can use is refused by every command, not only by sweep.
    for (const command of [['worker'], ['queue', 'status']]) {
      const prefix = await inProcess([...command, '--queue', 'redis://127.0.0.1:1/0', '--queue-prefix', 'a b']);
      expect(prefix.code).toBe(2);
      expect(prefix.err).toContain('--queue-prefix: "a b" is not a valid name');
    }
    const concurrency = await inProcess(['worker', '--queue', 'redis://127.0.0.1:1/0', '--concurrency', 'two']);
    expect(concurrency.code).toBe(2);
    expect(concurrency.err).toContain('--concurrency');
    // Directories a worker could not use fail it at start (before Redis), not every job it takes.
    writeFileSync(at('a-file'), 'not a directory\n');
    const directories = await inProcess(['worker', '--queue', 'redis://127.0.0.1:1/0', '--strategies-dir', at('missing'), '--cache-dir', path.join(at('a-file'), 'cache')]);
    expect(directories.code).toBe(2);
    expect(directories.err).toContain(`  - --strategies-dir ${at('missing')}: does not exist; give the directory the worker loads strategy modules from\n`);
    expect(directories.err).toContain(`  - --cache-dir ${path.join(at('a-file'), 'cache')}: a part of the path is a file, not a directory; give a directory the worker can create and write to\n`);
    const empty = await inProcess(['worker', '--queue', 'redis://127.0.0.1:1/0', '--strategies-dir', '', '--cache-dir', ' ']);
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('  - --strategies-dir "": give a directory\n  - --cache-dir "": give a directory\n');
    const fileAsStrategies = await inProcess(['worker', '--queue', 'redis://127.0.0.1:1/0', '--strategies-dir', at('a-file')]);
    expect(fileAsStrategies.code).toBe(2);
    expect(fileAsStrategies.err).toContain('is a file, not a directory');
  });

  it('takes the password from ENSEMBLE_REDIS_PASSWORD, keeping it off the command line, and refuses it twice', async () => {
    const guarded = await startRedisServer({ password: 'env-secret' });
    try {
      const run = async (args: readonly string[], env: Record<string, string>) => {
        const io = createCapturedIo({ cwd: scratch, env });
        const code = await main(['node', 'ensemble', ...args], io);
        return { code, all: `${io.out()}${io.err()}` };
      };
      const url = `redis://127.0.0.1:${String(guarded.port)}/0`;
      const ok = await run(['queue', 'status', '--queue', url, '--queue-timeout', '5s'], { ENSEMBLE_REDIS_PASSWORD: 'env-secret' });
      expect(ok.code).toBe(0);
      const without = await run(['queue', 'status', '--queue', url, '--queue-timeout', '5s'], {});
      expect(without.code).toBe(1);
      const twice = await run(['queue', 'status', '--queue', `redis://:env-secret@127.0.0.1:${String(guarded.port)}/0`], { ENSEMBLE_REDIS_PASSWORD: 'env-secret' });
      expect(twice.code).toBe(2);
      expect(twice.all).toContain('the URL has a password and ENSEMBLE_REDIS_PASSWORD is set');
      for (const outcome of [ok, without, twice]) expect(outcome.all).not.toContain('env-secret');
    } finally {
      await guarded.close();
    }
    // The variable holds the password itself, not its URL encoding: `ab%41` used to authenticate as
    // `abA`, and `p@ss:w/rd%Z` was refused as "not valid percent-encoding".
    for (const password of ['ab%41', 'p@ss:w/rd%Z']) {
      const special = await startRedisServer({ password });
      try {
        const io = createCapturedIo({ cwd: scratch, env: { ENSEMBLE_REDIS_PASSWORD: password } });
        const code = await main(['node', 'ensemble', 'queue', 'status', '--queue', `redis://127.0.0.1:${String(special.port)}/0`, '--queue-timeout', '5s'], io);
        expect(code).toBe(0);
        expect(`${io.out()}${io.err()}`).not.toContain(password);
      } finally {
        await special.close();
      }
    }
  }, 60_000);

  it('renders a status: counts, time left at the workers\' rate, each worker', () => {
    const text = renderSweepStatus([
      { sweepId: 'abc', created: Date.UTC(2026, 0, 2), total: 10, done: 4, waiting: 5, active: 1, fetchedAhead: 0, failed: 0, foreign: 0, finished: false, phasesLeft: false, etaMs: 90_000, compatibility: null, workers: [{ workerId: 'a:1', completed: 4, perMinute: 4, lastAt: Date.UTC(2026, 0, 2, 0, 1), active: 1, fetchedAhead: 0 }] },
    ]);
    expect(text).toBe(
      'sweep abc · created 2026-01-02T00:00:00.000Z · 90 s left\n' +
        '  jobs 10: 4 done · 5 waiting · 1 active · 0 failed\n' +
        '  worker a:1: 1 active · 4 done · 4.0 jobs/min · last 2026-01-02T00:01:00.000Z\n',
    );
    // Jobs that failed for good: recorded by the coordinator as their results, so done as well, and said so.
    const failed = renderSweepStatus([
      { sweepId: 'abc', created: null, total: 2, done: 2, waiting: 0, active: 0, fetchedAhead: 0, failed: 2, foreign: 0, finished: true, phasesLeft: false, etaMs: null, compatibility: null, workers: [{ workerId: 'coordinator', completed: 2, perMinute: null, lastAt: Date.UTC(2026, 0, 2, 0, 1), active: 0, fetchedAhead: 0 }] },
    ]);
    expect(failed).toBe(
      'sweep abc · finished\n' +
        '  jobs 2: 2 done (a failure its coordinator recorded counts as done) · 0 waiting · 0 active · 2 failed\n' +
        '  coordinator: 2 failed jobs recorded as their results (the workers that tried them gave up) · last 2026-01-02T00:01:00.000Z\n',
    );
    // Jobs a worker took ahead of time are counted apart from the running ones; a worker with no result yet is listed.
    const ahead = renderSweepStatus([
      {
        sweepId: 'abc', created: null, total: 10, done: 4, waiting: 2, active: 2, fetchedAhead: 2, failed: 0, foreign: 0, finished: false, phasesLeft: false, etaMs: 90_000, compatibility: null,
        workers: [
          { workerId: 'a:1', completed: 4, perMinute: 4, lastAt: Date.UTC(2026, 0, 2, 0, 1), active: 1, fetchedAhead: 1 },
          { workerId: 'b:2', completed: 0, perMinute: null, lastAt: null, active: 1, fetchedAhead: 1 },
        ],
      },
    ]);
    expect(ahead).toBe(
      'sweep abc · 90 s left\n' +
        '  jobs 10: 4 done · 2 waiting · 2 active · 2 fetched ahead · 0 failed\n' +
        '  worker a:1: 1 active · 1 fetched ahead · 4 done · 4.0 jobs/min · last 2026-01-02T00:01:00.000Z\n' +
        '  worker b:2: 1 active · 1 fetched ahead · 0 done · — jobs/min · last —\n',
    );
    const tagged = renderSweepStatus([{ sweepId: 'abc', created: null, total: 2, done: 0, waiting: 2, active: 0, fetchedAhead: 0, failed: 0, foreign: 0, finished: false, phasesLeft: false, etaMs: null, compatibility: '@ensemble/engine 0.1.0', workers: [] }]);
    expect(tagged).toBe('sweep abc · — left\n  jobs 2: 0 done · 2 waiting · 0 active · 0 failed\n  runs on workers with @ensemble/engine 0.1.0\n');
    expect(renderSweepStatus([])).toBe('no sweeps in Redis under this prefix\n');
    // Finished by its coordinator after Redis lost 83 of its 400 results (restarted without saving).
    const lost = renderSweepStatus([{ sweepId: 'abc', created: null, total: 400, done: 317, waiting: 0, active: 0, fetchedAhead: 0, failed: 0, foreign: 0, finished: true, phasesLeft: false, etaMs: null, compatibility: null, workers: [] }]);
    expect(lost).toBe(
      'sweep abc · finished\n' +
        '  its coordinator had every result; 83 of them are no longer in Redis (restarted without persistence?): its output files hold them all\n' +
        '  jobs 400: 317 done · 0 waiting · 0 active · 0 failed\n',
    );
    // Unfinished with nothing waiting or running (its coordinator stopped before enqueueing the rest): no time left to show.
    const stalled = renderSweepStatus([{ sweepId: 'abc', created: null, total: 10, done: 4, waiting: 0, active: 0, fetchedAhead: 0, failed: 0, foreign: 0, finished: false, phasesLeft: false, etaMs: null, compatibility: null, workers: [] }]);
    expect(stalled).toBe('sweep abc · no job waiting or running\n  jobs 10: 4 done · 0 waiting · 0 active · 0 failed\n');
    // A walk-forward whose coordinator stopped after its train jobs: every job queued so far is done, yet it is not finished.
    const between = renderSweepStatus([{ sweepId: 'abc', created: null, total: 15, done: 15, waiting: 0, active: 0, fetchedAhead: 0, failed: 0, foreign: 0, finished: false, phasesLeft: true, etaMs: null, compatibility: null, workers: [] }]);
    expect(between).toBe("sweep abc · between phases: its coordinator has more jobs to queue (a walk-forward's next windows); run it again to finish it\n  jobs 15: 15 done · 0 waiting · 0 active · 0 failed\n");
  });
});
