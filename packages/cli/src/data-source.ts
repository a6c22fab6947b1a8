import path from 'node:path';
import { getDatasetInfo, isDatasetName, listDatasets, loadDataset, loadMarketData } from '@ensemble/data';
import type { DataFormat, DatasetInfo, DateInput, MarketData } from '@ensemble/data';
import { ConfigError, EnsembleError, MAX_LINE_LENGTH, echoValue, quoteValue } from '@ensemble/protocol';
import type { Logger } from '@ensemble/protocol';
import type { CliIo } from './io';

/** What to load and which part of it to keep. */
export interface DataSourceOptions {
  readonly format?: DataFormat | undefined;
  readonly symbols?: readonly string[] | undefined;
  /** Inclusive bounds: a date string (a date-only `to` covers its day) or epoch ms. */
  readonly from?: DateInput | undefined;
  readonly to?: DateInput | undefined;
  readonly maxProblems?: number | undefined;
  readonly logger?: Logger | undefined;
  /** Receives (bytes parsed, file size) while a data file is parsed (not for the small embedded data sets). */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Loaded data and, for an embedded data set, its description. */
export interface LoadedData {
  readonly data: MarketData;
  readonly dataset: DatasetInfo | undefined;
}

function looksLikePath(source: string): boolean {
  return /[\\/.]/.test(source);
}

function datasetList(): string {
  return listDatasets()
    .map((dataset) => dataset.name)
    .join(', ');
}

/**
 * Loads `source`: an embedded data set name (`sp500`, `dow30`, `stocks5`) or a CSV/JSON file path
 * relative to the CLI's working directory. A word that is neither fails with the list of data
 * sets; a missing file fails naming the path (both `DATA_NOT_FOUND`, exit 2).
 */
export async function loadDataSource(source: string, options: DataSourceOptions, io: CliIo): Promise<LoadedData> {
  const selection = { symbols: options.symbols, from: options.from, to: options.to, logger: options.logger };
  if (isDatasetName(source)) {
    if (options.format !== undefined) {
      throw new ConfigError([{ path: '--format', message: `applies to files; the data set ${quoteValue(source)} has a known layout` }]);
    }
    return { data: await loadDataset(source, selection), dataset: getDatasetInfo(source) };
  }
  const absolute = path.resolve(io.cwd, source);
  if (!looksLikePath(source)) {
    const { existsSync } = await import('node:fs');
    if (!existsSync(absolute)) {
      throw new EnsembleError(
        'DATA_NOT_FOUND',
        `${quoteValue(source, MAX_LINE_LENGTH)} is neither a data set nor a file. Data sets: ${datasetList()}. Or give the path of a CSV or JSON file.`,
      );
    }
  }
  try {
    const data = await loadMarketData(absolute, { ...selection, file: source, format: options.format, maxProblems: options.maxProblems, onProgress: options.onProgress });
    return { data, dataset: undefined };
  } catch (error) {
    if (EnsembleError.isInstance(error) && error.code === 'DATA_NOT_FOUND') {
      throw new EnsembleError(
        'DATA_NOT_FOUND',
        `Market data file not found: ${quoteValue(source, MAX_LINE_LENGTH)} (looked for ${echoValue(absolute, MAX_LINE_LENGTH)}). Check the path, or use a data set name: ${datasetList()}.`,
        { cause: error },
      );
    }
    throw error;
  }
}
