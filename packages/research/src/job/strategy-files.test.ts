import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../testing/temporary-directory';
import { issuesOf } from '../testing/config-issues';
import { createInProcessExecutor } from '../executor/in-process-executor';
import { runSweepToDirectory } from '../sweep/sweep-directory';
import { planSweep } from '../sweep/sweep-plan';
import { runWalkForward } from '../walk-forward/run-walk-forward';
import { planWalkForward } from '../walk-forward/walk-forward-plan';
import { risingClose } from './__fixtures__/rising-close';
import { createLocalResolvers } from './resolvers';
import { runResearchJob } from './run-research-job';
import { importFailure } from './strategy-files';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
const strategyFile = join(fixtures, 'rising-close.ts');
/** The file's SHA-256 by the system's sha256sum, not by the code under test. */
const digest = execFileSync('sha256sum', [strategyFile], { encoding: 'utf8' }).split(' ')[0];

const runConfig = {
  data: { dataset: 'sp500', from: '2014-01-01', to: '2016-12-31' },
  strategies: [
    { id: 'mine', strategy: './rising-close.ts', params: { threshold: 0.005 }, symbols: ['SP500'] },
    { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
  ],
};

describe('a base config naming a strategy file', () => {
  it('hashes the file into every job, names its definition, and runs it', async () => {
    const plan = await planSweep({ config: runConfig, parameters: [{ path: 'strategies.mine.params.threshold', values: [0, 0.01] }] }, { baseDir: fixtures });
    expect(plan.jobs).toHaveLength(2);
    for (const job of plan.jobs) {
      expect(job.strategyModules).toEqual([{ path: strategyFile, sha256: digest }]);
      expect((job.config.strategies as { strategy: string; module?: unknown }[])[0]).toMatchObject({ strategy: 'rising-close', module: { path: strategyFile, sha256: digest } });
    }
    const out = await temporaryDirectory('ensemble-files-');
    const { result } = await runSweepToDirectory(plan, createInProcessExecutor(), out);
    expect(result.rows.map((row) => row.status)).toEqual(['ok', 'ok']);
    expect(result.rows[0]?.objective).not.toBe(result.rows[1]?.objective);
    // best-config.json names the file relative to the output directory, with its digest.
    const best = JSON.parse(await readFile(join(out, 'best-config.json'), 'utf8')) as { strategies: { module?: { path: string; sha256: string } }[] };
    const module = best.strategies[0]?.module;
    expect(module?.sha256).toBe(digest);
    expect(join(out, module?.path ?? '')).toBe(strategyFile);
  });

  it('gives modules of one file name in two folders their paths relative to the folder holding them all, for workers to tell them apart', async () => {
    const directory = await temporaryDirectory('ensemble-twins-');
    const files = { 'a/mine.ts': 'export const a = 1;\n', 'b/mine.ts': 'export const b = 2;\n', 'lib/other.ts': 'export const c = 3;\n' };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(directory, dirname(name)), { recursive: true });
      await writeFile(join(directory, name), text);
    }
    // What the files compute is not the point here: the importer gives a definition per file.
    const names: Record<string, string> = { a: 'rising-a', b: 'rising-b', lib: 'rising-other' };
    const importer = (file: string) => Promise.resolve([{ ...risingClose, name: names[basename(dirname(file))] ?? 'unknown' }]);
    const config = {
      ...runConfig,
      strategies: Object.keys(files).map((name, k) => ({ id: `s${String(k)}`, strategy: `./${name}`, params: { threshold: 0.005 }, symbols: ['SP500'] })),
    };
    const plan = await planSweep({ config, parameters: [{ path: 'strategies.s0.params.threshold', values: [0, 0.01] }] }, { baseDir: directory, importer });
    const sha256sum = (file: string) => execFileSync('sha256sum', [join(directory, file)], { encoding: 'utf8' }).split(' ')[0] ?? '';
    for (const job of plan.jobs) {
      expect(job.strategyModules).toEqual(Object.keys(files).map((name) => ({ path: join(directory, name), sha256: sha256sum(name), relativePath: name })));
    }
    // The run config's own references are as before (no relativePath): run ids do not move.
    expect((plan.jobs[0]?.config.strategies as { module?: unknown }[]).map((entry) => entry.module)).toEqual(Object.keys(files).map((name) => ({ path: join(directory, name), sha256: sha256sum(name) })));
    const out = await temporaryDirectory('ensemble-twins-out-');
    const { result } = await runSweepToDirectory(plan, createInProcessExecutor(createLocalResolvers({ importer })), out);
    expect(result.rows.map((row) => row.status)).toEqual(['ok', 'ok']);
    // Only names that clash get paths: b's file renamed, the plan is the plain one.
    await rename(join(directory, 'b/mine.ts'), join(directory, 'b/yours.ts'));
    const renamed = { ...config, strategies: config.strategies.map((entry) => (entry.strategy === './b/mine.ts' ? { ...entry, strategy: './b/yours.ts' } : entry)) };
    const plain = await planSweep({ config: renamed, parameters: [{ path: 'strategies.s0.params.threshold', values: [0] }] }, { baseDir: directory, importer });
    expect(plain.jobs[0]?.strategyModules.some((module) => 'relativePath' in module)).toBe(false);
  });

  it('gives such modules their paths relative to the folder holding them and the local files they import, when a helper lies above them', async () => {
    // lay/x/a/mine.ts and lay/x/b/mine.ts import ../../lib/sma.ts: the folder holding all is lay.
    const directory = await temporaryDirectory('ensemble-lay-');
    const files = {
      'x/a/mine.ts': "import { EDGE } from '../../lib/sma.ts';\nexport const a = EDGE;\n",
      'x/b/mine.ts': "import { EDGE } from '../../lib/sma.ts';\nexport const b = EDGE + 1;\n",
      'lib/sma.ts': 'export const EDGE = 1;\n',
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(join(directory, dirname(name)), { recursive: true });
      await writeFile(join(directory, name), text);
    }
    const importer = (file: string) => Promise.resolve([{ ...risingClose, name: `rising-${basename(dirname(file))}` }]);
    const config = {
      ...runConfig,
      strategies: ['x/a/mine.ts', 'x/b/mine.ts'].map((name, k) => ({ id: `s${String(k)}`, strategy: `./${name}`, params: { threshold: 0.005 }, symbols: ['SP500'] })),
    };
    const plan = await planSweep({ config, parameters: [{ path: 'strategies.s0.params.threshold', values: [0] }] }, { baseDir: directory, importer });
    const modules = plan.jobs[0]?.strategyModules ?? [];
    expect(modules.map((module) => [module.relativePath, module.files?.map((file) => file.path)])).toEqual([
      ['x/a/mine.ts', ['./mine.ts', '../../lib/sma.ts']],
      ['x/b/mine.ts', ['./mine.ts', '../../lib/sma.ts']],
    ]);
  });

  it('validates a file strategy\'s parameters like a built-in\'s, with the nearest name', async () => {
    const issues = await issuesOf(planSweep({ config: runConfig, parameters: [{ path: 'strategies.mine.params.treshold', values: [0] }] }, { baseDir: fixtures }));
    expect(issues).toEqual(['parameters.0.path: "treshold" is not a parameter of rising-close — did you mean "threshold"? (it takes only threshold)']);
    const values = await issuesOf(planSweep({ config: runConfig, parameters: [{ path: 'strategies.mine.params.threshold', values: [-1] }] }, { baseDir: fixtures }));
    // A value the parameter's own schema refuses is a spec error before any job runs, as for a built-in strategy.
    expect(values).toEqual(['parameters.0.values.0: -1 is refused for threshold (a parameter of rising-close): must be at least 0']);
  });

  it('refuses a missing file or a recorded digest the file no longer has, naming the file', async () => {
    const missing = { ...runConfig, strategies: [{ ...runConfig.strategies[0], strategy: './nowhere.ts' }, runConfig.strategies[1]] };
    const issues = await issuesOf(planSweep({ config: missing, parameters: [{ path: 'strategies.mine.params.threshold', values: [0] }] }, { baseDir: fixtures }));
    expect(issues).toHaveLength(1);
    expect(issues).toEqual([`config.strategies.0.strategy: strategy file ./nowhere.ts: file not found, looked for ${join(fixtures, 'nowhere.ts')}; give the path of a .ts or .js strategy file`]);
    const stale = { ...runConfig, strategies: [{ ...runConfig.strategies[0], strategy: 'rising-close', module: { path: './rising-close.ts', sha256: '0'.repeat(64) } }, runConfig.strategies[1]] };
    const changed = await issuesOf(planSweep({ config: stale, parameters: [{ path: 'strategies.mine.params.threshold', values: [0] }] }, { baseDir: fixtures }));
    expect(changed).toEqual([
      `config.strategies.0.module.path: strategy file ./rising-close.ts has changed since this config recorded it: its SHA-256 is now ${digest ?? ''}, not "${'0'.repeat(64)}"; restore the recorded version, or name the file in "strategy" (without "module") to run it as it is now`,
    ]);
    // Regression: a file that did not load hid the other entries' problems until it loaded.
    const both = { ...missing, strategies: [...missing.strategies, { id: 'trend', strategy: 'sma-crossover', params: { fast: '20' }, symbols: ['SP500'] }] };
    const listed = await issuesOf(planSweep({ config: both, parameters: [{ path: 'strategies.trend.params.slow', values: [100] }] }, { baseDir: fixtures }));
    expect(listed).toEqual([
      `config.strategies.0.strategy: strategy file ./nowhere.ts: file not found, looked for ${join(fixtures, 'nowhere.ts')}; give the path of a .ts or .js strategy file`,
      'config.strategies.2.params.fast: expected a number, got the string "20": write 20 without quotes',
    ]);
  });

  it('works for a backtest config and a walk-forward, whose test jobs carry the file too', async () => {
    const backtest = { data: { dataset: 'sp500', from: '2014-01-01', to: '2016-12-31' }, strategy: './rising-close.ts' };
    const plan = await planWalkForward(
      { kind: 'backtest', config: backtest, parameters: [{ path: 'params.threshold', values: [0, 0.01] }], windows: { mode: 'rolling', train: '1y', test: '1y' } },
      { baseDir: fixtures },
    );
    expect(plan.trainJobs.every((job) => job.strategyModules.length === 1 && job.strategyModules[0]?.sha256 === digest)).toBe(true);
    const seen: unknown[] = [];
    const executor = createInProcessExecutor();
    const result = await runWalkForward(plan, {
      run: (jobs, options) => {
        seen.push(...jobs.map((job) => job.strategyModules));
        return executor.run(jobs, options);
      },
    });
    expect(result.steps.map((step) => step.status)).toEqual(['ok', 'ok']);
    expect(seen.every((modules) => JSON.stringify(modules) === JSON.stringify([{ path: strategyFile, sha256: digest }]))).toBe(true);
    expect(seen.length).toBe(plan.trainJobs.length + 2);
  });

  it('covers the local files a strategy file imports: jobs carry them, and a changed helper is refused by the thread, by resume and by a recorded config, naming it', async () => {
    const directory = await temporaryDirectory('ensemble-helper-');
    const edgy = join(directory, 'edgy.ts');
    const helper = join(directory, 'helper.ts');
    await writeFile(edgy, "import { EDGE } from './helper.ts';\nexport const edge = EDGE;\n");
    await writeFile(helper, 'export const EDGE = 1.0;\n');
    // What the files compute is not the point here: the importer gives a fixed definition.
    const importer = () => Promise.resolve([risingClose]);
    const resolvers = createLocalResolvers({ importer });
    const config = { ...runConfig, strategies: [{ ...runConfig.strategies[0], strategy: './edgy.ts' }, runConfig.strategies[1]] };
    const spec = { config, parameters: [{ path: 'strategies.mine.params.threshold', values: [0, 0.01] }] };
    const plan = await planSweep(spec, { baseDir: directory, importer });
    const sha256sum = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0] ?? '';
    const files = [
      { path: './edgy.ts', sha256: sha256sum(edgy) },
      { path: './helper.ts', sha256: sha256sum(helper) },
    ];
    const [module] = plan.jobs[0]?.strategyModules ?? [];
    expect(module).toEqual({ path: edgy, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string, files });
    expect(module?.sha256).not.toBe(files[0]?.sha256);
    expect((plan.jobs[0]?.config.strategies as { module?: unknown }[])[0]?.module).toEqual(module);
    const out = await temporaryDirectory('ensemble-helper-out-');
    expect((await runSweepToDirectory(plan, createInProcessExecutor(resolvers), out)).result.rows.map((row) => row.status)).toEqual(['ok', 'ok']);
    const best = JSON.parse(await readFile(join(out, 'best-config.json'), 'utf8')) as { strategies: { module?: { files?: unknown } }[] };
    expect(best.strategies[0]?.module?.files).toEqual(files);

    await writeFile(helper, 'export const EDGE = 1.05;\n');
    const named = `./helper.ts, which it imports, changed (SHA-256 now ${sha256sum(helper).slice(0, 12)}…, recorded ${files[1]?.sha256.slice(0, 12) ?? ''}…)`;
    // A thread given a job planned before: refused, naming the helper.
    const stale = await runResearchJob(plan.jobs[0], createLocalResolvers({ importer }));
    expect(stale.status).toBe('failed');
    expect(stale.error?.message).toContain(`"${edgy}" changed since the research was planned: ${named}; plan it again`);
    // Planned again: another plan, whose resume of the old journal is refused, naming the helper.
    const again = await planSweep(spec, { baseDir: directory, importer });
    expect(again.sweepId).not.toBe(plan.sweepId);
    const resumed = await issuesOf(runSweepToDirectory(again, createInProcessExecutor(resolvers), out, { resume: true }));
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toContain('belongs to another plan: remove that file (or write to another output directory) to start over, or restore what changed and resume it (--resume).');
    expect(resumed[0]).toContain(`its strategy files changed since it was written: "${edgy}": ${named} (its plan`);
    // A config recording the module (best-config.json) is refused too.
    const recorded = await issuesOf(planSweep({ config: join(out, 'best-config.json'), parameters: [{ path: 'strategies.mine.params.threshold', values: [0] }] }, { baseDir: out, importer }));
    expect(recorded).toEqual([
      `strategies.0.module.path: strategy file ../${relative(dirname(out), edgy)} has changed since this config recorded it: ${named}; restore the recorded version, or name the file in "strategy" (without "module") to run it as it is now`,
    ]);
  });
});

