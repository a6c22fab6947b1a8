import { SeriesCursor, barSeriesFromCloses } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { EngineCursor } from './cursor';

const series = barSeriesFromCloses('A', [1, 2, 3, 4], [10, 11, 12, 13]);
const indicators = {
  a: Float64Array.from([1, 2, 3, 4]),
  b: Float64Array.from([10, 20, 30, 40]),
  c: Float64Array.from([100, 200, 300, 400]),
};

describe('EngineCursor', () => {
  it('reads the same values as the protocol cursor, whatever order the columns are asked in', () => {
    const engine = new EngineCursor(series, indicators, 's');
    const protocol = new SeriesCursor(series, indicators, 's');
    const asks: [string, number][] = [['a', 0], ['b', 0], ['a', 1], ['c', 2], ['c', 0], ['b', 3], ['a', 0], ['a', 4], ['b', 1]];
    for (let i = 0; i < series.length; i++) {
      engine.moveTo(i);
      protocol.moveTo(i);
      for (const [name, ago] of asks) expect(engine.indicator(name, ago), `${name}[${i} - ${ago}]`).toBe(protocol.indicator(name, ago));
    }
  });

  it('throws the protocol errors for an unknown column or a look ahead, and still reads after them', () => {
    const cursor = new EngineCursor(series, indicators, 's').moveTo(2);
    expect(cursor.indicator('b')).toBe(30);
    expect(() => cursor.indicator('nope')).toThrow(/"nope".*a, b, c/);
    expect(() => cursor.indicator('b', -1)).toThrow(/ahead/);
    expect(cursor.indicator('b')).toBe(30);
    expect(cursor.indicator('a', 2)).toBe(1);
  });

  it('with no indicators, names the missing column', () => {
    const cursor = new EngineCursor(series, {}, 's').moveTo(0);
    expect(() => cursor.indicator('')).toThrow(/none/);
  });
});
