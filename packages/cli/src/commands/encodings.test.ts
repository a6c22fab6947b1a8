import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// JSON files are UTF-8. A config saved in Latin-1 (an editor's "Western" encoding) read "café" as
// "caf\uFFFD": the run's name, a sleeve's id or a symbol changed without a word.

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-encodings-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** `text` written byte for byte as Latin-1 (every character below U+0100). */
function latin1File(name: string, text: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, Buffer.from(text, 'latin1'));
  return file;
}

async function run(args: string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const RUN_CONFIG = '{\n  "name": "Caf\u00e9 run",\n  "data": { "dataset": "sp500" },\n  "strategies": [{ "id": "a", "strategy": "buy-and-hold", "symbols": ["SP500"] }]\n}\n';
const REFUSED = 'line 2, column 15: byte 0xE9 ("é" in Latin-1) is not UTF-8: the file is in another encoding (Latin-1, Windows-1252?); save it as UTF-8';

describe('JSON files in another encoding than UTF-8', () => {
  it('run --config refuses a Latin-1 run config at the byte, and runs it saved as UTF-8', async () => {
    const latin = await run(['run', '--config', latin1File('latin.json', RUN_CONFIG)]);
    expect(latin.code).toBe(2);
    expect(latin.out).toBe('');
    expect(latin.err).toBe(`error: Invalid configuration in ${path.join(scratch, 'latin.json')}:\n  - ${REFUSED}\n`);
    writeFileSync(path.join(scratch, 'utf8.json'), RUN_CONFIG);
    const utf8 = await run(['run', '--config', 'utf8.json']);
    expect(utf8.err).toBe('');
    expect(utf8.code).toBe(0);
    expect(utf8.out).toMatch(/^Run: Café run\n/);
  });

  it('a backtest config, a sweep spec and a saved result are refused alike', async () => {
    // A backtest config of a data file named café.csv, which exists: valid as UTF-8, refused as Latin-1.
    const rows = Array.from({ length: 30 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},10,13,9,${String(10 + (i % 3))},100`);
    writeFileSync(path.join(scratch, 'caf\u00e9.csv'), ['date,open,high,low,close,volume', ...rows].join('\n') + '\n');
    const text = '{\n  "data": { "file": "caf\u00e9.csv" },\n  "strategy": "buy-and-hold"\n}\n';
    writeFileSync(path.join(scratch, 'backtest-utf8.json'), text);
    const ran = await run(['run', '--config', 'backtest-utf8.json']);
    expect(ran.err).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.out).toMatch(/^Backtest: buy-and-hold on /);
    const refusedBacktest = await run(['run', '--config', latin1File('backtest.json', text)]);
    expect(refusedBacktest.code).toBe(2);
    // `  "data": { "file": "caf` is 24 characters: the byte is the 25th.
    expect(refusedBacktest.err).toContain('line 2, column 25: byte 0xE9 ("é" in Latin-1) is not UTF-8');
    const spec = await run(['sweep', '--spec', latin1File('spec.json', RUN_CONFIG), '--out', path.join(scratch, 'out')]);
    expect(spec.code).toBe(2);
    expect(spec.err).toContain(REFUSED);
    const report = await run(['report', latin1File('result.json', RUN_CONFIG), '--md', path.join(scratch, 'r.md')]);
    expect(report.code).toBe(2);
    expect(report.err).toContain(REFUSED);
  });
});
