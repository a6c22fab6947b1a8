import { MAX_QUANTITY } from '@ensemble/protocol';
import type { FillReason } from '@ensemble/protocol';
import type { FillLog } from './ledger-log';

/**
 * True when a fill is at the quantity cap: an entry or a portfolio strategy's order (`rebalance`)
 * of exactly `MAX_QUANTITY` (2^53 − 1) units that opens or adds to a position — `after`, the
 * position it leaves (units, negative: a short), is on its side. Whole-unit sizing never goes
 * above the cap, so such an order may have been asked to trade more; a fill that only closes or
 * reduces a position (an exit, a cover) is not at the cap, whatever its size.
 */
export function isCappedFill(reason: FillReason, direction: 1 | -1, quantity: number, after: number): boolean {
  return quantity === MAX_QUANTITY && (reason === 'entry' || reason === 'rebalance') && (direction === 1 ? after > 0 : after < 0);
}

/**
 * How many fills of `log` are at the quantity cap ({@link isCappedFill}), positions followed from
 * flat through every fill of the log. One pass over the quantities when none is at the cap.
 */
export function cappedFillCount(log: FillLog, symbolCount: number): number {
  const length = log.length;
  let any = false;
  for (let i = 0; i < length && !any; i++) any = log.quantity(i) === MAX_QUANTITY;
  if (!any) return 0;
  const position = new Float64Array(symbolCount);
  let count = 0;
  for (let i = 0; i < length; i++) {
    const k = log.symbolIndex(i);
    const direction = log.direction(i);
    const quantity = log.quantity(i);
    const after = (position[k] ?? 0) + direction * quantity;
    position[k] = after;
    if (isCappedFill(log.reason(i), direction, quantity, after)) count++;
  }
  return count;
}
