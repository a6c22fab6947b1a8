import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDataset, parseMarketData } from '@ensemble/data';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-data-export-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('ensemble data export', () => {
  it('writes a data set as a long CSV that reads back to the same bars, with its attribution said', async () => {
    const { code, err } = await run('data', 'export', 'dow30', '--symbol', 'IBM,KO', '--from', '2000-06-01', '-o', 'out/dow.csv');
    expect(code).toBe(0);
    expect(err).toContain('wrote out/dow.csv (');
    expect(err).toContain('GPL-2.0-or-later');
    const text = readFileSync(path.join(scratch, 'out', 'dow.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('symbol,date,open,high,low,close,volume');
    const back = parseMarketData(text, { format: 'long' });
    const original = await loadDataset('dow30', { symbols: ['IBM', 'KO'], from: '2000-06-01' });
    expect(back.series.map((series) => series.symbol)).toEqual(['IBM', 'KO']);
    back.series.forEach((series, k) => {
      expect(Array.from(series.time)).toEqual(Array.from(original.series[k]?.time ?? []));
      expect(Array.from(series.close)).toEqual(Array.from(original.series[k]?.close ?? []));
    });
  });

  it('writes to stdout by default, with fixed decimals on request', async () => {
    const { code, out } = await run('data', 'export', 'sp500', '--to', '2000-01-04', '--decimals', '2');
    expect(code).toBe(0);
    expect(out).toBe('symbol,date,open,high,low,close,volume\nSP500,2000-01-03,1469.25,1478.00,1438.36,1455.22,931800000\nSP500,2000-01-04,1455.22,1455.22,1397.43,1399.42,1009000000\n');
  });

  it('joins files of other layouts, and refuses to write over a file it reads', async () => {
    writeFileSync(path.join(scratch, 'AAA.csv'), 'Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,10,11,9,10.5,10.5,100\n2020-01-03,10.5,12,10,11,11,200\n');
    const joined = await run('data', 'export', 'AAA.csv');
    expect(joined.code).toBe(0);
    expect(joined.out).toBe('symbol,date,open,high,low,close,volume\nAAA,2020-01-02,10,11,9,10.5,100\nAAA,2020-01-03,10.5,12,10,11,200\n');
    const over = await run('data', 'export', 'AAA.csv', '--out', './AAA.csv');
    expect(over.code).toBe(2);
    expect(over.err).toContain('would overwrite the data file AAA.csv');
    expect(readFileSync(path.join(scratch, 'AAA.csv'), 'utf8')).toContain('Adj Close');
  });

  // Regressions: --decimals 0 wrote prices of 0, which the loader then refused; the adjusted close
  // and a row of nulls were dropped without the notes the other commands give.
  it('refuses decimals that round a price to 0, and says what the load left out', async () => {
    writeFileSync(path.join(scratch, 'penny.csv'), 'date,open,high,low,close,volume\n2020-01-01,0.4,0.45,0.3,0.35,100\n2020-01-02,0.35,0.5,0.3,0.45,100\n');
    const rounded = await run('data', 'export', 'penny.csv', '--decimals', '0');
    expect(rounded.code).toBe(2);
    expect(rounded.err).toContain("--decimals: 0 decimals round penny's price of 0.4 on 2020-01-01 to 0");
    expect((await run('data', 'export', 'penny.csv', '--decimals', '1')).code).toBe(0);
    writeFileSync(path.join(scratch, 'YHO.csv'), 'Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,10,11,9,10.5,10.4,100\n2020-01-03,null,null,null,null,null,null\n2020-01-06,10.5,12,10,11,10.9,200\n');
    const noted = await run('data', 'export', 'YHO.csv');
    expect(noted.code).toBe(0);
    expect(noted.err).toContain('note: column "Adj Close" ignored');
    expect(noted.err).toContain('note: 1 row skipped');
    expect(noted.out.split('\n').filter((line) => line !== '')).toHaveLength(3);
  });
});
