import type { BarSeries } from '@ensemble/protocol';
import { DAY_MS, checkArguments, describeGiven, nullAsAbsent, optionsIssue } from '@ensemble/protocol';
import type { ConfigIssue } from '@ensemble/protocol';
import { marketDataIssue } from './arguments';
import { formatDay, formatTime } from './dates';
import type { MarketData } from './types';

/** Options of {@link toCsv}. */
export interface ToCsvOptions {
  /** Fixed decimals for prices (e.g. 2 or 6); by default the shortest text that reads back exactly. */
  readonly decimals?: number | undefined;
  /** Write a leading `symbol` column; default: only when there is more than one series. */
  readonly symbolColumn?: boolean | undefined;
}

function seriesOf(data: MarketData | readonly BarSeries[] | BarSeries): readonly BarSeries[] {
  if ('series' in data) return data.series;
  if ('symbol' in data) return [data];
  return data;
}

/**
 * The problem with {@link toCsv}'s data (null when there is none): market data, an array of bar
 * series, or one bar series (an object with a `symbol`).
 */
function seriesArgumentIssue(data: unknown): ConfigIssue | null {
  if (Array.isArray(data)) return null;
  if (typeof data === 'object' && data !== null) {
    if ('series' in data) return marketDataIssue(data);
    if ('symbol' in data) return null;
  }
  return { path: 'data', message: `must be market data, an array of bar series or one bar series (with its symbol); got ${describeGiven(data)}${typeof data === 'object' && data !== null ? ' without series or symbol' : ''}` };
}

/**
 * Writes series as a long OHLCV CSV (`[symbol,]date,open,high,low,close,volume`, series after
 * series, `\n` line ends), which {@link parseMarketData} reads back. Dates are `YYYY-MM-DD` for
 * bars at midnight UTC and ISO date-times otherwise.
 */
export function toCsv(data: MarketData | readonly BarSeries[] | BarSeries, options: ToCsvOptions = {}): string {
  checkArguments('toCsv', [seriesArgumentIssue(data), optionsIssue(options)]);
  const { symbolColumn, decimals } = nullAsAbsent(options, {});
  const all = seriesOf(data);
  const withSymbol = symbolColumn ?? all.length > 1;
  const blocks: string[] = [withSymbol ? 'symbol,date,open,high,low,close,volume\n' : 'date,open,high,low,close,volume\n'];
  let lines: string[] = [];
  for (const series of all) {
    const prefix = withSymbol ? `${series.symbol},` : '';
    const { time, open, high, low, close, volume } = series;
    for (let i = 0; i < series.length; i++) {
      const t = time[i] ?? 0;
      const date = t % DAY_MS === 0 ? formatDay(t / DAY_MS) : formatTime(t);
      const o = open[i] ?? 0;
      const h = high[i] ?? 0;
      const l = low[i] ?? 0;
      const c = close[i] ?? 0;
      const prices =
        decimals === undefined
          ? `${o},${h},${l},${c}`
          : `${o.toFixed(decimals)},${h.toFixed(decimals)},${l.toFixed(decimals)},${c.toFixed(decimals)}`;
      lines.push(`${prefix}${date},${prices},${volume[i] ?? 0}`);
      if (lines.length === 4096) {
        blocks.push(`${lines.join('\n')}\n`);
        lines = [];
      }
    }
  }
  if (lines.length > 0) blocks.push(`${lines.join('\n')}\n`);
  return blocks.join('');
}
