/**
 * Edit distance between two strings: insertions, deletions, substitutions and transpositions of
 * neighbours each cost 1 (optimal string alignment). Case counts.
 */
export function editDistance(a: string, b: string): number {
  const columns = b.length + 1;
  // Three rows: the one before the previous (for transpositions), the previous and the current.
  let before = new Array<number>(columns).fill(0);
  let previous = Array.from({ length: columns }, (_, j) => j);
  let current = new Array<number>(columns).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate a mistyped `input` most likely meant, or undefined when none is close: the one
 * at the smallest edit distance (compared without case) that is at most a third of the longer
 * word's length (at least 1), or else the only candidate that starts with or is contained in the
 * input or the other way round (`monthly` → `month`, `inverse-vol` → `inverse-volatility`).
 * Ties go to the earlier candidate.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  if (wanted === '') return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(wanted.length, candidate.length) / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  const related = candidates.filter((candidate) => {
    const name = candidate.toLowerCase();
    return name.length >= 3 && wanted.length >= 3 && (name.includes(wanted) || wanted.includes(name));
  });
  return related.length === 1 ? related[0] : undefined;
}
