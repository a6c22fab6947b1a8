import { listValues, quoteValue } from '@ensemble/protocol';
import type { CsvScanner } from './csv-scanner';
import type { ProblemCollector } from './problems';
import type { DataFormat } from './types';

/** Header names accepted for the date column, in order of preference. */
export const DATE_COLUMNS: readonly string[] = ['date', 'time', 'timestamp', 'datetime'];
/** Header names accepted for the symbol column. */
export const SYMBOL_COLUMNS: readonly string[] = ['symbol', 'ticker'];
/** Header names accepted for the price of a long close-only file. */
export const PRICE_COLUMNS: readonly string[] = ['price', 'close'];
/** Header names accepted for the close of an OHLCV file: `close/last` is nasdaq.com's, `price` investing.com's (beside its open, high and low). */
export const CLOSE_COLUMNS: readonly string[] = ['close', 'close/last', 'price'];
/** Header names accepted for the volume of an OHLCV file: `vol` is MetaTrader's `<VOL>`. */
export const VOLUME_COLUMNS: readonly string[] = ['volume', 'vol'];
/** Header names of an adjusted close (Yahoo Finance's `Adj Close`), lower-cased. */
export const ADJ_CLOSE_COLUMNS: readonly string[] = ['adj close', 'adjclose', 'adj_close', 'adjusted close', 'adjusted_close'];

/**
 * The column of times of day read with the date column (`Date,Time,Open,…`, as MetaTrader, Kibot
 * and many intraday exports write): the `time` column of a header that also has a `date` column,
 * else -1.
 */
export function timeOfDayColumn(names: readonly string[]): number {
  return names.includes('date') ? names.indexOf('time') : -1;
}

/**
 * What a duplicate date's problem advises, in place of removing a row, when the header has a second date-like column that
 * is not read (`Date,Time,Open,…`, as MetaTrader and many intraday exports write): one column
 * holds the date, so two bars of one day read as one date. Empty otherwise.
 */
export function unreadTimeColumnHint(names: readonly string[], display: readonly string[]): string {
  if (timeOfDayColumn(names) >= 0) return '';
  const candidate = DATE_COLUMNS.find((name) => names.includes(name));
  const date = candidate === undefined ? -1 : names.indexOf(candidate);
  const other = names.findIndex((name, column) => column !== date && DATE_COLUMNS.includes(name));
  if (date < 0 || other < 0) return '';
  return `: the ${quoteValue(display[other] ?? '')} column is not read, as one column holds the date and its time of day; join the two columns ("2020-01-02 09:30"), or remove one of the two rows if the day has one bar`;
}

/** The CSV layout a header suggests: OHLC columns → `ohlcv`; a symbol or price column → `long`; else `wide`. */
export function detectCsvFormat(names: readonly string[]): Exclude<DataFormat, 'json'> {
  const has = (name: string) => names.includes(name);
  if (has('open') || has('high') || has('low')) return 'ohlcv';
  if (SYMBOL_COLUMNS.some(has) || PRICE_COLUMNS.some(has)) return 'long';
  return 'wide';
}

/** Lower-cased, trimmed header names, without the angle brackets MetaTrader writes around them (`<DATE>`, `<CLOSE>`). */
export function headerNames(scanner: CsvScanner): string[] {
  return Array.from({ length: scanner.count }, (_, i) => scanner.field(i).trim().toLowerCase().replace(/^<(.+)>$/, '$1'));
}

/** Index of the first of `candidates` in `names` (-1 if none); a candidate found twice is a problem. */
export function findColumn(names: readonly string[], candidates: readonly string[], problems: ProblemCollector): number {
  for (const candidate of candidates) {
    const index = names.indexOf(candidate);
    if (index === -1) continue;
    if (names.includes(candidate, index + 1)) {
      problems.add('duplicate-column', `the header has two "${candidate}" columns; keep one`, { row: 1, field: candidate });
    }
    return index;
  }
  return -1;
}

/** Like {@link findColumn}, and a missing column is a problem naming the alternatives and the header. */
export function requireColumn(
  names: readonly string[],
  candidates: readonly string[],
  problems: ProblemCollector,
  format: string,
): number {
  const index = findColumn(names, candidates, problems);
  const [name = ''] = candidates;
  if (index === -1) {
    const alternatives = candidates.length > 1 ? ` (or ${candidates.slice(1).map((c) => `"${c}"`).join(', ')})` : '';
    problems.add(
      'missing-column',
      `the ${format} header needs a "${name}" column${alternatives}; it has: ${listValues(names, { quoted: true })}`,
      { row: 1, field: name },
    );
  }
  return index;
}

/**
 * Notes the header columns a layout does not read (`used` holds the read ones, -1 for absent) in `notes`,
 * so that a loader never drops data silently; an unread adjusted close (`adjClose`) says how to use it.
 */
export function noteIgnored(notes: string[], display: readonly string[], used: readonly number[], adjClose: number): void {
  display.forEach((name, column) => {
    if (used.includes(column)) return;
    notes.push(
      column === adjClose
        ? `column ${quoteValue(name)} ignored: prices are as traded, not adjusted for splits and dividends; load with adjust: true to scale open, high, low and close by ${quoteValue(name)} / close`
        : `column ${quoteValue(name === '' ? `#${column + 1}` : name)} ignored: it is not one of the columns this layout reads`,
    );
  });
}
