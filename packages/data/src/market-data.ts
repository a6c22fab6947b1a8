import {
  ConfigError,
  DataValidationError,
  arrayIssue,
  checkArguments,
  createTimeline,
  echoValue,
  listValues,
  nullAsAbsent,
  objectIssue,
  optionsIssue,
  quoteValue,
  sliceSeriesByTime,
  stringIssue,
} from '@ensemble/protocol';
import { boundIssue, dateInputIssue, marketDataIssue } from './arguments';
import type { BarSeries } from '@ensemble/protocol';
import { DAY_MS } from '@ensemble/protocol';
import { formatTime, isDateOnly, parseDate } from './dates';
import { ProblemCollector, failWith, makeProblem } from './problems';
import type { DateInput, MarketData, SelectOptions } from './types';

/**
 * Wraps already-built series as {@link MarketData} with their merged timeline (`source` defaults
 * to `memory`, `format` to `memory`). Checks that
 * symbols are unique and times strictly increase (throwing `duplicate-date`/`unsorted-dates`
 * problems otherwise); prices are trusted.
 */
export function createMarketData(
  series: readonly BarSeries[],
  options: { source?: string; format?: MarketData['format'] } = {},
): MarketData {
  checkArguments('createMarketData', [arrayIssue(series, 'series', 'an array of bar series'), optionsIssue(options)]);
  const source = nullAsAbsent(options, {}).source ?? 'memory';
  const problems = new ProblemCollector(source, 20);
  const seen = new Set<string>();
  for (const s of series) {
    if (seen.has(s.symbol)) problems.add('duplicate-column', `symbol ${quoteValue(s.symbol)} appears in two series; symbols must be unique`, { field: s.symbol });
    seen.add(s.symbol);
    for (let i = 1; i < s.length; i++) {
      const previous = s.time[i - 1] ?? 0;
      const current = s.time[i] ?? 0;
      if (!(current > previous)) {
        problems.add(
          current === previous ? 'duplicate-date' : 'unsorted-dates',
          `${echoValue(s.symbol)} bar ${i} at ${formatTime(current)} does not come after bar ${i - 1} at ${formatTime(previous)}`,
          { row: i + 1, field: s.symbol },
        );
        break;
      }
    }
  }
  problems.throwIfAny();
  return { source, format: nullAsAbsent(options, {}).format ?? 'memory', series, timeline: createTimeline(series) };
}

function resolveSymbol(data: MarketData, wanted: string): string | undefined {
  const symbols = data.timeline.symbols;
  if (symbols.includes(wanted)) return wanted;
  const folded = wanted.toLowerCase();
  const matches = symbols.filter((symbol) => symbol.toLowerCase() === folded);
  return matches.length === 1 ? matches[0] : undefined;
}

function unknownSymbolMessage(data: MarketData, symbol: string): string {
  return `unknown symbol ${quoteValue(symbol)}; available: ${listValues(data.timeline.symbols)}`;
}

/**
 * The series of `symbol` (exact, then case-insensitive match). Throws a
 * {@link DataValidationError} with rule `unknown-symbol`, listing the available symbols.
 */
export function getSeries(data: MarketData, symbol: string): BarSeries {
  checkArguments('getSeries', [marketDataIssue(data), stringIssue(symbol, 'symbol', 'a symbol (a string)')]);
  const resolved = resolveSymbol(data, symbol);
  const series = data.series.find((s) => s.symbol === resolved);
  if (series === undefined) failWith(data.source, 'unknown-symbol', unknownSymbolMessage(data, symbol), { field: 'symbol', value: symbol });
  return series;
}

/**
 * Keeps only `symbols`, in the order given (duplicates dropped); an empty list keeps everything.
 * Every unknown symbol becomes an `unknown-symbol` problem listing the available ones.
 */
