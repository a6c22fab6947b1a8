import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './errors';
import { toConfigIssues } from './config-issues';
import { BarSchema, EntrySignalSchema, RebalanceRuleSchema, parseConfig } from './schemas';

describe('schemas', () => {
  it('accepts a consistent bar and defaults volume to 0', () => {
    expect(BarSchema.parse({ time: 0, open: 2, high: 3, low: 1, close: 2.5 }).volume).toBe(0);
  });

  it('rejects inconsistent bars with the field named', () => {
    const result = BarSchema.safeParse({ time: 0, open: 5, high: 3, low: 4, close: 3.5, volume: -1 });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['volume']));
    expect(BarSchema.safeParse({ time: 0, open: 2, high: 1, low: 3, close: 2 }).error?.issues.map((i) => i.message)).toContain(
      'high is below low',
    );
    expect(BarSchema.safeParse({ time: 0, open: Number.NaN, high: 1, low: 1, close: 1 }).success).toBe(false);
    // A subnormal price is positive but a data error; 1e-12 (MIN_PRICE) is the smallest price.
    expect(BarSchema.safeParse({ time: 0, open: 1e-320, high: 1, low: 1e-320, close: 1 }).error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['open', 'must be at least 1e-12 (MIN_PRICE): a smaller price is a data error'],
      ['low', 'must be at least 1e-12 (MIN_PRICE): a smaller price is a data error'],
    ]);
    expect(BarSchema.safeParse({ time: 0, open: 1e-12, high: 1, low: 1e-12, close: 1 }).success).toBe(true);
    expect(BarSchema.safeParse({ time: 0, open: 0, high: 1, low: 0, close: 1 }).success).toBe(false);
  });

  it('validates entry signals', () => {
    expect(EntrySignalSchema.safeParse({ side: 'long', strength: 0.5 }).success).toBe(true);
    expect(EntrySignalSchema.safeParse({ side: 'long', strength: 1.5 }).success).toBe(false);
    expect(EntrySignalSchema.safeParse({ side: 'sideways' }).success).toBe(false);
  });

  it('validates rebalance rules', () => {
    expect(RebalanceRuleSchema.parse({ kind: 'bars', every: 5 })).toEqual({ kind: 'bars', every: 5 });
    expect(RebalanceRuleSchema.safeParse({ kind: 'bars', every: 0 }).success).toBe(false);
    expect(RebalanceRuleSchema.safeParse({ kind: 'calendar', period: 'decade' }).success).toBe(false);
  });

  it('parseConfig lists every issue by dotted path', () => {
    const schema = z.object({ cash: z.number().positive(), strategies: z.array(z.object({ id: z.string() })) });
    try {
      parseConfig(schema, { cash: -1, strategies: [{ id: 'a' }, { id: 3 }] }, 'run.json');
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      const issues = (error as ConfigError).issues.map((issue) => issue.path);
      expect(issues).toEqual(['cash', 'strategies.1.id']);
      expect((error as ConfigError).message).toContain('in run.json');
    }
  });

  it('names every unknown key of a strict object at its own path', () => {
    const schema = z.strictObject({ cash: z.number(), data: z.strictObject({ dataset: z.string() }) });
    const result = schema.safeParse({ cash: 1, cahs: 2, data: { dataset: 'x', fiel: 'a.csv', form: 'csv' } });
    expect(result.success).toBe(false);
    const issues = result.error === undefined ? [] : toConfigIssues(result.error);
    expect([...issues].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'cahs', message: 'unknown key "cahs" (check its spelling)' },
      { path: 'data.fiel', message: 'unknown key "fiel" (check its spelling)' },
      { path: 'data.form', message: 'unknown key "form" (check its spelling)' },
    ]);
  });
});
