import { describe, expect, it } from 'vitest';
import { ConfigError, PERIODS_PER_YEAR_RULE } from '@ensemble/protocol';
import { strategyRegistry } from '@ensemble/strategies';
import { parseBacktestRunConfig } from './backtest-config';

const base = { strategy: 'buy-and-hold', data: { dataset: 'sp500' } };

function issuesOf(input: unknown): readonly { readonly path: string; readonly message: string }[] {
  try {
    parseBacktestRunConfig(input, strategyRegistry, 'best-config.json');
  } catch (error) {
    if (ConfigError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('backtest config periodsPerYear', () => {
  // 1e300 and 1e-300 ran: CAGR "—" and 0.00 %.
  it('is refused outside 0.01 to 31,536,000,000, at "periodsPerYear" with the range, as in a run config', () => {
    for (const periodsPerYear of [1e300, 1e-300, 0, 0.005, 31_536_000_001]) {
      expect(issuesOf({ ...base, periodsPerYear })).toEqual([
        { path: 'periodsPerYear', message: PERIODS_PER_YEAR_RULE },
      ]);
    }
    for (const periodsPerYear of [0.01, 252, 31_536_000_000]) expect(parseBacktestRunConfig({ ...base, periodsPerYear }, strategyRegistry).periodsPerYear).toBe(periodsPerYear);
  });
});