export function selectSymbols(data: MarketData, symbols: readonly string[]): MarketData {
  checkArguments('selectSymbols', [marketDataIssue(data), arrayIssue(symbols, 'symbols', 'an array of symbols (empty keeps every one)')]);
  if (symbols.length === 0) return data;
  const problems = new ProblemCollector(data.source, 100);
  const picked: BarSeries[] = [];
  const taken = new Set<string>();
  for (const wanted of symbols) {
    const resolved = resolveSymbol(data, wanted);
    const series = data.series.find((s) => s.symbol === resolved);
    if (series === undefined) {
      problems.add('unknown-symbol', unknownSymbolMessage(data, wanted), { field: 'symbol', value: wanted });
    } else if (!taken.has(series.symbol)) {
      taken.add(series.symbol);
      picked.push(series);
    }
  }
  problems.throwIfAny();
  return { ...data, series: picked, timeline: createTimeline(picked) };
}

/** Resolves a date bound to epoch ms; a date-only `to` moves to the last millisecond of that day. */
export function resolveDateBound(input: DateInput, bound: 'from' | 'to'): number {
  checkArguments('resolveDateBound', [dateInputIssue(input, 'input'), boundIssue(bound)]);
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new ConfigError([{ path: bound, message: `must be a finite epoch time in ms, got ${input}` }]);
    return input;
  }
  const time = parseDate(input);
  if (time === null) {
    throw new ConfigError([
      { path: bound, message: `${quoteValue(input)} is not a date; use YYYY-MM-DD, an ISO date-time or epoch milliseconds` },
    ]);
  }
  return bound === 'to' && isDateOnly(input) ? time + DAY_MS - 1 : time;
}

/**
 * Keeps the bars with `from <= time <= to` (each bound optional; a date-only `to` includes that
 * day). Symbols left without bars stay, empty. Throws a `no-data` problem when no bar at all is
 * left, and a {@link ConfigError} for an unreadable bound or `from` after `to`.
 */
export function selectRange(data: MarketData, range: { from?: DateInput | undefined; to?: DateInput | undefined }): MarketData {
  checkArguments('selectRange', [marketDataIssue(data), objectIssue(range, 'range', 'an object with from and/or to (dates or epoch milliseconds)')]);
  const from = range.from === undefined ? undefined : resolveDateBound(range.from, 'from');
  const to = range.to === undefined ? undefined : resolveDateBound(range.to, 'to');
  if (from === undefined && to === undefined) return data;
  // A date-only `to` covers its day, to its last millisecond (here or where the caller resolved it):
  // messages name the day, as it was given, not 23:59:59.999 of it.
  const toText = to === undefined ? 'the end' : (to + 1) % DAY_MS === 0 ? formatTime(to + 1 - DAY_MS) : formatTime(to);
  if (from !== undefined && to !== undefined && from > to) {
    throw new ConfigError([{ path: 'from', message: `from (${formatTime(from)}) is after to (${toText})` }]);
  }
  const series = data.series.map((s) => sliceSeriesByTime(s, from, to));
  if (series.every((s) => s.length === 0)) {
    const covered =
      data.timeline.length === 0
        ? 'the data has no bars'
        : `the data covers ${formatTime(data.timeline.time[0] ?? 0)} to ${formatTime(data.timeline.time[data.timeline.length - 1] ?? 0)}`;
    throw new DataValidationError([
      makeProblem(
        data.source,
        'no-data',
        `no bar between ${from === undefined ? 'the start' : formatTime(from)} and ${toText}; ${covered}`,
      ),
    ]);
  }
  return { ...data, series, timeline: createTimeline(series) };
}

/** Applies {@link selectSymbols} then {@link selectRange}. */
export function selectMarketData(data: MarketData, options: SelectOptions): MarketData {
  checkArguments('selectMarketData', [marketDataIssue(data), objectIssue(options, 'options', 'an object with symbols, from and/or to')]);
  const bySymbol = options.symbols === undefined ? data : selectSymbols(data, options.symbols);
  return selectRange(bySymbol, { from: options.from, to: options.to });
}
