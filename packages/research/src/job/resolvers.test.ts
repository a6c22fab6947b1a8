import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetUrl } from '@ensemble/data';
import { describe, expect, it } from 'vitest';
import { createLocalResolvers, dataRefOf } from './resolvers';

describe('createLocalResolvers', () => {
  it('keeps the embedded data set and a file with the same bytes apart: each keeps its own symbol, in either order', async () => {
    // A user's copy of the embedded S&P 500 file: the same SHA-256, but its symbol is its file name.
    const file = join(await mkdtemp(join(tmpdir(), 'resolvers-')), 'my.csv');
    await copyFile(fileURLToPath(await datasetUrl('sp500')), file);
    const dataset = await dataRefOf({ dataset: 'sp500' }, '.');
    const copy = await dataRefOf({ file }, '.');
    expect(copy.sha256).toBe(dataset.sha256);

    const datasetFirst = createLocalResolvers();
    expect((await datasetFirst.marketData(dataset)).series.map((series) => series.symbol)).toEqual(['SP500']);
    expect((await datasetFirst.marketData(copy)).series.map((series) => series.symbol)).toEqual(['my']);

    const fileFirst = createLocalResolvers();
    expect((await fileFirst.marketData(copy)).series.map((series) => series.symbol)).toEqual(['my']);
    expect((await fileFirst.marketData(dataset)).series.map((series) => series.symbol)).toEqual(['SP500']);
    // Parsed once each: the same data again is the same object.
    expect(await fileFirst.marketData(copy)).toBe(await fileFirst.marketData({ ...copy }));
  });
});
