/**
 * Two metric values within this relative distance of each other are tied, so which trial ranks
 * higher never depends on the last bits of a floating-point sum.
 */
export const PBO_TIE_TOLERANCE = 1e-12;

/** True when `a` and `b` are tied: equal, or finite and within {@link PBO_TIE_TOLERANCE} relative. */
export function isTie(a: number, b: number): boolean {
  return a === b || (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= PBO_TIE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)));
}

/**
 * The trial with the best (largest) value: the first, in input order, of those tied with the
 * maximum. NaN marks a value that cannot be computed and never wins; when every value is NaN they
 * are all tied and trial 0 is returned.
 */
export function bestIndex(values: Float64Array): number {
  const n = values.length;
  let max = Number.NEGATIVE_INFINITY;
  let defined = false;
  for (let i = 0; i < n; i++) {
    const value = values[i] ?? Number.NaN;
    if (value >= max) {
      max = value;
      defined = true;
    }
  }
  if (!defined) return 0;
  const sure = Number.isFinite(max) ? PBO_TIE_TOLERANCE * Math.abs(max) : 0;
  const maybe = 2 * sure;
  for (let i = 0; i < n; i++) {
    const d = max - (values[i] ?? Number.NaN);
    // d ≥ 0 or NaN; see midRank for the two bounds.
    if (d <= sure || (d <= maybe && isTie(values[i] ?? Number.NaN, max)) || (values[i] ?? Number.NaN) === max) return i;
  }
  return 0;
}

/**
 * The rank of `values[index]` among `values`, 1 for the lowest and N for the highest, ties sharing
 * their mid-rank (`below + (tied + 1) / 2`, tied counting the value itself; scipy's `rankdata`
 * "average"). NaN ranks below every number and ties with other NaNs.
 */
export function midRank(values: Float64Array, index: number): number {
  const v = values[index] ?? Number.NaN;
  let below = 0;
  let tied = 0;
  if (Number.isNaN(v)) {
    for (const w of values) if (Number.isNaN(w)) tied++;
    return (tied + 1) / 2;
  }
  if (!Number.isFinite(v)) {
    for (const w of values) {
      if (w === v) tied++;
      else if (Number.isNaN(w) || w < v) below++;
    }
    return below + (tied + 1) / 2;
  }
  // |w − v| ≤ sure is a tie and |w − v| > maybe is not, whatever w: with |w| ≤ 2|v| the tolerance is
  // at most 2·sure, and with |w| > 2|v| the gap |w − v| > |w|/2 is far beyond it. Only the values
  // in between need the exact test.
  const sure = PBO_TIE_TOLERANCE * Math.abs(v);
  const maybe = 2 * sure;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const w = values[i] ?? Number.NaN;
    const d = w - v;
    if (Number.isNaN(d)) {
      below++; // w is NaN: it ranks last
    } else if (Math.abs(d) > maybe) {
      if (d < 0) below++;
    } else if (Math.abs(d) <= sure || isTie(w, v)) {
      tied++;
    } else if (d < 0) {
      below++;
    }
  }
  return below + (tied + 1) / 2;
}
