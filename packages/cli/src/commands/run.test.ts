import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrchestratorResultJson } from '@ensemble/orchestrator';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

const repository = fileURLToPath(new URL('../../../../', import.meta.url));
const examples = path.join(repository, 'examples');
const exampleFiles = readdirSync(examples)
  .filter((file) => file.endsWith('.json'))
  .sort();
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-run-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function run(args: string[], options: { cwd?: string } = {}) {
  const io = createCapturedIo({ cwd: options.cwd ?? repository, env: {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** A fresh empty directory under the scratch directory. */
let directories = 0;
function freshDirectory(): string {
  directories += 1;
  const directory = path.join(scratch, `case-${directories}`);
  mkdirSync(directory);
  return directory;
}

function writeConfig(directory: string, config: unknown, name = 'run.json'): string {
  const file = path.join(directory, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return file;
}

const STACK = /\n\s+at /;

describe('ensemble run: every example config', () => {
  it('has examples to run', () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(5);
  });

  it.each(exampleFiles)('%s runs (exit 0), names every sleeve, and --json keeps Σ sleeves + reserve = portfolio', async (file) => {
    const config = JSON.parse(readFileSync(path.join(examples, file), 'utf8')) as { strategies: { id: string }[]; mode?: string };
    const directory = freshDirectory();
    const json = path.join(directory, 'result.json');
    const { code, out, err } = await run(['run', '--config', `examples/${file}`, '--json', json]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`config     examples/${file}`);
    for (const { id } of config.strategies) expect(out).toMatch(new RegExp(`^\\s+(?:strategies)?\\s+${id}\\s`, 'm'));
    expect(out).toMatch(/^Final equity /m);
    expect(out).toContain(`wrote ${json} (`);

    const result = JSON.parse(readFileSync(json, 'utf8')) as OrchestratorResultJson;
    expect(result.version).toBe(1);
    expect(result.kind).toBe('orchestrator');
    expect(result.sleeves.map((sleeve) => sleeve.id)).toEqual(config.strategies.map((entry) => entry.id));
    expect(result.portfolio.equity).toHaveLength(result.bars);
    expect(result.finalEquity).toBe(result.portfolio.equity.at(-1)?.equity);
    if (config.mode === 'shared') {
      // Shared mode: the sleeves are shadows (each strategy alone on its share), not parts of the account.
      expect(result.sleeves.every((sleeve) => sleeve.shadow)).toBe(true);
      expect(result.conflicts.length).toBeGreaterThan(0);
      return;
    }
    let checked = 0;
    result.portfolio.equity.forEach((point, t) => {
      const sum = result.sleeves.reduce((total, sleeve) => total + (sleeve.equity[t]?.equity ?? Number.NaN), 0) + point.reserve;
      expect(sleeve0Time(result, t)).toBe(point.time);
      expect(Math.abs(sum - point.equity)).toBeLessThanOrEqual(1e-9 * Math.abs(point.equity));
      checked += 1;
    });
    expect(checked).toBe(result.bars);
  });
});

function sleeve0Time(result: OrchestratorResultJson, t: number): string | undefined {
  return result.sleeves[0]?.equity[t]?.time;
}

// Regression: the config was read twice (is it a backtest config? then as a run config), and a
// pipe (`--config <(…)`, `/dev/stdin`) gives its bytes once: "not valid JSON … the end of the file".
describe('ensemble run: a config through a pipe', () => {
  it('reads it once and runs it as from the file', async () => {
    const directory = freshDirectory();
    const fifo = path.join(directory, 'config.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `cat "${path.join(examples, 'sp500-two-sleeves.json')}" > "${fifo}"`]);
    const piped = await run(['run', '--config', fifo, '--json', path.join(directory, 'piped.json')]);
    writer.kill();
    expect(piped.err).toBe('');
    expect(piped.code).toBe(0);
    const direct = await run(['run', '--config', 'examples/sp500-two-sleeves.json', '--json', path.join(directory, 'direct.json')]);
    expect(direct.code).toBe(0);
    const final = (file: string) => (JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as OrchestratorResultJson).finalEquity;
    expect(final('piped.json')).toBe(final('direct.json'));
  });

  // Regression: a config read from a pipe (`--config <(…)`, /dev/fd/63) resolved a relative
  // data.file against the pipe's directory ("looked for /dev/fd/prices.csv"). It is relative to the
  // working directory; a missing one says so.
  it('resolves a relative data.file against the working directory', async () => {
    const directory = freshDirectory();
    const config = (file: string) => JSON.stringify({ data: { file }, strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['sp500-2000'] }] });
    let pipes = 0;
    const through = async (text: string) => {
      const fifo = path.join(directory, `config-${String(pipes++)}.fifo`);
      execFileSync('mkfifo', [fifo]);
      writeFileSync(path.join(directory, 'source.json'), text);
      const writer = spawn('sh', ['-c', `cat "${path.join(directory, 'source.json')}" > "${fifo}"`]);
      const outcome = await run(['run', '--config', fifo]);
      writer.kill();
      return outcome;
    };
    const found = await through(config('packages/data/datasets/sp500-2000.csv'));
    expect(found.err).toBe('');
    expect(found.code).toBe(0);
    const missing = await through(config('no-such-prices.csv'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`data.file: file not found: "no-such-prices.csv" (looked for ${path.join(repository, 'no-such-prices.csv')}; a relative path is relative to the working directory, the config having come from a pipe)`);
  });
});

describe('ensemble run: the bt-style 60/40 example', () => {
  // Hand check of the first quarterly rebalance, from the raw stocks5 file (long layout,
  // symbol,date,price). Each sleeve is equal weight among its names that have prices (GOOG has
  // none before 2004-08, so "value" holds IBM and AMZN), rebalanced at each monthly close with
  // fractional units and no costs: over a month its equity grows by the mean of its names'
  // price relatives. Tech starts with 60,000 and value with 40,000 on 2000-01-01; on 2000-04-01
  // (the first bar of Q2) the parent compares their weights with 60/40 after the marks.
  const prices = new Map<string, Map<string, number>>();
  for (const line of readFileSync(path.join(repository, 'packages/data/datasets/stocks.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [symbol = '', date = '', price = ''] = line.split(',');
    if (!prices.has(symbol)) prices.set(symbol, new Map());
    prices.get(symbol)?.set(date, Number(price));
  }
  const months = ['Jan 1 2000', 'Feb 1 2000', 'Mar 1 2000', 'Apr 1 2000'];
  const grow = (cash: number, symbols: string[]) => {
    let equity = cash;
    for (let m = 1; m < months.length; m++) {
      const relatives = symbols.map((symbol) => (prices.get(symbol)?.get(months[m] ?? '') ?? Number.NaN) / (prices.get(symbol)?.get(months[m - 1] ?? '') ?? Number.NaN));
      equity *= relatives.reduce((sum, value) => sum + value, 0) / symbols.length;
    }
    return equity;
  };
  const tech = grow(60_000, ['AAPL', 'MSFT']);
  const value = grow(40_000, ['IBM', 'AMZN']);
  const percent = (fraction: number) => `${(fraction * 100).toFixed(2)}%`;

  it('prints the first quarterly rebalance with the weights before and after', async () => {
    const { code, out } = await run(['run', '--config', 'examples/stocks5-60-40.json']);
    expect(code).toBe(0);
    // tech ≈ 56,392.40 and value ≈ 37,200.71: weights 60.25% / 39.75%, moved back to 60/40.
    expect(percent(tech / (tech + value))).toBe('60.25%');
    const row = new RegExp(
      `^\\s+2000-04-01\\s+quarter\\s+${percent(tech / (tech + value)).replace('.', '\\.')} → 60\\.00%\\s+${percent(value / (tech + value)).replace('.', '\\.')} → 40\\.00%\\s+([\\d,.]+) / ([\\d,.]+)$`,
      'm',
    );
    const match = row.exec(out);
    expect(match).not.toBeNull();
    // Cash moved into value: 40% of the portfolio minus what value holds; as much out of tech.
    const moved = (0.4 * (tech + value) - value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect([match?.[1], match?.[2]]).toEqual([moved, moved]);
    expect(out).toMatch(/^\s+2000-01-01\s+initial\s+0\.00% → 60\.00%\s+0\.00% → 40\.00%\s+100,000\.00 \/ 0\.00$/m);
    expect(out).toContain('allocation fixed weights: tech 60%, value 40%');
    expect(out).toContain('rebalance  quarterly (the first bar, then the first bar of each quarter)');
    expect(out).toMatch(/Rebalances \(first 5 of \d+; --json lists every one\)$/m);
  });

  it('says when a next-open run moves the capital of a rebalance: at the open after its date', async () => {
    const { code, out } = await run(['run', '--config', 'examples/sp500-two-sleeves.json']);
    expect(code).toBe(0);
    expect(out).toMatch(/Rebalances \(first 5 of \d+; --json lists every one\) · weights decided at the close of each date, capital moved at the next open$/m);
  });

  it('says that shared mode\'s rebalances move no capital, and which policy reads their weights', async () => {
    const vote = await run(['run', '--config', 'examples/dow30-shared-vote.json']);
    expect(vote.code).toBe(0);
    expect(vote.out).toContain(
      'rebalance  quarterly (the first bar, then the first bar of each quarter); shared mode: a rebalance moves no capital (the shadow sleeves are never rebalanced), and the "vote" policy does not use the weights — only "net" does',
    );
    expect(vote.out).toMatch(/Rebalances \(first 5 of \d+; --json lists every one\) · shared mode: no capital moves, and the "vote" policy does not use these weights$/m);
    // The run's sizing (20% of equity) sizes the shadows' entries; the one account gives each of
    // the five symbols an equal slot, and the summary says so under the engine line.
    expect(vote.out).toMatch(/^ {2}engine {5}.* · 20% of equity per entry · .*\n {13}shared account: each of the 5 symbols gets an equal slot, the policy's target × equity \/ 5 \(the sizing above is the shadow sleeves'\)$/m);
    const config = JSON.parse(readFileSync(path.join(examples, 'dow30-shared-vote.json'), 'utf8')) as Record<string, unknown>;
    const file = path.join(freshDirectory(), 'net.json');
    writeFileSync(file, JSON.stringify({ ...config, conflictPolicy: 'net', data: { dataset: 'dow30', to: '1993-12-31' } }));
    const net = await run(['run', '--config', file]);
    expect(net.code).toBe(0);
    expect(net.out).toContain('shared mode: a rebalance sets the weights the "net" policy merges signals with and moves no capital (the shadow sleeves are never rebalanced)');
    expect(net.out).toMatch(/Rebalances \(first 5 of \d+; --json lists every one\) · shared mode: the "net" policy's weights; no capital moves$/m);
  });

  it('the metrics table shows the portfolio and each sleeve side by side, and contributions add up to the return', async () => {
    const json = path.join(freshDirectory(), 'result.json');
    const { code, out } = await run(['run', '--config', 'examples/stocks5-60-40.json', '--json', json]);
    expect(code).toBe(0);
    const result = JSON.parse(readFileSync(json, 'utf8')) as OrchestratorResultJson;
    expect(out).toMatch(/^\s+metric\s+portfolio\s+tech\s+value$/m);
    const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`);
    const totals = [result.portfolio.metrics.metrics.totalReturn, ...result.sleeves.map((sleeve) => sleeve.metrics.metrics.totalReturn)];
    expect(out).toMatch(new RegExp(`^\\s+Total return\\s+${totals.map((total) => pct(total).replace(/[.]/g, '\\.')).join('\\s+')}$`, 'm'));
    // The average weight: the mean of each sleeve's weight over the bars, from the JSON (60.08% and 39.92%).
    const mean = (values: number[]) => values.reduce((total, value) => total + value, 0) / values.length;
    const averages = result.sleeves.map((sleeve) => mean(sleeve.equity.flatMap((point) => (point.weight === null ? [] : [point.weight]))));
    expect(averages.map((value) => pct(value))).toEqual(['60.08%', '39.92%']);
    expect(out).toMatch(new RegExp(`^\\s+Average weight\\s+100\\.00%\\s+${averages.map((weight) => pct(weight).replace(/[.]/g, '\\.')).join('\\s+')}$`, 'm'));
    const last = result.sleeves.map((sleeve) => sleeve.equity.at(-1)?.weight ?? Number.NaN);
    expect(out).toMatch(new RegExp(`^\\s+Final weight\\s+100\\.00%\\s+${last.map((weight) => pct(weight).replace(/[.]/g, '\\.')).join('\\s+')}$`, 'm'));
    const contributions = result.sleeves.map((sleeve) => result.attribution.total.bySleeve[sleeve.id] ?? Number.NaN);
    const sum = contributions.reduce((total, value) => total + value, 0);
    expect(Math.abs(sum - (result.portfolio.metrics.metrics.totalReturn ?? Number.NaN))).toBeLessThan(1e-9);
    expect(out).toMatch(new RegExp(`^\\s+Contribution\\s+\\+${pct(sum).replace(/[.]/g, '\\.')}\\s+\\+${pct(contributions[0] ?? 0).replace(/[.]/g, '\\.')}\\s+\\+${pct(contributions[1] ?? 0).replace(/[.]/g, '\\.')}$`, 'm'));
  });
});

describe('ensemble run: reports', () => {
  it('notes bars on every day of the week (crypto): periods/year assumes exchange days; "periodsPerYear" in the config', async () => {
    const directory = freshDirectory();
    const start = Date.UTC(2021, 0, 1);
    const rows = Array.from({ length: 60 }, (_, i) => `${new Date(start + i * 86_400_000).toISOString().slice(0, 10)},${String(100 + (i % 7))}`);
    writeFileSync(path.join(directory, 'coin.csv'), `date,close\n${rows.join('\n')}\n`);
    writeConfig(directory, { data: { file: 'coin.csv' }, strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['coin'] }] });
    const { code, out } = await run(['run', '--config', 'run.json', '--no-progress'], { cwd: directory });
    expect(code).toBe(0);
    expect(out).toContain('understates annualised volatility and Sharpe; give "periodsPerYear": 365 in the config');
  });

  // Regression: a run of one bar said "(inferred from the bar spacing)", in the summary and the report.
  it('says that one bar takes the default periods per year, as it has no spacing, in the summary and the Markdown report', async () => {
    const directory = freshDirectory();
    writeFileSync(path.join(directory, 'one.csv'), 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n');
    writeConfig(directory, { data: { file: 'one.csv' }, strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['one'] }] });
    const { code, out } = await run(['run', '--config', 'run.json', '--no-progress', '--md', 'report.md'], { cwd: directory });
    expect(code).toBe(0);
    expect(out).toMatch(/period\s+2024-01-02 → 2024-01-02 · 1 bar · 252 periods\/year \(the default: one bar has no spacing\)\n/);
    expect(readFileSync(path.join(directory, 'report.md'), 'utf8')).toContain('· 1 bar · 252 periods per year (the default: one bar has no spacing) · 1 sleeve');
  });

  // It printed "GOOG buy and hold: — over the run" with no reason, where `backtest` gives one.
  it('a benchmark with no date in common with the run gives the reason `backtest` gives', async () => {
    const directory = freshDirectory();
    writeConfig(directory, { data: { dataset: 'stocks5', to: '2004-06-01' }, benchmark: 'GOOG', strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['AAPL'] }] });
    const { code, out } = await run(['run', '--config', 'run.json', '--no-progress'], { cwd: directory });
    expect(code).toBe(0);
    expect(out).toMatch(/benchmark +GOOG buy and hold: no figures, as it has fewer than 2 dates with a price in common with the run \(check its first and last dates with `ensemble data inspect`\)\n/);
    expect(out).not.toContain('over the run');
    writeConfig(directory, { data: { dataset: 'stocks5', to: '2004-06-01' }, benchmark: 'MSFT', strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['AAPL'] }] });
    expect((await run(['run', '--config', 'run.json', '--no-progress'], { cwd: directory })).out).toMatch(/benchmark +MSFT buy and hold: [+-][0-9.]+% over the run/);
  });

  it('says which traded symbols have no bar in the run, and which strategy can therefore never trade', async () => {
    const directory = freshDirectory();
    writeFileSync(path.join(directory, 'prices.csv'), 'date,AAA,BBB\n2020-01-02,10,\n2020-01-03,11,\n2020-01-06,12,\n');
    writeConfig(directory, {
      data: { file: 'prices.csv' },
      allocation: { scheme: 'fixed' },
      strategies: [
        { id: 'idle', strategy: 'buy-and-hold', symbols: ['BBB'], weight: 0.5 },
        { id: 'busy', strategy: 'buy-and-hold', symbols: ['AAA'], weight: 0.5 },
      ],
    });
    const { code, out } = await run(['run', '--config', 'run.json', '--no-progress'], { cwd: directory });
    expect(code).toBe(0);
    expect(out).toContain('note: no bars in the range: BBB');
    expect(out).toContain('note: strategy "idle" has no bar of its symbol (BBB) in the run: it never trades and takes no capital');
    expect(out).not.toContain('"busy" has no bar');
  });

  it("counts a sleeve's entries worth less than closing them costs beside the rejected orders", async () => {
    // A sleeve of 10 of 10,000 against a fixed commission of 5: (10 − 5) / 64 = 0.078125 units,
    // worth 2.5 at half the price, less than the 5 its sale there costs. Its entries on bars 0–2
    // are refused, its last bar's dropped; the other sleeve buys and holds.
    const directory = freshDirectory();
    writeFileSync(path.join(directory, 'prices.csv'), 'date,A\n2020-01-02,64\n2020-01-03,64\n2020-01-06,32\n2020-01-07,32\n');
    writeConfig(directory, {
      data: { file: 'prices.csv' },
      cash: 10_000,
      fractional: true,
      commission: { kind: 'fixed', amount: 5 },
      allocation: { scheme: 'fixed' },
      rebalance: { schedule: 'never' },
      strategies: [
        { id: 'big', strategy: 'buy-and-hold', symbols: ['A'], weight: 0.999 },
        { id: 'crumb', strategy: 'buy-and-hold', symbols: ['A'], weight: 0.001 },
      ],
    });
    const { code, out } = await run(['run', '--config', 'run.json', '--no-progress'], { cwd: directory });
    expect(code).toBe(0);
    expect(out).toContain(
      'orders     1 filled · 0 shrunk · 3 rejected (all: a position worth less than closing it costs, at half its price for a long — a fixed or minimum commission against the cash of one position; more cash per position trades it) · 1 dropped',
    );
  });

  it('splits the metrics and rebalance tables of many sleeves, so that no line runs across the terminal', async () => {
    const directory = freshDirectory();
    const ids = Array.from({ length: 9 }, (_, i) => `sleeve-${String(i)}`);
    writeConfig(directory, { data: { dataset: 'sp500', from: '2019-01-01' }, rebalance: { schedule: 'quarter' }, strategies: ids.map((id) => ({ id, strategy: 'buy-and-hold', symbols: ['SP500'] })) });
    const { code, out } = await run(['run', '--config', 'run.json', '--no-progress'], { cwd: directory });
    expect(code).toBe(0);
    // Nine sleeves: metrics in tables of the portfolio and six, then three; rebalances in tables of four, four and one.
    expect(out.match(/^ {2}metric +portfolio /gm)).toHaveLength(2);
    expect(out.match(/^ {2}date +reason /gm)).toHaveLength(3);
    for (const id of ids) expect(out).toMatch(new RegExp(`^ {2}metric .* ${id}(?: |$)`, 'm'));
    expect(Math.max(...out.split('\n').map((line) => line.length))).toBeLessThan(200);
    expect(out.match(/cash moved in \/ out/g)).toHaveLength(1);
  });

  it('shows past twelve sleeves the ten with the largest average weight, and says how many others the reports list', async () => {
    // Fourteen buy-and-hold sleeves of one symbol at fixed weights (i + 1) / 105: they move
    // together, so their weights stay in that order; the ten largest are sleeves 4 to 13.
    const directory = freshDirectory();
    const ids = Array.from({ length: 14 }, (_, i) => `sleeve-${String(i).padStart(2, '0')}`);
    writeConfig(directory, {
      data: { dataset: 'sp500', from: '2019-01-01' },
      allocation: { scheme: 'fixed' },
      rebalance: { schedule: 'quarter' },
      strategies: ids.map((id, i) => ({ id, strategy: 'buy-and-hold', symbols: ['SP500'], weight: (i + 1) / 105 })),
    });
    const { code, out } = await run(['run', '--config', 'run.json', '--no-progress'], { cwd: directory });
    expect(code).toBe(0);
    const shown = ids.slice(4);
    const listed = out.split('\n').flatMap((line) => /^ {2}(?:strategies| {10}) (sleeve-\d\d) /.exec(line)?.[1] ?? []);
    expect(listed).toEqual(shown);
    expect(out).toContain('             and 4 other strategies (--json lists every one)');
    expect(out).toContain('Metrics (the 10 sleeves with the largest average weight of 14; --md, --html or --json shows every one)');
    expect(out).toMatch(/^Rebalances \(.*· weights \(the 10 sleeves with the largest average weight of 14; --md, --html or --json shows every one\)$/m);
    // The tables leave the four out (the allocation line gives every fixed weight).
    const tables = out.slice(out.indexOf('Metrics'));
    for (const id of ids.slice(0, 4)) expect(tables).not.toContain(id);
    for (const id of shown) expect(out).toMatch(new RegExp(`^ {2}metric .* ${id}(?: |$)`, 'm'));
    // The portfolio's final weight is still every sleeve's.
    expect(out).toMatch(/^ {2}Final weight +100\.00% /m);
  });

  it('--md and --html write the Markdown report and the HTML tearsheet with every sleeve', async () => {
    const directory = freshDirectory();
    const { code, out, err } = await run(['run', '--config', path.join(examples, 'sp500-two-sleeves.json'), '--md', 'report.md', '--html', 'report.html'], { cwd: directory });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^wrote report\.md \([\d,]+ bytes\)$/m);
    expect(out).toMatch(/^wrote report\.html \([\d,]+ bytes\)$/m);
    const html = readFileSync(path.join(directory, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>') || html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.includes('<svg') || html.includes('vega')).toBe(true);
    for (const id of ['trend', 'dip-buyer']) expect(html).toContain(id);
    expect(html).toContain('SP500 buy and hold');
    const md = readFileSync(path.join(directory, 'report.md'), 'utf8');
    expect(md).toContain('# Two strategies on the S&P 500, one sleeve each');
    expect(md).toMatch(/^\| Metric \| Portfolio \| trend \| dip-buyer \|$/m);
    expect(md).toContain('<svg');
    expect(readdirSync(directory).sort()).toEqual(['report.html', 'report.md']);
  });

  it('--json - writes the JSON to stdout and the summary to stderr', async () => {
    const { code, out, err } = await run(['run', '--config', 'examples/stocks5-equal-weight.json', '--json', '-']);
    expect(code).toBe(0);
    const result = JSON.parse(out) as OrchestratorResultJson;
    expect(result.kind).toBe('orchestrator');
    expect(result.portfolio.equity[0]?.time).toBe('2000-01-01');
    expect(err).toContain('Run: bt-style equal weight of the five stocks5 names');
    expect(err).not.toContain('wrote');
  });

  it('a relative data.file is read from the config file\'s directory', async () => {
    const directory = freshDirectory();
    mkdirSync(path.join(directory, 'configs'));
    writeFileSync(path.join(directory, 'configs', 'prices.csv'), readFileSync(fileURLToPath(new URL('../__fixtures__/valid-prices.csv', import.meta.url))));
    writeConfig(path.join(directory, 'configs'), {
      name: 'From a file',
      data: { file: 'prices.csv' },
      allocation: { scheme: 'equal' },
      strategies: [
        { id: 'hold-a', strategy: 'buy-and-hold', symbols: ['AAA'] },
        { id: 'hold-b', strategy: 'buy-and-hold', symbols: ['BBB'] },
      ],
    });
    const { code, out, err } = await run(['run', '--config', 'configs/run.json'], { cwd: directory });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('data       prices.csv · 2 symbols traded');
    expect(out).toContain('2020-01-02 → 2020-01-13 · 4 bars');
  });
});

describe('ensemble run: bad input exits 2 before any work, naming what and where', () => {
  it('an invalid config lists every problem by path and writes nothing', async () => {
    const directory = freshDirectory();
    writeConfig(directory, {
      data: { dataset: 'stocks5' },
      allocation: { scheme: 'fixed' },
      colour: 'blue',
      strategies: [
        { id: 'a', strategy: 'sma-crossover', params: { fast: 50, slow: 20 }, symbols: ['AAPL'], weight: 0.7 },
        { id: 'b', strategy: 'moon-phase', symbols: ['MSFT'], weight: 0.5 },
      ],
    });
    const { code, out, err } = await run(['run', '--config', 'run.json', '--json', 'result.json', '--md', 'report.md', '--html', 'report.html'], { cwd: directory });
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^error: Invalid configuration in run\.json:$/m);
    expect(err).toMatch(/^ {2}- colour: unknown key "colour"/m);
    expect(err).toMatch(/^ {2}- strategies\.0\.params\.fast: fast \(50\) must be less than slow \(20\)/m);
    expect(err).toMatch(/^ {2}- strategies\.1\.strategy: unknown strategy "moon-phase"\. Available: .*sma-crossover/m);
    expect(err).toMatch(/^ {2}- strategies: the fixed weights sum to 1\.2, above leverage − cashBuffer = 1/m);
    expect(err).not.toMatch(STACK);
    expect(readdirSync(directory)).toEqual(['run.json']);
  });

  it('a backtest config naming a strategy like an object key ("constructor", "toString") is an unknown strategy, exit 2', async () => {
    const directory = freshDirectory();
    for (const name of ['constructor', 'toString', '__proto__']) {
      writeFileSync(path.join(directory, 'backtest.json'), JSON.stringify({ data: { dataset: 'sp500' }, strategy: name }));
      const { code, err } = await run(['run', '--config', 'backtest.json'], { cwd: directory });
      expect(code, name).toBe(2);
      expect(err).toContain(`  - strategy: unknown strategy "${name}". Available: buy-and-hold, sma-crossover`);
      expect(err).not.toMatch(STACK);
    }
    writeFileSync(path.join(directory, 'backtest.json'), JSON.stringify({ data: { dataset: 'sp500' }, strategy: 'sma-crosover' }));
    expect((await run(['run', '--config', 'backtest.json'], { cwd: directory })).err).toContain('unknown strategy "sma-crosover" — did you mean "sma-crossover"?');
  });

  it('a backtest config gets the checks of the backtest flags and run configs, named by its own paths in its file', async () => {
    const directory = freshDirectory();
    const cases: [Record<string, unknown>, string][] = [
      [{ data: { dataset: 'sp500' }, strategy: 'sma-crossover', sizing: { kind: 'fixed-quantity', quantity: 0.5 } }, '  - sizing.quantity: 0.5 units round down to 0 whole units'],
      [{ data: { dataset: 'stocks5' }, strategy: 'equal-weight', sizing: { kind: 'fixed-cash', amount: 10 } }, '  - sizing: "equal-weight" is a portfolio strategy: it sizes by target weights, not by "sizing"; remove it'],
      [{ data: { dataset: 'sp500' }, strategy: 'sma-crossover', rebalance: { kind: 'calendar', period: 'month' } }, '  - rebalance: "sma-crossover" is a signal strategy: it has no rebalance schedule'],
      [
        { data: { dataset: 'stocks5' }, strategy: 'equal-weight', params: { rebalance: 'month' }, rebalance: { kind: 'calendar', period: 'month' } },
        '  - params.rebalance: both "params.rebalance" and "rebalance" set the rebalance schedule',
      ],
      [{ data: { dataset: 'sp500' }, strategy: 'sma-crossover', symbols: ['XYZ'] }, '  - symbols.0: unknown symbol "XYZ"; available: SP500'],
      [{ data: { dataset: 'stocks5', symbols: ['AAPL', 'TSLA'] }, strategy: 'sma-crossover' }, '  - data.symbols.1: unknown symbol "TSLA"'],
      [{ data: { dataset: 'sp500' }, strategy: 'sma-crossover', benchmark: 'none' }, '  - benchmark: unknown symbol "none"; available: SP500'],
      [{ data: { dataset: 'sp500', from: '2010-01-01', to: '2005-01-01' }, strategy: 'sma-crossover' }, '  - data.to: "to" (2005-01-01) is before "from" (2010-01-01): the date range is empty; swap them'],
      [{ data: { dataset: 'sp500', from: '2030-01-01' }, strategy: 'sma-crossover' }, '  - data.from: the date range is empty: no bar between 2030-01-01 and the end'],
      [{ data: { dataset: 'sp500' }, strategy: 'sma-crossover', periodsPerYear: 1e300 }, '  - periodsPerYear: must be a number from 0.01 (a bar a century) to 31,536,000,000'],
    ];
    for (const [config, expected] of cases) {
      writeFileSync(path.join(directory, 'backtest.json'), JSON.stringify(config));
      const { code, out, err } = await run(['run', '--config', 'backtest.json'], { cwd: directory });
      expect(code, expected).toBe(2);
      expect(out).toBe('');
      expect(err).toContain('error: Invalid configuration in backtest.json:\n');
      expect(err).toContain(expected);
      expect(err).not.toContain('--');
    }
    // Every problem in one error: the data checks with the schema's and the strategy's.
    writeFileSync(path.join(directory, 'backtest.json'), JSON.stringify({ data: { dataset: 'stocks6' }, strategy: 'sma-crossover', sizing: { kind: 'fixed-quantity', quantity: 0.5 }, params: { fast: 'x' } }));
    const all = await run(['run', '--config', 'backtest.json'], { cwd: directory });
    expect(all.code).toBe(2);
    expect(all.err.split('\n').filter((line) => line.startsWith('  - ')).map((line) => line.slice(4, line.indexOf(':')))).toEqual(['data.dataset', 'params.fast', 'sizing.quantity']);
  });

  it('a maxWeight at or above what the sleeves share is no cap, and the summary says none', async () => {
    const directory = freshDirectory();
    const strategies = [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'] },
      { id: 'b', strategy: 'sma-crossover', symbols: ['MSFT'] },
    ];
    const summaries: string[] = [];
    for (const maxWeight of [1e308, undefined]) {
      writeFileSync(path.join(directory, 'run.json'), JSON.stringify({ data: { dataset: 'stocks5' }, allocation: { scheme: 'inverse-volatility', ...(maxWeight === undefined ? {} : { maxWeight }) }, strategies }));
      const { code, out } = await run(['run', '--config', 'run.json'], { cwd: directory });
      expect(code).toBe(0);
      expect(out).not.toContain('max weight');
      summaries.push(out.replace(/^ {2}config .*$/m, ''));
    }
    expect(summaries[0]).toBe(summaries[1]);
  });

  it('invalid JSON names the file, line and column', async () => {
    const directory = freshDirectory();
    writeConfig(directory, '{\n  "data": { "dataset": "sp500" },\n  "strategies": [\n    { "id": "a", "strategy": "buy-and-hold" "symbols": ["SP500"] }\n  ]\n}\n', 'broken.json');
    const { code, out, err } = await run(['run', '--config', 'broken.json', '--json', 'result.json'], { cwd: directory });
    expect(code).toBe(2);
    expect(out).toBe('');
    // Line 4: `    { "id": "a", "strategy": "buy-and-hold" "symbols": …`; the stray `"` is its 45th character.
    expect(err).toContain('error: Invalid configuration in broken.json:\n  - line 4, column 45: not valid JSON: expected "," or "}" after the property value but found """');
    expect(err).toContain('4 |     { "id": "a", "strategy": "buy-and-hold" "symbols": ["SP500"] }');
    expect(err).not.toMatch(STACK);
    expect(readdirSync(directory)).toEqual(['broken.json']);
  });

  it('a setting given twice is refused, naming both lines: JSON.parse would keep the last without a word', async () => {
    const directory = freshDirectory();
    writeConfig(directory, '{\n  "data": { "dataset": "sp500" },\n  "fill": "close",\n  "strategies": [{ "id": "a", "strategy": "buy-and-hold" }],\n  "fill": "next-open"\n}\n', 'twice.json');
    const { code, out, err } = await run(['run', '--config', 'twice.json'], { cwd: directory });
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('error: Invalid configuration in twice.json:\n  - line 5, column 3: "fill" is given twice in this object (first on line 3): JSON keeps only the last one');
    expect(err).not.toMatch(STACK);
  });

  it('a missing config file', async () => {
    const { code, err } = await run(['run', '--config', 'examples/nope.json']);
    expect(code).toBe(2);
    expect(err).toMatch(/^error: Cannot read the run config "examples\/nope\.json": no such file \(looked for .*examples\/nope\.json\)/);
    expect(err).not.toMatch(STACK);
  });

  it('an unknown data set, an unreadable date and a missing data file are config problems', async () => {
    const directory = freshDirectory();
    writeConfig(directory, { data: { dataset: 'nasdaq', from: '2001-13-45' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['X'] }] });
    const first = await run(['run', '--config', 'run.json'], { cwd: directory });
    expect(first.code).toBe(2);
    expect(first.err).toContain('  - data.dataset: unknown data set "nasdaq"; the embedded data sets are sp500, dow30, stocks5');
    expect(first.err).toContain('  - data.from: "2001-13-45" is not a date');
    writeConfig(directory, { data: { dataset: 'stock5' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['IBM'] }] });
    expect((await run(['run', '--config', 'run.json'], { cwd: directory })).err).toContain(
      '  - data.dataset: unknown data set "stock5"; the embedded data sets are sp500, dow30, stocks5 (`ensemble data list` describes them) — did you mean "stocks5"?\n',
    );
    writeConfig(directory, { data: { file: 'missing.csv' }, strategies: [{ id: 'a', strategy: 'buy-and-hold', symbols: ['X'] }] });
    const second = await run(['run', '--config', 'run.json'], { cwd: directory });
    expect(second.code).toBe(2);
    expect(second.err).toContain(`  - data.file: file not found: "missing.csv" (looked for ${path.join(directory, 'missing.csv')}`);
  });

  it('an unknown symbol is named by its path in the config, with the symbols available', async () => {
    const directory = freshDirectory();
    writeConfig(directory, {
      data: { dataset: 'stocks5' },
      strategies: [
        { id: 'a', strategy: 'buy-and-hold', symbols: ['AAPL'] },
        { id: 'b', strategy: 'buy-and-hold', symbols: ['MSFT', 'TSLA'] },
      ],
    });
    const { code, out, err } = await run(['run', '--config', 'run.json'], { cwd: directory });
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^ {2}- strategies\.1\.symbols\.1: .*TSLA.*MSFT, AMZN, IBM, GOOG, AAPL/m);
    expect(err).not.toMatch(STACK);
  });

  it('an output directory that cannot be made is reported before the run, and makes no other', async () => {
    const directory = freshDirectory();
    writeFileSync(path.join(directory, 'plain'), '');
    const { code, err } = await run(['run', '--config', 'examples/stocks5-equal-weight.json', '--html', path.join(directory, 'plain', 'report.html'), '--json', path.join(directory, 'made', 'run.json')]);
    expect(code).toBe(2);
    expect(err).toContain('--html: cannot write');
    expect(existsSync(path.join(directory, 'made'))).toBe(false);
  });

  it('creates the directories of an output not there yet', async () => {
    const directory = freshDirectory();
    const { code } = await run(['run', '--config', 'examples/stocks5-equal-weight.json', '--md', path.join(directory, 'new', 'deeper', 'report.md')]);
    expect(code).toBe(0);
    expect(readFileSync(path.join(directory, 'new', 'deeper', 'report.md'), 'utf8')).toContain('# ');
  });

  it('an output naming the run config exits 2 and leaves the config as it was', async () => {
    const directory = freshDirectory();
    const config = path.join(directory, 'run.json');
    copyFileSync(path.join(repository, 'examples', 'stocks5-equal-weight.json'), config);
    const before = readFileSync(config, 'utf8');
    const { code, err } = await run(['run', '--config', config, '--html', config]);
    expect(code).toBe(2);
    expect(err).toContain(`--html ${config}: would overwrite the run config (--config)`);
    expect(readFileSync(config, 'utf8')).toBe(before);
  });

  it('two outputs naming one file exit 2 naming every flag, and write nothing', async () => {
    const directory = freshDirectory();
    const config = path.join(repository, 'examples', 'stocks5-equal-weight.json');
    const same = await run(['run', '--config', config, '--json', 'same.json', '--html', 'same.json', '--md', './same.json'], { cwd: directory });
    expect(same.code).toBe(2);
    expect(same.err).toContain('--json same.json --md ./same.json --html same.json: two outputs would write the same file; give each its own path');
    expect(same.out).toBe('');
    expect(readdirSync(directory)).toEqual([]);

    // The same directory through a symbolic link.
    symlinkSync(directory, path.join(scratch, `link-${path.basename(directory)}`));
    const linked = path.join(scratch, `link-${path.basename(directory)}`, 'result.json');
    const viaLink = await run(['run', '--config', config, '--json', path.join(directory, 'result.json'), '--md', linked]);
    expect(viaLink.code).toBe(2);
    expect(viaLink.err).toContain(`--md ${linked}: two outputs would write the same file`);
    expect(readdirSync(directory)).toEqual([]);

    const stdoutMd = await run(['run', '--config', config, '--md', '-'], { cwd: directory });
    expect(stdoutMd.code).toBe(2);
    expect(stdoutMd.err).toContain('--md -: cannot write to stdout; give a file name (only --json accepts -, which sends the summary to stderr)');
    expect(readdirSync(directory)).toEqual([]);
  });

  it('--config is required', async () => {
    const { code, err } = await run(['run']);
    expect(code).toBe(2);
    expect(err).toContain("required option '-c, --config <file>' not specified");
  });
});

describe('ensemble run: progress', () => {
  it('a terminal stderr shows the loading of a data file, the run and the writing; a pipe nothing', async () => {
    const directory = freshDirectory();
    writeFileSync(path.join(directory, 'prices.csv'), readFileSync(fileURLToPath(new URL('../__fixtures__/valid-prices.csv', import.meta.url))));
    writeConfig(directory, {
      data: { file: 'prices.csv' },
      strategies: [
        { id: 'hold-a', strategy: 'buy-and-hold', symbols: ['AAA'] },
        { id: 'hold-b', strategy: 'buy-and-hold', symbols: ['BBB'] },
      ],
    });
    const io = createCapturedIo({ cwd: directory, terminal: true });
    expect(await main(['node', 'ensemble', 'run', '--config', 'run.json', '--json', 'result.json'], io)).toBe(0);
    const drawn = io.err();
    expect(drawn).toMatch(/load {2}\[█+\] 100% \| 0\.0\/0\.0 MB/);
    expect(drawn).toMatch(/run {3}\[[█░]+\] \d+% \| \d\/4 bars \| ETA /);
    expect(drawn).toMatch(/write 0\.0 MB/);
    expect(io.errWrites().at(-1)).toBe('\u001b[2K');
    expect(io.out()).toContain('wrote result.json');

    const piped = await run(['run', '--config', 'run.json', '--json', 'again.json'], { cwd: directory });
    expect(piped.code).toBe(0);
    expect(piped.err).toBe('');
  });
});

describe('ensemble run: logs', () => {
  it('are off by default; --log-level info writes the orchestrator\'s structured events as JSON lines on stderr', async () => {
    const quiet = await run(['run', '--config', 'examples/stocks5-60-40.json']);
    expect(quiet.err).toBe('');
    const { code, out, err } = await run(['run', '--config', 'examples/stocks5-60-40.json', '--log-level', 'info']);
    expect(code).toBe(0);
    expect(out).toContain('Run: bt-style 60/40');
    const events = err
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event?: string; component?: string; level: number });
    expect(events.map((event) => event.event)).toEqual(expect.arrayContaining(['orchestrator-start', 'rebalance', 'orchestrator-end']));
    expect(events.every((event) => event.level >= 30)).toBe(true);
  });
});

describe('ensemble run: inverse volatility beside a sleeve that has just gone flat', () => {
  // SP500 from 2005, buy-and-hold beside an SMA 20/50 sleeve, inverse volatility over 20 bars. On
  // 2012-06-01 the trend sleeve's last 20 returns were one of 7e-6 and nineteen zeros (σ 1.6e-6):
  // 1/σ gave it 99.98 % and buy-and-hold 0.0196 %. With a non-zero return on fewer than half of its
  // window it has no estimate: the neutral 1/2, the estimated buy-and-hold sleeve the other half.
  const config = {
    data: { dataset: 'sp500', from: '2005-01-01' },
    cash: 100_000,
    fractional: true,
    allocation: { scheme: 'inverse-volatility', lookback: 20 },
    rebalance: { schedule: 'month' },
    strategies: [
      { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
      { id: 'trend', strategy: 'sma-crossover', params: { fast: 20, slow: 50 }, symbols: ['SP500'] },
    ],
  };

  it('gives the flat sleeve half, says the rule in the summary and logs why (sleeve-unestimated)', async () => {
    const directory = freshDirectory();
    const file = writeConfig(directory, config);
    const json = path.join(directory, 'result.json');
    const { code, out, err } = await run(['run', '--config', file, '--json', json, '--log-level', 'info']);
    expect(code).toBe(0);
    expect(out).toContain(
      'allocation inverse volatility of sleeve returns over 20 bars (equal weights until 20 sleeve returns exist; 1/n for a sleeve with a non-zero return on fewer than half of them)',
    );
    const result = JSON.parse(readFileSync(json, 'utf8')) as { rebalances: { time: string; targetWeights: Record<string, number> }[] };
    expect(result.rebalances.find((event) => event.time === '2012-06-01')?.targetWeights).toEqual({ hold: 0.5, trend: 0.5 });
    const events = err
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.event === 'sleeve-unestimated' && event.time === '2012-06-01T00:00:00.000Z');
    expect(events).toEqual([expect.objectContaining({ strategy: 'trend', why: 'rarely-invested', window: 20, invested: 1, needed: 10, weight: 0.5 })]);
  });

  it('with the performance scheme, says the rule and gives a sleeve without a Sharpe score the neutral share', async () => {
    const directory = freshDirectory();
    const file = writeConfig(directory, { ...config, allocation: { scheme: 'performance', lookback: 20 } });
    const json = path.join(directory, 'result.json');
    const { code, out, err } = await run(['run', '--config', file, '--json', json, '--log-level', 'info']);
    expect(code).toBe(0);
    expect(out).toContain(
      'allocation performance: trailing sharpe over 20 bars, floor 0.00 (equal weights until 20 sleeve returns exist; 1/n for a sleeve with a non-zero return on fewer than half of them)',
    );
    const result = JSON.parse(readFileSync(json, 'utf8')) as { rebalances: { time: string; targetWeights: Record<string, number>; unestimated: Record<string, string> }[] };
    expect(result.rebalances.find((event) => event.time === '2005-02-01')).toMatchObject({ targetWeights: { hold: 0.5, trend: 0.5 }, unestimated: { trend: 'rarely-invested' } });
    const events = err
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.event === 'sleeve-unestimated' && event.time === '2005-02-01T00:00:00.000Z');
    expect(events).toEqual([expect.objectContaining({ strategy: 'trend', scheme: 'performance', why: 'rarely-invested', window: 20, needed: 10, weight: 0.5 })]);
    expect(String(events[0]?.msg)).toMatch(/an estimate of its Sharpe ratio needs; it gets the neutral share 1\/2/);
  });

  it('refuses an allocation.minInvested outside [0, 1], naming the field (exit 2)', async () => {
    const file = writeConfig(freshDirectory(), { ...config, allocation: { ...config.allocation, minInvested: 1.5 } });
    const { code, err } = await run(['run', '--config', file]);
    expect(code).toBe(2);
    expect(err).toContain('allocation.minInvested: must be a fraction of the lookback window in [0, 1] (0.5: a non-zero return on half of its bars)');
  });
});

describe('ensemble run --help', () => {
  it('documents the flags and the exit codes', async () => {
    const { code, out } = await run(['run', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--config', '--json', '--md', '--html', '--no-progress', 'Exit codes']) expect(out).toContain(flag);
  });
});

describe('ensemble run: the parameters a strategy ran with', () => {
  it('the summary and the JSON show the defaults a config left out; the recorded config keeps what was written', async () => {
    const directory = freshDirectory();
    const file = writeConfig(directory, {
      data: { dataset: 'sp500' },
      strategies: [
        { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
        { id: 'trend', strategy: 'sma-crossover', params: { slow: 100 }, symbols: ['SP500'] },
      ],
    });
    const json = path.join(directory, 'result.json');
    const { code, out, err } = await run(['run', '--config', file, '--json', json]);
    expect(err).toBe('');
    expect(code).toBe(0);
    // sma-crossover's documented defaults: fast 10, long only.
    expect(out).toMatch(/^\s+trend\s+sma-crossover \(signal\) on SP500 · fast=10 · slow=100 · allowShort=false$/m);
    expect(out).toMatch(/^\s+strategies hold\s+buy-and-hold \(signal\) on SP500 · no parameters$/m);
    const result = JSON.parse(readFileSync(json, 'utf8')) as OrchestratorResultJson;
    expect(result.sleeves.map((sleeve) => sleeve.params)).toEqual([{}, { fast: 10, slow: 100, allowShort: false }]);
    expect(result.config.strategies[1]?.params).toEqual({ slow: 100 });
  });
});

// Regression: inverse volatility put 99.8 % of a portfolio into a sleeve holding one leftover share,
// its returns tiny, and the summary's first five rebalances did not show it.
describe('a volatility scheme that puts nearly everything into one sleeve', () => {
  const config = (allocation: Record<string, unknown>) => ({
    data: { dataset: 'sp500', to: '2001-12-31' },
    cash: 100_000,
    fractional: true,
    allocation: { scheme: 'inverse-volatility', lookback: 21, ...allocation },
    rebalance: { schedule: 'month' },
    strategies: [
      { id: 'a', strategy: 'buy-and-hold', symbols: ['SP500'] },
      { id: 'b', strategy: 'sma-crossover', symbols: ['SP500'] },
      // 0.1 % of its cash in the market: its returns are a thousandth of the index's.
      { id: 'crumb', strategy: 'buy-and-hold', symbols: ['SP500'], sizing: { kind: 'percent-of-cash', percent: 0.1 } },
    ],
  });

  it('is noted, naming the sleeve, its largest weight and how to cap it; not with maxWeight', async () => {
    const directory = freshDirectory();
    const { code, out } = await run(['run', '--config', writeConfig(directory, config({}))]);
    expect(code).toBe(0);
    expect(out).toMatch(/note: inverse-volatility gave one sleeve 90% or more of the portfolio at \d+ rebalances: sleeve crumb 99\.\d\d% on \d{4}-\d\d-\d\d; a sleeve that sat mostly in cash/);
    expect(out).toContain('cap it with "maxWeight" in allocation (e.g. 0.5)\n');
    const capped = await run(['run', '--config', writeConfig(directory, config({ maxWeight: 0.5 }), 'capped.json')]);
    expect(capped.code).toBe(0);
    expect(capped.out).not.toContain('note: inverse-volatility gave one sleeve');
  });
});
