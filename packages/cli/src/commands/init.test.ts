import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { TEMPLATE_DEPENDENCY_VERSIONS } from '../init/templates';
import { createCapturedIo } from '../io';
import { spawnCli } from '../testing/spawn-cli';
import { installedPackageDirectory, linkWorkspacePackages } from '../testing/workspace-links';

const repository = fileURLToPath(new URL('../../../../', import.meta.url));
// Outside the workspace: the generated files must run as generated, with nothing installed.
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-init-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const GENERATED = ['strategies/my-strategy.ts', 'strategies/my-strategy.test.ts', 'run.json', 'package.json', 'README.md'];

async function init(args: string[], cwd: string, env: Record<string, string> = {}) {
  const io = createCapturedIo({ cwd, env });
  const code = await main(['node', 'ensemble', 'init', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** Runs vitest (the workspace's) on `root` with `config`; resolves with its exit code and output. */
function runVitest(root: string, config: string): Promise<{ code: number | null; output: string }> {
  const vitest = path.join(installedPackageDirectory('vitest'), 'vitest.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vitest, 'run', '--root', root, '--config', config], { cwd: root, env: { ...process.env, NO_COLOR: '1', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

describe('ensemble init', () => {
  const project = path.join(scratch, 'project');

  it('writes the five files, and the run config runs as generated (the real CLI, nothing installed)', async () => {
    const { code, out, err } = await init(['project'], scratch);
    expect(err).toBe('');
    expect(code).toBe(0);
    for (const file of GENERATED) expect(existsSync(path.join(project, file)), file).toBe(true);
    expect(out).toContain('ensemble run --config project/run.json');

    const run = await spawnCli(['run', '--config', path.join(project, 'run.json'), '--json', 'result.json', '--html', 'report.html'], { cwd: scratch });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/mine\s+my-strategy \(signal\) on SP500 · period=100 · margin=0\.01 · from \.\/strategies\/my-strategy\.ts/);
    expect(run.out).toMatch(/trend\s+sma-crossover \(signal\) on SP500/);
    const result = JSON.parse(readFileSync(path.join(scratch, 'result.json'), 'utf8')) as { config: { strategies: { strategy: string }[] }; sleeves: { id: string }[] };
    expect(result.config.strategies.map((entry) => entry.strategy)).toEqual(['my-strategy', 'sma-crossover']);
    expect(readFileSync(path.join(scratch, 'report.html'), 'utf8')).toContain('my-strategy');
  });

  it("the package's check script passes the generated strategy on the S&P 500", async () => {
    const manifest = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const [tool, ...args] = (manifest.scripts.check ?? '').split(' ');
    expect(tool).toBe('ensemble');
    const { code, out, err } = await spawnCli(args, { cwd: project });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('Checking my-strategy (signal) · period=100 · margin=0.01 · from ./strategies/my-strategy.ts\n');
    expect(out).toMatch(/All 6 checks passed\. /);
  });

  it('ensemble strategies describes the generated strategy', async () => {
    const { code, out } = await spawnCli(['strategies', path.join(project, 'strategies/my-strategy.ts')], { cwd: scratch });
    expect(code).toBe(0);
    expect(out).toMatch(/^my-strategy {2}\(signal\)$/m);
    expect(out).toMatch(/period\s+integer\s+100\s+>= 2 and <= 500\s+Moving-average window of closes, in bars/);
    expect(out).toMatch(/margin\s+number\s+0\.01\s+>= 0 and <= 0\.2\s+How far above the average/);
  });

  it('refuses to overwrite, naming every file that exists, and --force overwrites', async () => {
    writeFileSync(path.join(project, 'README.md'), 'mine\n');
    const refused = await init(['project'], scratch);
    expect(refused.code).toBe(2);
    // Said as what it is (files in the way), not as a configuration problem.
    expect(refused.err).toContain(`error: ensemble init did not write anything: ${GENERATED.length} files it would write exist in "${project}", and it does not overwrite files:\n`);
    expect(refused.err).not.toContain('Invalid configuration');
    for (const file of GENERATED) expect(refused.err).toContain(`\n  - ${path.join(project, file)}\n`);
    expect(refused.err).toContain('Choose another directory, or add --force to overwrite them.');
    expect(readFileSync(path.join(project, 'README.md'), 'utf8')).toBe('mine\n');
    const forced = await init(['project', '--force'], scratch);
    expect(forced.code).toBe(0);
    const readme = readFileSync(path.join(project, 'README.md'), 'utf8');
    expect(readme).toContain('# My Ensemble strategies');
    // Made by the repository's unreleased CLI: the README says npm has no release yet, before `npm install`.
    expect(readme.indexOf('are not on the npm registry yet')).toBeGreaterThan(readme.indexOf('## Next steps'));
    expect(readme.indexOf('are not on the npm registry yet')).toBeLessThan(readme.indexOf('npm install'));
  });

  it('exits 2 naming the directory when it is a file, or lies under one, and writes nothing', async () => {
    const file = path.join(scratch, 'a-file');
    writeFileSync(file, 'not a directory\n');
    const onFile = await init(['a-file'], scratch);
    expect(onFile.code).toBe(2);
    expect(onFile.err).toBe(`error: ensemble init cannot create the directory "${file}": is a file, not a directory; give ensemble init a directory (it is created when missing).\n`);
    const below = await init([path.join('a-file', 'project')], scratch);
    expect(below.code).toBe(2);
    expect(below.err).toContain(`"${path.join(file, 'project')}": a part of the path is a file, not a directory; give ensemble init a directory (it is created when missing).`);
    expect(readFileSync(file, 'utf8')).toBe('not a directory\n');
  });

  it.runIf(process.platform === 'linux')('exits 2 at once for a directory the file system refuses (/proc), where it hung', async () => {
    const refused = await init(['/proc/ensemble-init-test'], scratch);
    expect(refused.code).toBe(2);
    expect(refused.err).toBe('error: ensemble init cannot create the directory "/proc/ensemble-init-test": the file system does not allow a directory there; give ensemble init a directory (it is created when missing).\n');
  });

  it('a directory where a file goes, or a file where a folder goes, stops init before it writes anything, --force or not', async () => {
    const taken = path.join(scratch, 'taken');
    mkdirSync(path.join(taken, 'README.md'), { recursive: true });
    for (const flags of [[], ['--force']]) {
      const result = await init(['taken', ...flags], scratch);
      expect(result.code).toBe(2);
      expect(result.err).toBe(
        `error: ensemble init did not write anything: a path it would write is taken in "${taken}":\n  - ${path.join(taken, 'README.md')} is a directory, where ensemble init writes a file\nMove it away or choose another directory (--force overwrites files, not directories).\n`,
      );
      expect(readdirSync(taken)).toEqual(['README.md']);
    }
    const fileInTheWay = path.join(scratch, 'file-in-the-way');
    mkdirSync(fileInTheWay);
    writeFileSync(path.join(fileInTheWay, 'strategies'), 'mine\n');
    const result = await init(['file-in-the-way', '--force'], scratch);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`  - ${path.join(fileInTheWay, 'strategies')} is a file, where ensemble init makes a folder\nMove it away`);
    expect(readdirSync(fileInTheWay)).toEqual(['strategies']);
  });

  it('a dangling symbolic link where a file goes counts as an existing file: nothing is written through it', async () => {
    const linked = path.join(scratch, 'linked');
    mkdirSync(linked);
    symlinkSync(path.join(scratch, 'outside.json'), path.join(linked, 'package.json'));
    const result = await init(['linked'], scratch);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`\n  - ${path.join(linked, 'package.json')}\n`);
    expect(existsSync(path.join(scratch, 'outside.json'))).toBe(false);
    expect(readdirSync(linked)).toEqual(['package.json']);
  });

  it('writes into the current directory by default', async () => {
    const here = path.join(scratch, 'here');
    mkdirSync(here);
    expect((await init([], here)).code).toBe(0);
    for (const file of GENERATED) expect(existsSync(path.join(here, file)), file).toBe(true);
  });

  it('refuses an empty directory argument (an unset shell variable) and writes nothing, where leaving it out writes here', async () => {
    const here = path.join(scratch, 'empty-argument');
    mkdirSync(here);
    for (const dir of ['', '  ']) {
      const result = await init([dir], here);
      expect(result.code).toBe(2);
      expect(result.err).toContain('give the directory to write into (it is created when missing), or leave it out to write into the current directory');
    }
    expect(readdirSync(here)).toEqual([]);
  });

  it('depends on the zod and vitest versions the repository pins', () => {
    const workspace = readFileSync(path.join(repository, 'pnpm-workspace.yaml'), 'utf8');
    for (const [name, version] of Object.entries(TEMPLATE_DEPENDENCY_VERSIONS)) expect(workspace).toContain(`\n  ${name}: ${version}\n`);
    const manifest = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(Object.keys(manifest.scripts)).toEqual(expect.arrayContaining(['test', 'run']));
    expect(Object.keys(manifest.dependencies)).toEqual(['@ensemble/cli', '@ensemble/data', '@ensemble/protocol', 'zod']);
  });

  it('the generated test passes under vitest, its dependencies installed from the workspace', async () => {
    // `npm install` of the generated package.json, with this workspace's packages: links in node_modules.
    linkWorkspacePackages(project, ['@ensemble/cli', '@ensemble/data', '@ensemble/protocol', 'zod', 'vitest']);
    // Unbuilt workspace packages resolve to their TypeScript source through the `@ensemble/source`
    // condition, as in the workspace's own vitest config; the generated project has none of its own.
    const config = path.join(scratch, 'vitest.source.config.mjs');
    const conditions = ['@ensemble/source', 'module', 'node', 'development|production'];
    writeFileSync(config, `export default ${JSON.stringify({ resolve: { conditions }, ssr: { resolve: { conditions } }, test: { testTimeout: 120_000 } })};\n`);
    const { code, output } = await runVitest(project, config);
    expect(output).toMatch(/Tests\s+\d+ passed \(\d+\)/);
    expect(output).toContain('strategies/my-strategy.test.ts');
    expect(code, output).toBe(0);
  });
});

describe('ensemble init from a clone (pnpm ensemble init)', () => {
  it('gives the next commands as pnpm runs them from the clone, and says the packages are not on npm before a release', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'ensemble-init-clone-'));
    try {
      const { code, out } = await init(['mine'], cwd, { npm_lifecycle_event: 'ensemble', PNPM_SCRIPT_SRC_DIR: '/src/ensemble' });
      expect(code).toBe(0);
      expect(out).toContain('  pnpm -s -C /src/ensemble ensemble run --config mine/run.json --html report.html');
      expect(out).toContain('  pnpm -s -C /src/ensemble ensemble backtest --dataset sp500 --strategy mine/strategies/my-strategy.ts');
      expect(out).toContain('  pnpm -s -C /src/ensemble ensemble check --dataset sp500 --strategy mine/strategies/my-strategy.ts');
      expect(out).toContain('(the npm registry has no release of the @ensemble packages yet, so these run from the clone, as above; mine/README.md says how to install the project\'s packages from it)');
      expect(out).not.toContain('npm install');
      // Run otherwise (node …/bin.ts init), it says how to run them from a clone.
      const direct = await init(['other'], cwd, {});
      expect(direct.out).toContain('(the npm registry has no release of the @ensemble packages yet, so these run from a clone of Ensemble: there, npx -y pnpm@10.34.9 ensemble … in place of ensemble …; other/README.md says how to install the project\'s packages from the clone)');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
