import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import {
  FlagProblems,
  appendValue,
  countOrAllFlag,
  dateRangeFlags,
  numberFlag,
  parseNumber,
  sizingFlag,
  splitParamFlags,
  strategyFromFlags,
} from './flags';

describe('parseNumber and numberFlag', () => {
  it('accepts plain decimal numbers only', () => {
    for (const [text, value] of [['100000', 100000], ['0.001', 0.001], ['-2.5', -2.5], ['1e6', 1e6], [' 7 ', 7], ['.5', 0.5], ['+3', 3]] as const) {
      expect(parseNumber(text)).toBe(value);
    }
    for (const text of ['', 'abc', '1,000', '0x10', 'Infinity', 'NaN', '1e999', '5%', '1_000']) expect(parseNumber(text)).toBeNull();
  });

  it('records the flag as typed and the rule broken', () => {
    const problems = new FlagProblems();
    expect(numberFlag(problems, '--cash', undefined)).toBeUndefined();
    expect(numberFlag(problems, '--cash', '250.5', { above: 0 })).toBe(250.5);
    expect(numberFlag(problems, '--cash', 'lots')).toBeUndefined();
    expect(numberFlag(problems, '--n', '0', { above: 0 })).toBeUndefined();
    expect(numberFlag(problems, '--n', '2.5', { integer: true })).toBeUndefined();
    expect(numberFlag(problems, '--rate', '2', { max: 1 })).toBeUndefined();
    expect(numberFlag(problems, '--rate', '-1', { min: 0 })).toBeUndefined();
    expect(problems.issues).toEqual([
      { path: '--cash lots', message: 'expected a number, got "lots"' },
      { path: '--n 0', message: 'must be greater than 0' },
      { path: '--n 2.5', message: 'must be a whole number' },
      { path: '--rate 2', message: 'must be at most 1' },
      { path: '--rate -1', message: 'must be 0 or more' },
    ]);
    try {
      problems.throwIfAny();
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).message).toContain('Invalid configuration in the command-line options:\n  - --cash lots: expected a number');
    }
    expect(() => {
      new FlagProblems().throwIfAny();
    }).not.toThrow();
  });

  it('a percentage given to a flag that takes a fraction gets the fraction to write', () => {
    const problems = new FlagProblems();
    expect(numberFlag(problems, '--commission-rate', '0.1%', { fraction: true })).toBeUndefined();
    expect(numberFlag(problems, '--risk-free-rate', '2.5 %', { above: -1, max: 1, fraction: true })).toBeUndefined();
    expect(numberFlag(problems, '--risk-free-rate', '2', { above: -1, max: 1, fraction: true })).toBeUndefined();
    expect(numberFlag(problems, '--risk-free-rate', '0.02', { above: -1, max: 1, fraction: true })).toBe(0.02);
    expect(numberFlag(problems, '--slippage-bps', '5%')).toBeUndefined();
    expect(problems.issues).toEqual([
      { path: '--commission-rate 0.1%', message: '"0.1%" is a percentage; this flag takes a fraction: write 0.001 for 0.1%' },
      { path: '--risk-free-rate 2.5 %', message: '"2.5 %" is a percentage; this flag takes a fraction: write 0.025 for 2.5%' },
      { path: '--risk-free-rate 2', message: 'must be at most 1; it is a fraction: write 0.02 for 2%' },
      // Not a fraction: no percentage to convert.
      { path: '--slippage-bps 5%', message: 'expected a number, got "5%"' },
    ]);
  });
});

