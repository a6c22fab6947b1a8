/** Shown for a number that cannot be computed or written (null, NaN, ±Infinity). */
export const MISSING = '—';

/**
 * Magnitude from which numbers are written in exponent form: where `toFixed` switches to it on
 * its own, with all 17 significant digits (`-1.0000000000000002e+22`).
 */
export const EXPONENT_FROM = 1e21;

/** `digits` (a whole number's digits) with `,` between each group of three. */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * `value` with exactly `decimals` decimals and `,` thousands separators, independent of the
 * locale (`-1234.5` → `-1,234.50`); a value that rounds to zero loses its minus sign (`-0.001`
 * at 2 decimals is `0.00`); a non-finite value is {@link MISSING}. From {@link EXPONENT_FROM} on
 * (a run that lost a thousand trillion times its cash), in exponent form with `decimals`
 * decimals, at least 2: `-1.00e+22`. The terminal tables and the reports write numbers with it.
 */
export function formatNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return MISSING;
  if (Math.abs(value) >= EXPONENT_FROM) return value.toExponential(Math.max(2, decimals));
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const negative = value < 0 && /[1-9]/.test(fixed);
  return `${negative ? '-' : ''}${groupThousands(whole)}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** A quantity of units: whole numbers as such, fractional ones with up to 6 decimals (`12.5`, `0.000311`). */
export function formatQuantity(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= EXPONENT_FROM) return formatNumber(value, 0);
  return formatNumber(value, 6).replace(/\.?0+$/, '');
}

/**
 * Decimals a price is written with: 2 from 1 up (and for 0), and below 1 enough to show four
 * significant digits, at least 4 (`0.5000`, `0.01234`, `0.00001234`), so that a price of a
 * fraction of a cent is not written `0.0000`. Prices of market data are at least 1e-12
 * (`MIN_PRICE`), which takes 15 decimals.
 */
export function priceDecimals(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude >= 1 || magnitude === 0 || !Number.isFinite(magnitude)) return 2;
  return Math.min(20, Math.max(4, 3 - Math.floor(Math.log10(magnitude))));
}

/** A price with {@link priceDecimals} decimals and thousands separators: `1,234.50`, `0.1234`, `0.00001234`. */
export function formatPrice(value: number): string {
  return formatNumber(value, priceDecimals(value));
}
