import { MAX_LINE_LENGTH, echoValue, limitLines, listValues, quoteValue, safeMessage } from './echo';
import { formatValue } from './format-value';
import { formatNumber } from './format-number';
import { MAX_JSON_FILE_BYTES } from './limits';
import { closestMatch } from './suggest';
import { barTime } from './time';

const errorBrand = Symbol.for('ensemble.error');

/** Machine-readable error codes of every {@link EnsembleError}. */
export type EnsembleErrorCode =
  | 'DATA_INVALID'
  | 'DATA_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'STRATEGY_NOT_FOUND'
  | 'STRATEGY_FAILED'
  | 'RUN_FAILED'
  | 'LOOKAHEAD'
  | 'INVARIANT_VIOLATED'
  | 'IO_FAILED';

/**
 * Base class of every error Ensemble throws on purpose. Check with
 * `EnsembleError.isInstance(error)` rather than `instanceof`: the brand survives two installed
 * copies of the package. The message is safe to print: control characters are escaped and it is
 * bounded in line length and line count (see {@link safeMessage}).
 */
export class EnsembleError extends Error {
  readonly [errorBrand] = true;
  /** What kind of problem this is; stable across versions. */
  readonly code: EnsembleErrorCode;

  constructor(code: EnsembleErrorCode, message: string, options?: { cause?: unknown }) {
    super(safeMessage(message), options?.cause === undefined ? undefined : { cause: options.cause });
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
  | 'too-large'
  | 'too-small'
  | 'unclosed-quote'
  | 'bad-symbol'
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
  /** The offending raw value, truncated to 40 characters (printed only through `echoValue`). */
  readonly value?: string;
}

/**
 * Formats a problem as `file:row column "field": message`, every part made safe to print (control
 * characters escaped, the field name and the line bounded).
 */
export function formatDataProblem(problem: DataProblem): string {
  const parts: string[] = [];
  if (problem.file !== undefined) {
    const file = echoValue(problem.file, MAX_LINE_LENGTH);
    parts.push(problem.row === undefined ? file : `${file}:${problem.row}`);
  } else if (problem.row !== undefined) parts.push(`row ${problem.row}`);
  if (problem.field !== undefined) parts.push(`column ${quoteValue(problem.field)}`);
  const line = parts.length === 0 ? problem.message : `${parts.join(' ')}: ${problem.message}`;
  return echoValue(line, MAX_LINE_LENGTH);
}

/**
 * Data failed validation: market data by default, or what `subject` names (an equity curve, a
 * benchmark). `problems` lists every problem found (up to the loader's limit); `file`, `row` and
 * `field` repeat the first one. The message lists the first 20 (`MAX_LISTED_PROBLEMS`) and
 * counts the rest.
 */
export class DataValidationError extends EnsembleError {
  readonly file: string | undefined;
  readonly row: number | undefined;
  readonly field: string | undefined;
  readonly problems: readonly DataProblem[];
  /** True when more problems existed than were collected. */
  readonly truncated: boolean;
  /** What was validated: `market data` unless told otherwise. */
  readonly subject: string;

