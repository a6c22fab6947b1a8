import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../bars';
import type { SeriesCursor } from '../context';
import { LookaheadError } from '../errors';
import type { PortfolioStrategy, Strategy } from '../strategy';
import { zigzagSeries } from './fixtures.test-helpers';
import { checkLookahead } from './lookahead';

function movingAverage(values: Float64Array, period: number, shift = 0): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let i = 0; i < values.length; i++) {
    const end = i + shift;
    if (end - period + 1 < 0 || end >= values.length) continue;
    let sum = 0;
    for (let k = end - period + 1; k <= end; k++) sum += values[k] ?? 0;
    out[i] = sum / period;
  }
  return out;
}

/** Honest: a 5-bar SMA of bars 0..i. */
const honest: Strategy = {
  id: 'honest-sma',
  warmup: 5,
  indicators: (series: BarSeries) => ({ sma: movingAverage(series.close, 5) }),
  shouldEnter: (context) => (context.close() > context.indicator('sma') ? { side: 'long' } : null),
  shouldExit: (context) => context.close() < context.indicator('sma'),
};

/** Peeks: its "SMA" at bar i ends at bar i + 1. */
const peeking: Strategy = {
  ...honest,
  id: 'peeking-sma',
  indicators: (series: BarSeries) => ({ sma: movingAverage(series.close, 5, 1) }),
};

const series = zigzagSeries('ZZ', 120);

describe('checkLookahead', () => {
  it('passes an honest strategy and counts its comparisons', () => {
    const report = checkLookahead(honest, series);
    expect(report.ok).toBe(true);
    expect(report.violations).toEqual([]);
    expect(report.comparisons).toBeGreaterThan(1000);
  });

  it('catches a strategy whose indicator uses the next bar', () => {
    const report = checkLookahead(peeking, series, { throwOnViolation: false });
    expect(report.ok).toBe(false);
    const first = report.violations[0];
    expect(first?.symbol).toBe('ZZ');
    // The decision that changes is the one on the last bar of a truncated history.
    expect(first?.index).toBe((first?.truncatedAt ?? 0) - 1);
    expect(() => checkLookahead(peeking, series)).toThrow(LookaheadError);
    expect(() => checkLookahead(peeking, series)).toThrow(/peeking-sma.*decision\(s\) changed/s);
  });

  it('catches a peek several bars ahead, on several series', () => {
    const farPeek: Strategy = { ...honest, id: 'far', indicators: (s: BarSeries) => ({ sma: movingAverage(s.close, 5, 4) }) };
    const report = checkLookahead(farPeek, [series, zigzagSeries('YY', 80, 3)], { throwOnViolation: false });
    expect(new Set(report.violations.map((v) => v.symbol))).toEqual(new Set(['ZZ', 'YY']));
  });

  it('checks exits as well as entries', () => {
    const exitPeek: Strategy = {
      id: 'exit-peek',
      warmup: 2,
      indicators: (s: BarSeries) => ({ next: Float64Array.from(s.close, (_, i) => s.close[i + 1] ?? Number.NaN) }),
      shouldEnter: () => null,
      shouldExit: (context) => context.indicator('next') < context.close(),
    };
    const report = checkLookahead(exitPeek, series, { throwOnViolation: false });
    expect(report.violations.some((v) => v.decision === 'exit-long')).toBe(true);
    expect(report.violations.every((v) => v.decision !== 'enter')).toBe(true);
  });

  const momentum: PortfolioStrategy = {
    kind: 'portfolio',
    id: 'momentum',
    warmup: 10,
    rebalance: { kind: 'calendar', period: 'month' },
    targetWeights: (context) => {
      const scores = context.tradable.map((symbol) => {
        const bars = context.bars(symbol);
        return bars === null ? 0 : bars.close() / bars.close(9) - 1;
      });
      const best = context.tradable[scores.indexOf(Math.max(...scores))];
      return best === undefined ? {} : { [best]: 1 };
    },
  };

  it('passes an honest portfolio strategy', () => {
    expect(checkLookahead(momentum, [series, zigzagSeries('YY', 100, 11)]).ok).toBe(true);
  });

  it('catches a portfolio strategy that reads past its views', () => {
    const cheat: PortfolioStrategy = {
      ...momentum,
      id: 'cheat',
      targetWeights: (context) => {
        const scores = context.tradable.map((symbol) => {
          const cursor = context.bars(symbol) as SeriesCursor | null;
          if (cursor === null) return 0;
          const next = cursor.series.close[cursor.index + 1];
          return next === undefined ? 0 : next / cursor.close() - 1;
        });
        const best = context.tradable[scores.indexOf(Math.max(...scores))];
        return best === undefined ? {} : { [best]: 1 };
      },
    };
    const report = checkLookahead(cheat, [series, zigzagSeries('YY', 100, 11)], { throwOnViolation: false });
    expect(report.ok).toBe(false);
    expect(report.violations[0]?.decision).toBe('weights');
  });
});
