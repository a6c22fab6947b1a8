import { describe, expect, it } from 'vitest';
import { formatPriceValue } from './backtest-report';
import {
  MISSING,
  belowZeroWarning,
  ordersLoggedHint,
  formatMetricValue,
  formatMoney,
  formatNumber,
  formatPercent,
  formatQuantity,
  formatRatio,
  formatTable,
  formatWeightSum,
  pad,
  visibleLength,
} from './format';

describe('prices in the trades and positions tables', () => {
  it('keep four significant digits below 1, so a fraction of a cent is not 0.0000', () => {
    expect(formatPriceValue(0.00001234)).toBe('0.00001234');
    expect(formatPriceValue(0.1234)).toBe('0.1234');
    expect(formatPriceValue(2795.641)).toBe('2,795.64');
  });
});

const green = (text: string) => `\u001b[32m${text}\u001b[39m`;

describe('number formatting', () => {
  it('formatNumber: fixed decimals, thousands separators, no minus on a rounded zero', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(-1234.5, 2)).toBe('-1,234.50');
    expect(formatNumber(999, 0)).toBe('999');
    expect(formatNumber(1000, 0)).toBe('1,000');
    expect(formatNumber(-0.004, 2)).toBe('0.00');
    expect(formatNumber(0.5, 0)).toBe('1');
    expect(formatNumber(Number.NaN, 2)).toBe(MISSING);
    expect(formatNumber(Number.POSITIVE_INFINITY, 2)).toBe(MISSING);
  });

  it('formatNumber writes 1e21 and above in exponent form with the decimals asked for (at least 2), not with 17 digits', () => {
    // A short squeezed from 1e-8 to 1e12 on 100,000 of cash: equity -1e25, a return of -1e20.
    expect(formatMoney(-1e25)).toBe('-1.00e+25');
    expect(formatPercent(-100000000000000020000)).toBe('-1.00e+22%');
    expect(formatNumber(1e21, 0)).toBe('1.00e+21');
    expect(formatNumber(2.5e21, 3)).toBe('2.500e+21');
    expect(formatQuantity(1e21)).toBe('1.00e+21');
    expect(formatNumber(999_999_999_999_999_900_000, 2)).toBe('999,999,999,999,999,868,928.00');
  });

  it('formatNumber agrees with toFixed once the separators are removed (seeded sweep over magnitudes and signs)', () => {
    let state = 12345;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    for (let k = 0; k < 2000; k++) {
      const value = (random() - 0.5) * 10 ** Math.floor(random() * 12);
      const decimals = Math.floor(random() * 5);
      const text = formatNumber(value, decimals);
      expect(text).toMatch(/^-?\d{1,3}(,\d{3})*(\.\d+)?$/);
      const plain = Math.abs(value).toFixed(decimals);
      const negative = value < 0 && /[1-9]/.test(plain);
      expect(text.replace(/,/g, '')).toBe(`${negative ? '-' : ''}${plain}`);
    }
  });

  it('money, percent, ratio, quantity; null is —', () => {
    expect(formatMoney(164421.015164)).toBe('164,421.02');
    expect(formatMoney(null)).toBe('—');
    expect(formatPercent(0.6442)).toBe('64.42%');
    expect(formatPercent(-0.29391)).toBe('-29.39%');
    expect(formatPercent(0.001, 4)).toBe('0.1000%');
    expect(formatPercent(null)).toBe('—');
    expect(formatRatio(1.2345)).toBe('1.23');
    expect(formatRatio(-0.005)).toBe('-0.01');
    expect(formatRatio(null)).toBe('—');
    expect(formatQuantity(68)).toBe('68');
    expect(formatQuantity(12345)).toBe('12,345');
    expect(formatQuantity(0.5)).toBe('0.5');
    expect(formatQuantity(1.23456789)).toBe('1.234568');
  });

  it('formatMetricValue formats by unit', () => {
    expect(formatMetricValue(0.0249, 'percent')).toBe('2.49%');
    expect(formatMetricValue(0.2812, 'ratio')).toBe('0.28');
    expect(formatMetricValue(-2510.514, 'currency')).toBe('-2,510.51');
    expect(formatMetricValue(5105, 'bars')).toBe('5,105');
    expect(formatMetricValue(36.04, 'bars')).toBe('36.0');
    expect(formatMetricValue(2497, 'days')).toBe('2,497');
    expect(formatMetricValue(87, 'count')).toBe('87');
    for (const unit of ['percent', 'ratio', 'currency', 'bars', 'days', 'count'] as const) expect(formatMetricValue(null, unit)).toBe('—');
  });
});

