import { MAX_QUANTITY, echoValue, formatPrice } from '@ensemble/protocol';
import type { Fill } from '@ensemble/protocol';
import { formatCount, formatMoney } from './format';

/**
 * The note for orders that reached `MAX_QUANTITY` (2^53 − 1 units, the most the engine sizes, as
 * whole numbers stop being exact above it), or null when none did. Such an order bought or sold
 * less than its sizing asked — 100 % of 1e6 at a price of 2e-12 is 5e17 units, and the cap spends
 * 18 of it — which the order counts do not show (it is neither shrunk nor rejected). Prices quoted
 * per million units trade the same value in full. `format` writes a fill's time.
 */
export function quantityCapNote(fills: readonly Fill[], format: (time: number) => string): string | null {
  let count = 0;
  let first: Fill | undefined;
  for (const fill of fills) {
    if (!(Math.abs(fill.quantity) >= MAX_QUANTITY)) continue;
    count += 1;
    first ??= fill;
  }
  if (first === undefined) return null;
  const where = `${echoValue(first.symbol)} on ${format(first.time)} at ${formatPrice(first.price)}, worth ${formatMoney(first.price * Math.abs(first.quantity))}`;
  const orders = count === 1 ? `1 order (${where})` : `${formatCount(count)} orders (the first: ${where})`;
  return (
    `${orders} reached ${formatCount(MAX_QUANTITY)} units (2^53 − 1, the most the engine sizes: whole numbers stop being exact above it), so ${count === 1 ? 'it' : 'each'} traded less than its sizing asked. ` +
    'Quote prices this small per million units (multiply the prices, and divide the volumes, by 1,000,000): the same values then trade in full'
  );
}
