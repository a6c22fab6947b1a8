import { describe, expect, it } from 'vitest';
import { formatCount, formatCurrency, formatMetric, formatNumber, formatPercent, formatPrice, formatQuantity, MISSING } from './format';

describe('number formatting', () => {
  it('groups thousands and fixes decimals without the locale', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(-1234.5, 1)).toBe('-1,234.5');
    expect(formatNumber(999.999, 2)).toBe('1,000.00');
    expect(formatNumber(-0.001, 2)).toBe('0.00');
    expect(formatNumber(12, 0)).toBe('12');
    expect(formatNumber(Number.NaN, 2)).toBe(MISSING);
  });

  it('writes 1e21 and above in exponent form with the decimals asked for (at least 2), not with 17 digits', () => {
    // A short squeezed from 1e-8 to 1e12 on 100,000 of cash: equity -1e25, a return of -1e20.
    expect(formatCurrency(-1e25)).toBe('-1.00e+25');
    expect(formatPercent(-100000000000000020000)).toBe('-1.00e+22%');
    expect(formatMetric(1e21, 'ratio', 'beta')).toBe('1.000e+21');
    expect(formatCount(1e21)).toBe('1.00e+21');
    expect(formatQuantity(1e21)).toBe('1.00e+21');
    expect(formatNumber(999_999_999_999_999_900_000, 2)).toBe('999,999,999,999,999,868,928.00');
  });

  it('formats by metric unit, with a dash for null', () => {
    expect(formatMetric(0.123456, 'percent')).toBe('12.35%');
    expect(formatMetric(-0.3, 'percent')).toBe('-30.00%');
    expect(formatMetric(1.23456, 'ratio')).toBe('1.23');
    expect(formatMetric(0.98765, 'ratio', 'beta')).toBe('0.988');
    expect(formatMetric(1234567.891, 'currency')).toBe('1,234,567.89');
    expect(formatMetric(2520, 'bars')).toBe('2,520');
    expect(formatMetric(12.5, 'days')).toBe('12.5');
    expect(formatMetric(null, 'percent')).toBe(MISSING);
    expect(formatPercent(undefined)).toBe(MISSING);
    expect(formatCurrency(null)).toBe(MISSING);
    expect(formatCount(null)).toBe(MISSING);
  });

  it('formats prices and quantities', () => {
    expect(formatPrice(1234.5)).toBe('1,234.50');
    expect(formatPrice(0.12345)).toBe('0.1235');
    expect(formatPrice(0.00001234)).toBe('0.00001234');
    expect(formatQuantity(1500)).toBe('1,500');
    expect(formatQuantity(0.125)).toBe('0.125');
    expect(formatQuantity(2.5)).toBe('2.5');
  });
});
