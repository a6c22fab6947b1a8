import type { RebalanceRule } from '@ensemble/protocol';
import { calendarPeriodKey } from '@ensemble/protocol';

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
        calendarPeriodKey(time[step] ?? Number.NaN, rule.period) !==
        calendarPeriodKey(time[lastRebalanceStep] ?? Number.NaN, rule.period)
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
