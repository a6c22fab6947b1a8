import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const app = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-research-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI from the package directory (where tsx resolves); paths go in absolute. `onStart` gets the child (e.g. to interrupt it). */
function cli(args: readonly string[], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<Outcome> {
  const child = spawn(process.execPath, ['--conditions=@ensemble/source', '--import', 'tsx', bin, ...args], { cwd: app });
  const outcome = outcomeOf(child);
  onStart?.(child);
  return outcome;
}

/** What a child process printed and its exit code, once it has closed. */
function outcomeOf(child: ReturnType<typeof spawn>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

const runConfig = {
  data: { dataset: 'sp500', from: '2012-01-01', to: '2016-12-31' },
  strategies: [
    { id: 'trend', strategy: 'sma-crossover', params: { fast: 10, slow: 50 }, symbols: ['SP500'] },
    { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
  ],
};

function writeSpec(name: string, spec: unknown): string {
  const file = path.join(scratch, name);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

const at = (name: string): string => path.join(scratch, name);

describe('ensemble sweep', () => {
  it('runs a sweep on worker threads and writes a best config that `ensemble run` reproduces', async () => {
    writeFileSync(path.join(scratch, 'run.json'), JSON.stringify(runConfig));
    writeSpec('sweep.json', { config: 'run.json', parameters: [{ path: 'strategies.trend.params.fast', range: { start: 5, stop: 20, step: 5 } }], objective: 'sharpe' });
    const sweep = await cli(['sweep', '--spec', at('sweep.json'), '--out', at('out'), '--workers', '2', '--job-timeout', '60s', '--no-progress', '--html', at('report.html')]);
    expect(sweep.stderr).toBe('');
    expect(sweep.code).toBe(0);
    expect(sweep.stdout).toContain('4 run: 4 ok, 0 failed, 0 timed out');
    expect(sweep.stdout).toContain(`wrote ${at('out/best-config.json')}`);
    const rows = (JSON.parse(readFileSync(path.join(scratch, 'out', 'results.json'), 'utf8')) as { rows: { rank: number; objective: number }[] }).rows;
    // The research report: one page holding the trials (the spec's four) and the spec itself.
    expect(sweep.stdout).toContain(`wrote ${at('report.html')}`);
    const html = readFileSync(at('report.html'), 'utf8');
    expect(html).toContain('<title>Sweep of fast</title>');
    expect(html).toContain('"noun":"trials"');
    expect(html.match(/"rows":\[\[1,/g)?.length).toBe(1);
    expect(html).toContain('strategies.trend.params.fast');
    const run = await cli(['run', '--config', at('out/best-config.json'), '--json', '-']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { portfolio: { metrics: { metrics: { sharpe: number } } } }).portfolio.metrics.metrics.sharpe).toBe(rows[0]?.objective);
  });

  // Regression: --workers 256 on 2 cores ran 40 jobs fifty times slower than the default, unsaid.
  it('notes --workers above the cores, where threads only share them', async () => {
    const cores = availableParallelism();
    const fast = Array.from({ length: cores + 2 }, (_, i) => String(3 + i)).join(',');
    const flags = ['--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2019-01-01', '--vary', `fast=${fast}`, '--param', 'slow=30', '--no-progress'];
    const many = await cli(['sweep', ...flags, '--workers', String(cores + 1), '--out', at('many-workers')]);
    expect(many.code).toBe(0);
    expect(many.stderr).toContain(`note: --workers ${String(cores + 1)} is more than this machine's ${String(cores)} core${cores === 1 ? '' : 's'}: threads beyond the cores share them, adding start-up time and memory, not speed`);
    const one = await cli(['sweep', ...flags, '--workers', '1', '--out', at('one-worker')]);
    expect(one.stderr).not.toContain('is more than this machine');
  });

  // Regression: the spec was read a second time with JSON.parse, which failed on a byte-order mark
  // (exit 1, "unexpected failure") and on a pipe, which gives its bytes once.
  it('reads a spec with a byte-order mark, and one given through a pipe, once', async () => {
    const spec = { config: runConfig, parameters: [{ path: 'strategies.trend.params.fast', values: [5, 10] }] };
    writeFileSync(at('bom.json'), `\uFEFF${JSON.stringify(spec)}`);
    const bom = await cli(['sweep', '--spec', at('bom.json'), '--out', at('bom-out'), '--workers', '1', '--no-progress']);
    expect(bom.code).toBe(0);
    expect(existsSync(at('bom-out/results.json'))).toBe(true);
    writeSpec('piped-source.json', spec);
    execFileSync('mkfifo', [at('piped.json')]);
    const writer = spawn('sh', ['-c', `cat "${at('piped-source.json')}" > "${at('piped.json')}"`]);
    const piped = await cli(['sweep', '--spec', at('piped.json'), '--out', at('piped-out'), '--workers', '1', '--no-progress']);
    writer.kill();
    expect(piped.code).toBe(0);
    expect(readFileSync(at('piped-out/results.json'), 'utf8')).toBe(readFileSync(at('bom-out/results.json'), 'utf8').replaceAll(at('bom.json'), at('piped.json')));
  });

  // Regression: a spec given as `<(…)` (a path such as /dev/fd/63) resolved its relative paths
  // against /dev/fd: "file not found: /dev/fd/…". They are relative to the working directory.
  it('resolves the relative paths of a spec given as <(…) against the working directory', async () => {
    const spec = { kind: 'backtest', config: { data: { file: '../data/datasets/sp500-2000.csv', from: '2015-01-01' }, strategy: 'sma-crossover' }, parameters: [{ path: 'params.fast', values: [5, 10] }] };
    writeSpec('substituted.json', spec);
    const command = `exec "${process.execPath}" --conditions=@ensemble/source --import tsx "${bin}" sweep --spec <(cat "${at('substituted.json')}") --out "${at('substituted-out')}" --workers 1 --no-progress`;
    const piped = await outcomeOf(spawn('bash', ['-c', command], { cwd: app }));
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('2 run: 2 ok, 0 failed, 0 timed out');
  });

  it('exits 2 naming the bad field of a spec, and prints the spec\'s schema', async () => {
    writeSpec('bad.json', { config: runConfig, parameters: [{ path: 'strategies.trend.params.fast', range: { start: 5, stop: 20, step: 0 } }] });
    const bad = await cli(['sweep', '--spec', at('bad.json'), '--out', at('bad-out')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('parameters.0.range.step: must be > 0');
    const workers = await cli(['sweep', '--spec', at('bad.json'), '--out', at('bad-out'), '--workers', 'two']);
    expect(workers.code).toBe(2);
    const schema = await cli(['schema', 'sweep']);
    expect(schema.code).toBe(0);
    expect((JSON.parse(schema.stdout) as { properties: Record<string, unknown> }).properties).toHaveProperty('parameters');
  });

  it('exits 2 before running when --html would replace a file the command reads or writes, or a duration or thread count is out of range', async () => {
    const spec = writeSpec('html.json', { config: runConfig, parameters: [{ path: 'strategies.trend.params.fast', values: [5, 10] }] });
    const out = at('html-out');
    for (const target of [path.join(out, 'results.csv'), path.join(out, 'journal.jsonl'), spec]) {
      const collide = await cli(['sweep', '--spec', spec, '--out', out, '--html', target, '--no-progress']);
      expect(collide.code).toBe(2);
      expect(collide.stderr).toContain(`--html ${target}: would overwrite`);
    }
    expect(existsSync(out)).toBe(false);
    // An empty --out would write into the working directory.
    const emptyOut = await cli(['sweep', '--spec', spec, '--out', '', '--no-progress']);
    expect(emptyOut.code).toBe(2);
    expect(emptyOut.stderr).toContain('--out "": give the output directory (it is created when missing)');
    // A directory where the report goes is refused up front too, not after every job ran.
    mkdirSync(at('html-dir/report.html'), { recursive: true });
    const directory = await cli(['sweep', '--spec', spec, '--out', out, '--html', at('html-dir/report.html'), '--no-progress']);
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain(`--html ${at('html-dir/report.html')}: cannot write ${at('html-dir/report.html')}: it is a directory; give a file name`);
    expect(existsSync(out)).toBe(false);
    expect(JSON.parse(readFileSync(spec, 'utf8'))).toMatchObject({ parameters: [{ values: [5, 10] }] });
    const timeout = await cli(['sweep', '--spec', spec, '--out', out, '--job-timeout', '600h']);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--job-timeout: "600h" is longer than a timer can wait');
    const workers = await cli(['sweep', '--spec', spec, '--out', out, '--workers', '1000']);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toContain('--workers: "1000" worker threads is more than 256');
  });

  it('exits 1 naming the first error when every combination fails, or the objective when none defines it, after writing the outputs; a walk-forward likewise', async () => {
    writeFileSync(
      at('always-throws.ts'),
      [
        "import { defineStrategy } from '@ensemble/protocol';",
        "import { z } from 'zod';",
        'export default defineStrategy({',
        "  name: 'always-throws', kind: 'signal', description: 'Throws on every bar.',",
        '  params: z.strictObject({ n: z.number().int().default(1) }),',
        "  create: () => ({ warmup: 1, shouldEnter: () => { throw new Error('kaboom'); }, shouldExit: () => false }),",
        '});',
        '',
      ].join('\n'),
    );
    const base = ['--strategy', at('always-throws.ts'), '--data', 'sp500', '--vary', 'n=1,2', '--workers', '1', '--no-progress'];
    const sweep = await cli(['sweep', ...base, '--from', '2019-01-01', '--out', at('fail-out')]);
    expect(sweep.code).toBe(1);
    expect(sweep.stdout).toContain('2 run: 0 ok, 2 failed, 0 timed out');
    expect(sweep.stderr).toBe(
      // Placed in the file by the worker thread that ran the job: named without a line, as the file (no "type": "module" beside it) runs as CommonJS.
      `error: every combination of the sweep failed (2 failed, 0 timed out), so there is no best; the first, index 0 (n=1):\n  Strategy "always-throws" failed on SP500 at 2019-01-02: kaboom (thrown in ${at('always-throws.ts')})\nresults.csv lists every error.\n`,
    );
    expect(existsSync(at('fail-out/results.csv'))).toBe(true);
    // Its best-config.json holds null: running it says why, not that an object was expected.
    expect(readFileSync(at('fail-out/best-config.json'), 'utf8')).toBe('null\n');
    const again = await cli(['run', '--config', at('fail-out/best-config.json')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      `error: Invalid configuration in ${at('fail-out/best-config.json')}:\n  - (root): the file holds null, not a config: a sweep writes that as its best-config.json when it has no best — no combination finished, or none had a value of the objective; the results.csv beside it lists each one's error and metrics\n`,
    );
    // As the base of another sweep, the same.
    const resweep = await cli(['sweep', '--config', at('fail-out/best-config.json'), '--vary', 'n=1,2', '--out', at('fail-again')]);
    expect(resweep.code).toBe(2);
    expect(resweep.stderr).toContain("(root): the file holds null, not a config: a sweep writes that as its best-config.json when it has no best — no combination finished, or none had a value of the objective; the results.csv beside it lists each one's error and metrics");
    // Combinations that run but leave the objective undefined: a profit factor needs a losing trade.
    const undefinedObjective = await cli(['sweep', '--strategy', 'buy-and-hold', '--data', 'sp500', '--from', '2019-01-01', '--vary', 'cash=1000,2000', '--objective', 'profitFactor', '--workers', '1', '--no-progress', '--out', at('no-best')]);
    expect(undefinedObjective.code).toBe(1);
    expect(undefinedObjective.stderr).toBe(
      'error: no combination of the sweep has a value of its objective profitFactor (2 combinations ran, each leaving profitFactor undefined), so there is no best. results.csv lists every combination\'s metrics; choose an objective they define.\n',
    );
    expect(existsSync(at('no-best/results.csv'))).toBe(true);
    const walk = await cli(['walk-forward', ...base, '--from', '2016-01-01', '--train', '2y', '--test', '1y', '--out', at('fail-wf')]);
    expect(walk.code).toBe(1);
    expect(walk.stderr).toBe(
      `error: no step of the walk-forward ran out of sample (3 steps: 3 no-choice); the first, step 0: every combination failed on the train window (2 of 2); the first, combination 0: Strategy "always-throws" failed on SP500 at 2016-01-04: kaboom (thrown in ${at('always-throws.ts')}).\n`,
    );
    expect(existsSync(at('fail-wf/walk-forward.json'))).toBe(true);
    // No step chose: its last-config.json holds null, and running it says so in the walk-forward's words.
    expect(readFileSync(at('fail-wf/last-config.json'), 'utf8')).toBe('null\n');
    const last = await cli(['run', '--config', at('fail-wf/last-config.json')]);
    expect(last.code).toBe(2);
    expect(last.stderr).toContain('(root): the file holds null, not a config: a walk-forward writes that as its last-config.json when no step chose a combination; the windows.csv beside it says why for each window');
    // Combinations whose config is invalid no longer fail on every train window: the spec is refused before anything runs.
    const invalid = await cli(['walk-forward', '--strategy', 'sma-crossover', '--data', 'sp500', '--vary', 'fast=60,80', '--vary', 'slow=50', '--from', '2016-01-01', '--train', '2y', '--test', '1y', '--workers', '1', '--no-progress', '--out', at('invalid-wf')]);
    expect(invalid.code).toBe(2);
    // Said once, by the flags that give the parameters.
    expect(invalid.stderr).toBe(
      "error: Invalid configuration in the command-line options:\n  - --vary fast=60,80 --vary slow=50: every combination breaks a rule of sma-crossover's parameters, so none can run: combination 0 (fast=60 slow=50): fast (60) must be less than slow (50): the fast SMA uses the shorter window; change the --vary values\n",
    );
    expect(existsSync(at('invalid-wf'))).toBe(false);
  });

  it('refuses a combination whose config is invalid before running, naming it; prints the first failure of a run and why stability is undefined', async () => {
    writeFileSync(
      at('fixed.json'),
      JSON.stringify({
        data: { dataset: 'sp500', from: '2015-01-01', to: '2016-12-31' },
        allocation: { scheme: 'fixed' },
        strategies: [
          { id: 'trend', strategy: 'sma-crossover', weight: 0.6, symbols: ['SP500'] },
          { id: 'hold', strategy: 'buy-and-hold', weight: 0.4, symbols: ['SP500'] },
        ],
      }),
    );
    const refused = await cli(['sweep', '--config', at('fixed.json'), '--vary', 'allocation.scheme=fixed,equal', '--out', at('fixed-out'), '--no-progress']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('combination 1 (scheme=equal): strategies.0.weight: allocation.scheme is "equal": every strategy gets the same weight, so this one would be ignored;');
    expect(refused.stderr).toContain(`--constraint: 1 of the 2 combinations has an invalid config and would only fail: leave it out with a constraint ("constraints" in the spec, --constraint on the command line), e.g. 'scheme != "equal"'\n`);
    expect(existsSync(at('fixed-out'))).toBe(false);
    // Every combination invalid: the --vary values are at fault, not a --constraint never given.
    writeFileSync(at('equal.json'), JSON.stringify({ data: { dataset: 'sp500', from: '2015-01-01', to: '2016-12-31' }, strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] }] }));
    const none = await cli(['sweep', '--config', at('equal.json'), '--vary', 'strategies.hold.weight=0.2,0.5', '--out', at('none-out'), '--no-progress']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('  - --vary strategies.hold.weight=0.2,0.5: 2 of the 2 combinations have an invalid config and would only fail: none can run: change the varied values or the base config\n');
    expect(none.stderr).not.toContain('--constraint');
    // A combination that fails as it runs: the summary says why, and why the stability is undefined.
    writeFileSync(
      at('throws-on-two.ts'),
      [
        "import { defineStrategy } from '@ensemble/protocol';",
        "import { z } from 'zod';",
        'export default defineStrategy({',
        "  name: 'throws-on-two', kind: 'signal', description: 'Throws on every bar when n is 2.',",
        '  params: z.strictObject({ n: z.number().int().default(1) }),',
        "  create: ({ n }) => ({ warmup: 1, shouldEnter: () => { if (n === 2) throw new Error('kaboom'); return null; }, shouldExit: () => false }),",
        '});',
        '',
      ].join('\n'),
    );
    const sweep = await cli(['sweep', '--strategy', at('throws-on-two.ts'), '--data', 'sp500', '--from', '2019-01-01', '--vary', 'n=1,2', '--objective', 'totalReturn', '--workers', '1', '--no-progress', '--out', at('partly-out')]);
    expect(sweep.stderr).toBe('');
    expect(sweep.code).toBe(0);
    expect(sweep.stdout).toContain(`2 run: 1 ok, 1 failed, 0 timed out\n  first failure: index 1 (n=2) failed: Strategy "throws-on-two" failed on SP500 at 2019-01-02: kaboom (thrown in ${at('throws-on-two.ts')}) (results.csv lists every error)\n`);
    expect(sweep.stdout).toContain('parameter stability —');
    expect(sweep.stdout).toContain('note: stability: the one neighbour of the best combination (index 0) has no objective value (1 failed or without an objective value), so there is nothing to compare it with\n');
  });

  it('a combination whose equity reaches zero or below: the sweep\'s statistics and the walk-forward\'s later windows say so (exit 0)', async () => {
    // Between 1e-8 and 1e12 every 6 bars for 100 bars, then between 1 and 5: the crossover's short is squeezed.
    const lines = ['date,open,high,low,close,volume'];
    let previous = 1e-8;
    for (let i = 0; i < 200; i++) {
      const close = i <= 100 ? (Math.floor(i / 6) % 2 === 0 ? 1e-8 : 1e12) : 1 + (i % 5);
      lines.push(`${new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${previous},${Math.max(previous, close)},${Math.min(previous, close)},${close},1000`);
      previous = close;
    }
    writeFileSync(at('jumps.csv'), `${lines.join('\n')}\n`);
    const base = ['--strategy', 'sma-crossover', '--data', at('jumps.csv'), '--vary', 'fast=2', '--vary', 'allowShort=true,false', '--objective', 'totalReturn', '--workers', '1', '--no-progress'];
    const sweep = await cli(['sweep', ...base, '--vary', 'slow=5,8', '--out', at('wiped-sweep')]);
    expect(sweep.stderr).toBe('');
    expect(sweep.code).toBe(0);
    expect(sweep.stdout).toMatch(/^ {2}note: pbo: combination #\d+'s returns are undefined after period \d+ of \d+ \(its equity reached zero or below\)/m);
    expect(sweep.stdout).not.toContain('market data');
    // Minimised, the squeezed short is chosen: the first test window ends below zero.
    const walk = await cli(['walk-forward', ...base, '--vary', 'slow=5', '--minimize', '--train', '40', '--test', '20', '--out', at('wiped-wf')]);
    expect(walk.stderr).toBe('');
    expect(walk.code).toBe(0);
    expect(walk.stdout).toMatch(/^ {6}failed: the capital carried from the test window before is -?[\d.e+]+: an earlier test window ended with equity at zero or below, so there is nothing to trade$/m);
    expect(walk.stdout).not.toContain('Invalid configuration');
  });

  it('warns when a strategy file\'s best combination, run again on its own, gives another objective (state kept between runs)', async () => {
    const strategy = (name: string, body: string) =>
      [
        "import { defineStrategy } from '@ensemble/protocol';",
        "import { z } from 'zod';",
        body,
        'export default defineStrategy({',
        `  name: '${name}', kind: 'signal', description: 'Enters every k + 7 calls.',`,
        '  params: z.strictObject({ k: z.number().int().min(1).max(100).default(10) }),',
        name === 'global-state'
          ? "  create: ({ k }) => ({ warmup: 1, shouldEnter: () => (++calls % (k + 7) === 0 ? { side: 'long' } : null), shouldExit: () => ++calls % 13 === 0 }),"
          : "  create: ({ k }) => { let calls = 0; return { warmup: 1, shouldEnter: () => (++calls % (k + 7) === 0 ? { side: 'long' } : null), shouldExit: () => ++calls % 13 === 0 }; },",
        '});',
        '',
      ].join('\n');
    writeFileSync(at('global-state.ts'), strategy('global-state', 'let calls = 0;'));
    writeFileSync(at('own-state.ts'), strategy('own-state', ''));
    const run = (file: string, out: string) => cli(['sweep', '--strategy', at(file), '--dataset', 'sp500', '--from', '2010-01-01', '--vary', 'k=1:6:1', '--workers', '1', '--no-progress', '--out', at(out)]);
    const shared = await run('global-state.ts', 'global-out');
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.stderr).toContain('run again on its own gives sharpe');
    expect(shared.stderr).toContain('a strategy file keeps state between runs');
    const own = await run('own-state.ts', 'own-out');
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).not.toContain('warning');
  });

  // Regression: a combination whose objective is undefined because unboundedly good (a Calmar ratio
  // without a drawdown) had no rank and an empty objective, after every other.
  it('ranks a combination with an unbounded objective first, prints it as ∞ (no drawdown) and writes "Infinity"; its strategy file is no false alarm', async () => {
    const closes = [100, 110, 105, 120, 130, 140];
    writeFileSync(at('rising.csv'), ['date,open,high,low,close,volume', ...closes.map((close, day) => `2024-01-0${String(day + 1)},${String(close)},${String(close)},${String(close)},${String(close)},1000`), ''].join('\n'));
    writeFileSync(
      at('hold-file.ts'),
      [
        "import { defineStrategy } from '@ensemble/protocol';",
        "import { z } from 'zod';",
        'export default defineStrategy({',
        "  name: 'hold-file', kind: 'signal', description: 'Enters on its first bar and holds.',",
        '  params: z.strictObject({}),',
        "  create: () => ({ warmup: 1, shouldEnter: () => ({ side: 'long' }), shouldExit: () => false }),",
        '});',
        '',
      ].join('\n'),
    );
    const spec = (strategy: string) =>
      writeSpec(`unbounded-${strategy.replace(/\W/g, '')}.json`, {
        kind: 'backtest',
        config: { data: { file: 'rising.csv' }, strategy, fill: 'close' },
        parameters: [{ path: 'data.to', values: ['2024-01-02', '2024-01-08'] }],
        objective: 'calmar',
      });
    for (const [strategy, out] of [['buy-and-hold', 'unbounded-out'], ['./hold-file.ts', 'unbounded-file-out']] as const) {
      const sweep = await cli(['sweep', '--spec', spec(strategy), '--out', at(out), '--workers', '1', '--no-progress']);
      // A strategy file's best is run again to check it reproduces: an unbounded value reproduces too.
      expect(sweep.stderr).toBe('');
      expect(sweep.code).toBe(0);
      expect(sweep.stdout).toContain('    #1  index 0  to=2024-01-02  calmar ∞ (no drawdown)\n    #2  index 1  to=2024-01-08  calmar 30,185,603.4770\n');
      const csv = readFileSync(at(`${out}/results.csv`), 'utf8').split('\n');
      expect(csv[1]).toMatch(/^1,0,ok,2024-01-02,Infinity,/);
      expect(JSON.parse(readFileSync(at(`${out}/summary.json`), 'utf8'))).toMatchObject({ best: { index: 0, objective: 'Infinity' } });
    }
  });

  // Regression: minimising volatility, a window chose a combination that never traded in its train
  // window (volatility 0) with nothing said.
  it('notes a walk-forward choice that held no position in its train window', async () => {
    const walk = await cli(['walk-forward', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--to', '2004-12-31', '--vary', 'fast=5,10,20', '--vary', 'slow=50,100,200', '--objective', 'volatility', '--minimize', '--train', '2y', '--test', '1y', '--workers', '1', '--no-progress', '--out', at('flat-choice')]);
    expect(walk.code).toBe(0);
    // 2000–2001: fast=5 slow=200 held no position (IS CAGR 0.00%), a volatility of 0, the least.
    expect(walk.stdout).toContain("   0  train 2000-01-03→2002-01-02  test 2002-01-03→2003-01-02  fast=5 slow=200  IS volatility 0.00% · CAGR 0.00%");
    expect(walk.stdout).toContain("\n      note: the chosen combination held no position in its train window: its volatility there is a flat book's\n");
  });

  // Regression: --sample 10 of a grid of 2 ran both with nothing said.
  it('notes a sample larger than the combinations the grid admits', async () => {
    const sweep = await cli(['sweep', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2019-01-01', '--vary', 'fast=5,10', '--param', 'slow=30', '--sample', '10', '--workers', '1', '--no-progress', '--out', at('big-sample')]);
    expect(sweep.code).toBe(0);
    expect(sweep.stdout).toContain('note: --sample 10 asks for more combinations than the 2 the grid admits: all 2 run, none drawn at random\n');
  });

  // Regression: a closed stdout pipe (`… | true`, a reader that quit) ended the process with exit 0
  // at its first write: a walk-forward wrote nothing and a sweep whose jobs all failed "succeeded".
  it('goes on to its outputs and its own exit code when stdout is closed', async () => {
    const closed = (child: ReturnType<typeof spawn>) => child.stdout?.destroy();
    writeFileSync(
      at('throws-always.ts'),
      [
        "import { defineStrategy } from '@ensemble/protocol';",
        "import { z } from 'zod';",
        'export default defineStrategy({',
        "  name: 'throws-always', kind: 'signal', description: 'Throws on every bar.',",
        '  params: z.strictObject({ n: z.number().int().default(1) }),',
        "  create: () => ({ warmup: 1, shouldEnter: () => { throw new Error('kaboom'); }, shouldExit: () => false }),",
        '});',
        '',
      ].join('\n'),
    );
    const failing = await cli(['sweep', '--strategy', at('throws-always.ts'), '--data', 'sp500', '--from', '2019-01-01', '--vary', 'n=1,2', '--workers', '1', '--no-progress', '--out', at('closed-fail')], closed);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('error: every combination of the sweep failed (2 failed, 0 timed out)');
    expect(existsSync(at('closed-fail/results.csv'))).toBe(true);
    const walk = await cli(['walk-forward', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2016-01-01', '--vary', 'fast=5,10', '--param', 'slow=30', '--train', '2y', '--test', '1y', '--workers', '1', '--no-progress', '--out', at('closed-wf')], closed);
    expect(walk.stderr).toBe('');
    expect(walk.code).toBe(0);
    expect(existsSync(at('closed-wf/walk-forward.json'))).toBe(true);
    // JSON streamed to a closed stdout: no wait for a drain that never comes.
    const json = await cli(['backtest', '--dataset', 'dow30', '--strategy', 'equal-weight', '--json', '-'], closed);
    expect(json.code).toBe(0);
  });

  // Regression: "--train 8w" was refused; windows were bars, months or years only.
  it('walk-forward windows in calendar weeks and days, from the first bar', async () => {
    const flags = ['--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2019-01-01', '--to', '2019-06-30', '--vary', 'fast=5,10', '--param', 'slow=20', '--workers', '1', '--no-progress'];
    const weeks = await cli(['walk-forward', ...flags, '--train', '8w', '--test', '4w', '--out', at('weeks-wf')]);
    expect(weeks.stderr).toBe('');
    expect(weeks.code).toBe(0);
    // By hand: the first bar is 2019-01-02; + 56 days = 2019-02-27 (the first test bar), + 84 days = 2019-03-27
    // (after the first test window's last bar, 03-26); the next train window starts 28 days on, 2019-01-30.
    expect(weeks.stdout).toContain('   0  train 2019-01-02→2019-02-26  test 2019-02-27→2019-03-26');
    expect(weeks.stdout).toContain('   1  train 2019-01-30→2019-03-26  test 2019-03-27→2019-04-23');
    const days = await cli(['walk-forward', ...flags, '--train', '56d', '--test', '28d', '--out', at('days-wf')]);
    expect(readFileSync(at('days-wf/windows.csv'), 'utf8')).toBe(readFileSync(at('weeks-wf/windows.csv'), 'utf8'));
    expect(days.code).toBe(0);
    const help = await cli(['walk-forward', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('--train <length> shortcut: train window, bars (750), calendar days or weeks (10d, 2w) or calendar months or years (36m, 3y)');
  });

  // Regression: a train window of 3 calendar days holds one bar after a weekend: those steps were
  // left out, and their test days with them, without a word.
  it('notes the bars no test window tests', async () => {
    const flags = ['--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2019-06-01', '--to', '2019-06-30', '--vary', 'fast=2,3', '--param', 'slow=5', '--workers', '1', '--no-progress'];
    const walk = await cli(['walk-forward', ...flags, '--train', '3d', '--test', '1d', '--out', at('weekend-wf')]);
    expect(walk.code).toBe(0);
    // By hand: 2019-06-03 is a Monday; the test days whose 3-day train window holds 2 bars or more
    // are Wednesdays to Fridays, so the Mondays and Tuesdays after the first test day are left
    // out: 06-10, 06-11, 06-17, 06-18, 06-24, 06-25 — 6 bars in 3 stretches.
    expect(walk.stdout).toContain('note: 6 bars between test windows, in 3 stretches (the first 2019-06-10 → 2019-06-11), are tested by no window: their steps\' train windows held fewer than 2 bars');
    expect(walk.stdout).toContain('a longer --train tests them\n');
  });

  // Regression: "--test 30y" on less data cut the only test window to what was left, without a word.
  it('notes a test window the data ends before its length', async () => {
    const flags = ['--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2019-01-01', '--to', '2019-06-30', '--vary', 'fast=5,10', '--param', 'slow=20', '--workers', '1', '--no-progress'];
    const walk = await cli(['walk-forward', ...flags, '--train', '16w', '--test', '52w', '--out', at('cut-wf')]);
    expect(walk.code).toBe(0);
    // By hand: test from 2019-04-24 (the first bar 2019-01-02 + 112 days) for 364 days; the data's
    // last bar is 2019-06-28, so it covers to 06-29: 66 days, 18 %, 47 bars.
    expect(walk.stdout).toContain("note: the only test window holds 47 bars up to the data's last, 2019-06-28: 18% of the 52w asked, so the out-of-sample figures cover that, not 52w; a shorter --test gives more windows\n");
    // 4w tests: the fifth test window starts 56 + 4 × 28 days after 2019-01-02, on 2019-06-19, and
    // covers to 06-29: 10 of its 28 days (36 %), 8 bars (06-19, 20, 21, 24–28).
    const weeks = await cli(['walk-forward', ...flags, '--train', '8w', '--test', '4w', '--out', at('cut-weeks-wf')]);
    expect(weeks.stdout).toMatch(/^note: the last test window \(window 4\) holds 8 bars up to the data's last, 2019-06-28: 36% of the 4w asked; its out-of-sample figures weigh a shorter period than the others'$/m);
  });

  it('notes what loading the data did and its split-like jumps, as `ensemble backtest` does, worded for the flags or the spec', async () => {
    // 60 weekdays from 2020-01-01, semicolons and decimal commas, an Adj Close column; the close halves on the 40th.
    const rows = ['Date;Open;High;Low;Close;Adj Close;Volume'];
    for (let k = 0, day = Date.UTC(2020, 0, 1); k < 60; day += 86_400_000) {
      if ([0, 6].includes(new Date(day).getUTCDay())) continue;
      const close = (k >= 40 ? 50 : 100) + (k % 3);
      const text = String(close).concat(',5');
      rows.push([new Date(day).toISOString().slice(0, 10), text, text, text, text, text, '1000'].join(';'));
      k++;
    }
    writeFileSync(at('split.csv'), `${rows.join('\n')}\n`);
    const notes = (advice: string): string[] => [
      'note: fields separated by semicolons, as the header line separates them',
      `note: column "Adj Close" ignored: prices are as traded, not adjusted for splits and dividends; ${advice} to scale open, high, low and close by "Adj Close" / close`,
      'note: numbers read with a decimal comma ("100,5" on line 2), as the file writes them',
      `note: split's close goes from 100.5 to 51.5 on 2020-02-26 (-48.76%), as a 2:1 split would: if the prices are not adjusted for it, the run takes it for a real move (use split-adjusted prices, or ${advice} with an adjusted close column; ensemble data inspect lists every jump)`,
    ];
    const flags = ['--strategy', 'sma-crossover', '--data', at('split.csv'), '--vary', 'fast=3,5', '--param', 'slow=10', '--workers', '1', '--no-progress'];
    const sweep = await cli(['sweep', ...flags, '--out', at('split-sweep')]);
    expect(sweep.code).toBe(0);
    expect(sweep.stdout.split('\n').slice(0, 5)).toEqual([...notes('run with --adjust'), expect.stringMatching(/^Sweep [0-9a-f]{12} · objective sharpe/)]);
    const walk = await cli(['walk-forward', ...flags, '--train', '30', '--test', '10', '--out', at('split-wf')]);
    expect(walk.code).toBe(0);
    expect(walk.stdout.split('\n').slice(0, 5)).toEqual([...notes('run with --adjust'), expect.stringMatching(/^Walk-forward [0-9a-f]{12}/)]);
    const spec = writeSpec('split-spec.json', { kind: 'backtest', config: { data: { file: at('split.csv') }, strategy: 'sma-crossover', params: { slow: 10 } }, parameters: [{ path: 'params.fast', values: [3, 5] }] });
    const specified = await cli(['sweep', '--spec', spec, '--workers', '1', '--no-progress', '--out', at('split-spec')]);
    expect(specified.code).toBe(0);
    expect(specified.stdout.split('\n').slice(0, 4)).toEqual(notes('set "adjust": true in data'));
    // A daily file with a hole of more than 30 days: noted, as `ensemble backtest` notes it.
    const days = Array.from({ length: 80 }, (_, i) => Date.UTC(2020, 0, 1) + (i < 40 ? i : i + 400) * 86_400_000);
    writeFileSync(at('hole.csv'), `date,close\n${days.map((day, i) => `${new Date(day).toISOString().slice(0, 10)},${String(100 + i)}`).join('\n')}\n`);
    const holed = await cli(['sweep', '--strategy', 'buy-and-hold', '--data', at('hole.csv'), '--vary', 'cash=1000,2000', '--workers', '1', '--no-progress', '--out', at('hole-sweep')]);
    expect(holed.code).toBe(0);
    expect(holed.stdout).toContain('note: hole has no bar from 2020-02-09 to 2021-03-16 (401 days): the run holds through the gap as one bar, and annualised figures count bars, not calendar time (ensemble data inspect lists every gap)\n');
    // A daily file with hourly rows: noted, as `ensemble backtest` notes it.
    const mixedRows = [...days.slice(0, 40).map((day) => new Date(day).toISOString().slice(0, 10)), ...['01', '02', '03'].map((hour) => `2020-02-09 ${hour}:00`)];
    writeFileSync(at('mixed.csv'), `date,close\n${mixedRows.map((date, i) => `${date},${String(100 + i)}`).join('\n')}\n`);
    const mixed = await cli(['sweep', '--strategy', 'buy-and-hold', '--data', at('mixed.csv'), '--vary', 'cash=1000,2000', '--workers', '1', '--no-progress', '--out', at('mixed-sweep')]);
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toContain('note: mixed: 3 of its 43 bars are under 12 hours after the bar before (the first at 2020-02-09 01:00), though most are a day apart: a file mixing daily and intraday rows?');
    // An embedded data set's notes are in its description (`ensemble data list`): none here.
    const dataset = await cli(['sweep', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2019-01-01', '--vary', 'fast=3,5', '--param', 'slow=10', '--workers', '1', '--no-progress', '--out', at('sp500-sweep')]);
    expect(dataset.stdout.startsWith('Sweep ')).toBe(true);
  });

  it("takes a backtest config as --config (a backtest sweep's best-config.json), its parameters by name", async () => {
    const first = await cli(['sweep', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2019-01-01', '--vary', 'fast=3,5', '--param', 'slow=20', '--workers', '1', '--no-progress', '--out', at('kind-first')]);
    expect(first.code).toBe(0);
    const again = await cli(['sweep', '--config', at('kind-first/best-config.json'), '--vary', 'fast=3,5', '--workers', '1', '--no-progress', '--out', at('kind-again')]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    // The same combinations, the same metrics: the best config is the base with the best parameters.
    const rows = (dir: string): unknown => (JSON.parse(readFileSync(at(`${dir}/results.json`), 'utf8')) as { rows: { parameters: unknown; metrics: unknown }[] }).rows.map((row) => [row.parameters, row.metrics]);
    expect(rows('kind-again')).toEqual(rows('kind-first'));
    // In a spec, the kind is said.
    const spec = writeSpec('kind-spec.json', { config: at('kind-first/best-config.json'), parameters: [{ path: 'params.fast', values: [3, 5] }] });
    const refused = await cli(['sweep', '--spec', spec, '--out', at('kind-spec')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('kind: is "run" (the default), but the base config is a backtest config (one "strategy", no "strategies"): set "kind": "backtest" in the spec');
  });

  it('--resume without a journal yet says every job runs', async () => {
    const { code, stderr } = await cli(['sweep', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2015-01-01', '--vary', 'fast=5,10', '--workers', '1', '--no-progress', '--resume', '--out', at('resume-new')]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`--resume: ${path.join(at('resume-new'), 'journal.jsonl')} does not exist yet, so every job runs`);
  });

  it('--resume says how many journal lines it could not read, whose jobs run again', async () => {
    const args = ['sweep', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2015-01-01', '--vary', 'fast=5,10,15', '--workers', '1', '--no-progress', '--out', at('resume-damaged')];
    expect((await cli(args)).code).toBe(0);
    const journal = path.join(at('resume-damaged'), 'journal.jsonl');
    const lines = readFileSync(journal, 'utf8').split('\n');
    lines[2] = `${(lines[2] ?? '').slice(0, 40)}#damaged`;
    writeFileSync(journal, lines.join('\n'));
    const resumed = await cli([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`--resume: 1 line of ${journal} could not be read (damaged or edited), so its job runs again`);
    // And what it took from the journal: the two whole lines' jobs.
    expect(resumed.stderr).toContain(`--resume: 2 finished jobs taken from ${journal}; only the jobs not in it run`);
    // That job ran again and was journalled anew, after the damaged line.
    expect(readFileSync(journal, 'utf8').split('\n').filter((line) => line.trim() !== '')).toHaveLength(5);
  });

  it('Ctrl-C exits 130 keeping the journal, and --resume finishes without redoing the finished jobs', async () => {
    // Every combination but the first waits at its first bar until the gate file exists, so the
    // interrupt lands while the sweep runs however fast or loaded the machine is: one job (the
    // first, which a thread runs alone: nothing is sent ahead before a job has run) is finished.
    const gate = path.join(scratch, 'gate-open');
    writeFileSync(
      at('gated.ts'),
      [
        "import { existsSync } from 'node:fs';",
        "import { defineStrategy } from '@ensemble/protocol';",
        "import { z } from 'zod';",
        'const pause = new Int32Array(new SharedArrayBuffer(4));',
        'export default defineStrategy({',
        "  name: 'gated', kind: 'signal', description: 'Holds cash; from n = 1 on, waits at its first bar for the gate file.',",
        '  params: z.strictObject({ n: z.number().int().default(0) }),',
        '  create: (params) => ({',
        '    warmup: 1,',
        '    shouldEnter: (context) => {',
        `      if (params.n >= 1 && context.length === 1) while (!existsSync(${JSON.stringify(gate)})) Atomics.wait(pause, 0, 0, 20);`,
        '      return null;',
        '    },',
        '    shouldExit: () => false,',
        '  }),',
        '});',
        '',
      ].join('\n'),
    );
    const args = ['sweep', '--strategy', at('gated.ts'), '--data', 'sp500', '--from', '2019-01-01', '--vary', 'n=0:39:1', '--objective', 'totalReturn', '--out', at('long-out'), '--no-progress'];
    const journal = path.join(scratch, 'long-out', 'journal.jsonl');
    const lines = (): number => (existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((line) => line !== '').length : 0);
    const interrupted = await cli([...args, '--workers', '1'], (child) => {
      const timer = setInterval(() => {
        if (lines() >= 2) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 20);
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('--resume');
    expect(lines() - 1).toBe(1);
    expect(existsSync(path.join(scratch, 'long-out', 'results.json'))).toBe(false);
    writeFileSync(gate, '');
    const resumed = await cli([...args, '--workers', '2', '--resume']);
    expect(resumed.code).toBe(0);
    expect(lines() - 1).toBe(40); // each job once: the resumed run appended only the missing ones
    expect((JSON.parse(readFileSync(path.join(scratch, 'long-out', 'results.json'), 'utf8')) as { rows: unknown[] }).rows).toHaveLength(40);
  });
});
