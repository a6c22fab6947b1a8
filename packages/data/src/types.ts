import type { BarSeries, DateFormat, DecimalMarkSetting, Logger, Timeline } from '@ensemble/protocol';

/**
 * A market data layout. `ohlcv`: `date,open,high,low,close[,volume]` with an optional `symbol`
 * column; `long`: close-only `symbol,date,price` (or `close`; the symbol column is optional);
 * `wide`: close-only `date,SYM1,SYM2,…`; `json`: an array of bar objects or `{ SYMBOL: [...] }`.
 */
export type DataFormat = 'ohlcv' | 'long' | 'wide' | 'json';

/** A date bound: epoch milliseconds (UTC) or a date string in any form {@link parseDate} accepts. */
export type DateInput = number | string;

/**
 * Loaded, validated market data: one columnar series per symbol (in the order the symbols first
 * appear in the source) and their merged timeline (the union of timestamps, with each symbol's
 * bar index at every step, -1 where it has no bar).
 */
export interface MarketData {
  /** Where the data came from: a file path, a data set name, or `synthetic`. */
  readonly source: string;
  /** The layout it was read from; `synthetic` for generated data, `memory` for series built in code, `mixed` for files of several layouts joined. */
  readonly format: DataFormat | 'synthetic' | 'memory' | 'mixed';
  readonly series: readonly BarSeries[];
  readonly timeline: Timeline;
  /**
   * What the loader did that the data does not show, one sentence each, for the user to see: a
   * column it ignored (an `Adj Close` says how to use it), prices it adjusted, rows it sorted.
   * Absent or empty when there is nothing to say.
   */
  readonly notes?: readonly string[];
  /** How a file's dates were read (absent for data not read from a file or text: synthetic, built in code). */
  readonly dates?: DateReading;
}

/**
 * How a load read the file's dates: the date format given (`{ given: 'DD/MM/YYYY' }`), or under
 * `auto` the forms it found (`{ detected: ['YYYY-MM-DD'] }`), in the order `YYYY-MM-DD`,
 * `YYYY/MM/DD`, `ISO date-times`, `YYYYMMDD`, `month names`, `epoch seconds`, `epoch milliseconds`,
 * `YYYY.MM.DD`, `epoch microseconds`, `epoch nanoseconds`.
 */
export type DateReading = { readonly given: Exclude<DateFormat, 'auto'> } | { readonly detected: readonly string[] };

/** What to keep of loaded data: a symbol list and an inclusive date range. */
export interface SelectOptions {
  /**
   * Keep only these symbols, in this order; an empty list keeps all. Matching is exact, then
   * case-insensitive. An unknown symbol is an `unknown-symbol` problem listing the available ones.
   */
  readonly symbols?: readonly string[] | undefined;
  /** Keep bars at or after this time. */
  readonly from?: DateInput | undefined;
  /**
   * Keep bars at or before this time; a date without a time of day (`2005-12-31`) includes that
   * whole day. A range that leaves no bar at all is a `no-data` problem.
   */
  readonly to?: DateInput | undefined;
}

/** Options of {@link parseMarketData} and {@link loadMarketData}. */
export interface ParseOptions extends SelectOptions {
  /** File name used in problem reports and as {@link MarketData.source}; also names a single unnamed series. */
  readonly file?: string | undefined;
  /** The layout, instead of detecting it from the header (or the first character for JSON). */
  readonly format?: DataFormat | undefined;
  /**
   * How the file writes its dates (default `auto`): `auto` detects ISO dates and date-times,
   * `YYYYMMDD`, month names and epoch numbers, and refuses a day and a month as two numbers before
   * the year (`01/03/1995`) as ambiguous; a pattern such as `DD/MM/YYYY` or `MM-DD-YYYY` reads
   * every date in that order with that separator (`DD`, `MM` one or two digits, `YYYY` four, a
   * time of day after the date when present) and makes any other date a `bad-date` problem
   * naming the value and the format. One of `DATE_FORMATS` of `@ensemble/protocol`; applies to
   * the file's dates, CSV and JSON, not to `from` and `to`.
   */
  readonly dateFormat?: DateFormat | undefined;
  /**
   * How a CSV file's numbers write their fractions (default `auto`): `auto` decides the file's one
   * mark from its values (a file separated by semicolons or tabs may write decimal commas; `12.600`
   * alone, which could be 12.6 or 12600, is refused); `point` or `comma` names it, and a number
   * written with the other mark or with a thousands separator is a problem naming it. In a file
   * separated by commas, decimal commas are inside quotes (`"1,5"`). One of `DECIMAL_MARKS` of
   * `@ensemble/protocol`; JSON numbers have one form and are read as they are.
   */
  readonly decimal?: DecimalMarkSetting | undefined;
  /**
   * The symbol of a single series read from data without a symbol column; defaults to the file
   * name without directory and extension, or `DATA` when there is no file name.
   */
  readonly symbol?: string | undefined;
  /**
   * Sort the rows by date (ascending, stable) instead of requiring them in order; two rows of one
   * symbol with the same date are still a `duplicate-date` problem. Without it, a file that is
   * entirely newest first is one `unsorted-dates` problem that says so.
   */
  readonly sort?: boolean | undefined;
  /**
   * Adjust OHLCV prices with the file's adjusted close column (Yahoo Finance's `Adj Close`): open,
   * high, low and close are each multiplied by `adjClose / close` of their row; volume is kept.
   * The adjusted close must be a valid price (finite, > 0). Without it the column is ignored and
   * `MarketData.notes` says so.
   */
  readonly adjust?: boolean | undefined;
  /** How many problems to collect before giving up (default 20); the error says when there were more. */
  readonly maxProblems?: number | undefined;
  /** Receives a structured `info` event per load; silent by default. */
  readonly logger?: Logger | undefined;
  /**
   * Called with (bytes read, total bytes) while CSV rows are parsed — every 65,536 rows — and once
   * when parsing ends (JSON: only then), e.g. for a progress bar. Synchronous, between rows.
   */
  readonly onProgress?: ((bytesDone: number, bytesTotal: number) => void) | undefined;
}
