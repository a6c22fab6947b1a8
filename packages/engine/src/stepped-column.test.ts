import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SteppedColumn } from './stepped-column';

describe('SteppedColumn', () => {
  it('reads back, step by step, what a plain column written in step order holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3), fc.constantFrom(0, -0, 1, 2.5, Number.NaN, -7)), { minLength: 1, maxLength: 80 }),
        fc.nat(20),
        (writes, from) => {
          // Steps advance by 0..3 from write to write: some steps written twice, some not at all.
          const length = writes.reduce((step, [gap]) => step + gap, 0) + 1;
          const plain = new Float64Array(length).fill(Number.NaN);
          const column = new SteppedColumn(length);
          let step = 0;
          for (const [gap, value] of writes) {
            step += gap;
            // A plain column holds a value until the next write, as the runners' cash does.
            plain.fill(value, step);
            column.set(step, value);
          }
          const all = column.toArray();
          for (let t = 0; t < length; t++) {
            expect(Object.is(all[t], plain[t])).toBe(true);
            expect(Object.is(column.at(t), plain[t])).toBe(true);
          }
          // Every range: ranges near the end take the look back over the last changes, the others the search.
          for (let start = 0; start < length; start++) {
            const end = Math.min(length, start + 1 + from);
            const part = new Float64Array(end - start);
            column.copyInto(start, end, part);
            expect(Array.from(part)).toEqual(Array.from(plain.subarray(start, end)));
          }
        },
      ),
    );
  });

  it('keeps only the changes: a value set again on later steps costs nothing', () => {
    const column = new SteppedColumn(10_000);
    for (let t = 0; t < 10_000; t++) column.set(t, t < 5_000 ? 100 : 50);
    expect(column.at(4_999)).toBe(100);
    expect(column.at(5_000)).toBe(50);
    expect((column as unknown as { count: number }).count).toBe(2);
  });

  it('refuses a step before the last one set', () => {
    const column = new SteppedColumn(5);
    column.set(3, 1);
    expect(() => {
      column.set(2, 1);
    }).toThrow(/step 2 set after step 3/);
  });
});
