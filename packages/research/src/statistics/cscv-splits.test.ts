import { describe, expect, it } from 'vitest';
import { binomial, blockBounds, cscvCombinations } from './cscv-splits';

function lexicographicallyAfter(a: Uint8Array, b: Uint8Array): boolean {
  for (const [i, x] of a.entries()) {
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return false;
}

describe('cscvCombinations', () => {
  it('lists the half-sets of 4 blocks in lexicographic order', () => {
    expect(Array.from(cscvCombinations(4))).toEqual([0, 1, 0, 2, 0, 3, 1, 2, 1, 3, 2, 3]);
  });

  it('puts the complement of split c at C − 1 − c, and block 0 in the first half, up to 20 blocks', () => {
    for (let blocks = 2; blocks <= 20; blocks += 2) {
      const half = blocks / 2;
      const count = binomial(blocks, half);
      const flat = cscvCombinations(blocks);
      expect(flat.length).toBe(count * half);
      const masks = new Int32Array(count);
      for (let c = 0; c < count; c++) {
        for (let i = c * half; i < (c + 1) * half; i++) masks[c] = (masks[c] ?? 0) | (1 << (flat[i] ?? 0));
      }
      const all = (1 << blocks) - 1;
      let problems = 0;
      for (let c = 0; c < count; c++) {
        const split = flat.subarray(c * half, (c + 1) * half);
        if (((masks[c] ?? 0) ^ (masks[count - 1 - c] ?? 0)) !== all) problems++; // disjoint and covering
        if ((split[0] === 0) !== c < count / 2) problems++;
        if (c > 0 && !lexicographicallyAfter(split, flat.subarray((c - 1) * half, c * half))) problems++;
        for (let i = 1; i < half; i++) if ((split[i] ?? 0) <= (split[i - 1] ?? 0)) problems++;
      }
      expect(problems, `S = ${blocks}`).toBe(0);
      // Strictly increasing in lexicographic order means no set repeats.
      expect(new Set(masks).size).toBe(count);
    }
  });
});

describe('binomial', () => {
  it('counts the CSCV splits', () => {
    expect([binomial(2, 1), binomial(4, 2), binomial(16, 8), binomial(20, 10)]).toEqual([2, 6, 12_870, 184_756]);
  });
});

describe('blockBounds', () => {
  it('cuts T rows into S blocks whose sizes differ by at most one, leaving no row out', () => {
    expect(Array.from(blockBounds(8, 4))).toEqual([0, 2, 4, 6, 8]);
    expect(Array.from(blockBounds(50, 4))).toEqual([0, 12, 25, 37, 50]);
    expect(Array.from(blockBounds(5, 4))).toEqual([0, 1, 2, 3, 5]);
  });
});
