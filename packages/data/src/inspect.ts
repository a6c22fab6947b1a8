import type { BarSeries } from '@ensemble/protocol';
import { DAY_MS, checkArguments, nullAsAbsent, optionsIssue, shapeIssue } from '@ensemble/protocol';
import { marketDataIssue, timesIssue } from './arguments';
import { inferIntradaySessions, intradayGaps } from './intraday-sessions';
import type { IntradaySessions } from './intraday-sessions';
import { priceJumps } from './price-jumps';
import type { PriceJump } from './price-jumps';
import type { DateReading, MarketData } from './types';

/** Bar spacing inferred from the median gap between consecutive bars. */
export type Frequency = 'intraday' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular' | 'unknown';

/**
 * A hole in one symbol's data. `missing-bars`: a run of timeline steps (times at which other
 * symbols have bars) without a bar for this symbol, between its own first and last bar; `from`
 * and `to` are the first and last of those steps. `calendar`: two consecutive bars further apart
 * than the gap threshold; `from` and `to` are the bars around the gap. Intraday symbols only
 * (sessions inferred from its bars, see `inspectMarketData`): `intraday`, bars missing inside a session or at its edges;
 * `session`, whole sessions without a bar (a holiday, or a day missing from the data); `from` and
 * `to` are the bars around the hole.
 */
export interface DataGap {
  readonly kind: 'missing-bars' | 'calendar' | 'intraday' | 'session';
  /** Epoch ms (UTC). */
  readonly from: number;
  /** Epoch ms (UTC). */
  readonly to: number;
  /**
   * Timeline steps without a bar (`missing-bars`), bars missing at the symbol's usual spacing
   * (`intraday`), sessions without a bar (`session`), or 0 (`calendar`).
   */
  readonly bars: number;
  /** Calendar days from `from` to `to`. */
  readonly days: number;
}

/** One symbol's figures. Times are epoch ms (UTC); values are null when the series is empty. */
export interface SeriesSummary {
  readonly symbol: string;
  readonly bars: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly firstClose: number | null;
  readonly lastClose: number | null;
  readonly frequency: Frequency;
  /**
   * Timeline steps between the symbol's first and last bar where it has no bar. For a symbol
   * `sparse` on its timeline, only the steps inside its calendar gaps: the steps between its
   * regularly spaced bars are not missing.
   */
  readonly missingBars: number;
  /**
   * Whether its frequency is coarser than the timeline's (a monthly series beside daily ones):
   * its own spacing, not the timeline's, says what is missing.
   */
  readonly sparse: boolean;
  /** Calendar gaps longer than this many days are reported for this symbol. */
  readonly gapDays: number;
  readonly gaps: readonly DataGap[];
  /**
   * Bars whose close is at least 1.4 times the close before or at most its inverse (+40%, −28.6%),
   * each with the split ratio it matches: a split in prices not adjusted for it, or a bad price.
   * Daily and intraday symbols only (empty for coarser ones, whose bars move that far by themselves).
   */
  readonly jumps: readonly PriceJump[];
  /** An intraday symbol's sessions as its bars show them (absent for other frequencies): what its `intraday` and `session` gaps are measured against. */
  readonly sessions?: IntradaySessions;
  /** Bars spaced unlike the rest, as {@link mixedSpacing} finds them (absent when there are none). */
  readonly mixed?: SymbolMixedSpacing;
}

/** The figures {@link inspectMarketData} reports for a whole data set. */
export interface MarketDataSummary {
  readonly source: string;
  readonly format: MarketData['format'];
  readonly symbols: readonly string[];
  /** Bars summed over symbols. */
  readonly bars: number;
  /** Steps of the merged timeline. */
  readonly timelineLength: number;
  readonly first: number | null;
  readonly last: number | null;
  /** Frequency of the merged timeline. */
  readonly frequency: Frequency;
  /** Calendar gaps longer than this many days are reported for a symbol spaced like the timeline (each symbol has its own `gapDays`). */
  readonly gapDays: number;
  readonly series: readonly SeriesSummary[];
  /** How the dates were read: the date format given, or the forms detected (absent for data not read from a file). */
  readonly dates?: DateReading;
}

