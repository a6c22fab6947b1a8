import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { barSeriesFromCloses } from './bars';
import { STRATEGY_NAME_PATTERN, defineStrategy } from './define-strategy';
import { ConfigError, StrategyError } from './errors';
import { STRATEGY_ID_PATTERN } from './limits';
import type { Strategy } from './strategy';
import { buildStrategy, strategyParamIssues } from './strategy-params';
import { checkStrategyContract } from './testing/contract';

const TwoUpParams = z.strictObject({
  run: z.number().int().min(1).max(20).default(2).describe('Up-closes in a row before entering'),
});

const twoUpCloses = defineStrategy({
  name: 'two-up-closes',
  kind: 'signal',
  description: 'Buy after `run` up-closes in a row; sell on the first down-close.',
  params: TwoUpParams,
  create: ({ run }) => ({
    warmup: run + 1,
    shouldEnter: (ctx) => {
      for (let ago = 0; ago < run; ago++) if (!(ctx.close(ago) > ctx.close(ago + 1))) return null;
      return { side: 'long' };
    },
    shouldExit: (ctx) => ctx.close() < ctx.close(1),
  }),
});

function configIssues(run: () => unknown): { source: string | undefined; paths: string[]; message: string } {
  try {
    run();
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return { source: error.source, paths: error.issues.map((issue) => issue.path), message: error.message };
  }
  throw new Error('expected a ConfigError');
}

