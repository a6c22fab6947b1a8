import type { PortfolioContext } from '@ensemble/protocol';
import { setWeight } from './set-weight';

/** The smallest double above `value` (for a positive finite `value`). */
function nextUp(value: number): number {
  const bits = new Float64Array([value]);
  const integer = new BigUint64Array(bits.buffer);
  integer[0] = (integer[0] ?? 0n) + 1n;
  return bits[0] ?? value;
}

/**
 * The weight that keeps `quantity` (signed) units priced at `price` in an account worth `equity`,
 * as the engine reads a weight (`weight × equity / price` units, truncated toward zero in whole
 * units): the weight itself, moved up by ulps until it gives back at least `quantity`'s size, so
 * that rounding never makes it one unit less. NaN when it cannot be expressed (no positive equity
 * or price).
 */
function holdingWeight(quantity: number, price: number, equity: number): number {
  if (!(equity > 0 && price > 0 && Number.isFinite(equity) && Number.isFinite(price))) return Number.NaN;
  const size = Math.abs(quantity);
  let weight = (size * price) / equity;
  for (let step = 0; step < 8 && (weight * equity) / price < size; step++) weight = nextUp(weight);
  return quantity < 0 ? -weight : weight;
}

/**
 * What a portfolio strategy holds in symbols with no bar at this step (a holiday of their exchange,
 * a gap in the data): such a position cannot trade now, so it keeps its weight — its value at its
 * last close over the account's equity — and the symbols that can trade share what is left. Giving
 * it no weight would order it sold at its next bar, after the others were bought with its share.
 * `weights` holds those symbols' weights and `total` their sum.
 */
export function heldWithoutBar(context: PortfolioContext): { readonly weights: Readonly<Record<string, number>>; readonly total: number } {
  const weights: Record<string, number> = {};
  let total = 0;
  if (context.positions.size === 0) return { weights, total };
  const tradable = new Set(context.tradable);
  for (const [symbol, position] of context.positions) {
    if (tradable.has(symbol) || position.quantity === 0) continue;
    const price = context.bars(symbol)?.close() ?? Number.NaN;
    const weight = holdingWeight(position.side === 'short' ? -position.quantity : position.quantity, price, context.account.equity);
    if (Number.isNaN(weight)) continue;
    setWeight(weights, symbol, weight);
    total += weight;
  }
  return { weights, total };
}

/**
 * The symbols with no bar at this step, no position and a history whose last bar is no older than
 * the latest of the tradable symbols' previous bars: they traded at the last step the others
 * traded before this one, so their market is taken to be closed today (a holiday of
 * their exchange, a gap in their data), and a portfolio strategy gives them their share now — the
 * engine keeps the order for the symbol's next bar, sized at its last close, as LEAN turns an
 * order on a closed market into one at the next open. A symbol whose last bar is older (its data
 * ended, or a closure of more than one of the others' steps) waits for a rebalance where it has a
 * bar, as does one with no bar yet. None without a tradable symbol to compare with.
 */
export function waitingForBar(context: PortfolioContext): readonly string[] {
  const { symbols, tradable } = context;
  if (symbols.length === tradable.length) return [];
  let previous = Number.NEGATIVE_INFINITY;
  for (const symbol of tradable) {
    const bars = context.bars(symbol);
    if (bars === null || bars.length < 2) continue;
    const time = bars.history('time')[bars.length - 2] ?? Number.NaN;
    if (time > previous) previous = time;
  }
  if (previous === Number.NEGATIVE_INFINITY) return [];
  const open = new Set(tradable);
  const waiting: string[] = [];
  for (const symbol of symbols) {
    if (open.has(symbol) || (context.positions.get(symbol)?.quantity ?? 0) !== 0) continue;
    const bars = context.bars(symbol);
    if (bars !== null && bars.time >= previous) waiting.push(symbol);
  }
  return waiting;
}
