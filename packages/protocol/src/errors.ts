import { formatValue } from './format-value';

const errorBrand = Symbol.for('ensemble.error');

/** Machine-readable error codes of every {@link EnsembleError}. */
export type EnsembleErrorCode =
  | 'DATA_INVALID'
  | 'DATA_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'STRATEGY_NOT_FOUND'
  | 'STRATEGY_FAILED'
  | 'LOOKAHEAD'
  | 'INVARIANT_VIOLATED'
  | 'IO_FAILED';

/**
 * Base class of every error Ensemble throws on purpose. Check with
 * `EnsembleError.isInstance(error)` rather than `instanceof`: the brand survives two installed
 * copies of the package.
 */
export class EnsembleError extends Error {
  readonly [errorBrand] = true;
  /** What kind of problem this is; stable across versions. */
  readonly code: EnsembleErrorCode;

  constructor(code: EnsembleErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EnsembleError';
    this.code = code;
  }

  /** True for any Ensemble error, from this or another copy of the package. */
  static isInstance(error: unknown): error is EnsembleError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[errorBrand] === true
    );
  }
}

/** Rules a data row or file can break; each {@link DataProblem} names one. */
export type DataRule =
  | 'empty-file'
  | 'binary-content'
  | 'unknown-format'
  | 'missing-column'
  | 'duplicate-column'
  | 'short-row'
  | 'long-row'
  | 'missing-value'
  | 'non-numeric'
  | 'non-finite'
  | 'non-positive-price'
  | 'negative-volume'
  | 'high-below-low'
  | 'open-outside-range'
  | 'close-outside-range'
  | 'bad-date'
  | 'unsorted-dates'
  | 'duplicate-date'
  | 'bad-json'
  | 'unknown-symbol'
  | 'no-data';

/** One problem found in market data: where it is, which rule it breaks, and how to fix it. */
export interface DataProblem {
  /** File path or data set name, when the data came from one. */
  readonly file?: string;
  /** 1-based line number in the file (the header is line 1), or the JSON array index + 1. */
  readonly row?: number;
  /** Column or field name. */
  readonly field?: string;
  readonly rule: DataRule;
  /** A sentence saying what is wrong and what to do. */
  readonly message: string;
  /** The offending raw value, truncated to 40 characters. */
  readonly value?: string;
}

/** Formats a problem as `file:row column "field": message`. */
export function formatDataProblem(problem: DataProblem): string {
  const parts: string[] = [];
  if (problem.file !== undefined) parts.push(problem.row === undefined ? problem.file : `${problem.file}:${problem.row}`);
  else if (problem.row !== undefined) parts.push(`row ${problem.row}`);
  if (problem.field !== undefined) parts.push(`column "${problem.field}"`);
  return parts.length === 0 ? problem.message : `${parts.join(' ')}: ${problem.message}`;
}

/**
 * Market data failed validation. `problems` lists every problem found (up to the loader's
 * limit); `file`, `row` and `field` repeat the first one.
 */
export class DataValidationError extends EnsembleError {
  readonly file: string | undefined;
  readonly row: number | undefined;
  readonly field: string | undefined;
  readonly problems: readonly DataProblem[];
  /** True when more problems existed than were collected. */
  readonly truncated: boolean;

  constructor(problems: readonly DataProblem[], options?: { truncated?: boolean; cause?: unknown }) {
    const first = problems[0];
    const truncated = options?.truncated ?? false;
    const lines = problems.map((problem) => `  - ${formatDataProblem(problem)}`);
    const header =
      problems.length === 1
        ? 'Invalid market data:'
        : `Invalid market data: ${problems.length}${truncated ? '+' : ''} problems`;
    super('DATA_INVALID', [header, ...lines, ...(truncated ? ['  - … more problems not listed'] : [])].join('\n'), options);
    this.name = 'DataValidationError';
    this.file = first?.file;
    this.row = first?.row;
    this.field = first?.field;
    this.problems = problems;
    this.truncated = truncated;
  }

  static override isInstance(error: unknown): error is DataValidationError {
    return EnsembleError.isInstance(error) && error.name === 'DataValidationError';
  }
}