describe('defineStrategy', () => {
  it('returns a definition shaped like the built-ins: name, kind, description, schema, create', () => {
    expect(twoUpCloses.name).toBe('two-up-closes');
    expect(twoUpCloses.kind).toBe('signal');
    expect(twoUpCloses.schema).toBe(TwoUpParams);
    expect(Object.isFrozen(twoUpCloses)).toBe(true);
  });

  it('defaults, validates and builds with the id of the run', () => {
    const strategy = buildStrategy(twoUpCloses, undefined, 'mine') as Strategy;
    expect(strategy.id).toBe('mine');
    expect(strategy.warmup).toBe(3);
    expect((buildStrategy(twoUpCloses, { run: 4 }) as Strategy).warmup).toBe(5);
    expect(buildStrategy(twoUpCloses).id).toBe('two-up-closes');
    const bad = configIssues(() => buildStrategy(twoUpCloses, { run: 0, speed: 1 }));
    expect(bad.paths).toEqual(['params.run', 'params.speed']);
    expect(bad.message).toContain('unknown parameter "speed": two-up-closes takes only run');
  });

  it('says what was written when a parameter has the wrong kind or breaks a bound', () => {
    const messages = (params: unknown) => strategyParamIssues(twoUpCloses, params).map((issue) => `${issue.path}: ${issue.message}`);
    // A number written as a JSON string, and one that JSON would not read without quotes either.
    expect(messages({ run: '4' })).toEqual(['params.run: expected a number, got the string "4": write 4 without quotes']);
    expect(messages({ run: '0x10' })).toEqual(['params.run: expected a number, got the string "0x10"']);
    expect(messages({ run: 0 })).toEqual(['params.run: must be at least 1, got 0']);
    expect(messages({ run: true })).toEqual(['params.run: expected a number, got the boolean true']);
  });

  it('builds instances that pass the strategy contract', () => {
    const closes = [10, 11, 12, 11, 12, 13, 14, 13, 12, 13, 14, 15, 14, 15, 16, 17, 16, 15];
    const series = [barSeriesFromCloses('X', closes.map((_close, i) => Date.UTC(2020, 0, 1 + i)), closes)];
    const report = checkStrategyContract({ create: () => buildStrategy(twoUpCloses, {}, 'two'), series });
    expect(report.failures).toEqual([]);
  });

  it('names each bad field of the spec in one ConfigError', () => {
    const bad = configIssues(() =>
      defineStrategy({ name: 'Two Up', kind: 'both' as 'signal', description: '', params: z.number() as unknown as typeof TwoUpParams, create: 3 as unknown as () => Strategy }),
    );
    expect(bad.source).toBe('strategy definition "Two Up"');
    expect(bad.paths).toEqual(['name', 'kind', 'description', 'params', 'create']);
    expect(bad.message).toContain('name "Two Up" must be 1–64 lower-case letters');
    expect(bad.message).toContain('kind is "both": it must be "signal"');
    const missing = configIssues(() => defineStrategy({ name: 'x' } as unknown as Parameters<typeof defineStrategy>[0]));
    expect(missing.paths).toEqual(['kind', 'description', 'params', 'create']);
    expect(missing.message).toContain('kind is missing');
  });

  it('accepts kebab-case names only, each also a valid strategy id', () => {
    for (const name of ['a', 'sma-crossover', 'rsi-2', '60-40', 'x'.repeat(64)]) {
      expect(STRATEGY_NAME_PATTERN.test(name), name).toBe(true);
      expect(STRATEGY_ID_PATTERN.test(name), name).toBe(true);
    }
    for (const name of ['', 'Sma', 'a--b', '-a', 'a-', 'a_b', 'a.b', 'a b', 'x'.repeat(65)]) expect(STRATEGY_NAME_PATTERN.test(name), name).toBe(false);
  });

  it('checks what create returns: the declared kind, its functions, and the id', () => {
    const portfolio = defineStrategy({
      name: 'wrong-kind',
      kind: 'portfolio',
      description: 'Declares portfolio, returns a signal strategy.',
      params: z.strictObject({}),
      create: () => ({ warmup: 1, shouldEnter: () => null, shouldExit: () => false }) as never,
    });
    expect(() => buildStrategy(portfolio, {}, 'p1')).toThrow(StrategyError);
    expect(() => buildStrategy(portfolio, {}, 'p1')).toThrow('Strategy "p1" failed: the definition is of kind "portfolio" but create returned a strategy without kind: "portfolio" (strategy "wrong-kind")');
    // Regression: an object literal with targetWeights had to repeat the definition's kind.
    const literal = defineStrategy({
      name: 'no-kind',
      kind: 'portfolio',
      description: 'Leaves kind to the definition.',
      params: z.strictObject({}),
      create: () => ({ warmup: 1, rebalance: { kind: 'calendar', period: 'month' }, targetWeights: () => ({}) }),
    });
    expect(buildStrategy(literal, {}, 'p2')).toMatchObject({ id: 'p2', kind: 'portfolio', warmup: 1 });
    const fixedId = defineStrategy({
      name: 'fixed-id',
      kind: 'signal',
      description: 'Hard-codes its id.',
      params: z.strictObject({}),
      create: () => ({ id: 'always', warmup: 1, shouldEnter: () => null, shouldExit: () => false }),
    });
    expect(() => buildStrategy(fixedId, {}, 'sleeve-2')).toThrow('returned a strategy with id "always"');
    const noExit = defineStrategy({
      name: 'no-exit',
      kind: 'signal',
      description: 'Forgets shouldExit.',
      params: z.strictObject({}),
      create: () => ({ warmup: 1, shouldEnter: () => null }) as never,
    });
    expect(() => buildStrategy(noExit)).toThrow('without shouldEnter(context) and shouldExit(context, position) functions');
  });

  it("refuses a portfolio strategy whose rebalance rule the engine cannot follow, naming what is wrong", () => {
    const withRule = (rebalance: unknown) =>
      defineStrategy({
        name: 'ruled',
        kind: 'portfolio',
        description: 'Holds one symbol on its own schedule.',
        params: z.strictObject({}),
        create: () => ({ kind: 'portfolio', warmup: 1, rebalance: rebalance as never, targetWeights: () => ({}) }),
      });
    const refused: [unknown, string][] = [
      [{ kind: 'bars', every: 0 }, 'rebalance rule is { kind: "bars" } with every 0; every must be a whole number of bars, at least 1'],
      [{ kind: 'bars', every: -1 }, 'with every -1'],
      [{ kind: 'bars', every: 2.5 }, 'with every 2.5'],
      [{ kind: 'bars', every: Number.NaN }, 'with every NaN'],
      [{ kind: 'bars' }, 'with every missing'],
      [{ kind: 'calendar', period: 'day' }, 'with period "day"; period must be "week", "month", "quarter" or "year"'],
      [{ kind: 'calendar' }, 'with period missing'],
      [{ kind: 'every', bars: 5 }, 'rebalance rule has kind "every"; it must be { kind: "never" }'],
      [{}, 'rebalance rule has kind (missing)'],
      [{ kind: 'bars', every: 5, offset: 2 }, 'has a field a bars rule does not take (offset)'],
    ];
    for (const [rule, message] of refused) {
      expect(() => buildStrategy(withRule(rule), {}, 'p1'), JSON.stringify(rule)).toThrow(StrategyError);
      expect(() => buildStrategy(withRule(rule), {}, 'p1'), JSON.stringify(rule)).toThrow(message);
    }
    for (const rule of [{ kind: 'never' }, { kind: 'bars', every: 1 }, { kind: 'calendar', period: 'quarter' }]) {
      expect(buildStrategy(withRule(rule), {}, 'p1')).toMatchObject({ id: 'p1', rebalance: rule });
    }
  });

  it('turns an error thrown by create into a StrategyError naming the id and the definition', () => {
    const throwing = defineStrategy({
      name: 'throws-in-create',
      kind: 'signal',
      description: 'Its factory throws.',
      params: z.strictObject({}),
      create: () => {
        throw new Error('no such lookback');
      },
    });
    let thrown: unknown;
    try {
      buildStrategy(throwing, {}, 'sleeve-1');
    } catch (error) {
      thrown = error;
    }
    expect(StrategyError.isInstance(thrown)).toBe(true);
    const error = thrown as StrategyError;
    expect(error.strategyId).toBe('sleeve-1');
    expect(error.message).toBe('Strategy "sleeve-1" failed: create of strategy "throws-in-create" threw: no such lookback');
    expect((error.cause as Error).message).toBe('no such lookback');
    const throwsString = defineStrategy({
      name: 'throws-string',
      kind: 'signal',
      description: 'Its factory throws a string.',
      params: z.strictObject({}),
      create: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless strategy file does
        throw 'bad\u001b[2J';
      },
    });
    expect(() => buildStrategy(throwsString)).toThrow('Strategy "throws-string" failed: create of strategy "throws-string" threw: bad\\x1b[2J');
    // An error of the project's own (e.g. a ConfigError from a nested parameter check) passes unchanged.
    const configFailure = new ConfigError([{ path: 'params.n', message: 'too big' }]);
    const rethrows = defineStrategy({
      name: 'rethrows',
      kind: 'signal',
      description: 'Its factory throws a ConfigError.',
      params: z.strictObject({}),
      create: () => {
        throw configFailure;
      },
    });
    expect(() => buildStrategy(rethrows)).toThrow(configFailure);
  });

  it('refuses a warm-up that is no safe integer, so no message prints a 300-digit bar count', () => {
    const huge = defineStrategy({
      name: 'huge-warmup',
      kind: 'signal',
      description: 'Asks for 1e308 bars.',
      params: z.strictObject({}),
      create: () => ({ warmup: 1e308, shouldEnter: () => null, shouldExit: () => false }),
    });
    expect(() => buildStrategy(huge)).toThrow('Strategy "huge-warmup" failed: create returned a strategy whose warmup is 1e+308; it must be a whole number of bars from 0 to 9007199254740991 (strategy "huge-warmup")');
  });

  it('keeps a class instance whose id is the run id as it is', () => {
    class Holder implements Strategy {
      readonly warmup = 1;
      constructor(readonly id: string) {}
      shouldEnter() {
        return { side: 'long' as const };
      }
      shouldExit() {
        return false;
      }
    }
    const definition = defineStrategy({ name: 'holder', kind: 'signal', description: 'Holds.', params: z.strictObject({}), create: (_params, id) => new Holder(id) });
    const instance = buildStrategy(definition, {}, 'h');
    expect(instance).toBeInstanceOf(Holder);
    expect(instance.id).toBe('h');
  });
});

