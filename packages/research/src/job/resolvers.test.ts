import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetUrl, parseMarketData } from '@ensemble/data';
import { describe, expect, it } from 'vitest';
import { ConfigError, DataValidationError } from '@ensemble/protocol';
import { temporaryDirectory } from '../testing/temporary-directory';
import { createInProcessExecutor } from '../executor/in-process-executor';
import { runSweep } from '../sweep/run-sweep';
import { planSweep } from '../sweep/sweep-plan';
import { createLocalResolvers, dataRefOf, dataRefsOf, marketDataOf } from './resolvers';

describe('dataRefOf', () => {
  // Regression: a sweep on a named pipe hung (the planner opened it a second time, no writer
  // left), and on a shell's pipe as /dev/stdin said the data "changed since the research was planned".
  it('refuses a named pipe at once, without opening it, saying to save the data to a file', async () => {
    const fifo = join(await temporaryDirectory('resolvers-'), 'prices.csv');
    execFileSync('mkfifo', [fifo]);
    await expect(dataRefOf({ file: fifo }, '.')).rejects.toThrow(/prices\.csv" is a pipe, not a file: research reads its data from a file, more than once .* and a pipe gives it only once; save the data to a file first/);
  });
});

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

describe('a sweep over a day-first file', () => {
  /** The embedded S&P 500 rows of 2015–2016, as written (YYYY-MM-DD) and rewritten day first (DD/MM/YYYY), in two folders under one name. */
  async function files(): Promise<{ iso: string; dayFirst: string }> {
    const dir = await temporaryDirectory('resolvers-day-first-');
    const [header = '', ...rows] = (await readFile(fileURLToPath(await datasetUrl('sp500')), 'utf8')).trimEnd().split('\n');
    const kept = rows.filter((row) => row.startsWith('2015-') || row.startsWith('2016-'));
    await mkdir(join(dir, 'iso'));
    await mkdir(join(dir, 'eu'));
    await writeFile(join(dir, 'iso', 'SPX.csv'), [header, ...kept].join('\n'));
    await writeFile(join(dir, 'eu', 'SPX.csv'), [header, ...kept.map((row) => row.replace(/^(\d{4})-(\d{2})-(\d{2}),/, '$3/$2/$1,'))].join('\n'));
    return { iso: join(dir, 'iso'), dayFirst: join(dir, 'eu') };
  }
  const spec = (dateFormat?: string) => ({
    kind: 'backtest',
    config: { data: { file: 'SPX.csv', ...(dateFormat === undefined ? {} : { dateFormat }) }, strategy: 'sma-crossover', params: { slow: 60 } },
    parameters: [{ path: 'params.fast', values: [5, 10, 20] }],
  });

  it('reads it with the base config\'s dateFormat: every job ranks as on the same rows written YYYY-MM-DD', async () => {
    const { iso, dayFirst } = await files();
    const plan = await planSweep(spec('DD/MM/YYYY'), { baseDir: dayFirst });
    expect(plan.jobs[0]?.data[0]).toMatchObject({ file: join(dayFirst, 'SPX.csv'), dateFormat: 'DD/MM/YYYY' });
    const reference = await planSweep(spec(), { baseDir: iso });
    expect(reference.jobs[0]?.data[0]).not.toHaveProperty('dateFormat');
    const read = await createLocalResolvers().marketData(plan.jobs[0]?.data[0] ?? { file: '', sha256: '' });
    const expected = await createLocalResolvers().marketData(reference.jobs[0]?.data[0] ?? { file: '', sha256: '' });
    expect(read.series).toEqual(expected.series);
    expect(read.series[0]?.length).toBe(504); // 252 sessions in 2015 and 252 in 2016, counted in the file
    const [swept, referenceSwept] = await Promise.all([runSweep(plan, createInProcessExecutor()), runSweep(reference, createInProcessExecutor())]);
    expect(swept.rows.map((row) => [row.index, row.metrics])).toEqual(referenceSwept.rows.map((row) => [row.index, row.metrics]));
    expect(swept.rows.every((row) => row.status === 'ok')).toBe(true);
  });

  it('a two-digit-year copy read with DD.MM.YY (15 and 16 are 2015 and 2016 by strptime\'s pivot) gives the bars of the file written YYYY-MM-DD', async () => {
    const { iso } = await files();
    const dir = await temporaryDirectory('resolvers-two-digit-');
    await writeFile(join(dir, 'SPX.csv'), (await readFile(join(iso, 'SPX.csv'), 'utf8')).replace(/^\d{2}(\d{2})-(\d{2})-(\d{2}),/gm, '$3.$2.$1,'));
    expect((await readFile(join(dir, 'SPX.csv'), 'utf8')).split('\n')[1]?.startsWith('02.01.15,')).toBe(true);
    const plan = await planSweep(spec('DD.MM.YY'), { baseDir: dir });
    expect(plan.jobs[0]?.data[0]).toMatchObject({ dateFormat: 'DD.MM.YY' });
    const reference = await planSweep(spec(), { baseDir: iso });
    const read = await createLocalResolvers().marketData(plan.jobs[0]?.data[0] ?? { file: '', sha256: '' });
    const expected = await createLocalResolvers().marketData(reference.jobs[0]?.data[0] ?? { file: '', sha256: '' });
    expect(read.series).toEqual(expected.series);
  });

  it('without it, planning stops on the day-month dates, naming the one order they allow and the format to pass; auto is the same as leaving it out', async () => {
    const { dayFirst } = await files();
    // 2 January 2015 is 02/01/2015, either way; 13/01/2015 is day first only.
    await expect(planSweep(spec(), { baseDir: dayFirst })).rejects.toThrow('the dates are day first: line ');
    await expect(planSweep(spec(), { baseDir: dayFirst })).rejects.toThrow('pass --date-format DD/MM/YYYY (data.dateFormat in a config, dateFormat in code)');
    const auto = await dataRefOf({ file: 'SPX.csv', dateFormat: 'auto' }, dayFirst);
    expect(auto).toEqual(await dataRefOf({ file: 'SPX.csv' }, dayFirst));
  });
});

describe('several data files: one reference each, joined, every problem reported', () => {
  it('names every file it cannot read or that is given twice, and joins what it reads on one timeline', async () => {
    const dir = await temporaryDirectory('resolvers-files-');
    await writeFile(join(dir, 'AAA.csv'), 'date,close\n2020-01-02,1\n2020-01-03,2\n');
    await writeFile(join(dir, 'BBB.csv'), 'date,close\n2020-01-03,5\n2020-01-06,6\n');
    const refs = await dataRefsOf({ file: ['AAA.csv', 'BBB.csv'] }, dir);
    expect(refs.map((ref) => ref.file)).toEqual([join(dir, 'AAA.csv'), join(dir, 'BBB.csv')]);
    const data = await marketDataOf(createLocalResolvers(), refs);
    expect(data.timeline.symbols).toEqual(['AAA', 'BBB']);
    expect(Array.from(data.timeline.time)).toEqual([Date.UTC(2020, 0, 2), Date.UTC(2020, 0, 3), Date.UTC(2020, 0, 6)]);
    const error = await dataRefsOf({ file: ['AAA.csv', 'nope.csv', './AAA.csv', 'gone.csv'] }, dir).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error) ? error.issues.map((issue) => [issue.path, issue.message.slice(0, 40)]) : error).toEqual([
      ['file.1', expect.stringMatching(/^Market data file not found/)],
      ['file.2', '"./AAA.csv" is the file of file.0: list '],
      ['file.3', expect.stringMatching(/^Market data file not found/)],
    ]);
  });

  it('reports the data problems of every file of a job together', async () => {
    const dir = await temporaryDirectory('resolvers-bad-files-');
    await writeFile(join(dir, 'AAA.csv'), 'date,close\n2020-01-02,-1\n');
    await writeFile(join(dir, 'BBB.csv'), 'date,close\n2020-01-02,1\n');
    await writeFile(join(dir, 'CCC.csv'), 'date,close\n2020-01-03,1\n2020-01-02,1\n');
    const refs = await dataRefsOf({ file: ['AAA.csv', 'BBB.csv', 'CCC.csv'] }, dir);
    const error = await marketDataOf(createLocalResolvers(), refs).catch((caught: unknown) => caught);
    expect(DataValidationError.isInstance(error) ? error.problems.map((problem) => [problem.file, problem.row, problem.rule]) : error).toEqual([
      [join(dir, 'AAA.csv'), 2, 'non-positive-price'],
      [join(dir, 'CCC.csv'), 3, 'unsorted-dates'],
    ]);
  });
});
