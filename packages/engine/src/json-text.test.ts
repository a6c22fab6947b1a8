import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonRows, jsonTextChunks } from './json-text';

function streamed(value: unknown, indent?: number | string, chunkSize?: number): string {
  return [...jsonTextChunks(value, { indent, chunkSize })].join('');
}

/** Every array of `value` (at odd depths, so plain arrays stay too) as a JsonRows reading the same elements. */
function withRows(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item: unknown) => withRows(item, depth + 1));
    return depth % 2 === 1 ? new JsonRows(items.length, (index) => items[index]) : items;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withRows(item, depth + 1)]));
  }
  return value;
}

const INDENTS: (number | string | undefined)[] = [undefined, 2, '\t', 12, 0];

describe('jsonTextChunks', () => {
  it('writes what JSON.stringify writes, for hand-picked values', () => {
    const values: unknown[] = [
      null,
      0,
      -0,
      [-0],
      1e21,
      -1.5e-7,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      2 ** 53 + 2,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f line-sep \u2028 lone \ud800 pair 😀',
      true,
      [],
      {},
      { a: undefined, b: () => 1, c: Symbol('c') },
      [undefined, () => 1, Symbol('s')],
      { nested: { empty: [], also: {}, list: [1, [2, [3, {}]]] } },
      { 2: 'two', 1: 'one', b: 'b', a: 'a' },
      { date: new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6)), bad: new Date(Number.NaN) },
      { toJSON: (key: string) => ({ key }) },
      { inner: { toJSON: (key: string) => `key was ${key}` }, list: [{ toJSON: (key: string) => key }] },
      [Object(1), Object('s'), Object(false)],
      new Float64Array([1, -0, Number.NaN]),
      new Map([[1, 2]]),
      { '\u0000key "quoted"': 1, '': 2 },
    ];
    for (const value of values) {
      for (const indent of INDENTS) expect(streamed(value, indent, 7)).toBe(JSON.stringify(value, null, indent));
    }
  });

  it('writes nothing for a value JSON.stringify leaves out', () => {
    expect(streamed(undefined)).toBe('');
    expect(streamed(() => 1)).toBe('');
    expect(streamed({ toJSON: () => undefined })).toBe('');
  });

  it('writes JsonRows as the array of its elements, element by element', () => {
    const made: number[] = [];
    const rows = new JsonRows(3, (index) => {
      made.push(index);
      return { index, squared: index * index };
    });
    const document = { name: 'curve', rows, empty: new JsonRows(0, () => 0) };
    const text = JSON.stringify({ name: 'curve', rows: rows.toArray(), empty: [] }, null, 2);
    made.length = 0;
    const chunks: string[] = [];
    for (const chunk of jsonTextChunks(document, { indent: 2, chunkSize: 1 })) chunks.push(`${chunk}|${made.length}`);
    expect(chunks.map((chunk) => chunk.slice(0, chunk.lastIndexOf('|'))).join('')).toBe(text);
    // The elements are made as they are written, not before the first chunk.
    expect(chunks[0]?.endsWith('|0')).toBe(true);
    expect(made).toEqual([0, 1, 2]);
    expect(JSON.stringify(document, null, 2)).toBe(text);
    expect(JsonRows.from([3, 4], (value, index) => value * 10 + index).toArray()).toEqual([30, 41]);
  });

  it('JsonRows across batches: elements with toJSON (given their index), nested rows, holes and skipped values', () => {
    const element = (index: number): unknown => {
      if (index % 97 === 5) return { toJSON: (key: string) => ({ key, toJSON: () => 'left alone' }) };
      if (index % 89 === 3) return new JsonRows(3, (inner) => ({ inner, of: index }));
      if (index % 83 === 1) return { toJSON: (key: string) => `key ${key}` };
      if (index % 79 === 2) return undefined;
      if (index % 73 === 4) return [index, { deep: [index, null] }];
      return { index, time: new Date(Date.UTC(2020, 0, 1) + index * 60_000), value: index / 7, nothing: undefined };
    };
    for (const length of [0, 1, 255, 256, 257, 700]) {
      const document = { before: 1, rows: new JsonRows(length, element), nested: { deeper: [new JsonRows(length, element)] }, after: [2] };
      for (const indent of INDENTS) expect(streamed(document, indent, 100)).toBe(JSON.stringify(document, null, indent));
    }
  });

  it('yields chunks of at least chunkSize characters but the last', () => {
    const value = Array.from({ length: 1000 }, (_, i) => ({ i, text: 'x'.repeat(i % 17) }));
    const chunks = [...jsonTextChunks(value, { chunkSize: 1000 })];
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(1000);
    expect(chunks.join('')).toBe(JSON.stringify(value));
  });

  it('throws on a circular structure, like JSON.stringify', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = { back: cycle };
    expect(() => streamed(cycle)).toThrow(TypeError);
    const shared = { a: 1 };
    expect(streamed({ x: shared, y: [shared] })).toBe(JSON.stringify({ x: shared, y: [shared] }));
  });

  it('property: equals JSON.stringify for any value, with or without JsonRows, at any indent and chunk size', () => {
    const values = fc.anything({
      key: fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('0', '1', '10', '-1', '__proto__x', 'toJSONx')),
      values: [
        fc.oneof(fc.double(), fc.constantFrom(-0, 1e21, 1e-7, 2 ** 53, -(2 ** 63))),
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'grapheme' }),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
      ],
      maxDepth: 4,
      withBoxedValues: true,
      withDate: true,
      withSparseArray: true,
      withNullPrototype: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(values, fc.constantFrom(...INDENTS), fc.integer({ min: 1, max: 200 }), (value, indent, chunkSize) => {
        const expected = JSON.stringify(value, null, indent) as string | undefined;
        expect(streamed(value, indent, chunkSize)).toBe(expected ?? '');
        expect(streamed(withRows(value), indent, chunkSize)).toBe(expected ?? '');
      }),
      { numRuns: 250 },
    );
  });
});
