import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRedisServer } from '@ensemble/research-redis/testing';
import type { TestRedisServer } from '@ensemble/research-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgyStrategySource, writeHelperStrategy, writeResearchProject, writeThrowingStrategy } from '../testing/research-project';
import { startCli } from '../testing/spawn-cli';
import type { CliOutcome } from '../testing/spawn-cli';

// A user's project outside this repository: their CSV and TypeScript strategy file, no node_modules.
const project = mkdtempSync(path.join(tmpdir(), 'ensemble-queue-files-'));
const at = (name: string): string => path.join(project, name);
const read = (name: string): string => readFileSync(at(name), 'utf8');

/** Every wait on a child is bounded: past this the child is killed and the test fails on its exit code. */
const CHILD_LIMIT_MS = 90_000;

/** The real CLI, every wait bounded (see `startCli`). */
function cli(args: readonly string[], limitMs = CHILD_LIMIT_MS, onStart?: (child: ChildProcess) => void): Promise<CliOutcome> {
  return startCli(args, { cwd: project, limitMs, ...(onStart === undefined ? {} : { onStart }) });
}

/** Runs `ensemble worker` with `strategiesDir` while `work` runs, then stops it with Ctrl-C. */
async function withWorker(prefix: string, strategiesDir: string, work: () => Promise<void>): Promise<CliOutcome> {
  let worker: ChildProcess | undefined;
  const done = cli(['worker', '--queue', server.url, '--queue-prefix', prefix, '--strategies-dir', strategiesDir, '--cache-dir', at(`cache-${prefix}`), '--log-level', 'warn'], 3 * CHILD_LIMIT_MS, (child) => {
    worker = child;
  });
  try {
    await work();
  } finally {
    worker?.kill('SIGINT');
  }
  return done;
}

const SWEEP = ['sweep', '--config', 'run.json', '--vary', 'strategies.mine.params.period=5,10', '--no-progress'];

let server: TestRedisServer;
beforeAll(async () => {
  writeResearchProject(project);
  mkdirSync(at('workers'));
  copyFileSync(at('mine.ts'), at('workers/mine.ts'));
  mkdirSync(at('empty'));
  mkdirSync(at('stale'));
  writeFileSync(at('stale/mine.ts'), `${read('mine.ts')}// another version\n`);
  // A strategy file importing a helper: the planner's, a worker's same copy, a worker's copy with another helper.
  writeHelperStrategy(project);
  mkdirSync(at('edgy-same'));
  writeHelperStrategy(at('edgy-same'));
  mkdirSync(at('edgy-stale'));
  writeHelperStrategy(at('edgy-stale'), '1.05');
  // Two strategy files of one name in two folders, in one run config: the planner's, a worker's
  // same tree, and a worker's tree whose b/mine.ts is a's.
  const twin = (name: string, threshold: string): string => read('mine.ts').replace("name: 'my-strategy'", `name: '${name}'`).replace('period: z', `// ${threshold}\n    period: z`);
  for (const root of ['twins', 'twins-workers', 'twins-stale']) {
    mkdirSync(at(`${root}/a`), { recursive: true });
    mkdirSync(at(`${root}/b`), { recursive: true });
    writeFileSync(at(`${root}/a/mine.ts`), twin('mine-a', 'a'));
    writeFileSync(at(`${root}/b/mine.ts`), root === 'twins-stale' ? twin('mine-a', 'a') : twin('mine-b', 'b'));
  }
  writeFileSync(
    at('twins.json'),
    JSON.stringify({
      data: { file: 'prices.csv' },
      strategies: [
        { id: 'a', strategy: './twins/a/mine.ts', params: { period: 10 }, symbols: ['ABC'] },
        { id: 'b', strategy: './twins/b/mine.ts', params: { period: 20 }, symbols: ['ABC'] },
      ],
    }),
  );
  // The same, one folder deeper, both importing a helper above that folder (`lay/lib/sma.ts`), and
  // a worker's copy of the whole `lay` tree.
  for (const root of ['lay', 'wl/lay']) {
    for (const twinName of ['a', 'b']) {
      mkdirSync(at(`${root}/x/${twinName}`), { recursive: true });
      writeFileSync(at(`${root}/x/${twinName}/mine.ts`), edgyStrategySource(`lay-${twinName}`, '../../lib/sma.ts'));
    }
    mkdirSync(at(`${root}/lib`), { recursive: true });
    writeFileSync(at(`${root}/lib/sma.ts`), 'export const EDGE = 1.0;\n');
  }
  writeFileSync(
    at('lay.json'),
    JSON.stringify({
      data: { file: 'prices.csv' },
      strategies: [
        { id: 'a', strategy: './lay/x/a/mine.ts', params: { lookback: 10 }, symbols: ['ABC'] },
        { id: 'b', strategy: './lay/x/b/mine.ts', params: { lookback: 20 }, symbols: ['ABC'] },
      ],
    }),
  );
  // A strategy file whose helper throws: the planner's, and a worker's copy of the same files.
  writeThrowingStrategy(project);
  mkdirSync(at('throwing-workers'));
  writeThrowingStrategy(at('throwing-workers'));
  server = await startRedisServer();
}, 30_000);
afterAll(async () => {
  await server.close();
  rmSync(project, { recursive: true, force: true });
});

