import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toConfigIssues } from './config-issues';
import type { ConfigIssueContext } from './config-issues';

// A schema shaped like a run config: an enum-or-object schedule, a discriminated allocation with
// a default, described fields, strict objects.
const schema = z.strictObject({
  rebalance: z
    .strictObject({
      schedule: z.union([z.enum(['never', 'week', 'month', 'quarter', 'year']), z.strictObject({ everyBars: z.number().int() })]),
    })
    .optional(),
  allocation: z
    .discriminatedUnion('scheme', [
      z.strictObject({ scheme: z.literal('equal') }),
      z.strictObject({ scheme: z.literal('inverse-volatility'), lookback: z.number().int().optional() }),
      z.strictObject({ scheme: z.literal('fixed') }),
    ])
    .prefault({ scheme: 'equal' }),
  fill: z.enum(['close', 'next-open']).optional(),
  strategies: z.array(
    z.strictObject({
      id: z.string(),
      symbols: z.array(z.string()).min(1).describe('Symbols this strategy trades, e.g. ["SPY"]'),
    }),
  ),
});

function messages(input: unknown, context: ConfigIssueContext = { input, schema }): Record<string, string> {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be rejected');
  return Object.fromEntries(toConfigIssues(result.error, context).map((issue) => [issue.path, issue.message]));
}

const strategies = [{ id: 'a', symbols: ['SPY'] }];

