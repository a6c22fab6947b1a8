import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// Inputs past the documented limits, and hostile text: every one exits 2 (bad input) at once,
// names the flag, field or line, and prints one screen of escaped text.

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-limits-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}) {
  const io = createCapturedIo({ cwd: scratch, env });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

let files = 0;
/** Writes `content` to a fresh file in the scratch directory and returns its name. */
function file(content: string, extension = 'csv'): string {
  files += 1;
  const name = `case-${files}.${extension}`;
  writeFileSync(path.join(scratch, name), content);
  return name;
}

const config = (overrides: Record<string, unknown>) =>
  file(JSON.stringify({ data: { dataset: 'sp500' }, strategies: [{ id: 'trend', strategy: 'sma-crossover', symbols: ['SP500'] }], ...overrides }), 'json');

// eslint-disable-next-line no-control-regex -- the tests look for raw control characters
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const ESCAPES = '\u001b]0;PWNED\u0007\u001b[2J\u001b[31mRED';
const HEADER = 'date,open,high,low,close,volume\n';

/** At most one screen: a header, 20 problems, a count of the rest, and not much more. */
function expectOneScreen(text: string): void {
  expect(text.split('\n').length).toBeLessThanOrEqual(30);
  expect(text.length).toBeLessThan(8_000);
}

describe('limits on amounts and sizes', () => {
  // Regression: sizing stepped q − 1 above 2^53, where q − 1 = q: the command never returned.
  it('backtest --cash 1e19 exits 2 at once, naming --cash', async () => {
    const { code, out, err } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--cash', '1e19']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('--cash 1e19: must be at most 1e13');
  });

  it('backtest --sizing fixed-quantity:1e308 exits 2 naming --sizing', async () => {
    const { code, err } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--sizing', 'fixed-quantity:1e308']);
    expect(code).toBe(2);
    expect(err).toContain('--sizing fixed-quantity:1e308: must be at most 9007199254740991');
    expect(err).not.toContain('equity curve');
  });

  // Regression: the number pattern backtracked quadratically on long digit runs.
  it('a --cash of 100,000 digits and a letter exits 2 at once, echoed bounded', async () => {
    const { code, err } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--cash', `${'9'.repeat(100_000)}x`, '--sizing', `fixed-cash:1${' '.repeat(100_000)}x`]);
    expect(code).toBe(2);
    expect(err).toContain('(100,001 chars)');
    expectOneScreen(err);
  });

  // Regression: a cash of 1e-300 ran every entry into the engine's dust floor and reported 0.00 %.
  it('backtest --cash 1e-300 and run with cash 1e-300 exit 2, naming the field and the least cash', async () => {
    const backtest = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--cash', '1e-300', '--fractional']);
    expect(backtest.code).toBe(2);
    expect(backtest.out).toBe('');
    expect(backtest.err).toContain('--cash 1e-300: must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust');
    const runConfig = await run(['run', '--config', config({ cash: 1e-300, fractional: true })]);
    expect(runConfig.code).toBe(2);
    expect(runConfig.err).toMatch(/^ {2}- cash: must be at least 0\.01 \(a cent\)/m);
  });

  it('run with cash 1.7976931348623157e308 exits 2 naming cash', async () => {
    const { code, err } = await run(['run', '--config', config({ cash: Number.MAX_VALUE })]);
    expect(code).toBe(2);
    expect(err).toMatch(/^ {2}- cash: must be at most 1e13/m);
    expect(err).not.toContain('equity curve');
  });

  it('run with cash 1e300 or fixed-quantity 1e308 names the config field', async () => {
    const { code, err } = await run(['run', '--config', config({ cash: 1e300, sizing: { kind: 'fixed-quantity', quantity: 1e308 } })]);
    expect(code).toBe(2);
    expect(err).toMatch(/^ {2}- cash: /m);
    expect(err).toMatch(/^ {2}- sizing\.quantity: /m);
  });

  // Regression: a row of 1e308 ran, and failed blaming "equity curve:53 column grossExposure".
  it('a CSV row of 1e308 exits 2 naming the file, line and column', async () => {
    const name = file(`${HEADER}2020-01-02,1,1,1,1,1\n2020-01-03,1e308,1e308,1e308,1e308,1e308\n`);
    const { code, err } = await run(['backtest', '--data', name, '--strategy', 'buy-and-hold']);
    expect(code).toBe(2);
    expect(err).toContain(`${name}:3  column "open"  [too-large]`);
    expect(err).not.toContain('equity curve');
  });
});

describe('echoed values are bounded and escaped', () => {
  // Regression: a 1 MB junk header came back as a 1 MB message.
  it('a 1 MB header gives a message of a few hundred characters', async () => {
    const name = file(`${'x'.repeat(1_048_576)}\n2020-01-02,1\n`);
    const { code, err } = await run(['backtest', '--data', name, '--strategy', 'buy-and-hold']);
    expect(code).toBe(2);
    expect(err.length).toBeLessThan(1_000);
    expect(err).toContain('(1,048,576 chars)');
  });

  // Regression: the raw cell set the terminal title and cleared the screen.
  it('a volume cell of escape sequences is printed escaped', async () => {
    const name = file(`${HEADER}2020-01-02,1,1,1,1,"${ESCAPES}"\n`);
    for (const args of [['backtest', '--data', name, '--strategy', 'buy-and-hold'], ['data', 'inspect', name]]) {
      const { code, out, err } = await run(args);
      expect(code).toBe(2);
      expect(RAW_CONTROL.test(out + err)).toBe(false);
      expect(err).toContain('\\x1b]0;PWNED\\x07\\x1b[2J');
    }
  });

  it('a strategy id with ESC and NUL exits 2 naming strategies.0.id, nothing raw printed', async () => {
    const name = config({ strategies: [{ id: `a${ESCAPES}\u0000`, strategy: 'sma-crossover', symbols: ['SP500'] }] });
    const { code, out, err } = await run(['run', '--config', name], { FORCE_COLOR: '1' });
    expect(code).toBe(2);
    expect(err).toMatch(/^ {2}- strategies\.0\.id: must be 1–64 letters, digits/m);
    expect(RAW_CONTROL.test(out + err)).toBe(false);
  });

  it('a 1 MB strategy id is refused without repeating it', async () => {
    const { code, err } = await run(['run', '--config', config({ strategies: [{ id: 'x'.repeat(1_048_576), strategy: 'buy-and-hold', symbols: ['SP500'] }] })]);
    expect(code).toBe(2);
    expect(err).toContain('strategies.0.id');
    expect(err.length).toBeLessThan(1_000);
  });

  it('a run name with escapes is shown escaped in the summary, which keeps its own colours', async () => {
    const { code, out } = await run(['run', '--config', config({ name: `demo${ESCAPES}`, data: { dataset: 'stocks5' }, strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['IBM'] }] })], {
      FORCE_COLOR: '1',
    });
    expect(code).toBe(0);
    expect(out).toContain('Run: demo\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31mRED');
    expect(out).toContain('\u001b[1mMetrics\u001b[22m');
    expect(out).not.toContain('\u0007');
    expect(out).not.toContain('\u001b[2J');
  });

  it('an unknown strategy or option with escapes is echoed escaped', async () => {
    const strategy = await run(['backtest', '--dataset', 'sp500', '--strategy', `sma${ESCAPES}`]);
    expect(strategy.code).toBe(2);
    expect(RAW_CONTROL.test(strategy.err)).toBe(false);
    expect(strategy.err).toContain('unknown strategy "sma\\x1b]0;PWNED');
    const option = await run(['data', 'inspect', 'sp500', `--${ESCAPES}`]);
    expect(option.code).toBe(2);
    expect(RAW_CONTROL.test(option.err)).toBe(false);
    expect(option.err).toContain("unknown option '--\\x1b]0;PWNED");
  });

  it('one error lists at most 20 problems, however many were collected', async () => {
    // 500 rows in date order, each with a bad volume: 500 problems.
    const rows = Array.from({ length: 500 }, (_, i) => `${new Date(Date.UTC(2020, 0, 2) + i * 86_400_000).toISOString().slice(0, 10)},1,1,1,1,bad${i}`).join('\n');
    const { code, err } = await run(['data', 'inspect', file(`${HEADER}${rows}\n`), '--max-problems', '1000']);
    expect(code).toBe(2);
    expect(err).toContain('error: invalid market data (500 problems):');
    expect(err).toContain('  … and 480 more');
    // Raising --max-problems would not show them: the listing, not the collection, stopped.
    expect(err).toContain('`ensemble data inspect FILE --json` lists every one collected');
    expect(err).not.toContain('raise --max-problems');
    expectOneScreen(err);
  });
});
