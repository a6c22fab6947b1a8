import type { MetricName, MetricUnit } from '@ensemble/performance';

/** Shown for a value that cannot be computed (null). */
export const MISSING = '—';

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Magnitude from which numbers are written in exponent form: where `toFixed` switches to it on
 * its own, with all 17 significant digits (`-1.0000000000000002e+22`).
 */
const EXPONENT_FROM = 1e21;

/**
 * `value` with `decimals` fixed decimals and `,` thousands separators, locale-independent
 * (`1234.5` → `1,234.50`); `-0.00` is written `0.00`. From 1e21 on (a run that lost a thousand
 * trillion times its cash), in exponent form with `decimals` decimals, at least 2: `-1.00e+22`.
 */
export function formatNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return MISSING;
  if (Math.abs(value) >= EXPONENT_FROM) return value.toExponential(Math.max(2, decimals));
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const negative = value < 0 && /[1-9]/.test(fixed);
  return `${negative ? '-' : ''}${groupThousands(whole)}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** A fraction as a percentage with 2 decimals: `0.1234` → `12.34%`. */
export function formatPercent(value: number | null | undefined, decimals = 2): string {
  return value === null || value === undefined ? MISSING : `${formatNumber(value * 100, decimals)}%`;
}

/** Money with thousands separators and 2 decimals: `1234567.891` → `1,234,567.89`. */
export function formatCurrency(value: number | null | undefined): string {
  return value === null || value === undefined ? MISSING : formatNumber(value, 2);
}

/** A count or a whole number of bars/days with thousands separators; one decimal if not whole. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return MISSING;
  return formatNumber(value, Number.isInteger(value) ? 0 : 1);
}

/** A price: 2 decimals, 4 below 1, thousands separators. */
export function formatPrice(value: number): string {
  return formatNumber(value, Math.abs(value) < 1 && value !== 0 ? 4 : 2);
}

/** A quantity: whole numbers as such, fractional ones with up to 6 decimals. */
export function formatQuantity(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= EXPONENT_FROM) return formatNumber(value, 0);
  return formatNumber(value, 6).replace(/\.?0+$/, '');
}

const threeDecimalRatios = new Set<MetricName>(['beta', 'correlation']);

/**
 * Formats a metric by its unit (performance's `METRIC_DESCRIPTIONS`): `percent` → `12.34%`,
 * `ratio` → 2 decimals (3 for beta and correlation), `currency` → `1,234.56`, `bars`/`days`/`count`
 * → whole numbers with separators; null → `—`.
 */
export function formatMetric(value: number | null | undefined, unit: MetricUnit, name?: MetricName): string {
  if (value === null || value === undefined) return MISSING;
  switch (unit) {
    case 'percent':
      return formatPercent(value);
    case 'ratio':
      return formatNumber(value, name !== undefined && threeDecimalRatios.has(name) ? 3 : 2);
    case 'currency':
      return formatCurrency(value);
    case 'bars':
    case 'days':
    case 'count':
      return formatCount(value);
  }
}
