import { describe, expect, it } from 'vitest';
import { MISSING, formatNumber, formatPrice, formatQuantity } from './format-number';

describe('formatNumber: fixed decimals, thousands separators, any locale', () => {
  it('groups thousands and rounds to the decimals', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(-1234.5, 1)).toBe('-1,234.5');
    expect(formatNumber(999.999, 2)).toBe('1,000.00');
    expect(formatNumber(12, 0)).toBe('12');
  });

  it('drops the sign of what rounds to zero, writes huge values in exponent form and non-finite ones as missing', () => {
    expect(formatNumber(-0.001, 2)).toBe('0.00');
    expect(formatNumber(-1e22, 2)).toBe('-1.00e+22');
    expect(formatNumber(1e21, 0)).toBe('1.00e+21');
    expect(formatNumber(Number.NaN, 2)).toBe(MISSING);
    expect(formatNumber(Number.NEGATIVE_INFINITY, 2)).toBe(MISSING);
  });

  it('quantities: whole units grouped, fractional ones to 6 decimals without trailing zeros', () => {
    expect(formatQuantity(1200)).toBe('1,200');
    expect(formatQuantity(12.5)).toBe('12.5');
    expect(formatQuantity(0.000311)).toBe('0.000311');
    expect(formatQuantity(0.0000001)).toBe('0');
  });

  it('prices: 2 decimals from 1 up, four significant digits below 1, so a fraction of a cent is not 0.0000', () => {
    expect(formatPrice(1234.5)).toBe('1,234.50');
    expect(formatPrice(3.5e9)).toBe('3,500,000,000.00');
    expect(formatPrice(1)).toBe('1.00');
    expect(formatPrice(0.5)).toBe('0.5000');
    expect(formatPrice(0.1234)).toBe('0.1234');
    expect(formatPrice(0.01234)).toBe('0.01234');
    expect(formatPrice(0.00001234)).toBe('0.00001234');
    expect(formatPrice(1.2345e-12)).toBe('0.000000000001235');
    expect(formatPrice(-0.00001234)).toBe('-0.00001234');
    expect(formatPrice(0)).toBe('0.00');
  });
});