// Regression: a strategy whose params were a plain `z.object` (strip mode, zod's default) dropped a
// mistyped parameter in silence — `--param lokback=5`, `"wieghts"` in a run config — and ran on the
// default, where the built-ins' `z.strictObject` refuses it with "did you mean".
describe('defineStrategy: a plain z.object refuses unknown parameters', () => {
  const create = (params: { lookback: number }, id: string): Strategy => ({ id, warmup: params.lookback, shouldEnter: () => null, shouldExit: () => false });

  it('refuses a mistyped key of z.object, as of z.strictObject, and takes the right one', () => {
    const definition = defineStrategy({ name: 'plain-object', kind: 'signal', description: 'x', params: z.object({ lookback: z.number().int().min(1).default(20) }), create });
    expect(() => buildStrategy(definition, { lokback: 5 }, 'p')).toThrow(ConfigError);
    expect(definition.schema.safeParse({ lokback: 5 }).success).toBe(false);
    expect(buildStrategy(definition, { lookback: 5 }, 'p').warmup).toBe(5);
    expect(buildStrategy(definition, {}, 'p').warmup).toBe(20);
    // Its description goes along (`ensemble strategies` and the JSON Schema read it).
    const described = defineStrategy({ name: 'described', kind: 'signal', description: 'x', params: z.object({ lookback: z.number().default(20) }).describe('the window'), create });
    expect(described.schema.description).toBe('the window');
  });

  it('keeps an object that takes extra keys on purpose (looseObject, catchall) as it is', () => {
    const loose = defineStrategy({ name: 'loose-object', kind: 'signal', description: 'x', params: z.looseObject({ lookback: z.number().int().min(1).default(20) }), create });
    expect(loose.schema.safeParse({ lookback: 3, note: 'kept' }).success).toBe(true);
    const caught = defineStrategy({ name: 'catchall-object', kind: 'signal', description: 'x', params: z.object({ lookback: z.number().int().min(1).default(20) }).catchall(z.string()), create });
    expect(caught.schema.safeParse({ lookback: 3, note: 'kept' }).success).toBe(true);
  });
});

describe('an async create', () => {
  it('says it returned a Promise', () => {
    const eager = defineStrategy({
      name: 'eager-create',
      kind: 'signal',
      description: 'Creates its strategy asynchronously.',
      params: z.strictObject({}),
      create: (() => Promise.resolve({ warmup: 1, shouldEnter: () => null, shouldExit: () => false })) as never,
    });
    expect(() => buildStrategy(eager, {}, 'e1')).toThrow('create returned a Promise: strategy methods run synchronously');
  });
});