describe('a TypeScript strategy file where Node has no TypeScript loader', () => {
  it("says what to do, from the error Node's own import() gives (a plain node process, as a worker thread is)", () => {
    const script = `import(${JSON.stringify(new URL('./__fixtures__/rising-close.ts', import.meta.url).href)}).catch((e) => process.stdout.write(JSON.stringify({ code: e.code, message: e.message })))`;
    const seen = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })) as { code: string; message: string };
    expect(seen.code).toBe('ERR_UNKNOWN_FILE_EXTENSION');
    const error = importFailure(strategyFile, Object.assign(new TypeError(seen.message), { code: seen.code }));
    expect(error.issues[0]?.message).toMatch(/^importing it failed: Unknown file extension "\.ts" for .*; Node's import\(\) has no TypeScript loader here: give an importer that has one \(tsx's tsImport: PlanSweepOptions\.importer, and in worker threads a workerUrl module whose createLocalResolvers\(\{ importer \}\) uses it/);
    // A JavaScript file that failed, or another failure, gets no such advice.
    expect(importFailure('/x/strategy.mjs', Object.assign(new Error('boom'), { code: 'ERR_UNKNOWN_FILE_EXTENSION' })).issues[0]?.message).toBe('importing it failed: boom');
    expect(importFailure(strategyFile, new SyntaxError('Unexpected token')).issues[0]?.message).toBe('importing it failed: Unexpected token');
  });
});
