import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { costsReason, shortSampleNote } from '../backtest-report';
import type { CommissionModel, SlippageModel } from '@ensemble/engine';
import { main } from '../cli';
import { createCapturedIo } from '../io';

const fixtures = fileURLToPath(new URL('../__fixtures__/', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-backtest-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function run(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  const io = createCapturedIo({ cwd: options.cwd ?? scratch, env: options.env ?? {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

let outputs = 0;
/** A fresh path in the scratch directory that does not exist yet. */
function target(extension = 'json'): string {
  outputs += 1;
  return path.join(scratch, `out-${outputs}.${extension}`);
}

const STACK = /\n\s+at /;
const ACCEPTANCE = ['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--param', 'fast=10', '--param', 'slow=30', '--cash', '100000', '--sizing', 'percent-of-cash:100', '--fill', 'next-open'];

// ---------------------------------------------------------------------------------------------
// An independent reference, from the raw CSV (the same bytes as packages/data/datasets):
// naive SMAs (a fresh sum per bar), crosses by the last-non-zero rule, fills at the next open.
// ---------------------------------------------------------------------------------------------

interface RawBar {
  readonly date: string;
  readonly open: number;
  readonly close: number;
}

const raw: RawBar[] = readFileSync(fileURLToPath(new URL('../../../../packages/data/datasets/sp500-2000.csv', import.meta.url)), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [date = '', open = '', , , close = ''] = line.split(',');
    return { date, open: Number(open), close: Number(close) };
  });
const indexOfDate = new Map(raw.map((bar, index) => [bar.date, index]));

function naiveSma(window: number, at: number): number {
  let sum = 0;
  for (let k = at - window + 1; k <= at; k++) sum += raw[k]!.close;
  return sum / window;
}

/** Bars where SMA(fast) − SMA(slow) changes sign against the last non-zero difference (+1 up, −1 down). */
function referenceCrosses(fast: number, slow: number): { index: number; direction: 1 | -1 }[] {
  const crosses: { index: number; direction: 1 | -1 }[] = [];
  let last = 0;
  for (let i = slow - 1; i < raw.length; i++) {
    const difference = naiveSma(fast, i) - naiveSma(slow, i);
    if (difference === 0) continue;
    if (last < 0 && difference > 0) crosses.push({ index: i, direction: 1 });
    if (last > 0 && difference < 0) crosses.push({ index: i, direction: -1 });
    last = difference;
  }
  return crosses;
}

interface ReferenceTrade {
  entryDate: string;
  entryPrice: number;
  exitDate: string;
  exitPrice: number;
  quantity: number;
  pnl: number;
  cashAfterEntry: number;
  cashAfterExit: number;
  barsHeld: number;
}

/** Long-only SMA crossover, all cash at the next open, commission `rate` of traded value, whole units. */
function referenceRun(rate: number): { trades: ReferenceTrade[]; cash: number; open: { quantity: number; entry: number } | null } {
  let cash = 100_000;
  let open: { quantity: number; entry: number; index: number; commission: number; cashAfterEntry: number } | null = null;
  const trades: ReferenceTrade[] = [];
  for (const { index, direction } of referenceCrosses(10, 30)) {
    const fill = index + 1;
    if (fill >= raw.length) break; // decided on the last bar: dropped
    const price = raw[fill]!.open;
    if (direction > 0 && open === null) {
      const quantity = Math.floor(cash / (price * (1 + rate)));
      const commission = quantity * price * rate;
      cash -= quantity * price + commission;
      open = { quantity, entry: price, index: fill, commission, cashAfterEntry: cash };
    } else if (direction < 0 && open !== null) {
      const commission = open.quantity * price * rate;
      cash += open.quantity * price - commission;
      trades.push({
        entryDate: raw[open.index]!.date,
        entryPrice: open.entry,
        exitDate: raw[fill]!.date,
        exitPrice: price,
        quantity: open.quantity,
        pnl: open.quantity * (price - open.entry) - open.commission - commission,
        cashAfterEntry: open.cashAfterEntry,
        cashAfterExit: cash,
        barsHeld: fill - open.index,
      });
      open = null;
    }
  }
  return { trades, cash, open: open === null ? null : { quantity: open.quantity, entry: open.entry } };
}

interface JsonTrade {
  entryTime: string;
  exitTime: string;
  entryPrice: number;
  exitPrice: number;
  quantity: number;
  side: string;
  pnl: number;
  commission: number;
  barsHeld: number;
}
interface JsonFill {
  time: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  commission: number;
}
interface BacktestJson {
  schemaVersion: number;
  kind: string;
  config: {
    data: { source: string; dataset: string | null; symbols: string[]; from: string | null; to: string | null };
    strategy: { name: string; kind: string; params: Record<string, unknown> };
    options: { cash: number; fill: string; commission: unknown; sizing: unknown; checkInvariants: boolean; closeAtEnd: boolean };
    metrics: { riskFreeRate: number; periodsPerYear: number | null; benchmark: string | null };
  };
  periodsPerYear: number;
  bars: number;
  rebalances: string[];
  finalEquity: number;
  finalCash: number;
  equity: { time: string; equity: number; cash: number }[];
  fills: JsonFill[];
  trades: JsonTrade[];
  openPositions: { symbol: string; quantity: number; entryTime: string }[];
  metrics: { periodsPerYear: number; periodsPerYearInferred: boolean; metrics: Record<string, number | null> };
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as BacktestJson;
const cashAt = (json: BacktestJson, date: string) => json.equity.find((point) => point.time === date)?.cash;

/** Checks the JSON's accounting against the raw CSV: cash rebuilt from the fills, equity = cash + units × close, every bar. */
function expectConsistentAccounting(json: BacktestJson, rate: number) {
  expect(json.equity).toHaveLength(raw.length);
  let units = 0;
  let cash = 100_000;
  let next = 0;
  for (const point of json.equity) {
    for (; next < json.fills.length && json.fills[next]!.time <= point.time; next++) {
      const fill = json.fills[next]!;
      expect(fill.commission).toBeCloseTo(fill.quantity * fill.price * rate, 9);
      units += fill.side === 'buy' ? fill.quantity : -fill.quantity;
      cash += fill.side === 'buy' ? -(fill.quantity * fill.price + fill.commission) : fill.quantity * fill.price - fill.commission;
    }
    const close = raw[indexOfDate.get(point.time)!]!.close;
    expect(Math.abs(point.cash - cash)).toBeLessThanOrEqual(1e-9 * 100_000);
    expect(Math.abs(point.equity - (point.cash + units * close))).toBeLessThanOrEqual(1e-9 * point.equity);
  }
  expect(next).toBe(json.fills.length);
}

describe('ensemble backtest: the acceptance run, checked by hand against sp500-2000.csv', () => {
  // The first three round trips, worked from the CSV (10- and 30-day SMAs of the closes):
  // 2000-03-15 SMA10 1383.6200 < SMA30 1386.1200; 2000-03-16 SMA10 1391.2910 > SMA30 1387.7650
  //   → cross up decided at the 03-16 close, bought at the 2000-03-17 open 1458.469971:
  //   floor(100000 / 1458.469971) = floor(68.56) = 68 units, cash 100000 − 68 × 1458.469971 = 824.041972.
  // 2000-04-17 SMA10 1467.0520 > SMA30 1459.5327; 2000-04-18 SMA10 1461.7400 < SMA30 1462.3990
  //   → cross down, sold at the 2000-04-19 open 1441.609985: cash 824.041972 + 68 × 1441.609985
  //   = 98853.520952; P&L 68 × (1441.609985 − 1458.469971) = −1146.479048.
  // 2000-06-07 cross up → 2000-06-08 open 1471.359985: floor(98853.520952 / 1471.359985) = 67,
  //   cash 272.401957; 2000-07-31 cross down → 2000-08-01 open 1430.829956: cash 96138.009009,
  //   P&L 67 × (1430.829956 − 1471.359985) = −2715.511943.
  // 2000-08-16 cross up → 2000-08-17 open 1479.849976: floor(96138.009009 / 1479.849976) = 64,
  //   cash 1427.610545; 2000-09-18 cross down → 2000-09-19 open 1444.51001: cash 93876.251185,
  //   P&L 64 × (1444.51001 − 1479.849976) = −2261.757824.
  const byHand = [
    { entry: '2000-03-17', entryPrice: 1458.469971, exit: '2000-04-19', exitPrice: 1441.609985, quantity: 68, cashAfterEntry: 824.041972, pnl: -1146.479048, cashAfterExit: 98853.520952 },
    { entry: '2000-06-08', entryPrice: 1471.359985, exit: '2000-08-01', exitPrice: 1430.829956, quantity: 67, cashAfterEntry: 272.401957, pnl: -2715.511943, cashAfterExit: 96138.009009 },
    { entry: '2000-08-17', entryPrice: 1479.849976, exit: '2000-09-19', exitPrice: 1444.51001, quantity: 64, cashAfterEntry: 1427.610545, pnl: -2261.757824, cashAfterExit: 93876.251185 },
  ];
  // With --commission-rate 0.001 (0.1 % of traded value on both sides):
  // 1: floor(100000 / (1458.469971 × 1.001)) = floor(68.50) = 68; cash 100000 − 99175.958028 × 1.001 = 724.866014;
  //    sold for 68 × 1441.609985 × 0.999 = 97931.449501 → cash 98656.315515; P&L −1146.479048 − 99.175958 − 98.029479 = −1343.684485.
  // 2: floor(98656.315515 / (1471.359985 × 1.001)) = floor(66.98) = 66 (one fewer than without costs);
  //    cash 98656.315515 − 66 × 1471.359985 × 1.001 = 1449.446746; sold → 95789.789065; P&L −2866.526450.
  // 3: floor(95789.789065 / (1479.849976 × 1.001)) = floor(64.66) = 64; cash 984.680202; sold → 93340.872202; P&L −2448.916863.
  const byHandWithCommission = [
    { entry: '2000-03-17', quantity: 68, cashAfterEntry: 724.866014, pnl: -1343.684485, cashAfterExit: 98656.315515 },
    { entry: '2000-06-08', quantity: 66, cashAfterEntry: 1449.446746, pnl: -2866.52645, cashAfterExit: 95789.789065 },
    { entry: '2000-08-17', quantity: 64, cashAfterEntry: 984.680202, pnl: -2448.916863, cashAfterExit: 93340.872202 },
  ];

  it('the naive reference reproduces the hand-worked trades (checks the test’s own oracle)', () => {
    const reference = referenceRun(0).trades.slice(0, 3);
    for (const [k, trade] of byHand.entries()) {
      expect(reference[k]).toMatchObject({ entryDate: trade.entry, entryPrice: trade.entryPrice, exitDate: trade.exit, exitPrice: trade.exitPrice, quantity: trade.quantity });
      expect(reference[k]!.cashAfterEntry).toBeCloseTo(trade.cashAfterEntry, 6);
      expect(reference[k]!.pnl).toBeCloseTo(trade.pnl, 6);
      expect(reference[k]!.cashAfterExit).toBeCloseTo(trade.cashAfterExit, 6);
    }
    const withCommission = referenceRun(0.001).trades.slice(0, 3);
    for (const [k, trade] of byHandWithCommission.entries()) {
      expect(withCommission[k]).toMatchObject({ entryDate: trade.entry, quantity: trade.quantity });
      expect(withCommission[k]!.cashAfterEntry).toBeCloseTo(trade.cashAfterEntry, 6);
      expect(withCommission[k]!.pnl).toBeCloseTo(trade.pnl, 6);
    }
  });

  it('no costs: the first trades, the full trade list and equity = cash + positions at every bar', async () => {
    const file = target();
    const { code, out, err } = await run([...ACCEPTANCE, '--check-invariants', '--json', file]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const json = readJson(file);
    for (const [k, trade] of byHand.entries()) {
      const actual = json.trades[k]!;
      expect(actual).toMatchObject({ entryTime: trade.entry, entryPrice: trade.entryPrice, exitTime: trade.exit, exitPrice: trade.exitPrice, quantity: trade.quantity, side: 'long', commission: 0 });
      expect(actual.pnl).toBeCloseTo(trade.pnl, 6);
      expect(cashAt(json, trade.entry)).toBeCloseTo(trade.cashAfterEntry, 6);
      expect(cashAt(json, trade.exit)).toBeCloseTo(trade.cashAfterExit, 6);
    }
    const reference = referenceRun(0);
    expect(json.trades.map((t) => [t.entryTime, t.entryPrice, t.exitTime, t.exitPrice, t.quantity, t.barsHeld])).toEqual(
      reference.trades.map((t) => [t.entryDate, t.entryPrice, t.exitDate, t.exitPrice, t.quantity, t.barsHeld]),
    );
    for (const [k, trade] of reference.trades.entries()) expect(json.trades[k]!.pnl).toBeCloseTo(trade.pnl, 6);
    expect(json.openPositions.map((p) => p.quantity)).toEqual(reference.open === null ? [] : [reference.open.quantity]);
    const lastClose = raw[raw.length - 1]!.close;
    const referenceEquity = reference.cash + (reference.open?.quantity ?? 0) * lastClose;
    expect(json.finalEquity).toBeCloseTo(referenceEquity, 6);
    expectConsistentAccounting(json, 0);

    // The summary shows the same trades, formatted, and the total return of the reference.
    expect(out).toMatch(/^\s+1\s+long\s+68\s+2000-03-17\s+1,458\.47\s+2000-04-19\s+1,441\.61\s+-1,146\.48\s+-1\.16%\s+23$/m);
    expect(out).toMatch(/^\s+2\s+long\s+67\s+2000-06-08\s+1,471\.36\s+2000-08-01\s+1,430\.83\s+-2,715\.51\s+-2\.75%\s+37$/m);
    expect(out).toMatch(/^\s+3\s+long\s+64\s+2000-08-17\s+1,479\.85\s+2000-09-19\s+1,444\.51\s+-2,261\.76\s+-2\.39%\s+22$/m);
    expect(out).toContain(`Total return  ${`${((referenceEquity / 100_000 - 1) * 100).toFixed(2)}%`.padStart(10)}`);
    expect(out).toContain(`Trades (first 10 of ${reference.trades.length}; --trades all lists every one)`);
    expect(out).toContain(`wrote ${file}`);
  });

  it('names each written file as its flag spelled it: a relative path stays relative, as in ensemble run', async () => {
    const name = `relative-${String(Date.now())}.json`;
    const { code, out } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--json', name, '--md', target('md')]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^wrote ${name} \\(`, 'm'));
    expect(existsSync(path.join(scratch, name))).toBe(true);
  });

  it('--commission-rate 0.001: the quantities shrink by the commission and the costs are booked', async () => {
    const file = target();
    const { code } = await run([...ACCEPTANCE, '--commission-rate', '0.001', '--check-invariants', '--json', file]);
    expect(code).toBe(0);
    const json = readJson(file);
    expect(json.config.options.commission).toEqual({ kind: 'percent', rate: 0.001 });
    for (const [k, trade] of byHandWithCommission.entries()) {
      expect(json.trades[k]).toMatchObject({ entryTime: trade.entry, quantity: trade.quantity });
      expect(json.trades[k]!.pnl).toBeCloseTo(trade.pnl, 6);
      expect(cashAt(json, trade.entry)).toBeCloseTo(trade.cashAfterEntry, 6);
      expect(cashAt(json, json.trades[k]!.exitTime)).toBeCloseTo(trade.cashAfterExit, 6);
    }
    const reference = referenceRun(0.001);
    expect(json.trades.map((t) => [t.entryTime, t.exitTime, t.quantity])).toEqual(reference.trades.map((t) => [t.entryDate, t.exitDate, t.quantity]));
    for (const [k, trade] of reference.trades.entries()) expect(json.trades[k]!.pnl).toBeCloseTo(trade.pnl, 6);
    expectConsistentAccounting(json, 0.001);
  });

  it('the JSON result: schema version, resolved config, periods per year, metrics, equity curve', async () => {
    const file = target();
    expect((await run([...ACCEPTANCE, '--json', file])).code).toBe(0);
    const json = readJson(file);
    expect(json.schemaVersion).toBe(1);
    expect(json.kind).toBe('backtest');
    expect(json.config.data).toEqual({ source: 'sp500', dataset: 'sp500', format: 'ohlcv', symbols: ['SP500'], from: null, to: null });
    expect(json.config.strategy).toEqual({ name: 'sma-crossover', kind: 'signal', params: { fast: 10, slow: 30, allowShort: false } });
    expect(json.config.options).toMatchObject({ cash: 100_000, fill: 'next-open', sizing: { kind: 'percent-of-cash', percent: 100 }, checkInvariants: false, closeAtEnd: false });
    expect(json.config.metrics).toEqual({ riskFreeRate: 0, periodsPerYear: null, benchmark: 'SP500' });
    expect(json.periodsPerYear).toBe(252);
    expect(json.metrics.periodsPerYearInferred).toBe(true);
    expect(json.bars).toBe(raw.length);
    const first = json.equity[0]!;
    const last = json.equity[json.equity.length - 1]!;
    expect(first).toMatchObject({ time: '2000-01-03', equity: 100_000, cash: 100_000 });
    expect(json.metrics.metrics.totalReturn).toBeCloseTo(last.equity / first.equity - 1, 12);
    expect(json.metrics.metrics.tradeCount).toBe(json.trades.length);
    // The benchmark is the index itself: its return is last close / first close − 1.
    expect(json.metrics.metrics.benchmarkReturn).toBeCloseTo(raw[raw.length - 1]!.close / raw[0]!.close - 1, 12);
  });

  it('--fill close or next-open, buying on the first bar it can: total return is final equity / cash − 1 either way, the first bar\'s costs included', async () => {
    const returns: number[] = [];
    for (const fill of ['close', 'next-open']) {
      const file = target();
      const { code } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--fill', fill, '--commission-rate', '0.01', '--slippage-bps', '100', '--json', file]);
      expect(code).toBe(0);
      const json = readJson(file);
      expect(json.metrics.metrics.startEquity, fill).toBe(100_000);
      expect(json.metrics.metrics.totalReturn, fill).toBeCloseTo(json.finalEquity / 100_000 - 1, 12);
      returns.push(json.metrics.metrics.totalReturn ?? Number.NaN);
    }
    // Both buy 67 units at 1,469.77 (the first close, or the second open) and hold them to the end.
    expect(returns[0]).toBeCloseTo(returns[1] ?? Number.NaN, 12);
  });

  it('a benchmark with no dates in common with the run says so under its dashes', async () => {
    const { code, out } = await run(['backtest', '--dataset', 'stocks5', '--strategy', 'equal-weight', '--benchmark', 'GOOG', '--to', '2004-06-01']);
    expect(code).toBe(0);
    expect(out).toMatch(/Benchmark return\s+—/);
    expect(out).toContain('benchmark GOOG: no figures, as it has fewer than 2 dates with a price in common with the run');
  });

  it('every engine flag reaches the engine (first fills worked from the CSV)', async () => {
    const signal = raw[indexOfDate.get('2000-03-16')!]!; // the first cross up is decided at this close
    const entry = raw[indexOfDate.get('2000-03-17')!]!.open; // 1458.469971
    const exit = raw[indexOfDate.get('2000-04-19')!]!.open; // 1441.609985
    const firstOf = async (...flags: string[]) => {
      const file = target();
      const { code, err } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--check-invariants', '--json', file, ...flags]);
      expect(err).toBe('');
      expect(code).toBe(0);
      const json = readJson(file);
      return { json, fill: json.fills[0]!, trade: json.trades[0]!, cash: cashAt(json, json.fills[0]!.time)! };
    };
    // 10 units, 0.50 per unit against us, 5.00 per order: buy at 1458.969971, cash 100000 − 14589.69971 − 5.
    const fixed = await firstOf('--sizing', 'fixed-quantity:10', '--slippage-fixed', '0.5', '--commission-fixed', '5');
    expect(fixed.fill).toMatchObject({ time: '2000-03-17', side: 'buy', quantity: 10, commission: 5 });
    expect(fixed.fill.price).toBeCloseTo(entry + 0.5, 9);
    expect(fixed.cash).toBeCloseTo(100_000 - 10 * (entry + 0.5) - 5, 6);
    expect(fixed.trade.pnl).toBeCloseTo(10 * (exit - 0.5 - (entry + 0.5)) - 10, 6);
    // --fill close: bought at the deciding bar's close, floor(100000 / close) units.
    const close = await firstOf('--fill', 'close');
    expect(close.fill).toMatchObject({ time: '2000-03-16', price: signal.close, quantity: Math.floor(100_000 / signal.close) });
    // --fractional: all the cash, to the unit fraction.
    const fractional = await firstOf('--fractional');
    expect(fractional.fill.quantity).toBeCloseTo(100_000 / entry, 9);
    expect(Math.abs(fractional.cash)).toBeLessThan(1e-6);
    // percent-of-equity 50 and fixed-cash 10000: floor(50000 / 1458.47) = 34, floor(10000 / 1458.47) = 6.
    expect((await firstOf('--sizing', 'percent-of-equity:50')).fill.quantity).toBe(34);
    expect((await firstOf('--sizing', 'fixed-cash:10000')).fill.quantity).toBe(6);
    // 0.01 per unit with a 2.00 minimum: 68 units cost 0.68, so the minimum applies.
    const perUnit = await firstOf('--commission-per-unit', '0.01', '--commission-min', '2');
    expect(perUnit.fill).toMatchObject({ quantity: 68, commission: 2 });
    expect(perUnit.cash).toBeCloseTo(100_000 - 68 * entry - 2, 6);
    // 10 bps of slippage: bought at entry × 1.001.
    expect((await firstOf('--slippage-bps', '10')).fill.price).toBeCloseTo(entry * 1.001, 9);
    // Metric options are applied and reported.
    const metrics = await firstOf('--periods-per-year', '250', '--risk-free-rate', '0.02');
    expect(metrics.json.periodsPerYear).toBe(250);
    expect(metrics.json.metrics).toMatchObject({ periodsPerYear: 250, periodsPerYearInferred: false, riskFreeRate: 0.02 });
    expect(metrics.json.config.metrics).toEqual({ riskFreeRate: 0.02, periodsPerYear: 250, benchmark: 'SP500' });
  });

  it('--json - writes the JSON to stdout and the summary to stderr', async () => {
    const { code, out, err } = await run([...ACCEPTANCE, '--json', '-', '--trades', '2']);
    expect(code).toBe(0);
    const json = JSON.parse(out) as BacktestJson;
    expect(json.trades[0]).toMatchObject({ entryTime: '2000-03-17', quantity: 68 });
    expect(err).toContain('Backtest: sma-crossover on SP500 (sp500)');
    expect(err).toContain('Trades (first 2 of');
  });
});

describe('ensemble backtest: the summary', () => {
  it('has a header, grouped metrics with units, trades and open positions', async () => {
    const { code, out } = await run([...ACCEPTANCE, '--trades', '3']);
    expect(code).toBe(0);
    expect(out).toContain('Backtest: sma-crossover on SP500 (sp500)\n');
    expect(out).toMatch(/strategy\s+sma-crossover \(signal\) · fast=10 · slow=30 · allowShort=false/);
    expect(out).toMatch(/period\s+2000-01-03 → 2020-04-17 · 5,105 bars · 252 periods\/year \(inferred from the bar spacing\)/);
    expect(out).toMatch(/engine\s+cash 100,000\.00 · fills at the next open · 100% of cash per entry · whole units · no commission · no slippage/);
    expect(out).toMatch(/benchmark\s+SP500, buy and hold \(the default with one symbol/);
    for (const heading of ['Returns', 'Risk', 'Trades', 'Exposure and costs', 'Benchmark (SP500)']) expect(out).toMatch(new RegExp(`(^|    )${heading.replace(/[()]/g, '\\$&')}( {2,}|$)`, 'm'));
    expect(out).toMatch(/Start equity\s+100,000\.00/);
    expect(out).toMatch(/Commission\s+0\.00/);
    expect(out).toMatch(/Sharpe\s+-?\d+\.\d\d\b/);
    expect(out).toMatch(/Win rate\s+\d+\.\d\d%/);
    expect(out).toMatch(/Trades \(first 3 of \d+; --trades all lists every one\)\n\s+#\s+side\s+quantity\s+entry\s+avg price\s+exit\s+price\s+P&L\s+return\s+bars\n(.*\n){3}\n/);
    expect(out).toMatch(/Open positions at the end \(1, marked at the last close\)\n\s+symbol\s+side\s+quantity\s+entry\s+avg price\s+mark\s+value\s+unrealised P&L\s+bars\n\s+SP500\s+long\s+57\s+2020-04-15/);
    expect(out).toMatch(/^Final equity \d{3},\d{3}\.\d\d \(\+\d+\.\d\d%\)/m);
    expect(out).not.toContain('\u001b[');
  });

  it('shows a metric that cannot be computed as —, and hides the benchmark with --benchmark none', async () => {
    // buy-and-hold never closes a trade: every trade statistic is null.
    const { code, out } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--benchmark', 'none']);
    expect(code).toBe(0);
    expect(out).toMatch(/Win rate\s+—/);
    expect(out).toMatch(/Profit factor\s+—/);
    expect(out).not.toContain('Benchmark (');
    expect(out).toContain('Trades: none closed');
    expect(out).toMatch(/benchmark\s+none/);
  });

  it('--trades all lists every trade, --trades 0 none; --close-at-end closes the last position', async () => {
    const all = await run([...ACCEPTANCE, '--trades', 'all', '--close-at-end']);
    expect(all.code).toBe(0);
    const count = referenceRun(0).trades.length + 1;
    expect(all.out).toContain(`Trades (all ${count})`);
    expect(all.out).toMatch(new RegExp(`^\\s+${count}\\s+long\\s+57\\s+2020-04-15.*close-at-end$`, 'm'));
    expect(all.out).toContain('Open positions: none');
    expect(all.out).toContain('positions closed at the end');
    const none = await run([...ACCEPTANCE, '--trades', '0']);
    expect(none.out).toMatch(/Trades \(first 0 of \d+; --trades all lists every one\)\n\nOpen positions/);
  });

  it('colours only when asked: FORCE_COLOR forces them, NO_COLOR wins', async () => {
    expect((await run([...ACCEPTANCE, '--trades', '1'], { env: { FORCE_COLOR: '1' } })).out).toContain('\u001b[1mReturns\u001b[22m');
    expect((await run([...ACCEPTANCE, '--trades', '1'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).out).not.toContain('\u001b[');
  });

  it('prints the rebalance rule in force once, not the strategy parameter it overrides', async () => {
    const { code, out } = await run(['backtest', '--dataset', 'dow30', '--strategy', 'equal-weight', '--symbol', 'IBM,MSFT,KO', '--rebalance', 'quarter']);
    expect(code).toBe(0);
    const strategyLine = out.split('\n').find((line) => line.trimStart().startsWith('strategy'));
    expect(strategyLine).toBeDefined();
    expect(strategyLine).not.toContain('rebalance=');
    // Not "no parameters": the strategy was given one, shown on the rebalance line.
    expect(strategyLine).toBe('  strategy   equal-weight (portfolio) · its rebalance rule below, no other parameter');
    expect(out).toMatch(/rebalance\s+quarterly/);
    const other = await run(['backtest', '--dataset', 'dow30', '--strategy', 'inverse-volatility', '--symbol', 'IBM,KO', '--param', 'rebalance=quarter', '--trades', '0']);
    expect(other.out).toContain('  strategy   inverse-volatility (portfolio) · lookback=60\n');
  });

  it('says that a portfolio strategy first rebalances after its warm-up, wherever that falls in the month', async () => {
    // inverse-volatility with lookback 50 has a warm-up of 51 bars: its first rebalance is the
    // 51st date of the Dow 30 file, 1991-03-13 (line 52 of dowjones30.csv), then 1991-04-01.
    const file = target();
    const { code, out } = await run(['backtest', '--dataset', 'dow30', '--strategy', 'inverse-volatility', '--param', 'lookback=50', '--symbol', 'IBM,KO', '--trades', '0', '--json', file]);
    expect(code).toBe(0);
    expect(out).toContain('rebalance  monthly (the first bar after the warm-up, then the first bar of each month)\n');
    expect(readJson(file).rebalances.slice(0, 3)).toEqual(['1991-03-13', '1991-04-01', '1991-05-01']);
    const every = await run(['backtest', '--dataset', 'dow30', '--strategy', 'inverse-volatility', '--rebalance', '10', '--symbol', 'IBM,KO', '--trades', '0']);
    expect(every.out).toContain('rebalance  every 10 bars, from the first bar after the warm-up\n');
  });

  it('portfolio strategies on several symbols: symbol column, rebalance schedule, no default benchmark', async () => {
    const file = target();
    const { code, out, err } = await run(['backtest', '--dataset', 'dow30', '--strategy', 'equal-weight', '--symbol', 'IBM,MSFT', '-s', 'KO', '--rebalance', 'quarter', '--trades', '2', '--json', file]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('Backtest: equal-weight on IBM, MSFT, KO (dow30)');
    expect(out).toContain('rebalance  quarterly (the first bar after the warm-up, then the first bar of each quarter)\n');
    expect(out).toMatch(/benchmark\s+none/);
    expect(out).toMatch(/#\s+symbol\s+side/);
    const json = readJson(file);
    expect(json.config.data.symbols).toEqual(['IBM', 'MSFT', 'KO']);
    expect(json.config.options).toMatchObject({ rebalance: { kind: 'calendar', period: 'quarter' } });
    // --rebalance replaced the strategy's own schedule: its unused `rebalance` parameter is not
    // recorded next to the one in force (a backtest config refuses the two together).
    expect(json.config.strategy.params).not.toHaveProperty('rebalance');
    expect(json.openPositions.map((p) => p.symbol).sort()).toEqual(['IBM', 'KO', 'MSFT']);
    // Orders shrunk to the cash at the open are counted; --log-level warn lists them as JSON lines.
    expect(out).toMatch(/orders\s+\d+ filled · [1-9]\d* shrunk .*\(--log-level warn logs each shrunk or rejected order(, info each dropped one)?\)/);
    const verbose = await run(['--log-level', 'warn', 'backtest', '--dataset', 'dow30', '--strategy', 'equal-weight', '--symbol', 'IBM,MSFT,KO', '--rebalance', 'quarter']);
    const event = JSON.parse(verbose.err.split('\n')[0] ?? '{}') as { event?: string; strategy?: string };
    expect(event).toMatchObject({ event: 'order-shrunk', strategy: 'equal-weight' });
  });

  it('--from/--to select the period; symbols without bars in it are named; --benchmark picks a symbol', async () => {
    const { code, out } = await run(['backtest', '--dataset', 'stocks5', '--strategy', 'equal-weight', '--from', '2001-01-01', '--to', '2003-12-31', '--benchmark', 'msft']);
    expect(code).toBe(0);
    expect(out).toMatch(/period\s+2001-01-01 → 2003-12-01 · 36 bars · 12 periods\/year/);
    expect(out).toContain('no bars in the range: GOOG');
    expect(out).toContain('Benchmark (MSFT)');
  });

  it('counts one bar in the singular, in the period line and the warm-up note', async () => {
    const { code, out } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--from', '2020-04-17']);
    expect(code).toBe(0);
    // Regression: it said "(inferred from the bar spacing)", though one bar has no spacing.
    expect(out).toMatch(/period\s+2020-04-17 → 2020-04-17 · 1 bar · 252 periods\/year \(the default: one bar has no spacing\)\n/);
    expect(out).toContain("note: 1 bar is fewer than the strategy's warm-up of 31: it never decided.");
    const two = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--from', '2020-04-16']);
    expect(two.out).toMatch(/· 2 bars · 252 periods\/year \(inferred from the bar spacing\)\n/);
    const given = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--from', '2020-04-17', '--periods-per-year', '365']);
    expect(given.out).toMatch(/· 1 bar · 365 periods\/year \(given\)\n/);
  });

  it('--help documents every flag with its default, and examples', async () => {
    const help = await run(['backtest', '--help']);
    expect(help.code).toBe(0);
    const out = help.out.replace(/\s+/g, ' ');
    const flags = [
      '--data', '--dataset', '--format', '--strategy', '--param', '--symbol', '--from', '--to', '--cash', '--fill', '--sizing', '--fractional',
      '--commission-rate', '--commission-per-unit', '--commission-fixed', '--commission-min', '--slippage-bps', '--slippage-fixed',
      '--close-at-end', '--rebalance', '--check-invariants', '--risk-free-rate', '--periods-per-year', '--benchmark', '--trades', '--json', '--html', '--md',
    ];
    for (const flag of flags) expect(out).toContain(flag);
    for (const fallback of ['(default: 100000)', '(default: next-open)', '(default: percent-of-cash:100)', '(default: 10)', '(default: 0)', "default: the strategy's defaults"]) expect(out).toContain(fallback);
    expect(out).not.toContain('(default: [])');
    expect(out).toContain('$ ensemble backtest --dataset sp500 --strategy sma-crossover --param fast=10 --param slow=30');
  });
});

describe('ensemble backtest: report files', () => {
  it('--html and --md write the tearsheet and the Markdown report with the JSON', async () => {
    const html = target('html');
    const md = target('md');
    const json = target('json');
    const { code, out } = await run([...ACCEPTANCE, '--html', html, '--md', md, '--json', json, '--trades', '0']);
    expect(code).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(readFileSync(md, 'utf8')).toContain('# Backtest: sma-crossover on SP500');
    expect(readJson(json).schemaVersion).toBe(1);
    for (const file of [html, md, json]) expect(out).toContain(`wrote ${file}`);
    expect(readdirSync(scratch).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('ensemble backtest: bad input exits 2, says what and where, writes nothing', () => {
  /** Runs with `--json` into a fresh path and checks exit 2, the messages, no stack, no stdout and no file. */
  async function expectBadInput(args: string[], ...expected: (string | RegExp)[]) {
    const file = target();
    const { code, out, err } = await run([...args, '--json', file], { cwd: fixtures });
    expect(code).toBe(2);
    for (const text of expected) {
      if (typeof text === 'string') expect(err).toContain(text);
      else expect(err).toMatch(text);
    }
    expect(err).not.toMatch(STACK);
    expect(out).toBe('');
    expect(existsSync(file)).toBe(false);
    return err;
  }
  const sp500 = ['backtest', '--dataset', 'sp500'];

  it('--param beyond a bound names the tightest bound only, not also the integer limit', async () => {
    const { code, err } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--param', 'fast=1e308']);
    expect(code).toBe(2);
    expect(err).toContain('--param fast=1e308: must be at most 10,000');
    expect(err).not.toContain('9007199254740991');
  });

  it('--sizing fixed-quantity below one unit without --fractional is named by its flag', async () => {
    const { code, err } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--sizing', 'fixed-quantity:0.5']);
    expect(code).toBe(2);
    expect(err).toContain('--sizing fixed-quantity:0.5: 0.5 units round down to 0 whole units, so every entry would be rejected; give at least 1 unit, or allow fractional units');
  });

  it('an unknown strategy lists the available ones and points to `ensemble strategies`', async () => {
    await expectBadInput([...sp500, '--strategy', 'magic'], '--strategy magic: unknown strategy "magic"', 'buy-and-hold, sma-crossover, rsi-mean-reversion', '`ensemble strategies`');
    // A typo gets the nearest name, as in a config.
    await expectBadInput([...sp500, '--strategy', 'sma-crosover'], 'unknown strategy "sma-crosover" — did you mean "sma-crossover"?');
    expect((await run(['backtest', '--dataset', 'sp500'])).code).toBe(2); // --strategy is required
  });

  it('bad --param: not key=value, unknown key, wrong type, out of bounds, a cross-field rule, given twice', async () => {
    const sma = [...sp500, '--strategy', 'sma-crossover'];
    await expectBadInput([...sma, '--param', 'fast'], '--param fast: expected key=value, e.g. --param fast=10');
    await expectBadInput([...sma, '--param', 'speed=3'], '--param speed=3: unknown parameter "speed": sma-crossover takes fast, slow, allowShort');
    await expectBadInput([...sma, '--param', 'fsat=3'], '--param fsat=3: unknown parameter "fsat" — did you mean "fast"? sma-crossover takes fast, slow, allowShort');
    // Regression: the wrong kinds repeated zod's "Invalid input: expected int, received number".
    await expectBadInput([...sma, '--param', 'fast=abc'], '--param fast=abc: "abc" is not a number (fast: integer, >= 1 and <= 10000, default 10)');
    await expectBadInput([...sma, '--param', 'fast=0'], /--param fast=0: must be at least 1 \(fast: integer, >= 1 and <= 10000, default 10\)/);
    await expectBadInput([...sma, '--param', 'fast=2.5'], '--param fast=2.5: "2.5" is not a whole number (fast: integer');
    await expectBadInput([...sma, '--param', 'fast=40'], '--param fast=40: fast (40) must be less than slow (30)');
    await expectBadInput([...sma, '--param', 'slow=5'], '--param slow=5: fast (10) must be less than slow (5): the fast SMA uses the shorter window (fast is not set, so it is at its default 10)');
    await expectBadInput([...sma, '--param', 'allowShort=maybe'], '--param allowShort=maybe: "maybe" is not true or false (allowShort: boolean');
    await expectBadInput([...sma, '--param', 'fast=10', '--param', 'fast=20'], '--param fast=20: fast is already set by --param fast=10');
    await expectBadInput([...sp500, '--strategy', 'buy-and-hold', '--param', 'x=1'], 'buy-and-hold takes no parameters');
    // A key a plain object would take as its prototype is refused like any other, not dropped.
    await expectBadInput([...sma, '--param', '__proto__=1', '--param', 'constructor=2'], '--param __proto__=1: unknown parameter "__proto__"', '--param constructor=2: unknown parameter "constructor"');
    await expectBadInput([...sma, '--param', '__proto__=1', '--param', '__proto__=2'], '--param __proto__=2: __proto__ is already set by --param __proto__=1');
  });

  it('bad numbers, sizing, cost models and choices name the flag and the rule', async () => {
    const sma = [...sp500, '--strategy', 'sma-crossover'];
    await expectBadInput([...sma, '--cash', '-5'], '--cash -5: must be at least 0.01 (a cent)');
    // Regression: 1e-300 with fractional units ran and reported 0.00 %, every entry rejected as dust.
    await expectBadInput([...sma, '--cash', '1e-300', '--fractional'], '--cash 1e-300: must be at least 0.01 (a cent): a smaller account trades amounts near the 1e-10 the engine rounds away as dust');
    await expectBadInput([...sma, '--cash', 'abc'], '--cash abc: expected a number, got "abc"');
    await expectBadInput([...sma, '--cash', '1,000'], '--cash 1,000: expected a number');
    await expectBadInput([...sma, '--commission-rate', '2'], '--commission-rate 2: is a fraction: 0.001 means 0.1 %');
    await expectBadInput([...sma, '--commission-min', '-1'], '--commission-min -1: must be 0 or more');
    await expectBadInput([...sma, '--commission-rate', '0.001', '--commission-fixed', '1'], '--commission-rate 0.001 --commission-fixed 1: give one commission model');
    await expectBadInput([...sma, '--slippage-bps', '10', '--slippage-fixed', '0.1'], 'give one slippage model');
    await expectBadInput([...sma, '--slippage-bps', '20000'], '--slippage-bps 20000: must be below 10 000 bps');
    await expectBadInput([...sma, '--sizing', 'half'], '--sizing half: expected one of percent-of-cash:P, percent-of-equity:P, fixed-quantity:Q, fixed-cash:C');
    await expectBadInput([...sma, '--sizing', 'fixed-cash:lots'], '--sizing fixed-cash:lots: "lots" is not a number');
    await expectBadInput([...sma, '--sizing', 'percent-of-cash:150'], '--sizing percent-of-cash:150: must be at most 100');
    await expectBadInput([...sma, '--sizing', 'fixed-quantity:0'], '--sizing fixed-quantity:0: must be greater than 0');
    await expectBadInput([...sp500, '--strategy', 'equal-weight', '--sizing', 'percent-of-cash:50'], 'applies to signal strategies; equal-weight is a portfolio strategy');
    await expectBadInput([...sma, '--rebalance', 'month'], '--rebalance month: applies to portfolio strategies');
    await expectBadInput([...sp500, '--strategy', 'equal-weight', '--rebalance', 'fortnight'], '--rebalance fortnight: expected never, week, month, quarter, year');
    await expectBadInput([...sp500, '--strategy', 'equal-weight', '--param', 'rebalance=week', '--rebalance', 'month'], '--param rebalance=week --rebalance month: both set the rebalance schedule');
    await expectBadInput([...sma, '--risk-free-rate', '5'], '--risk-free-rate 5: must be at most 1');
    await expectBadInput([...sma, '--periods-per-year', '0'], '--periods-per-year 0: must be a number from 0.01 (a bar a century) to 31,536,000,000');
    await expectBadInput([...sma, '--periods-per-year', '1e300'], '--periods-per-year 1e300: must be a number from 0.01 (a bar a century) to 31,536,000,000');
    await expectBadInput([...sma, '--trades', '-1'], '--trades -1: expected a whole number of rows (0 or more) or "all"');
    await expectBadInput([...sma, '--fill', 'whenever'], "argument 'whenever' is invalid");
  });

  it('lists every bad flag at once', async () => {
    const err = await expectBadInput([...sp500, '--strategy', 'sma-crossover', '--cash', 'abc', '--sizing', 'x', '--param', 'fast=0', '--from', 'yesterday'], 'Invalid configuration in the command-line options:');
    for (const flag of ['--cash abc', '--sizing x', '--param fast=0', '--from yesterday']) expect(err).toContain(`  - ${flag}: `);
  });

  it('checks the flags before touching the data: a bad flag wins over a missing file', async () => {
    const err = await expectBadInput(['backtest', '--data', 'no-such-file.csv', '--strategy', 'sma-crossover', '--cash', 'abc'], '--cash abc');
    expect(err).not.toContain('no-such-file.csv');
  });

  it('data source problems: none, both, an unknown data set, --format with a data set, a missing file', async () => {
    await expectBadInput(['backtest', '--strategy', 'buy-and-hold'], '--data / --dataset: say what to backtest on');
    await expectBadInput(['backtest', '--data', 'valid-prices.csv', '--dataset', 'sp500', '--strategy', 'buy-and-hold'], 'not both');
    await expectBadInput(['backtest', '--dataset', 'nasdaq', '--strategy', 'buy-and-hold'], '--dataset nasdaq: unknown data set; the embedded data sets are sp500, dow30, stocks5 (see `ensemble data list`)\n');
    // A case slip or a typo of a data set's name gets the name it was close to.
    await expectBadInput(['backtest', '--dataset', 'SP500', '--strategy', 'buy-and-hold'], '--dataset SP500: unknown data set; the embedded data sets are sp500, dow30, stocks5 (see `ensemble data list`) — did you mean "sp500"?\n');
    await expectBadInput(['backtest', '--data', 'Dow30', '--strategy', 'buy-and-hold'], 'error: "Dow30" is neither a data set nor a file. Data sets: sp500, dow30, stocks5. Or give the path of a CSV or JSON file. Did you mean "dow30"?\n');
    await expectBadInput([...sp500, '--format', 'long', '--strategy', 'buy-and-hold'], '--format long: applies to files');
    await expectBadInput(['backtest', '--data', 'no/such/prices.csv', '--strategy', 'buy-and-hold'], 'Market data file not found: "no/such/prices.csv"');
  });

  it('a broken data file: every problem with file, line and column', async () => {
    await expectBadInput(
      ['backtest', '--data', 'broken-prices.csv', '--strategy', 'buy-and-hold'],
      'invalid market data (3 problems)',
      'broken-prices.csv:3  column "high"  [high-below-low]',
      'broken-prices.csv:4  column "close"  [missing-value]',
      'broken-prices.csv:5  column "date"  [duplicate-date]',
    );
  });

  it('symbols, dates and the benchmark: unknown symbol, --from after --to, an empty range, a bad date', async () => {
    await expectBadInput(['backtest', '--dataset', 'stocks5', '--strategy', 'buy-and-hold', '--symbol', 'TSLA'], '--symbol TSLA: unknown symbol "TSLA"; available: MSFT, AMZN, IBM, GOOG, AAPL');
    await expectBadInput([...sp500, '--strategy', 'buy-and-hold', '--benchmark', 'NDX'], '--benchmark NDX: ', 'available: SP500');
    await expectBadInput([...sp500, '--strategy', 'buy-and-hold', '--from', '2010-01-01', '--to', '2005-01-01'], '--from 2010-01-01 --to 2005-01-01: --from is after --to');
    await expectBadInput([...sp500, '--strategy', 'buy-and-hold', '--from', '2030-01-01'], '--from 2030-01-01: the date range is empty: no bar between 2030-01-01 and the end; the data covers 2000-01-03 to 2020-04-17');
    await expectBadInput([...sp500, '--strategy', 'buy-and-hold', '--to', '31/12/2005'], '--to 31/12/2005: "31/12/2005" is not a date');
  });

  it('symbols with no bar in the range or in the file: named with the flags that chose them, not as the engine\'s "every series is empty"', async () => {
    // GOOG starts in 2004-08; the other symbols of stocks5 have bars before 2003.
    const err = await expectBadInput(
      ['backtest', '--dataset', 'stocks5', '--strategy', 'buy-and-hold', '--symbol', 'GOOG', '--to', '2003-01-01'],
      '--symbol GOOG --to 2003-01-01: GOOG has no bar between the start and 2003-01-01: choose a range where it has bars, or another symbol',
    );
    expect(err).not.toContain('every series is empty');
    const data = path.join(scratch, 'empty-column.csv');
    writeFileSync(data, 'date,AAA,BBB\n2020-01-02,10,\n2020-01-03,11,\n2020-01-06,12,\n');
    await expectBadInput(['backtest', '--data', data, '--strategy', 'buy-and-hold', '--symbol', 'BBB'], '--symbol BBB: BBB has no bar in the data (a column or list without values)');
  });

  it('bars on every day of the week (crypto) get a note that periods/year assumes exchange days, with the figure to give', async () => {
    const data = path.join(scratch, 'every-day.csv');
    const start = Date.UTC(2021, 0, 1);
    const rows = Array.from({ length: 60 }, (_, i) => `${new Date(start + i * 86_400_000).toISOString().slice(0, 10)},${String(100 + (i % 7))}`);
    writeFileSync(data, `date,close\n${rows.join('\n')}\n`);
    const inferred = await run(['backtest', '--data', data, '--strategy', 'buy-and-hold']);
    expect(inferred.code).toBe(0);
    expect(inferred.out).toContain('252 periods/year (inferred from the bar spacing)');
    expect(inferred.out).toContain('note: the bars fall on Saturdays and Sundays too (data that trades every day): periods/year assumes exchange trading days (252 a year, 6.5-hour sessions), which shrinks the annualised return (CAGR) towards 0 and understates annualised volatility and Sharpe; give --periods-per-year 365');
    const given = await run(['backtest', '--data', data, '--strategy', 'buy-and-hold', '--periods-per-year', '365']);
    expect(given.out).toContain('365 periods/year (given)');
    expect(given.out).not.toContain('Saturdays and Sundays');
    const exchange = await run(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--from', '2019-01-01']);
    expect(exchange.out).not.toContain('Saturdays and Sundays');
  });

  // Regression: --periods-per-year 12 on daily bars (a figure for monthly data) scaled every
  // annualised figure with nothing said.
  it('a given periods/year more than 1.5 times off the bars\' own says what the spacing gives', async () => {
    const monthly = await run(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--periods-per-year', '12']);
    expect(monthly.code).toBe(0);
    expect(monthly.out).toContain('12 periods/year (given; the bar spacing gives 252, and every annualised figure scales with it)');
    // 365 on exchange days is 1.45 times 252: the figure for crypto, left as given.
    const calendar = await run(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--periods-per-year', '365']);
    expect(calendar.out).toContain('365 periods/year (given)');
  });

  // Regression: bars 14 days apart were annualised as weekly (52 a year), 182 days apart as
  // quarterly (4), with nothing said: a CAGR of 15.66 % where 7.57 % was made a year.
  it('bars further apart than their inferred bucket assumes (every 14 or 182 days) say how many come a year', async () => {
    const write = (name: string, days: number, count: number): string => {
      const file = path.join(scratch, name);
      const start = Date.UTC(2020, 0, 3);
      const rows = Array.from({ length: count }, (_, i) => `${new Date(start + i * days * 86_400_000).toISOString().slice(0, 10)},${String(100 + i)}`);
      writeFileSync(file, `date,close\n${rows.join('\n')}\n`);
      return file;
    };
    // 365.25 / 14 = 26.09 and 365.25 / 182 = 2.007 a year (by hand).
    const biweekly = await run(['backtest', '--data', write('biweekly.csv', 14, 40), '--strategy', 'buy-and-hold']);
    expect(biweekly.out).toContain('52 periods/year (inferred from the bar spacing; but bars 14 days apart come about 26 times a year, and every annualised figure depends on it: give --periods-per-year 26 if that is their frequency)');
    const semiannual = await run(['backtest', '--data', write('semiannual.csv', 182, 20), '--strategy', 'buy-and-hold']);
    expect(semiannual.out).toContain('4 periods/year (inferred from the bar spacing; but bars 182 days apart come about 2 times a year');
    // Bars 3 days apart fall on weekends too: their rate (365.25 / 3 = 121.75) is said once, not
    // beside the weekend note's 365 (which a next run would then have called 3 times too many).
    // Regression: bars 30 or 150 years apart were told to give --periods-per-year 0, which the
    // flag refuses (its least is 0.01); then, read as yearly, told to give 0.033. 365.25 / 10,957
    // = 0.0333 (by hand); 54,787 days: 0.0067, below the least, so 0.01 with the century note.
    const decades = await run(['backtest', '--data', write('decades.csv', 10_957, 5), '--strategy', 'buy-and-hold']);
    // Bars 30 years apart are inferred as one every 30 years (1 / 30 = 0.033): nothing to correct.
    expect(decades.out).toContain('0.033 periods/year (inferred from the bar spacing)');
    expect(decades.out).not.toContain('come about');
    const given = await run(['backtest', '--data', write('decades.csv', 10_957, 5), '--strategy', 'buy-and-hold', '--periods-per-year', '5']);
    expect(given.out).toContain('5 periods/year (given; the bar spacing gives 0.033, and every annualised figure scales with it)');
    const centuries = await run(['backtest', '--data', write('centuries.csv', 54_787, 3), '--strategy', 'buy-and-hold']);
    expect(centuries.out).toContain('but bars 54,787 days apart come less than once a century, so annualised figures over them mean little');
    expect(centuries.out).not.toContain('--periods-per-year 0');
    const givenCenturies = await run(['backtest', '--data', write('centuries.csv', 54_787, 3), '--strategy', 'buy-and-hold', '--periods-per-year', '12']);
    expect(givenCenturies.out).toContain('12 periods/year (given; the bars come less than once a century, so annualised figures over them mean little)');
    const third = await run(['backtest', '--data', write('every-third-day.csv', 3, 300), '--strategy', 'buy-and-hold']);
    expect(third.out).toContain('252 periods/year (inferred from the bar spacing; but bars 3 days apart come about 122 times a year');
    expect(third.out).not.toContain('Saturdays and Sundays');
    // Given, the figure stands without a word; weekly bars (7 days: 52.2 a year) read as before.
    expect((await run(['backtest', '--data', write('biweekly.csv', 14, 40), '--strategy', 'buy-and-hold', '--periods-per-year', '26'])).out).toContain('26 periods/year (given)');
    expect((await run(['backtest', '--data', write('weekly.csv', 7, 40), '--strategy', 'buy-and-hold'])).out).toContain('52 periods/year (inferred from the bar spacing)');
  });

  it('intraday sessions longer than 6.5 hours (the London exchange, 08:00–16:15 in fifteen minutes) get a note with the bars a day and the figure to give', async () => {
    const data = path.join(scratch, 'lse-15m.csv');
    const rows: string[] = [];
    // 20 weekdays from Monday 2022-01-03, 34 bars a day (08:00, 08:15, …, 16:15).
    for (let d = 0, day = 0; day < 20; d++) {
      const date = Date.UTC(2022, 0, 3) + d * 86_400_000;
      const weekday = new Date(date).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      day++;
      for (let k = 0; k < 34; k++) rows.push(`${new Date(date + 8 * 3_600_000 + k * 900_000).toISOString().slice(0, 16).replace('T', ' ')},${String(100 + ((day + k) % 9))}`);
    }
    writeFileSync(data, `date,close\n${rows.join('\n')}\n`);
    const inferred = await run(['backtest', '--data', data, '--strategy', 'buy-and-hold']);
    expect(inferred.code).toBe(0);
    // 6.5 hours of fifteen minutes: 26 bars a day, 26 × 252 = 6,552; the file's 34 × 252 = 8,568.
    expect(inferred.out).toContain('6,552 periods/year (inferred from the bar spacing: 6.5 hours a day, 252 days a year)');
    expect(inferred.out).toContain('note: the sessions hold 34 bars a day (the median over the days with a bar): periods/year assumes 6.5-hour sessions (26 bars a day), which shrinks the annualised return (CAGR) towards 0 and understates annualised volatility and Sharpe; give --periods-per-year 8568');
    const given = await run(['backtest', '--data', data, '--strategy', 'buy-and-hold', '--periods-per-year', '8568']);
    expect(given.out).not.toContain('the sessions hold');
    // US hourly bars, 09:30 to 15:30: 7 bars against 6.5, within a tenth: no note.
    const us = path.join(scratch, 'us-hourly.csv');
    const hours: string[] = [];
    for (let day = 0; day < 10; day++) for (let k = 0; k < 7; k++) hours.push(`${new Date(Date.UTC(2022, 0, 3 + day + 2 * Math.floor(day / 5)) + (9.5 + k) * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')},${String(50 + k)}`);
    writeFileSync(us, `date,close\n${hours.join('\n')}\n`);
    const hourly = await run(['backtest', '--data', us, '--strategy', 'buy-and-hold']);
    expect(hourly.code).toBe(0);
    expect(hourly.out).toContain('1,638 periods/year');
    expect(hourly.out).not.toContain('the sessions hold');
  });

  it('a daily file with a hole of more than 30 days gets a note naming it; the embedded data sets get none', async () => {
    const data = path.join(scratch, 'hole.csv');
    const days = Array.from({ length: 80 }, (_, i) => Date.UTC(2020, 0, 1) + (i < 40 ? i : i + 400) * 86_400_000);
    writeFileSync(data, `date,close\n${days.map((day, i) => `${new Date(day).toISOString().slice(0, 10)},${String(100 + i)}`).join('\n')}\n`);
    const holed = await run(['backtest', '--data', data, '--strategy', 'buy-and-hold']);
    expect(holed.code).toBe(0);
    // 2020-02-09 to 2021-03-15: 400 days more than a day's step, 401 between the bars.
    expect(holed.out).toContain('note: hole has no bar from 2020-02-09 to 2021-03-16 (401 days): the run holds through the gap as one bar, and annualised figures count bars, not calendar time (ensemble data inspect lists every gap)');
    const embedded = await run(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold']);
    expect(embedded.out).not.toContain('has no bar from');
  });

  it('a daily file with hourly rows gets a note saying so and what it does to annualised figures', async () => {
    // 40 daily rows from 2020-01-01, then 10 hourly rows on 2020-02-09 from 01:00: a run counts
    // them as days, so its CAGR, volatility and Sharpe read 10 of 50 bars as days that were hours.
    const data = path.join(scratch, 'mixed.csv');
    const days = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const hours = Array.from({ length: 10 }, (_, h) => `2020-02-09 ${String(h + 1).padStart(2, '0')}:00`);
    writeFileSync(data, `date,close\n${[...days, ...hours].map((date, i) => `${date},${String(100 + i)}`).join('\n')}\n`);
    const mixed = await run(['backtest', '--data', data, '--strategy', 'buy-and-hold']);
    expect(mixed.code).toBe(0);
    expect(mixed.out).toContain(
      "note: mixed: 10 of its 50 bars are under 12 hours after the bar before (the first at 2020-02-09 01:00), though most are a day apart: a file mixing daily and intraday rows? A run counts every bar as a daily one, so annualised figures (CAGR, volatility, Sharpe) are off by the share of the others; keep one spacing per file (ensemble data inspect shows each symbol's spacing)",
    );
    const embedded = await run(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold']);
    expect(embedded.out).not.toContain('a file mixing daily and intraday rows');
  });

  // Regression: hourly bars round the clock on every day (crypto) read as 1,638 periods a year (252 × 6.5 h).
  it('hourly bars round the clock every day are annualised over 8,760 hours, named in the summary, without the 365 note', async () => {
    const data = path.join(scratch, 'hourly-24-7.csv');
    const start = Date.UTC(2024, 0, 1); // a Monday; 30 days of 24 hours
    const rows = Array.from({ length: 24 * 30 }, (_, i) => `${new Date(start + i * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')},${String(100 + (i % 5))}`);
    writeFileSync(data, `date,close\n${rows.join('\n')}\n`);
    const inferred = await run(['backtest', '--data', data, '--strategy', 'buy-and-hold']);
    expect(inferred.code).toBe(0);
    expect(inferred.out).toContain('8,760 periods/year (inferred from the bar spacing: 24 hours a day, 365 days a year)');
    expect(inferred.out).not.toContain('Saturdays and Sundays');
    const file = path.join(scratch, 'hourly-24-7.json');
    expect((await run(['backtest', '--data', data, '--strategy', 'buy-and-hold', '--json', file])).code).toBe(0);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { periodsPerYear: number }).periodsPerYear).toBe(8_760);
    // Exchange sessions keep 252 × 6.5 hours: 09:30–15:30 hourly on the weekdays of 2024-01-08 → 2024-01-19.
    const session = path.join(scratch, 'hourly-session.csv');
    const days = [8, 9, 10, 11, 12, 15, 16, 17, 18, 19];
    const sessionRows = days.flatMap((day) => Array.from({ length: 7 }, (_, h) => `2024-01-${String(day).padStart(2, '0')} ${String(9 + h).padStart(2, '0')}:30,${String(100 + h)}`));
    writeFileSync(session, `date,close\n${sessionRows.join('\n')}\n`);
    const exchange = await run(['backtest', '--data', session, '--strategy', 'buy-and-hold']);
    expect(exchange.out).toContain('1,638 periods/year (inferred from the bar spacing: 6.5 hours a day, 252 days a year)');
  });

  it('a signal strategy whose every entry is rejected says that nothing traded and where to look', async () => {
    const { code, out } = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--cash', '50', '--from', '2019-01-01']);
    expect(code).toBe(0);
    expect(out).toMatch(/0 filled · 0 shrunk · \d+ rejected/);
    expect(out).toContain('note: nothing traded: every entry was rejected (--log-level warn says why for each; most often the cash is less than one unit costs: --fractional, more --cash or another --sizing)');
    const traded = await run(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--from', '2019-01-01']);
    expect(traded.out).not.toContain('nothing traded');
  });

  it('entries worth less than closing them costs are counted beside the rejected orders, with the reason', async () => {
    // 13 of cash against a fixed commission of 5: (13 − 5) / 64 = 0.125 units, worth 4 at half the
    // price of 64, less than the 5 its sale there costs. The entries of bars 0–2 are refused; the
    // last bar's is dropped.
    const data = path.join(scratch, 'crumbs.csv');
    writeFileSync(data, 'date,A\n2020-01-02,64\n2020-01-03,64\n2020-01-06,32\n2020-01-07,32\n');
    const flags = ['backtest', '--data', data, '--strategy', 'buy-and-hold', '--commission-fixed', '5', '--fractional'];
    const { code, out } = await run([...flags, '--cash', '13']);
    expect(code).toBe(0);
    expect(out).toContain(
      'orders     0 filled · 0 shrunk · 3 rejected (all: a position worth less than closing it costs, at half its price for a long — a fixed or minimum commission against the cash of one position; more cash per position trades it) · 1 dropped',
    );
    // The reason is the closing costs, not the cash short of one unit: that note is not given.
    expect(out).not.toContain('nothing traded');
    const funded = await run([...flags, '--cash', '21']);
    expect(funded.out).toContain('orders     1 filled · 0 shrunk · 0 rejected · 0 dropped');
  });

  it('the reason beside the rejected orders names both kinds refused for their costs, counted', () => {
    const remedy = ' — a fixed or minimum commission against the cash of one position; more cash per position trades it)';
    expect(costsReason({ rejected: 5, belowClosingCosts: 2, belowCosts: 3 })).toBe(
      ` (2: a position worth less than closing it costs, at half its price for a long; 3: an adjustment costing at least what it trades${remedy}`,
    );
    expect(costsReason({ rejected: 1, belowCosts: 1 })).toBe(` (it: an adjustment costing at least what it trades${remedy}`);
    expect(costsReason({ rejected: 4 })).toBe('');
  });

  it('says when a run is shorter than a quarter of a year, whose annualised figures extrapolate it', async () => {
    expect(shortSampleNote(62, 252)).toBe('62 returns are 24.6% of a year at 252 periods per year: CAGR, volatility, Sharpe, Sortino and Calmar are annualised from so short a run, and swing far with it');
    expect(shortSampleNote(63, 252)).toBeNull();
    expect(shortSampleNote(0, 252)).toBeNull();
    expect(shortSampleNote(1, 252)).toContain('1 return is 0.397% of a year');
    expect(shortSampleNote(1_999, 98_280)).toContain('1,999 returns are 2.0% of a year at 98,280 periods per year');
    const data = path.join(scratch, 'two-days.csv');
    writeFileSync(data, 'date,open,high,low,close,volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10.5,12,10,11,100\n');
    const { code, out } = await run(['backtest', '--data', data, '--strategy', 'buy-and-hold', '--fractional', '--fill', 'close']);
    expect(code).toBe(0);
    // The metrics' own count: two points, one return (what the CAGR of 35,025.83 % is annualised from).
    expect(out).toContain('note: 1 return is 0.397% of a year at 252 periods per year: CAGR, volatility, Sharpe, Sortino and Calmar are annualised');
    // A year of bars: no note.
    expect((await run(['backtest', '--dataset', 'sp500', '--from', '2019-01-01', '--to', '2019-12-31', '--strategy', 'buy-and-hold'])).out).not.toContain('of a year at');
  });

  it('the reason names the costs that make a position worth less than closing it, and says when more cash does not help', async () => {
    const reason = (commission: CommissionModel, slippage: SlippageModel): string => costsReason({ rejected: 1, belowClosingCosts: 1 }, { commission, slippage });
    const none: SlippageModel = { kind: 'bps', bps: 0 };
    const cause = (text: string) => ` (it: a position worth less than closing it costs, at half its price for a long — ${text})`;
    const fixedOnly = cause('a fixed or minimum commission against the cash of one position; more cash per position trades it');
    expect(reason({ kind: 'fixed', amount: 5 }, none)).toBe(fixedOnly);
    expect(reason({ kind: 'percent', rate: 0, minimum: 1 }, none)).toBe(fixedOnly);
    expect(reason({ kind: 'percent', rate: 1 }, { kind: 'bps', bps: 12.5 })).toBe(cause('a commission of 100.00% and slippage of 12.50 bps, which grow with the position; more cash does not change that, lower costs do'));
    expect(reason({ kind: 'per-unit', amount: 0.5 }, { kind: 'fixed', amount: 1000 })).toBe(cause('a commission of 0.50 a unit and slippage of 1,000.00 a unit, which grow with the position; more cash does not change that, lower costs do'));
    // Both kinds: each with what helps against it (a 100 % rate with a minimum of a cent).
    expect(reason({ kind: 'percent', rate: 1, minimum: 0.01 }, none)).toBe(
      cause('a fixed or minimum commission, which more cash per position outweighs, or a commission of 100.00%, which grows with the position: only lower costs help against those'),
    );
    expect(reason({ kind: 'fixed', amount: 5 }, { kind: 'fixed', amount: 2 })).toBe(
      cause('a fixed or minimum commission, which more cash per position outweighs, or slippage of 2.00 a unit, which grows with the position: only lower costs help against those'),
    );
    // Through the CLI: a 100 % commission rejects every entry, whatever the cash.
    const data = path.join(scratch, 'rate.csv');
    writeFileSync(data, 'date,A\n2020-01-02,64\n2020-01-03,64\n2020-01-06,32\n2020-01-07,32\n');
    const { code, out } = await run(['backtest', '--data', data, '--strategy', 'buy-and-hold', '--commission-rate', '1', '--cash', '1000000']);
    expect(code).toBe(0);
    expect(out).toContain('3 rejected (all: a position worth less than closing it costs, at half its price for a long — a commission of 100.00%, which grows with the position; more cash does not change that, lower costs do)');
  });

  it('a portfolio whose every weight is worth less than one whole unit says why nothing traded', async () => {
    const data = path.join(scratch, 'pricey.csv');
    writeFileSync(data, 'date,A,B\n2020-01-02,600,700\n2020-01-03,610,710\n2020-01-06,620,720\n2020-01-07,630,730\n');
    const { code, out } = await run(['backtest', '--data', data, '--strategy', 'equal-weight', '--cash', '1000']);
    expect(code).toBe(0);
    expect(out).toContain('0 filled · 0 shrunk · 0 rejected · 0 dropped');
    expect(out).toContain('note: nothing traded: a weight worth less than one whole unit holds none');
    const fractional = await run(['backtest', '--data', data, '--strategy', 'equal-weight', '--cash', '1000', '--fractional']);
    expect(fractional.out).not.toContain('note: nothing traded');
  });

  it('output paths: a directory that cannot be made, stdout for HTML, the same file twice', async () => {
    writeFileSync(path.join(scratch, 'a-file'), '');
    await expectBadInput([...sp500, '--strategy', 'buy-and-hold', '--md', path.join(scratch, 'a-file', 'missing', 'report.md')], `--md: cannot write ${path.join(scratch, 'a-file', 'missing', 'report.md')}: ${path.join(scratch, 'a-file')} is not a directory`);
    await expectBadInput([...sp500, '--strategy', 'buy-and-hold', '--html', '-'], '--html -: cannot write to stdout');
    await expectBadInput([...sp500, '--strategy', 'buy-and-hold', '--md', 'same.out', '--html', 'same.out'], 'two outputs would write the same file');
    expect(existsSync(path.join(fixtures, 'same.out'))).toBe(false);
  });

  it('the same file through a symbolic link to its directory', async () => {
    const directory = mkdtempSync(path.join(scratch, 'real-'));
    const link = `${directory}-link`;
    symlinkSync(directory, link);
    await expectBadInput([...sp500, '--strategy', 'buy-and-hold', '--md', path.join(directory, 'report.md'), '--html', path.join(link, 'report.md')], `--html ${path.join(link, 'report.md')} --md ${path.join(directory, 'report.md')}: two outputs would write the same file (${path.join(directory, 'report.md')}); give each its own path`);
    expect(readdirSync(directory)).toEqual([]);
  });
});

describe('ensemble backtest: progress', () => {
  const data = ['backtest', '--data', path.join(fixtures, 'valid-prices.csv'), '--symbol', 'AAA', '--strategy', 'buy-and-hold'];

  it('a pipe gets nothing but the results: no progress on a non-terminal stderr', async () => {
    const json = target();
    const { code, out, err } = await run([...data, '--json', json, '--md', target('md')]);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('Final equity');
    expect(out).toContain(`wrote ${json}`);
    const piped = await run([...data, '--json', '-']);
    expect(JSON.parse(piped.out)).toMatchObject({ kind: 'backtest' });
    expect(piped.err).toContain('Final equity');
    expect(piped.err).not.toMatch(/load|\[█|░/);
  });

  it('a terminal stderr shows the loading, the run and the writing, each cleared when done; --no-progress none', async () => {
    const io = createCapturedIo({ cwd: scratch, terminal: true });
    expect(await main(['node', 'ensemble', ...data, '--json', target()], io)).toBe(0);
    const drawn = io.err();
    expect(drawn).toMatch(/load {2}\[█+\] 100% \| 0\.0\/0\.0 MB/);
    expect(drawn).toMatch(/run {3}\[[█░]+\] \d+% \| \d\/3 bars \| ETA /);
    expect(drawn).toMatch(/write 0\.0 MB/);
    expect(io.errWrites().at(-1)).toBe('\u001b[2K');
    expect(io.out()).toContain('Final equity');

    const quiet = createCapturedIo({ cwd: scratch, terminal: true });
    expect(await main(['node', 'ensemble', ...data, '--json', target(), '--no-progress'], quiet)).toBe(0);
    expect(quiet.err()).toBe('');
  });
});
