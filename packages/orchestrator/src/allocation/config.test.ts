import { ConfigError, parseConfig } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AllocationConfigSchema, RebalanceConfigSchema, WeightConstraintsSchema } from './config';

/** Every property of every object in a JSON Schema, with its path. */
function properties(schema: unknown, path = ''): { path: string; node: Record<string, unknown> }[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const found: { path: string; node: Record<string, unknown> }[] = [];
  const children = node.properties;
  if (typeof children === 'object' && children !== null) {
    for (const [key, child] of Object.entries(children)) {
      found.push({ path: `${path}.${key}`, node: child as Record<string, unknown> });
      found.push(...properties(child, `${path}.${key}`));
    }
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const options = node[key];
    if (Array.isArray(options)) options.forEach((option) => found.push(...properties(option, path)));
  }
  return found;
}

describe('config schemas', () => {
  it('describe every field, nested ones included, in the JSON Schema', () => {
    for (const schema of [AllocationConfigSchema, RebalanceConfigSchema, WeightConstraintsSchema]) {
      const json = z.toJSONSchema(schema, { io: 'input' });
      const fields = properties(json);
      expect(fields.length).toBeGreaterThan(1);
      for (const { path, node } of fields) {
        expect(typeof node.description, `${path} has no description`).toBe('string');
      }
    }
    expect(properties(z.toJSONSchema(RebalanceConfigSchema)).map((field) => field.path)).toEqual([
      '.schedule',
      '.schedule.everyBars',
      '.drift',
      '.drift.absolute',
      '.drift.relative',
    ]);
  });

  it('parse {} to the documented defaults', () => {
    expect(AllocationConfigSchema.parse({})).toEqual({
      scheme: 'equal',
      lookback: 63,
      metric: 'sharpe',
      floor: 0,
      minWeight: 0,
      cashBuffer: 0,
      leverage: 1,
    });
    expect(RebalanceConfigSchema.parse({})).toEqual({ schedule: 'month' });
  });

  it('accept the documented forms', () => {
    const allocation = AllocationConfigSchema.parse({
      scheme: 'performance',
      lookback: 126,
      minHistory: 21,
      metric: 'return',
      floor: 0.01,
      minWeight: 0.05,
      maxWeight: 0.5,
      cashBuffer: 0.02,
      leverage: 1.5,
    });
    expect(allocation.maxWeight).toBe(0.5);
    expect(RebalanceConfigSchema.parse({ schedule: { everyBars: 21 }, drift: { relative: 0.2 } })).toEqual({
      schedule: { everyBars: 21 },
      drift: { relative: 0.2 },
    });
    for (const schedule of ['never', 'week', 'month', 'quarter', 'year']) {
      expect(RebalanceConfigSchema.parse({ schedule }).schedule).toBe(schedule);
    }
  });

  it('list every problem by path', () => {
    let error: unknown;
    try {
      parseConfig(
        AllocationConfigSchema,
        { scheme: 'momentum', lookback: 1.5, floor: -1, minWeight: 0.6, maxWeight: 0.5, cashBuffer: 1, leverage: 0.5, extra: 1 },
        'run.json',
      );
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    const paths = (error as ConfigError).issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(['cashBuffer', 'extra', 'floor', 'leverage', 'lookback', 'scheme']);
    expect((error as ConfigError).message).toMatch(/Invalid configuration in run\.json/);
  });

  it('check the constraints against each other', () => {
    const issues = (input: unknown) => {
      const result = AllocationConfigSchema.safeParse(input);
      return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(issues({ minWeight: 0.6, maxWeight: 0.5 })).toEqual([
      'minWeight: minWeight (0.6) is above maxWeight (0.5); lower minWeight or raise maxWeight',
    ]);
    expect(issues({ minWeight: 0.95, cashBuffer: 0.1 })).toEqual([
      'minWeight: minWeight (0.95) is above leverage − cashBuffer (0.9); no sleeve could get it',
    ]);
    expect(issues({ minWeight: 0.95, cashBuffer: 0.1, leverage: 2 })).toEqual([]);
  });

  it('reject empty drift bands, bad schedules and unknown keys', () => {
    expect(RebalanceConfigSchema.safeParse({ drift: {} }).error?.issues[0]?.message).toMatch(/at least one of "absolute" and "relative"/);
    expect(RebalanceConfigSchema.safeParse({ drift: { absolute: 0 } }).success).toBe(false);
    expect(RebalanceConfigSchema.safeParse({ schedule: 'daily' }).success).toBe(false);
    expect(RebalanceConfigSchema.safeParse({ schedule: { everyBars: 0 } }).success).toBe(false);
    expect(RebalanceConfigSchema.safeParse({ schedule: 'month', every: 2 }).success).toBe(false);
  });
});
