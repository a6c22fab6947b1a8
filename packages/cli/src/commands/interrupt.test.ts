import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticData, toCsv } from '@ensemble/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
const app = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-interrupt-'));
const data = path.join(scratch, 'minutes.csv');
/** Enough minute bars for a JSON result of about 50 MB: writing it takes far longer than the poll below needs to see it begin. */
const BARS = 400_000;

/** Writes a CSV of BARS one-minute bars (the data package's generator, re-timed, and its CSV writer) in blocks. */
async function writeMinuteCsv(file: string): Promise<void> {
  const [series] = generateSyntheticData({ bars: BARS, seed: 9, volatility: 0.02, drift: 0.0002 }).series;
  if (series === undefined) throw new Error('no series generated');
  const start = Date.UTC(2020, 0, 2, 14, 30);
  for (let i = 0; i < BARS; i++) series.time[i] = start + i * 60_000;
  const out = createWriteStream(file);
  const block = 50_000;
  for (let from = 0; from < BARS; from += block) {
    const to = Math.min(BARS, from + block);
    const part = { ...series, length: to - from, time: series.time.subarray(from, to), open: series.open.subarray(from, to), high: series.high.subarray(from, to), low: series.low.subarray(from, to), close: series.close.subarray(from, to), volume: series.volume.subarray(from, to) };
    const text = toCsv(part, { decimals: 4 });
    out.write(from === 0 ? text : text.slice(text.indexOf('\n') + 1));
  }
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(resolve);
  });
}

beforeAll(async () => {
  await writeMinuteCsv(data);
}, 120_000);
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const temporaryFiles = (directory: string) => readdirSync(directory).filter((name) => name.endsWith('.tmp'));

/** Polls `check` every few milliseconds until it returns a value or `timeoutMs` passes (then null). */
async function poll<T>(check: () => T | null, timeoutMs: number): Promise<T | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = check();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return null;
}

/**
 * Spawns the real CLI on a run whose JSON result is large, waits until its temporary file appears,
 * freezes the process (SIGSTOP), checks that the file is still there — so the signal is sure to
 * arrive while the result is being written — then sends `signal` and lets it go on (SIGCONT).
 */
async function interruptWhileWriting(signal: 'SIGINT' | 'SIGTERM') {
  const directory = path.join(scratch, signal);
  mkdirSync(directory);
  const child = spawn(
    process.execPath,
    ['--conditions=@ensemble/source', '--import', 'tsx', bin, 'backtest', '--data', data, '--strategy', 'sma-crossover', '--json', path.join(directory, 'result.json')],
    { cwd: app, env: { ...process.env, INIT_CWD: app, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, killedBy) => {
      resolve({ code, signal: killedBy });
    });
  });
  let finished = false;
  void exited.then(() => {
    finished = true;
  });
  const seen = await poll(() => (finished ? 'exited' : temporaryFiles(directory)[0] ?? null), 90_000);
  expect(seen, `the CLI never started writing (stderr: ${stderr})`).not.toBe('exited');
  expect(seen).not.toBeNull();
  child.kill('SIGSTOP');
  const frozenWith = temporaryFiles(directory);
  child.kill(signal);
  child.kill('SIGCONT');
  const outcome = await exited;
  return { directory, frozenWith, outcome, stderr };
}

describe('an interrupt while the result is written', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: exits %i and leaves no temporary file', async (signal, code) => {
    const { directory, frozenWith, outcome } = await interruptWhileWriting(signal);
    expect(frozenWith).toHaveLength(1);
    expect(outcome).toEqual({ code, signal: null });
    expect(temporaryFiles(directory)).toEqual([]);
  }, 120_000);
});
