import type { RebalanceRule } from '@ensemble/protocol';

/** A calendar period a rebalance rule can follow. Periods are counted in UTC. */
export type CalendarPeriod = 'week' | 'month' | 'quarter' | 'year';

const DAY_MS = 86_400_000;

/**
 * Months since year 0 (`year × 12 + month − 1`) of an epoch-ms time, in UTC, computed without
 * allocating a `Date` (Howard Hinnant's civil-from-days algorithm).
 */
function monthKey(time: number): number {
  const z = Math.floor(time / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March … 11 = February
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9; // 1..12
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
}

/**
 * A number that is equal for two epoch-ms times exactly when they fall in the same calendar
 * `period` (UTC). Weeks start on Monday (ISO weeks); quarters are Jan–Mar, Apr–Jun, Jul–Sep,
 * Oct–Dec. Allocation-free, for use in hot loops.
 */
export function periodKey(period: CalendarPeriod, time: number): number {
  switch (period) {
    case 'week':
      // 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
      return Math.floor((Math.floor(time / DAY_MS) + 3) / 7);
    case 'month':
      return monthKey(time);
    case 'quarter':
      return Math.floor(monthKey(time) / 3);
    case 'year':
      return Math.floor(monthKey(time) / 12);
  }
}

/**
 * Whether `step` of a timeline is a rebalance step under `rule`, given the step of the last
 * rebalance (`-1` when there was none). Call it only on steps where rebalancing is allowed (after
 * warm-up): the first such call always returns true. Then `bars` fires when `every` steps have
 * passed since the last rebalance; `calendar` fires on the first step whose period differs from
 * the last rebalance's; `never` fires only that first time.
 */
export function isRebalanceStep(
  rule: RebalanceRule,
  time: ArrayLike<number>,
  step: number,
  lastRebalanceStep: number,
): boolean {
  if (lastRebalanceStep < 0) return true;
  switch (rule.kind) {
    case 'never':
      return false;
    case 'bars':
      return step - lastRebalanceStep >= rule.every;
    case 'calendar':
      return (
        periodKey(rule.period, time[step] ?? Number.NaN) !==
        periodKey(rule.period, time[lastRebalanceStep] ?? Number.NaN)
      );
  }
}

/**
 * The signed quantity that holds `weight` (a fraction of `equity`, negative = short) of a symbol
 * priced `price`: `weight × equity / price`, truncated toward zero to whole units unless
 * `fractional`. Returns 0 for a non-positive or non-finite price.
 */
export function targetQuantity(weight: number, equity: number, price: number, fractional: boolean): number {
  if (!(price > 0) || !Number.isFinite(price)) return 0;
  const quantity = (weight * equity) / price;
  if (!Number.isFinite(quantity)) return 0;
  return fractional ? quantity : Math.trunc(quantity);
}