describe('formatWeightSum', () => {
  it('writes a sum of weights above 1 with two decimals, or as many more as show it above 1', () => {
    expect(formatWeightSum(3)).toBe('3.00');
    expect(formatWeightSum(1.2)).toBe('1.20');
    expect(formatWeightSum(1.0004)).toBe('1.0004');
    expect(formatWeightSum(1.005)).toBe('1.005');
    expect(formatWeightSum(1 + 2e-9)).toBe('1.000000002');
  });
});

describe('tables with colours', () => {
  it('visibleLength and pad ignore ANSI escapes', () => {
    expect(visibleLength(green('ab'))).toBe(2);
    expect(pad(green('ab'), 4)).toBe(`${green('ab')}  `);
    expect(pad('ab', 4, 'right')).toBe('  ab');
    expect(pad('abcdef', 4)).toBe('abcdef');
  });

  it('formatTable aligns coloured cells by their visible width', () => {
    const table = formatTable(
      [{ header: 'name' }, { header: 'P&L', align: 'right' }],
      [
        ['a', green('1.00')],
        ['longer', '-12.50'],
      ],
    );
    expect(table.replaceAll(green('1.00'), '1.00')).toBe(['name       P&L', 'a         1.00', 'longer  -12.50'].join('\n'));
  });

  // Regression: the widths were Math.max(header, ...rows), one argument per row: 200,000 rows
  // (`backtest --trades all`, `data inspect` of 130,000 symbols) overflowed the call stack.
  it('formatTable takes any number of rows', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => [String(i)]);
    const table = formatTable([{ header: 'n', align: 'right' }], rows);
    expect(table.split('\n').at(-1)).toBe('299999');
    expect(table.split('\n')[1]).toBe('     0');
  });
});

describe('ordersLoggedHint', () => {
  it('says where the shrunk, rejected, capped and dropped orders are logged, only those there were', () => {
    expect(ordersLoggedHint({ shrunk: 0, rejected: 0, dropped: 0 })).toBe('');
    expect(ordersLoggedHint({ shrunk: 2, rejected: 0, dropped: 0 })).toBe(' (--log-level warn logs each shrunk or rejected order)');
    expect(ordersLoggedHint({ shrunk: 0, rejected: 1, dropped: 3, capped: 1 })).toBe(' (--log-level warn logs each capped, shrunk or rejected order, info each dropped one)');
    expect(ordersLoggedHint({ shrunk: 0, rejected: 0, dropped: 5 })).toBe(' (--log-level info logs each dropped one)');
  });
});

describe('belowZeroWarning', () => {
  const day = (d: number): number => Date.UTC(2020, 0, d);
  const format = (time: number): string => new Date(time).toISOString().slice(0, 10);
  it('names the first bar at or below zero, and nothing while equity stays above', () => {
    const time = Float64Array.from([2, 3, 6, 7], day);
    expect(belowZeroWarning({ time, equity: Float64Array.from([100, 100, -50, 150]) }, format)).toContain('equity fell to -50.00 on 2020-01-06');
    expect(belowZeroWarning({ time, equity: Float64Array.from([100, 0, 10, 150]) }, format)).toContain('equity fell to 0.00 on 2020-01-03');
    expect(belowZeroWarning({ time, equity: Float64Array.from([100, 1e-9, 10, 150]) }, format)).toBeNull();
  });
});
