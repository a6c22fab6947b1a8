import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

const repository = fileURLToPath(new URL('../../../../', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-report-command-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function ensemble(args: string[], cwd = scratch): Promise<{ code: number; out: string; err: string }> {
  const io = createCapturedIo({ cwd, env: {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const at = (name: string): string => path.join(scratch, name);
const read = (name: string): string => readFileSync(at(name), 'utf8');

describe('ensemble report', () => {
  it('writes the Markdown and HTML of a saved `run --json` result byte for byte as the run wrote them, and its CSVs', async () => {
    const config = path.join(repository, 'examples', 'sp500-two-sleeves.json');
    const run = await ensemble(['run', '--config', config, '--json', 'run.json', '--md', 'run.md', '--html', 'run.html']);
    expect(run.code).toBe(0);
    const report = await ensemble(['report', 'run.json', '--md', 'again.md', '--html', 'again.html', '--csv-dir', 'csv/run']);
    expect(report.err).toBe('');
    expect(report.code).toBe(0);
    expect(read('again.md')).toBe(read('run.md'));
    expect(read('again.html')).toBe(read('run.html'));
    expect(readdirSync(at('csv/run')).sort()).toEqual(['equity.csv', 'fills.csv', 'trades.csv', 'weights.csv']);
    // The equity rows are the JSON's portfolio curve: its first and last points, by hand.
    const json = JSON.parse(read('run.json')) as { portfolio: { equity: { time: string; equity: number }[] } };
    const points = json.portfolio.equity;
    const rows = read('csv/run/equity.csv').trimEnd().split('\n');
    expect(rows).toHaveLength(points.length + 1);
    expect(rows[1]?.split(',').slice(0, 2)).toEqual([points[0]?.time.slice(0, 10), String(points[0]?.equity)]);
    expect(rows.at(-1)?.split(',').slice(0, 2)).toEqual([points.at(-1)?.time.slice(0, 10), String(points.at(-1)?.equity)]);
    expect(report.out).toContain('wrote again.md (');
    expect(report.out).toContain(`wrote ${path.join('csv/run', 'weights.csv')} (`);
  });

  it('writes the report of a saved `backtest --json` result, with a title of the user\'s', async () => {
    const backtest = await ensemble(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--json', 'bt.json', '--md', 'bt.md']);
    expect(backtest.code).toBe(0);
    const same = await ensemble(['report', 'bt.json', '--md', 'bt-again.md']);
    expect(same.code).toBe(0);
    expect(read('bt-again.md')).toBe(read('bt.md'));
    const titled = await ensemble(['report', 'bt.json', '--md', 'bt-titled.md', '--title', 'My SMA run']);
    expect(titled.code).toBe(0);
    expect(read('bt-titled.md').split('\n')[0]).toBe('# My SMA run');
  });

  it('refuses a saved result whose records were edited, headed as a result with the command that writes it again, and writes nothing', async () => {
    const backtest = await ensemble(['backtest', '--dataset', 'stocks5', '--strategy', 'sma-crossover', '--param', 'allowShort=true', '--fill', 'close', '--json', 'short.json']);
    expect(backtest.code).toBe(0);
    const json = JSON.parse(read('short.json')) as { trades: { exitTime: string; entryTime: string }[] };
    const trade = json.trades[4];
    if (trade === undefined) throw new Error('no trade');
    trade.exitTime = '2000-01-03';
    writeFileSync(at('short-edited.json'), JSON.stringify(json));
    const edited = await ensemble(['report', 'short-edited.json', '--md', 'short-edited.md']);
    expect(edited.code).toBe(2);
    expect(edited.err).toBe(`error: Invalid result in short-edited.json (write it again with \`ensemble backtest --json\`):\n  - trades.4.exitTime: is 2000-01-03, before the trade's entryTime ${trade.entryTime}\n`);
    expect(readdirSync(scratch)).not.toContain('short-edited.md');
  });

  it('says what an output of `ensemble sweep` or `walk-forward` is and how its research report is made, instead of "not an Ensemble result"', async () => {
    // The top-level shapes research-outputs write (results.json, summary.json, walk-forward.json), their lists empty.
    const sweepId = 'e56d801a6ee4'.padEnd(64, '0');
    const counts = { grid: 0, skipped: 0, notSampled: 0, planned: 0, ok: 0, failed: 0, timedOut: 0, notRun: 0 };
    const objective = { metric: 'sharpe', direction: 'max' };
    writeFileSync(at('results.json'), JSON.stringify({ version: 1, sweepId, kind: 'run', objective, parameters: [], counts, aborted: false, rows: [] }));
    writeFileSync(at('summary.json'), JSON.stringify({ version: 1, sweepId, kind: 'run', objective, counts, aborted: false, best: null, statistics: { deflatedSharpe: null, pbo: null, stability: null, notes: [] } }));
    writeFileSync(at('walk-forward.json'), JSON.stringify({ version: 1, planId: sweepId, kind: 'run', objective, mode: 'rolling', parameters: [], aborted: false, steps: [], metrics: null, efficiency: null }));
    for (const [file, what, command] of [
      ['results.json', "a sweep's results (results.json of `ensemble sweep`)", 'sweep'],
      ['summary.json', "a sweep's summary (summary.json of `ensemble sweep`)", 'sweep'],
      ['walk-forward.json', "a walk-forward's result (walk-forward.json of `ensemble walk-forward`)", 'walk-forward'],
    ] as const) {
      const outcome = await ensemble(['report', file, '--html', 'x.html']);
      expect(outcome.code, file).toBe(2);
      expect(outcome.err, file).toContain(`${what}, not a run or backtest result`);
      expect(outcome.err, file).toContain(`run the same \`ensemble ${command}\` with --html FILE and --resume`);
      expect(outcome.err, file).not.toContain('not an Ensemble result');
      expect(outcome.err.split('\n')[0], file).toBe(`error: Invalid result in ${file}:`);
    }
    expect(readdirSync(scratch)).not.toContain('x.html');
  });

  it('exits 2 naming the problem: nothing to write, a file that is no result, an output over its input, a file where the CSV directory goes', async () => {
    writeFileSync(at('other.json'), '{"a":1}');
    writeFileSync(at('plain-file'), '');
    const nothing = await ensemble(['report', 'other.json']);
    expect([nothing.code, nothing.err]).toEqual([2, expect.stringContaining('nothing to write: give --html FILE, --md FILE or --csv-dir DIR')]);
    const foreign = await ensemble(['report', 'other.json', '--md', 'x.md']);
    expect(foreign.code).toBe(2);
    expect(foreign.err).toContain('error: Invalid result in other.json:\n  - (root): not an Ensemble result (an object of another shape)');
    const over = await ensemble(['report', 'other.json', '--md', 'other.json']);
    expect([over.code, over.err]).toEqual([2, expect.stringContaining('would overwrite the result file')]);
    const blocked = await ensemble(['report', 'other.json', '--csv-dir', 'plain-file']);
    expect([blocked.code, blocked.err]).toEqual([2, expect.stringContaining('is a file, not a directory')]);
    const clash = await ensemble(['report', 'other.json', '--md', 'csv/equity.csv', '--csv-dir', 'csv']);
    expect([clash.code, clash.err]).toEqual([2, expect.stringContaining('--md csv/equity.csv: is where --csv-dir csv writes equity.csv')]);
    const missing = await ensemble(['report', 'gone.json', '--md', 'x.md']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Cannot read the result file');
    expect(readdirSync(scratch)).not.toContain('x.md');
  });
});
