import type { CalendarPeriod } from '@ensemble/protocol';
import { checkArguments, describeGiven, monthIndexOf, monthStartMs } from '@ensemble/protocol';
import { columnIssue } from './internal/arguments';
import type { PeriodReturn } from './types';

/** The calendar periods {@link calendarReturns} compounds over: the protocol's months and years. */
export type CalendarReturnPeriod = Extract<CalendarPeriod, 'month' | 'year'>;

/**
 * Compounded returns per calendar month or year in UTC: for each period holding returns
 * `r_a … r_b` (a return belongs to the period of its bar), `V_b / V_{a−1} − 1`, which equals
 * `Π (1 + r_t) − 1`. The first period is measured from the first bar. Periods without a return
 * are skipped; a period whose base value is not positive (or whose return overflows) has a null
 * return. `time` is epoch ms.
 */
export function calendarReturns(
  time: ArrayLike<number>,
  equity: ArrayLike<number>,
  period: CalendarReturnPeriod,
): PeriodReturn[] {
  checkArguments('calendarReturns', [
    columnIssue(time, 'time', "the curve's times in epoch ms"),
    columnIssue(equity, 'equity', 'an equity curve'),
    periodIssue(period),
  ]);
  const rows: PeriodReturn[] = [];
  const length = Math.min(time.length, equity.length);
  if (length < 2) return rows;
  let monthIndex = 0;
  let periodEnd = Number.NEGATIVE_INFINITY;
  let firstIndex = 1;
  for (let i = 1; i < length; i++) {
    const t = time[i] ?? Number.NaN;
    if (t >= periodEnd) {
      if (i > 1) rows.push(periodRow(time, equity, period, monthIndex, firstIndex, i - 1));
      firstIndex = i;
      monthIndex = monthIndexOf(t);
      periodEnd = monthStartMs(period === 'month' ? monthIndex + 1 : (Math.floor(monthIndex / 12) + 1) * 12);
    }
  }
  rows.push(periodRow(time, equity, period, monthIndex, firstIndex, length - 1));
  return rows;
}

/** The row of the period holding returns `firstIndex..lastIndex`, based on the value before them. */
function periodRow(
  time: ArrayLike<number>,
  equity: ArrayLike<number>,
  period: CalendarReturnPeriod,
  monthIndex: number,
  firstIndex: number,
  lastIndex: number,
): PeriodReturn {
  const base = equity[firstIndex - 1] ?? Number.NaN;
  const compounded = base > 0 ? (equity[lastIndex] ?? Number.NaN) / base - 1 : Number.NaN;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return {
    label: period === 'month' ? `${year}-${month < 10 ? '0' : ''}${month}` : String(year),
    year,
    month: period === 'month' ? month : null,
    start: time[firstIndex] ?? Number.NaN,
    end: time[lastIndex] ?? Number.NaN,
    bars: lastIndex - firstIndex + 1,
    // `+ 0` turns −0 into 0.
    return: Number.isFinite(compounded) ? compounded + 0 : null,
  };
}

/** The problem with the period to compound over (null when there is none): `month` or `year`. */
function periodIssue(period: unknown): { path: string; message: string } | null {
  if (period === 'month' || period === 'year') return null;
  return { path: 'period', message: `must be "month" or "year"; got ${describeGiven(period)}` };
}
