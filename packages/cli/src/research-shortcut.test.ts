import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetUrl } from '@ensemble/data';
import { BacktestOptionsSchema } from '@ensemble/engine';
import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { planBacktest } from './backtest-options';
import { main } from './cli';
import { createCapturedIo } from './io';
import { shortcutFlagsGiven, shortcutSpec } from './research-shortcut';
import type { ResearchShortcutFlags } from './research-shortcut';

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  return [];
}

describe('the research shortcut flags', () => {
  it('--date-format goes into the backtest base\'s data, and an unknown one is named by the flag', () => {
    const { spec } = shortcutSpec({ strategy: 'sma-crossover', data: ['prices.csv'], dateFormat: 'DD.MM.YYYY', from: '2010-01-01', vary: ['fast=5,10'] }, 'sweep');
    expect(spec.config).toEqual({ data: { file: 'prices.csv', dateFormat: 'DD.MM.YYYY', from: '2010-01-01' }, strategy: 'sma-crossover' });
    expect(shortcutFlagsGiven({ dateFormat: 'DD.MM.YYYY' })).toEqual(['--date-format']);
    expect(shortcutSpec({ strategy: 'sma-crossover', data: ['prices.csv'], dateFormat: 'DD.MM.YY', vary: ['fast=5,10'] }, 'sweep').spec.config).toEqual({ data: { file: 'prices.csv', dateFormat: 'DD.MM.YY' }, strategy: 'sma-crossover' });
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', data: ['prices.csv'], dateFormat: 'YY.MM.DD', vary: ['fast=5,10'] }, 'sweep'))).toEqual([
      '--date-format YY.MM.DD: unknown date format "YY.MM.DD": a two-digit year is read only after the day and the month (DD/MM/YY, MM/DD/YY, with -, / or .); a year first needs four digits (YYYY-MM-DD)',
    ]);
  });

  it('build the spec a file would hold: a run config base, ranges, lists, constraints, sampling, direction', () => {
    const { spec } = shortcutSpec(
      {
        config: 'run.json',
        vary: ['strategies.trend.params.fast=5:50:5', 'allocation.scheme=equal,inverse-volatility', 'closeAtEnd=true,false', 'commission.rate=0.001'],
        objective: 'maxDrawdown',
        maximize: true,
        constraint: ['fast < 40'],
        sample: '50',
        seed: '7',
      },
      'sweep',
    );
    expect(spec).toEqual({
      kind: 'run',
      config: 'run.json',
      parameters: [
        { path: 'strategies.trend.params.fast', range: { start: 5, stop: 50, step: 5 } },
        { path: 'allocation.scheme', values: ['equal', 'inverse-volatility'] },
        { path: 'closeAtEnd', values: [true, false] },
        { path: 'commission.rate', values: [0.001] },
      ],
      constraints: ['fast < 40'],
      objective: 'maxDrawdown',
      direction: 'max',
      sampling: { random: { count: 50, seed: 7 } },
    });
  });

  it('build a backtest base from --strategy and --data, a bare name being a strategy parameter, and walk-forward windows', () => {
    const { spec } = shortcutSpec({ strategy: './mine.ts', data: ['prices.csv'], from: '2015-01-01', vary: ['fast=5,10', 'cash=1000,2000'], train: '750', test: '1y', anchored: true, minimize: true }, 'walk-forward');
    expect(spec).toEqual({
      kind: 'backtest',
      config: { data: { file: 'prices.csv', from: '2015-01-01' }, strategy: './mine.ts' },
      parameters: [
        { path: 'params.fast', values: [5, 10] },
        { path: 'cash', values: [1000, 2000] },
      ],
      constraints: [],
      direction: 'min',
      windows: { mode: 'anchored', train: 750, test: '1y' },
    });
    expect((shortcutSpec({ strategy: 'sma-crossover', data: ['sp500'], vary: ['fast=5'] }, 'sweep').spec.config as { data: unknown }).data).toEqual({ dataset: 'sp500' });
  });

  it('take --dataset NAME as --data does an embedded data set, as `ensemble backtest` takes it', () => {
    expect((shortcutSpec({ strategy: 'sma-crossover', dataset: 'dow30', vary: ['fast=5'] }, 'sweep').spec.config as { data: unknown }).data).toEqual({ dataset: 'dow30' });
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', dataset: 'prices.csv', vary: ['fast=5'] }, 'sweep'))).toEqual([
      '--dataset prices.csv: is not an embedded data set: sp500, dow30, stocks5 (`ensemble data list`); for a file, give --data FILE',
    ]);
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', dataset: 'sp500', data: ['sp500'], vary: ['fast=5'] }, 'sweep'))).toEqual(['--dataset sp500: give --data or --dataset, not both']);
    expect(shortcutFlagsGiven({ dataset: 'sp500' })).toEqual(['--dataset']);
  });

  // Regression: `--vary fast=2:80` (a range without its step) was read as one list item, the text
  // "2:80", which the strategy refused with zod's "expected number, received string".
  it('name a range without its step as such', () => {
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', data: ['sp500'], vary: ['fast=2:80'] }, 'sweep'))).toEqual(['--vary fast=2:80: a range is three numbers START:STOP:STEP; give the step too, e.g. fast=2:80:1']);
    // A list item with a colon that is no number is a list item (a time of day).
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', data: ['sp500'], vary: ['fast=5:50:5', 'label=a:b'] }, 'sweep'))).toEqual([]);
  });

  it('name every bad flag and what to write', () => {
    expect(problems(() => shortcutSpec({ vary: ['fast'], sample: 'ten', seed: '3', minimize: true, maximize: true, train: '3y' }, 'sweep'))).toEqual([
      '--strategy: the base of the research is missing: give --config run.json, or --strategy NAME|FILE and --data DATASET|FILE (or a whole spec with --spec)',
      '--vary fast: write PATH=START:STOP:STEP (a range) or PATH=V1,V2,… (a list), e.g. strategies.trend.params.fast=5:50:5 or allocation.scheme=equal,inverse-volatility',
      '--minimize: give --minimize or --maximize, not both',
      '--sample ten: must be a whole number',
      '--train: is a walk-forward flag: use `ensemble walk-forward`',
    ]);
    expect(problems(() => shortcutSpec({ config: 'run.json', data: ['sp500'], vary: ['a=1:x:2'], seed: '3' }, 'walk-forward'))).toEqual([
      '--data sp500: goes with --strategy and --data (a backtest base), not with --config: put it in the run config instead',
      '--vary a=1:x:2: a range is three numbers START:STOP:STEP, e.g. a=5:50:5',
      '--seed 3: goes with --sample N (the number of combinations to draw)',
      '--train: a walk-forward needs both window lengths, in bars or calendar units: e.g. --train 3y --test 1y, or --train 750 --test 250',
    ]);
  });

  it('name the parameters whose paths end alike by the segments that tell them apart, as --vary cannot give a "name"', () => {
    const { spec } = shortcutSpec({ config: 'run.json', vary: ['strategies.hold.weight=0.2,0.4', 'strategies.calm.weight=0.3,0.5', 'strategies.trend.params.fast=10,20', 'strategies.my-trend.params.fast=30'] }, 'sweep');
    expect(spec.parameters).toEqual([
      { path: 'strategies.hold.weight', values: [0.2, 0.4], name: 'hold_weight' },
      { path: 'strategies.calm.weight', values: [0.3, 0.5], name: 'calm_weight' },
      { path: 'strategies.trend.params.fast', values: [10, 20], name: 'trend_params_fast' },
      { path: 'strategies.my-trend.params.fast', values: [30], name: 'my_trend_params_fast' },
    ]);
  });

  it('rename the spec\'s problems to the flags that gave them', () => {
    const shortcut = shortcutSpec({ strategy: 'sma-crossover', data: ['sp500'], vary: ['fast=5:50:0'], constraint: ['fast <'], objective: 'sharpee' }, 'sweep');
    const renamed = shortcut.rename(
      new ConfigError(
        [
          { path: 'parameters.0.range.step', message: 'must be > 0' },
          { path: 'constraints.0', message: 'unexpected end' },
          { path: 'objective', message: 'unknown metric' },
          { path: 'config.data.dataset', message: 'unknown' },
          { path: 'config.strategy', message: 'unknown strategy' },
        ],
        { source: 'the command-line options' },
      ),
    );
    expect(ConfigError.isInstance(renamed) ? renamed.issues.map((issue) => `${issue.path}: ${issue.message}`) : []).toEqual([
      '--vary fast=5:50:0: must be > 0 (at parameters.0.range.step of the spec)',
      '--constraint fast <: unexpected end (at constraints.0 of the spec)',
      '--objective sharpee: unknown metric (at objective of the spec)',
      '--data sp500: unknown (at config.data.dataset of the spec)',
      '--strategy sma-crossover: unknown strategy (at config.strategy of the spec)',
    ]);
    expect(shortcutFlagsGiven({ config: 'a', anchored: false, vary: ['x=1'] })).toEqual(['--config', '--vary']);
  });

  it('name a seed beyond the safe integers by --seed, not by --sample', () => {
    const shortcut = shortcutSpec({ strategy: 'sma-crossover', data: ['sp500'], vary: ['fast=5,10'], sample: '1', seed: '1e30' }, 'sweep');
    const renamed = shortcut.rename(
      new ConfigError(
        [
          { path: 'sampling.random.seed', message: 'Too big' },
          { path: 'sampling.random.count', message: 'Too small' },
        ],
        { source: 'the command-line options' },
      ),
    );
    expect(ConfigError.isInstance(renamed) ? renamed.issues.map((issue) => `${issue.path}: ${issue.message}`) : []).toEqual([
      '--seed 1e30: Too big (at sampling.random.seed of the spec)',
      '--sample 1: Too small (at sampling.random.count of the spec)',
    ]);
  });

  it('are in the help of both commands, with examples, and exclusive with --spec', async () => {
    for (const command of ['sweep', 'walk-forward']) {
      const io = createCapturedIo();
      expect(await main(['node', 'ensemble', command, '--help'], io)).toBe(0);
      expect(io.out()).toContain('--vary <path=values>');
      expect(io.out()).toMatch(new RegExp(`^ {2}\\$ ensemble ${command} --config run\\.json --vary strategies\\.trend\\.params\\.fast=`, 'm'));
      expect(io.out()).toMatch(new RegExp(`^ {2}\\$ ensemble ${command} --strategy \\./strategies/mine\\.ts --data prices\\.csv`, 'm'));
    }
    const neither = createCapturedIo();
    expect(await main(['node', 'ensemble', 'sweep', '--out', 'x'], neither)).toBe(2);
    expect(neither.err()).toContain('--spec: give a spec file (--spec sweep.json) or build one with flags');
  });

  it("take every flag of `ensemble backtest` that shapes its config, into the base config's fields, only those given", () => {
    const flags = {
      strategy: 'sma-crossover',
      data: ['prices.csv'],
      format: 'ohlcv',
      adjust: true,
      sort: true,
      from: '2010-01-01',
      to: '2015-12-31',
      symbol: ['SPY,QQQ', ' IWM '],
      param: ['allowShort=true', 'slow=200'],
      cash: '5000',
      fill: 'close',
      sizing: 'percent-of-equity:50',
      fractional: true,
      commissionRate: '0.001',
      commissionMin: '1',
      slippageBps: '2',
      closeAtEnd: true,
      checkInvariants: true,
      riskFreeRate: '0.02',
      periodsPerYear: '52',
      benchmark: 'SPY',
    } as const;
    const { spec } = shortcutSpec({ ...flags, vary: ['fast=5,10'] }, 'sweep');
    const config = {
      data: { file: 'prices.csv', format: 'ohlcv', adjust: true, sort: true, from: '2010-01-01', to: '2015-12-31' },
      strategy: 'sma-crossover',
      params: { allowShort: true, slow: 200 },
      symbols: ['SPY', 'QQQ', 'IWM'],
      benchmark: 'SPY',
      riskFreeRate: 0.02,
      periodsPerYear: 52,
      cash: 5000,
      fill: 'close',
      commission: { kind: 'percent', rate: 0.001, minimum: 1 },
      slippage: { kind: 'bps', bps: 2 },
      sizing: { kind: 'percent-of-equity', percent: 50 },
      fractional: true,
      closeAtEnd: true,
      checkInvariants: true,
    };
    expect(spec.config).toEqual(config);
    // The engine options `ensemble backtest` resolves from the same flags are the base's, defaults applied alike.
    const plan = planBacktest({ ...flags, param: flags.param, symbol: flags.symbol }, '/work');
    const { rebalance, ...engine } = plan.engine;
    expect(rebalance).toBeNull();
    const { data: _data, strategy: _strategy, params: _params, symbols, benchmark: _benchmark, riskFreeRate, periodsPerYear, ...options } = config;
    expect(BacktestOptionsSchema.parse(options)).toEqual(engine);
    expect([plan.symbols, plan.riskFreeRate, plan.periodsPerYear, plan.format, plan.adjust, plan.sort]).toEqual([symbols, riskFreeRate, periodsPerYear, 'ohlcv', true, true]);
    // Flags not given leave their fields out: the defaults are the schema's, as before these flags existed.
    expect(shortcutSpec({ strategy: 'sma-crossover', data: ['sp500'], vary: ['fast=5'] }, 'sweep').spec.config).toEqual({ data: { dataset: 'sp500' }, strategy: 'sma-crossover' });
    expect(shortcutFlagsGiven({ cash: '1', fractional: true, symbol: ['A'], param: [] })).toEqual(['--symbol', '--cash', '--fractional']);
  });

  it('refuse a bad value with the message `ensemble backtest` gives for it', () => {
    const bad: ResearchShortcutFlags = {
      cash: '-5',
      commissionRate: '2',
      slippageBps: '1',
      slippageFixed: '0.01',
      sizing: 'fixed-quantity:0.5',
      riskFreeRate: '1.5',
      periodsPerYear: '0',
      from: '2015-13-45',
      dateFormat: 'dd/mm/yyyy',
      param: ['fast=abc', 'fats=3'],
      benchmark: ' ',
    };
    const sweep = problems(() => shortcutSpec({ strategy: 'sma-crossover', data: ['prices.csv'], vary: ['slow=50'], ...bad }, 'sweep'));
    const backtest = problems(() => planBacktest({ strategy: 'sma-crossover', data: ['prices.csv'], ...bad, symbol: [], param: bad.param ?? [] }, '/work'));
    expect(sweep).toEqual(expect.arrayContaining(backtest));
    expect(backtest).toEqual(expect.arrayContaining(sweep));
    expect(sweep).toContain('--slippage-bps 1 --slippage-fixed 0.01: give one slippage model: --slippage-bps (a fraction of the price) or --slippage-fixed (currency per unit)');
    // The engine's own schema speaks once the flags themselves are readable, in both commands.
    const cash = { cash: '-5', commissionRate: '2' };
    const sweepCash = problems(() => shortcutSpec({ strategy: 'sma-crossover', data: ['prices.csv'], vary: ['slow=50'], ...cash }, 'sweep'));
    expect(sweepCash).toEqual(problems(() => planBacktest({ strategy: 'sma-crossover', data: ['prices.csv'], symbol: [], param: [], ...cash }, '/work')));
    expect(sweepCash).toContain('--cash -5: must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust');
    expect(sweep).toContain('--param fats=3: unknown parameter "fats" — did you mean "fast"? sma-crossover takes fast, slow, allowShort (see `ensemble strategies sma-crossover`)');
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', data: ['prices.csv'], vary: ['slow=50'], param: ['__proto__=1'] }, 'sweep'))).toContain(
      '--param __proto__=1: unknown parameter "__proto__": sma-crossover takes fast, slow, allowShort (see `ensemble strategies sma-crossover`)',
    );
    expect(problems(() => shortcutSpec({ strategy: 'equal-weight', dataset: 'stocks5', sizing: 'percent-of-cash:50', vary: ['rebalance=month,quarter'] }, 'sweep'))).toEqual([
      '--sizing percent-of-cash:50: applies to signal strategies; equal-weight is a portfolio strategy, sized by its target weights',
    ]);
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', dataset: 'sp500', format: 'long', vary: ['fast=5'] }, 'sweep'))).toEqual(['--format long: applies to files (--data); the data set "sp500" has a known layout']);
  });

  it('refuse a flag beside a --vary of the same field, and every backtest flag beside --config; write --benchmark none as null', () => {
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', data: ['sp500'], cash: '5000', param: ['fast=5'], commissionRate: '0.001', vary: ['cash=1000,2000', 'fast=5,10', 'commission.rate=0,0.002', 'slow=50'] }, 'sweep'))).toEqual([
      '--cash 5000 --vary cash=1000,2000: both set cash: --vary gives it a value in each combination; leave out the other flag',
      '--param fast=5 --vary fast=5,10: both set params.fast: --vary gives it a value in each combination; leave out the other flag',
      '--commission-rate 0.001 --vary commission.rate=0,0.002: both set commission.rate: --vary gives it a value in each combination; leave out the other flag',
    ]);
    // A field of another cost model than the flag sets: a conflict, not a misspelling.
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', data: ['sp500'], commissionFixed: '1', slippageBps: '5', vary: ['commission.rate=0.001,0.002', 'slippage.amount=0.01', 'commission.minimum=1'] }, 'sweep'))).toEqual([
      '--commission-fixed 1 --vary commission.rate=0.001,0.002: --commission-fixed sets a fixed commission per order, which has no rate: leave out one of them',
      '--slippage-bps 5 --vary slippage.amount=0.01: --slippage-bps sets a slippage in basis points of the price, which has no amount: leave out one of them',
    ]);
    // The engine's schedule beside a varied strategy schedule: named by the flag, not as the base config's field.
    expect(problems(() => shortcutSpec({ strategy: 'equal-weight', dataset: 'dow30', rebalance: 'quarter', vary: ['params.rebalance=month,year'] }, 'sweep'))).toEqual([
      "--rebalance quarter --vary params.rebalance=month,year: --rebalance replaces the strategy's own schedule in every combination: leave it out to vary params.rebalance, or vary rebalance instead",
    ]);
    // No benchmark is null in a backtest config (absent is the default: the traded symbol when there is one).
    expect(shortcutSpec({ strategy: 'sma-crossover', data: ['sp500'], benchmark: 'None', vary: ['fast=5'] }, 'sweep').spec.config).toEqual({ data: { dataset: 'sp500' }, strategy: 'sma-crossover', benchmark: null });
    const besideConfig = problems(() => shortcutSpec({ config: 'run.json', format: 'long', sort: true, symbol: ['A', 'B'], param: ['fast=5'], cash: '5000', fractional: true, benchmark: 'SPY', vary: ['cash=1,2'] }, 'walk-forward'));
    const refused = ': goes with --strategy and --data (a backtest base), not with --config: put it in the run config instead';
    expect(besideConfig.slice(0, 7)).toEqual(['--format long', '--sort', '--param fast=5', '--symbol A --symbol B', '--cash 5000', '--fractional', '--benchmark SPY'].map((flag) => `${flag}${refused}`));
  });

  it('name a bad --from or --to by its own flag (not --data) and the engine options by theirs when the spec is planned', async () => {
    const from = createCapturedIo();
    expect(await main(['node', 'ensemble', 'sweep', '--strategy', 'sma-crossover', '--data', 'sp500', '--from', '2015-13-45', '--vary', 'fast=5', '--out', 'x'], from)).toBe(2);
    expect(from.err()).toContain('--from 2015-13-45: "2015-13-45" is not a date; use YYYY-MM-DD (e.g. 2005-01-31), an ISO date-time or epoch milliseconds');
    const range = createCapturedIo();
    expect(await main(['node', 'ensemble', 'sweep', '--strategy', 'sma-crossover', '--data', 'sp500', '--from', '2016-01-01', '--to', '2015-01-01', '--vary', 'fast=5', '--out', 'x'], range)).toBe(2);
    expect(range.err()).toContain('--from 2016-01-01 --to 2015-01-01: --from is after --to: the date range is empty; swap them');
    const cross = createCapturedIo();
    expect(await main(['node', 'ensemble', 'sweep', '--strategy', 'sma-crossover', '--data', 'sp500', '--param', 'slow=5', '--vary', 'fast=5,10', '--out', 'x'], cross)).toBe(2);
    // No value of the varied fast holds with slow 5: said once, named by the flags and by a combination a job would run, not the default it replaces.
    expect(cross.err()).toBe(
      "error: Invalid configuration in the command-line options:\n  - --vary fast=5,10 --param slow=5: every combination breaks a rule of sma-crossover's parameters, so none can run: combination 0 (fast=5): fast (5) must be less than slow (5): the fast SMA uses the shorter window; change the --vary or --param values\n",
    );
    const symbol = createCapturedIo();
    expect(await main(['node', 'ensemble', 'walk-forward', '--strategy', 'sma-crossover', '--data', 'sp500', '--symbol', 'NOPE', '--vary', 'fast=5,10', '--train', '2y', '--test', '1y', '--out', 'x'], symbol)).toBe(2);
    expect(symbol.err()).toBe('error: Invalid configuration in the command-line options:\n  - --symbol NOPE: unknown symbol "NOPE"; available: SP500\n');
  });

  it('name a problem the planner finds in the data by the flag that caused it, in the words of `ensemble backtest` for the same flags', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ensemble-shortcut-words-'));
    try {
      writeFileSync(join(cwd, 'prices.csv'), readFileSync(fileURLToPath(await datasetUrl('sp500'))));
      const run = async (args: readonly string[]) => {
        const io = createCapturedIo({ cwd });
        return { code: await main(['node', 'ensemble', ...args], io), err: io.err() };
      };
      const cases: readonly (readonly string[])[] = [
        ['--dataset', 'sp500', '--symbol', 'XYZ'],
        ['--dataset', 'sp500', '--symbol', 'SP500,XYZ'],
        ['--dataset', 'sp500', '--symbol', 'SP500', '--symbol', 'XYZ'],
        ['--dataset', 'sp500', '--benchmark', 'XYZ'],
        ['--dataset', 'sp500', '--from', '2030-01-01'],
        ['--dataset', 'sp500', '--to', '1990-01-01'],
        ['--dataset', 'sp500', '--from', '2010-01-02', '--to', '2010-01-03'],
        ['--data', 'prices.csv', '--symbol', 'XYZ'],
        ['--data', 'nofile.csv'],
        ['--data', 'sp5000'],
        // A data problem names the file as typed, relative: `prices.csv:1`, not its absolute path.
        ['--data', 'prices.csv', '--format', 'wide', '--adjust'],
        ['--dataset', 'sp500', '--param', 'fast=10', '--param', 'slow=5'],
        ['--dataset', 'sp500', '--param', 'slow=5'],
        ['--dataset', 'sp500', '--param', 'slow=-5'],
      ];
      for (const flags of cases) {
        const backtest = await run(['backtest', '--strategy', 'sma-crossover', ...flags]);
        expect(backtest.code, flags.join(' ')).toBe(2);
        const sweep = await run(['sweep', '--strategy', 'sma-crossover', ...flags, '--vary', 'cash=1000,2000', '--out', 'x']);
        expect(sweep.err, flags.join(' ')).toBe(backtest.err);
        expect(sweep.code).toBe(2);
      }
      const walk = await run(['walk-forward', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--benchmark', 'XYZ', '--vary', 'fast=5,10', '--train', '2y', '--test', '1y', '--out', 'x']);
      expect(walk.err).toBe('error: Invalid configuration in the command-line options:\n  - --benchmark XYZ: unknown symbol "XYZ"; available: SP500\n');
      // The symbols as a backtest selects them: exact, then regardless of case.
      const folded = await run(['backtest', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--symbol', 'sp500', '--benchmark', 'sp500', '--from', '2019-01-01']);
      expect(folded.code).toBe(0);
      const foldedSweep = await run(['sweep', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--symbol', 'sp500', '--benchmark', 'sp500', '--from', '2019-01-01', '--vary', 'fast=5,10', '--out', 'folded', '--workers', '1', '--no-progress']);
      expect(foldedSweep.err).toBe('');
      expect(foldedSweep.code).toBe(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('check a rule between parameters per combination, not on the base with the default of a varied one', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ensemble-vary-base-'));
    try {
      // fast 10 (the default) against slow 8, and fast 60 against slow 30: neither is in any combination.
      for (const [param, vary] of [['slow=8', 'fast=5,6'], ['fast=60', 'slow=80,100']] as const) {
        const io = createCapturedIo();
        expect(await main(['node', 'ensemble', 'sweep', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2015-01-01', '--param', param, '--vary', vary, '--out', join(out, param)], io), io.err()).toBe(0);
      }
      const varied = createCapturedIo();
      expect(await main(['node', 'ensemble', 'sweep', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--param', 'slow=8', '--vary', 'fast=5,50', '--out', join(out, 'x')], varied)).toBe(2);
      // The combination that breaks the rule, named by the flags that give the parameters and by its values.
      expect(varied.err()).toBe(
        "error: Invalid configuration in the command-line options:\n  - --vary fast=5,50 --param slow=8: combination 1 (fast=50): fast (50) must be less than slow (8): the fast SMA uses the shorter window\n  - --constraint: 1 of the 2 combinations has an invalid config and would only fail: leave it out with a constraint (\"constraints\" in the spec, --constraint on the command line), e.g. 'fast != 50'\n",
      );
      // Every combination breaks it (the base with the default fast=10 holds): said once.
      for (const command of [['sweep'], ['walk-forward', '--train', '2y', '--test', '1y']]) {
        const every = createCapturedIo();
        expect(await main(['node', 'ensemble', ...command, '--strategy', 'sma-crossover', '--dataset', 'sp500', '--vary', 'fast=50,60', '--param', 'slow=20', '--out', join(out, 'z')], every)).toBe(2);
        expect(every.err()).toBe(
          "error: Invalid configuration in the command-line options:\n  - --vary fast=50,60 --param slow=20: every combination breaks a rule of sma-crossover's parameters, so none can run: combination 0 (fast=50): fast (50) must be less than slow (20): the fast SMA uses the shorter window; change the --vary or --param values\n",
        );
      }
      // A rule the base breaks with no varied parameter in it is refused at once, by the --param flags, as `ensemble backtest` refuses it.
      const fixed = createCapturedIo();
      expect(await main(['node', 'ensemble', 'walk-forward', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--param', 'fast=60', '--param', 'slow=20', '--vary', 'cash=1000,2000', '--train', '2y', '--test', '1y', '--out', join(out, 'y')], fixed)).toBe(2);
      expect(fixed.err()).toBe('error: Invalid configuration in the command-line options:\n  - --param fast=60: fast (60) must be less than slow (20): the fast SMA uses the shorter window (fast: integer, >= 1 and <= 10000, default 10)\n');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('the backtest flags are in the help of both commands as shortcuts, and refused beside --spec (exit 2, naming them)', async () => {
    for (const command of ['sweep', 'walk-forward']) {
      const io = createCapturedIo();
      expect(await main(['node', 'ensemble', command, '--help'], io)).toBe(0);
      const help = io.out();
      for (const flag of ['--format <format>', '--adjust', '--sort', '--param <key=value>', '--symbol <symbol>', '--cash <amount>', '--fill <mode>', '--sizing <kind:value>', '--fractional', '--commission-rate <fraction>', '--commission-per-unit <amount>', '--commission-fixed <amount>', '--commission-min <amount>', '--slippage-bps <bps>', '--slippage-fixed <amount>', '--close-at-end', '--rebalance <rule>', '--check-invariants', '--risk-free-rate <fraction>', '--periods-per-year <n>', '--benchmark <symbol>']) {
        expect(help).toMatch(new RegExp(`^ {2}${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+shortcut: `, 'm'));
      }
      expect(help).toContain('-s, --spec <file>');
      expect(help).not.toContain('-s, --symbol');
      const withSpec = createCapturedIo();
      expect(await main(['node', 'ensemble', command, '--spec', 'spec.json', '--cash', '5000', '--sort', '--out', 'x'], withSpec)).toBe(2);
      expect(withSpec.err()).toContain('--spec spec.json: give the whole spec in the file, or build it with flags (--sort, --cash), not both');
    }
  });
});
