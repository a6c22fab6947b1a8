// `pnpm test:fuzz`: the property tests again, with a random fast-check seed per round, for a
// bounded time. `pnpm test` runs them from one fixed seed (tooling/vitest/fast-check-setup.js) so
// that it never flakes; this script looks for the counterexamples a fixed seed never reaches.
// Each round runs every package's property test files (the test files that call `fc.assert`)
// with `ENSEMBLE_FC_SEED` set; 10 rounds make 10× the runs of `pnpm test`. A failure prints the
// seed and the command that replays it; make the counterexample a named regression test.
//
//   node scripts/fuzz.mjs [--rounds N] [--seconds S] [--findings FILE]
//
// Stops after N rounds (default 10) or when S seconds (default 600) have passed, whichever comes
// first; a round still running at the deadline is stopped. Exits 1 on any failure.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`${name} takes a whole number above 0, got ${JSON.stringify(process.argv[index + 1] ?? '')}`);
    process.exit(2);
  }
  return value;
}

const rounds = option('--rounds', 10);
const findingsIndex = process.argv.indexOf('--findings');
/** With `--findings FILE`, each failure's replay line is also appended to FILE. */
const findingsFile = findingsIndex < 0 ? undefined : process.argv[findingsIndex + 1];
const seconds = option('--seconds', 600);
const deadline = Date.now() + seconds * 1000;

/** Test files under `dir` that run fast-check properties. */
function propertyFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...propertyFiles(path));
    else if (name.endsWith('.test.ts') && readFileSync(path, 'utf8').includes('fc.assert(')) found.push(path);
  }
  return found;
}

const targets = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    if (!statSync(dir).isDirectory()) continue;
    const files = propertyFiles(dir).map((file) => relative(dir, file));
    if (files.length > 0) targets.push({ dir, files });
  }
}

function run(dir, files, seed) {
  if (Date.now() >= deadline) return Promise.resolve({ code: null, signal: 'deadline', output: '' });
  // The child's temporary files go to a directory of its own, removed when it exits: vitest
  // removes its module copies on a normal exit, not when stopped at the deadline.
  const temporary = mkdtempSync(join(tmpdir(), 'ensemble-fuzz-'));
  return new Promise((resolve) => {
    const child = spawn(join(dir, 'node_modules', '.bin', 'vitest'), ['run', ...files], {
      cwd: dir,
      env: { ...process.env, ENSEMBLE_FC_SEED: String(seed), ENSEMBLE_TEST_REPORT_DIR: '', TMPDIR: temporary },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // vitest exits with a code of its own when it is sent SIGTERM: remember that we stopped it.
    let stopped = false;
    const timer = setTimeout(() => {
      stopped = true;
      child.kill('SIGTERM');
    }, deadline - Date.now());
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        rmSync(temporary, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      } catch (error) {
        // A child of the stopped run still writing there: leave it rather than stop the fuzzing.
        console.log(`fuzz: could not remove ${temporary}: ${error instanceof Error ? error.message : String(error)}`);
      }
      resolve({ code, signal: stopped ? 'deadline' : signal, output });
    });
  });
}

const fileCount = targets.reduce((sum, target) => sum + target.files.length, 0);
console.log(`fuzz: ${fileCount} property test files in ${targets.length} packages; up to ${rounds} rounds or ${seconds} s`);
let failures = 0;
let completed = 0;
for (let round = 1; round <= rounds && Date.now() < deadline; round++) {
  const seed = randomInt(1, 2 ** 31 - 1);
  const started = Date.now();
  let stopped = false;
  for (const { dir, files } of targets) {
    const { code, signal, output } = await run(dir, files, seed);
    const where = relative(root, dir);
    if (signal !== null) {
      stopped = true;
      console.log(`fuzz: round ${round} (seed ${seed}) stopped at the time limit in ${where}`);
      break;
    }
    if (code !== 0) {
      failures++;
      const finding = `fuzz: FAILED in ${where} with seed ${seed}; replay: (cd ${where} && ENSEMBLE_FC_SEED=${seed} npx vitest run ${files.join(' ')})`;
      console.log(output);
      console.log(finding);
      if (findingsFile !== undefined) appendFileSync(findingsFile, `${finding}\n`);
    }
  }
  if (stopped) break;
  completed++;
  console.log(`fuzz: round ${round} with seed ${seed} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log(`fuzz: ${completed} rounds done; ${failures} package runs with a failing property`);
process.exit(failures > 0 ? 1 : 0);