describe('toConfigIssues', () => {
  // Regression: a config of a million unknown keys took most of a minute to be refused, each key
  // matched against every known one.
  it('names the first 50 unknown keys of an object, after how many there are', () => {
    const schema = z.strictObject({ cash: z.number() });
    const input: Record<string, unknown> = { cash: 1 };
    for (let k = 0; k < 200_000; k++) input[`k${String(k)}`] = 1;
    const result = schema.safeParse(input);
    if (result.success) throw new Error('expected the input to be rejected');
    const issues = toConfigIssues(result.error, { input, schema });
    expect(issues).toHaveLength(51);
    expect(issues[0]).toEqual({ path: '', message: '200,000 unknown keys in all, the first named below' });
    expect(issues[1]).toEqual({ path: 'k0', message: 'unknown key "k0" (check its spelling)' });
    expect(issues[50]?.path).toBe('k49');
  });

  // Regression: zod's own words ("Too big: expected number to be <1") reached the user.
  it('says a bound as a rule, with the value given when the input is known', () => {
    const schema = z.strictObject({ buffer: z.number().lt(1), rate: z.number().max(1), every: z.number().int().min(1), list: z.array(z.number()).min(1), big: z.number().max(10_000) });
    const input = { buffer: 1.5, rate: 2, every: 0, list: [], big: 20_000 };
    // (A huge value is written as JavaScript writes it, not with 300 digits grouped: see below.)
    const result = schema.safeParse(input);
    if (result.success) throw new Error('expected the input to be rejected');
    expect(toConfigIssues(result.error, { input, schema })).toEqual([
      { path: 'buffer', message: 'must be below 1, got 1.5' },
      { path: 'rate', message: 'must be at most 1, got 2' },
      { path: 'every', message: 'must be at least 1, got 0' },
      { path: 'list', message: 'must hold at least 1 item, got 0 items' },
      { path: 'big', message: 'must be at most 10,000, got 20,000' },
    ]);
    const huge = z.object({ rate: z.number().max(1) }).safeParse({ rate: 1e300 });
    if (huge.success) throw new Error('expected the input to be rejected');
    expect(toConfigIssues(huge.error, { input: { rate: 1e300 }, schema: z.object({ rate: z.number().max(1) }) })).toEqual([{ path: 'rate', message: 'must be at most 1, got 1e+300' }]);
    // A schema's own message is kept.
    const own = z.object({ x: z.number().max(1, 'a fraction, e.g. 0.2') }).safeParse({ x: 5 });
    if (own.success) throw new Error('expected the input to be rejected');
    expect(toConfigIssues(own.error)).toEqual([{ path: 'x', message: 'a fraction, e.g. 0.2' }]);
  });

  it('reports only the tightest bound a number breaks, not also the integer\'s own limit', () => {
    const bounded = z.strictObject({ fast: z.number().int().min(1).max(10_000), slow: z.number().int().min(5).max(500) });
    const result = bounded.safeParse({ fast: 1e308, slow: -1e308 });
    if (result.success) throw new Error('expected the input to be rejected');
    // zod reports fast against 2^53 − 1 and 10000, slow against −(2^53 − 1) and 5.
    expect(result.error.issues.map((issue) => issue.code)).toEqual(['too_big', 'too_big', 'too_small', 'too_small']);
    expect(toConfigIssues(result.error)).toEqual([
      { path: 'fast', message: 'must be at most 10,000' },
      { path: 'slow', message: 'must be at least 5' },
    ]);
  });


  it('lists the allowed values of a mistyped enum inside a union and the nearest one', () => {
    expect(messages({ rebalance: { schedule: 'monthly' }, strategies })).toEqual({
      'rebalance.schedule': '"monthly" is not one of never, week, month, quarter, year (or an object { "everyBars": … }) — did you mean "month"?',
    });
  });

  it('lists a plain enum\'s values and suggests nothing when nothing is close', () => {
    expect(messages({ fill: 'tomorrow', strategies })).toEqual({ fill: '"tomorrow" is not one of close, next-open' });
    expect(messages({ fill: 'nextopen', strategies })).toEqual({ fill: '"nextopen" is not one of close, next-open — did you mean "next-open"?' });
  });

  it('shows the expected object shape when a string stands where an object belongs', () => {
    expect(messages({ allocation: 'inverse-volatility', strategies })).toEqual({
      allocation: 'expected an object, got the string "inverse-volatility"; write { "scheme": "inverse-volatility", … } (its other fields beside "scheme")',
    });
    expect(messages({ allocation: 7, strategies })).toEqual({
      allocation: 'expected an object, got the number 7; write { "scheme": …, … } with "scheme" one of equal, inverse-volatility, fixed',
    });
  });

  it('places a string on the enum field of a plain object that holds it', () => {
    const plain = z.strictObject({ allocation: z.strictObject({ scheme: z.enum(['equal', 'inverse-volatility']), lookback: z.number().optional() }) });
    const input = { allocation: 'inverse-volatility' };
    const result = plain.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(toConfigIssues(result.error, { input, schema: plain })).toEqual([
        { path: 'allocation', message: 'expected an object, got the string "inverse-volatility"; write { "scheme": "inverse-volatility", … } (fields: scheme, lookback)' },
      ]);
    }
  });

  it('names a mistyped discriminator value and the nearest scheme', () => {
    expect(messages({ allocation: { scheme: 'inverse-vol' }, strategies })).toEqual({
      'allocation.scheme': '"inverse-vol" is not one of equal, inverse-volatility, fixed — did you mean "inverse-volatility"?',
    });
    expect(messages({ allocation: {}, strategies })).toEqual({ 'allocation.scheme': 'required: one of equal, inverse-volatility, fixed' });
  });

  it('says a missing field is required and what it holds', () => {
    expect(messages({ strategies: [{ id: 'a' }] })).toEqual({ 'strategies.0.symbols': 'required: Symbols this strategy trades, e.g. ["SPY"]' });
    expect(messages({})).toEqual({ strategies: 'required (array)' });
  });

  it('suggests the nearest known key for an unknown one, also inside a discriminated union', () => {
    expect(messages({ rebalanse: { schedule: 'month' }, strategies })).toEqual({ rebalanse: 'unknown key "rebalanse" — did you mean "rebalance"?' });
    expect(messages({ allocation: { scheme: 'inverse-volatility', lookbak: 3 }, strategies })).toEqual({
      'allocation.lookbak': 'unknown key "lookbak" — did you mean "lookback"?',
    });
    expect(messages({ zzz: 1, strategies })).toEqual({ zzz: 'unknown key "zzz" (check its spelling)' });
  });

  it('says what was given when the type is wrong', () => {
    expect(messages({ strategies: 'SPY' })).toEqual({ strategies: 'expected an array, got the string "SPY"' });
  });

  // Regression: a sweep spec without its base config read "config: Invalid input".
  it('says what a union of kinds expects when the value is of none of them, or missing', () => {
    const spec = z.strictObject({
      config: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).describe('The base config: an object, or the path of a JSON file'),
      seed: z.union([z.number(), z.boolean()]),
      label: z.union([z.number(), z.string()], { error: 'must be a number or a name' }).optional(),
    });
    const issues = (input: unknown): Record<string, string> => {
      const result = spec.safeParse(input);
      if (result.success) throw new Error('expected the input to be rejected');
      return Object.fromEntries(toConfigIssues(result.error, { input, schema: spec }).map((issue) => [issue.path, issue.message]));
    };
    expect(issues({ seed: 1 })).toEqual({ config: 'required: The base config: an object, or the path of a JSON file' });
    expect(issues({ config: 5, seed: 'x' })).toEqual({ config: 'expected a string or an object, got the number 5', seed: 'expected a number or a boolean, got the string "x"' });
    expect(issues({ config: 'a.json' })).toEqual({ seed: 'required (a number or a boolean)' });
    // A union's own message is kept.
    expect(issues({ config: 'a.json', seed: 1, label: null })).toEqual({ label: 'must be a number or a name' });
  });

  it('echoes user values safely', () => {
    expect(messages({ fill: '\u001b[31mred', strategies }).fill).toBe('"\\x1b[31mred" is not one of close, next-open');
  });

  it('falls back to zod\'s messages without the input', () => {
    const result = schema.safeParse({ fill: 'x', strategies });
    expect(result.success).toBe(false);
    if (!result.success) expect(toConfigIssues(result.error)[0]?.message).toMatch(/^Invalid option/);
  });
});
