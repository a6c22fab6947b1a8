import { barSeriesFromBars, barSeriesFromCloses } from '@ensemble/protocol';
import type { Bar, BarSeries } from '@ensemble/protocol';
import { SP500_2000_2001_CSV } from './sp500-2000-2001';
import { STOCKS_CSV } from './stocks';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function field(parts: readonly string[], index: number): string {
  const value = parts[index];
  if (value === undefined) throw new Error(`fixture row is missing column ${index}: ${parts.join(',')}`);
  return value;
}

/** The S&P 500 excerpt as one OHLCV series, symbol `SPX`. */
export function sp500Series(): BarSeries {
  const bars: Bar[] = SP500_2000_2001_CSV.split('\n')
    .slice(1)
    .map((line) => {
      const parts = line.split(',');
      const [year, month, day] = field(parts, 0).split('-').map(Number);
      return {
        time: Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1),
        open: Number(field(parts, 1)),
        high: Number(field(parts, 2)),
        low: Number(field(parts, 3)),
        close: Number(field(parts, 4)),
        volume: Number(field(parts, 6)),
      };
    });
  return barSeriesFromBars('SPX', bars);
}

/** The monthly stocks file as close-only series, one per symbol, in alphabetical order. */
export function stocksSeries(): BarSeries[] {
  const bySymbol = new Map<string, { times: number[]; closes: number[] }>();
  for (const line of STOCKS_CSV.split('\n').slice(1)) {
    const parts = line.split(',');
    const [monthName, day, year] = field(parts, 1).split(' ');
    const time = Date.UTC(Number(year), MONTHS.indexOf(monthName ?? ''), Number(day));
    const symbol = field(parts, 0);
    const entry = bySymbol.get(symbol) ?? { times: [], closes: [] };
    entry.times.push(time);
    entry.closes.push(Number(field(parts, 2)));
    bySymbol.set(symbol, entry);
  }
  return [...bySymbol.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([symbol, { times, closes }]) => barSeriesFromCloses(symbol, times, closes));
}
