import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';
import type { CheckReport, RunConfigCheckReport } from './check';

// `ensemble check` runs the test kit's strategy contract on real data from the command line: a
// strategy file's author learns whether it looks ahead before trusting a backtest of it.

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-check-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** 60 daily closes rising and falling by turns: 2024-01-01, 2024-01-02, … */
const ROWS = Array.from({ length: 60 }, (_, i) => {
  const day = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
  const close = 100 + (i % 5) * 2 - (i % 3);
  return `${day},${String(close)},${String(close + 1)},${String(close - 1)},${String(close)},1000`;
});

/** A signal strategy file whose entry rule is `rule` (an expression of `ctx`). */
function strategyFile(name: string, rule: string): string {
  return [
    "import { defineStrategy } from '@ensemble/protocol';",
    "import { z } from 'zod';",
    'export default defineStrategy({',
    `  name: '${name}', kind: 'signal', description: 'a rule under test',`,
    '  params: z.strictObject({ lookback: z.number().int().min(1).max(10).default(2) }),',
    `  create: ({ lookback }) => ({ warmup: lookback + 1, shouldEnter: (ctx) => (${rule} ? { side: 'long' } : null), shouldExit: (ctx) => ctx.close() < ctx.close(lookback) }),`,
    '});',
    '',
  ].join('\n');
}

/** The next bar's close, read through the close column's history view (what a peek looks like). */
const NEXT_CLOSE = "((view) => new Float64Array(view.buffer, view.byteOffset)[ctx.index + 1] ?? Number.NaN)(ctx.history('close'))";

