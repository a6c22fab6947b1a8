export type { DataFormat, DateInput, DateReading, MarketData, ParseOptions, SelectOptions } from './types';
export type { DateFormat } from '@ensemble/protocol';
export { DATE_FORMATS } from '@ensemble/protocol';
export { parseMarketData } from './parse';
export { loadMarketData, readDataBytes } from './load';
export { combineMarketData, loadMarketDataFiles, repeatedFiles } from './load-files';
export {
  createMarketData,
  getSeries,
  resolveDateBound,
  selectMarketData,
  selectRange,
  selectSymbols,
} from './market-data';
export { EPOCH_MIN_MAGNITUDE, EPOCH_MS_THRESHOLD, EPOCH_US_THRESHOLD, epochToMs, formatDate, formatTime, parseDate } from './dates';
export { DEFAULT_MAX_PROBLEMS } from './problems';
export type { DatasetEntry, DatasetInfo, DatasetName, PackageImporter } from './datasets';
export { datasetUrl, getDatasetInfo, isDatasetName, listDatasets, loadDataset } from './datasets';
export type { DataGap, Frequency, MarketDataSummary, SeriesSummary, SymbolHole, SymbolMixedSpacing, SymbolSplitJump } from './inspect';
export { dataHoles, inferFrequency, inspectMarketData, mixedSpacing, splitJumps } from './inspect';
export type { PriceJump } from './price-jumps';
export { JUMP_FACTOR, priceJumps } from './price-jumps';
export type { IntradaySessions } from './intraday-sessions';
export type { SeededRandom, SyntheticDataOptions } from './synthetic';
export { createSeededRandom, generateSyntheticCsv, generateSyntheticData } from './synthetic';
export type { ToCsvOptions } from './to-csv';
export { toCsv } from './to-csv';
