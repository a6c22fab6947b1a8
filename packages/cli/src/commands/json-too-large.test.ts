import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// A JSON file over V8's longest string (2^29 − 24 = 536,870,888 characters, about 512 MiB) was
// read whole and failed as "Invalid string length". Each reader now looks at the size first. The
// files are sparse: 600 MiB = 629,145,600 bytes of which one block is written.
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-json-too-large-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const SIZE = 600 * 2 ** 20;
/** A sparse file of 600 MiB beginning with `head`. */
function sparse(name: string, head: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, head);
  truncateSync(file, SIZE);
  return name;
}
const big = sparse('big.json', '{');
const bars = sparse('bars.json', '[');
writeFileSync(path.join(scratch, 'run.json'), JSON.stringify({ data: { file: 'bars.json' }, cash: 1000, strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['X'] }] }));

async function cli(args: string[]) {
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const SIZE_TEXT = 'it is 629,145,600 bytes (600 MiB), over the 536,870,888 bytes (512 MiB) of the longest string JavaScript holds, and a JSON file is read as one string.';

describe('a JSON file over the longest string is refused by its size, naming it', () => {
  it.each([
    ['run --config', ['run', '--config', big], ['run config', 'big.json'], 'A run config is a few kilobytes'],
    ['sweep --spec', ['sweep', '--spec', big, '--out', 'sweep-out'], ['sweep spec', 'big.json'], 'A spec or a config is a few kilobytes'],
    ['walk-forward --spec', ['walk-forward', '--spec', big, '--out', 'wf-out'], ['walk-forward spec', 'big.json'], 'A spec or a config is a few kilobytes'],
    ['report', ['report', big, '--html', 'report.html'], ['result file', 'big.json'], 'Write the report from the run itself'],
    ['backtest --data', ['backtest', '--data', bars, '--strategy', 'buy-and-hold'], ['data file', 'bars.json'], 'Split the data into several files'],
    ["run of a config whose data.file is one", ['run', '--config', 'run.json'], ['data file', 'bars.json'], 'or write it as CSV'],
  ] as const)('%s', async (_name, args, [what, file], advice) => {
    const { code, err } = await cli([...args]);
    expect(code).toBe(2);
    // Named as the reader was given it: as typed, or resolved against the working directory.
    expect(err).toMatch(new RegExp(`Cannot read the ${what} "(${scratch.replaceAll('/', '\\/')}/)?${file.replace('.', '\\.')}"`));
    expect(err).toContain(SIZE_TEXT);
    expect(err).toContain(advice);
    expect(err).not.toContain('Invalid string length');
  });

  it('the files stayed sparse and nothing was written beside them', () => {
    expect(statSync(path.join(scratch, big)).size).toBe(SIZE);
    expect(readdirSync(scratch).sort()).toEqual(['bars.json', 'big.json', 'run.json']);
  });
});
