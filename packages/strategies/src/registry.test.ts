import { ConfigError, StrategyNotFoundError, defineStrategy, isPortfolioStrategy } from '@ensemble/protocol';
import { z } from 'zod';
import { sma } from './indicators';
import { describe, expect, it } from 'vitest';
import { coerceParameterStrings, describeParameters } from './describe-parameters';
import { EqualWeightStrategy } from './equal-weight';
import { createStrategy, getStrategy, isStrategyName, listStrategies, strategyRegistry } from './registry';
import { SmaCrossoverStrategy } from './sma-crossover';

const NAMES = ['buy-and-hold', 'sma-crossover', 'rsi-mean-reversion', 'donchian-breakout', 'equal-weight', 'inverse-volatility'];

describe('registry', () => {
  it('lists the six strategies in order, each under its own name', () => {
    expect(listStrategies().map((d) => d.name)).toEqual(NAMES);
    expect(Object.keys(strategyRegistry)).toEqual(NAMES);
    for (const definition of listStrategies()) {
      expect(getStrategy(definition.name)).toBe(definition);
      expect(definition.description.length).toBeGreaterThan(10);
    }
  });

  it('builds every strategy with default parameters, of the declared kind', () => {
    for (const definition of listStrategies()) {
      const strategy = createStrategy(definition.name);
      expect(strategy.id).toBe(definition.name);
      expect(isPortfolioStrategy(strategy)).toBe(definition.kind === 'portfolio');
    }
  });

  it('createStrategy parses the parameters and sets the id', () => {
    const strategy = createStrategy('sma-crossover', { fast: 5, slow: 20 }, 'momo');
    expect(strategy).toBeInstanceOf(SmaCrossoverStrategy);
    expect(strategy.id).toBe('momo');
    expect(strategy.warmup).toBe(21);
    const yearly = createStrategy('equal-weight', { rebalance: 'year' });
    expect(yearly).toBeInstanceOf(EqualWeightStrategy);
    expect(isPortfolioStrategy(yearly) && yearly.rebalance).toEqual({ kind: 'calendar', period: 'year' });
  });

  it('throws a StrategyNotFoundError listing the available names', () => {
    expect(isStrategyName('sma-crossover')).toBe(true);
    expect(isStrategyName('toString')).toBe(false);
    try {
      getStrategy('sma-cross');
      expect.unreachable();
    } catch (error) {
      expect(StrategyNotFoundError.isInstance(error)).toBe(true);
      expect((error as StrategyNotFoundError).available).toEqual(NAMES);
      expect((error as Error).message).toContain('Unknown strategy "sma-cross" — did you mean "sma-crossover"? Available: buy-and-hold, sma-crossover');
    }
    expect(() => createStrategy('nope', {})).toThrow(StrategyNotFoundError);
  });

  it('throws a ConfigError listing every issue at params.<field>, unknown keys included', () => {
    try {
      createStrategy('sma-crossover', { fast: -1, slow: 'x', fsat: 3 });
      expect.unreachable();
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      const config = error as ConfigError;
      expect(config.issues.map((issue) => issue.path)).toEqual(['params.fast', 'params.slow', 'params.fsat']);
      expect(config.issues[2]!.message).toBe('unknown parameter "fsat" — did you mean "fast"? sma-crossover takes only fast, slow, allowShort');
      expect(config.message).toContain('the parameters of strategy "sma-crossover"');
    }
    expect(() => createStrategy('rsi-mean-reversion', 5)).toThrow(/params: /);
  });
});

describe('describeParameters', () => {
  it('describes sma-crossover: types, defaults, bounds, descriptions', () => {
    const parameters = describeParameters(getStrategy('sma-crossover'));
    expect(parameters.map((p) => p.name)).toEqual(['fast', 'slow', 'allowShort']);
    expect(parameters[0]).toMatchObject({
      name: 'fast',
      type: 'integer',
      required: false,
      default: 10,
      minimum: 1,
      maximum: 10_000,
      exclusiveMinimum: null,
      exclusiveMaximum: null,
      values: null,
      bounds: '>= 1 and <= 10000',
    });
    expect(parameters[0]!.description).toContain('less than slow');
    expect(parameters[1]).toMatchObject({ name: 'slow', default: 30 });
    expect(parameters[2]).toMatchObject({ name: 'allowShort', type: 'boolean', default: false, bounds: null });
  });

  it('describes the rebalance union with its values and its numeric bound', () => {
    const [, rebalance] = describeParameters(getStrategy('inverse-volatility'));
    expect(rebalance).toMatchObject({
      name: 'rebalance',
      type: '"week" | "month" | "quarter" | "year" | integer',
      default: 'month',
      values: ['week', 'month', 'quarter', 'year'],
      minimum: 1,
      bounds: '>= 1 and <= 100000',
    });
  });

  it('gives every parameter of every strategy a default and a description', () => {
    for (const definition of listStrategies()) {
      for (const parameter of describeParameters(definition)) {
        expect(parameter.required, `${definition.name}.${parameter.name}`).toBe(false);
        expect(parameter.default, `${definition.name}.${parameter.name}`).not.toBeUndefined();
        expect(parameter.description.length, `${definition.name}.${parameter.name}`).toBeGreaterThan(10);
      }
    }
    expect(describeParameters(getStrategy('buy-and-hold'))).toEqual([]);
  });
});

