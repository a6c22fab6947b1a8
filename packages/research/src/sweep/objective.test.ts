import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '@ensemble/protocol';
import type { PerformanceMetrics } from '@ensemble/performance';
import { compareByObjective, nearestMetric, OBJECTIVE_METRICS, objectiveValue, resolveObjective } from './objective';
import { objectiveFromJson, researchJsonText } from './result-json';

/** A metrics record with every metric null but those given. */
function metricsOf(values: Partial<Record<keyof PerformanceMetrics, number>>): PerformanceMetrics {
  return { ...Object.fromEntries(OBJECTIVE_METRICS.map((name) => [name, null])), ...values } as PerformanceMetrics;
}

describe('objective', () => {
  it('defaults the direction by metric', () => {
    const issues: ConfigIssue[] = [];
    expect(resolveObjective('sharpe', undefined, 'objective', issues)).toEqual({ metric: 'sharpe', direction: 'max' });
    expect(resolveObjective('volatility', undefined, 'objective', issues)).toEqual({ metric: 'volatility', direction: 'min' });
    expect(resolveObjective('maxDrawdown', undefined, 'objective', issues)).toEqual({ metric: 'maxDrawdown', direction: 'max' });
    expect(resolveObjective('sharpe', 'min', 'objective', issues)).toEqual({ metric: 'sharpe', direction: 'min' });
    expect(issues).toEqual([]);
  });

  // Regression: `--objective maxDrawdown --minimize` (a LEAN user's drawdown is positive) ranked the
  // deepest drawdown of an S&P 500 sweep first (−17.65 % before −10.04 %) and wrote its config as
  // best-config.json.
  it('refuses to minimise a metric that is negative for a loss, naming the direction', () => {
    const issues: ConfigIssue[] = [];
    for (const metric of ['maxDrawdown', 'valueAtRisk', 'conditionalValueAtRisk', 'averageLoss']) resolveObjective(metric, 'min', 'objective', issues);
    expect(issues.map((issue) => issue.path)).toEqual(['direction', 'direction', 'direction', 'direction']);
    expect(issues[0]?.message).toBe(
      'minimising maxDrawdown would rank the deepest drawdown first: it is negative (−0.2 is a 20% drawdown), so the smallest loss is its largest value; leave the direction at its default, "max" (no --minimize), to rank the shallowest first',
    );
    expect(issues[3]?.message).toMatch(/^minimising averageLoss would rank the largest average loss first: it is negative \(a loss of 500 is −500\)/);
    // Maximised, or a metric where smaller is better or that is no loss, nothing to say.
    const fine: ConfigIssue[] = [];
    resolveObjective('maxDrawdown', 'max', 'objective', fine);
    resolveObjective('maxDrawdownBars', 'min', 'objective', fine);
    resolveObjective('worstReturn', 'min', 'objective', fine);
    expect(fine).toEqual([]);
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

  it('reads a ratio left null because unboundedly good as +Infinity, and one that is 0 / 0 as no value', () => {
    const max = (metric: 'calmar' | 'sortino' | 'profitFactor') => ({ metric, direction: 'max' as const });
    // Calmar = CAGR / |max drawdown|: +10 % without a drawdown is unbounded; flat without one is 0 / 0.
    expect(objectiveValue(metricsOf({ cagr: 0.1, maxDrawdown: 0 }), max('calmar'))).toBe(Number.POSITIVE_INFINITY);
    expect(objectiveValue(metricsOf({ cagr: 0, maxDrawdown: 0 }), max('calmar'))).toBeNull();
    expect(objectiveValue(metricsOf({ cagr: 0.1, maxDrawdown: -0.05, calmar: 2 }), max('calmar'))).toBe(2);
    // No curve at all (equity at zero or below: no CAGR) is no value.
    expect(objectiveValue(metricsOf({ maxDrawdown: 0 }), max('calmar'))).toBeNull();
    // Sortino = mean excess / downside deviation: no return below the risk-free rate and a positive
    // mean excess (the Sharpe ratio's sign) is unbounded; a Sharpe ratio of 0 is 0 / 0.
    expect(objectiveValue(metricsOf({ sharpe: 11.2, worstReturn: 0 }), max('sortino'))).toBe(Number.POSITIVE_INFINITY);
    expect(objectiveValue(metricsOf({ sharpe: 0, worstReturn: 0 }), max('sortino'))).toBeNull();
    // Returns that do not vary have no Sharpe ratio (a standard deviation below the noise floor): no value.
    expect(objectiveValue(metricsOf({ worstReturn: 0.001, volatility: 0 }), max('sortino'))).toBeNull();
    // Profit factor = gross profit / gross loss: a win and no loss is unbounded; only break-even trades are 0 / 0.
    expect(objectiveValue(metricsOf({ tradeCount: 2, winRate: 0.5, averageWin: 30 }), max('profitFactor'))).toBe(Number.POSITIVE_INFINITY);
    expect(objectiveValue(metricsOf({ tradeCount: 2, winRate: 0 }), max('profitFactor'))).toBeNull();
    expect(objectiveValue(metricsOf({ tradeCount: 2, winRate: 0, averageLoss: -5, profitFactor: 0 }), max('profitFactor'))).toBe(0);
    expect(objectiveValue(metricsOf({}), max('profitFactor'))).toBeNull();
    // The other metrics' nulls stay no value (a Sharpe ratio of a flat curve, a win rate without trades).
    expect(objectiveValue(metricsOf({ volatility: 0, worstReturn: 0.001 }), { metric: 'sharpe', direction: 'max' })).toBeNull();
    expect(objectiveValue(metricsOf({ maxDrawdown: 0, cagr: 0.1 }), { metric: 'winRate', direction: 'max' })).toBeNull();
    expect(objectiveValue(null, max('calmar'))).toBeNull();
  });

  it('ranks an unbounded value first when maximising and last of the values when minimising, ties by index', () => {
    const entries = [
      { index: 0, objective: 3 },
      { index: 1, objective: Number.POSITIVE_INFINITY },
      { index: 2, objective: null },
      { index: 3, objective: Number.POSITIVE_INFINITY },
      { index: 4, objective: -1 },
      { index: 5, objective: Number.NEGATIVE_INFINITY },
    ];
    expect([...entries].sort((a, b) => compareByObjective(a, b, 'max')).map((entry) => entry.index)).toEqual([1, 3, 0, 4, 5, 2]);
    expect([...entries].sort((a, b) => compareByObjective(a, b, 'min')).map((entry) => entry.index)).toEqual([5, 4, 0, 1, 3, 2]);
    // The order does not depend on the order of the input.
    expect([...entries].reverse().sort((a, b) => compareByObjective(a, b, 'max')).map((entry) => entry.index)).toEqual([1, 3, 0, 4, 5, 2]);
  });

  it('writes an unbounded value as the string "Infinity" and reads it back', () => {
    const text = researchJsonText({ objective: Number.POSITIVE_INFINITY, low: Number.NEGATIVE_INFINITY, value: 1.5, none: null });
    expect(text).toBe('{\n  "objective": "Infinity",\n  "low": "-Infinity",\n  "value": 1.5,\n  "none": null\n}\n');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(objectiveFromJson(parsed.objective)).toBe(Number.POSITIVE_INFINITY);
    expect(objectiveFromJson(parsed.low)).toBe(Number.NEGATIVE_INFINITY);
    expect(objectiveFromJson(parsed.value)).toBe(1.5);
    expect(objectiveFromJson(parsed.none)).toBeNull();
    expect(() => objectiveFromJson('inf')).toThrow(/must be a finite number, "Infinity", "-Infinity" or null, got "inf"/);
  });
});