describe('sizing, counts, dates', () => {
  it('sizingFlag reads the four forms', () => {
    const problems = new FlagProblems();
    expect(sizingFlag(problems, 'percent-of-cash:100')).toEqual({ kind: 'percent-of-cash', percent: 100 });
    expect(sizingFlag(problems, ' percent-of-equity : 50 ')).toEqual({ kind: 'percent-of-equity', percent: 50 });
    expect(sizingFlag(problems, 'fixed-quantity:10')).toEqual({ kind: 'fixed-quantity', quantity: 10 });
    expect(sizingFlag(problems, 'fixed-cash:2500.5')).toEqual({ kind: 'fixed-cash', amount: 2500.5 });
    expect(sizingFlag(problems, undefined)).toBeUndefined();
    expect(problems.issues).toEqual([]);
    for (const bad of ['percent-of-cash', 'all-in:100', 'fixed-cash:', 'fixed-cash:1k']) expect(sizingFlag(problems, bad)).toBeUndefined();
    expect(problems.issues.map((issue) => issue.path)).toEqual(['--sizing percent-of-cash', '--sizing all-in:100', '--sizing fixed-cash:', '--sizing fixed-cash:1k']);
  });

  it('countOrAllFlag: a whole number, all, or a problem', () => {
    const problems = new FlagProblems();
    expect(countOrAllFlag(problems, '--trades', undefined, 10)).toBe(10);
    expect(countOrAllFlag(problems, '--trades', 'ALL', 10)).toBe(Number.POSITIVE_INFINITY);
    expect(countOrAllFlag(problems, '--trades', '0', 10)).toBe(0);
    expect(countOrAllFlag(problems, '--trades', '2.5', 10)).toBe(10);
    expect(problems.issues.map((issue) => issue.path)).toEqual(['--trades 2.5']);
  });

  it('dateRangeFlags: a date-only --to covers its day; --from after --to is a problem', () => {
    const problems = new FlagProblems();
    expect(dateRangeFlags(problems, '2005-01-31', '2005-12-31')).toEqual({ from: Date.UTC(2005, 0, 31), to: Date.UTC(2006, 0, 1) - 1 });
    expect(dateRangeFlags(problems, '2005-01-31T12:00:00Z', undefined)).toEqual({ from: Date.UTC(2005, 0, 31, 12), to: undefined });
    expect(problems.issues).toEqual([]);
    dateRangeFlags(problems, '2006-01-01', '2005-12-31');
    dateRangeFlags(problems, 'soon', undefined);
    expect(problems.issues.map((issue) => issue.path)).toEqual(['--from 2006-01-01 --to 2005-12-31', '--from soon']);
  });

  it('appendValue collects repeated values without a default list', () => {
    expect(appendValue('b', appendValue('a', undefined))).toEqual(['a', 'b']);
  });
});

describe('--param', () => {
  it('splitParamFlags: key=value (the value may hold =), trims, rejects a missing key or a repeat', () => {
    const problems = new FlagProblems();
    expect(splitParamFlags(problems, [' fast = 10 ', 'note=a=b'])).toEqual({ values: { fast: '10', note: 'a=b' }, flags: { fast: '--param  fast = 10 ', note: '--param note=a=b' } });
    splitParamFlags(problems, ['=3', 'fast', 'x=1', 'x=2']);
    expect(problems.issues.map((issue) => issue.path)).toEqual(['--param =3', '--param fast', '--param x=2']);
  });

  it('strategyFromFlags types the values by the schema and applies the defaults', () => {
    const problems = new FlagProblems();
    const built = strategyFromFlags(problems, 'sma-crossover', ['slow=50', 'allowShort=true']);
    expect(problems.issues).toEqual([]);
    expect(built?.params).toEqual({ fast: 10, slow: 50, allowShort: true });
    expect(built?.strategy).toMatchObject({ id: 'sma-crossover', warmup: 51 });
    expect(strategyFromFlags(problems, 'equal-weight', ['rebalance=quarter'])?.params).toEqual({ rebalance: 'quarter' });
    expect(strategyFromFlags(problems, 'equal-weight', ['rebalance=21'])?.params).toEqual({ rebalance: 21 });
    expect(strategyFromFlags(problems, 'rsi-mean-reversion', [])?.params).toEqual({ period: 14, oversold: 30, overbought: 70 });
  });

  it('names the flag that broke a rule', () => {
    const problems = new FlagProblems();
    expect(strategyFromFlags(problems, 'rsi-mean-reversion', ['oversold=80'])).toBeUndefined();
    expect(strategyFromFlags(problems, 'nope', ['a=1'])).toBeUndefined();
    expect(problems.issues[0]?.path).toBe('--param oversold=80');
    expect(problems.issues[0]?.message).toContain('oversold');
    expect(problems.issues[1]).toMatchObject({ path: '--strategy nope' });
    expect(problems.issues).toHaveLength(2);
  });
});