  constructor(problems: readonly DataProblem[], options?: { truncated?: boolean; cause?: unknown; subject?: string }) {
    const first = problems[0];
    const truncated = options?.truncated ?? false;
    const subject = options?.subject ?? 'market data';
    const lines = limitLines(problems, (problem) => `  - ${formatDataProblem(problem)}`);
    const header =
      problems.length === 1
        ? `Invalid ${subject}:`
        : `Invalid ${subject}: ${problems.length}${truncated ? '+' : ''} problems`;
    super(
      'DATA_INVALID',
      [header, ...lines, ...(truncated ? ['  - … more problems not listed'] : [])].join('\n'),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'DataValidationError';
    this.file = first?.file;
    this.row = first?.row;
    this.field = first?.field;
    this.problems = problems;
    this.truncated = truncated;
    this.subject = subject;
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

/** Options of a {@link ConfigError}. */
export interface ConfigErrorOptions {
  /** The file or flag the input came from, named in the heading. */
  readonly source?: string | undefined;
  /** What the input is, for the heading: `configuration` unless told otherwise (e.g. `result` for a saved result file). */
  readonly subject?: string | undefined;
  /** What to do about it, shown in parentheses at the end of the heading (e.g. the command that writes the file again). */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

/**
 * An input the user gave (run config, CLI flags, strategy parameters, a saved result) is invalid.
 * `issues` holds every issue; the message, headed `Invalid <subject> in <source> (<hint>):`, lists
 * the first 20 (`MAX_LISTED_PROBLEMS`; paths and messages made safe to print) and counts the rest.
 */
export class ConfigError extends EnsembleError {
  readonly issues: readonly ConfigIssue[];
  /** The file or flag the input came from, if any. */
  readonly source: string | undefined;
  /** What the input is: `configuration` unless the thrower said otherwise. */
  readonly subject: string;
  /** What to do about it, if the thrower said. */
  readonly hint: string | undefined;

  constructor(issues: readonly ConfigIssue[], options?: ConfigErrorOptions) {
    const source = options?.source;
    const subject = options?.subject ?? 'configuration';
    const hint = options?.hint;
    // A message may span lines (a JSON error quotes the line with a caret under the column); the
    // base class escapes every other control character and bounds each line.
    const lines = limitLines(issues, (issue) => `  - ${issue.path === '' ? '(root)' : echoValue(issue.path, MAX_LINE_LENGTH)}: ${issue.message}`);
    const heading = `Invalid ${subject}${source === undefined ? '' : ` in ${echoValue(source, MAX_LINE_LENGTH)}`}${hint === undefined ? '' : ` (${hint})`}:`;
    super('CONFIG_INVALID', [heading, ...lines].join('\n'), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConfigError';
    this.issues = issues;
    this.source = source;
    this.subject = subject;
    this.hint = hint;
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
      `Unknown strategy ${quoteValue(strategyName)}${suggestionOf(strategyName, available) || '.'} Available: ${listValues(available)}. Run \`ensemble strategies\` to list them with their parameters.`,
    );
    this.name = 'StrategyNotFoundError';
    this.strategyName = strategyName;
    this.available = available;
  }

  static override isInstance(error: unknown): error is StrategyNotFoundError {
    return EnsembleError.isInstance(error) && error.name === 'StrategyNotFoundError';
  }
}

/** ` — did you mean "sma-crossover"?` for a mistyped strategy name (case aside, too), or nothing. */
function suggestionOf(name: string, available: readonly string[]): string {
  const match = typeof name === 'string' && Array.isArray(available) ? closestMatch(name, available.filter((candidate) => typeof candidate === 'string')) : undefined;
  return match === undefined ? '' : ` — did you mean ${quoteValue(match)}?`;
}

function describeCause(cause: unknown): string {
  if (cause === undefined) return 'unknown error';
  if (typeof cause === 'string') return cause;
  return formatValue(cause);
}

/** An error's message; a strategy's error whose `message` getter throws still names the strategy. */
function errorMessageOf(error: Error): string {
  try {
    const message: unknown = error.message;
    return typeof message === 'string' ? message : describeCause(message);
  } catch {
    return 'an error whose message cannot be read (its message getter threw)';
  }
}

/** The mark {@link refusedValue} sets; a registered symbol, so that another copy of the package reads it. */
const refusedBrand = Symbol.for('ensemble.refused-value');

/**
 * Marks `error` as an engine's refusal of a value a strategy returned — a NaN strength, side
 * `"buy"`, weights that are no object, `shouldExit` returning `"yes"` — and returns it. Thrown
 * while the strategy is asked, it becomes the `cause` of a {@link StrategyError} whose `refused`
 * is true: the strategy's own code threw nothing, so it has no stack to show.
 */
export function refusedValue<T extends Error>(error: T): T {
  Object.defineProperty(error, refusedBrand, { value: true });
  return error;
}

/** Whether `error` was marked by {@link refusedValue} (by this or another copy of the package). */
export function isRefusedValue(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  try {
    return (error as Record<symbol, unknown>)[refusedBrand] === true;
  } catch {
    // A proxy whose getter throws is no refusal of the engine's.
    return false;
  }
}

/** A strategy threw while deciding. Names the strategy, the symbol and the bar time. */
export class StrategyError extends EnsembleError {
  readonly strategyId: string;
  readonly symbol: string | undefined;
  /** Epoch milliseconds of the bar being decided, if known. */
  readonly time: number | undefined;
  /**
   * True when the engine refused a value the strategy returned (its `cause` is marked by
   * {@link refusedValue}, and the message says what the value must be): the strategy's own code
   * threw nothing. False when its code threw, and for every other failure.
   */
  readonly refused: boolean;

  constructor(
    strategyId: string,
    details: { symbol?: string; time?: number; cause?: unknown; message?: string },
  ) {
    const where = [
      details.symbol === undefined ? undefined : `on ${echoValue(details.symbol)}`,
      details.time === undefined ? undefined : `at ${barTime(details.time)}`,
    ]
      .filter((part) => part !== undefined)
      .join(' ');
    // The strategy's own words, their later lines indented: a line of them starting "error:" must
    // not read as another error of the command.
    const reason = details.message ?? (details.cause instanceof Error ? errorMessageOf(details.cause) : describeCause(details.cause)).replace(/\n/g, '\n  ');
    super('STRATEGY_FAILED', `Strategy ${quoteValue(strategyId)} failed${where === '' ? '' : ` ${where}`}: ${reason}`, {
      cause: details.cause,
    });
    this.name = 'StrategyError';
    this.strategyId = strategyId;
    this.symbol = details.symbol;
    this.time = details.time;
    this.refused = isRefusedValue(details.cause);
  }

  static override isInstance(error: unknown): error is StrategyError {
    return EnsembleError.isInstance(error) && error.name === 'StrategyError';
  }
}

/** A strategy read data from after the bar it was deciding on. */
export class LookaheadError extends EnsembleError {
  readonly strategyId: string;

  constructor(strategyId: string, message: string) {
    super('LOOKAHEAD', `Strategy ${quoteValue(strategyId)} looks ahead: ${message}`);
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

/**
 * A JSON file too large to be read as one string (code `IO_FAILED`): `size` bytes, more than
 * `limit` ({@link MAX_JSON_FILE_BYTES}, V8's longest string, about 512 MiB). Thrown before the
 * file is read; the message names the file, its size, the limit and what to do (`advice`).
 */
export class FileTooLargeError extends EnsembleError {
  /** The file as the user gave it. */
  readonly file: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The most bytes a JSON file may have. */
  readonly limit: number;

  constructor(details: { what: string; file: string; size: number; advice: string; limit?: number }) {
    const limit = details.limit ?? MAX_JSON_FILE_BYTES;
    super(
      'IO_FAILED',
      `Cannot read the ${details.what} ${quoteValue(details.file, MAX_LINE_LENGTH)}: it is ${byteText(details.size)}, over the ${byteText(limit)} of the longest string JavaScript holds, and a JSON file is read as one string. ${details.advice}`,
    );
    this.name = 'FileTooLargeError';
    this.file = details.file;
    this.size = details.size;
    this.limit = limit;
  }

  static override isInstance(error: unknown): error is FileTooLargeError {
    return EnsembleError.isInstance(error) && error.name === 'FileTooLargeError';
  }
}

/** `629,145,600 bytes (600 MiB)`: a size in bytes, grouped by thousands, with its MiB. */
function byteText(size: number): string {
  return `${formatNumber(size, 0)} bytes (${String(Math.round(size / 2 ** 20))} MiB)`;
}

/**
 * A run failed in the engine or the orchestrator, not in a strategy's code: a value the
 * simulation computed (equity, cash, exposure) is not a finite number — an overflow of inputs
 * beyond the documented limits, e.g. prices near 1e308 in series built without `@ensemble/data`.
 * Names what overflowed (`what`), the strategy or sleeve, and the bar.
 */
export class RunError extends EnsembleError {
  /** What went wrong, e.g. `equity`, `cash`, `gross exposure`. */
  readonly what: string;
  readonly strategyId: string | undefined;
  /** Epoch milliseconds of the bar, if known. */
  readonly time: number | undefined;

  constructor(message: string, details: { what: string; strategyId?: string; time?: number; cause?: unknown }) {
    super('RUN_FAILED', message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'RunError';
    this.what = details.what;
    this.strategyId = details.strategyId;
    this.time = details.time;
  }

  static override isInstance(error: unknown): error is RunError {
    return EnsembleError.isInstance(error) && error.name === 'RunError';
  }
}
