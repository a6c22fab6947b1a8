import path from 'node:path';
import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { rebalanceFlag } from './backtest-config-flags';
import { DEFAULT_TRADES_SHOWN, planBacktest } from './backtest-options';
import type { BacktestFlags } from './backtest-options';
import { FlagProblems } from './flags';

const base: BacktestFlags = { dataset: 'sp500', strategy: 'sma-crossover', param: [], symbol: [] };

function problemsOf(flags: BacktestFlags): { path: string; message: string }[] {
  try {
    planBacktest(flags, '/work');
  } catch (error) {
    if (ConfigError.isInstance(error)) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('planBacktest', () => {
  it('defaults: the engine defaults, inferred periods, the auto benchmark, 10 trades, no outputs', () => {
    const plan = planBacktest(base, '/work');
    expect(plan).toMatchObject({
      source: 'sp500',
      sourceFlag: '--dataset',
      symbols: [],
      from: undefined,
      to: undefined,
      riskFreeRate: 0,
      periodsPerYear: undefined,
      benchmark: { kind: 'auto' },
      tradesShown: DEFAULT_TRADES_SHOWN,
      outputs: { json: undefined, html: undefined, md: undefined },
    });
    expect(plan.engine).toEqual({
      cash: 100_000,
      fill: 'next-open',
      commission: { kind: 'percent', rate: 0 },
      slippage: { kind: 'bps', bps: 0 },
      sizing: { kind: 'percent-of-cash', percent: 100 },
      fractional: false,
      closeAtEnd: false,
      rebalance: null,
      checkInvariants: false,
    });
  });

  it('maps every engine flag onto the engine options', () => {
    const plan = planBacktest(
      {
        ...base,
        data: ['prices.csv'],
        dataset: undefined,
        format: 'long',
        symbol: ['AAA,BBB', ' CCC '],
        cash: '5000',
        fill: 'close',
        commissionPerUnit: '0.005',
        commissionMin: '1',
        slippageFixed: '0.01',
        sizing: 'fixed-quantity:10',
        fractional: true,
        closeAtEnd: true,
        checkInvariants: true,
        riskFreeRate: '0.02',
        periodsPerYear: '365',
        benchmark: 'AAA',
        trades: 'all',
        json: '-',
        html: 'out/report.html',
        md: '/tmp/report.md',
      },
      '/work',
    );
    expect(plan.engine).toEqual({
      cash: 5000,
      fill: 'close',
      commission: { kind: 'per-unit', amount: 0.005, minimum: 1 },
      slippage: { kind: 'fixed', amount: 0.01 },
      sizing: { kind: 'fixed-quantity', quantity: 10 },
      fractional: true,
      closeAtEnd: true,
      rebalance: null,
      checkInvariants: true,
    });
    expect(plan).toMatchObject({
      source: 'prices.csv',
      sourceFlag: '--data',
      format: 'long',
      symbols: ['AAA', 'BBB', 'CCC'],
      riskFreeRate: 0.02,
      periodsPerYear: 365,
      benchmark: { kind: 'symbol', symbol: 'AAA' },
      tradesShown: Number.POSITIVE_INFINITY,
      outputs: { json: '-', html: path.resolve('/work', 'out/report.html'), md: '/tmp/report.md' },
    });
    expect(planBacktest({ ...base, commissionFixed: '2.5', slippageBps: '5', benchmark: 'None' }, '/').engine).toMatchObject({
      commission: { kind: 'fixed', amount: 2.5 },
      slippage: { kind: 'bps', bps: 5 },
    });
    expect(planBacktest({ ...base, benchmark: 'None' }, '/').benchmark).toEqual({ kind: 'none' });
    expect(planBacktest({ ...base, commissionMin: '1' }, '/').engine.commission).toEqual({ kind: 'percent', rate: 0, minimum: 1 });
    expect(planBacktest({ ...base, strategy: 'equal-weight', rebalance: 'bars:21' }, '/').engine.rebalance).toEqual({ kind: 'bars', every: 21 });
  });

  it('reports every problem at once, each by its flag', () => {
    expect(problemsOf({ ...base, cash: '0', commissionRate: '-0.1', fill: 'close', sizing: 'percent-of-equity:0', param: ['fast=50'] }).map((issue) => issue.path)).toEqual([
      '--param fast=50',
      '--cash 0',
      '--commission-rate -0.1',
      '--sizing percent-of-equity:0',
    ]);
    expect(problemsOf({ ...base, json: 'a.json', md: './a.json' })[0]?.message).toBe('two outputs would write the same file; give each its own path');
    expect(problemsOf({ ...base, dataset: undefined })[0]?.path).toBe('--data / --dataset');
  });
});

describe('rebalanceFlag', () => {
  it('reads never, the calendar periods and bar counts', () => {
    const problems = new FlagProblems();
    expect(rebalanceFlag(problems, 'never')).toEqual({ kind: 'never' });
    expect(rebalanceFlag(problems, 'Month')).toEqual({ kind: 'calendar', period: 'month' });
    expect(rebalanceFlag(problems, 'year')).toEqual({ kind: 'calendar', period: 'year' });
    expect(rebalanceFlag(problems, '5')).toEqual({ kind: 'bars', every: 5 });
    expect(rebalanceFlag(problems, 'bars:21')).toEqual({ kind: 'bars', every: 21 });
    expect(problems.issues).toEqual([]);
    for (const bad of ['0', 'bars:1.5', 'daily']) expect(rebalanceFlag(problems, bad)).toBeUndefined();
    expect(problems.issues).toHaveLength(3);
  });
});
