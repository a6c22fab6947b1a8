import type { ConfigIssue, DataRule } from '@ensemble/protocol';
import { ConfigError, DataValidationError, describeGiven } from '@ensemble/protocol';

/** A `DataValidationError` about value `index` of the input `field` (row = index + 1). */
export function inputError(field: string, index: number, rule: DataRule, message: string, value?: unknown): DataValidationError {
  return new DataValidationError([
    {
      field,
      row: index + 1,
      rule,
      message,
      ...(value === undefined ? {} : { value: describe(value).slice(0, 40) }),
    },
  ]);
}

/** Throws a `DataValidationError` naming the first value of `values` that is not a finite number. */
export function checkFinite(field: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw inputError(field, i, 'non-finite', `${field}[${i}] is ${String(value)}: every value must be a finite number.`, value);
    }
  }
}

/** Collects option problems and throws them together as one `ConfigError`. */
export class IssueList {
  private readonly issues: ConfigIssue[] = [];

  constructor(private readonly source: string) {}

  /** Records a problem with option `path`. */
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  /** Throws a `ConfigError` listing every recorded problem, if there is any. */
  throwIfAny(): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues, { source: this.source });
  }
}

/** True for a finite integer at least `min`. */
export const isIntegerAtLeast = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min;

/** A value as a message shows it: numbers as `String` does (NaN, Infinity), anything else as JSON. */
export function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  try {
    // JSON.stringify gives undefined for undefined and functions, whatever its type says.
    const text = JSON.stringify(value) as string | undefined;
    return text ?? typeof value;
  } catch {
    return typeof value;
  }
}

/** The problem with a column of numbers argument (null when there is none): an array or typed array; `what` says what it holds. */
export function columnIssue(column: unknown, path: string, what: string): ConfigIssue | null {
  if (typeof column === 'object' && column !== null && typeof (column as { length?: unknown }).length === 'number') return null;
  return { path, message: `must be ${what} (an array or typed array of numbers); got ${describeGiven(column)}` };
}

/** The problem with a column of returns argument (null when there is none). */
export function returnsIssue(returns: unknown, path: string): ConfigIssue | null {
  return columnIssue(returns, path, 'per-period returns');
}

/**
 * The problem with the first element of `values` that is not a column of numbers (null when there
 * is none), named by its index (`trialReturns[2]`). One pass over the elements, looking at each
 * one's kind and length only, never at its values.
 */
export function columnElementsIssue(values: readonly unknown[], path: string, what: string): ConfigIssue | null {
  for (let k = 0; k < values.length; k++) {
    const issue = columnIssue(values[k], `${path}[${String(k)}]`, what);
    if (issue !== null) return issue;
  }
  return null;
}

/**
 * The problem with the first element of `values` that is not an object with an object field
 * `field` (null when there is none), named by its index (`points[3]`). One pass, constant work
 * per element.
 */
export function recordElementsIssue(values: readonly unknown[], path: string, what: string, field: string): ConfigIssue | null {
  for (let k = 0; k < values.length; k++) {
    const value: unknown = values[k];
    const inner: unknown = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) continue;
    const at = `${path}[${String(k)}]`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { path: at, message: `must be ${what}; got ${describeGiven(value)}` };
    return { path: `${at}.${field}`, message: `must be an object (${what}); got ${describeGiven(inner)}` };
  }
  return null;
}
