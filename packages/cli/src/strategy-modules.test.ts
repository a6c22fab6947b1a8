import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { looksLikeStrategyPath, splitStrategyPath } from './strategy-modules';
import { spawnCli } from './testing/spawn-cli';

// Outside the workspace, so that `@ensemble/protocol` and `zod` resolve only through the CLI's fallback.
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-modules-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const STACK = /\n\s+at /;

/** A signal strategy file: long after `lookback` up-closes; `extra` is appended to the module body. */
function strategySource(name: string, extra = ''): string {
  return `import { defineStrategy } from '@ensemble/protocol';
import { z } from 'zod';
${extra}
export default defineStrategy({
  name: '${name}',
  kind: 'signal',
  description: 'Long after the close rises over the close of lookback bars ago.',
  params: z.strictObject({ lookback: z.number().int().min(1).max(50).default(3).describe('Bars back to compare the close with') }),
  create: ({ lookback }) => ({
    warmup: lookback + 1,
    shouldEnter: (ctx) => (ctx.close() > ctx.close(lookback) ? { side: 'long' as const } : null),
    shouldExit: (ctx) => ctx.close() < ctx.close(lookback),
  }),
});
`;
}

let cases = 0;
/** A fresh directory holding `files` (relative path → text); `module: true` adds a package.json with "type": "module". */
function project(files: Record<string, string>, options: { module?: boolean } = {}): string {
  cases += 1;
  const directory = path.join(scratch, `case-${cases}`);
  mkdirSync(directory);
  if (options.module !== false) writeFileSync(path.join(directory, 'package.json'), '{ "type": "module" }\n');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    writeFileSync(path.join(directory, name), text);
  }
  return directory;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('looksLikeStrategyPath', () => {
  it.each(['./my-strategy.ts', '../s/x.mjs', '/abs/x.js', 'strategies/x.mts', 'x.cjs', 'C:\\s\\x.ts', './x.ts#two-up'])('%s is a path', (value) => {
    expect(looksLikeStrategyPath(value)).toBe(true);
  });
  it.each(['sma-crossover', 'buy-and-hold', 'two-up-closes', 'ts'])('%s is a registry name', (value) => {
    expect(looksLikeStrategyPath(value)).toBe(false);
  });
  it('splits file#name unless the part after # is a folder or a file name', () => {
    expect(splitStrategyPath('./a.ts#close-up')).toEqual({ file: './a.ts', name: 'close-up' });
    expect(splitStrategyPath('./a#b/c.ts')).toEqual({ file: './a#b/c.ts', name: undefined });
    expect(splitStrategyPath('C:\\s#1\\x.ts')).toEqual({ file: 'C:\\s#1\\x.ts', name: undefined });
    expect(splitStrategyPath('./v#2.ts')).toEqual({ file: './v#2.ts', name: undefined });
    expect(splitStrategyPath('./a.ts#')).toEqual({ file: './a.ts#', name: undefined });
    // A name no definition can have is still a name: the file's definitions are then listed.
    expect(splitStrategyPath('./multi.ts#Two')).toEqual({ file: './multi.ts', name: 'Two' });
    expect(splitStrategyPath('./multi.ts#two_up')).toEqual({ file: './multi.ts', name: 'two_up' });
  });
});

