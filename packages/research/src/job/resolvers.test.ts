import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetUrl, parseMarketData } from '@ensemble/data';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../testing/temporary-directory';
import { planSweep } from '../sweep/sweep-plan';
import { createLocalResolvers, dataRefOf } from './resolvers';

describe('createLocalResolvers', () => {
  it('keeps the embedded data set and a file with the same bytes apart: each keeps its own symbol, in either order', async () => {
    // A user's copy of the embedded S&P 500 file: the same SHA-256, but its symbol is its file name.
    const file = join(await temporaryDirectory('resolvers-'), 'my.csv');
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

describe('data read as the config says', () => {
  /** 60 daily rows whose adjusted close drifts away from the close (a factor from 1 to about 1.6). */
  function rows(): string[] {
    return Array.from({ length: 60 }, (_, i) => {
      const close = 100 + 10 * Math.sin(i / 5);
      const day = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      return `${day},${close},${close + 1},${close - 1},${close},${close * (1 + i / 100)},1000`;
    });
  }
  const header = 'Date,Open,High,Low,Close,Adj Close,Volume';

  it('adjusts and sorts a sweep\'s data when its base config asks (they were read raw, in file order)', async () => {
    const dir = await temporaryDirectory('resolvers-reading-');
    const inOrder = [header, ...rows()].join('\n');
    const newestFirst = [header, ...rows().reverse()].join('\n');
    await writeFile(join(dir, 'ADJ.csv'), inOrder);
    await writeFile(join(dir, 'REV.csv'), newestFirst);
    const plan = await planSweep(
      { kind: 'backtest', config: { data: { file: 'REV.csv', adjust: true, sort: true }, strategy: 'buy-and-hold' }, parameters: [{ path: 'cash', values: [1000, 2000] }] },
      { baseDir: dir },
    );
    const ref = plan.jobs[0]?.data[0];
    expect(ref).toMatchObject({ file: join(dir, 'REV.csv'), adjust: true, sort: true });
    const read = await createLocalResolvers().marketData(ref ?? { file: '', sha256: '' });
    // What `ensemble run` reads from the same config: the rows sorted, the prices adjusted.
    const expected = parseMarketData(inOrder, { file: join(dir, 'ADJ.csv'), adjust: true });
    expect(Array.from(read.series[0]?.close ?? [])).toEqual(Array.from(expected.series[0]?.close ?? []));
    expect(Array.from(read.series[0]?.time ?? [])).toEqual(Array.from(expected.series[0]?.time ?? []));
    // Adjusted: the last close is the last adjusted close (1.59 × the close), not the close.
    const last = rows().at(-1)?.split(',') ?? [];
    expect(read.series[0]?.close.at(-1)).toBeCloseTo(Number(last[5]), 9);
    expect(read.series[0]?.close.at(-1)).not.toBeCloseTo(Number(last[4]), 3);
    // The same bytes read raw are kept apart from the adjusted reading.
    const raw = await dataRefOf({ file: join(dir, 'ADJ.csv') }, '.');
    expect(raw).not.toHaveProperty('adjust');
    expect((await createLocalResolvers().marketData(raw)).series[0]?.close.at(-1)).toBe(Number(last[4]));
  });
});
