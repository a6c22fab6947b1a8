/**
 * A plain decimal number as text: `[+-]digits[.digits][e±digits]` or `[+-].digits[e±digits]`
 * (`100000`, `-2.5`, `.5`, `1e6`); not `Infinity`, `NaN`, `0x1F`, `1,000` or blanks. Written so
 * that matching takes linear time whatever the text (`\d+\.?\d*` backtracks quadratically on a
 * long run of digits that ends badly: a million digits took hours).
 */
export const DECIMAL_PATTERN = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * `text` as a number, exactly as `Number()` reads it, when it is a plain decimal number
 * ({@link DECIMAL_PATTERN}); NaN otherwise. A decimal beyond the range of doubles is ±Infinity.
 */
export function parseDecimal(text: string): number {
  return DECIMAL_PATTERN.test(text) ? Number(text) : Number.NaN;
}
