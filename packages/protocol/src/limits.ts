import { hasControlCharacters } from './echo';

/**
 * Largest currency amount an input may give — starting cash, a `fixed-cash` entry size, commission
 * amounts and minimums, fixed slippage: 1e13 (ten trillion). A double resolves cents exactly only
 * below 2^46 ≈ 7.0e13; 1e13 leaves room for a run to grow sevenfold before it loses them.
 */
export const MAX_AMOUNT = 1e13;

/**
 * Least starting cash an input may give: 0.01 (a cent). The engine takes amounts within 1e-10 of
 * zero for rounding dust (an absolute floor below an equity of 1), so a smaller account's orders
 * approach it — `1e-300` traded nothing and reported 0.00 % — and a cent keeps that floor at most a
 * hundred-millionth of the account. The cash is in the data's currency whatever its prices: a
 * cent buys ten billion units at the smallest price data may hold ({@link MIN_PRICE}).
 */
export const MIN_CASH = 0.01;

/** Why a starting cash below {@link MIN_CASH} is refused, for messages. */
export const MIN_CASH_RULE = 'must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust';

/**
 * Largest quantity an input may give (`fixed-quantity` sizing), and the most units the engine
 * sizes any order to: 2^53 − 1 (`Number.MAX_SAFE_INTEGER`), the largest whole number a double
 * counts exactly (above it, q + 1 = q).
 */
export const MAX_QUANTITY = Number.MAX_SAFE_INTEGER;

/**
 * Largest JSON file, in bytes, the readers take (run configs, sweep and walk-forward specs, result
 * files, JSON market data): 536,870,888, V8's longest string on 64-bit platforms (2^29 − 24
 * UTF-16 code units, about 512 MiB). A JSON file is read as one string, and a UTF-8 file of more
 * bytes holds more characters than that unless many of them take several bytes: reading it failed
 * as "Invalid string length" after reading the whole file. The readers check the size first.
 */
export const MAX_JSON_FILE_BYTES = 2 ** 29 - 24;

/**
 * Largest price market data may hold: 1e12 per unit. Prices keep a resolution of 1e-4 there, and
 * a position of {@link MAX_QUANTITY} units is worth at most about 9e27, far from overflow.
 */
export const MAX_PRICE = 1e12;

/**
 * Smallest price market data may hold: 1e-12 per unit (below any traded instrument's tick). A
 * positive price below it — down to the subnormal doubles such as 1e-320 — reads as a data error:
 * a move from it to 1 would print a return of 1e22 %.
 */
export const MIN_PRICE = 1e-12;

/** Largest volume market data may hold: 1e18 units a bar (summed over 1e7 bars still about 1e25). */
export const MAX_VOLUME = 1e18;

/**
 * Fewest return periods per year a run may annualise with (`periodsPerYear`): 0.01, one bar a
 * century. Below it annualised figures are those of a period longer than any data set (a Sharpe
 * ratio × √1e-300 prints as 0.00).
 */
export const MIN_PERIODS_PER_YEAR = 0.01;

/**
 * Most return periods per year a run may annualise with (`periodsPerYear`): 31,536,000,000, one
 * bar every millisecond of a 365-day year (times are whole milliseconds, so no data is finer).
 * Above it annualised figures describe no data (a Sharpe ratio of 1.7e148 for 1e300).
 */
export const MAX_PERIODS_PER_YEAR = 365 * 86_400_000;

/** What a number of return periods per year must be, for messages (the bounds {@link MIN_PERIODS_PER_YEAR} and {@link MAX_PERIODS_PER_YEAR}). */
export const PERIODS_PER_YEAR_RULE =
  'must be a number from 0.01 (a bar a century) to 31,536,000,000 (a bar a millisecond, every day of the year), e.g. 252 for daily bars or 365 for bars on every calendar day';

/** Why `value` is not usable as a number of return periods per year, or null when it is: a number in [{@link MIN_PERIODS_PER_YEAR}, {@link MAX_PERIODS_PER_YEAR}]. */
export function periodsPerYearProblem(value: number): string | null {
  return Number.isFinite(value) && value >= MIN_PERIODS_PER_YEAR && value <= MAX_PERIODS_PER_YEAR ? null : PERIODS_PER_YEAR_RULE;
}

/** Longest symbol market data or a config may name: 64 characters. */
export const MAX_SYMBOL_LENGTH = 64;

/**
 * The form of a strategy id in a run config: 1–64 letters, digits, `.`, `_` or `-`, starting with
 * a letter or a digit (`momentum-fast`, `sma_50.200`). Ids are printed in summaries, log lines and
 * reports, so they hold nothing a terminal would act on.
 */
export const STRATEGY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What {@link STRATEGY_ID_PATTERN} asks for, for messages. */
export const STRATEGY_ID_RULE = 'must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or a digit (e.g. "momentum-fast")';

/**
 * Why `symbol` is not usable as a symbol, or null when it is: a symbol has 1–64 characters, no
 * control characters (ESC, NUL, newlines, bidirectional overrides: see {@link hasControlCharacters}).
 */
export function symbolProblem(symbol: string): string | null {
  if (symbol.length === 0) return 'is empty; give every series a symbol';
  if (symbol.length > MAX_SYMBOL_LENGTH) return `is ${symbol.length} characters long; a symbol has at most ${MAX_SYMBOL_LENGTH}`;
  if (hasControlCharacters(symbol)) return 'holds control characters (such as ESC or NUL); a symbol is printable text';
  return null;
}
