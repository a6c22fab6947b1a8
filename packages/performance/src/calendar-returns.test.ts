import { describe, expect, it } from 'vitest';
import { calendarReturns } from './calendar-returns';

describe('calendarReturns', () => {
  /*
   * 2020-12-30: 100 (base), 2020-12-31: 110 → Dec 2020 = 110/100 − 1 = 0.10
   * 2021-01-04: 99, 2021-01-29: 121 → Jan 2021 = 121/110 − 1 = 0.10
   * (no bar in February)
   * 2021-03-01: 108.9 → Mar 2021 = 108.9/121 − 1 = −0.10
   * years: 2020 = 0.10; 2021 = 108.9/110 − 1 = −0.01
   */
  const time = ['2020-12-30', '2020-12-31', '2021-01-04', '2021-01-29', '2021-03-01'].map((d) => Date.parse(`${d}T00:00:00Z`));
  const equity = [100, 110, 99, 121, 108.9];

  it('compounds each UTC month from the last value before it, skipping empty months', () => {
    const rows = calendarReturns(time, equity, 'month');
    expect(rows.map((row) => [row.label, row.year, row.month, row.bars])).toEqual([
      ['2020-12', 2020, 12, 1],
      ['2021-01', 2021, 1, 2],
      ['2021-03', 2021, 3, 1],
    ]);
    expect(rows[0]?.return).toBeCloseTo(0.1, 14);
    expect(rows[1]?.return).toBeCloseTo(0.1, 14);
    expect(rows[2]?.return).toBeCloseTo(-0.1, 14);
    expect(rows[1]).toMatchObject({ start: time[2], end: time[3] });
  });

  it('compounds years', () => {
    const rows = calendarReturns(time, equity, 'year');
    expect(rows.map((row) => [row.label, row.month, row.bars])).toEqual([
      ['2020', null, 1],
      ['2021', null, 3],
    ]);
    expect(rows[0]?.return).toBeCloseTo(0.1, 14);
    expect(rows[1]?.return).toBeCloseTo(-0.01, 14);
  });

  it('uses UTC: 23:30 on the last day of a month belongs to that month', () => {
    const t = [Date.UTC(2021, 0, 31, 12), Date.UTC(2021, 0, 31, 23, 30), Date.UTC(2021, 1, 1, 0, 0)];
    const rows = calendarReturns(t, [100, 101, 102], 'month');
    expect(rows.map((row) => row.label)).toEqual(['2021-01', '2021-02']);
  });

  it('lists nothing with fewer than two bars and null for a non-positive base', () => {
    expect(calendarReturns([1], [1], 'month')).toEqual([]);
    const rows = calendarReturns([Date.UTC(2021, 0, 1), Date.UTC(2021, 1, 1), Date.UTC(2021, 2, 1)], [10, 0, 5], 'month');
    expect(rows.map((row) => row.return)).toEqual([-1, null]);
  });
});
