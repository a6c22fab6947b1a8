import { describe, expect, it } from 'vitest';
import { ConfigError } from '@ensemble/protocol';
import type { ParameterValue } from '../job/research-job';
import { compileConstraint } from './constraint';

const bind = (values: Record<string, ParameterValue>): ReadonlyMap<string, ParameterValue> => new Map(Object.entries(values));

describe('compileConstraint', () => {
  it('compares numbers', () => {
    const fastBelowSlow = compileConstraint('fast < slow', ['fast', 'slow'], 'constraints.0');
    expect(fastBelowSlow(bind({ fast: 5, slow: 20 }))).toBe(true);
    expect(fastBelowSlow(bind({ fast: 20, slow: 20 }))).toBe(false);
    expect(compileConstraint('fast <= slow', ['fast', 'slow'], 'c')(bind({ fast: 20, slow: 20 }))).toBe(true);
  });

  it('binds && tighter than ||, honours ! and parentheses', () => {
    const names = ['a', 'b', 'c'];
    const loose = compileConstraint('a > 0 || b > 0 && c > 0', names, 'c');
    const grouped = compileConstraint('(a > 0 || b > 0) && c > 0', names, 'c');
    const point = bind({ a: 1, b: 0, c: 0 });
    expect(loose(point)).toBe(true);
    expect(grouped(point)).toBe(false);
    expect(compileConstraint('!(a > 0)', names, 'c')(point)).toBe(false);
  });

  it('compares strings and booleans with == and !=, and reads paths and negative numbers', () => {
    const names = ['scheme', 'strategies.trend.params.allowShort', 'x'];
    const check = compileConstraint('scheme == "equal" && strategies.trend.params.allowShort != true && x >= -1.5', names, 'c');
    expect(check(bind({ scheme: 'equal', 'strategies.trend.params.allowShort': false, x: -1.5 }))).toBe(true);
    expect(check(bind({ scheme: 'risk-parity', 'strategies.trend.params.allowShort': false, x: 0 }))).toBe(false);
  });

  // Regression: 3,000 nested parentheses overflowed the call stack ("unexpected failure", exit 1).
  it('refuses a constraint nested too deep or too long, by path, and takes one nested 100 deep', () => {
    const refusal = (text: string): string => {
      try {
        compileConstraint(text, ['fast', 'slow'], 'constraints.0');
      } catch (error) {
        expect(ConfigError.isInstance(error)).toBe(true);
        return (error as ConfigError).issues[0]?.message ?? '';
      }
      return 'no error';
    };
    expect(refusal(`${'('.repeat(300)}fast${')'.repeat(300)} < slow`)).toMatch(/^it nests "\(" and "!" more than 100 deep: write it flatter in /);
    expect(refusal(`${'!'.repeat(500)}(fast < slow)`)).toMatch(/^it nests "\(" and "!" more than 100 deep/);
    expect(refusal(`${'('.repeat(3000)}fast${')'.repeat(3000)} < slow`)).toMatch(/^it has 6,003 names, values and operators/);
    // 700 comparisons of 3 tokens and the 699 "&&" between them: 2,799.
    expect(refusal(Array.from({ length: 700 }, () => 'fast < slow').join(' && '))).toMatch(/^it has 2,799 names, values and operators, more than 2,000: split it into several constraints/);
    const deep = compileConstraint(`${'('.repeat(100)}fast${')'.repeat(100)} < slow`, ['fast', 'slow'], 'c');
    expect(deep(bind({ fast: 1, slow: 2 }))).toBe(true);
  });

  it('rejects syntax errors and unknown names by path, and never evaluates code', () => {
    const message = (text: string): string => {
      try {
        compileConstraint(text, ['fast', 'slow'], 'constraints.1');
      } catch (error) {
        expect(ConfigError.isInstance(error)).toBe(true);
        return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
      }
      return 'no error';
    };
    expect(message('fast < slwo')).toBe('constraints.1: unknown parameter "slwo" in "fast < slwo"; the parameters are "fast", "slow"');
    expect(message('fast < (slow')).toContain('missing ")"');
    expect(message('process.exit(1)')).toContain('constraints.1');
    expect(message('fast + 1 < slow')).toContain('unexpected "+"');
  });

  it('rejects an ordering of strings and a non-boolean result when evaluated', () => {
    expect(() => compileConstraint('s < 1', ['s'], 'constraints.0')(bind({ s: 'a' }))).toThrow(/compares numbers/);
    expect(() => compileConstraint('fast', ['fast'], 'constraints.0')(bind({ fast: 3 }))).toThrow(/not true or false/);
  });
});
