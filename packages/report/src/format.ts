import type { MetricName, MetricUnit } from '@ensemble/performance';
import { MISSING, formatNumber, formatPrice, formatQuantity, priceDecimals } from '@ensemble/protocol';

export { MISSING, formatNumber, formatPrice, formatQuantity, priceDecimals };

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
