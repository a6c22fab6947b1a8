import { describe, expect, it } from 'vitest';
import { DECIMAL_PATTERN, parseDecimal } from './decimal';

describe('parseDecimal', () => {
  it('reads plain decimals exactly as Number() and nothing else', () => {
    expect([parseDecimal('100000'), parseDecimal('-2.5'), parseDecimal('.5'), parseDecimal('1.'), parseDecimal('+2E-3')]).toEqual([100000, -2.5, 0.5, 1, 0.002]);
    for (const text of ['', ' 1', '1.2.3', 'e5', '1e', '.', 'Infinity', 'NaN', '0x1F', '1,000']) expect(parseDecimal(text)).toBeNaN();
    expect(parseDecimal(`1${'0'.repeat(400)}`)).toBe(Number.POSITIVE_INFINITY);
  });

  // Regression: `\d+\.?\d*` backtracked quadratically; 100,000 digits and an "x" took half a minute.
  it('takes linear time on a million digits that end badly', () => {
    const digits = '9'.repeat(1_000_000);
    const started = Date.now();
    for (const text of [`${digits}x`, `${digits}.${digits}x`, `1e${digits}x`]) expect(DECIMAL_PATTERN.test(text)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
