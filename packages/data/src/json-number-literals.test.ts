import { describe, expect, it } from 'vitest';
import { jsonPathKey, numberLiteralsBeyondRange } from './json-number-literals';

describe('numberLiteralsBeyondRange', () => {
  it('finds the literals JSON.parse reads as ±Infinity, by path, as written', () => {
    const text = '[{"date":"2020-01-01","close":1e400,"volume":-2E+999},{"a\\"b":[1,  1.5e308, 18e307]},3]';
    const literals = numberLiteralsBeyondRange(text);
    expect([...literals]).toEqual([
      [jsonPathKey([0, 'close']), '1e400'],
      [jsonPathKey([0, 'volume']), '-2E+999'],
      [jsonPathKey([1, 'a"b', 2]), '18e307'],
    ]);
  });

  it('reads keys after strings holding brackets and commas, and keeps the last of a key given twice', () => {
    const text = '{"A,[{": [{"close": "1e400", "close": 9e999, "open": 1}], "B": [{"close": 1}, {"open": 1e309}]}';
    expect([...numberLiteralsBeyondRange(text)]).toEqual([
      [jsonPathKey(['A,[{', 0, 'close']), '9e999'],
      [jsonPathKey(['B', 1, 'open']), '1e309'],
    ]);
    expect(numberLiteralsBeyondRange('[1, 2, {"x": 3}]').size).toBe(0);
  });
});
