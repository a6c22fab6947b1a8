import { DataValidationError } from '@ensemble/protocol';
import type { DataProblem, DataRule } from '@ensemble/protocol';

/** How many problems a loader collects before it stops looking, unless told otherwise. */
export const DEFAULT_MAX_PROBLEMS = 20;

const MAX_VALUE_LENGTH = 40;

/** Where a problem is: 1-based line (or JSON element), column or field name, raw value. */
export interface ProblemLocation {
  readonly row?: number | undefined;
  readonly field?: string | undefined;
  readonly value?: string | undefined;
}

/** Builds a {@link DataProblem}, leaving out unknown locations and clipping the raw value. */
export function makeProblem(
  file: string | undefined,
  rule: DataRule,
  message: string,
  where: ProblemLocation = {},
): DataProblem {
  return {
    ...(file === undefined ? {} : { file }),
    ...(where.row === undefined ? {} : { row: where.row }),
    ...(where.field === undefined ? {} : { field: where.field }),
    rule,
    message,
    ...(where.value === undefined
      ? {}
      : { value: where.value.length > MAX_VALUE_LENGTH ? `${where.value.slice(0, MAX_VALUE_LENGTH - 1)}…` : where.value }),
  };
}

/** Throws a {@link DataValidationError} holding one problem. */
export function failWith(file: string | undefined, rule: DataRule, message: string, where: ProblemLocation = {}): never {
  throw new DataValidationError([makeProblem(file, rule, message, where)]);
}

/**
 * Collects data problems up to a limit. `full` turns true once one more problem than the limit
 * was seen, so parsers can stop early; `throwIfAny` throws them as one {@link DataValidationError}.
 */
export class ProblemCollector {
  readonly problems: DataProblem[] = [];
  private truncated = false;
  private readonly file: string | undefined;
  private readonly limit: number;

  constructor(file: string | undefined, limit: number) {
    this.file = file;
    this.limit = Math.max(1, Math.floor(limit));
  }

  /** True once more problems were found than the limit allows: parsing may stop. */
  get full(): boolean {
    return this.truncated;
  }

  get count(): number {
    return this.problems.length;
  }

  add(rule: DataRule, message: string, where: ProblemLocation = {}): void {
    if (this.problems.length >= this.limit) {
      this.truncated = true;
      return;
    }
    this.problems.push(makeProblem(this.file, rule, message, where));
  }

  /**
   * Adds a problem of the whole file or column (a date column's one day-month problem) before the
   * others; at the limit the last of them makes room for it, and `full` turns true.
   */
  addFirst(rule: DataRule, message: string, where: ProblemLocation = {}): void {
    this.problems.unshift(makeProblem(this.file, rule, message, where));
    if (this.problems.length > this.limit) {
      this.problems.pop();
      this.truncated = true;
    }
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new DataValidationError(this.problems, { truncated: this.truncated });
  }
}