describe('a user\'s strategy file through Redis and `ensemble worker --strategies-dir`', () => {
  it('runs on a worker holding the same file, byte for byte as a local run', async () => {
    const local = await cli([...SWEEP, '--out', 'local', '--workers', '1']);
    expect(local.code).toBe(0);
    const stopped = await withWorker('same', at('workers'), async () => {
      const queued = await cli([...SWEEP, '--out', 'queued', '--queue', server.url, '--queue-prefix', 'same', '--queue-timeout', '5s']);
      expect(queued.stderr).toBe('');
      expect(queued.code).toBe(0);
      expect(queued.stdout).toContain('2 run: 2 ok, 0 failed, 0 timed out');
    });
    expect(stopped.code).toBe(130);
    for (const file of ['results.json', 'results.csv', 'best-config.json', 'summary.json']) expect(read(`queued/${file}`), file).toBe(read(`local/${file}`));
  }, 300_000);

  it('runs a sweep over one data file per symbol on a worker, byte for byte as a local run', async () => {
    // Two files of one symbol each (named after the file), of another length each; one holds the other's bytes under another name too.
    const closes = (n: number, phase: number): string => Array.from({ length: n }, (_, k) => `${new Date(Date.UTC(2019, 0, 1) + k * 86_400_000).toISOString().slice(0, 10)},${(100 + 10 * Math.sin(k / 5 + phase)).toFixed(2)}`).join('\n');
    writeFileSync(at('AAA.csv'), `date,close\n${closes(120, 0)}\n`);
    writeFileSync(at('BBB.csv'), `date,close\n${closes(100, 2)}\n`);
    writeFileSync(at('CCC.csv'), read('AAA.csv'));
    const sweep = ['sweep', '--strategy', 'sma-crossover', '--data', 'AAA.csv', '--data', 'BBB.csv', '--data', 'CCC.csv', '--vary', 'fast=3,5', '--param', 'slow=12', '--no-progress'];
    const local = await cli([...sweep, '--out', 'files-local', '--workers', '1']);
    expect(local.code).toBe(0);
    const stopped = await withWorker('files', at('workers'), async () => {
      const queued = await cli([...sweep, '--out', 'files-queued', '--queue', server.url, '--queue-prefix', 'files', '--queue-timeout', '5s']);
      expect(queued.stderr).toBe('');
      expect(queued.code).toBe(0);
      expect(queued.stdout).toContain('2 run: 2 ok, 0 failed, 0 timed out');
    });
    expect(stopped.code).toBe(130);
    for (const file of ['results.json', 'results.csv', 'best-config.json', 'summary.json']) expect(read(`files-queued/${file}`), file).toBe(read(`files-local/${file}`));
    // Every combination traded, on the three symbols: CCC, AAA's bytes under its own name, too.
    const best = JSON.parse(read('files-local/best-config.json')) as { data: { file: string[] } };
    expect(best.data.file).toEqual(['../AAA.csv', '../BBB.csv', '../CCC.csv']);
    expect((JSON.parse(read('files-local/results.json')) as { rows: { metrics: { tradeCount: number } | null }[] }).rows.every((row) => (row.metrics?.tradeCount ?? 0) > 0)).toBe(true);
  }, 300_000);

  it('fails the jobs on a worker whose copy differs or is missing, naming the file and the expected hash', async () => {
    const digest = (JSON.parse(read('local/best-config.json')) as { strategies: { module: { sha256: string } }[] }).strategies[0]?.module.sha256 ?? '';
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    const cases = [
      { prefix: 'stale', directory: at('stale'), says: 'copy the version the sweep was planned with' },
      { prefix: 'missing', directory: at('empty'), says: `which is not in this worker's strategies directory "${at('empty')}": copy it there` },
    ];
    for (const { prefix, directory, says } of cases) {
      await withWorker(prefix, directory, async () => {
        const queued = await cli([...SWEEP, '--out', `${prefix}-out`, '--queue', server.url, '--queue-prefix', prefix, '--queue-timeout', '5s']);
        // Every combination failed: the outputs are written, then the run exits 1 with the first error.
        expect(queued.code).toBe(1);
        expect(queued.stdout).toContain('2 run: 0 ok, 2 failed, 0 timed out');
        expect(queued.stderr).toContain('error: every combination of the sweep failed (2 failed, 0 timed out), so there is no best; the first, index 0');
        expect(queued.stderr).toContain(`The job needs the strategy module "mine.ts" with SHA-256 ${digest}`);
        // The command to copy is printed whole, with the short id the summary prints (which `queue clean` takes).
        const sweepId = /^Sweep ([0-9a-f]{12}) /m.exec(queued.stdout)?.[1] ?? '';
        expect(queued.stderr).toContain(`remove the sweep (ensemble queue clean --force ${sweepId}) and run it again.`);
      });
      const rows = (JSON.parse(read(`${prefix}-out/results.json`)) as { rows: { status: string; error: { code: string; message: string } | null }[] }).rows;
      for (const row of rows) {
        expect(row.status).toBe('failed');
        expect(row.error?.code).toBe('JOB_FAILED');
        expect(row.error?.message).toContain(`The job needs the strategy module "mine.ts" with SHA-256 ${digest}`);
        expect(row.error?.message).toContain(says);
        expect(row.error?.message).toMatch(/stays failed in this sweep: once every worker has the file, remove the sweep \(ensemble queue clean --force [0-9a-f]+\) and run it again/);
      }
    }
  }, 300_000);

  it('places a job\'s error in the worker\'s copy of the strategy file, where the job ran, as a local thread does', async () => {
    const sweep = ['sweep', '--strategy', './thrower/thrower.ts', '--data', 'prices.csv', '--vary', 'period=2,5', '--no-progress'];
    await withWorker('thrown', at('throwing-workers/thrower'), async () => {
      const queued = await cli([...sweep, '--out', 'thrown-queued', '--queue', server.url, '--queue-prefix', 'thrown', '--queue-timeout', '5s']);
      expect(queued.stdout).toContain('2 run: 1 ok, 1 failed, 0 timed out');
    });
    const rows = (JSON.parse(read('thrown-queued/results.json')) as { rows: { status: string; error: { message: string } | null }[] }).rows;
    // The worker ran its copy under --strategies-dir: the place is there, relative to the worker's directory.
    expect(rows.find((row) => row.status === 'failed')?.error?.message).toMatch(/^Strategy "thrower" failed on ABC at \d{4}-\d{2}-\d{2}: bad bar \(thrown at throwing-workers\/thrower\/strategies\/helper\.ts:2:\d+\)$/);
  }, 300_000);

  it('checks the files a strategy file imports where they are under --strategies-dir: the same files give the local bytes, another helper fails the jobs naming it', async () => {
    const sweep = ['sweep', '--strategy', './edgy.ts', '--data', 'prices.csv', '--vary', 'lookback=5,10', '--no-progress'];
    const local = await cli([...sweep, '--out', 'edgy-local', '--workers', '1']);
    expect(local.code).toBe(0);
    const same = await withWorker('edgy-same', at('edgy-same'), async () => {
      const queued = await cli([...sweep, '--out', 'edgy-queued', '--queue', server.url, '--queue-prefix', 'edgy-same', '--queue-timeout', '5s']);
      expect(queued.stderr).toBe('');
      expect(queued.code).toBe(0);
      expect(queued.stdout).toContain('2 run: 2 ok, 0 failed, 0 timed out');
    });
    expect(same.code).toBe(130);
    for (const file of ['results.json', 'results.csv', 'best-config.json', 'summary.json']) expect(read(`edgy-queued/${file}`), file).toBe(read(`edgy-local/${file}`));

    await withWorker('edgy-stale', at('edgy-stale'), async () => {
      const queued = await cli([...sweep, '--out', 'edgy-stale-out', '--queue', server.url, '--queue-prefix', 'edgy-stale', '--queue-timeout', '5s']);
      expect(queued.code).toBe(1);
      expect(queued.stdout).toContain('2 run: 0 ok, 2 failed, 0 timed out');
    });
    const rows = (JSON.parse(read('edgy-stale-out/results.json')) as { rows: { status: string; error: { message: string } | null }[] }).rows;
    for (const row of rows) {
      expect(row.status).toBe('failed');
      expect(row.error?.message).toContain(`but in "${at('edgy-stale/edgy.ts')}", ./edge.ts, which it imports, changed (SHA-256 now`);
      expect(row.error?.message).toContain('\nCopy the version the sweep was planned with and the files it imports (./edge.ts), at the same paths relative to it.');
      // Not cut: what to do after copying the files too.
      expect(row.error?.message).toMatch(/stays failed in this sweep: once every worker has the file, remove the sweep \(ensemble queue clean --force [0-9a-f]+\) and run it again/);
    }
  }, 300_000);

  it('runs strategy files of one name in two folders, each from its path relative to the folder holding both, as local threads do', async () => {
    const sweep = ['sweep', '--config', 'twins.json', '--vary', 'strategies.a.params.period=5,10', '--no-progress'];
    // Local threads: each thread imports both files.
    const local = await cli([...sweep, '--out', 'twins-local', '--workers', '2']);
    expect(local.stderr).toBe('');
    expect(local.code).toBe(0);
    expect(local.stdout).toContain('2 run: 2 ok, 0 failed, 0 timed out');
    const alone = await cli(['sweep', '--config', 'twins.json', '--vary', 'strategies.a.params.period=5,10', '--no-progress', '--out', 'twins-one-thread', '--workers', '1']);
    expect(alone.code).toBe(0);
    expect(read('twins-local/results.json')).toBe(read('twins-one-thread/results.json'));
    // Both sleeves ran their own file: b's sleeve has b's parameters and name in the best config.
    const best = JSON.parse(read('twins-local/best-config.json')) as { strategies: { id: string; strategy: string; module: { path: string } }[] };
    expect(best.strategies.map((entry) => [entry.id, entry.strategy, entry.module.path])).toEqual([
      ['a', 'mine-a', '../twins/a/mine.ts'],
      ['b', 'mine-b', '../twins/b/mine.ts'],
    ]);
    const same = await withWorker('twins-same', at('twins-workers'), async () => {
      const queued = await cli([...sweep, '--out', 'twins-queued', '--queue', server.url, '--queue-prefix', 'twins-same', '--queue-timeout', '5s']);
      expect(queued.stderr).toBe('');
      expect(queued.code).toBe(0);
      expect(queued.stdout).toContain('2 run: 2 ok, 0 failed, 0 timed out');
    });
    expect(same.code).toBe(130);
    for (const file of ['results.json', 'results.csv', 'best-config.json', 'summary.json']) expect(read(`twins-queued/${file}`), file).toBe(read(`twins-local/${file}`));

    // A worker whose b/mine.ts differs refuses the jobs, naming that file.
    await withWorker('twins-stale', at('twins-stale'), async () => {
      const queued = await cli([...sweep, '--out', 'twins-stale-out', '--queue', server.url, '--queue-prefix', 'twins-stale', '--queue-timeout', '5s']);
      expect(queued.code).toBe(1);
      expect(queued.stdout).toContain('2 run: 0 ok, 2 failed, 0 timed out');
    });
    const rows = (JSON.parse(read('twins-stale-out/results.json')) as { rows: { status: string; error: { message: string } | null }[] }).rows;
    for (const row of rows) {
      expect(row.status).toBe('failed');
      expect(row.error?.message).toMatch(/^The job needs the strategy module "b\/mine\.ts" with SHA-256 [0-9a-f]{64}, but /);
      expect(row.error?.message).toContain(`but "${at('twins-stale/b/mine.ts')}" has SHA-256 `);
    }
  }, 300_000);

  it('looks for files of one name at their paths relative to the folder holding them and the helpers they import, so a worker holding a copy of that folder runs them', async () => {
    // lay/x/a/mine.ts and lay/x/b/mine.ts import ../../lib/sma.ts: the folder to copy is lay, not lay/x.
    const sweep = ['sweep', '--config', 'lay.json', '--vary', 'strategies.a.params.lookback=5,10', '--no-progress'];
    const local = await cli([...sweep, '--out', 'lay-local', '--workers', '1']);
    expect(local.stderr).toBe('');
    expect(local.code).toBe(0);
    expect(local.stdout).toContain('2 run: 2 ok, 0 failed, 0 timed out');
    const same = await withWorker('lay-same', at('wl/lay'), async () => {
      const queued = await cli([...sweep, '--out', 'lay-queued', '--queue', server.url, '--queue-prefix', 'lay-same', '--queue-timeout', '5s']);
      expect(queued.stderr).toBe('');
      expect(queued.code).toBe(0);
      expect(queued.stdout).toContain('2 run: 2 ok, 0 failed, 0 timed out');
    });
    expect(same.code).toBe(130);
    for (const file of ['results.json', 'results.csv', 'best-config.json', 'summary.json']) expect(read(`lay-queued/${file}`), file).toBe(read(`lay-local/${file}`));

    // A worker given the strategy files' own folder (lay/x) is told the path under the folder to copy.
    await withWorker('lay-inner', at('wl/lay/x'), async () => {
      const queued = await cli([...sweep, '--out', 'lay-inner-out', '--queue', server.url, '--queue-prefix', 'lay-inner', '--queue-timeout', '5s']);
      expect(queued.code).toBe(1);
      expect(queued.stdout).toContain('2 run: 0 ok, 2 failed, 0 timed out');
    });
    const rows = (JSON.parse(read('lay-inner-out/results.json')) as { rows: { status: string; error: { message: string } | null }[] }).rows;
    for (const row of rows) {
      expect(row.status).toBe('failed');
      expect(row.error?.message).toMatch(/^The job needs the strategy module "x\/[ab]\/mine\.ts" with SHA-256 [0-9a-f]{64}, which is not in this worker's strategies directory /);
      expect(row.error?.message).toContain(`relative to the deepest folder holding them all and the files they import, "${at('lay')}" where the sweep was planned.\nMake the strategies directory a copy of that folder's tree.`);
    }
  }, 300_000);
});