describe('ensemble backtest --strategy FILE', () => {
  it('runs a TypeScript strategy file, names it by its definition and records path and sha256 in the JSON config', async () => {
    const directory = project({ 'strategies/up-closes.ts': strategySource('up-closes') });
    const { code, out, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './strategies/up-closes.ts', '--param', 'lookback=5', '--json', 'result.json'], { cwd: directory });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('Backtest: up-closes on SP500');
    expect(out).toContain('up-closes (signal) · lookback=5 · from ./strategies/up-closes.ts');
    const json = JSON.parse(readFileSync(path.join(directory, 'result.json'), 'utf8')) as { config: { strategy: unknown } };
    expect(json.config.strategy).toEqual({
      name: 'up-closes',
      kind: 'signal',
      params: { lookback: 5 },
      module: { path: './strategies/up-closes.ts', sha256: sha256(path.join(directory, 'strategies/up-closes.ts')) },
    });
  });

  it('loads a .ts file that Node treats as CommonJS (no "type": "module") and a plain .mjs file', async () => {
    const javascript = strategySource('up-closes-js').replace("{ side: 'long' as const }", "{ side: 'long' }");
    const directory = project({ 'cjs.ts': strategySource('up-closes-cjs'), 'plain.mjs': javascript }, { module: false });
    const typescript = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', 'cjs.ts'], { cwd: directory });
    expect(typescript.err).toBe('');
    expect(typescript.out).toContain('Backtest: up-closes-cjs on SP500');
    const plain = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './plain.mjs'], { cwd: directory });
    expect(plain.err).toBe('');
    expect(plain.out).toContain('Backtest: up-closes-js on SP500');
  });

  it('a file of several definitions: --strategy FILE without #name is a problem of the command line, as a wrong #name is', async () => {
    const directory = project({ 'two.ts': `${strategySource('first').replace('export default defineStrategy', 'const first = defineStrategy')}\nexport default [first, { ...first, name: 'second' }];\n` });
    const several = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './two.ts'], { cwd: directory });
    expect(several.code).toBe(2);
    expect(several.err).toContain('Invalid configuration in the command-line options:\n  - --strategy ./two.ts: ./two.ts defines several strategies (first, second); name one after "#", e.g. ./two.ts#first');
    const wrong = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './two.ts#third'], { cwd: directory });
    expect(wrong.err).toContain('Invalid configuration in the command-line options:\n  - --strategy ./two.ts#third: ./two.ts defines no strategy "third"; it defines first, second');
    // A name that is not a registry name (capitals) read as part of the file: "file not found".
    const capitals = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './two.ts#Second'], { cwd: directory });
    expect(capitals.code).toBe(2);
    // A name that differs from a definition's only in case is suggested (it was only listed).
    expect(capitals.err).toContain('Invalid configuration in the command-line options:\n  - --strategy ./two.ts#Second: ./two.ts defines no strategy "Second"; it defines first, second — did you mean "second"? (names are case-sensitive)');
    expect(capitals.err).not.toContain('not found');
    writeFileSync(path.join(directory, 'run.json'), JSON.stringify({ data: { dataset: 'sp500' }, strategies: [{ id: 'a', strategy: './two.ts#Second', symbols: ['SP500'] }] }));
    const config = await spawnCli(['run', '--config', 'run.json'], { cwd: directory });
    expect(config.code).toBe(2);
    expect(config.err).toContain('defines no strategy "Second"; it defines first, second — did you mean "second"? (names are case-sensitive)');
    expect(config.err).not.toContain('not found');
  });

  it('exits 2 naming a missing file', async () => {
    const directory = project({});
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './nope.ts'], { cwd: directory });
    expect(code).toBe(2);
    expect(err).toContain('strategy file ./nope.ts');
    expect(err).toContain(`file not found (looked for ${path.join(directory, 'nope.ts')})`);
    expect(err).not.toMatch(STACK);
  });

  it('a strategy file that writes to its bars fails its backtest naming it (exit 1), not the data or the benchmark', async () => {
    const source = [
      "import { defineStrategy } from '@ensemble/protocol';",
      "import { z } from 'zod';",
      'export default defineStrategy({',
      "  name: 'scribble', kind: 'signal', description: 'Writes through a history view buffer once.', params: z.strictObject({}),",
      '  create: () => ({ warmup: 1,',
      "    shouldEnter: (ctx) => { if (ctx.index === 10) new Float64Array(ctx.history('close').buffer)[20] = 0; return null; },",
      '    shouldExit: () => false }),',
      '});',
    ].join('\n');
    const directory = project({ 'scribble.ts': source });
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './scribble.ts'], { cwd: directory });
    expect(code).toBe(1);
    expect(err).toContain('Strategy "scribble" failed on SP500: changed its input data: time[20] of SP500 (the bar of 2000-02-01) was 949363200000 and is now 0');
    expect(err).not.toContain('benchmark');
  });

  // Regressions: a list parameter could not be given with --param ("expected array, received
  // string"), and a plain z.object dropped a mistyped parameter in silence for its default.
  it("takes a list parameter as JSON with --param, says how when it is not, and refuses a plain z.object's mistyped key", async () => {
    const source = [
      "import { defineStrategy } from '@ensemble/protocol';",
      "import { z } from 'zod';",
      'export default defineStrategy({',
      "  name: 'weights', kind: 'portfolio', description: 'Fixed weights by position.',",
      '  params: z.object({ weights: z.array(z.number().min(0).max(1)).default([0.5, 0.5]).describe("weights in symbol order") }),',
      "  create: (p) => ({ kind: 'portfolio', warmup: 1, rebalance: { kind: 'calendar', period: 'month' },",
      '    targetWeights: (ctx) => Object.fromEntries(ctx.tradable.map((symbol, i) => [symbol, p.weights[i] ?? 0])) }),',
      '});',
    ].join('\n');
    const directory = project({ 'weights.mjs': source });
    const base = ['backtest', '--dataset', 'dow30', '--symbol', 'IBM,KO', '--to', '1995-12-31', '--strategy', './weights.mjs', '--fractional'];
    const json = await spawnCli([...base, '--param', 'weights=[0.6,0.4]'], { cwd: directory });
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    expect(json.out).toContain('weights=[0.6,0.4]');
    const comma = await spawnCli([...base, '--param', 'weights=0.6,0.4'], { cwd: directory });
    expect(comma.code).toBe(2);
    expect(comma.err).toContain(`--param weights=0.6,0.4: "0.6,0.4" is not a list: give it as JSON, --param 'weights=[0.6,0.4]' (quoted for the shell)`);
    const broken = await spawnCli([...base, '--param', 'weights=[0.6,0.4'], { cwd: directory });
    expect(broken.err).toContain('"[0.6,0.4" is not a list: it does not read as JSON (check its brackets and quotes, and that no key is given twice)');
    const other = await spawnCli([...base, '--param', 'weights={"a":1}'], { cwd: directory });
    expect(other.err).toContain('"{"a":1}" is an object, not a list');
    const inner = await spawnCli([...base, '--param', 'weights=[0.6,"x"]'], { cwd: directory });
    expect(inner.err).toContain('is not accepted: weights[1] must be a number');
    const typo = await spawnCli([...base, '--param', 'wieghts=[0.9,0.1]'], { cwd: directory });
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('unknown parameter "wieghts" — did you mean "weights"?');
  });

  /** A strategy file whose shouldEnter runs `body` with the context as `ctx` (no other code). */
  function throwingSource(name: string, body: string, imports = ''): string {
    return [
      "import { defineStrategy } from '@ensemble/protocol';",
      "import { z } from 'zod';",
      imports,
      'export default defineStrategy({',
      `  name: '${name}', kind: 'signal', description: 'Fails on bar 99.', params: z.strictObject({}),`,
      '  create: () => ({ warmup: 1,',
      `    shouldEnter: (ctx) => { ${body} },`,
      '    shouldExit: () => false }),',
      '});',
    ].join('\n');
  }

  it('a strategy file that throws names the file, line and column it threw at, in a local file it imports too (exit 1)', async () => {
    const directory = project({
      'strategies/thrower.ts': throwingSource('thrower', "check(ctx.index); return null;", "import { check } from './helper.ts';"),
      'strategies/helper.ts': "export function check(index: number): void {\n  if (index === 99) throw new RangeError('bad bar');\n}\n",
      'plain.mjs': throwingSource('plain-thrower', "if (ctx.index === 99) throw new Error('boom'); return null;"),
    });
    const helper = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './strategies/thrower.ts'], { cwd: directory });
    expect(helper.code).toBe(1);
    // Bar index 99 of sp500-2000.csv is 2000-05-24; the helper's line 2 threw.
    expect(helper.err).toMatch(/^error: Strategy "thrower" failed on SP500 at 2000-05-24: bad bar \(thrown at strategies\/helper\.ts:2:\d+; run with --debug for the stack trace\)\n$/);
    const plain = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './plain.mjs'], { cwd: directory });
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/^error: Strategy "plain-thrower" failed on SP500 at 2000-05-24: boom \(thrown at plain\.mjs:7:\d+; run with --debug for the stack trace\)\n$/);
    // In a run config too, relative to where the command runs.
    writeFileSync(path.join(directory, 'run.json'), JSON.stringify({ data: { dataset: 'sp500', to: '2001-12-31' }, strategies: [{ id: 'mine', strategy: './strategies/thrower.ts', symbols: ['SP500'] }] }));
    const run = await spawnCli(['run', '--config', 'run.json'], { cwd: directory });
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^error: Strategy "mine" failed on SP500 at 2000-05-24: bad bar \(thrown at strategies\/helper\.ts:2:\d+; run with --debug for the stack trace\)\n$/);
    // Isolated, the run goes on and its summary places the error the same way; the JSON holds the message only.
    writeFileSync(path.join(directory, 'isolate.json'), JSON.stringify({ data: { dataset: 'sp500', to: '2001-12-31' }, errorPolicy: 'isolate', strategies: [{ id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] }, { id: 'mine', strategy: './strategies/thrower.ts', symbols: ['SP500'] }] }));
    const isolated = await spawnCli(['run', '--config', 'isolate.json', '--json', 'isolated.json'], { cwd: directory });
    expect(isolated.code).toBe(0);
    expect(isolated.out).toMatch(/\n {2}isolated: Strategy "mine" failed on SP500 at 2000-05-24: bad bar \(thrown at strategies\/helper\.ts:2:\d+\)\n/);
    const saved = JSON.parse(readFileSync(path.join(directory, 'isolated.json'), 'utf8')) as { isolated: unknown };
    expect(saved.isolated).toEqual([{ strategyId: 'mine', symbol: 'SP500', time: '2000-05-24', message: 'Strategy "mine" failed on SP500 at 2000-05-24: bad bar' }]);
  });

  it('a TypeScript file compiled as CommonJS that throws is named without a line (its frames are of the generated code)', async () => {
    const directory = project({ 'cjs.ts': throwingSource('cjs-thrower', "if (ctx.index === 99) throw new Error('boom'); return null;") }, { module: false });
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', 'cjs.ts'], { cwd: directory });
    expect(code).toBe(1);
    expect(err).toBe('error: Strategy "cjs-thrower" failed on SP500 at 2000-05-24: boom (thrown in cjs.ts; run with --debug for the stack trace)\n');
  });

  it('a strategy file that returns an invalid signal gets the rule it broke, without offering the stack of a throw it did not make', async () => {
    const directory = project({ 'nan.ts': throwingSource('nan-strength', "return ctx.index === 99 ? { side: 'long' as const, strength: Number.NaN } : null;") });
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './nan.ts'], { cwd: directory });
    expect(code).toBe(1);
    expect(err).toBe('error: Strategy "nan-strength" failed on SP500 at 2000-05-24: shouldEnter returned strength NaN; it must be a number within 0..1\n');
  });

  it('a strategy file of a run config that writes to its bars fails the run naming it (exit 1), not the other sleeves\' results', async () => {
    const directory = project({
      'doubler.ts': throwingSource('doubler', "const closes = ctx.history('close'); if (ctx.index === 400) closes[closes.length - 1] = (closes[closes.length - 1] ?? 0) * 2; return null;"),
      'run.json': JSON.stringify({
        data: { dataset: 'sp500' },
        strategies: [
          { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
          { id: 'mine', strategy: './doubler.ts', symbols: ['SP500'] },
        ],
      }),
    });
    const { code, out, err } = await spawnCli(['run', '--config', 'run.json', '--json', 'result.json'], { cwd: directory });
    expect(code).toBe(1);
    expect(out).toBe('');
    // Bar 400 of sp500-2000.csv closed at 1214.349976; the buy-and-hold sleeve would have read the doubled close.
    expect(err).toBe('error: Strategy "mine" failed on SP500: changed its input data: close[400] of SP500 (the bar of 2001-08-03) was 1214.349976 and is now 2428.699952. Bars are read-only: never write to a ctx.history() or ctx.indicatorHistory() view or to its buffer\n');
    expect(existsSync(path.join(directory, 'result.json'))).toBe(false);
  });

  it('a portfolio file whose weights sum to more than 1 has the shrunk and rejected orders explained beside their counts, in the JSON too (not refused)', async () => {
    const over = [
      "import { defineStrategy } from '@ensemble/protocol';",
      "import { z } from 'zod';",
      'export default defineStrategy({',
      "  name: 'over', kind: 'portfolio', description: 'Weights of 0.6 each.', params: z.strictObject({}),",
      "  create: () => ({ kind: 'portfolio', warmup: 1, rebalance: { kind: 'calendar', period: 'month' },",
      '    targetWeights: (ctx) => Object.fromEntries(ctx.tradable.map((symbol) => [symbol, 0.6])) }),',
      '});',
    ].join('\n');
    const directory = project({
      'over.mjs': over,
      'run.json': JSON.stringify({
        data: { dataset: 'stocks5' },
        strategies: [
          { id: 'hold', strategy: 'buy-and-hold', symbols: ['MSFT'] },
          { id: 'mine', strategy: './over.mjs', symbols: ['MSFT', 'AMZN', 'IBM', 'GOOG', 'AAPL'] },
        ],
      }),
    });
    // stocks5 has 123 monthly bars, each a rebalance; five weights of 0.6 sum to 3 (2.4 before GOOG starts).
    const backtest = await spawnCli(['backtest', '--dataset', 'stocks5', '--strategy', './over.mjs', '--json', 'backtest.json'], { cwd: directory });
    expect(backtest.err).toBe('');
    expect(backtest.code).toBe(0);
    expect(backtest.out).toMatch(
      /\n {2}orders {5}\d+ filled · [1-9]\d* shrunk · [1-9]\d* rejected \(the strategy's weights summed to up to 3\.00 on all 123 of its rebalances: more than its equity, and its account has no margin\) · \d+ dropped \(--log-level warn logs each shrunk or rejected order(, info each dropped one)?\)\n/,
    );
    const saved = JSON.parse(readFileSync(path.join(directory, 'backtest.json'), 'utf8')) as { orders: { weightsOverEquity?: unknown } };
    expect(saved.orders.weightsOverEquity).toEqual({ rebalances: 123, maxSum: 3 });
    const run = await spawnCli(['run', '--config', 'run.json', '--json', 'run-result.json'], { cwd: directory });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/ rejected \(sleeve mine's weights summed to up to 3\.00 on all 123 of its rebalances: more than its equity, and its account has no margin\) · \d+ dropped /);
    const result = JSON.parse(readFileSync(path.join(directory, 'run-result.json'), 'utf8')) as { portfolio: { orders: { weightsOverEquity?: unknown } } };
    expect(result.portfolio.orders.weightsOverEquity).toEqual({ rebalances: 123, maxSum: 3, sleeves: ['mine'] });
  });

  it('a file importing a package that is not installed says to install it, without the loader\'s require stack', async () => {
    const directory = project({ 'needs.ts': "import talib from 'talib-nonexistent-pkg';\nexport default talib;\n" });
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './needs.ts'], { cwd: directory });
    expect(code).toBe(2);
    expect(err).toMatch(/Cannot find (module|package) 'talib-nonexistent-pkg'/);
    expect(err).toContain('install the package it imports next to the file');
    expect(err).not.toContain('Require stack');
  });

  // Regressions: a file's timer kept the process alive after the command had finished; a file
  // calling process.exit(0) ended the run with exit 0 and nothing written; a top-level await that
  // never settles ended the process with Node's exit code 13 and no word.
  it('ends the process once the command is done, fails a strategy that calls process.exit, and names an import that never ends', async () => {
    const directory = project({
      'ticking.ts': strategySource('ticking', 'setInterval(() => undefined, 1_000);'),
      'exits.ts': strategySource('exits').replace(/shouldEnter: \(ctx\) => \(/, 'shouldEnter: (ctx) => process.exit(0) ?? ('),
      'stuck.ts': strategySource('stuck', 'await new Promise(() => undefined);'),
    }, { module: true });
    const ticking = await spawnCli(['backtest', '--dataset', 'sp500', '--to', '2000-12-31', '--strategy', './ticking.ts'], { cwd: directory });
    expect(ticking.err).toBe('');
    expect(ticking.code).toBe(0);
    expect(ticking.out).toContain('Final equity');
    const exits = await spawnCli(['backtest', '--dataset', 'sp500', '--to', '2000-12-31', '--strategy', './exits.ts'], { cwd: directory });
    expect(exits.code).toBe(1);
    expect(exits.err).toContain('error: Strategy "exits" failed on SP500 at 2000-01-06: process.exit(0) was called while the command ran: a strategy (or a module it imports) must return or throw, never end the process');
    const stuck = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './stuck.ts'], { cwd: directory });
    expect(stuck.code).toBe(2);
    expect(stuck.err).toBe('error: the command was left waiting for something that can never happen: the strategy file ./stuck.ts (or a module it imports), being imported, has a top-level await that nothing settles; fix its top-level code\n');
  });

  // Regression: said as a syntax error to fix, where the file's format (CommonJS) was the cause.
  it('says what to do about a top-level await in a .ts file compiled as CommonJS', async () => {
    const directory = project({ 'awaits.ts': strategySource('awaits', 'const lookback = await Promise.resolve(3);') }, { module: false });
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './awaits.ts'], { cwd: directory });
    expect(code).toBe(2);
    expect(err).toContain('Top-level await is currently not supported with the "cjs" output format');
    expect(err).toContain('the file is compiled as CommonJS, where a top-level await cannot be: add "type": "module" to the package.json beside it (or name it .mts), or move the await into create()');
    expect(err).not.toContain('fix the syntax error');
  });

  // Regression: the refused Promise's rejection reached Node as unhandled, a stack trace after the message.
  it('refuses a decision that is a rejected Promise in one line, without an unhandled rejection (exit 1)', async () => {
    const directory = project({ 'rejects.ts': strategySource('rejects').replace(/shouldEnter: \(ctx\) => \(/, "shouldEnter: (ctx) => Promise.reject(new Error('rejected later')) ?? (") });
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--to', '2000-12-31', '--strategy', './rejects.ts'], { cwd: directory });
    expect(code).toBe(1);
    expect(err).toBe('error: Strategy "rejects" failed on SP500 at 2000-01-06: shouldEnter returned a Promise: strategy methods run synchronously, so it must return its answer itself (no async, no await)\n');
  });

  it('exits 2 with the message of a file that throws while it is imported, without a stack', async () => {
    const directory = project({ 'broken.ts': strategySource('broken', "throw new Error('API key missing: set MY_KEY');") });
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './broken.ts'], { cwd: directory });
    expect(code).toBe(2);
    expect(err).toContain('strategy file ./broken.ts');
    expect(err).toContain('importing it failed');
    expect(err).toContain('API key missing: set MY_KEY');
    // Placed in the file (line 3: after the two imports), and the advice is about that code, not the export.
    expect(err).toContain('its top-level code threw during the import (thrown at broken.ts:3:7), before any strategy ran: fix that code (--debug shows the stack trace)');
    expect(err).not.toContain('export default');
    expect(err).not.toMatch(STACK);
  });

  // Regression: every import failure but a missing package ended "it must `export default
  // defineStrategy({...})`", after a syntax error or a bad JSON.parse as much as after a bad export.
  it('says what to fix for a syntax error, a bad JSON.parse at the top level and a definition refused', async () => {
    const directory = project({
      'syntax.mjs': "export default {\n  name: 'a',,\n};\n",
      'typed.ts': "export default {\n  name: 'a',,\n};\n",
      'parse.mjs': "const settings = JSON.parse('{\"oops\": ');\nexport default settings;\n",
      'settings.mjs': "export const settings = JSON.parse('{\"oops\": ');\n",
      'uses.mjs': "import { settings } from './settings.mjs';\nexport default settings;\n",
      'refused.ts': strategySource('refused').replace("description: 'Long after the close rises over the close of lookback bars ago.'", "description: 'two\\nlines'"),
    });
    const syntax = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './syntax.mjs'], { cwd: directory });
    expect(syntax.code).toBe(2);
    expect(syntax.err).toContain("Unexpected token ','\n  fix the syntax error: node --check ./syntax.mjs shows its line, or nothing when it is in a file it imports");
    const typed = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './typed.ts'], { cwd: directory });
    expect(typed.code).toBe(2);
    expect(typed.err).toMatch(/typed\.ts:2:\d+: ERROR: .*\n {2}fix the syntax error the message names/);
    const parse = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './parse.mjs'], { cwd: directory });
    expect(parse.code).toBe(2);
    expect(parse.err).toContain('its top-level code threw during the import (thrown at parse.mjs:1:23)');
    // Thrown in a local file it imports: placed there, and said to be that file's code.
    const helper = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './uses.mjs'], { cwd: directory });
    expect(helper.code).toBe(2);
    expect(helper.err).toContain('the top-level code of a file it imports threw during the import (thrown at settings.mjs:1:30)');
    // The same from TypeScript compiled as CommonJS (no "type": "module"): the helper's frame comes
    // first, the strategy file's own further down.
    const commonJs = project({ 't.ts': "import { y } from './helper';\nexport default y;\n", 'helper.ts': "export const y = 1;\nthrow new Error('boom in helper');\n" }, { module: false });
    const compiled = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './t.ts'], { cwd: commonJs });
    expect(compiled.err).toContain('the top-level code of a file it imports threw during the import (thrown at helper.ts:2:7)');
    const refused = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './refused.ts'], { cwd: directory });
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/description: description must be one sentence[^\n]*\n {2}fix the definition as the message says/);
    for (const { err } of [syntax, typed, parse, refused]) expect(err).not.toContain('export default');
  });

  // Regression: `--lookback 100` for a strategy file's parameter was "unknown flag" with no hint,
  // where a built-in's got "give it as --param"; and `ensemble sweep` said "did you mean --cash?".
  it("tells a strategy file's parameter given as a flag to go through --param, in backtest, sweep and walk-forward", async () => {
    const directory = project({ 'mine.ts': strategySource('mine') });
    const backtest = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './mine.ts', '--lookback', '10'], { cwd: directory });
    expect(backtest.code).toBe(2);
    expect(backtest.err).toContain('--lookback 10: unknown flag: lookback is a parameter of ./mine.ts; give it as --param lookback=10');
    const typo = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './mine.ts', '--lookbak=10'], { cwd: directory });
    expect(typo.err).toContain('--lookbak=10: unknown flag; did you mean the parameter lookback of ./mine.ts: --param lookback=10?');
    for (const command of ['sweep', 'walk-forward']) {
      const research = await spawnCli([command, '--dataset', 'sp500', '--strategy', './mine.ts', '--lookback', '10', '--vary', 'lookback=2,3', '--out', 'out'], { cwd: directory });
      expect(research.code).toBe(2);
      expect(research.err).toContain('--lookback 10: unknown flag: lookback is a parameter of ./mine.ts; give it as --param lookback=10 (or --vary lookback=V1,V2,… to vary it)');
      expect(research.err).not.toContain('did you mean --');
    }
    const builtIn = await spawnCli(['sweep', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--fast', '10', '--vary', 'slow=50,100', '--out', 'out'], { cwd: directory });
    expect(builtIn.err).toContain('--fast 10: unknown flag: fast is a parameter of sma-crossover; give it as --param fast=10 (or --vary fast=V1,V2,… to vary it)');
    const stray = await spawnCli(['walk-forward', '--dataset', 'sp500', '--strategy', 'sma-crossover', 'extra', '--out', 'out'], { cwd: directory });
    expect(stray.code).toBe(2);
    expect(stray.err).toContain('extra: unexpected argument: ensemble walk-forward takes only flags');
  });

  it('exits 2 naming the file and what to export when it exports no definition', async () => {
    const directory = project({ 'empty.ts': 'export const answer = 42;\n' });
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './empty.ts'], { cwd: directory });
    expect(code).toBe(2);
    expect(err).toContain('strategy file ./empty.ts');
    expect(err).toContain('export default defineStrategy');
  });

  it('exits 2 naming both when a file defines a built-in name', async () => {
    const directory = project({ 'clash.ts': strategySource('sma-crossover') });
    const { code, err } = await spawnCli(['backtest', '--dataset', 'sp500', '--strategy', './clash.ts'], { cwd: directory });
    expect(code).toBe(2);
    expect(err).toContain('strategy file ./clash.ts');
    expect(err).toContain('the name of the built-in strategy "sma-crossover"');
  });
});

