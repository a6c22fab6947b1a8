import { ConfigError, quoteValue } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { METRIC_DESCRIPTIONS, describeMetric, unboundedMetricText } from './metric-descriptions';
import { computeMetrics } from './performance-calculator';
import type { MetricName } from './types';

describe('METRIC_DESCRIPTIONS', () => {
  it('describes every metric of the result exactly once, in the result order', () => {
    const metrics = computeMetrics({ equity: { time: [0, 86_400_000], equity: [1, 2] } }).metrics;
    expect(METRIC_DESCRIPTIONS.map((entry) => entry.name)).toEqual(Object.keys(metrics));
  });

  it('has a label, a known unit and group, and a description for each', () => {
    const units = new Set(['ratio', 'percent', 'currency', 'bars', 'days', 'count']);
    const groups = new Set(['returns', 'risk', 'trades', 'exposure', 'benchmark']);
    for (const entry of METRIC_DESCRIPTIONS) {
      expect(entry.label.length).toBeGreaterThan(0);
      expect(entry.description.length).toBeGreaterThan(10);
      expect(units.has(entry.unit)).toBe(true);
      expect(groups.has(entry.group)).toBe(true);
    }
    expect(new Set(METRIC_DESCRIPTIONS.map((entry) => entry.label)).size).toBe(METRIC_DESCRIPTIONS.length);
  });

  it('looks one up by name and rejects unknown names', () => {
    expect(describeMetric('sharpe')).toMatchObject({ label: 'Sharpe', unit: 'ratio' });
    expect(describeMetric('maxDrawdown').unit).toBe('percent');
    expect(() => describeMetric('nope' as MetricName)).toThrow(ConfigError);
    // A name from outside is echoed escaped and cut, as every value in a message is.
    const name = `\u001b[2J${'x'.repeat(200)}`;
    expect(quoteValue(name)).toMatch(/^"\\x1b\[2Jx+…" \(204 chars\)$/);
    expect(() => describeMetric(name as MetricName)).toThrow(`unknown metric ${quoteValue(name)}; known metrics:`);
  });
});

// Regression: an unboundedly good objective read "∞" with no reason, in the sweep summary and the research report.
describe('unboundedMetricText', () => {
  it('says why a ratio is unboundedly good: the zero it divides by', () => {
    expect(unboundedMetricText('calmar')).toBe('∞ (no drawdown)');
    expect(unboundedMetricText('sortino')).toBe('∞ (no return below the risk-free rate)');
    expect(unboundedMetricText('profitFactor')).toBe('∞ (no losing trade)');
    expect(unboundedMetricText('sharpe')).toBe('∞');
  });
});
