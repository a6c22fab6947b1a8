import { MIN_PERIODS_PER_YEAR, checkArguments, describeGiven } from '@ensemble/protocol';
import { columnIssue } from './internal/arguments';
import { selectInPlace, minOfRange } from './internal/select';

/** Days in a year on average, for bars a year or more apart. */
const DAYS_PER_YEAR = 365.25;

const DAY_MS = 86_400_000;
/** Length of the trading session assumed for intraday bars: 6.5 hours (US equities). */
const SESSION_MS = 6.5 * 3_600_000;

/** Periods per year assumed when fewer than two timestamps are given. */
export const DEFAULT_PERIODS_PER_YEAR = 252;

/** At most this many distinct spacings are counted before {@link medianSpacingMs} selects among all of them instead. */
const MAX_DISTINCT_SPACINGS = 32;
const distinctSpacings = new Float64Array(MAX_DISTINCT_SPACINGS);
const spacingCounts = new Int32Array(MAX_DISTINCT_SPACINGS);

/**
 * The `k`-th and `k + 1`-th smallest spacings of `time` (0-based, `k + 1` clamped to the last) by
 * counting distinct values: bars on a calendar have a handful of spacings (1 to 5 days for daily
 * bars), so this needs no copy of the `m` spacings. Null when a spacing is not a positive finite
 * number or there are more than {@link MAX_DISTINCT_SPACINGS} distinct ones.
 */
function countedOrderStatistics(time: ArrayLike<number>, m: number, k: number): readonly [number, number] | null {
  let distinct = 0;
  for (let i = 0; i < m; i++) {
    const spacing = (time[i + 1] ?? 0) - (time[i] ?? 0);
    if (!(spacing > 0 && spacing < Number.POSITIVE_INFINITY)) return null;
    let slot = 0;
    while (slot < distinct && distinctSpacings[slot] !== spacing) slot++;
    if (slot === distinct) {
      if (distinct === MAX_DISTINCT_SPACINGS) return null;
      distinctSpacings[slot] = spacing;
      spacingCounts[slot] = 0;
      distinct++;
    }
    spacingCounts[slot] = (spacingCounts[slot] ?? 0) + 1;
  }
  // Insertion sort of the few distinct values, their counts alongside.
  for (let i = 1; i < distinct; i++) {
    const value = distinctSpacings[i] ?? 0;
    const count = spacingCounts[i] ?? 0;
    let j = i - 1;
    while (j >= 0 && (distinctSpacings[j] ?? 0) > value) {
      distinctSpacings[j + 1] = distinctSpacings[j] ?? 0;
      spacingCounts[j + 1] = spacingCounts[j] ?? 0;
      j--;
    }
    distinctSpacings[j + 1] = value;
    spacingCounts[j + 1] = count;
  }
  let lower = Number.NaN;
  let below = 0;
  for (let slot = 0; slot < distinct; slot++) {
    below += spacingCounts[slot] ?? 0;
    const value = distinctSpacings[slot] ?? 0;
    if (Number.isNaN(lower) && k < below) lower = value;
    if (k + 1 < below || k + 1 >= m) return [lower, value];
  }
  return null;
}

/**
 * Median spacing of consecutive timestamps, in milliseconds (the mean of the two middle spacings
 * when their count is even), or null with fewer than two timestamps.
 */
export function medianSpacingMs(time: ArrayLike<number>): number | null {
  checkArguments('medianSpacingMs', [columnIssue(time, 'time', 'sorted times in epoch ms')]);
  const m = time.length - 1;
  if (m < 1) return null;
  const k = (m - 1) >> 1;
  const counted = countedOrderStatistics(time, m, k);
  if (counted !== null) return m % 2 === 1 ? counted[0] : (counted[0] + counted[1]) / 2;
  const spacing = new Float64Array(m);
  for (let i = 0; i < m; i++) spacing[i] = (time[i + 1] ?? 0) - (time[i] ?? 0);
  selectInPlace(spacing, k);
  const lower = spacing[k] ?? 0;
  return m % 2 === 1 ? lower : (lower + minOfRange(spacing, k + 1, m - 1)) / 2;
}

