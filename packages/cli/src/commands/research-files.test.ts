import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeHelperStrategy, writeResearchProject, writeThrowingStrategy } from '../testing/research-project';
import { spawnCli } from '../testing/spawn-cli';

// A user's project outside this repository (no node_modules): their CSV and their TypeScript strategy file.
const project = mkdtempSync(path.join(tmpdir(), 'ensemble-research-files-'));
writeResearchProject(project);
afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

const at = (name: string): string => path.join(project, name);
const read = (name: string): string => readFileSync(at(name), 'utf8');
const importCount = (): number => read('imports.log').split('\n').filter((line) => line !== '').length;
const OUTPUTS = ['results.json', 'results.csv', 'best-config.json', 'summary.json'];
const VARY = ['--vary', 'strategies.mine.params.period=5:10:5', '--vary', 'allocation.scheme=equal,inverse-volatility'];

describe('research on a user\'s CSV with a user\'s strategy file', () => {
  it('sweeps it on 1 and 2 worker threads byte for byte, loading the file once per thread, and best-config.json reproduces its metrics', async () => {
    writeFileSync(at('sweep.json'), JSON.stringify({ config: 'run.json', parameters: [{ path: 'strategies.mine.params.period', range: { start: 5, stop: 10, step: 5 } }, { path: 'allocation.scheme', values: ['equal', 'inverse-volatility'] }] }));
    writeFileSync(at('imports.log'), '');
    const two = await spawnCli(['sweep', '--config', 'run.json', ...VARY, '--out', 'two', '--workers', '2', '--no-progress'], { cwd: project });
    expect(two.err).toBe('');
    expect(two.code).toBe(0);
    expect(two.out).toContain('4 run: 4 ok, 0 failed, 0 timed out');
    // Once by the planner, then at most once per worker thread — not once per job (4 jobs).
    expect(importCount()).toBeGreaterThanOrEqual(2);
    expect(importCount()).toBeLessThanOrEqual(3);
    const one = await spawnCli(['sweep', '--spec', 'sweep.json', '--out', 'one', '--workers', '1', '--no-progress'], { cwd: project });
    expect(one.code).toBe(0);
    // The flags build the spec of sweep.json: the same plan, the same bytes whatever the workers.
    for (const file of OUTPUTS) expect(read(`two/${file}`), file).toBe(read(`one/${file}`));
    const best = JSON.parse(read('one/best-config.json')) as { strategies: { strategy: string; module?: { path: string } }[] };
    expect(best.strategies[0]).toMatchObject({ strategy: 'my-strategy', module: { path: '../mine.ts' } });
    const rows = (JSON.parse(read('one/results.json')) as { rows: { objective: number }[] }).rows;
    const run = await spawnCli(['run', '--config', at('one/best-config.json'), '--json', '-'], { cwd: project });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.out) as { portfolio: { metrics: { metrics: { sharpe: number } } } }).portfolio.metrics.metrics.sharpe).toBe(rows[0]?.objective);
  });

  it('sweeps a backtest of it from flags, and `ensemble run` of best-config.json (a backtest config) reproduces the winner', async () => {
    const sweep = await spawnCli(['sweep', '--strategy', './mine.ts', '--data', 'prices.csv', '--vary', 'period=5,20', '--out', 'bt', '--workers', '1', '--no-progress'], { cwd: project });
    expect(sweep.err).toBe('');
    expect(sweep.code).toBe(0);
    const best = JSON.parse(read('bt/best-config.json')) as { strategy: string; module: { path: string } };
    expect(best).toMatchObject({ strategy: 'my-strategy', module: { path: '../mine.ts' } });
    const winner = (JSON.parse(read('bt/results.json')) as { rows: { objective: number; metrics: { totalReturn: number } }[] }).rows[0];
    const run = await spawnCli(['run', '--config', at('bt/best-config.json'), '--json', '-'], { cwd: project });
    expect(run.err).toContain('Backtest: my-strategy');
    expect(run.code).toBe(0);
    const metrics = (JSON.parse(run.out) as { metrics: { metrics: { sharpe: number; totalReturn: number } } }).metrics.metrics;
    expect(metrics.sharpe).toBe(winner?.objective);
    expect(metrics.totalReturn).toBe(winner?.metrics.totalReturn);
  });

  it('walks it forward from flags, a backtest base on the strategy file and the CSV', async () => {
    const wf = await spawnCli(['walk-forward', '--strategy', './mine.ts', '--data', 'prices.csv', '--vary', 'period=5,20', '--train', '9m', '--test', '3m', '--out', 'wf', '--workers', '2', '--no-progress'], { cwd: project });
    expect(wf.err).toBe('');
    expect(wf.code).toBe(0);
    const result = JSON.parse(read('wf/walk-forward.json')) as { kind: string; steps: { status: string; chosen: { parameters: { period: number } } | null }[] };
    expect(result.kind).toBe('backtest');
    expect(result.steps.length).toBeGreaterThanOrEqual(2);
    for (const step of result.steps) expect(step.status).toBe('ok');
  });

  it('refuses to resume a sweep whose strategy file changed since its journal was started', async () => {
    const first = await spawnCli(['sweep', '--config', 'run.json', '--vary', 'strategies.mine.params.period=5,10', '--out', 'resume', '--workers', '1', '--no-progress'], { cwd: project });
    expect(first.code).toBe(0);
    appendFileSync(at('mine.ts'), '// edited\n');
    const resumed = await spawnCli(['sweep', '--config', 'run.json', '--vary', 'strategies.mine.params.period=5,10', '--out', 'resume', '--workers', '1', '--resume', '--no-progress'], { cwd: project });
    expect(resumed.code).toBe(2);
    expect(resumed.err).toContain('belongs to another plan');
    expect(resumed.err).toContain('strategy files changed');
  });

  it('refuses to resume a sweep, or to run its best-config.json, once a file the strategy imports changed, naming that file', async () => {
    writeHelperStrategy(project);
    const args = ['sweep', '--strategy', './edgy.ts', '--data', 'prices.csv', '--vary', 'lookback=5,10', '--out', 'edgy', '--workers', '1', '--no-progress'];
    const first = await spawnCli(args, { cwd: project });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const best = JSON.parse(read('edgy/best-config.json')) as { module: { files?: { path: string }[] } };
    expect(best.module.files?.map((file) => file.path)).toEqual(['./edgy.ts', './edge.ts']);
    writeFileSync(at('edge.ts'), 'export const EDGE = 1.05;\n');
    const resumed = await spawnCli([...args, '--resume'], { cwd: project });
    expect(resumed.code).toBe(2);
    expect(resumed.err).toContain(`its strategy files changed since it was written: "${at('edgy.ts')}": ./edge.ts, which it imports, changed (SHA-256 now`);
    const run = await spawnCli(['run', '--config', 'edgy/best-config.json'], { cwd: project });
    expect(run.code).toBe(2);
    expect(run.err).toContain('module.sha256: strategy file ../edgy.ts has changed since this config recorded it: ./edge.ts, which it imports, changed (SHA-256 now');
    expect(run.err).toContain('restore the recorded version, or name the file in "strategy" (without "module") to run it as it is now');
  });

  it('refuses to resume a sweep whose journal was written by another version of the engine', async () => {
    const args = ['sweep', '--config', 'run.json', '--vary', 'strategies.mine.params.period=5,10', '--out', 'upgraded', '--workers', '1', '--no-progress'];
    expect((await spawnCli(args, { cwd: project })).code).toBe(0);
    // As if the journal had been written before an upgrade of @ensemble/engine.
    const lines = read('upgraded/journal.jsonl').split('\n');
    const header = JSON.parse(lines[0] ?? '') as { packages: Record<string, string> };
    header.packages['@ensemble/engine'] = '0.0.0-older';
    writeFileSync(at('upgraded/journal.jsonl'), [JSON.stringify(header), ...lines.slice(1)].join('\n'));
    const resumed = await spawnCli([...args, '--resume'], { cwd: project });
    expect(resumed.code).toBe(2);
    expect(resumed.err).toContain('@ensemble/engine "0.0.0-older" then');
    expect(resumed.err).toContain('cannot be resumed: remove that file (or write to another output directory) to start over');
  });

  it('places a failed job\'s error in the strategy file, as backtest does: the first failure, results.csv, a walk-forward\'s, an isolated sleeve\'s', async () => {
    writeThrowingStrategy(project);
    // Bar index 99 of prices.csv; line 2 of the helper threw, in the worker thread that ran the job.
    const place = /bad bar \(thrown at thrower\/strategies\/helper\.ts:2:\d+\)/;
    const sweep = await spawnCli(['sweep', '--strategy', './thrower/thrower.ts', '--data', 'prices.csv', '--vary', 'period=2,5', '--out', 'thrown', '--workers', '2', '--no-progress'], { cwd: project });
    expect(sweep.out).toMatch(new RegExp(`\\n {2}first failure: index 1 \\(period=5\\) failed: Strategy "thrower" failed on ABC at \\d{4}-\\d{2}-\\d{2}: ${place.source} \\(results\\.csv lists every error\\)\\n`));
    const failedRow = read('thrown/results.csv').split('\n').find((line) => line.includes(',failed,'));
    expect(failedRow).toMatch(place);
    const rows = (JSON.parse(read('thrown/results.json')) as { rows: { error: { message: string } | null }[] }).rows;
    expect(rows.find((row) => row.error !== null)?.error?.message).toMatch(place);
    const wf = await spawnCli(['walk-forward', '--strategy', './thrower/thrower.ts', '--data', 'prices.csv', '--vary', 'period=5,6', '--train', '9m', '--test', '3m', '--out', 'thrown-wf', '--workers', '1', '--no-progress'], { cwd: project });
    expect(wf.code).toBe(1);
    expect(wf.err).toMatch(new RegExp(`the first, combination 0: Strategy "thrower" failed on ABC at \\d{4}-\\d{2}-\\d{2}: ${place.source}\\.\\n$`));
    writeFileSync(at('thrown.json'), JSON.stringify({ data: { file: 'prices.csv' }, errorPolicy: 'isolate', strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['ABC'] }, { id: 'mine', strategy: './thrower/thrower.ts', symbols: ['ABC'] }] }));
    const isolated = await spawnCli(['sweep', '--config', 'thrown.json', '--vary', 'strategies.mine.params.period=4,5', '--out', 'thrown-isolated', '--workers', '1', '--no-progress'], { cwd: project });
    expect(isolated.code).toBe(1);
    expect(isolated.err).toMatch(new RegExp(`isolated \\(errorPolicy "isolate"\\), so this combination's results are not its strategies': mine: Strategy "mine" failed on ABC at \\d{4}-\\d{2}-\\d{2}: ${place.source}\\n`));
  });

  it('exits 2 naming a strategy file that throws, a missing one, and a bad flag', async () => {
    writeFileSync(at('broken.ts'), "throw new Error('broken on purpose');\n");
    const broken = await spawnCli(['sweep', '--strategy', './broken.ts', '--data', 'prices.csv', '--vary', 'period=5,10', '--out', 'broken'], { cwd: project });
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('--strategy ./broken.ts: strategy file ./broken.ts');
    expect(broken.err).toContain('broken on purpose');
    const missing = await spawnCli(['sweep', '--strategy', './gone.ts', '--data', 'prices.csv', '--vary', 'period=5', '--out', 'gone'], { cwd: project });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`file not found, looked for ${at('gone.ts')}`);
    const flags = await spawnCli(['sweep', '--strategy', './mine.ts', '--data', 'prices.csv', '--vary', 'perod=5', '--vary', 'margin=0:0.1:0', '--out', 'bad'], { cwd: project });
    expect(flags.code).toBe(2);
    expect(flags.err).toContain('--vary perod=5: "perod" is not a parameter of my-strategy — did you mean "period"?');
    expect(flags.err).toContain('--vary margin=0:0.1:0: must be > 0');
    const both = await spawnCli(['sweep', '--spec', 'sweep.json', '--vary', 'period=5', '--out', 'both'], { cwd: project });
    expect(both.code).toBe(2);
    expect(both.err).toContain('--spec sweep.json: give the whole spec in the file, or build it with flags (--vary), not both');
  });
});
