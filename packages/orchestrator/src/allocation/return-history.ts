import { ConfigError } from '@ensemble/protocol';

/**
 * Per-bar returns of every sleeve, as the run loop holds them: one column per sleeve (typically a
 * `Float64Array` sized for the whole timeline) of which only the first `length` entries are valid.
 * Column `s`, entry `t` is sleeve `s`'s simple return `E_t / E_{t−1} − 1` of bar `t`. Passing the
 * full columns with `length` = the number of bars closed so far (the bars up to the *previous*
 * bar) lets the allocation read history without copying and without seeing the current bar.
 */
export interface ReturnHistory {
  /** One column of per-bar returns (fractions, not percent) per sleeve. */
  readonly returns: readonly ArrayLike<number>[];
  /** How many leading entries of every column are valid; at most the shortest column's length. */
  readonly length: number;
  /**
   * How many returns the sleeves have had in all, what the warm-up rule (`minHistory`) counts:
   * more than `length` when the columns hold only the latest of them (a trailing window, as the
   * orchestrator passes to the built-in schemes). Default `length`.
   */
  readonly observed?: number | undefined;
}

/**
 * What the allocation functions accept: a {@link ReturnHistory}, or bare columns, in which case
 * every entry of the shortest column is valid.
 */
export type ReturnHistoryInput = ReturnHistory | readonly ArrayLike<number>[];

function isReturnHistory(input: ReturnHistoryInput): input is ReturnHistory {
  return !Array.isArray(input);
}

/**
 * Normalises a {@link ReturnHistoryInput} to a {@link ReturnHistory} without copying any column.
 * Throws a `ConfigError` when `length` is not a non-negative integer or exceeds a column.
 */
export function toReturnHistory(input: ReturnHistoryInput): ReturnHistory {
  if (!isReturnHistory(input)) {
    let length = input.length === 0 ? 0 : Number.POSITIVE_INFINITY;
    for (const column of input) length = Math.min(length, column.length);
    return { returns: input, length };
  }
  const { returns, length } = input;
  if (!Number.isInteger(length) || length < 0) {
    throw new ConfigError([{ path: 'length', message: `must be a non-negative integer, got ${length}` }], {
      source: 'return history',
    });
  }
  const { observed } = input;
  if (observed !== undefined && !(Number.isInteger(observed) && observed >= length)) {
    throw new ConfigError([{ path: 'observed', message: `must be an integer ≥ length (${length}), got ${observed}` }], {
      source: 'return history',
    });
  }
  const short = returns.findIndex((column) => column.length < length);
  if (short !== -1) {
    throw new ConfigError(
      [
        {
          path: `returns.${short}`,
          message: `has ${returns[short]?.length ?? 0} entries but length says ${length} are valid; pass length ≤ the shortest column`,
        },
      ],
      { source: 'return history' },
    );
  }
  return observed === undefined ? { returns, length } : { returns, length, observed };
}

/** The `[start, end)` bar range of the last `lookback` valid bars (fewer while history is short). */
export interface ReturnWindow {
  readonly start: number;
  readonly end: number;
}

/** The trailing window of at most `lookback` bars ending at the last valid bar. */
export function trailingWindow(history: ReturnHistory, lookback: number): ReturnWindow {
  const end = history.length;
  return { start: Math.max(0, end - Math.max(0, Math.floor(lookback))), end };
}