/**
 * The calendar {@link inferPeriodsPerYear} assumes for intraday bars (a median spacing under 6.5
 * hours), read from the bars: `daysPerYear` 365 when they fall on Saturdays and Sundays too
 * ({@link tradesEveryDay}), else 252 exchange days; `hoursPerDay` 24 when they run round the clock
 * (at least half of the UTC days with a bar span 20 hours or more, from their first bar to their
 * last plus one spacing), else a 6.5-hour session (US equities).
 */
export interface IntradayCalendar {
  /** Trading days a year: 365 (every day) or 252 (exchange days). */
  readonly daysPerYear: 365 | 252;
  /** Trading hours a day: 24 (round the clock) or 6.5 (one exchange session). */
  readonly hoursPerDay: 24 | 6.5;
}

/** A day whose bars span at least this long (first bar to last plus one spacing) is a round-the-clock day. */
const ROUND_THE_CLOCK_MS = 20 * 3_600_000;

/** Weekday (Sunday = 0, Saturday = 6) of a UTC day number; 1970-01-01 was a Thursday (4). */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Whether bar counts on Saturdays and Sundays make data that trades every day (see {@link tradesEveryDay}). */
function isEveryDay(bars: number, saturdays: number, sundays: number): boolean {
  return bars >= 14 && saturdays >= bars / 10 && sundays >= bars / 10;
}

/** {@link IntradayCalendar} of sorted `time` whose median spacing is `spacing` (ms), in one pass. */
function calendarOf(time: ArrayLike<number>, spacing: number): IntradayCalendar {
  const n = time.length;
  let days = 0;
  let roundTheClock = 0;
  let saturdays = 0;
  let sundays = 0;
  let day = Number.NaN;
  let weekday = -1;
  let first = 0;
  let last = 0;
  for (let i = 0; i < n; i++) {
    const t = time[i] ?? 0;
    const d = Math.floor(t / DAY_MS);
    if (d !== day) {
      if (days > 0 && last - first + spacing >= ROUND_THE_CLOCK_MS) roundTheClock++;
      day = d;
      weekday = weekdayOf(d);
      first = t;
      days++;
    }
    last = t;
    if (weekday === 6) saturdays++;
    else if (weekday === 0) sundays++;
  }
  if (days > 0 && last - first + spacing >= ROUND_THE_CLOCK_MS) roundTheClock++;
  return {
    daysPerYear: isEveryDay(n, saturdays, sundays) ? 365 : 252,
    hoursPerDay: days > 0 && roundTheClock * 2 >= days ? 24 : 6.5,
  };
}

/**
 * The {@link IntradayCalendar} of `time` (sorted epoch ms) when its median spacing is under 6.5
 * hours, else null (daily and longer bars are counted by spacing alone, as are fewer than two).
 */
export function intradayCalendar(time: ArrayLike<number>): IntradayCalendar | null {
  checkArguments('intradayCalendar', [columnIssue(time, 'time', 'sorted times in epoch ms')]);
  const spacing = medianSpacingMs(time);
  if (spacing === null || !(spacing > 0) || spacing >= SESSION_MS) return null;
  return calendarOf(time, spacing);
}

/**
 * Periods per year implied by the median spacing `d` of `time` (epoch ms):
 * `d` < 6.5 h → intraday, `days × hours / d` over the bars' {@link IntradayCalendar}: 252 sessions
 * of 6.5 hours for exchange bars (98,280 for one-minute bars, 1,638 for hourly), 365 days of 24
 * hours for bars round the clock on every day of the week (525,600 for one-minute bars, 8,760 for
 * hourly), 252 × 24 hours round the clock on weekdays only, 365 × 6.5 hours for sessions on every
 * day; 6.5 h ≤ `d` < 4 days → 252 (daily business days); 4 ≤ `d` < 20 days → 52 (weekly);
 * 20 ≤ `d` < 60 days → 12 (monthly); 60 ≤ `d` < 200 days → 4 (quarterly); `d` ≥ 200 days → 1
 * (yearly), or for bars N ≥ 2 years apart (`d` / 365.25 rounded) 1 / N, at least 0.01. Fewer than two timestamps → 252. Calendar-daily data (crypto, 365 bars a year) reads
 * as 252: pass `periodsPerYear: 365` explicitly.
 */
