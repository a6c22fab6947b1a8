import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { main } from './cli';
import { createCapturedIo } from './io';
import { shortcutFlagsGiven, shortcutSpec } from './research-shortcut';

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
    const { spec } = shortcutSpec({ strategy: 'sma-crossover', data: 'prices.csv', dateFormat: 'DD.MM.YYYY', from: '2010-01-01', vary: ['fast=5,10'] }, 'sweep');
    expect(spec.config).toEqual({ data: { file: 'prices.csv', dateFormat: 'DD.MM.YYYY', from: '2010-01-01' }, strategy: 'sma-crossover' });
    expect(shortcutFlagsGiven({ dateFormat: 'DD.MM.YYYY' })).toEqual(['--date-format']);
    expect(shortcutSpec({ strategy: 'sma-crossover', data: 'prices.csv', dateFormat: 'DD.MM.YY', vary: ['fast=5,10'] }, 'sweep').spec.config).toEqual({ data: { file: 'prices.csv', dateFormat: 'DD.MM.YY' }, strategy: 'sma-crossover' });
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', data: 'prices.csv', dateFormat: 'YY.MM.DD', vary: ['fast=5,10'] }, 'sweep'))).toEqual([
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
    const { spec } = shortcutSpec({ strategy: './mine.ts', data: 'prices.csv', from: '2015-01-01', vary: ['fast=5,10', 'cash=1000,2000'], train: '750', test: '1y', anchored: true, minimize: true }, 'walk-forward');
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
    expect((shortcutSpec({ strategy: 'sma-crossover', data: 'sp500', vary: ['fast=5'] }, 'sweep').spec.config as { data: unknown }).data).toEqual({ dataset: 'sp500' });
  });

  it('take --dataset NAME as --data does an embedded data set, as `ensemble backtest` takes it', () => {
    expect((shortcutSpec({ strategy: 'sma-crossover', dataset: 'dow30', vary: ['fast=5'] }, 'sweep').spec.config as { data: unknown }).data).toEqual({ dataset: 'dow30' });
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', dataset: 'prices.csv', vary: ['fast=5'] }, 'sweep'))).toEqual([
      '--dataset prices.csv: is not an embedded data set: sp500, dow30, stocks5 (`ensemble data list`); for a file, give --data FILE',
    ]);
    expect(problems(() => shortcutSpec({ strategy: 'sma-crossover', dataset: 'sp500', data: 'sp500', vary: ['fast=5'] }, 'sweep'))).toEqual(['--dataset sp500: give --data or --dataset, not both']);
    expect(shortcutFlagsGiven({ dataset: 'sp500' })).toEqual(['--dataset']);
  });

  it('name every bad flag and what to write', () => {
    expect(problems(() => shortcutSpec({ vary: ['fast'], sample: 'ten', seed: '3', minimize: true, maximize: true, train: '3y' }, 'sweep'))).toEqual([
      '--strategy: the base of the research is missing: give --config run.json, or --strategy NAME|FILE and --data DATASET|FILE (or a whole spec with --spec)',
      '--vary fast: write PATH=START:STOP:STEP (a range) or PATH=V1,V2,… (a list), e.g. strategies.trend.params.fast=5:50:5 or allocation.scheme=equal,inverse-volatility',
      '--minimize: give --minimize or --maximize, not both',
      '--sample ten: must be a whole number',
      '--train: is a walk-forward flag: use `ensemble walk-forward`',
    ]);
    expect(problems(() => shortcutSpec({ config: 'run.json', data: 'sp500', vary: ['a=1:x:2'], seed: '3' }, 'walk-forward'))).toEqual([
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
    const shortcut = shortcutSpec({ strategy: 'sma-crossover', data: 'sp500', vary: ['fast=5:50:0'], constraint: ['fast <'], objective: 'sharpee' }, 'sweep');
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
});
