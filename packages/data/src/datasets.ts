import { EnsembleError, checkArguments, describeGiven, optionsIssue, quoteValue, stringIssue } from '@ensemble/protocol';
import type { Frequency } from './inspect';
import { loadFrom } from './load';
import type { DataFormat, MarketData, ParseOptions, SelectOptions } from './types';
import type { ConfigIssue, Logger } from '@ensemble/protocol';

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
  /**
   * The npm package that ships the file when this one does not: `@ensemble/data-dow30` for
   * `dow30`, whose GPL-2.0-or-later data stays out of this MIT package. `loadDataset` imports
   * it when it is installed.
   */
  readonly package?: string;
}

/**
 * A data set that lives outside this package, handed to {@link loadDataset} directly: what it
 * holds and where its file is. `dow30Dataset` of `@ensemble/data-dow30` is one.
 */
export interface DatasetEntry {
  /** Its name, used as {@link MarketData.source}. */
  readonly name: string;
  /** File name, named in problem reports. */
  readonly file: string;
  readonly format: DataFormat;
  /** Symbols in file order; a single-series `ohlcv` file gets the first as its symbol. */
  readonly symbols: readonly string[];
  /** Where the file is (a `file:` URL in Node.js, another URL is fetched). */
  readonly url: URL;
}

const DOW30 = [
  'AA', 'AXP', 'T', 'BA', 'CAT', 'C', 'KO', 'DD', 'EK', 'XOM', 'GE', 'GM', 'HWP', 'HD', 'HON',
  'INTC', 'IBM', 'IP', 'JPM', 'JNJ', 'MCD', 'MRK', 'MSFT', 'MMM', 'MO', 'PG', 'SBC', 'UTX', 'WMT', 'DIS',
];
const DOW30_PACKAGE = '@ensemble/data-dow30';

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
    package: DOW30_PACKAGE,
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
  checkArguments('getDatasetInfo', [stringIssue(name, 'name', `a data set name (${DATASETS.map((dataset) => dataset.name).join(', ')})`)]);
  const info = DATASETS.find((dataset) => dataset.name === name);
  if (info === undefined) {
    throw new EnsembleError(
      'DATA_NOT_FOUND',
      `Unknown data set ${quoteValue(name)}. Available data sets: ${DATASETS.map((dataset) => dataset.name).join(', ')}.`,
    );
  }
  return info;
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier);
}

/** How a data set's own package is imported; a parameter so that tests can stand in for it. */
export type PackageImporter = (name: DatasetName) => Promise<{ readonly dow30Dataset?: { readonly url: URL } }>;

const importPackage: PackageImporter = async (name) => {
  switch (name) {
    case 'dow30':
      return import('@ensemble/data-dow30');
    case 'sp500':
    case 'stocks5':
      return {};
  }
};

/**
 * Where the file of data set `name` lives (a `file:` URL in Node.js, an asset URL in a bundle).
 * `dow30` is in `@ensemble/data-dow30`: when that package is not installed this throws an
 * `EnsembleError` with code `DATA_NOT_FOUND` saying to install it.
 */
export async function datasetUrl(name: DatasetName, importer: PackageImporter = importPackage): Promise<URL> {
  switch (name) {
    case 'sp500':
      return new URL('../datasets/sp500-2000.csv', import.meta.url);
    case 'stocks5':
      return new URL('../datasets/stocks.csv', import.meta.url);
    case 'dow30':
      try {
        const entry = (await importer(name)).dow30Dataset;
        if (entry !== undefined) return entry.url;
      } catch (error) {
        if (!isModuleNotFound(error, DOW30_PACKAGE)) throw error;
      }
      throw new EnsembleError(
        'DATA_NOT_FOUND',
        `Data set "dow30" is in its own package, ${DOW30_PACKAGE}, because its data is GPL-2.0-or-later (this package is MIT): install it (npm install ${DOW30_PACKAGE}) to load it by name.`,
      );
  }
}

/**
 * Loads a data set as validated {@link MarketData} whose `source` is its name: an embedded one
 * by name (`sp500`, `stocks5`, and `dow30` when `@ensemble/data-dow30` is installed; see
 * {@link listDatasets}), or a {@link DatasetEntry} such as `dow30Dataset` of
 * `@ensemble/data-dow30`. Options select symbols and a date range and pass `sort`/`adjust`. An
 * unknown name throws an `EnsembleError` with code `DATA_NOT_FOUND` listing the names.
 */
export async function loadDataset(
  dataset: string | DatasetEntry,
  options: SelectOptions & Pick<ParseOptions, 'adjust' | 'sort'> & { readonly logger?: Logger | undefined } = {},
): Promise<MarketData> {
  checkArguments('loadDataset', [datasetIssue(dataset), optionsIssue(options)]);
  const entry: DatasetEntry =
    typeof dataset === 'string' ? { ...getDatasetInfo(dataset), url: await datasetUrl(getDatasetInfo(dataset).name) } : dataset;
  const data = await loadFrom(entry.url, {
    ...options,
    file: entry.file,
    format: entry.format,
    ...(entry.format === 'ohlcv' ? { symbol: entry.symbols[0] } : {}),
  });
  return { ...data, source: entry.name };
}

/** The problem with {@link loadDataset}'s data set (null when there is none): a name or an entry with a `url`. */
function datasetIssue(dataset: unknown): ConfigIssue | null {
  if (typeof dataset === 'string') return null;
  const what = `a data set name (${DATASETS.map((entry) => entry.name).join(', ')}) or an entry such as dow30Dataset of ${DOW30_PACKAGE}`;
  if (typeof dataset !== 'object' || dataset === null || Array.isArray(dataset)) return { path: 'dataset', message: `must be ${what}; got ${describeGiven(dataset)}` };
  const { url, format, symbols } = dataset as { url?: unknown; format?: unknown; symbols?: unknown };
  if (!(url instanceof URL) && typeof url !== 'string') return { path: 'dataset.url', message: `must be the URL of the data set's file (${what}); got ${describeGiven(url)}` };
  // A single-series file takes its symbol from the entry's list.
  if (format === 'ohlcv' && !Array.isArray(symbols)) return { path: 'dataset.symbols', message: `must be the symbols of the data set's file (an array), its first naming the series; got ${describeGiven(symbols)}` };
  return null;
}
