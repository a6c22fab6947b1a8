import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// A yen pair at three decimals (98.000 … 118.000): every price has one to three digits, a mark
// and three digits, so no value says whether the mark is a decimal one or separates thousands.
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-decimal-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});
const days = Array.from({ length: 120 }, (_, i) => new Date(Date.UTC(2023, 0, 2) + i * 86_400_000).toISOString().slice(0, 10));
const closes = days.map((_, i) => (108 + 10 * Math.sin(i / 9)).toFixed(3));
const rows = days.map((day, i) => {
  const close = closes[i] ?? '';
  const open = closes[Math.max(0, i - 1)] ?? '';
  const high = Math.max(Number(open), Number(close)).toFixed(3);
  const low = Math.min(Number(open), Number(close)).toFixed(3);
  return [day, open, high, low, close];
});
writeFileSync(path.join(scratch, 'JPY.tsv'), `Date\tOpen\tHigh\tLow\tClose\n${rows.map((row) => row.join('\t')).join('\n')}\n`);
mkdirSync(path.join(scratch, 'de'));
writeFileSync(path.join(scratch, 'de', 'JPY.csv'), `Date;Open;High;Low;Close\n${rows.map((row) => [row[0], ...row.slice(1).map((value) => value.replace('.', ','))].join(';')).join('\n')}\n`);
// Buy and hold at the closes, every unit fractional, no costs: the last close over the first.
const heldReturn = Number(closes[closes.length - 1]) / Number(closes[0]) - 1;

async function run(...args: string[]) {
  const io = createCapturedIo({ cwd: scratch });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

function totalReturnOf(file: string): number {
  const result = JSON.parse(readFileSync(path.join(scratch, file), 'utf8')) as { metrics: { metrics: { totalReturn: number } } };
  return result.metrics.metrics.totalReturn;
}

describe('--decimal', () => {
  it('backtest: a file whose values cannot say their decimal mark is refused with the flag to pass, and read with it', async () => {
    expect(rows[0]).toEqual(['2023-01-02', '108.000', '108.000', '108.000', '108.000']);
    const refused = await run('backtest', '--data', 'JPY.tsv', '--strategy', 'buy-and-hold');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('"108.000" (line 2, and 479 more like it) could be 108 (a decimal point) or 108000 (a thousands dot)');
    expect(refused.err).toContain('Say which: pass --decimal point if they are fractions, --decimal comma if the dot separates thousands (data.decimal in a config, decimal in code)');
    const read = await run('backtest', '--data', 'JPY.tsv', '--decimal', 'point', '--strategy', 'buy-and-hold', '--fill', 'close', '--fractional', '--json', 'point.json');
    expect(read.err).toBe('');
    expect(read.code).toBe(0);
    expect(read.out).toContain('data       JPY.tsv (ohlcv, decimal point)');
    expect(totalReturnOf('point.json')).toBeCloseTo(heldReturn, 12);
    expect((JSON.parse(readFileSync(path.join(scratch, 'point.json'), 'utf8')) as { config: { data: unknown } }).config.data).toMatchObject({ decimal: 'point' });
    const comma = await run('backtest', '--data', 'de/JPY.csv', '--decimal', 'comma', '--strategy', 'buy-and-hold', '--fill', 'close', '--fractional', '--json', 'comma.json');
    expect(comma.code).toBe(0);
    expect(comma.out).toContain('note: numbers read with a decimal comma, as the load says (decimal: comma)');
    expect(totalReturnOf('comma.json')).toBe(totalReturnOf('point.json'));
    // The other mark under a named one is refused, value by value, naming the way out.
    const wrong = await run('data', 'inspect', 'JPY.tsv', '--decimal', 'comma');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('Open is "108.000": with a decimal comma (decimal: comma) its dot separates thousands, which are written without separators: write 108000, or, if it is 108,000, load the file with decimal: point');
  });

  it('is refused with a data set, and an unknown mark names the setting meant', async () => {
    const dataset = await run('backtest', '--dataset', 'sp500', '--decimal', 'comma', '--strategy', 'buy-and-hold');
    expect(dataset.code).toBe(2);
    expect(dataset.err).toContain('--decimal comma: applies to a data file; the data set "sp500" writes decimal points');
    const mark = await run('data', 'inspect', 'JPY.tsv', '--decimal', ',');
    expect(mark.code).toBe(2);
    expect(mark.err).toContain('--decimal ,: unknown decimal mark ",": write "comma" (a decimal comma, as in 1234,56)');
  });

  it('a run config: data.decimal reads the file, the advice names the field to set, and a data set refuses it', async () => {
    mkdirSync(path.join(scratch, 'cfg'), { recursive: true });
    const write = (name: string, data: Record<string, unknown>): string => {
      writeFileSync(path.join(scratch, 'cfg', name), JSON.stringify({ data, fill: 'close', fractional: true, strategies: [{ id: 'held', strategy: 'buy-and-hold', symbols: ['JPY'] }] }));
      return `cfg/${name}`;
    };
    const plain = write('plain.json', { file: '../de/JPY.csv' });
    const refused = await run('run', '--config', plain);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('Say which: set "decimal": "comma" if they are fractions, "decimal": "point" if the comma separates thousands in the data of cfg/plain.json; or write the thousands without separators (108000)');
    const named = write('named.json', { file: '../de/JPY.csv', decimal: 'comma' });
    const read = await run('run', '--config', named, '--json', 'run.json');
    expect(read.err).toBe('');
    expect(read.code).toBe(0);
    expect(read.out).toContain('data       ../de/JPY.csv (decimal comma)');
    const result = JSON.parse(readFileSync(path.join(scratch, 'run.json'), 'utf8')) as { finalEquity: number; config: { cash: number } };
    expect(result.finalEquity / result.config.cash - 1).toBeCloseTo(heldReturn, 12);
    const dataset = await run('run', '--config', write('dataset.json', { dataset: 'sp500', decimal: 'comma' }));
    expect(dataset.code).toBe(2);
    expect(dataset.err).toContain('data.decimal: "decimal" applies to "file" only; embedded data sets write decimal points');
  });
});
