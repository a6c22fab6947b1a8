import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '@ensemble/protocol';
import { compareByObjective, nearestMetric, OBJECTIVE_METRICS, resolveObjective } from './objective';

describe('objective', () => {
  it('defaults the direction by metric', () => {
    const issues: ConfigIssue[] = [];
    expect(resolveObjective('sharpe', undefined, 'objective', issues)).toEqual({ metric: 'sharpe', direction: 'max' });
    expect(resolveObjective('volatility', undefined, 'objective', issues)).toEqual({ metric: 'volatility', direction: 'min' });
    expect(resolveObjective('maxDrawdown', undefined, 'objective', issues)).toEqual({ metric: 'maxDrawdown', direction: 'max' });
    expect(resolveObjective('sharpe', 'min', 'objective', issues)).toEqual({ metric: 'sharpe', direction: 'min' });
    expect(issues).toEqual([]);
  });

  it('suggests the nearest metric for a typo', () => {
    expect(nearestMetric('sharp')).toBe('sharpe');
    expect(nearestMetric('MaxDrawDown')).toBe('maxDrawdown');
    const issues: ConfigIssue[] = [];
    resolveObjective('sortno', undefined, 'objective', issues);
    expect(issues[0]?.path).toBe('objective');
    expect(issues[0]?.message).toMatch(/^unknown metric "sortno"; did you mean "sortino"\?/);
  });

  it('suggests nothing for a name close to no metric', () => {
    const issues: ConfigIssue[] = [];
    resolveObjective('bogus', undefined, 'objective', issues);
    expect(issues[0]?.message).toMatch(/^unknown metric "bogus"; the metrics:\n {4}bars, startEquity, /);
    expect(issues[0]?.message).not.toContain('did you mean');
    // Every metric, on lines short enough to print whole (one line of 625 characters was cut).
    const lines = issues[0]?.message.split('\n').slice(1) ?? [];
    expect(lines.every((line) => line.length <= 92)).toBe(true);
    expect(lines.join(' ').replace(/,/g, '').trim().split(/\s+/)).toEqual([...OBJECTIVE_METRICS]);
  });

  it('ranks best first, nulls last, ties by index', () => {
    const entries = [
      { index: 0, objective: 1 },
      { index: 1, objective: null },
      { index: 2, objective: 3 },
      { index: 3, objective: 1 },
    ];
    expect([...entries].sort((a, b) => compareByObjective(a, b, 'max')).map((entry) => entry.index)).toEqual([2, 0, 3, 1]);
    expect([...entries].sort((a, b) => compareByObjective(a, b, 'min')).map((entry) => entry.index)).toEqual([0, 3, 2, 1]);
  });
});
