#!/usr/bin/env node
// What a user installing from npm gets: packs every published package with `pnpm pack`, checks
// each tarball with publint --strict and attw (ESM-only profile), installs the tarballs — not the
// workspace — into a fresh npm project outside the repository, and runs a consumer script there:
// a custom strategy with defineStrategy, a backtest on a built-in data set, an orchestrated run
// with the custom strategy as a sleeve beside a built-in one, an HTML report, the test kit without
// a test runner. When a published @ensemble/cli is among the packages, `npx ensemble` runs too,
// on built-in strategies and on the scaffold's own TypeScript strategy file (backtest, run, sweep and
// walk-forward on worker threads).
// Run after `pnpm build` (it packs dist/). Exit 1 on the first failure, naming the step.
//
//   node scripts/pack-check.mjs [--keep]     (--keep leaves the temporary directory for a look)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const PNPM = ['-y', 'pnpm@10.34.9'];
const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'ensemble-pack-check-'));
const tarballs = join(work, 'tarballs');
const consumer = join(work, 'consumer');
mkdirSync(tarballs);
mkdirSync(consumer);

function seconds() {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

function fail(step, detail) {
  process.stderr.write(`\npack-check FAILED at: ${step}\n${detail}\n(temporary files kept in ${work})\n`);
  process.exit(1);
}

/** Runs a command; on failure prints its output and stops. Returns stdout. */
function run(step, command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error !== undefined || result.status !== 0) {
    fail(step, `$ ${command} ${args.join(' ')}\n${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`);
  }
  return result.stdout;
}

// Binaries of the root devDependencies (publint, attw), without going through a package manager.
const bin = (name) => join(root, 'node_modules', '.bin', name);

