import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeText } from './bytes';
import { classifyBadNumber, describeBadValue, parseNumberAt, parseNumberText, valueRule, writtenRule } from './numbers';

const parse = (text: string) => {
  const bytes = encodeText(text);
  return parseNumberAt(bytes, 0, bytes.length);
};

describe('parseNumberAt', () => {
  it('reads plain decimals exactly as Number() does (property)', () => {
    const decimal = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^\d{1,12}$/),
        fc.option(fc.stringMatching(/^\d{0,12}$/), { nil: undefined }),
      )
      .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}`);
    fc.assert(
      fc.property(decimal, (text) => {
        expect(Object.is(parse(text), Number(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads doubles printed by JavaScript, long mantissas and exponents included (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = String(value);
        expect(Object.is(parse(text), Number(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads a value inside a larger text without slicing', () => {
    const bytes = encodeText('2000-01-03,1469.250000,931800000');
    expect(parseNumberAt(bytes, 11, 22)).toBe(1469.25);
    expect(parseNumberAt(bytes, 23, bytes.length)).toBe(931_800_000);
  });

  it('returns NaN for anything that is not a plain number', () => {
    for (const text of ['', '-', '.', 'abc', '1,5', '1.2.3', '0x10', 'NaN', 'Infinity', '1e', '12abc', ' 1']) {
      expect(parse(text), text).toBeNaN();
    }
    expect(parse('1e999')).toBe(Number.POSITIVE_INFINITY);
  });

  it('parseNumberText reads trimmed decimals and exponents, and nothing else', () => {
    expect(parseNumberText(' 1.5e2 ')).toBe(150);
    expect(parseNumberText('0x10')).toBeNaN();
    expect(parseNumberText('')).toBeNaN();
  });
});

describe('classifyBadNumber', () => {
  it('tells empty, non-finite and non-numeric values apart', () => {
    expect(classifyBadNumber('')).toBe('missing-value');
    expect(classifyBadNumber('  ')).toBe('missing-value');
    expect(classifyBadNumber('NaN')).toBe('non-finite');
    expect(classifyBadNumber('-inf')).toBe('non-finite');
    expect(classifyBadNumber('Infinity')).toBe('non-finite');
    expect(classifyBadNumber('1e999')).toBe('non-finite');
    expect(classifyBadNumber('abc')).toBe('non-numeric');
  });
});

describe('describeBadValue', () => {
  it('calls a positive price that reads as 0 (too small for a double) too small, not non-positive', () => {
    const small = 'close is "1e-400"; prices are at least 1e-12 per unit (a smaller one is a data error: a move from it to 1 would be a return above 1e14 %)';
    expect(describeBadValue(valueRule(Number('1e-400'), 'price') ?? 'non-finite', '1e-400', 'close', 'price')).toBe(small);
    expect(describeBadValue('non-positive-price', '0.5e-330', 'close', 'price')).toContain('prices are at least 1e-12 per unit');
    expect(describeBadValue('non-positive-price', '0', 'close', 'price')).toBe('close is "0"; prices must be greater than 0');
    expect(describeBadValue('non-positive-price', '0e-400', 'close', 'price')).toBe('close is "0e-400"; prices must be greater than 0');
    expect(describeBadValue('non-positive-price', '-1e-400', 'close', 'price')).toBe('close is "-1e-400"; prices must be greater than 0');
    // With a decimal comma too; and the problem's rule says the same.
    expect(describeBadValue('non-positive-price', '1,5e-400', 'close', 'price')).toContain('prices are at least 1e-12 per unit');
    expect([writtenRule('non-positive-price', '1,5e-400'), writtenRule('non-positive-price', '0'), writtenRule('too-large', '1e-400')]).toEqual(['too-small', 'non-positive-price', 'too-large']);
  });
});
