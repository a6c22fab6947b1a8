/**
 * Sets `symbol`'s weight in `weights` as an own property. A plain assignment to a symbol named
 * `__proto__` calls `Object.prototype`'s setter instead, which ignores a number: the symbol got
 * no weight, and its share stayed in cash.
 */
export function setWeight(weights: Record<string, number>, symbol: string, weight: number): void {
  if (symbol === '__proto__') Object.defineProperty(weights, symbol, { value: weight, enumerable: true, writable: true, configurable: true });
  else weights[symbol] = weight;
}
