import { computeMetrics } from '@ensemble/performance';
import { describe, expect, it } from 'vitest';
import { createPalette } from './color';
import { renderMetricComparison, renderMetricGroups } from './metrics-table';

const DAY = 86_400_000;
// Equity 100 → 110 → 99 on three days: total return 99/100 − 1 = −1.00 %; max drawdown
// 99/110 − 1 = −10.00 %; no trades or fills given, so every trade and cost metric is null.
const result = computeMetrics({ equity: { time: [0, DAY, 2 * DAY], equity: [100, 110, 99] } }, { periodsPerYear: 252 });
const flat = computeMetrics({ equity: { time: [0, DAY, 2 * DAY], equity: [100, 100, 100] } }, { periodsPerYear: 252 });

describe('renderMetricGroups', () => {
  it('groups the metrics in two columns with their units formatted and null as —', () => {
    const text = renderMetricGroups(result, { omit: ['benchmark'] });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Returns\s{2,}Trades$/);
    expect(text).toMatch(/^ {2}Start equity\s+100\.00\s/m);
    expect(text).toMatch(/^ {2}Total return\s+-1\.00%\s/m);
    expect(text).toMatch(/^ {2}Max drawdown\s+-10\.00%/m);
    expect(text).toMatch(/^ {2}Bars\s+3\s{2,}Trades\s+—$/m);
    expect(text).toMatch(/Win rate\s+—$/m);
    expect(text).toMatch(/Commission\s+—$/m);
    expect(text).not.toContain('Benchmark');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('takes titles, extra rows, a layout, and colours on request', () => {
    const text = renderMetricGroups(result, {
      layout: [['returns'], ['benchmark']],
      titles: { benchmark: 'Benchmark (SPY)' },
      after: { totalReturn: [['  note', 'hand-worked']] },
    });
    expect(text.split('\n')[0]).toMatch(/^Returns\s+Benchmark \(SPY\)$/);
    expect(text).toMatch(/Total return\s+-1\.00%.*\n {4}note\s+hand-worked/);
    expect(text).not.toContain('Risk');
    const coloured = renderMetricGroups(result, { palette: createPalette(true), layout: [['returns']] });
    expect(coloured).toContain('\u001b[31m-1.00%\u001b[39m');
    expect(coloured).toContain('\u001b[1mReturns\u001b[22m');
  });
});

describe('renderMetricComparison', () => {
  it('one row per metric, one column per result', () => {
    const text = renderMetricComparison(
      [
        { name: 'portfolio', result },
        { name: 'flat', result: flat },
      ],
      ['totalReturn', 'maxDrawdown', 'sharpe'],
    );
    expect(text.split('\n')).toEqual([
      'metric        portfolio   flat',
      'Total return     -1.00%  0.00%',
      'Max drawdown    -10.00%  0.00%',
      // Returns +10 % and −10 %: mean 0, so Sharpe 0.00; the flat curve has no volatility: —.
      'Sharpe             0.00      —',
    ]);
  });
});
