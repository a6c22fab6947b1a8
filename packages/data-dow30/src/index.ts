/**
 * The `dow30` data set as an entry `loadDataset` of `@ensemble/data` accepts: what the file holds
 * and where it lives. `@ensemble/data` also finds this package by itself when it is installed,
 * so `loadDataset('dow30')` works without importing it.
 */
export interface Dow30Dataset {
  readonly name: 'dow30';
  /** One line describing the data. */
  readonly description: string;
  /** File name inside this package's `datasets/` directory. */
  readonly file: string;
  /** The CSV layout: `wide`, close-only (`date,AA,AXP,…`). */
  readonly format: 'wide';
  /** The 30 symbols in file order. */
  readonly symbols: readonly string[];
  readonly frequency: 'daily';
  /** First and last date, `YYYY-MM-DD` (UTC). */
  readonly from: string;
  readonly to: string;
  /** Bars in the file, summed over symbols. */
  readonly bars: number;
  /** Where the data was taken from. */
  readonly source: string;
  /** SPDX licence identifier of the data (and of this package). */
  readonly license: 'GPL-2.0-or-later';
  /** Where the file is: a `file:` URL in Node.js, an asset URL in a bundle. */
  readonly url: URL;
}

/** The 30 Dow Jones Industrial Average stocks of the 1990s, in the file's column order. */
export const DOW30_SYMBOLS: readonly string[] = Object.freeze([
  'AA', 'AXP', 'T', 'BA', 'CAT', 'C', 'KO', 'DD', 'EK', 'XOM', 'GE', 'GM', 'HWP', 'HD', 'HON',
  'INTC', 'IBM', 'IP', 'JPM', 'JNJ', 'MCD', 'MRK', 'MSFT', 'MMM', 'MO', 'PG', 'SBC', 'UTX', 'WMT', 'DIS',
]);

/**
 * Daily closes of the 30 Dow Jones stocks, 1990-12-31 to 2001-01-02: data set `DowJones30` of
 * the R package fBasics 4021.93 (GPL-2.0-or-later). Pass it to `loadDataset` of `@ensemble/data`.
 */
export const dow30Dataset: Dow30Dataset = Object.freeze({
  name: 'dow30',
  description: 'Daily closes of the 30 Dow Jones Industrial Average stocks (wide, close-only)',
  file: 'dowjones30.csv',
  format: 'wide',
  symbols: DOW30_SYMBOLS,
  frequency: 'daily',
  from: '1990-12-31',
  to: '2001-01-02',
  bars: 2529 * 30,
  source: 'R package fBasics 4021.93, data set DowJones30 (exported with write.csv)',
  license: 'GPL-2.0-or-later',
  url: new URL('../datasets/dowjones30.csv', import.meta.url),
});
