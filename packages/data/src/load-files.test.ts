import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { DataValidationError } from '@ensemble/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMarketData } from './load';
import { combineMarketData, loadMarketDataFiles, repeatedFiles } from './load-files';
import { parseMarketData } from './parse';

const dir = mkdtempSync(join(tmpdir(), 'ensemble-files-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function file(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

// Yahoo Finance's layout, one file per symbol: the symbol is the file's name.
const yahoo = 'Date,Open,High,Low,Close,Adj Close,Volume';
const aapl = file('AAPL.csv', [yahoo, '2020-01-02,10,11,9,10.5,10.5,100', '2020-01-03,10.5,12,10,11,11,120', '2020-01-06,11,11.5,10,10.2,10.2,90']);
const msft = file('MSFT.csv', [yahoo, '2020-01-03,50,51,49,50.5,50.5,10', '2020-01-06,50.5,52,50,51,51,12', '2020-01-07,51,51,48,49,49,15']);
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('loadMarketDataFiles', () => {
  it('joins one file per symbol on one timeline, each series as its file alone gives it', async () => {
    const data = await loadMarketDataFiles([aapl, msft]);
    expect(data.timeline.symbols).toEqual(['AAPL', 'MSFT']);
    expect(Array.from(data.timeline.time)).toEqual(['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07'].map(day));
    expect(Array.from(data.timeline.barIndex[0] ?? [])).toEqual([0, 1, 2, -1]);
    expect(Array.from(data.timeline.barIndex[1] ?? [])).toEqual([-1, 0, 1, 2]);
    const alone = await loadMarketData(msft);
    expect(Array.from(data.series[1]?.close ?? [])).toEqual(Array.from(alone.series[0]?.close ?? []));
    expect(Array.from(data.series[1]?.close ?? [])).toEqual([50.5, 51, 49]);
    expect(data.source).toBe(`${aapl}, ${msft}`);
    expect(data.format).toBe('ohlcv');
    // The files' one note (their Adj Close column ignored) once, naming both.
    const alike = alone.notes?.[0] ?? '';
    expect(alike).toMatch(/Adj Close/);
    expect(data.notes).toEqual([`${aapl}, ${msft}: ${alike}`]);
  });

  it('selects symbols and dates from the joined data', async () => {
    const data = await loadMarketDataFiles([aapl, msft], { symbols: ['msft'], from: '2020-01-06' });
    expect(data.timeline.symbols).toEqual(['MSFT']);
    expect(Array.from(data.series[0]?.close ?? [])).toEqual([51, 49]);
    await expect(loadMarketDataFiles([aapl, msft], { symbols: ['IBM'] })).rejects.toThrow(/unknown symbol "IBM"; available: AAPL, MSFT/);
  });

  it('reports every file’s problems together, each naming its file and row', async () => {
    const bad1 = file('BAD1.csv', [yahoo, '2020-01-02,10,11,9,-1,10.5,100']);
    const bad2 = file('BAD2.csv', [yahoo, '2020-01-03,10,11,9,10,10,100', '2020-01-02,10,11,9,10,10,100']);
    const error = await loadMarketDataFiles([bad1, aapl, bad2], { names: ['BAD1.csv', 'AAPL.csv', 'BAD2.csv'] }).catch((caught: unknown) => caught);
    expect(DataValidationError.isInstance(error)).toBe(true);
    const problems = (error as DataValidationError).problems;
    expect(problems.map((problem) => [problem.file, problem.row, problem.rule])).toEqual([
      ['BAD1.csv', 2, 'non-positive-price'],
      ['BAD2.csv', 3, 'unsorted-dates'],
    ]);
  });

  it('counts one budget of problems over every file (maxProblems)', async () => {
    const bad = (name: string) => file(name, [yahoo, '2020-01-02,10,11,9,-1,10.5,100', '2020-01-03,10,11,9,-2,10.5,100', '2020-01-06,10,11,9,-3,10.5,100']);
    const error = await loadMarketDataFiles([bad('X1.csv'), bad('X2.csv'), bad('X3.csv')], { maxProblems: 4 }).catch((caught: unknown) => caught);
    expect(DataValidationError.isInstance(error)).toBe(true);
    // 3 in the first file, 1 in the second (the budget's last), none read of the third.
    expect((error as DataValidationError).problems.map((problem) => [problem.file?.slice(-6), problem.row])).toEqual([
      ['X1.csv', 2],
      ['X1.csv', 3],
      ['X1.csv', 4],
      ['X2.csv', 2],
    ]);
    expect((error as DataValidationError).truncated).toBe(true);
    await expect(loadMarketDataFiles([aapl, msft], { names: ['AAPL.csv'] })).rejects.toThrow(/2 path\(s\), but 1 name\(s\)/);
    // One file named two ways.
    await expect(loadMarketDataFiles([aapl, `${dir}/./AAPL.csv`], { names: ['AAPL.csv', './AAPL.csv'] })).rejects.toThrow('"./AAPL.csv" and "AAPL.csv" are the same file: give it once');
    await expect(loadMarketDataFiles([aapl, msft], { maxProblems: 0 })).rejects.toThrow('maxProblems: must be a positive integer, got 0');
  });

  it('refuses a symbol found in two files, naming both', async () => {
    const again = file('again.csv', ['symbol,date,close', 'AAPL,2020-01-02,1', 'IBM,2020-01-02,2']);
    const error = await loadMarketDataFiles([aapl, again], { names: ['AAPL.csv', 'again.csv'] }).catch((caught: unknown) => caught);
    expect(DataValidationError.isInstance(error)).toBe(true);
    expect((error as DataValidationError).problems).toEqual([
      { file: 'again.csv', rule: 'duplicate-column', message: 'symbol "AAPL" is also in "AAPL.csv": each symbol must come from one file (drop it from one of them)' },
    ]);
  });

  it('says why two files with names that make no symbol clash', async () => {
    const long = 'x'.repeat(70);
    const first = file(`${long}-a.csv`, ['date,close', '2020-01-02,1']);
    const second = file(`${long}-b.csv`, ['date,close', '2020-01-02,2']);
    // A file really named DATA.csv beside one: the plain clash.
    const data = file('DATA.csv', ['date,close', '2020-01-02,3']);
    await expect(loadMarketDataFiles([data, first])).rejects.toThrow(/symbol "DATA" is also in .*DATA\.csv": each symbol must come from one file/);
    await expect(loadMarketDataFiles([first, second])).rejects.toThrow(/symbol "DATA" is also in .*: their file names are no usable symbols \(at most 64 characters, no control characters\), so each names its series DATA: rename the files, or give each a symbol column/);
  });

  it('counts the bytes of every file in one progress', async () => {
    const seen: [number, number][] = [];
    await loadMarketDataFiles([aapl, msft], { onProgress: (done, total) => seen.push([done, total]) });
    const { statSync } = await import('node:fs');
    const total = statSync(aapl).size + statSync(msft).size;
    expect(seen.every(([, all]) => all === total)).toBe(true);
    const dones = seen.map(([done]) => done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(dones.at(-1)).toBe(total);
  });

  it('is loadMarketData for one file, and refuses none', async () => {
    const one = await loadMarketDataFiles([aapl], { names: ['AAPL.csv'] });
    expect(one.source).toBe('AAPL.csv');
    expect(one.timeline.symbols).toEqual(['AAPL']);
    await expect(loadMarketDataFiles([])).rejects.toThrow(/at least one file/);
  });
});

describe('combineMarketData', () => {
  it('notes what the files share once, naming the first three and how many more', () => {
    const parts = ['A', 'B', 'C', 'D', 'E'].map((name, k) =>
      parseMarketData(`date,close,Adj Close\n2020-01-0${String(k + 2)},1,1\n`, { file: `${name}.csv` }),
    );
    const note = parts[0]?.notes?.[0] ?? '';
    expect(note).not.toBe('');
    expect(combineMarketData(parts).notes).toEqual([`A.csv, B.csv, C.csv, … and 2 more: ${note}`]);
  });

  it('keeps the format the parts share, else memory; the detected date forms of all', () => {
    const a = parseMarketData('date,close\n2020-01-02,1\n', { file: 'A.csv' });
    const b = parseMarketData('date,close\n03/01/2020,2\n', { file: 'B.csv', dateFormat: 'DD/MM/YYYY' });
    const c = parseMarketData('[{"symbol":"C","date":"20200106","close":3}]', { file: 'c.json' });
    const ab = combineMarketData([a, b]);
    expect(ab.format).toBe('long');
    // The form detected in one, the format given to the other, in either order.
    expect(ab.dates).toEqual({ detected: ['YYYY-MM-DD', 'DD/MM/YYYY'] });
    expect(combineMarketData([b, a]).dates).toEqual({ detected: ['DD/MM/YYYY', 'YYYY-MM-DD'] });
    const d = parseMarketData('date,close\n06/01/2020,3\n', { file: 'D.csv', dateFormat: 'DD/MM/YYYY' });
    expect(combineMarketData([b, d]).dates).toEqual({ given: 'DD/MM/YYYY' });
    const all = combineMarketData([a, c]);
    expect(all.format).toBe('mixed');
    expect(all.dates).toEqual({ detected: ['YYYY-MM-DD', 'YYYYMMDD'] });
    expect(Array.from(all.timeline.time)).toEqual(['2020-01-02', '2020-01-06'].map(day));
  });
});

describe('repeatedFiles', () => {
  it('points each path to the first naming the same file, once resolved', () => {
    const resolve = (file: string) => resolvePath('/data', file);
    expect(repeatedFiles(['a.csv', './a.csv', 'b.csv', 'x/../b.csv', '/data/a.csv', 'c.csv'], resolve)).toEqual([-1, 0, -1, 2, 0, -1]);
    expect(repeatedFiles([], resolve)).toEqual([]);
  });
});
