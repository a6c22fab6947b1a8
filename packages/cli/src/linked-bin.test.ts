import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The bin npm links when a project installs this package from a clone's folder
// (`npm install <clone>/packages/cli`, as the README of `ensemble init` says). It used to be
// `src/bin.ts`, which plain Node refuses (ERR_UNKNOWN_FILE_EXTENSION ".ts"), so `npx ensemble`
// and the project's `npm run run` crashed after following that README.

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const launcher = fileURLToPath(new URL('../scripts/linked-bin.mjs', import.meta.url));

interface Ran {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** Runs `node FILE ARGS` with plain Node: no tsx, no export condition, as npm's bin shim does. */
function runNode(file: string, args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { env: { ...process.env, NODE_OPTIONS: '' } }, (error, out, err) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, out, err });
    });
  });
}

/** A copy of the package's layout: `scripts/linked-bin.mjs`, and `dist/bin.js` when given. */
function layout(distBin: string | null): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ensemble-linked-bin-'));
  made.push(root);
  mkdirSync(path.join(root, 'scripts'));
  copyFileSync(launcher, path.join(root, 'scripts', 'linked-bin.mjs'));
  if (distBin !== null) {
    mkdirSync(path.join(root, 'dist'));
    writeFileSync(path.join(root, 'dist', 'bin.js'), distBin);
    writeFileSync(path.join(root, 'package.json'), '{ "type": "module" }\n');
  }
  return path.join(root, 'scripts', 'linked-bin.mjs');
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the bin of the package as a folder', () => {
  it('is a plain JavaScript launcher in the workspace, and the build itself once published', () => {
    const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      publishConfig: { bin: Record<string, string> };
    };
    expect(manifest.bin).toEqual({ ensemble: './scripts/linked-bin.mjs' });
    expect(manifest.publishConfig.bin).toEqual({ ensemble: './dist/bin.js' });
  });

  it('runs dist/bin.js with the arguments when the package is built', async () => {
    const bin = layout('process.stdout.write(`built CLI ran with ${JSON.stringify(process.argv.slice(2))}\\n`);\n');
    const ran = await runNode(bin, ['backtest', '--dataset', 'sp500']);
    expect(ran).toEqual({ code: 0, out: 'built CLI ran with ["backtest","--dataset","sp500"]\n', err: '' });
  });

  it('keeps the exit code the built CLI sets', async () => {
    const ran = await runNode(layout('process.exitCode = 2;\n'), ['run']);
    expect(ran.code).toBe(2);
  });

  it('says to build the clone when dist/bin.js is missing, and exits 1', async () => {
    const bin = layout(null);
    const ran = await runNode(bin, ['--version']);
    expect(ran.code).toBe(1);
    expect(ran.out).toBe('');
    expect(ran.err).toBe(
      `error: this copy of @ensemble/cli is not built (${path.join(path.dirname(bin), '..', 'dist', 'bin.js')} is missing): run \`npx -y pnpm@10.34.9 build\` in the Ensemble clone, or run the CLI from its source there with \`pnpm -s -C <clone> ensemble …\`\n`,
    );
  });
});
