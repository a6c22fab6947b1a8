import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createProgram, main, runProgram } from './cli';
import { createCapturedIo } from './io';

const fixtures = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

async function run(args: string[], env: Record<string, string> = {}) {
  const io = createCapturedIo({ cwd: fixtures, env });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const versionOf = (relative: string) =>
  (JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { version: string }).version;

describe('ensemble --help and --version', () => {
  it('--help lists the commands and exits 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: ensemble');
    expect(out).toMatch(/^\s+data\s/m);
    // The demo is the repository's app (`pnpm demo`), not a command of the published CLI.
    expect(out).not.toMatch(/^\s+demo\s/m);
    expect(out).toMatch(/^\s+backtest \[options\]\s/m);
    expect(out).toMatch(/^\s+strategies \[options\] \[name\]\s/m);
  });

  it('--help states the log level each command really uses without --log-level', async () => {
    const { out } = await run(['--help']);
    const help = out.replace(/\s+/g, ' ');
    expect(help).not.toContain('(default: "warn")');
    expect(help).toContain('default: run logs nothing and backtest only errors');
  });

  it('data inspect --help documents its options', async () => {
    const { code, out } = await run(['data', 'inspect', '--help']);
    expect(code).toBe(0);
    for (const option of ['--format', '--symbol', '--json', '--from', '--to', '--max-problems']) expect(out).toContain(option);
  });

  it('--version prints the CLI version and every @ensemble package version', async () => {
    const { code, out } = await run(['--version']);
    expect(code).toBe(0);
    expect(out).toContain(`ensemble ${versionOf('../package.json')}\n`);
    expect(out).toContain(`@ensemble/data ${versionOf('../../../packages/data/package.json')}\n`);
    expect(out).toContain(`@ensemble/protocol ${versionOf('../../../packages/protocol/package.json')}\n`);
  });

  it('a usage error exits 2', async () => {
    const { code, err } = await run(['data', 'inspect', 'sp500', '--bogus']);
    expect(code).toBe(2);
    expect(err).toContain("unknown option '--bogus'");
    expect((await run(['nonsense'])).code).toBe(2);
    expect((await run(['data', 'inspect'])).code).toBe(2);
  });

  // Regression: `data inspect` named its flags "from" without the dashes, under "Invalid
  // configuration:" without saying where, unlike `backtest`.
  it('data inspect names --from and --to as typed, and --from after --to as such', async () => {
    const after = await run(['data', 'inspect', 'sp500', '--from', '2010-02-01', '--to', '2010-01-01']);
    expect(after.code).toBe(2);
    expect(after.err).toBe('error: Invalid configuration in the command-line options:\n  - --from 2010-02-01 --to 2010-01-01: --from is after --to: the date range is empty; swap them\n');
    const bad = await run(['data', 'inspect', 'sp500', '--to', '2010-13-45']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('  - --to 2010-13-45: "2010-13-45" is not a date; use YYYY-MM-DD');
    // A date covers its whole day: 2010-01-04 to 2010-01-08 is that week's five bars.
    const week = await run(['data', 'inspect', 'sp500', '--from', '2010-01-04', '--to', '2010-01-08']);
    expect(week.code).toBe(0);
    expect(week.out).toContain('5 bars · 2010-01-04 → 2010-01-08');
  });

  it('reports a mistyped flag as unknown, with the nearest flag, before a mandatory flag it hides', async () => {
    // `--confg` is not `--config`: the typo is the problem, not a missing --config.
    const typo = await run(['run', '--confg', 'x.json']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("unknown option '--confg'");
    expect(typo.err).toContain('--config');
    expect(typo.err).not.toContain('required option');
    // sweep and backtest take unknown flags to explain them (a strategy's parameter as a flag):
    // a mistyped flag is said with the nearest one, also when it is the mandatory flag mistyped.
    const sweep = await run(['sweep', '--spc', 'x.json', '--out', 'o']);
    expect(sweep.code).toBe(2);
    expect(sweep.err).toContain('--spc x.json: unknown flag; did you mean --spec?');
    const out = await run(['sweep', '--ot', 'o', '--spec', 'x.json']);
    expect(out.code).toBe(2);
    expect(out.err).toContain('--ot o: unknown flag; did you mean --out?');
    expect(out.err).not.toContain('required option');
    const strategy = await run(['backtest', '--strateg', 'sma-crossover', '--dataset', 'sp500']);
    expect(strategy.code).toBe(2);
    expect(strategy.err).toContain('--strateg sma-crossover: unknown flag; did you mean --strategy?');
    expect(strategy.err).not.toContain('required option');
    // An unknown flag that is no mandatory one mistyped (a strategy's parameter) waits: the missing flag is said.
    const parameter = await run(['backtest', '--dataset', 'sp500', '--fast', '5']);
    expect(parameter.code).toBe(2);
    expect(parameter.err).toContain("required option '--strategy <name>' not specified");
    const queue = await run(['queue', 'status', '--queu', 'redis://127.0.0.1:1']);
    expect(queue.err).toContain("unknown option '--queu'");
    // A flag that is really missing is still named.
    const missing = await run(['run']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("required option '-c, --config <file>' not specified");
  });
});

describe('flags given twice', () => {
  it('a flag that takes one value is refused when given twice (commander kept the last), before anything runs', async () => {
    for (const [args, flag, values] of [
      [['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--strategy', 'buy-and-hold'], '--strategy', '"sma-crossover", "buy-and-hold"'],
      [['backtest', '--dataset', 'sp500', '--dataset', 'stocks5', '--strategy', 'buy-and-hold'], '--dataset', '"sp500", "stocks5"'],
      [['run', '--config', 'a.json', '--config', 'b.json'], '--config', '"a.json", "b.json"'],
      [['--log-level', 'info', '--log-level', 'warn', 'schema'], '--log-level', '"info", "warn"'],
      [['schema', '--out', 'a.json', '-o', 'b.json'], '--out', '"a.json", "b.json"'],
    ] as const) {
      const { code, out, err } = await run([...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(out).toBe('');
      expect(err).toContain(`error: ${flag} was given 2 times (${values}); give it once\n`);
    }
  });

  it('a usage error points at the help of the command it was made in', async () => {
    for (const [args, help] of [
      [['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--strategy', 'buy-and-hold'], 'ensemble backtest --help'],
      [['backtest', '--dataset', 'sp500', '--fill'], 'ensemble backtest --help'],
      [['queue', 'status', '--queue', 'redis://127.0.0.1:1', '--queue', 'redis://127.0.0.1:2'], 'ensemble queue status --help'],
      [['--log-level', 'info', '--log-level', 'warn', 'schema'], 'ensemble schema --help'],
      [['no-such-command'], 'ensemble --help'],
    ] as const) {
      const { code, err } = await run([...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(err, args.join(' ')).toMatch(new RegExp(`\\(run \`${help}\` for usage\\)\\n$`));
    }
  });

  it('a repeated value holding a password shows it masked', async () => {
    const { code, err } = await run(['worker', '--queue', 'redis://:hunter2@127.0.0.1:1', '--queue', 'redis://user:s3cret@127.0.0.1:1']);
    expect(code).toBe(2);
    expect(err).toContain('error: --queue was given 2 times ("redis://:***@127.0.0.1:1", "redis://user:***@127.0.0.1:1"); give it once');
    expect(err).not.toMatch(/hunter2|s3cret/);
  });

  it('a program parsed again counts afresh, after a run that failed too', async () => {
    const io = createCapturedIo({ cwd: fixtures });
    const program = createProgram(io);
    expect(await runProgram(program, ['node', 'ensemble', 'schema', 'nope'], io)).toBe(2);
    expect(await runProgram(program, ['node', 'ensemble', 'schema', '--out', '-'], io)).toBe(0);
    expect(await runProgram(program, ['node', 'ensemble', 'schema', '--out', '-'], io)).toBe(0);
    expect(io.err()).not.toContain('given 2 times');
  });

  it('repeatable flags and switches may be given again', async () => {
    const repeated = await run(['backtest', '--dataset', 'stocks5', '--strategy', 'sma-crossover', '--param', 'fast=5', '--param', 'slow=50', '--symbol', 'AAPL', '--symbol', 'MSFT', '--fractional', '--fractional']);
    expect(repeated.err).toBe('');
    expect(repeated.code).toBe(0);
    expect((await run(['data', 'inspect', 'stocks5', '--symbol', 'AAPL', '--symbol', 'MSFT'])).code).toBe(0);
  });
});

describe('ensemble data inspect on the embedded data sets', () => {
  it('sp500: one symbol, 5,105 bars, 2000-01-03 → 2020-04-17, the 9/11 gap', async () => {
    const { code, out, err } = await run(['data', 'inspect', 'sp500']);
    expect(err).toBe('');
    expect(code).toBe(0);
    // Values from sp500-2000.csv: first close 1455.219971, last close 2874.560059.
    expect(out).toMatch(/SP500\s+5,105\s+2000-01-03\s+2020-04-17\s+1,455\.22\s+2,874\.56\s+daily\s+0\s+1/);
    expect(out).toContain('2001-09-10 → 2001-09-17  7 days');
    expect(out).toContain('BSD-3-Clause');
  });

  it('-s takes comma-separated symbols, as backtest does', async () => {
    const { code, out } = await run(['data', 'inspect', 'dow30', '-s', 'IBM,MSFT', '--symbol', 'KO', '--json']);
    expect(code).toBe(0);
    expect((JSON.parse(out) as { symbols: string[] }).symbols).toEqual(['IBM', 'MSFT', 'KO']);
  });

  it('dow30 --json: 30 symbols, 2,529 days each, closes from the file', async () => {
    const { code, out } = await run(['data', 'inspect', 'dow30', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      valid: boolean;
      symbols: string[];
      bars: number;
      first: string;
      last: string;
      series: { symbol: string; bars: number; firstClose: number; lastClose: number; missingBars: number }[];
    };
    expect(report.valid).toBe(true);
    expect(report.symbols).toHaveLength(30);
    expect(report.bars).toBe(30 * 2529);
    expect([report.first, report.last]).toEqual(['1990-12-31', '2001-01-02']);
    expect(report.series.find((s) => s.symbol === 'IBM')).toMatchObject({ bars: 2529, firstClose: 27.86, lastClose: 84.5, missingBars: 0 });
  });

  it('stocks5 with repeated --symbol keeps those symbols in that order', async () => {
    const { code, out } = await run(['data', 'inspect', 'stocks5', '--symbol', 'GOOG', '-s', 'aapl', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { symbols: string[]; series: { symbol: string; bars: number; first: string; lastClose: number }[] };
    expect(report.symbols).toEqual(['GOOG', 'AAPL']);
    expect(report.series[0]).toMatchObject({ symbol: 'GOOG', bars: 68, first: '2004-08-01', lastClose: 560.19 });
    expect(report.series[1]).toMatchObject({ symbol: 'AAPL', bars: 123, lastClose: 223.02 });
  });

  it('--from/--to select a date range', async () => {
    const { out } = await run(['data', 'inspect', 'stocks5', '--from', '2005-01-01', '--to', '2005-12-31', '--json']);
    expect((JSON.parse(out) as { bars: number }).bars).toBe(5 * 12);
  });

  it('an unknown symbol exits 2 listing the available ones', async () => {
    const { code, err } = await run(['data', 'inspect', 'stocks5', '--symbol', 'TSLA']);
    expect(code).toBe(2);
    expect(err).toContain('[unknown-symbol]');
    expect(err).toContain('available: MSFT, AMZN, IBM, GOOG, AAPL');
  });
});

describe('ensemble data inspect on files', () => {
  it('a valid file: symbols, missing bars and calendar gaps', async () => {
    // valid-prices.csv: AAA on 01-02, 01-03, 01-13; BBB on 01-02, 01-03, 01-06, 01-13. The
    // timeline's spacings 1, 3, 7 days: median 3, daily, threshold max(5, 1.5 × 3) = 5 days.
    // AAA's spacings 1 and 10: median 5.5, weekly, coarser than the timeline, so its own threshold
    // 1.5 × 5.5 = 8.25 days; its 01-03 → 01-13 hole (10 days) is over it, so the 01-06 step it
    // misses counts. BBB (daily) has a 7-day hole, over 5 days.
    const { code, out } = await run(['data', 'inspect', 'valid-prices.csv']);
    expect(code).toBe(0);
    expect(out).toMatch(/AAA\s+3\s+2020-01-02\s+2020-01-13\s+10\.50\s+11\.90\s+weekly\s+1\s+1/);
    expect(out).toMatch(/BBB\s+4\s+2020-01-02\s+2020-01-13\s+20\.50\s+21\.50\s+daily\s+0\s+1/);
    expect(out).toContain("gaps (missing bars inside a symbol's range; calendar gaps over 5 days (AAA: 8.25)):");
    expect(out).toContain('AAA  missing bars  2020-01-06 → 2020-01-06  1 timeline step without a bar');
    expect(out).toContain('AAA  calendar gap  2020-01-03 → 2020-01-13  10 days between bars');
    expect(out).toContain('BBB  calendar gap  2020-01-06 → 2020-01-13  7 days between bars');
    expect(out).toContain('note: AAA has weekly bars on a daily timeline: the steps between its bars are not missing bars; only its calendar gaps (over 8.25 days) count');
  });

  // Regression: a file of daily rows, then intraday ones, was read as daily without a word.
  it('names the daily rows of an intraday file, in the text and the JSON', async () => {
    // Five sessions of seven hourly bars from 14:00 UTC (2024-01-08 to 12), then three dates alone.
    const hourly = [8, 9, 10, 11, 12].flatMap((day) => Array.from({ length: 7 }, (_, h) => `2024-01-${String(day).padStart(2, '0')} ${String(14 + h)}:00`));
    const rows = ['date,close', ...[...hourly, '2024-01-16', '2024-01-17', '2024-01-18'].map((date, i) => `${date},${String(100 + i)}`)];
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ensemble-inspect-')), 'mixed.csv');
    try {
      writeFileSync(file, rows.join('\n'));
      const { code, out } = await run(['data', 'inspect', file]);
      expect(code).toBe(0);
      expect(out).toContain(
        'note: mixed: 3 of its 38 bars are dates without a time a day or more from the bars either side (the first on 2024-01-16), though most are 1 hour apart: a file mixing daily and intraday rows? A run counts every bar as an intraday one, so annualised figures (CAGR, volatility, Sharpe) are off by the share of the others; keep one spacing per file\n',
      );
      const json = JSON.parse((await run(['data', 'inspect', file, '--json'])).out) as { series: { mixedSpacing?: unknown }[] };
      expect(json.series[0]?.mixedSpacing).toEqual({ frequency: 'intraday', bars: 3, first: '2024-01-16', spacingMinutes: 60 });
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  // Regression: prices halved overnight by a split the data was not adjusted for read "gaps: none",
  // and a backtest took the split for a 50% loss.
  it('lists the price jumps, naming a split\'s ratio, and says what to do', async () => {
    const rows = ['date,close', '2024-01-02,100', '2024-01-03,101', '2024-01-04,50.6', '2024-01-05,50', '2024-01-08,71'];
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ensemble-inspect-')), 'split.csv');
    try {
      writeFileSync(file, rows.join('\n'));
      const { code, out } = await run(['data', 'inspect', file]);
      expect(code).toBe(0);
      expect(out).toContain(
        'price jumps (a close 40% above or 28.6% below the one before; a split in prices not adjusted for it reads so, and a backtest takes it as a real move):\n' +
          '  split  2024-01-03 → 2024-01-04  close 101.00 → 50.60 (-49.90%, as a 2:1 split would)\n' +
          '  split  2024-01-05 → 2024-01-08  close 50.00 → 71.00 (+42.00%)\n' +
          "note: a jump at a split's ratio is most likely a split: use prices adjusted for splits (--adjust scales them by an adjusted close column), or check the data at those dates\n",
      );
      const json = JSON.parse((await run(['data', 'inspect', file, '--json'])).out) as { series: { jumps: unknown[] }[] };
      expect(json.series[0]?.jumps).toEqual([
        { from: '2024-01-03', to: '2024-01-04', fromClose: 101, toClose: 50.6, change: 50.6 / 101 - 1, split: '2:1' },
        { from: '2024-01-05', to: '2024-01-08', fromClose: 50, toClose: 71, change: 71 / 50 - 1, split: null },
      ]);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('minute bars: a missing hour and a missing day are listed, the nights and the weekend are not', async () => {
    // Minute bars 09:30–15:59 on the weekdays of 2024-01-08 … 2024-01-19, without 11:00–11:59 on
    // 01-10 (60 bars, between 10:59 and 12:00) and without Wednesday 01-17 (one session, between
    // Tuesday's 15:59 and Thursday's 09:30). The old report said "gaps: none".
    const rows = ['date,close'];
    for (let day = Date.UTC(2024, 0, 8); day <= Date.UTC(2024, 0, 19); day += 86_400_000) {
      const weekday = new Date(day).getUTCDay();
      if (weekday === 0 || weekday === 6 || day === Date.UTC(2024, 0, 17)) continue;
      for (let minute = 9 * 60 + 30; minute <= 15 * 60 + 59; minute++) {
        if (day === Date.UTC(2024, 0, 10) && minute >= 11 * 60 && minute < 12 * 60) continue;
        rows.push(`${new Date(day + minute * 60_000).toISOString().slice(0, 16).replace('T', ' ')},100`);
      }
    }
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ensemble-inspect-')), 'minutes.csv');
    try {
      writeFileSync(file, rows.join('\n'));
      const { code, out } = await run(['data', 'inspect', file]);
      expect(code).toBe(0);
      expect(out).toContain("gaps (missing bars inside a symbol's range; calendar gaps over 5 days; bars missing in an intraday symbol's sessions, and its sessions without a bar):");
      expect(out).toContain('minutes  in a session  2024-01-10 10:59 → 2024-01-10 12:00  60 bars missing at the usual spacing');
      expect(out).toContain('minutes  sessions      2024-01-16 15:59 → 2024-01-18 09:30  1 session without a bar (a holiday, or data missing)');
      expect(out).toContain('note: minutes: sessions as its bars show them (UTC) open at 09:30, have their last bar at 15:59, on Mon Tue Wed Thu Fri');
      expect(out.match(/^ {2}minutes {2}/gm)).toHaveLength(2);
      // The first and last bars with their times of day (9 sessions of 390 bars, less 60): the dates
      // alone hid when the data starts and ends within the day.
      expect(out).toContain(' · 3,450 bars · 2024-01-08 09:30 → 2024-01-19 15:59 · intraday · ');
      expect(out).toMatch(/\nminutes\s+3,450\s+2024-01-08 09:30\s+2024-01-19 15:59\s+100\.00/);
      const json = JSON.parse((await run(['data', 'inspect', file, '--json'])).out) as { series: { gaps: unknown[]; sessions: unknown }[] };
      expect(json.series[0]?.gaps).toEqual([
        { kind: 'intraday', from: '2024-01-10T10:59:00.000Z', to: '2024-01-10T12:00:00.000Z', bars: 60, days: 61 / 1440 },
        { kind: 'session', from: '2024-01-16T15:59:00.000Z', to: '2024-01-18T09:30:00.000Z', bars: 1, days: (24 * 60 + 17 * 60 + 31) / 1440 },
      ]);
      expect(json.series[0]?.sessions).toEqual({ opens: ['09:30'], closes: ['15:59'], weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], spacingMinutes: 1 });
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  // Regressions: a JSON bar's "time" beside its "date" was ignored (a duplicate date on a day's second
  // bar), and a 12-hour clock without AM/PM read 1:00 as 01:00.
  it('JSON bars with a date and a time field are joined; a Time column on a 12-hour clock without AM/PM is refused at its row', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'ensemble-inspect-'));
    try {
      const json = path.join(directory, 'bars.json');
      writeFileSync(json, JSON.stringify(['09:30', '09:31', '09:32'].map((time, i) => ({ date: '2024-01-02', time, close: 100 + i }))));
      const joined = await run(['data', 'inspect', json]);
      expect(joined.code).toBe(0);
      expect(joined.out).toContain(' · 3 bars · 2024-01-02 09:30 → 2024-01-02 09:32 · intraday · ');
      expect(joined.out).toContain('note: dates of "date" joined with the times of day of "time" (read as UTC, as a date-time without an offset is)');
      const csv = path.join(directory, 'twelve.csv');
      const times = ['9:30', '10:30', '11:30', '12:30', '1:00', '2:00'];
      writeFileSync(csv, `Date,Time,Close\n${times.map((time, i) => `2024-01-02,${time},${String(100 + i)}`).join('\n')}\n`);
      for (const args of [['data', 'inspect', csv], ['backtest', '--data', csv, '--sort', '--strategy', 'buy-and-hold']]) {
        const refused = await run(args);
        expect(refused.code).toBe(2);
        expect(refused.err).toContain(`${csv}:6  column "Time"  [bad-date]  "1:00" goes back from 12:30 on line 5 within the same date`);
        expect(refused.err).toContain('write AM or PM after every time (1:00 PM), or every time on a 24-hour clock (13:00)');
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('monthly closes beside daily ones: no missing bar between months, a missing month named', async () => {
    // Business days of 2021-01-04 … 2021-03-31 for D; M on the first business day of each month
    // (spacings 28 and 28 days: monthly, threshold 42 days): nothing is missing.
    const days: string[] = [];
    for (let t = Date.UTC(2021, 0, 4); t <= Date.UTC(2021, 2, 31); t += 86_400_000) {
      const weekday = new Date(t).getUTCDay();
      if (weekday !== 0 && weekday !== 6) days.push(new Date(t).toISOString().slice(0, 10));
    }
    const firsts = new Set(['2021-01-04', '2021-02-01', '2021-03-01']);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ensemble-inspect-')), 'mixed.csv');
    try {
      writeFileSync(file, ['date,symbol,close', ...days.flatMap((day) => [`${day},D,100`, ...(firsts.has(day) ? [`${day},M,50`] : [])])].join('\n'));
      const { code, out } = await run(['data', 'inspect', file]);
      expect(code).toBe(0);
      expect(out).toMatch(/^M\s+3\s+2021-01-04\s+2021-03-01\s+50\.00\s+50\.00\s+monthly\s+0\s+0$/m);
      expect(out).toContain('gaps: none (no missing bars, no calendar gap over 5 days (M: 42))');
      expect(out).toContain('note: M has monthly bars on a daily timeline');
      const json = await run(['data', 'inspect', file, '--json']);
      const parsed = JSON.parse(json.out) as { series: { symbol: string; sparse: boolean; gapDays: number; missingBars: number }[] };
      expect(parsed.series.map(({ symbol, sparse, gapDays, missingBars }) => ({ symbol, sparse, gapDays, missingBars }))).toEqual([
        { symbol: 'D', sparse: false, gapDays: 5, missingBars: 0 },
        { symbol: 'M', sparse: true, gapDays: 42, missingBars: 0 },
      ]);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('a broken file exits 2 and lists every problem with line, column and rule, without a stack trace', async () => {
    const { code, out, err } = await run(['data', 'inspect', 'broken-prices.csv']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('invalid market data (3 problems)');
    expect(err).toContain('broken-prices.csv:3  column "high"  [high-below-low]');
    expect(err).toContain('broken-prices.csv:4  column "close"  [missing-value]');
    expect(err).toContain('broken-prices.csv:5  column "date"  [duplicate-date]');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('a broken file with --json prints the problems as JSON and exits 2', async () => {
    const { code, out } = await run(['data', 'inspect', 'broken-prices.csv', '--json']);
    expect(code).toBe(2);
    const report = JSON.parse(out) as { valid: boolean; problems: { row: number; field: string; rule: string }[]; truncated: boolean };
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => [p.row, p.field, p.rule])).toEqual([
      [3, 'high', 'high-below-low'],
      [4, 'close', 'missing-value'],
      [5, 'date', 'duplicate-date'],
    ]);
    expect(report.truncated).toBe(false);
  });

  it('--max-problems limits the list and says there were more', async () => {
    const { code, err } = await run(['data', 'inspect', 'broken-prices.csv', '--max-problems', '1']);
    expect(code).toBe(2);
    expect(err).toContain('invalid market data (1+ problems)');
    expect(err).toContain('raise --max-problems');
    expect((await run(['data', 'inspect', 'broken-prices.csv', '--max-problems', 'zero'])).code).toBe(2);
  });

  it('--format overrides detection', async () => {
    // As `long` (symbol, date, close) the OHLCV file reads as close-only: open = high = low = close.
    const { code, out } = await run(['data', 'inspect', 'valid-prices.csv', '--format', 'long', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ format: 'long', symbols: ['AAA', 'BBB'], bars: 7 });
    const wide = await run(['data', 'inspect', 'valid-prices.csv', '--format', 'wide']);
    expect(wide.code).toBe(2);
    expect(wide.err).toContain('valid-prices.csv:2  column "symbol"  [non-numeric]');
    expect((await run(['data', 'inspect', 'valid-prices.csv', '--format', 'xml'])).code).toBe(2);
    expect((await run(['data', 'inspect', 'sp500', '--format', 'wide'])).err).toContain('--format');
  });

  it('an unknown data set name exits 2 with the list of data sets', async () => {
    const { code, err } = await run(['data', 'inspect', 'nasdaq']);
    expect(code).toBe(2);
    expect(err).toContain('"nasdaq" is neither a data set nor a file');
    expect(err).toContain('sp500, dow30, stocks5');
  });

  it('a missing file exits 2 naming the path', async () => {
    const { code, err } = await run(['data', 'inspect', 'no/such/prices.csv']);
    expect(code).toBe(2);
    expect(err).toContain('"no/such/prices.csv"');
    expect(err).toContain(`${fixtures}no/such/prices.csv`);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('--debug and ENSEMBLE_DEBUG=1 add the stack trace', async () => {
    expect((await run(['--debug', 'data', 'inspect', 'nasdaq'])).err).toMatch(/\n\s+at /);
    expect((await run(['data', 'inspect', 'nasdaq'], { ENSEMBLE_DEBUG: '1' })).err).toMatch(/\n\s+at /);
  });

  it('--log-level info writes the loader’s structured events to stderr as JSON lines', async () => {
    const { code, err } = await run(['--log-level', 'info', 'data', 'inspect', 'valid-prices.csv']);
    expect(code).toBe(0);
    const event = JSON.parse(err.trim().split('\n')[0] ?? '{}') as { msg: string; bars: number; symbols: number };
    expect(event).toMatchObject({ msg: 'market data loaded', bars: 7, symbols: 2 });
  });
});

describe('ensemble data list', () => {
  it('data list shows the three data sets with their licences', async () => {
    const { code, out } = await run(['data', 'list']);
    expect(code).toBe(0);
    expect(out).toMatch(/sp500\s+1\s+5,105\s+daily/);
    expect(out).toMatch(/dow30\s+30\s+75,870\s+daily/);
    expect(out).toContain('GPL-2.0-or-later');
  });
});

describe('error mapping', () => {
  it('an unexpected error prints one line and exits 1', async () => {
    const io = createCapturedIo();
    const program = createProgram(io);
    program.command('boom').action(() => {
      throw new TypeError('kaput\nsecond line');
    });
    const code = await runProgram(program, ['node', 'ensemble', 'boom'], io);
    expect(code).toBe(1);
    expect(io.err()).toBe('error: unexpected failure: kaput (run with --debug for details)\n');
  });
});

/** The keys of a JSON object text at its top level, in order, duplicates kept (JSON.parse drops them). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(line.slice(i + 1, j));
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

describe('structured logs', () => {
  const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

  it('topLevelKeys sees a repeated key that JSON.parse would hide', () => {
    expect(topLevelKeys('{"a":1,"b":{"a":2},"c":[{"a":3}],"a":"x,\\"a\\":"}')).toEqual(['a', 'b', 'c', 'a']);
  });

  it.each([
    ['backtest', ['backtest', '--dataset', 'stocks5', '--strategy', 'equal-weight', '--commission-rate', '0.001']],
    ['backtest, shorts filled at the close', ['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--param', 'allowShort=true', '--fill', 'close']],
    ['run', ['run', '--config', `${examples}dow30-inverse-vol.json`, '--no-progress']],
    ['run, shared mode', ['run', '--config', `${examples}dow30-shared-vote.json`, '--no-progress']],
  ])('%s: no JSON log line holds a key twice (events keep their own time and strategy)', async (_name, args) => {
    const { code, err } = await run(['--log-level', 'debug', '--log-json', ...args]);
    expect(code).toBe(0);
    const lines = err.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      const keys = topLevelKeys(line);
      expect(new Set(keys).size, line.slice(0, 300)).toBe(keys.length);
    }
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // Every event about a strategy's orders names the strategy, by a binding or a field.
    for (const event of events.filter((e) => ['order-shrunk', 'order-rejected', 'order-dropped'].includes(String(e.event)))) {
      expect(typeof event.strategy, JSON.stringify(event)).toBe('string');
    }
  });
});
