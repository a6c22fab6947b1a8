import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy } from './define-strategy';
import { ConfigError } from './errors';
import { strategyDefinitionsFromModule } from './strategy-module';

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

  it('names the file and says what to export when nothing fits', () => {
    const none = failure({ helper: () => 1 });
    expect(none.source).toBe('strategy file strategies/mine.ts');
    expect(none.message).toContain('it has no default export (named exports: helper)');
    // An empty file loaded as CommonJS: its default is module.exports, an empty object.
    expect(failure({ default: {}, 'module.exports': {} }).message).toContain('it has no default export and no named export');
    expect(none.message).toContain('export default defineStrategy({ name, kind, description, params, create })');
    expect(failure({ hold, fold }).message).toContain('several exports look like definitions (hold, fold); export one default');
    expect(failure(null).message).toContain('is not a module');
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
});
