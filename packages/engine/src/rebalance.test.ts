import { describe, expect, it } from 'vitest';
import { day } from '../test/helpers';
import { isRebalanceStep, targetQuantity } from './rebalance';

describe('isRebalanceStep', () => {
  const dates = ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2024-03-28', '2024-04-01', '2024-04-02', '2025-01-02'];
  const times = Float64Array.from(dates, day);

  /** Steps a rule fires on when the caller rebalances whenever it fires, from `first` on. */
  function firing(rule: Parameters<typeof isRebalanceStep>[0], first = 0): string[] {
    const fired: string[] = [];
    let last = -1;
    for (let step = first; step < times.length; step++) {
      if (isRebalanceStep(rule, times, step, last)) {
        fired.push(dates[step] ?? '?');
        last = step;
      }
    }
    return fired;
  }

  it('fires monthly on the first step, then on the first step of each new month', () => {
    expect(firing({ kind: 'calendar', period: 'month' })).toEqual(['2024-01-30', '2024-02-01', '2024-03-28', '2024-04-01', '2025-01-02']);
  });

  it('fires quarterly and yearly the same way', () => {
    expect(firing({ kind: 'calendar', period: 'quarter' })).toEqual(['2024-01-30', '2024-04-01', '2025-01-02']);
    expect(firing({ kind: 'calendar', period: 'year' })).toEqual(['2024-01-30', '2025-01-02']);
  });

  it('starts from the first eligible step, whatever its date (warm-up)', () => {
    expect(firing({ kind: 'calendar', period: 'month' }, 3)).toEqual(['2024-02-02', '2024-03-28', '2024-04-01', '2025-01-02']);
  });

  it('fires every N steps after the last rebalance', () => {
    expect(firing({ kind: 'bars', every: 3 })).toEqual(['2024-01-30', '2024-02-02', '2024-04-02']);
    expect(firing({ kind: 'bars', every: 1 })).toEqual(dates);
  });

  it('fires only once with never', () => {
    expect(firing({ kind: 'never' }, 2)).toEqual(['2024-02-01']);
  });
});

describe('targetQuantity', () => {
  it('is weight × equity / price, truncated toward zero for whole units', () => {
    // 0.5 × 10 000 / 120 = 41.666…
    expect(targetQuantity(0.5, 10_000, 120, true)).toBeCloseTo(41.6666666667, 9);
    expect(targetQuantity(0.5, 10_000, 120, false)).toBe(41);
    expect(targetQuantity(-0.5, 10_000, 120, false)).toBe(-41);
  });

  it('is 0 without a usable price', () => {
    expect(targetQuantity(0.5, 10_000, 0, true)).toBe(0);
    expect(targetQuantity(0.5, 10_000, Number.NaN, true)).toBe(0);
  });
});