let cases = 0;
/** A fresh directory holding prices.csv and the given files. */
function project(files: Record<string, string>): string {
  cases += 1;
  const directory = path.join(scratch, `case-${String(cases)}`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(path.join(directory, 'prices.csv'), ['date,open,high,low,close,volume', ...ROWS].join('\n') + '\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(directory, name), text);
  return directory;
}

async function run(args: string[], cwd?: string) {
  const io = createCapturedIo(cwd === undefined ? {} : { cwd });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const TITLES = [
  'has a non-empty id and a warm-up of 0 to 2^53 − 1 bars',
  'is given enough data by the test',
  'does not look ahead',
  'decides the same way twice and across instances',
  'returns decisions that match the protocol schemas',
  'does not mutate the input series',
];

describe('ensemble check', () => {
  it('passes a built-in strategy on an embedded data set, every check named', async () => {
    const { code, out, err } = await run(['check', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--param', 'fast=10', '--to', '2004-12-31']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^Checking sma-crossover \(signal\) · fast=10 · slow=30 · allowShort=false\n/);
    expect(out).toContain('  on SP500 · 1,256 bars · 2000-01-03 → 2004-12-31 · look-ahead at 40 cut-off points\n');
    for (const title of TITLES) expect(out).toContain(`  ✓ ${title}\n`);
    // 1,256 bars, the first 31 the warm-up: 40 cut-offs of the 1,225 bars after it.
    expect(out).toMatch(/All 6 checks passed\. The look-ahead check cut the data at 40 of 1,225 bars: a rule that peeks only on rare bars can pass between them \(--checkpoints all cuts at every bar; its time grows with the square of the bars\)\.\n$/);
  });

  it('fails a strategy file that reads the next close through a history view, naming the bar and its date (exit 1)', async () => {
    const directory = project({
      'peek.ts': strategyFile('peek', `${NEXT_CLOSE} > ctx.close()`),
      'fair.ts': strategyFile('fair', 'ctx.close() > ctx.close(lookback)'),
    });
    const peek = await run(['check', '--data', 'prices.csv', '--strategy', './peek.ts', '--checkpoints', 'all'], directory);
    expect(peek.err).toBe('');
    expect(peek.code).toBe(1);
    expect(peek.out).toContain('Checking peek (signal) · lookback=2 · from ./peek.ts\n');
    expect(peek.out).toContain('  ✗ does not look ahead\n');
    expect(peek.out).toContain('  on prices · 60 bars · 2024-01-01 → 2024-02-29 · look-ahead cut off at every bar\n');
    // With every bar a cut-off, the first entry that knew its next close is caught: the first bar
    // after the warm-up of 3 bars, bar 2 (close 102, 2024-01-03), sees bar 3's 106.
    expect(peek.out).toMatch(/ {6}\d+ decision\(s\) depend on later bars; the first, enter at prices bar 2 \(2024-01-03\), was \{"side":"long"\} with the full history and null with 3 bars/);
    for (const title of TITLES.filter((title) => title !== 'does not look ahead')) expect(peek.out).toContain(`  ✓ ${title}\n`);
    expect(peek.out).toContain('1 of 6 checks failed.');

    const fair = await run(['check', '--data', 'prices.csv', '--strategy', './fair.ts', '--param', 'lookback=3', '--checkpoints', 'all'], directory);
    expect(fair.code).toBe(0);
    expect(fair.out).toContain('All 6 checks passed.');
  });

  it('--json prints the outcome of every check', async () => {
    const directory = project({ 'peek.ts': strategyFile('peek', `${NEXT_CLOSE} > ctx.close()`) });
    const { code, out } = await run(['check', '--data', 'prices.csv', '--strategy', './peek.ts', '--json'], directory);
    expect(code).toBe(1);
    const report = JSON.parse(out) as CheckReport;
    expect(report).toMatchObject({ strategy: 'peek', kind: 'signal', params: { lookback: 2 }, file: './peek.ts', symbols: ['prices'], bars: 60, from: '2024-01-01', to: '2024-02-29', checkpoints: 40, passed: false });
    expect(report.checks.map((check) => check.title)).toEqual(TITLES);
    expect(report.checks.map((check) => check.passed)).toEqual([true, true, false, true, true, true]);
    expect(report.checks[2]?.message).toMatch(/^\d+ decision\(s\) depend on later bars/);
  });

  it('says where a strategy threw, in every check it failed', async () => {
    const directory = project({ 'thrower.ts': strategyFile('thrower', "(ctx.index === 20 ? (() => { throw new Error('boom'); })() : false)") });
    const { code, out } = await run(['check', '--data', 'prices.csv', '--strategy', './thrower.ts'], directory);
    expect(code).toBe(1);
    expect(out).toContain('  ✗ decides the same way twice and across instances\n      threw StrategyError: Strategy "thrower" failed on prices at 2024-01-21: threw at bar 20 while deciding whether to enter: boom\n');
    expect(out).toContain('  ✗ does not look ahead\n');
    expect(out).toContain('4 of 6 checks failed.');
  });

  it('says a count of cut-offs at least the bars as every bar', async () => {
    const directory = project({ 'fair.ts': strategyFile('fair', 'ctx.close() > ctx.close(lookback)') });
    const text = await run(['check', '--data', 'prices.csv', '--strategy', './fair.ts', '--checkpoints', '1e9'], directory);
    expect(text.out).toContain('  on prices · 60 bars · 2024-01-01 → 2024-02-29 · look-ahead cut off at every bar\n');
    const json = await run(['check', '--data', 'prices.csv', '--strategy', './fair.ts', '--checkpoints', '60', '--json'], directory);
    expect((JSON.parse(json.out) as CheckReport).checkpoints).toBe('all');
    const fewer = await run(['check', '--data', 'prices.csv', '--strategy', './fair.ts', '--checkpoints', '59', '--json'], directory);
    expect((JSON.parse(fewer.out) as CheckReport).checkpoints).toBe(59);
  });

  it('fails where a strategy throws outside a decision: its indicators in the checks, its create before any (exit 1)', async () => {
    const indicators = [
      "import { defineStrategy } from '@ensemble/protocol';",
      "import { z } from 'zod';",
      'export default defineStrategy({',
      "  name: 'broken', kind: 'signal', description: 'indicators that throw', params: z.strictObject({}),",
      "  create: () => ({ warmup: 1, indicators: () => { throw new Error('no column'); }, shouldEnter: () => null, shouldExit: () => false }),",
      '});',
      '',
    ].join('\n');
    const directory = project({ 'broken.ts': indicators, 'unbuilt.ts': indicators.replace("create: () => ({", "create: () => { throw new Error('cannot build'); }, unused: () => ({") });
    const broken = await run(['check', '--data', 'prices.csv', '--strategy', './broken.ts'], directory);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('  ✗ does not look ahead\n');
    expect(broken.out).toMatch(/indicators\(\) threw[^\n]*no column/);
    const unbuilt = await run(['check', '--data', 'prices.csv', '--strategy', './unbuilt.ts'], directory);
    expect(unbuilt.code).toBe(1);
    expect(unbuilt.err).toContain('cannot build');
    expect(unbuilt.err).not.toMatch(/\n\s+at /);
  });

  it('names the symbol too short for the warm-up among longer ones', async () => {
    // Long format: LONG has the 60 bars of prices.csv, SHORT its last 4; the warm-up of lookback 2 is 3 bars.
    const rows = ROWS.flatMap((row, i) => [`LONG,${row}`, ...(i >= 56 ? [`SHORT,${row}`] : [])]);
    const directory = project({ 'two.csv': ['symbol,date,open,high,low,close,volume', ...rows].join('\n') + '\n', 'fair.ts': strategyFile('fair', 'ctx.close() > ctx.close(lookback)') });
    const both = await run(['check', '--data', 'two.csv', '--strategy', './fair.ts'], directory);
    // Data too short to check on is the input's problem, before any check runs (exit 2).
    expect(both.code).toBe(2);
    expect(both.out).toBe('');
    expect(both.err).toBe(
      'error: Invalid configuration in the command-line options:\n  - --data two.csv: SHORT has 4 bars, and the strategy\'s warm-up of 3 bars needs 5 to be checked (its warm-up and two more): give more bars, leave SHORT out (--symbol), or shorter windows (--param)\n',
    );
    const long = await run(['check', '--data', 'two.csv', '--strategy', './fair.ts', '--symbol', 'LONG'], directory);
    expect(long.code).toBe(0);
  });

  it('says the look-ahead coverage of a portfolio strategy in steps of the timeline of every symbol', async () => {
    // A on even days, B on odd days: 60 bars each, a timeline of 120 steps.
    const rows = Array.from({ length: 120 }, (_, i) => {
      const close = 100 + (i % 5);
      return `${i % 2 === 0 ? 'A' : 'B'},${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},${String(close)},${String(close + 1)},${String(close - 1)},${String(close)},1000`;
    });
    const directory = project({ 'ab.csv': ['symbol,date,open,high,low,close,volume', ...rows].join('\n') + '\n' });
    const { code, out } = await run(['check', '--data', 'ab.csv', '--strategy', 'equal-weight'], directory);
    expect(code).toBe(0);
    // equal-weight's warm-up is 1 step: cuts from step 1 to 119.
    expect(out).toContain('The look-ahead check cut the data at 40 of 119 steps of the timeline:');
    const sixty = await run(['check', '--data', 'ab.csv', '--strategy', 'equal-weight', '--checkpoints', '60'], directory);
    expect(sixty.out).toContain('cut the data at 60 of 119 steps of the timeline');
  });

  it('checks a portfolio strategy over the symbols chosen', async () => {
    const { code, out } = await run(['check', '--dataset', 'dow30', '--strategy', 'inverse-volatility', '--symbol', 'IBM,KO', '--from', '1995-01-01', '--to', '1996-12-31']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Checking inverse-volatility \(portfolio\) · /);
    expect(out).toContain('  on IBM, KO · 1,012 bars (506 each) · 1995-01-03 → 1996-12-31 · look-ahead at 40 cut-off points\n');
    expect(out).toContain('All 6 checks passed.');
  });

  it('refuses bad input with every problem of the command line at once (exit 2)', async () => {
    const missing = await run(['check', '--strategy', 'sma-crossover']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--data / --dataset: say what to check the strategy on: --data FILE (CSV or JSON) or --dataset NAME');
    const several = await run(['check', '--dataset', 'sp500', '--strategy', 'smacross', '--cash', '5', '--checkpoints', '1']);
    expect(several.code).toBe(2);
    expect(several.out).toBe('');
    expect(several.err).toContain('  - --strategy smacross: unknown strategy "smacross"');
    expect(several.err).toContain('  - --cash 5: unknown flag; `ensemble check --help` lists every flag');
    expect(several.err).toContain('  - --checkpoints 1: expected a whole number of cut-off points, 2 or more, or all (every bar)');
    const notNumber = await run(['check', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--checkpoints', 'many']);
    expect(notNumber.err).toContain('--checkpoints many: expected a whole number of cut-off points, 2 or more, or all (every bar)');
    const tooShort = await run(['check', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--param', 'slow=200', '--to', '2000-03-01']);
    expect(tooShort.code).toBe(2);
    // 41 bars of 2000 up to March 1st, against sma-crossover's warm-up of slow + 1 = 201.
    expect(tooShort.err).toContain("  - --to 2000-03-01: SP500 has 41 bars, and the strategy's warm-up of 201 bars needs 203 to be checked (its warm-up and two more): give a wider --from/--to, or shorter windows (--param)");
    const unknown = await run(['check', '--data', 'prices.csv', '--strategy', './fair.ts', '--param', 'lokback=3'], project({ 'fair.ts': strategyFile('fair', 'ctx.close() > ctx.close(lookback)') }));
    // A file's definition is listed by its path: its name is no registry name.
    expect(unknown.err).toContain('--param lokback=3: unknown parameter "lokback" — did you mean "lookback"? fair takes lookback (see `ensemble strategies ./fair.ts`)');
  });

  it('shows the look-ahead check\'s progress in bars replayed on a terminal, and nothing with --no-progress', async () => {
    const directory = project({ 'fair.ts': strategyFile('fair', 'ctx.close() > ctx.close(lookback)') });
    const args = ['node', 'ensemble', 'check', '--data', 'prices.csv', '--strategy', './fair.ts', '--checkpoints', 'all'];
    const io = createCapturedIo({ cwd: directory, terminal: true });
    expect(await main(args, io)).toBe(0);
    // 60 bars: the full pass, then every cut-off from the warm-up of 3 bars to 59: 60 + (3 + … + 59) = 60 + 1,767 = 1,827.
    expect(io.err()).toMatch(/check \[█+\] 100% \| 1,827\/1,827 bars/);
    expect(io.errWrites().at(-1)).toBe('\u001b[2K');
    expect(io.out()).toContain('All 6 checks passed.');
    const quiet = createCapturedIo({ cwd: directory, terminal: true });
    expect(await main([...args, '--no-progress'], quiet)).toBe(0);
    expect(quiet.err()).toBe('');
  });

  it('backtest and run point a strategy file with results too good to be true to ensemble check', async () => {
    const directory = project({
      // Long while the next close is higher, out when it is lower: it knows the next bar.
      'peek.ts': strategyFile('peek', `${NEXT_CLOSE} > ctx.close()`).replace('shouldExit: (ctx) => ctx.close() < ctx.close(lookback)', `shouldExit: (ctx) => !(${NEXT_CLOSE} > ctx.close())`),
      'fair.ts': strategyFile('fair', 'ctx.close() > ctx.close(lookback)'),
      'run.json': JSON.stringify({ data: { dataset: 'sp500' }, fill: 'close', strategies: [{ id: 'seer', strategy: './peek.ts', symbols: ['SP500'] }, { id: 'honest', strategy: './fair.ts', symbols: ['SP500'] }] }),
    });
    // Filled at the close of the bar that decided, the peek at the next close pays every time.
    const backtest = await run(['backtest', '--dataset', 'sp500', '--strategy', './peek.ts', '--fill', 'close', '--trades', '0'], directory);
    expect(backtest.code).toBe(0);
    expect(backtest.out).toMatch(/note: a Sharpe ratio of \d+\.\d over 20 years is more than markets give for long: .* `ensemble check --dataset sp500 --strategy \.\/peek\.ts` replays it on cut histories and says where/);
    const fair = await run(['backtest', '--dataset', 'sp500', '--strategy', './fair.ts', '--fill', 'close', '--trades', '0'], directory);
    expect(fair.out).not.toContain('note: a Sharpe ratio');
    const orchestrated = await run(['run', '--config', 'run.json'], directory);
    expect(orchestrated.code).toBe(0);
    expect(orchestrated.out).toMatch(/note: sleeve seer: a Sharpe ratio of \d+\.\d over 20 years .* `ensemble check --dataset sp500 --strategy \.\/peek\.ts --param lookback=2 --symbol SP500` replays it/);
    expect(orchestrated.out).not.toContain('note: sleeve honest');
    // The command carries what ran: a parameter off its default, the symbols, the range.
    const given = await run(['backtest', '--dataset', 'sp500', '--strategy', './peek.ts', '--param', 'lookback=4', '--symbol', 'SP500', '--from', '2001-01-01', '--fill', 'close', '--trades', '0'], directory);
    expect(given.out).toContain('`ensemble check --dataset sp500 --strategy ./peek.ts --param lookback=4 --symbol SP500 --from 2001-01-01` replays it');
    // A config in another folder: its paths are relative to that folder, and the note says so.
    const outside = await run(['run', '--config', path.join(directory, 'run.json')], scratch);
    expect(outside.out).toContain(`(in ${directory}, the config's folder, which its paths are relative to)`);
  });

  it('--config checks every sleeve of a run config on its data with its parameters, and fails on the one that looks ahead (exit 1)', async () => {
    const directory = project({
      'peek.ts': strategyFile('peek', `${NEXT_CLOSE} > ctx.close()`),
      'fair.ts': strategyFile('fair', 'ctx.close() > ctx.close(lookback)'),
      'run.json': JSON.stringify({
        data: { file: 'prices.csv', from: '2024-01-05' },
        strategies: [
          { id: 'honest', strategy: './fair.ts', params: { lookback: 3 }, symbols: ['prices'] },
          { id: 'peeker', strategy: './peek.ts', symbols: ['prices'] },
          { id: 'trend', strategy: 'sma-crossover', params: { fast: 3, slow: 8 }, symbols: ['prices'] },
        ],
      }),
    });
    const all = await run(['check', '--config', 'run.json', '--checkpoints', 'all'], directory);
    expect(all.err).toBe('');
    expect(all.code).toBe(1);
    expect(all.out).toMatch(/^Checking 3 sleeves of run\.json\n\n/);
    // Each sleeve on the config's range (from 2024-01-05: 56 of the 60 bars) with its own parameters.
    expect(all.out).toContain('Sleeve honest: fair (signal) · lookback=3 · from ./fair.ts\n  on prices · 56 bars · 2024-01-05 → 2024-02-29 · look-ahead cut off at every bar\n');
    expect(all.out).toContain('Sleeve peeker: peek (signal) · lookback=2 · from ./peek.ts\n');
    expect(all.out).toContain('Sleeve trend: sma-crossover (signal) · fast=3 · slow=8 · allowShort=false\n');
    expect(all.out.match(/All 6 checks passed\./g)).toHaveLength(2);
    expect(all.out).toContain('  ✗ does not look ahead\n');
    expect(all.out).toMatch(/1 of 3 sleeves failed a check: peeker\.\n$/);

    const chosen = await run(['check', '--config', 'run.json', '--sleeve', 'trend', '--sleeve', 'honest', '--json'], directory);
    expect(chosen.code).toBe(0);
    const report = JSON.parse(chosen.out) as RunConfigCheckReport;
    // In the config's order, whatever the order of --sleeve.
    expect(report).toMatchObject({ config: 'run.json', passed: true });
    expect(report.sleeves.map((sleeve) => [sleeve.sleeve, sleeve.strategy, sleeve.params, sleeve.bars, sleeve.passed])).toEqual([
      ['honest', 'fair', { lookback: 3 }, 56, true],
      ['trend', 'sma-crossover', { fast: 3, slow: 8, allowShort: false }, 56, true],
    ]);
  });

  // Regression: a symbol without a bar in the config's range was refused as too short, where `run`
  // notes it and `check --strategy` with --from/--to leaves it out.
  it('--config leaves out a sleeve\'s symbol that has no bar in the range, and refuses a sleeve left with none', async () => {
    const long = ['date,symbol,open,high,low,close,volume', ...ROWS.map((row) => row.replace(/^([^,]+),/, '$1,A,')), ...ROWS.slice(40).map((row) => row.replace(/^([^,]+),/, '$1,B,'))];
    const directory = project({
      'long.csv': `${long.join('\n')}\n`,
      'early.json': JSON.stringify({ data: { file: 'long.csv', to: '2024-02-05' }, strategies: [{ id: 'both', strategy: 'sma-crossover', params: { fast: 3, slow: 8 }, symbols: ['A', 'B'] }] }),
      'none.json': JSON.stringify({ data: { file: 'long.csv', to: '2024-02-05' }, strategies: [{ id: 'late', strategy: 'sma-crossover', params: { fast: 3, slow: 8 }, symbols: ['B'] }, { id: 'a', strategy: 'sma-crossover', params: { fast: 3, slow: 8 }, symbols: ['A'] }] }),
    });
    // B's bars start on 2024-02-10 (the 41st day): none up to 2024-02-05.
    const early = await run(['check', '--config', 'early.json'], directory);
    expect(early.err).toBe('');
    expect(early.code).toBe(0);
    expect(early.out).toContain('  on A · 36 bars · 2024-01-01 → 2024-02-05 ·');
    const none = await run(['check', '--config', 'none.json'], directory);
    expect(none.code).toBe(2);
    expect(none.err).toBe('error: Invalid configuration in none.json:\n  - strategies.0.symbols: no symbol of sleeve "late" has a bar in the data\'s range: give a wider data.from/data.to\n');
  });

  it('--config refuses the flags the config replaces, an unknown --sleeve and data too short for a sleeve (exit 2)', async () => {
    const directory = project({
      'run.json': JSON.stringify({ data: { file: 'prices.csv' }, strategies: [{ id: 'trend', strategy: 'sma-crossover', params: { fast: 3, slow: 8 }, symbols: ['prices'] }, { id: 'slow', strategy: 'sma-crossover', symbols: ['prices'] }] }),
      'short.json': JSON.stringify({ data: { file: 'prices.csv', from: '2024-02-20' }, strategies: [{ id: 'trend', strategy: 'sma-crossover', params: { fast: 3, slow: 8 }, symbols: ['prices'] }] }),
      'backtest.json': JSON.stringify({ data: { file: 'prices.csv', from: '2024-02-25' }, strategy: 'sma-crossover', params: { fast: 3, slow: 8 } }),
    });
    const flags = await run(['check', '--config', 'run.json', '--data', 'prices.csv', '--param', 'fast=5', '--sleeve', 'trnd'], directory);
    expect(flags.code).toBe(2);
    expect(flags.err).toContain("--data prices.csv: --config checks the config's sleeves on the config's data with their parameters: leave --data out");
    expect(flags.err).toContain('--param fast=5: --config checks');
    const sleeve = await run(['check', '--config', 'run.json', '--sleeve', 'trnd'], directory);
    expect(sleeve.code).toBe(2);
    expect(sleeve.err).toContain('--sleeve trnd: the config has no sleeve "trnd" — did you mean "trend"?; its sleeves are trend, slow');
    // 8 bars from 2024-02-20; the 30-bar slow average needs 32, the trend sleeve's 9 bars 10.
    const short = await run(['check', '--config', 'short.json'], directory);
    expect(short.code).toBe(2);
    expect(short.err).toContain('Invalid configuration in short.json:\n  - strategies.0.symbols: prices has 10 bars');
    // A backtest config is checked as its one strategy; its too-short data named by its fields.
    const backtest = await run(['check', '--config', 'backtest.json'], directory);
    expect(backtest.code).toBe(2);
    expect(backtest.err).toContain('Invalid configuration in backtest.json:\n  - data.from: prices has 5 bars');
    const nothing = await run(['check', '--dataset', 'sp500'], directory);
    expect(nothing.code).toBe(2);
    expect(nothing.err).toContain('--strategy: say what to check: --strategy FILE or NAME with --data FILE or --dataset NAME, or --config FILE for every sleeve of a run config');
  });

  it('--help says what is checked and the exit codes', async () => {
    const { code, out } = await run(['check', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: ensemble check [options]');
    expect(out).toContain('--checkpoints <n>');
    expect(out).toContain('--config <file>');
    expect(out).toContain('--sleeve <id>');
    expect(out).toContain('Exit codes: 0 every check passed (of every sleeve checked); 1 a check failed');
  });
});
