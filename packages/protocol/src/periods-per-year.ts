import { z } from 'zod';

/**
 * Fewest return periods per year a config, flag or metric option may give: 1 (yearly bars, the
 * least the bar spacing is ever read as). Below it a run's CAGR raises its growth to a power
 * under 1 per bar count and reads as 0 %.
 */
export const MIN_PERIODS_PER_YEAR = 1;

/**
 * Most return periods per year a config, flag or metric option may give: 31,557,600,000, one
 * period a millisecond over a year of 365.25 days — times are epoch milliseconds, so no bar is
 * shorter. Above it annualised figures overflow (CAGR of 1e300 periods a year is not a number).
 */
export const MAX_PERIODS_PER_YEAR = 365.25 * 86_400_000;

/** What a periods-per-year value must be, for messages. */
export const PERIODS_PER_YEAR_RULE = `must be from ${String(MIN_PERIODS_PER_YEAR)} (yearly bars) to ${String(MAX_PERIODS_PER_YEAR)} (one a millisecond); 252 for daily bars`;

/** Why `value` is not a usable number of return periods per year, or null when it is. */
export function periodsPerYearProblem(value: number): string | null {
  return value >= MIN_PERIODS_PER_YEAR && value <= MAX_PERIODS_PER_YEAR ? null : `${PERIODS_PER_YEAR_RULE}, got ${String(value)}`;
}

const outOfRange = (issue: { readonly input?: unknown }): string => `${PERIODS_PER_YEAR_RULE}, got ${String(issue.input)}`;

/**
 * Return periods per year used to annualise, from {@link MIN_PERIODS_PER_YEAR} to
 * {@link MAX_PERIODS_PER_YEAR}: the one definition of the run config's, the backtest config's and
 * the `--periods-per-year` flag's range.
 */
export const PeriodsPerYearSchema = z.number().min(MIN_PERIODS_PER_YEAR, { error: outOfRange }).max(MAX_PERIODS_PER_YEAR, { error: outOfRange });
