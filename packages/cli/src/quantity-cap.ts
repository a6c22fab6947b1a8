import { MAX_QUANTITY, echoValue, formatPrice } from '@ensemble/protocol';
import type { Fill } from '@ensemble/protocol';
import { formatCount, formatMoney } from './format';

/**
 * The note for the `capped` orders of a result (its `orders.capped`: entries and portfolio
 * strategies' orders filled at `MAX_QUANTITY`, 2^53 − 1 whole units, the most the engine sizes),
 * or null when there were none. Such an order bought or sold less than its sizing asked — 100 % of
 * 1e6 at a price of 2e-12 is 5e17 units, and the cap spends 18 of it — which the other counts do
 * not show (it is neither shrunk nor rejected). Prices quoted per million units trade the same
 * value in full, and so do fractional units (`fractional`: how the user turns them on), which are
 * not capped. `format` writes a fill's time.
 */
export function quantityCapNote(fills: readonly Fill[], capped: number | undefined, format: (time: number) => string, fractional: string): string | null {
  if (capped === undefined || capped === 0) return null;
  const first = fills.find((fill) => fill.quantity === MAX_QUANTITY && (fill.reason === 'entry' || fill.reason === 'rebalance'));
  const where = first === undefined ? '' : ` (${capped === 1 ? '' : 'the first: '}${echoValue(first.symbol)} on ${format(first.time)} at ${formatPrice(first.price)}, worth ${formatMoney(first.price * first.quantity)})`;
  const orders = capped === 1 ? `1 order${where}` : `${formatCount(capped)} orders${where}`;
  return (
    `${orders} reached ${formatCount(MAX_QUANTITY)} units (2^53 − 1, the most the engine sizes in whole units: whole numbers stop being exact above it), so ${capped === 1 ? 'it' : 'each'} traded less than its sizing asked. ` +
    `Quote prices this small per million units (multiply the prices, and divide the volumes, by 1,000,000): the same values then trade in full, as they do in fractional units (${fractional}), which are not capped`
  );
}
