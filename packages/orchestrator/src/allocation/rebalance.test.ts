import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { needsRebalance } from './rebalance';
import type { RebalanceRuleConfig, RebalanceState } from './rebalance';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** Runs a rule over consecutive bars and returns the dates (and reasons) on which it fired. */
function fires(rule: RebalanceRuleConfig, dates: readonly string[]): string[] {
  const fired: string[] = [];
  dates.forEach((date, step) => {
    const decision = needsRebalance(rule, {
      step,
      time: day(date),
      previousTime: step === 0 ? undefined : day(dates[step - 1] ?? ''),
    });
    if (decision.rebalance) fired.push(`${date} ${decision.reason ?? ''}`);
  });
  return fired;
}

describe('calendar schedules', () => {
  it('month: the first bar, then the first bar of each new month', () => {
    const dates = ['2024-01-29', '2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2024-02-29', '2024-03-01'];
    expect(fires({ schedule: 'month' }, dates)).toEqual(['2024-01-29 initial', '2024-02-01 schedule', '2024-03-01 schedule']);
  });

  it('a missing first trading day moves the rebalance to the next bar (year change)', () => {
    // 2024-01-01 is a holiday: the bar after 2023-12-29 is 2024-01-02, which opens a new month, quarter and year.
    const dates = ['2023-12-28', '2023-12-29', '2024-01-02', '2024-01-03'];
    for (const schedule of ['month', 'quarter', 'year'] as const) {
      expect(fires({ schedule }, dates)).toEqual(['2023-12-28 initial', '2024-01-02 schedule']);
    }
  });

  it('quarter fires on the first bar of January, April, July and October only', () => {
    const dates = ['2024-01-02', '2024-02-01', '2024-03-01', '2024-03-28', '2024-04-01', '2024-05-01', '2024-07-01', '2024-10-01'];
    expect(fires({ schedule: 'quarter' }, dates)).toEqual([
      '2024-01-02 initial',
      '2024-04-01 schedule',
      '2024-07-01 schedule',
      '2024-10-01 schedule',
    ]);
  });

  it('year fires once a year', () => {
    const dates = ['2022-06-01', '2022-12-30', '2023-01-03', '2023-06-01', '2023-12-29', '2024-01-02'];
    expect(fires({ schedule: 'year' }, dates)).toEqual(['2022-06-01 initial', '2023-01-03 schedule', '2024-01-02 schedule']);
  });

  it('week starts on Monday (UTC), also before 1970', () => {
    // 2024-01-05 is a Friday, 01-07 a Sunday, 01-08 a Monday.
    const dates = ['2024-01-04', '2024-01-05', '2024-01-07', '2024-01-08', '2024-01-09', '2024-01-15'];
    expect(fires({ schedule: 'week' }, dates)).toEqual(['2024-01-04 initial', '2024-01-08 schedule', '2024-01-15 schedule']);
    // 1969-12-28 was a Sunday, 1969-12-29 a Monday.
    expect(fires({ schedule: 'week' }, ['1969-12-27', '1969-12-28', '1969-12-29', '1970-01-04', '1970-01-05'])).toEqual([
      '1969-12-27 initial',
      '1969-12-29 schedule',
      '1970-01-05 schedule',
    ]);
  });

  it('uses UTC: 23:59 and 00:00 UTC of the next day are in different months', () => {
    const previous = Date.parse('2024-01-31T23:59:00Z');
    const time = Date.parse('2024-02-01T00:00:00Z');
    expect(needsRebalance({ schedule: 'month' }, { step: 5, time, previousTime: previous }).reason).toBe('schedule');
    expect(needsRebalance({ schedule: 'month' }, { step: 6, time: Date.parse('2024-02-01T23:59:59.999Z'), previousTime: time }).reason).toBeNull();
  });
});

describe('bar schedules', () => {
  const steps = (rule: RebalanceRuleConfig, count: number) =>
    Array.from({ length: count }, (_, step) => step).filter(
      (step) => needsRebalance(rule, { step, time: step * 86_400_000, previousTime: (step - 1) * 86_400_000 }).rebalance,
    );

  it('every N bars counts from the first bar', () => {
    expect(steps({ schedule: { everyBars: 3 } }, 11)).toEqual([0, 3, 6, 9]);
    expect(steps({ schedule: { everyBars: 1 } }, 4)).toEqual([0, 1, 2, 3]);
  });

  it('never fires only on the first bar (the initial allocation)', () => {
    expect(steps({ schedule: 'never' }, 50)).toEqual([0]);
    expect(needsRebalance({ schedule: 'never' }, { step: 0, time: 0 })).toEqual({
      rebalance: true,
      reason: 'initial',
      reasons: ['initial'],
      drift: null,
    });
  });
});