describe('ensemble strategies FILE', () => {
  it('describes the parameters of a file like a built-in', async () => {
    const directory = project({ 'up.ts': strategySource('up-closes') });
    const { code, out } = await spawnCli(['strategies', './up.ts'], { cwd: directory });
    expect(code).toBe(0);
    expect(out).toMatch(/^up-closes {2}\(signal\)$/m);
    expect(out).toMatch(/lookback\s+integer\s+3\s+>= 1 and <= 50\s+Bars back to compare the close with/);
    expect(out).toContain('Run it: ensemble backtest --dataset sp500 --strategy ./up.ts');
  });
});

describe('ensemble run with strategy files', () => {
  const config = (strategies: unknown[]) => JSON.stringify({ data: { dataset: 'sp500' }, strategies });

  it('resolves paths against the config file, loads each file once and records { path, sha256 } in the result', async () => {
    const marker = path.join(scratch, 'imports.log');
    const counted = strategySource('up-closes', `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(marker)}, 'imported\\n');`);
    const directory = project({
      'runs/strategies/up.ts': counted,
      'runs/run.json': config([
        { id: 'fast', strategy: './strategies/up.ts', params: { lookback: 2 }, symbols: ['SP500'] },
        { id: 'slow', strategy: './strategies/up.ts', params: { lookback: 10 }, symbols: ['SP500'] },
        { id: 'trend', strategy: 'sma-crossover', symbols: ['SP500'] },
      ]),
    });
    const { code, out, err } = await spawnCli(['run', '--config', 'runs/run.json', '--json', 'result.json'], { cwd: directory });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('imported\n');
    expect(out).toMatch(/fast\s+up-closes \(signal\) on SP500 · lookback=2 · from \.\/strategies\/up\.ts/);
    const json = JSON.parse(readFileSync(path.join(directory, 'result.json'), 'utf8')) as { config: { strategies: { strategy: string; module?: unknown }[] } };
    const module = { path: './strategies/up.ts', sha256: sha256(path.join(directory, 'runs/strategies/up.ts')) };
    expect(json.config.strategies.map((entry) => [entry.strategy, entry.module])).toEqual([
      ['up-closes', module],
      ['up-closes', module],
      ['sma-crossover', undefined],
    ]);

    // The recorded config runs again beside the file, and refuses a file that has changed since.
    writeFileSync(path.join(directory, 'runs/again.json'), JSON.stringify(json.config));
    const again = await spawnCli(['run', '--config', 'runs/again.json'], { cwd: directory });
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
    writeFileSync(path.join(directory, 'runs/strategies/up.ts'), `${counted}\n// changed\n`);
    const changed = await spawnCli(['run', '--config', 'runs/again.json'], { cwd: directory });
    expect(changed.code).toBe(2);
    expect(changed.err).toContain('strategies.0.module.sha256');
    expect(changed.err).toContain('has changed since this config recorded it');
  });

  // Regression: a file that failed to import hid every other entry's parameter problems until it loaded.
  it('lists a file that fails to import with the other entries\' problems, and not as an unknown strategy', async () => {
    const directory = project({
      'strategies/up.ts': strategySource('up-closes'),
      'strategies/broken.ts': strategySource('broken', "throw new Error('API key missing');"),
      'run.json': config([
        { id: 'trend', strategy: 'sma-crossover', params: { fast: '20' }, symbols: ['SP500'] },
        { id: 'broken', strategy: './strategies/broken.ts', params: { anything: 1 }, symbols: ['SP500'] },
        { id: 'up', strategy: './strategies/up.ts', params: { lookback: 0 }, symbols: ['SP500'] },
      ]),
    });
    const { code, err } = await spawnCli(['run', '--config', 'run.json'], { cwd: directory });
    expect(code).toBe(2);
    const issues = err.split('\n').filter((line) => line.startsWith('  - ')).map((line) => line.slice(4, line.indexOf(':')));
    expect(issues).toEqual(['strategies.1.strategy', 'strategies.0.params.fast', 'strategies.2.params.lookback']);
    expect(err).toContain('strategies.1.strategy: strategy file ./strategies/broken.ts: importing it failed');
    expect(err).toContain('strategies.0.params.fast: expected a number, got the string "20": write 20 without quotes');
    expect(err).toContain('strategies.2.params.lookback: must be at least 1, got 0');
    expect(err).not.toContain('unknown strategy');
  });

  it('records the local files a strategy file imports, and refuses a recorded config once one of them changed, naming it', async () => {
    const edgy = strategySource('edgy-up', "import { EDGE } from './lib/edge.ts';").replace('ctx.close() > ctx.close(lookback) ?', 'ctx.close() > EDGE * ctx.close(lookback) ?');
    const directory = project({
      'strategies/edgy.ts': edgy,
      'strategies/lib/edge.ts': 'export const EDGE = 1;\n',
      'run.json': config([{ id: 'edgy', strategy: './strategies/edgy.ts', symbols: ['SP500'] }]),
    });
    const file = (name: string) => path.join(directory, 'strategies', name);
    const first = await spawnCli(['run', '--config', 'run.json', '--json', 'result.json'], { cwd: directory });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const json = JSON.parse(readFileSync(path.join(directory, 'result.json'), 'utf8')) as { config: { strategies: { module: { path: string; sha256: string; files?: unknown } }[] } };
    const module = json.config.strategies[0]?.module;
    expect(module?.files).toEqual([
      { path: './edgy.ts', sha256: sha256(file('edgy.ts')) },
      { path: './lib/edge.ts', sha256: sha256(file('lib/edge.ts')) },
    ]);
    // The digest covers both files: it is not the strategy file's own.
    expect(module?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(module?.sha256).not.toBe(sha256(file('edgy.ts')));

    writeFileSync(path.join(directory, 'again.json'), JSON.stringify(json.config));
    const again = await spawnCli(['run', '--config', 'again.json'], { cwd: directory });
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
    const recorded = sha256(file('lib/edge.ts'));
    writeFileSync(file('lib/edge.ts'), 'export const EDGE = 1.05;\n');
    const changed = await spawnCli(['run', '--config', 'again.json'], { cwd: directory });
    expect(changed.code).toBe(2);
    expect(changed.err).toContain(
      `strategies.0.module.sha256: strategy file ./strategies/edgy.ts has changed since this config recorded it: ./lib/edge.ts, which it imports, changed (SHA-256 now ${sha256(file('lib/edge.ts')).slice(0, 12)}…, recorded ${recorded.slice(0, 12)}…); restore the recorded version, or name the file in "strategy" (without "module") to run it as it is now`,
    );

    rmSync(file('lib/edge.ts'));
    const missing = await spawnCli(['run', '--config', 'run.json'], { cwd: directory });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('a file it imports by a relative path is missing: put it there, or fix the import');
    expect(missing.err).not.toMatch(STACK);
  });

  it('exits 2 naming the config path and the file when a strategy file is missing', async () => {
    const directory = project({ 'run.json': config([{ id: 'a', strategy: './gone.ts', symbols: ['SP500'] }]) });
    const { code, err } = await spawnCli(['run', '--config', 'run.json'], { cwd: directory });
    expect(code).toBe(2);
    expect(err).toContain('Invalid configuration in run.json');
    expect(err).toContain('strategies.0.strategy: strategy file ./gone.ts: file not found');
    expect(err).not.toMatch(STACK);
  });
});
