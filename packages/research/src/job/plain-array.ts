/**
 * `values[from…]` as a plain array, copied by index: `Array.from` of a typed array goes through its
 * iterator, which costs about as much as a short backtest on 5,000 bars.
 */
export function plainArray(values: ArrayLike<number>, from = 0): number[] {
  const start = Math.min(Math.max(from, 0), values.length);
  const out = new Array<number>(values.length - start);
  for (let i = start; i < values.length; i++) out[i - start] = values[i] ?? Number.NaN;
  return out;
}