export function inferPeriodsPerYear(time: ArrayLike<number>): number {
  checkArguments('inferPeriodsPerYear', [columnIssue(time, 'time', 'sorted times in epoch ms')]);
  const spacing = medianSpacingMs(time);
  if (spacing === null || !(spacing > 0)) return DEFAULT_PERIODS_PER_YEAR;
  if (spacing < SESSION_MS) {
    const calendar = calendarOf(time, spacing);
    return (calendar.daysPerYear * (calendar.hoursPerDay === 24 ? DAY_MS : SESSION_MS)) / spacing;
  }
  const days = spacing / DAY_MS;
  if (days < 4) return 252;
  if (days < 20) return 52;
  if (days < 60) return 12;
  if (days < 200) return 4;
  // Bars a year apart or several: one a year, or one every N whole years (biennial: 0.5), down to
  // the least figure periods per year may be (bars a century or more apart).
  const years = Math.round(days / DAYS_PER_YEAR);
  return years <= 1 ? 1 : Math.max(MIN_PERIODS_PER_YEAR, 1 / years);
}

/**
 * Where a run's periods per year come from: `given` (an option or flag), `spacing` (inferred
 * from the bars' median spacing by {@link inferPeriodsPerYear}) or `default`
 * ({@link DEFAULT_PERIODS_PER_YEAR}, 252, which {@link inferPeriodsPerYear} returns for fewer than
 * two timestamps: one bar has no spacing to infer from).
 */
export type PeriodsPerYearBasis = 'given' | 'spacing' | 'default';

const PERIODS_PER_YEAR_BASES: readonly unknown[] = ['given', 'spacing', 'default'];

/**
 * The {@link PeriodsPerYearBasis} of a run over `time` (epoch ms): `given` when its periods per
 * year were given, else `spacing` or, for fewer than two bars, `default`.
 */
export function periodsPerYearBasis(time: ArrayLike<number>, given: boolean): PeriodsPerYearBasis {
  checkArguments('periodsPerYearBasis', [
    columnIssue(time, 'time', 'sorted times in epoch ms'),
    typeof given === 'boolean' ? null : { path: 'given', message: `must be true when the periods per year were given, else false; got ${describeGiven(given)}` },
  ]);
  if (given) return 'given';
  const spacing = medianSpacingMs(time);
  return spacing === null || !(spacing > 0) ? 'default' : 'spacing';
}

/**
 * How summaries say where periods per year come from (after the figure, in parentheses):
 * `given`, `inferred from the bar spacing`, or `the default: one bar has no spacing`.
 */
export function describePeriodsPerYearBasis(basis: PeriodsPerYearBasis): string {
  checkArguments('describePeriodsPerYearBasis', [
    PERIODS_PER_YEAR_BASES.includes(basis) ? null : { path: 'basis', message: `must be "given", "spacing" or "default"; got ${describeGiven(basis)}` },
  ]);
  switch (basis) {
    case 'given':
      return 'given';
    case 'spacing':
      return 'inferred from the bar spacing';
    case 'default':
      return 'the default: one bar has no spacing';
  }
}

/**
 * Whether `time` (epoch ms) looks like data that trades every day (crypto, 24/7 markets): at
 * least 14 timestamps, a tenth of them on a Saturday and a tenth on a Sunday (UTC). Such data has
 * 365 days a year: {@link inferPeriodsPerYear} counts them for intraday bars (8,760 hours for
 * hourly bars round the clock), not for daily ones, which read as 252 (pass 365). Exchange data
 * whose dates carry an offset moves at most one weekday onto a weekend day, so it never has both.
 */
export function tradesEveryDay(time: ArrayLike<number>): boolean {
  const n = time.length;
  if (n < 14) return false;
  let saturdays = 0;
  let sundays = 0;
  for (let i = 0; i < n; i++) {
    const weekday = weekdayOf(Math.floor((time[i] ?? 0) / DAY_MS));
    if (weekday === 6) saturdays++;
    else if (weekday === 0) sundays++;
  }
  return isEveryDay(n, saturdays, sundays);
}