describe('drift bands', () => {
  const state = (actual: number[], target: number[], step = 7): RebalanceState => ({
    step,
    time: day('2024-01-10'),
    previousTime: day('2024-01-09'),
    actualWeights: actual,
    targetWeights: target,
  });

  it('absolute: fires when any |actual − target| exceeds the band, not at it', () => {
    const rule: RebalanceRuleConfig = { schedule: 'never', drift: { absolute: 0.125 } };
    // 0.625 − 0.5 = 0.125 exactly (binary fractions): at the band, no rebalance.
    expect(needsRebalance(rule, state([0.625, 0.375], [0.5, 0.5])).rebalance).toBe(false);
    const over = needsRebalance(rule, state([0.375, 0.6875], [0.5, 0.5]));
    expect(over).toMatchObject({ rebalance: true, reason: 'drift-absolute', reasons: ['drift-absolute'] });
    expect(over.drift).toMatchObject({ absolute: 0.1875, absoluteSleeve: 1 });
  });

  it('relative: fires when any |actual / target − 1| exceeds the band', () => {
    // Target 0.1 / 0.9, actual 0.13 / 0.87: absolute drift 0.03 (under 0.05), relative 0.3 for sleeve 0.
    const rule: RebalanceRuleConfig = { schedule: 'never', drift: { absolute: 0.05, relative: 0.25 } };
    const decision = needsRebalance(rule, state([0.13, 0.87], [0.1, 0.9]));
    expect(decision.reasons).toEqual(['drift-relative']);
    expect(decision.drift?.relativeSleeve).toBe(0);
    expect(Math.abs((decision.drift?.relative ?? 0) - 0.3)).toBeLessThan(1e-12);
    expect(needsRebalance({ schedule: 'never', drift: { relative: 0.35 } }, state([0.13, 0.87], [0.1, 0.9])).rebalance).toBe(false);
  });

  it('a zero target with a non-zero weight is infinite relative drift; zero and zero is none', () => {
    const rule: RebalanceRuleConfig = { schedule: 'never', drift: { relative: 10 } };
    expect(needsRebalance(rule, state([0.01, 0.99], [0, 1])).drift?.relative).toBe(Number.POSITIVE_INFINITY);
    expect(needsRebalance(rule, state([0, 1], [0, 1])).rebalance).toBe(false);
  });

  it('combines with the schedule and lists every rule that fired', () => {
    const rule: RebalanceRuleConfig = { schedule: 'month', drift: { absolute: 0.05, relative: 0.1 } };
    const decision = needsRebalance(rule, { ...state([0.6, 0.4], [0.5, 0.5]), time: day('2024-02-01'), previousTime: day('2024-01-31') });
    expect(decision).toMatchObject({ rebalance: true, reason: 'schedule', reasons: ['schedule', 'drift-absolute', 'drift-relative'] });
    // Mid-month, the bands alone decide.
    expect(needsRebalance(rule, state([0.52, 0.48], [0.5, 0.5])).rebalance).toBe(false);
    expect(needsRebalance(rule, state([0.58, 0.42], [0.5, 0.5])).reasons).toEqual(['drift-absolute', 'drift-relative']);
  });

  it('does not check drift on the first bar, and needs both weight vectors after it', () => {
    const rule: RebalanceRuleConfig = { schedule: 'never', drift: { absolute: 0.05 } };
    expect(needsRebalance(rule, { step: 0, time: 0 }).reason).toBe('initial');
    expect(() => needsRebalance(rule, { step: 1, time: 1, previousTime: 0, actualWeights: [1] })).toThrow(
      /drift bands need both actualWeights and targetWeights/,
    );
    expect(() => needsRebalance(rule, state([1], [0.5, 0.5]))).toThrow(/has 1 weights but targetWeights has 2/);
  });
});

describe('invalid input', () => {
  it('names what is missing or wrong', () => {
    expect(() => needsRebalance({ schedule: 'month' }, { step: 3, time: 0 })).toThrow(/needs the previous bar's time/);
    expect(() => needsRebalance({ schedule: { everyBars: 0 } }, { step: 3, time: 0 })).toThrow(/everyBars: must be an integer ≥ 1/);
    expect(() => needsRebalance({ schedule: 'never' }, { step: -1, time: 0 })).toThrow(ConfigError);
  });
});