function medianSpacingDays(times: ArrayLike<number>): number | null {
  if (times.length < 2) return null;
  const spacing = new Float64Array(times.length - 1);
  for (let i = 1; i < times.length; i++) spacing[i - 1] = ((times[i] ?? 0) - (times[i - 1] ?? 0)) / DAY_MS;
  spacing.sort();
  const middle = spacing.length >> 1;
  return spacing.length % 2 === 1 ? (spacing[middle] ?? 0) : ((spacing[middle - 1] ?? 0) + (spacing[middle] ?? 0)) / 2;
}

/**
 * The bar frequency of sorted epoch-ms times, from the median spacing in days: below 0.9 intraday;
 * up to 4 daily (business days with weekends); up to 10 weekly; 25–35 monthly; 80–100 quarterly;
 * 355–375 yearly; else irregular; fewer than two bars unknown.
 */
export function inferFrequency(times: ArrayLike<number>): Frequency {
  checkArguments('inferFrequency', [timesIssue(times)]);
  const median = medianSpacingDays(times);
  if (median === null) return 'unknown';
  if (median < 0.9) return 'intraday';
  if (median <= 4) return 'daily';
  if (median <= 10) return 'weekly';
  if (median >= 25 && median <= 35) return 'monthly';
  if (median >= 80 && median <= 100) return 'quarterly';
  if (median >= 355 && median <= 375) return 'yearly';
  return 'irregular';
}

/** The default calendar-gap threshold for bars spaced `spacing` days apart (median): 5 days, or 1.5 spacings when longer. */
function defaultGapDays(spacing: number | null): number {
  return Math.max(5, 1.5 * (spacing ?? 0));
}