const packages = readdirSync(join(root, 'packages'))
  .sort()
  .map((name) => ({ dir: join(root, 'packages', name), manifestPath: join(root, 'packages', name, 'package.json') }))
  .filter(({ manifestPath }) => existsSync(manifestPath))
  .map((entry) => ({ ...entry, manifest: JSON.parse(readFileSync(entry.manifestPath, 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);

console.log(`pack-check: ${packages.length} published packages; working in ${work}`);

console.log('== README links');
run('README link check', process.execPath, [join(root, 'scripts', 'check-readme-links.mjs')], { stdio: 'inherit' });

console.log('== pnpm pack (one recursive call), then publint --strict and attw --profile esm-only on each tarball');
for (const { dir, manifest } of packages) {
  if (!existsSync(join(dir, 'dist'))) fail(`pack ${manifest.name}`, `${relative(root, dir)}/dist is missing: run \`npx -y pnpm@10.34.9 build\` first`);
}
// A workspace package a dist imports at run time but does not depend on is bundled into it by tsup
// (only dependencies stay external): users would get a private, possibly stale copy of it.
// esbuild marks each bundled file with a `// ../<package>/…` line.
for (const { dir, manifest } of packages) {
  for (const file of readdirSync(join(dir, 'dist')).filter((name) => name.endsWith('.js'))) {
    const bundled = readFileSync(join(dir, 'dist', file), 'utf8').match(/^\/\/ \.\.\/(?:\.\.\/)*(?:packages\/)?[\w.-]+\/(?:dist|src)\/.*$/m);
    if (bundled !== null) {
      fail(`bundled workspace code in ${manifest.name}`, `${relative(root, join(dir, 'dist', file))} contains ${bundled[0]}: add that package to ${manifest.name}'s dependencies, so it stays an import`);
    }
  }
}
run('pnpm pack', 'npx', [...PNPM, '-r', ...packages.flatMap(({ manifest }) => ['--filter', manifest.name]), 'pack', '--pack-destination', tarballs], { cwd: root });
const packed = packages.map(({ manifest }) => {
  const file = `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
  if (!existsSync(join(tarballs, file))) fail(`pnpm pack ${manifest.name}`, `no ${file} in ${tarballs}: ${readdirSync(tarballs).join(', ')}`);
  return { name: manifest.name, tgz: join(tarballs, file), file, bin: manifest.bin };
});
console.log(`  packed ${packed.length} tarballs   [${seconds()}]`);

/** Runs a command without blocking; resolves with its exit status and output. */
function runAsync(command, args) {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => done({ status: -1, output: `${output}${error.message}` }));
    child.on('close', (status) => done({ status, output }));
  });
}

// Two at a time: the checks are independent, and CI machines have at least two cores.
const queue = [...packed];
async function worker() {
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const publint = await runAsync(bin('publint'), [item.tgz, '--strict']);
    if (publint.status !== 0) fail(`publint ${item.name}`, publint.output);
    // The ESM-only profile leaves out the node10 and node16-from-CJS resolutions: these packages
    // have no CommonJS build on purpose (see docs/DECISIONS.md).
    const attw = await runAsync(bin('attw'), [item.tgz, '--profile', 'esm-only', '--format', 'table-flipped']);
    if (attw.status !== 0) fail(`attw ${item.name}`, attw.output);
    console.log(`  ${item.name.padEnd(24)} ${item.file} (${(statSync(item.tgz).size / 1024).toFixed(0)} KiB) · publint ok · attw ok   [${seconds()}]`);
  }
}
await Promise.all([worker(), worker()]);

console.log('== fresh npm project outside the repository: npm install of the tarballs');
const catalog = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
const zodVersion = /^\s*zod:\s*(\S+)/m.exec(catalog)?.[1] ?? '^4.0.0';
writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'ensemble-pack-consumer', private: true, type: 'module' }, null, 2)}\n`);
run('npm install', 'npm', ['install', '--no-audit', '--no-fund', '--loglevel', 'error', `zod@${zodVersion}`, ...packed.map(({ tgz }) => tgz)], { cwd: consumer });
const installed = readdirSync(join(consumer, 'node_modules', '@ensemble')).sort();
console.log(`  installed @ensemble/${installed.join(', @ensemble/')} and zod@${zodVersion} (vitest not installed)   [${seconds()}]`);

console.log('== consumer script (plain ESM .mjs)');
writeFileSync(join(consumer, 'consumer.mjs'), readFileSync(join(root, 'scripts', 'pack-check-consumer.mjs'), 'utf8'));
run('consumer script', process.execPath, ['consumer.mjs'], { cwd: consumer, stdio: 'inherit' });
console.log(`  consumer script passed   [${seconds()}]`);

// The declarations as a TypeScript user compiles them: strict, NodeNext, no DOM library, and the
// libraries' own declarations checked too (`skipLibCheck` off). vega-lite's types need the DOM's,
// so a public type naming one would fail here (the report's chart specs are typed as objects).
console.log('== the packages\' declarations in a strict NodeNext project without the DOM library or skipLibCheck');
const catalogVersion = (name) => new RegExp(`^\\s*'?${name.replace('/', '\\/')}'?:\\s*(\\S+)`, 'm').exec(catalog)?.[1];
run('npm install typescript @types/node', 'npm', ['install', '--no-audit', '--no-fund', '--loglevel', 'error', `typescript@${catalogVersion('typescript') ?? '5.9'}`, `@types/node@${catalogVersion('@types/node') ?? '20'}`], { cwd: consumer });
writeFileSync(
  join(consumer, 'tsconfig.json'),
  `${JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022'], types: ['node'], skipLibCheck: false, noEmit: true }, files: ['types.ts'] }, null, 2)}\n`,
);
writeFileSync(join(consumer, 'types.ts'), `${packed.map(({ name }, k) => `import * as package${String(k)} from '${name}';\nexport type Package${String(k)} = typeof package${String(k)};`).join('\n')}\n`);
run('tsc --noEmit over every package\'s declarations', process.execPath, [join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: consumer });
console.log(`  tsc --noEmit passed over the ${packed.length} packages' declarations   [${seconds()}]`);

const cli = packed.find(({ bin: bins }) => bins !== undefined && (typeof bins === 'string' || 'ensemble' in bins));
if (cli === undefined) {
  console.log('== the ensemble CLI: no published package with an `ensemble` bin yet, skipped');
} else {
  console.log(`== the ensemble CLI from ${cli.name}`);
  const help = run('npx ensemble --help', 'npx', ['--no-install', 'ensemble', '--help'], { cwd: consumer });
  if (!/backtest/.test(help)) fail('npx ensemble --help', `the help does not list the backtest command:\n${help}`);
  const backtest = run('npx ensemble backtest', 'npx', ['--no-install', 'ensemble', 'backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover'], { cwd: consumer });
  if (!/sma-crossover/.test(backtest)) fail('npx ensemble backtest', `the summary does not name the strategy:\n${backtest}`);
  const dow = run('npx ensemble backtest --dataset dow30', 'npx', ['--no-install', 'ensemble', 'backtest', '--dataset', 'dow30', '--strategy', 'equal-weight', '--symbol', 'IBM,KO'], { cwd: consumer });
  if (!/dow30/.test(dow)) fail('npx ensemble backtest --dataset dow30', `the summary does not name the data set:\n${dow}`);
  console.log(`  npx ensemble --help, backtest --dataset sp500 --strategy sma-crossover and --dataset dow30 (from @ensemble/data-dow30) passed   [${seconds()}]`);

  // A user's own TypeScript strategy, from the scaffold: alone, as a sleeve next to a built-in, in a report.
  run('npx ensemble init', 'npx', ['--no-install', 'ensemble', 'init', 'project'], { cwd: consumer });
  const own = run('npx ensemble backtest --strategy ./project/strategies/my-strategy.ts', 'npx', ['--no-install', 'ensemble', 'backtest', '--dataset', 'sp500', '--strategy', './project/strategies/my-strategy.ts'], { cwd: consumer });
  if (!/my-strategy/.test(own)) fail('npx ensemble backtest --strategy FILE', `the summary does not name the file's strategy:\n${own}`);
  run('npx ensemble run --config project/run.json --html --json', 'npx', ['--no-install', 'ensemble', 'run', '--config', 'project/run.json', '--html', 'project/report.html', '--json', 'project/result.json'], { cwd: consumer });
  const tearsheet = readFileSync(join(consumer, 'project', 'report.html'), 'utf8');
  if (tearsheet.length < 100_000 || !tearsheet.includes('my-strategy')) fail('npx ensemble run --html', 'the tearsheet is missing or does not show the strategy file\'s sleeve');
  // The same tearsheet again from the saved result (the report package's inlined chart libraries found in its install).
  run('npx ensemble report', 'npx', ['--no-install', 'ensemble', 'report', 'project/result.json', '--html', 'project/again.html'], { cwd: consumer });
  if (readFileSync(join(consumer, 'project', 'again.html'), 'utf8') !== tearsheet) fail('npx ensemble report', 'the tearsheet made from the saved result differs from the run\'s');
  console.log(`  npx ensemble init, a TypeScript strategy file backtested alone and run as a sleeve beside sma-crossover, its tearsheet written, and again from its JSON   [${seconds()}]`);

  // Research from the tarballs: the worker threads start from the installed package's dist.
  writeFileSync(
    join(consumer, 'sweep.json'),
    JSON.stringify({
      kind: 'backtest',
      config: { data: { dataset: 'sp500', from: '2010-01-01', to: '2014-12-31' }, strategy: 'sma-crossover', params: { fast: 10, slow: 50 } },
      parameters: [{ path: 'params.fast', values: [5, 10] }, { path: 'params.slow', values: [50, 100] }],
      objective: 'sharpe',
    }),
  );
  const sweep = run('npx ensemble sweep', 'npx', ['--no-install', 'ensemble', 'sweep', '--spec', 'sweep.json', '--out', 'sweep-out', '--workers', '2', '--no-progress', '--html', 'sweep-out/report.html'], { cwd: consumer });
  if (!/4 run: 4 ok/.test(sweep) || !existsSync(join(consumer, 'sweep-out', 'report.html'))) fail('npx ensemble sweep', `the sweep did not run its 4 combinations or write its report:\n${sweep}`);
  console.log(`  npx ensemble sweep on 2 worker threads with its research report   [${seconds()}]`);

  // The scaffold's TypeScript strategy file swept and walked forward on worker threads: each thread
  // imports the user's file from the installed package's dist, not from this repository's sources.
  const ownSweep = run(
    'npx ensemble sweep --strategy FILE',
    'npx',
    ['--no-install', 'ensemble', 'sweep', '--strategy', './project/strategies/my-strategy.ts', '--data', 'sp500', '--vary', 'period=50:150:50', '--workers', '2', '--no-progress', '--out', 'own-sweep'],
    { cwd: consumer },
  );
  if (!/3 run: 3 ok/.test(ownSweep) || !existsSync(join(consumer, 'own-sweep', 'best-config.json'))) {
    fail('npx ensemble sweep --strategy FILE', `the sweep of the strategy file did not run its 3 combinations:\n${ownSweep}`);
  }
  const ownWalk = run(
    'npx ensemble walk-forward --config FILE',
    'npx',
    ['--no-install', 'ensemble', 'walk-forward', '--config', 'project/run.json', '--vary', 'allocation.scheme=equal,inverse-volatility', '--train', '3y', '--test', '1y', '--workers', '2', '--no-progress', '--out', 'own-walk'],
    { cwd: consumer },
  );
  if (!/out of sample: total return/.test(ownWalk) || !existsSync(join(consumer, 'own-walk', 'oos-equity.csv'))) fail('npx ensemble walk-forward --config FILE', `the walk-forward of the scaffold's run did not finish:\n${ownWalk}`);
  console.log(`  npx ensemble sweep of the scaffold's strategy file and walk-forward of its run config, on 2 worker threads   [${seconds()}]`);
}

if (keep) console.log(`(kept ${work})`);
else rmSync(work, { recursive: true, force: true });
console.log(`pack-check: all ${packed.length} packages packed, linted and used from a fresh install in ${seconds()}`);