/** One problem in a configuration: a dotted path (`strategies.1.params.fast`) and a message. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** A configuration (run config, CLI flags, strategy parameters) is invalid. Lists every issue. */
export class ConfigError extends EnsembleError {
  readonly issues: readonly ConfigIssue[];
  /** The file or flag the configuration came from, if any. */
  readonly source: string | undefined;

  constructor(issues: readonly ConfigIssue[], options?: { source?: string; cause?: unknown }) {
    const source = options?.source;
    const lines = issues.map((issue) => `  - ${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`);
    super(
      'CONFIG_INVALID',
      [`Invalid configuration${source === undefined ? '' : ` in ${source}`}:`, ...lines].join('\n'),
      options,
    );
    this.name = 'ConfigError';
    this.issues = issues;
    this.source = source;
  }

  static override isInstance(error: unknown): error is ConfigError {
    return EnsembleError.isInstance(error) && error.name === 'ConfigError';
  }
}

/** A strategy name is not in the registry. */
export class StrategyNotFoundError extends EnsembleError {
  readonly strategyName: string;
  readonly available: readonly string[];

  constructor(strategyName: string, available: readonly string[]) {
    super(
      'STRATEGY_NOT_FOUND',
      `Unknown strategy "${strategyName}". Available: ${available.join(', ')}. Run \`ensemble strategies\` to list them with their parameters.`,
    );
    this.name = 'StrategyNotFoundError';
    this.strategyName = strategyName;
    this.available = available;
  }

  static override isInstance(error: unknown): error is StrategyNotFoundError {
    return EnsembleError.isInstance(error) && error.name === 'StrategyNotFoundError';
  }
}

function describeCause(cause: unknown): string {
  if (cause === undefined) return 'unknown error';
  if (typeof cause === 'string') return cause;
  return formatValue(cause);
}

/** A strategy threw while deciding. Names the strategy, the symbol and the bar time. */
export class StrategyError extends EnsembleError {
  readonly strategyId: string;
  readonly symbol: string | undefined;
  /** Epoch milliseconds of the bar being decided, if known. */
  readonly time: number | undefined;

  constructor(
    strategyId: string,
    details: { symbol?: string; time?: number; cause?: unknown; message?: string },
  ) {
    const where = [
      details.symbol === undefined ? undefined : `on ${details.symbol}`,
      details.time === undefined ? undefined : `at ${new Date(details.time).toISOString().slice(0, 10)}`,
    ]
      .filter((part) => part !== undefined)
      .join(' ');
    const reason =
      details.message ??
      (details.cause instanceof Error ? details.cause.message : describeCause(details.cause));
    super('STRATEGY_FAILED', `Strategy "${strategyId}" failed${where === '' ? '' : ` ${where}`}: ${reason}`, {
      cause: details.cause,
    });
    this.name = 'StrategyError';
    this.strategyId = strategyId;
    this.symbol = details.symbol;
    this.time = details.time;
  }

  static override isInstance(error: unknown): error is StrategyError {
    return EnsembleError.isInstance(error) && error.name === 'StrategyError';
  }
}

/** A strategy read data from after the bar it was deciding on. */
export class LookaheadError extends EnsembleError {
  readonly strategyId: string;

  constructor(strategyId: string, message: string) {
    super('LOOKAHEAD', `Strategy "${strategyId}" looks ahead: ${message}`);
    this.name = 'LookaheadError';
    this.strategyId = strategyId;
  }

  static override isInstance(error: unknown): error is LookaheadError {
    return EnsembleError.isInstance(error) && error.name === 'LookaheadError';
  }
}

/** An accounting invariant failed (a bug, never bad input). */
export class InvariantError extends EnsembleError {
  readonly time: number | undefined;

  constructor(message: string, details?: { time?: number }) {
    super('INVARIANT_VIOLATED', message);
    this.name = 'InvariantError';
    this.time = details?.time;
  }

  static override isInstance(error: unknown): error is InvariantError {
    return EnsembleError.isInstance(error) && error.name === 'InvariantError';
  }
}
