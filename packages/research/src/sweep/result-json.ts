import { checkArguments } from '@ensemble/protocol';

/**
 * How the research outputs (`results.json`, `summary.json`, `walk-forward.json`, the CSV files)
 * write a value JSON has no number for: an unbounded objective, and what the parameter stability
 * derives from it (a drop, a spread), as the strings `"Infinity"` and `"-Infinity"` — the
 * Protocol Buffers JSON mapping's spelling, which `Number()`, Python's `float()` and pandas read.
 */
export const UNBOUNDED_JSON = { positive: 'Infinity', negative: '-Infinity' } as const;

/** JSON.stringify's replacer: ±Infinity as {@link UNBOUNDED_JSON}'s strings (NaN stays null, as JSON writes it). */
function unboundedAsText(_key: string, value: unknown): unknown {
  if (value === Number.POSITIVE_INFINITY) return UNBOUNDED_JSON.positive;
  if (value === Number.NEGATIVE_INFINITY) return UNBOUNDED_JSON.negative;
  return value;
}

/** `value` as indented JSON text with a final newline, ±Infinity written as `"Infinity"` and `"-Infinity"`. */
export function researchJsonText(value: unknown): string {
  return `${JSON.stringify(value, unboundedAsText, 2)}\n`;
}

/** An objective for a CSV cell: a number, `Infinity` or `-Infinity` for an unbounded one, null (an empty cell) for none. */
export function objectiveCsvValue(value: number | null): number | string | null {
  return value === null ? null : (unboundedAsText('', value) as number | string);
}

/**
 * An objective value as the research outputs write it, read back: a finite number as it is,
 * `"Infinity"` and `"-Infinity"` as ±Infinity, null as null. Throws a `ConfigError` for anything
 * else (a hand-edited file, another program's spelling such as `"inf"`).
 */
export function objectiveFromJson(value: unknown): number | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value === UNBOUNDED_JSON.positive) return Number.POSITIVE_INFINITY;
  if (value === UNBOUNDED_JSON.negative) return Number.NEGATIVE_INFINITY;
  checkArguments('objectiveFromJson', [{ path: 'value', message: `must be a finite number, "Infinity", "-Infinity" or null, got ${value === undefined ? 'undefined' : JSON.stringify(value)}` }]);
  return null;
}
