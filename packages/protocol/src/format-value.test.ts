import { describe, expect, it } from 'vitest';
import { formatValue } from './format-value';

describe('formatValue', () => {
  it('prints non-finite numbers and -0 as themselves, not as null', () => {
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(formatValue(-0)).toBe('-0');
    expect(formatValue(0.25)).toBe('0.25');
    expect(formatValue({ side: 'long', strength: Number.NaN, stopLoss: Number.POSITIVE_INFINITY })).toBe('{"side":"long","strength":NaN,"stopLoss":Infinity}');
    expect(formatValue([1, Number.NaN])).toBe('[1,NaN]');
  });

  it('quotes strings, so "0.5" is told apart from 0.5', () => {
    expect(formatValue('0.5')).toBe('"0.5"');
    expect(formatValue({ strength: '0.5' })).toBe('{"strength":"0.5"}');
  });

  it('names what JSON drops or cannot print', () => {
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue({ a: undefined })).toBe('{"a":undefined}');
    expect(formatValue(() => 1)).toBe('a function');
    expect(formatValue(10n)).toBe('10n');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(new Float64Array(250))).toBe('Float64Array(250)');
    expect(formatValue(new RangeError('bad'))).toBe('RangeError: bad');
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    expect(formatValue(circular)).toBe('{"a":1,"self":[circular]}');
  });

  it('cuts deep nesting and long lists short', () => {
    expect(formatValue({ a: { b: { c: { d: 1 } } } })).toBe('{"a":{"b":{"c":{…}}}}');
    expect(formatValue(Array.from({ length: 20 }, (_, i) => i))).toBe('[0,1,2,3,4,5,6,7,8,9,10,11,…]');
  });
  it('escapes and bounds the strings it echoes, keys included', () => {
    expect(formatValue('\u001b[2J')).toBe('"\\x1b[2J"');
    const long = 'x'.repeat(1_000_000);
    expect(formatValue({ [long]: long }).length).toBeLessThan(300);
  });
});
