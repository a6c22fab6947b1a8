import { describe, expect, it } from 'vitest';
import { planOutline } from './plan-outline';

describe('planOutline', () => {
  it('words the objective, each parameter (an even range as one) and the base config without the varied values', () => {
    const outline = planOutline(
      [
        { name: 'fast', path: 'params.fast', values: Array.from({ length: 20 }, (_, i) => 5 + 5 * i) },
        { name: 'k', path: 'params.k', values: [1, 1.5, 2] },
        { name: 'scheme', path: 'allocation.scheme', values: ['equal', 'risk-parity', 'fixed', 'equal', 'risk-parity', 'fixed', 'equal', 'risk-parity', 'fixed'] },
      ],
      { metric: 'sharpe', direction: 'max' },
      { strategy: 'sma-crossover', params: { fast: 5, slow: 50, k: 1 }, allocation: { scheme: 'equal' } },
      { windows: 'rolling, 3 windows' },
    );
    expect(outline).toEqual({
      objective: 'sharpe, maximised',
      'parameter fast': 'params.fast = 5…100 by 5 (20 values)',
      'parameter k': 'params.k = 1, 1.5, 2',
      'parameter scheme': 'allocation.scheme = equal, risk-parity, fixed, equal, risk-parity, …, fixed (9 values)',
      'base config': JSON.stringify({ strategy: 'sma-crossover', params: { fast: '(varied)', slow: 50, k: '(varied)' }, allocation: { scheme: '(varied)' } }),
      windows: 'rolling, 3 windows',
    });
  });
});
