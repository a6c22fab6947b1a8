import type { ConfigIssue } from '@ensemble/protocol';
import type { ParameterValue } from '../job/research-job';
import { checkArguments, stringIssue, shapeIssue } from '@ensemble/protocol';
import { issueListIssue } from '../argument-checks';

/** At most this many values a range may expand to (a typo such as a step of 0.0001 fails fast). */
export const MAX_RANGE_VALUES = 100_000;

/** Digits after the decimal point of `x` as JavaScript prints it (`0.25` → 2, `1e-7` → 7, `3` → 0). */
export function decimalsOf(x: number): number {
  const [mantissa = '', exponent] = Math.abs(x).toString().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - (exponent === undefined ? 0 : Number(exponent)));
}

/**
 * The values `start, start + step, …` up to and including `stop`, computed in scaled integers so
 * that every value is the double nearest its decimal (`0.1:0.5:0.1` gives `0.3`, never
 * `0.30000000000000004`): with `d` the most decimals among the three numbers, value `i` is
 * `(round(start·10^d) + i·round(step·10^d)) / 10^d`. Problems are pushed to `issues` at `path`.
 */
export function rangeValues(range: { start: number; stop: number; step: number }, path: string, issues: ConfigIssue[]): number[] {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('rangeValues', [
    shapeIssue(range, 'range', 'a range', { start: 'number', stop: 'number', step: 'number' }),
    stringIssue(path, 'path', 'the config path of the range (a string)'),
    issueListIssue(issues),
  ]);
  const { start, stop, step } = range;
  if (!(step > 0)) {
    issues.push({ path: `${path}.step`, message: 'must be > 0' });
    return [];
  }
  if (stop < start) {
    issues.push({ path: `${path}.stop`, message: `must be ≥ start (${String(start)}); the range is empty` });
    return [];
  }
  const decimals = Math.max(decimalsOf(start), decimalsOf(stop), decimalsOf(step));
  if (decimals > 12) {
    issues.push({ path, message: `has ${String(decimals)} decimals; at most 12 are supported` });
    return [];
  }
  const scale = 10 ** decimals;
  const first = Math.round(start * scale);
  const last = Math.round(stop * scale);
  const increment = Math.round(step * scale);
  const count = Math.floor((last - first) / increment) + 1;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || count > MAX_RANGE_VALUES) {
    issues.push({ path, message: `expands to more than ${MAX_RANGE_VALUES.toLocaleString('en-US')} values; use a larger step` });
    return [];
  }
  return Array.from({ length: count }, (_, i) => (first + i * increment) / scale);
}

/** Values as given, with duplicates reported (a duplicate would run one combination twice). */
export function listValues(values: readonly ParameterValue[], path: string, issues: ConfigIssue[]): ParameterValue[] {
  const seen = new Set<ParameterValue>();
  values.forEach((value, k) => {
    if (seen.has(value)) issues.push({ path: `${path}.${String(k)}`, message: 'repeats an earlier value' });
    seen.add(value);
  });
  return [...values];
}
