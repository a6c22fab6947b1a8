import { EnsembleError, quoteValue } from '@ensemble/protocol';
import type { Frequency } from './inspect';
import { loadFrom } from './load';
import type { DataFormat, MarketData, SelectOptions } from './types';
import type { Logger } from '@ensemble/protocol';

/** Names of the embedded real data sets. */
export type DatasetName = 'sp500' | 'dow30' | 'stocks5';

/** What an embedded data set holds and where it comes from. */
export interface DatasetInfo {
  readonly name: DatasetName;
  /** One line describing the data. */
  readonly description: string;
  /** File name inside the package's `datasets/` directory. */
  readonly file: string;
  readonly format: DataFormat;
  /** Symbols in file order. */
  readonly symbols: readonly string[];
  readonly frequency: Frequency;
  /** First and last date, `YYYY-MM-DD` (UTC). */
  readonly from: string;
  readonly to: string;
  /** Bars in the file, summed over symbols. */
  readonly bars: number;
  /** Where the data was taken from. */
  readonly source: string;
  /** SPDX licence identifier of the data. */
  readonly license: string;
}

const DOW30 = [
  'AA', 'AXP', 'T', 'BA', 'CAT', 'C', 'KO', 'DD', 'EK', 'XOM', 'GE', 'GM', 'HWP', 'HD', 'HON',
  'INTC', 'IBM', 'IP', 'JPM', 'JNJ', 'MCD', 'MRK', 'MSFT', 'MMM', 'MO', 'PG', 'SBC', 'UTX', 'WMT', 'DIS',
];

const DATASETS: readonly DatasetInfo[] = [
  {
    name: 'sp500',
    description: 'S&P 500 index, daily OHLCV (the adjclose column is ignored)',
    file: 'sp500-2000.csv',
    format: 'ohlcv',
    symbols: ['SP500'],
    frequency: 'daily',
    from: '2000-01-03',
    to: '2020-04-17',
    bars: 5105,
    source: 'npm vega-datasets@3.2.1 data/sp500-2000.csv (prices from Yahoo Finance)',
    license: 'BSD-3-Clause',
  },
  {
    name: 'dow30',
    description: 'Daily closes of the 30 Dow Jones Industrial Average stocks (wide, close-only)',
    file: 'dowjones30.csv',
    format: 'wide',
    symbols: DOW30,
    frequency: 'daily',
    from: '1990-12-31',
    to: '2001-01-02',
    bars: 2529 * 30,
    source: 'R package fBasics 4021.93, data set DowJones30 (exported with write.csv)',
    license: 'GPL-2.0-or-later',
  },
  {
    name: 'stocks5',
    description: 'Monthly closes of MSFT, AMZN, IBM, GOOG (from 2004-08) and AAPL (long, close-only)',
    file: 'stocks.csv',
    format: 'long',
    symbols: ['MSFT', 'AMZN', 'IBM', 'GOOG', 'AAPL'],
    frequency: 'monthly',
    from: '2000-01-01',
    to: '2010-03-01',
    bars: 4 * 123 + 68,
    source: 'npm vega-datasets@3.2.1 data/stocks.csv',
    license: 'BSD-3-Clause',
  },
];

/** The embedded real data sets: name, description, symbols, frequency, range, source and licence. */
export function listDatasets(): readonly DatasetInfo[] {
  return DATASETS;
}

/** True when `name` is an embedded data set. */
export function isDatasetName(name: string): name is DatasetName {
  return DATASETS.some((dataset) => dataset.name === name);
}

/** The description of data set `name`; throws `DATA_NOT_FOUND` listing the data sets if unknown. */
export function getDatasetInfo(name: string): DatasetInfo {
  const info = DATASETS.find((dataset) => dataset.name === name);
  if (info === undefined) {
    throw new EnsembleError(
      'DATA_NOT_FOUND',
      `Unknown data set ${quoteValue(name)}. Available data sets: ${DATASETS.map((dataset) => dataset.name).join(', ')}.`,
    );
  }
  return info;
}

/** Where the file of data set `name` lives (a `file:` URL in Node.js, an asset URL in a bundle). */
export function datasetUrl(name: DatasetName): URL {
  switch (name) {
    case 'sp500':
      return new URL('../datasets/sp500-2000.csv', import.meta.url);
    case 'dow30':
      return new URL('../datasets/dowjones30.csv', import.meta.url);
    case 'stocks5':
      return new URL('../datasets/stocks.csv', import.meta.url);
  }
}

/**
 * Loads an embedded real data set by name (`sp500`, `dow30`, `stocks5`; see {@link listDatasets})
 * as validated {@link MarketData} whose `source` is the name. Options select symbols and a date
 * range. An unknown name throws an `EnsembleError` with code `DATA_NOT_FOUND` listing the names.
 */
export async function loadDataset(
  name: string,
  options: SelectOptions & { readonly logger?: Logger | undefined } = {},
): Promise<MarketData> {
  const info = getDatasetInfo(name);
  const data = await loadFrom(datasetUrl(info.name), {
    ...options,
    file: info.file,
    format: info.format,
    ...(info.format === 'ohlcv' ? { symbol: info.symbols[0] } : {}),
  });
  return { ...data, source: info.name };
}
