import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy } from './define-strategy';
import { ConfigError, StrategyError } from './errors';
import { strategyDefinitionsFromModule, unknownDefinitionText } from './strategy-module';

const spec = {
  name: 'hold',
  kind: 'signal' as const,
  description: 'Holds.',
  params: z.strictObject({}),
  create: () => ({ warmup: 1, shouldEnter: () => ({ side: 'long' as const }), shouldExit: () => false }),
};
const hold = defineStrategy(spec);
const fold = defineStrategy({ ...spec, name: 'fold' });

function failure(moduleNamespace: unknown): ConfigError {
  try {
    strategyDefinitionsFromModule(moduleNamespace, 'strategies/mine.ts');
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('strategyDefinitionsFromModule', () => {
  it('takes a default export, a default array, or a single named export', () => {
    expect(strategyDefinitionsFromModule({ default: hold }, 'a.ts')).toEqual([hold]);
    expect(strategyDefinitionsFromModule({ default: [hold, fold] }, 'a.ts')).toEqual([hold, fold]);
    expect(strategyDefinitionsFromModule({ hold, helper: 3 }, 'a.ts')).toEqual([hold]);
  });

  it('reads a TypeScript file compiled as CommonJS (tsx\'s tsImport without "type": "module") as the module it was written as', () => {
    // What importing it gives: { default: module.exports }, module.exports marked __esModule.
    const compiled = (exports: Record<string, unknown>) => ({ default: { __esModule: true, ...exports } });
    expect(strategyDefinitionsFromModule(compiled({ default: hold }), 'strategies/mine.ts')).toEqual([hold]);
    expect(strategyDefinitionsFromModule(compiled({ default: [hold, fold] }), 'strategies/mine.ts')).toEqual([hold, fold]);
    expect(strategyDefinitionsFromModule(compiled({ mine: hold }), 'strategies/mine.ts')).toEqual([hold]);
    // A plain CommonJS object without the marker is what it is: a default export that is not a definition.
    expect(failure({ default: { default: hold } }).issues[0]?.message).toContain('plain object');
  });

  it('names the file and says what to export when nothing fits', () => {
    const none = failure({ helper: () => 1 });
    expect(none.source).toBe('strategy file strategies/mine.ts');
    expect(none.message).toContain('it has no default export (named exports: helper)');
    // An empty file loaded as CommonJS: its default is module.exports, an empty object.
    expect(failure({ default: {}, 'module.exports': {} }).message).toContain('it has no default export and no named export');
    expect(none.message).toContain('export default defineStrategy({ name, kind, description, params, create })');
    expect(failure(null).message).toContain('is not a module');
    // A default export that is no object: what to export, by defineStrategy's own field names.
    expect(failure({ default: 42 }).issues).toEqual([{ path: 'default', message: 'a strategy definition must be what defineStrategy({ name, kind, description, params, create }) returns; got 42' }]);
  });

  // Regression: a file with two named definitions and no default was refused ("export one
  // default"), so `file.ts#name` could not pick one of them.
  it('takes several named definitions as the file\'s strategies, one exported twice counted once', () => {
    expect(strategyDefinitionsFromModule({ hold, fold }, 'strategies/mine.ts')).toEqual([hold, fold]);
    expect(strategyDefinitionsFromModule({ hold, fold, all: [hold, fold], helper: () => 1 }, 'strategies/mine.ts')).toEqual([hold, fold]);
    // Two definitions of one name under two exports are still refused.
    expect(failure({ hold, again: { ...hold } }).message).toContain('defines strategy "hold" twice');
  });

  it('reports a spec not wrapped in defineStrategy, a broken definition by path, and duplicates', () => {
    expect(failure({ default: spec }).issues).toEqual([{ path: 'default', message: expect.stringContaining('is a plain spec, not a definition: wrap it in defineStrategy') as string }]);
    // Without params either: still named as unwrapped, not as a missing `schema` no user wrote.
    const { params: _params, ...bare } = spec;
    expect(failure({ default: bare }).issues).toEqual([{ path: 'default', message: expect.stringContaining('is a plain object, not a definition: wrap it in defineStrategy') as string }]);
    const broken = failure({ default: [hold, { ...hold, kind: 'both', create: 1 }] });
    expect(broken.issues.map((issue) => issue.path)).toEqual(['default.1.kind', 'default.1.create']);
    expect(failure({ default: [hold, hold] }).message).toContain('defines strategy "hold" twice');
    expect(failure({ default: [] }).message).toContain('default: is an empty array');
  });

  it("checks what a hand-written definition's create builds, as defineStrategy's own", () => {
    // name, kind, description, schema and create without defineStrategy: usable, but its instances
    // reached the engine and the orchestrator unchecked (a warm-up of -5, `every: -1`, no id).
    const handWritten = (create: () => unknown) => ({ name: 'by-hand', kind: 'portfolio', description: 'Written by hand.', schema: z.strictObject({}), create });
    const load = (create: () => unknown) => {
      const [definition] = strategyDefinitionsFromModule({ default: handWritten(create) }, 'a.ts');
      if (definition === undefined) throw new Error('expected a definition');
      return definition;
    };
    const good = { kind: 'portfolio', warmup: 1, rebalance: { kind: 'never' }, targetWeights: () => ({}) };
    expect(load(() => good).create({}, 'sleeve-1')).toMatchObject({ id: 'sleeve-1', warmup: 1 });
    expect(() => load(() => ({ ...good, warmup: -5 })).create({}, 'sleeve-1')).toThrow(StrategyError);
    expect(() => load(() => ({ ...good, warmup: -5 })).create({}, 'sleeve-1')).toThrow('create returned a strategy whose warmup is -5');
    expect(() => load(() => ({ ...good, rebalance: { kind: 'bars', every: -1 } })).create({}, 'sleeve-1')).toThrow('with every -1');
    expect(() => load(() => 42).create({}, 'sleeve-1')).toThrow('create returned 42, not a strategy object');
    // A definition of defineStrategy is kept as it is: its create checks already.
    expect(strategyDefinitionsFromModule({ default: hold }, 'a.ts')[0]).toBe(hold);
  });
});

describe('unknownDefinitionText', () => {
  // A `#name` differing from a definition's name only in case was listed, not suggested.
  it('suggests the definition a name differs from only in case, saying names are case-sensitive', () => {
    expect(unknownDefinitionText('momentum', ['Momentum', 'MeanReversion'])).toBe('defines no strategy "momentum"; it defines Momentum, MeanReversion — did you mean "Momentum"? (names are case-sensitive)');
  });

  it('suggests a close name without the case note, and none when nothing is close', () => {
    expect(unknownDefinitionText('Momentun', ['Momentum', 'MeanReversion'])).toBe('defines no strategy "Momentun"; it defines Momentum, MeanReversion — did you mean "Momentum"?');
    expect(unknownDefinitionText('third', ['first', 'second'])).toBe('defines no strategy "third"; it defines first, second');
  });
});
