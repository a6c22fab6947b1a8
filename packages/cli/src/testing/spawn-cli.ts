import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
/** tsx's loader by URL, so that a child finds it from any working directory. */
export const tsxLoader = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;

/** What a spawned CLI did: its exit code and everything it wrote. */
export interface SpawnedCli {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `node` with tsx and the `@ensemble/source` condition (TypeScript from source, as
 * `pnpm ensemble` runs) on `args` in `cwd`, colours off; resolves with its exit code and output.
 */
export function spawnNode(args: readonly string[], options: { readonly cwd: string }): Promise<SpawnedCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@ensemble/source', '--import', tsxLoader, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', INIT_CWD: options.cwd },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, out, err });
    });
  });
}

/**
 * Runs the real `ensemble` CLI from source in a child process (node with tsx and the
 * `@ensemble/source` condition, as `pnpm ensemble` runs it) in `cwd`, colours off, and resolves
 * with its exit code and output. For tests of what only a real process shows: strategy files
 * imported through tsx, exit codes.
 */
export function spawnCli(args: readonly string[], options: { readonly cwd: string }): Promise<SpawnedCli> {
  return spawnNode([bin, ...args], options);
}

/** What a CLI started by {@link startCli} did: its exit code and everything it wrote. */
export interface CliOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Starts the real `ensemble` CLI from source in `cwd` (as {@link spawnCli}) for tests that act on
 * the running process: `onStart` gets the child (to interrupt it), and every wait is bounded —
 * past `limitMs` the child is killed (SIGKILL) and the test fails on its exit code.
 */
export function startCli(args: readonly string[], options: { readonly cwd: string; readonly limitMs: number; readonly onStart?: (child: ChildProcess) => void }): Promise<CliOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@ensemble/source', '--import', tsxLoader, bin, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    const limit = setTimeout(() => child.kill('SIGKILL'), options.limitMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
    options.onStart?.(child);
  });
}
