import { describe, expect, it } from 'vitest';
import { compatibilityDifference, describeCompatibility } from './job-envelope';

describe('compatibility tags in messages', () => {
  it('name only the items that differ: an upgrade of one package names that package', () => {
    const then = '@ensemble/data 0.1.0, @ensemble/engine 0.1.0, @ensemble/strategies 0.1.0';
    const now = '@ensemble/data 0.1.0, @ensemble/engine 0.2.0, @ensemble/strategies 0.1.0';
    expect(compatibilityDifference(then, now)).toEqual({ theirs: '@ensemble/engine 0.1.0', ours: '@ensemble/engine 0.2.0' });
  });

  it('say so when a side has no tag, and keep a tag that shares nothing whole', () => {
    expect(compatibilityDifference('', 'engine 2')).toEqual({ theirs: 'no compatibility tag', ours: 'engine 2' });
    expect(compatibilityDifference('engine 1', 'engine 2')).toEqual({ theirs: 'engine 1', ours: 'engine 2' });
    expect(describeCompatibility('')).toBe('no compatibility tag');
  });
});