/** The regular frequencies from the finest to the coarsest. */
const REGULAR: readonly Frequency[] = ['intraday', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'];

/** Whether `frequency` is a regular frequency coarser than the regular `than`. */
function coarser(frequency: Frequency, than: Frequency): boolean {
  const at = REGULAR.indexOf(frequency);
  const other = REGULAR.indexOf(than);
  return at >= 0 && other >= 0 && at > other;
}

function summariseSeries(
  series: BarSeries,
  index: Int32Array,
  timeline: { readonly time: Float64Array; readonly spacing: number | null; readonly frequency: Frequency },
  givenGapDays: number | undefined,
): SeriesSummary {
  const { spacing: timelineSpacing, frequency: timelineFrequency } = timeline;
  const n = series.length;
  const gaps: DataGap[] = [];
  const own = medianSpacingDays(series.time);
  const frequency = inferFrequency(series.time);
  const sparse = coarser(frequency, timelineFrequency);
  const gapDays = givenGapDays ?? defaultGapDays(sparse ? own : timelineSpacing);
  let missingBars = 0;
  let sessions: IntradaySessions | undefined;
  if (n > 0) {
    const firstStep = index.indexOf(0);
    const lastStep = index.indexOf(n - 1);
    let runStart = -1;
    for (let t = firstStep; t <= lastStep + 1; t++) {
      if (t <= lastStep && index[t] === -1) {
        if (runStart === -1) runStart = t;
      } else if (runStart !== -1) {
        const from = timeline.time[runStart] ?? 0;
        const to = timeline.time[t - 1] ?? 0;
        // A sparse symbol's run counts only where its bars around it are a calendar gap apart.
        const around = ((timeline.time[t] ?? 0) - (timeline.time[runStart - 1] ?? 0)) / DAY_MS;
        if (!sparse || around > gapDays) {
          missingBars += t - runStart;
          gaps.push({ kind: 'missing-bars', from, to, bars: t - runStart, days: (to - from) / DAY_MS });
        }
        runStart = -1;
      }
    }
    for (let i = 1; i < n; i++) {
      const from = series.time[i - 1] ?? 0;
      const to = series.time[i] ?? 0;
      const days = (to - from) / DAY_MS;
      if (days > gapDays) gaps.push({ kind: 'calendar', from, to, bars: 0, days });
    }
    if (frequency === 'intraday' && own !== null) {
      sessions = inferIntradaySessions(series.time, own * DAY_MS);
      for (const gap of intradayGaps(series.time, sessions)) gaps.push(gap);
    }
    gaps.sort((a, b) => a.from - b.from || a.to - b.to);
  }
  const mixed = own === null ? null : seriesMixedSpacing(series, frequency, own);
  return {
    symbol: series.symbol,
    bars: n,
    first: n > 0 ? (series.time[0] ?? null) : null,
    last: n > 0 ? (series.time[n - 1] ?? null) : null,
    firstClose: n > 0 ? (series.close[0] ?? null) : null,
    lastClose: n > 0 ? (series.close[n - 1] ?? null) : null,
    frequency,
    missingBars,
    sparse,
    gapDays,
    gaps,
    // A split happens between two sessions; over a week or a month a price can move that far by itself.
    jumps: frequency === 'daily' || frequency === 'intraday' ? priceJumps(series) : [],
    ...(sessions === undefined ? {} : { sessions }),
    ...(mixed === null ? {} : { mixed }),
  };
}

/**
 * Summarises market data per symbol: bar count, first/last date and close, inferred frequency,
 * missing bars (timeline steps inside the symbol's own range without a bar) and calendar gaps
 * longer than `gapDays` (default, per symbol: 5 days, or 1.5 median spacings of its bars when
 * that is longer, so monthly data is flagged for a missing month, not every month). A symbol of
 * a coarser frequency than the timeline's (`sparse`: monthly closes beside daily ones) has no
 * missing bars between its regularly spaced bars, only inside its calendar gaps. An intraday
 * symbol's sessions are inferred from its bars (`sessions`): bars missing inside a session
 * (`intraday` gaps) and sessions without a bar on its trading weekdays (`session` gaps) are
 * listed, the usual nights, lunch breaks and weekends between sessions are not. A close at least
 * 1.4 times the one before, or at most its inverse, is listed as a jump (`jumps`, daily and
 * intraday symbols), with the split ratio it matches, if any: prices not adjusted for a split halve
 * overnight.
 */
export function inspectMarketData(data: MarketData, options: { gapDays?: number | undefined } = {}): MarketDataSummary {
  checkArguments('inspectMarketData', [marketDataIssue(data), optionsIssue(options)]);
  const { gapDays: givenGapDays } = nullAsAbsent(options, {});
  const { timeline } = data;
  const spacing = medianSpacingDays(timeline.time);
  const gapDays = givenGapDays ?? defaultGapDays(spacing);
  const frequency = inferFrequency(timeline.time);
  const shape = { time: timeline.time, spacing, frequency };
  const series = data.series.map((s, k) => summariseSeries(s, timeline.barIndex[k] ?? new Int32Array(0), shape, givenGapDays));
  return {
    source: data.source,
    format: data.format,
    symbols: timeline.symbols,
    bars: series.reduce((total, s) => total + s.bars, 0),
    timelineLength: timeline.length,
    first: timeline.length > 0 ? (timeline.time[0] ?? null) : null,
    last: timeline.length > 0 ? (timeline.time[timeline.length - 1] ?? null) : null,
    frequency,
    gapDays,
    series,
    ...(data.dates === undefined ? {} : { dates: data.dates }),
  };
}

/** A split-like jump of one symbol's closes (see {@link splitJumps}). */
export interface SymbolSplitJump {
  readonly symbol: string;
  readonly jump: PriceJump;
}

/**
 * Every close of a daily or intraday series of `data` that jumps by a split's ratio (a
 * {@link PriceJump} with a `split`), series by series in order: prices not adjusted for a split,
 * which a backtest takes for a real move. Weekly and coarser bars are left out (a quarter's move
 * can halve a close).
 */
export function splitJumps(data: Pick<MarketData, 'series'>): SymbolSplitJump[] {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('splitJumps', [shapeIssue(data, 'data', 'market data (with its series)', { series: 'array' })]);
  return data.series.flatMap((series) => {
    const frequency = inferFrequency(series.time);
    if (frequency !== 'daily' && frequency !== 'intraday') return [];
    return priceJumps(series).flatMap((jump) => (jump.split === null ? [] : [{ symbol: series.symbol, jump }]));
  });
}

/** A daily or intraday symbol's bars spaced unlike the rest (see {@link mixedSpacing}). */
export interface SymbolMixedSpacing {
  readonly symbol: string;
  /** The symbol's frequency by the median spacing of its bars. */
  readonly frequency: 'daily' | 'intraday';
  /**
   * How many bars are spaced unlike that: of a daily symbol, bars under 12 hours after the bar
   * before; of an intraday one, bars at midnight (UTC) a day or more from the bars either side.
   */
  readonly bars: number;
  /** The symbol's bars in all. */
  readonly of: number;
  /** The first such bar, epoch ms. */
  readonly first: number;
  /** The median spacing of the symbol's bars, ms. */
  readonly spacingMs: number;
}

/** Bars of an intraday symbol that read as daily rows before {@link mixedSpacing} names them (a session of one bar at midnight can happen). */
const DAILY_ROWS_AMONG_INTRADAY = 3;

/**
 * Per daily or intraday series of `data` whose bars mix spacings, series by series in order: a
 * daily series with bars under 12 hours after the bar before, or an intraday series with bars at
 * midnight (UTC: a date without a time) a day or more from the bars either side (at least three).
 * Such a file mixes daily and intraday rows, and a run counts every bar at the median's spacing:
 * annualised figures are then off by the share of the others.
 */
export function mixedSpacing(data: Pick<MarketData, 'series'>): SymbolMixedSpacing[] {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('mixedSpacing', [shapeIssue(data, 'data', 'market data (with its series)', { series: 'array' })]);
  return data.series.flatMap((series): SymbolMixedSpacing[] => {
    const spacing = medianSpacingDays(series.time);
    const found = spacing === null ? null : seriesMixedSpacing(series, inferFrequency(series.time), spacing);
    return found === null ? [] : [found];
  });
}

/** {@link mixedSpacing} of one series, of its frequency and median spacing (days) computed already; null when it has none. */
function seriesMixedSpacing(series: BarSeries, frequency: Frequency, spacing: number): SymbolMixedSpacing | null {
  if (frequency !== 'daily' && frequency !== 'intraday') return null;
  const { time, length } = series;
  const gap = (i: number): number => ((time[i] ?? 0) - (time[i - 1] ?? 0)) / DAY_MS;
  let bars = 0;
  let first = Number.NaN;
  for (let i = 0; i < length; i++) {
    const odd =
      frequency === 'daily'
        ? i > 0 && gap(i) < 0.5
        : (time[i] ?? 0) % DAY_MS === 0 && (i === 0 || gap(i) >= 0.9) && (i === length - 1 || gap(i + 1) >= 0.9);
    if (!odd) continue;
    if (bars === 0) first = time[i] ?? 0;
    bars++;
  }
  const enough = frequency === 'daily' ? bars > 0 : bars >= DAILY_ROWS_AMONG_INTRADAY;
  return enough ? { symbol: series.symbol, frequency, bars, of: length, first, spacingMs: spacing * DAY_MS } : null;
}

/** A symbol's longest stretch without a bar (see {@link dataHoles}): the bars either side of it. */
export interface SymbolHole {
  readonly symbol: string;
  /** The last bar before the hole and the first after it, epoch ms. */
  readonly from: number;
  readonly to: number;
}

/**
 * Per daily or intraday series of `data` whose bars stop for more than `days` calendar days
 * (default 30), its longest such stretch, series by series in order: a run holds through it as one
 * bar, and annualised figures count bars, not calendar time, so two years without data read as a
 * day. Weekly and coarser bars are left out (their spacing is their own).
 */
export function dataHoles(data: Pick<MarketData, 'series'>, days = 30): SymbolHole[] {
  // From JavaScript the arguments can be anything: a wrong kind failed inside as a TypeError.
  checkArguments('dataHoles', [
    shapeIssue(data, 'data', 'market data (with its series)', { series: 'array' }),
    typeof days === 'number' && days > 0 ? null : { path: 'days', message: `must be a number of days above 0, got ${String(days)}` },
  ]);
  return data.series.flatMap((series) => {
    const frequency = inferFrequency(series.time);
    if (frequency !== 'daily' && frequency !== 'intraday') return [];
    const { time, length } = series;
    let from = Number.NaN;
    let to = Number.NaN;
    for (let i = 1; i < length; i++) {
      const gap = (time[i] ?? 0) - (time[i - 1] ?? 0);
      if (gap > days * DAY_MS && !(gap <= to - from)) {
        from = time[i - 1] ?? 0;
        to = time[i] ?? 0;
      }
    }
    return Number.isNaN(from) ? [] : [{ symbol: series.symbol, from, to }];
  });
}
