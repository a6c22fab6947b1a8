/**
 * The splits of combinatorially symmetric cross-validation (CSCV): the rows cut into `blocks`
 * contiguous blocks, and every choice of half of them as the in-sample set.
 */

/** `n choose k`, exact for the sizes CSCV uses. */
export function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/**
 * The first row of each of `blocks` contiguous blocks of `rows` rows, then `rows`: block `k` is
 * rows `floor(k·T/S)` up to (not including) `floor((k+1)·T/S)`, so block sizes differ by at most one
 * and no row is left out when `T` is not a multiple of `S`.
 */
export function blockBounds(rows: number, blocks: number): Int32Array {
  const bounds = new Int32Array(blocks + 1);
  for (let k = 0; k <= blocks; k++) bounds[k] = Math.floor((k * rows) / blocks);
  return bounds;
}

/**
 * Every set of `blocks / 2` of `blocks` block indices, ascending within a set, the sets in
 * lexicographic order, flattened: split `c` is `[c·h, (c+1)·h)` with `h = blocks / 2`. In this
 * order the complement of split `c` is split `C − 1 − c` (`C = binomial(blocks, blocks / 2)`), and
 * the first `C / 2` splits are the ones that contain block 0.
 */
export function cscvCombinations(blocks: number): Uint8Array {
  const half = blocks / 2;
  const count = binomial(blocks, half);
  const out = new Uint8Array(count * half);
  const current = Array.from({ length: half }, (_, i) => i);
  for (let c = 0; c < count; c++) {
    out.set(current, c * half);
    // Next combination: bump the rightmost index that can still move, reset the ones after it.
    let i = half - 1;
    while (i >= 0 && (current[i] ?? 0) === blocks - half + i) i--;
    if (i < 0) break;
    current[i] = (current[i] ?? 0) + 1;
    for (let j = i + 1; j < half; j++) current[j] = (current[j - 1] ?? 0) + 1;
  }
  return out;
}