describe('coerceParameterStrings', () => {
  it('keeps a __proto__ key as a key, for the schema to refuse, rather than setting the prototype', () => {
    const sma = getStrategy('sma-crossover');
    const values = JSON.parse('{"__proto__": "1", "fast": "5"}') as Record<string, string>;
    const typed = coerceParameterStrings(sma, values);
    expect(Object.keys(typed)).toEqual(['__proto__', 'fast']);
    expect(Object.getPrototypeOf(typed)).toBe(Object.prototype);
    const parsed = sma.schema.safeParse(typed);
    expect(parsed.error?.issues.map((issue) => issue.code)).toEqual(['unrecognized_keys']);
  });

  it('types CLI strings by the schema and leaves the rest for the schema to judge', () => {
    const sma = getStrategy('sma-crossover');
    expect(coerceParameterStrings(sma, { fast: '10', slow: '3e1', allowShort: 'true' })).toEqual({
      fast: 10,
      slow: 30,
      allowShort: true,
    });
    expect(coerceParameterStrings(sma, { fast: 'ten', fsat: '3' })).toEqual({ fast: 'ten', fsat: '3' });
    const ew = getStrategy('equal-weight');
    expect(coerceParameterStrings(ew, { rebalance: '21' })).toEqual({ rebalance: 21 });
    expect(coerceParameterStrings(ew, { rebalance: 'quarter' })).toEqual({ rebalance: 'quarter' });
    expect(() => createStrategy('sma-crossover', coerceParameterStrings(sma, { fast: 'ten' }))).toThrow(/params\.fast/);
  });

  // Regression: a list parameter could not be given on the command line at all — `weights=[0.6,0.4]`
  // stayed a string, "expected array, received string".
  it('reads JSON where the parameter takes a list or an object, and leaves what is no JSON as it is', () => {
    const weighted = defineStrategy({
      name: 'weighted',
      kind: 'signal',
      description: 'x',
      params: z.strictObject({ weights: z.array(z.number()).default([1]), shape: z.strictObject({ a: z.number() }).optional(), label: z.string().default('x') }),
      create: (_params, id) => ({ id, warmup: 1, shouldEnter: () => null, shouldExit: () => false }),
    });
    expect(coerceParameterStrings(weighted, { weights: '[0.6, 0.4]', shape: '{"a":1}', label: '[not read]' })).toEqual({ weights: [0.6, 0.4], shape: { a: 1 }, label: '[not read]' });
    expect(coerceParameterStrings(weighted, { weights: '0.6,0.4', shape: '{a:1}' })).toEqual({ weights: '0.6,0.4', shape: '{a:1}' });
    // A key given twice is no JSON the project reads; a parameter that takes text too keeps it as text.
    expect(coerceParameterStrings(weighted, { shape: '{"a":1,"a":2}' })).toEqual({ shape: '{"a":1,"a":2}' });
    const either = defineStrategy({
      name: 'either',
      kind: 'signal',
      description: 'x',
      params: z.strictObject({ label: z.union([z.string(), z.array(z.number())]).default('x') }),
      create: (_params, id) => ({ id, warmup: 1, shouldEnter: () => null, shouldExit: () => false }),
    });
    expect(coerceParameterStrings(either, { label: '[1]' })).toEqual({ label: '[1]' });
  });
});

describe('a strategy from defineStrategy', () => {
  const mine = defineStrategy({
    name: 'close-over-sma',
    kind: 'signal',
    description: 'Long while the close is above its SMA.',
    params: z.strictObject({ period: z.number().int().min(2).max(500).default(20).describe('SMA window of closes, in bars') }),
    create: ({ period }) => ({
      warmup: period,
      indicators: (series) => ({ sma: sma(series.close, period) }),
      shouldEnter: (ctx) => (ctx.close() > ctx.indicator('sma') ? { side: 'long' } : null),
      shouldExit: (ctx) => ctx.close() < ctx.indicator('sma'),
    }),
  });

  it('is described and coerced like a built-in', () => {
    expect(describeParameters(mine)).toEqual([
      {
        name: 'period',
        type: 'integer',
        required: false,
        default: 20,
        minimum: 2,
        exclusiveMinimum: null,
        maximum: 500,
        exclusiveMaximum: null,
        values: null,
        bounds: '>= 2 and <= 500',
        description: 'SMA window of closes, in bars',
      },
    ]);
    expect(coerceParameterStrings(mine, { period: '30' })).toEqual({ period: 30 });
  });

  it('every built-in is itself a defineStrategy definition (frozen, same shape)', () => {
    for (const definition of listStrategies()) {
      expect(Object.isFrozen(definition)).toBe(true);
      expect(Object.keys(definition)).toEqual(Object.keys(mine));
    }
  });
});
