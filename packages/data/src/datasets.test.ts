import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dow30Dataset } from '@ensemble/data-dow30';
import { EnsembleError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import type { PackageImporter } from './datasets';
import { datasetUrl, getDatasetInfo, isDatasetName, listDatasets, loadDataset } from './datasets';
import { formatDate } from './dates';
import { getSeries } from './market-data';

// Golden values read by hand from the raw files in datasets/ (the header is line 1).

describe('sp500 (sp500-2000.csv, OHLCV)', async () => {
  const data = await loadDataset('sp500');
  const series = getSeries(data, 'SP500');

  it('has 5,105 daily bars from 2000-01-03 to 2020-04-17', () => {
    expect(data.source).toBe('sp500');
    expect(data.format).toBe('ohlcv');
    expect(data.timeline.symbols).toEqual(['SP500']);
    expect(series.length).toBe(5105);
    expect(formatDate(series.time[0] ?? 0)).toBe('2000-01-03');
    expect(formatDate(series.time[5104] ?? 0)).toBe('2020-04-17');
  });

  it('first row: 2000-01-03,1469.250000,1478.000000,1438.359985,1455.219971,1455.219971,931800000', () => {
    expect([series.open[0], series.high[0], series.low[0], series.close[0], series.volume[0]]).toEqual([
      1469.25, 1478, 1438.359985, 1455.219971, 931_800_000,
    ]);
  });

  it('last row: 2020-04-17,2842.429932,2879.219971,2830.879883,2874.560059,2874.560059,5792140000', () => {
    const i = series.length - 1;
    expect([series.open[i], series.high[i], series.low[i], series.close[i], series.volume[i]]).toEqual([
      2842.429932, 2879.219971, 2830.879883, 2874.560059, 5_792_140_000,
    ]);
  });

  it('line 428 is 2001-09-17, the first session after 2001-09-10 (markets closed after 9/11)', () => {
    expect(formatDate(series.time[425] ?? 0)).toBe('2001-09-10');
    expect(formatDate(series.time[426] ?? 0)).toBe('2001-09-17');
    expect(series.close[426]).toBe(1038.77002);
  });
});

describe('dow30 (dowjones30.csv, wide close-only)', async () => {
  const data = await loadDataset('dow30');

  it('has 30 symbols in column order, 2,529 days from 1990-12-31 to 2001-01-02', () => {
    expect(data.format).toBe('wide');
    expect(data.timeline.symbols).toHaveLength(30);
    expect(data.timeline.symbols.slice(0, 4)).toEqual(['AA', 'AXP', 'T', 'BA']);
    expect(data.timeline.symbols.at(-1)).toBe('DIS');
    expect(data.timeline.length).toBe(2529);
    for (const s of data.series) expect(s.length).toBe(2529);
    expect(formatDate(data.timeline.time[0] ?? 0)).toBe('1990-12-31');
    expect(formatDate(data.timeline.time[2528] ?? 0)).toBe('2001-01-02');
  });

  it('first, second and last closes of AA, IBM, MSFT and DIS match the file', () => {
    const closes = (symbol: string) => {
      const s = getSeries(data, symbol);
      return [s.close[0], s.close[1], s.close[s.length - 1]];
    };
    // Line 2 (1990-12-31) and line 3 (1991-01-02) repeat the same prices: valid, not duplicates.
    expect(closes('AA')).toEqual([5.92, 5.92, 31.88]);
    expect(closes('IBM')).toEqual([27.86, 27.86, 84.5]);
    expect(closes('MSFT')).toEqual([2.08, 2.08, 43.38]);
    expect(closes('DIS')).toEqual([7.86, 7.86, 27.94]);
  });

  it('close-only: open = high = low = close and volume 0', () => {
    const s = getSeries(data, 'IBM');
    expect([s.open[100], s.high[100], s.low[100], s.volume[100]]).toEqual([s.close[100], s.close[100], s.close[100], 0]);
  });
});

describe('stocks5 (stocks.csv, long close-only)', async () => {
  const data = await loadDataset('stocks5');

  it('has MSFT, AMZN, IBM, GOOG, AAPL in file order; 123 months each, GOOG 68 from 2004-08', () => {
    expect(data.format).toBe('long');
    expect(data.timeline.symbols).toEqual(['MSFT', 'AMZN', 'IBM', 'GOOG', 'AAPL']);
    expect(data.series.map((s) => s.length)).toEqual([123, 123, 123, 68, 123]);
    expect(data.timeline.length).toBe(123);
    const goog = getSeries(data, 'GOOG');
    expect(formatDate(goog.time[0] ?? 0)).toBe('2004-08-01');
    expect(goog.close[0]).toBe(102.37);
    // GOOG has no bar (index -1) on the 55 months before Aug 2004 (Jan 2000 .. Jul 2004).
    const googIndex = data.timeline.barIndex[3] ?? new Int32Array(0);
    expect(googIndex.indexOf(0)).toBe(55);
    expect(Array.from(googIndex.subarray(0, 55)).every((i) => i === -1)).toBe(true);
  });

  it('first and last prices match the file (lines 2, 124, 125, 247, 248, 370, 371, 438, 439, 561)', () => {
    const ends = (symbol: string) => {
      const s = getSeries(data, symbol);
      return [formatDate(s.time[0] ?? 0), s.close[0], formatDate(s.time[s.length - 1] ?? 0), s.close[s.length - 1]];
    };
    expect(ends('MSFT')).toEqual(['2000-01-01', 39.81, '2010-03-01', 28.8]);
    expect(ends('AMZN')).toEqual(['2000-01-01', 64.56, '2010-03-01', 128.82]);
    expect(ends('IBM')).toEqual(['2000-01-01', 100.52, '2010-03-01', 125.55]);
    expect(ends('GOOG')).toEqual(['2004-08-01', 102.37, '2010-03-01', 560.19]);
    expect(ends('AAPL')).toEqual(['2000-01-01', 25.94, '2010-03-01', 223.02]);
  });
});

describe('the data set registry', () => {
  it('lists the three data sets with their metadata, matching what loads', async () => {
    const infos = listDatasets();
    expect(infos.map((d) => d.name)).toEqual(['sp500', 'dow30', 'stocks5']);
    for (const info of infos) {
      const data = await loadDataset(info.name);
      expect(data.timeline.symbols).toEqual(info.symbols);
      expect(data.series.reduce((total, s) => total + s.length, 0)).toBe(info.bars);
      expect(formatDate(data.timeline.time[0] ?? 0)).toBe(info.from);
      expect(formatDate(data.timeline.time[data.timeline.length - 1] ?? 0)).toBe(info.to);
      expect(info.license).not.toBe('');
      expect(info.source).not.toBe('');
    }
  });

  it('loads a selection of a data set', async () => {
    const data = await loadDataset('stocks5', { symbols: ['GOOG', 'AAPL'], from: '2005-01-01', to: '2005-12-31' });
    expect(data.timeline.symbols).toEqual(['GOOG', 'AAPL']);
    expect(data.series.map((s) => s.length)).toEqual([12, 12]);
  });

  it('rejects an unknown name with DATA_NOT_FOUND listing the data sets', async () => {
    const error: unknown = await loadDataset('nasdaq').catch((caught: unknown) => caught);
    expect(EnsembleError.isInstance(error) && error.code).toBe('DATA_NOT_FOUND');
    expect((error as Error).message).toContain('sp500, dow30, stocks5');
    expect(() => getDatasetInfo('x')).toThrow(/Unknown data set "x"/);
    expect(isDatasetName('dow30')).toBe(true);
    expect(isDatasetName('dow')).toBe(false);
  });
});

describe('dow30 lives in @ensemble/data-dow30', () => {
  it('this MIT package ships only permissively licensed data; dow30 names its own package', () => {
    const shipped = readdirSync(fileURLToPath(new URL('../datasets', import.meta.url))).filter((file) => file.endsWith('.csv'));
    expect(shipped.sort()).toEqual(['sp500-2000.csv', 'stocks.csv']);
    for (const info of listDatasets()) {
      if (info.license.startsWith('GPL')) expect(info.package, info.name).toBe('@ensemble/data-dow30');
      else expect(shipped, info.name).toContain(info.file);
    }
  });

  it('loads by name when the package is installed, and from its entry, identically', async () => {
    const byName = await loadDataset('dow30', { symbols: ['IBM'] });
    const byEntry = await loadDataset(dow30Dataset, { symbols: ['IBM'] });
    expect(byEntry.source).toBe('dow30');
    expect(byEntry.series).toEqual(byName.series);
  });

  it('without the package, says which package to install and why', async () => {
    const missing: PackageImporter = () =>
      Promise.reject(Object.assign(new Error("Cannot find package '@ensemble/data-dow30' imported from datasets.js"), { code: 'ERR_MODULE_NOT_FOUND' }));
    const error: unknown = await datasetUrl('dow30', missing).catch((caught: unknown) => caught);
    expect(EnsembleError.isInstance(error) && error.code).toBe('DATA_NOT_FOUND');
    expect((error as Error).message).toBe(
      'Data set "dow30" is in its own package, @ensemble/data-dow30, because its data is GPL-2.0-or-later (this package is MIT): install it (npm install @ensemble/data-dow30) to load it by name.',
    );
    const broken: PackageImporter = () => Promise.reject(new TypeError('something else'));
    await expect(datasetUrl('dow30', broken)).rejects.toThrow('something else');
  });
});
