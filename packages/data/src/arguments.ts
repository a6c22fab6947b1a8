import { describeGiven } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';

const MARKET_DATA = 'market data (what parseMarketData, loadMarketData, loadDataset or createMarketData returns)';

/**
 * The problem with a `MarketData` argument (null when it has none): an object with a `series`
 * array and a `timeline` object with its `time` column, the fields every entry point reads first. Only the shape is
 * checked, in constant time; the series themselves are trusted.
 */
export function marketDataIssue(data: unknown, path = 'data'): ConfigIssue | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { path, message: `must be ${MARKET_DATA}; got ${describeGiven(data)}` };
  const { series, timeline } = data as { series?: unknown; timeline?: unknown };
  if (!Array.isArray(series)) return { path: `${path}.series`, message: `must be an array of bar series (${MARKET_DATA}); got ${describeGiven(series)}` };
  if (typeof timeline !== 'object' || timeline === null || typeof (timeline as { time?: unknown }).time !== 'object') {
    return { path: `${path}.timeline`, message: `must be the series' timeline (${MARKET_DATA}); got ${describeGiven(timeline)}` };
  }
  return null;
}

/**
 * The problem with text or bytes to parse (null when there is none): a string or a `Uint8Array`
 * (a Node.js `Buffer` is one), also one from another realm.
 */
export function textOrBytesIssue(input: unknown, path: string): ConfigIssue | null {
  if (typeof input === 'string' || input instanceof Uint8Array || Object.prototype.toString.call(input) === '[object Uint8Array]') return null;
  return { path, message: `must be the text of a CSV or JSON file (a string) or its bytes (a Uint8Array); got ${describeGiven(input)}` };
}

/** The problem with a file location (null when there is none): a path (a string) or a `URL`. */
export function locationIssue(location: unknown, path: string): ConfigIssue | null {
  if (typeof location === 'string' || location instanceof URL) return null;
  return { path, message: `must be a file path (a string) or a URL; got ${describeGiven(location)}` };
}

/** The problem with sorted epoch-ms times (null when there is none): an array or typed array. */
export function timesIssue(times: unknown): ConfigIssue | null {
  if (typeof times === 'object' && times !== null && typeof (times as { length?: unknown }).length === 'number') return null;
  return { path: 'times', message: `must be sorted epoch-ms times (an array or typed array of numbers); got ${describeGiven(times)}` };
}

/** The problem with a date bound's value (null when there is none): a date string or epoch milliseconds. */
export function dateInputIssue(input: unknown, path: string): ConfigIssue | null {
  if (typeof input === 'number' || typeof input === 'string') return null;
  return { path, message: `must be a date (a string such as 2020-01-31) or epoch milliseconds (a number); got ${describeGiven(input)}` };
}

/** The problem with which bound a date is (null when there is none): `from` or `to`. */
export function boundIssue(bound: unknown): ConfigIssue | null {
  if (bound === 'from' || bound === 'to') return null;
  return { path: 'bound', message: `must be "from" or "to"; got ${describeGiven(bound)}` };
}
