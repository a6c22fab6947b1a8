import type { BarSeries, PortfolioStrategy, RebalanceRule, Strategy } from '@ensemble/protocol';
import { BAR_COLUMNS, barSeriesFromBars, seriesToBars } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gbmSeries, prng, randomSignals, randomWeights } from '../test/helpers';
import { runBacktest } from './backtest-engine';
import type { BacktestOptions, ReusableColumns } from './backtest-engine';
import { wholeUnitSizingProblem } from './options';
import type { BacktestResult } from './result';

const single = gbmSeries('P', 800, 11);
const other = gbmSeries('Q', 760, 12);
const costs = { commission: { kind: 'percent', rate: 0.001 }, slippage: { kind: 'bps', bps: 5 } } as const;

function options(series: BarSeries | readonly BarSeries[], seed: number): BacktestOptions {
  return { series, strategy: randomSignals(seed, { stops: true }), cash: 10_000, ...costs };
}

/** Bit-for-bit equality of two columns (-0 and NaN told apart as `Object.is` does). */
function sameBits(actual: Float64Array, expected: Float64Array): boolean {
  return actual.length === expected.length && actual.every((value, k) => Object.is(value, expected[k]));
}

function expectSameCurve(actual: ReturnType<typeof runBacktest>, expected: ReturnType<typeof runBacktest>): void {
  expect(sameBits(actual.equity.equity, expected.equity.equity)).toBe(true);
  expect(sameBits(actual.equity.cash, expected.equity.cash)).toBe(true);
  expect(sameBits(actual.equity.grossExposure, expected.equity.grossExposure)).toBe(true);
  expect(actual.finalEquity).toBe(expected.finalEquity);
  expect(actual.fills).toEqual(expected.fills);
}

/** Columns of `steps` values, all NaN: whatever a run leaves unwritten would show. */
function dirtyColumns(steps: number): ReusableColumns {
  return { equity: new Float64Array(steps).fill(Number.NaN), cash: new Float64Array(steps).fill(-1), grossExposure: new Float64Array(steps).fill(Number.NaN) };
}

describe('reuse: a run writes its curve into an earlier result’s columns', () => {
  it.each([
    ['one series (the fused loop)', single],
    ['several series (the stepped loop)', [single, other] as const],
  ])('%s: the same columns, holding exactly what a run with new ones holds', (_, series) => {
    const fresh = runBacktest(options(series, 3));
    const steps = fresh.bars;
    const reuse = dirtyColumns(steps);
    const reused = runBacktest({ ...options(series, 3), reuse });
    expect(reused.equity.equity).toBe(reuse.equity);
    expect(reused.equity.cash).toBe(reuse.cash);
    expect(reused.equity.grossExposure).toBe(reuse.grossExposure);
    expectSameCurve(reused, fresh);
  });

  it('a sweep through one set of columns gives every run the result it has alone', () => {
    let spare: ReusableColumns | undefined;
    for (let seed = 1; seed <= 6; seed++) {
      const expected = runBacktest(options(single, seed));
      const result = runBacktest({ ...options(single, seed), reuse: spare });
      expectSameCurve(result, expected);
      if (spare !== undefined) expect(result.equity.equity).toBe(spare.equity);
      spare = result.equity;
    }
  });

  it('columns that do not fit are left alone and the run allocates its own', () => {
    const fresh = runBacktest(options(single, 4));
    const steps = fresh.bars;
    const shared = new Float64Array(3 * steps);
    const detached = new Float64Array(steps);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const twice = new Float64Array(steps);
    const close = single.close.slice();
    const misfits: [string, ReusableColumns][] = [
      ['another length', dirtyColumns(steps + 1)],
      ['three views of one buffer', { equity: shared.subarray(0, steps), cash: shared.subarray(steps, 2 * steps), grossExposure: shared.subarray(2 * steps) }],
      ['the same column twice', { equity: twice, cash: twice, grossExposure: new Float64Array(steps) }],
      ['a transferred buffer', { ...dirtyColumns(steps), grossExposure: detached }],
      ["the input series' own close", { ...dirtyColumns(steps), equity: single.close }],
    ];
    for (const [, reuse] of misfits) {
      const result = runBacktest({ ...options(single, 4), reuse });
      // Identity, compared as a boolean: a detached column cannot be printed.
      expect([result.equity.equity === reuse.equity, result.equity.cash === reuse.cash, result.equity.grossExposure === reuse.grossExposure]).toEqual([false, false, false]);
      expectSameCurve(result, fresh);
    }
    // The input was never written to.
    expect(sameBits(single.close, close)).toBe(true);
  });

  it('columns in shared memory are never written: a SharedArrayBuffer reached through another object may hold the input series', () => {
    // The same shared memory seen through two SharedArrayBuffer objects, as a thread sees the
    // memory another posted to it twice: the input's bars in one, the columns offered in the other.
    const steps = single.length;
    const memory = new SharedArrayBuffer(BAR_COLUMNS.length * steps * Float64Array.BYTES_PER_ELEMENT);
    const view = (buffer: SharedArrayBuffer, k: number): Float64Array => new Float64Array(buffer, k * steps * Float64Array.BYTES_PER_ELEMENT, steps);
    const columns = Object.fromEntries(BAR_COLUMNS.map((name, k) => [name, view(memory, k).fill(0)])) as Record<(typeof BAR_COLUMNS)[number], Float64Array>;
    for (const name of BAR_COLUMNS) columns[name].set(single[name]);
    const shared: BarSeries = { symbol: single.symbol, length: steps, ...columns };
    const fresh = runBacktest(options(single, 5));
    const again = structuredClone(memory);
    const reuse = { ...dirtyColumns(steps), equity: view(again, BAR_COLUMNS.indexOf('close')) };
    const result = runBacktest({ ...options(shared, 5), reuse });
    expect(result.equity.equity === reuse.equity).toBe(false);
    expectSameCurve(result, fresh);
    expect(sameBits(shared.close, single.close)).toBe(true);
  });
});

/** 1–3 symbols of one of two lengths (runs of both meet the same columns); symbols after the first miss some dates. */
const seriesSet = fc
  .record({
    count: fc.integer({ min: 1, max: 3 }),
    length: fc.constantFrom(24, 40),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    gapProbability: fc.constantFrom(0, 0.3),
  })
  .map(({ count, length, seed, gapProbability }): BarSeries[] =>
    Array.from({ length: count }, (_, k) => {
      const full = gbmSeries(`S${k}`, length, seed + k * 7919, { volatility: 0.03, start: 20 + 40 * k });
      if (k === 0 || gapProbability === 0) return full;
      const random = prng(seed * 31 + k);
      const kept = seriesToBars(full).filter(() => random() >= gapProbability);
      return barSeriesFromBars(full.symbol, kept.length > 0 ? kept : seriesToBars(full).slice(0, 1));
    }),
  );

const engineOptions = fc
  .record({
    fill: fc.constantFrom('next-open' as const, 'close' as const),
    commission: fc.oneof(
      fc.record({ kind: fc.constant('percent' as const), rate: fc.double({ min: 0, max: 0.01, noNaN: true }) }),
      fc.record({ kind: fc.constant('fixed' as const), amount: fc.double({ min: 0, max: 3, noNaN: true }) }),
    ),
    slippage: fc.record({ kind: fc.constant('bps' as const), bps: fc.double({ min: 0, max: 50, noNaN: true }) }),
    sizing: fc.oneof(
      fc.record({ kind: fc.constant('percent-of-equity' as const), percent: fc.double({ min: 5, max: 100, noNaN: true }) }),
      fc.record({ kind: fc.constant('fixed-quantity' as const), quantity: fc.double({ min: 1, max: 200, noNaN: true }) }),
    ),
    fractional: fc.boolean(),
    closeAtEnd: fc.boolean(),
    checkInvariants: fc.boolean(),
  })
  .filter((options) => wholeUnitSizingProblem(options.sizing, options.fractional) === null);

const rebalanceRule: fc.Arbitrary<RebalanceRule> = fc.oneof(
  fc.constant<RebalanceRule>({ kind: 'never' }),
  fc.integer({ min: 1, max: 6 }).map((every): RebalanceRule => ({ kind: 'bars', every })),
  fc.constant<RebalanceRule>({ kind: 'calendar', period: 'week' }),
);

const strategy: fc.Arbitrary<() => Strategy | PortfolioStrategy> = fc.oneof(
  fc
    .record({ seed: fc.integer({ min: 1, max: 1_000_000 }), sides: fc.constantFrom('long', 'short', 'both'), stops: fc.boolean(), strength: fc.boolean() })
    .map(({ seed, sides, stops, strength }) => () => randomSignals(seed, { long: sides !== 'short', short: sides !== 'long', stops, strength })),
  fc
    .record({ seed: fc.integer({ min: 1, max: 1_000_000 }), allowShort: fc.boolean(), rebalance: rebalanceRule })
    .map(({ seed, allowShort, rebalance }) => () => randomWeights(seed, allowShort, rebalance)),
);

/**
 * What a run is offered as `reuse`: nothing, the previous run's columns (which fit when its
 * timeline had the same length; they may be an earlier run's again, as in a sweep), columns full
 * of NaN and -0 as views at an offset into larger buffers, columns one of which is an input
 * series' close (which must never be written), or one column offered twice (as equity and cash).
 */
type Offer = 'none' | 'previous' | 'dirty' | 'input' | 'twice';

const runSpec = fc.record({
  seriesIndex: fc.integer({ min: 0, max: 1 }),
  strategy,
  options: engineOptions,
  offer: fc.constantFrom<Offer>('none', 'previous', 'previous', 'dirty', 'input', 'twice'),
});

/** Views at an offset into buffers longer than the run: what a run leaves unwritten would show. */
function offsetDirtyColumns(steps: number): ReusableColumns {
  const view = (fill: number): Float64Array => new Float64Array(steps + 5).fill(fill).subarray(3, 3 + steps);
  return { equity: view(Number.NaN), cash: view(-0), grossExposure: view(Number.NaN) };
}

/** The values of a result's columns and its JSON, taken when it is handed out. */
function snapshot(result: BacktestResult): { columns: Float64Array[]; json: string } {
  return { columns: [result.equity.equity.slice(), result.equity.cash.slice(), result.equity.grossExposure.slice()], json: JSON.stringify(result) };
}

function sameSnapshot(actual: ReturnType<typeof snapshot>, expected: ReturnType<typeof snapshot>): boolean {
  return actual.json === expected.json && actual.columns.every((column, k) => sameBits(column, expected.columns[k] ?? new Float64Array(0)));
}

describe('reuse: property', () => {
  it('runs in a row, each offered the previous run’s columns or columns that must not be used, give what each run gives alone, bit for bit; results not offered keep their values; inputs are never written', () => {
    fc.assert(
      fc.property(fc.tuple(seriesSet, seriesSet), fc.array(runSpec, { minLength: 2, maxLength: 6 }), ([first, second], runs) => {
        const sets = [first, second];
        const inputs = sets.map((set) => set.map((series) => BAR_COLUMNS.map((name) => series[name].slice())));
        const results: { result: BacktestResult; snapshot: ReturnType<typeof snapshot>; offered: boolean }[] = [];
        for (const [k, run] of runs.entries()) {
          const series = sets[run.seriesIndex] ?? first;
          const base: BacktestOptions = { series, strategy: run.strategy(), cash: 10_000, ...run.options };
          const alone = snapshot(runBacktest(base));
          const previous = results[k - 1];
          const offer = run.offer;
          let reuse: ReusableColumns | undefined;
          if (offer === 'previous' && previous !== undefined) {
            reuse = previous.result.equity;
          } else if (offer === 'dirty') {
            reuse = offsetDirtyColumns(alone.columns[0]?.length ?? 0);
          } else if (offer === 'input') {
            reuse = { ...offsetDirtyColumns(series[0]?.length ?? 0), cash: series[0]?.close ?? new Float64Array(0) };
          } else if (offer === 'twice') {
            const columns = offsetDirtyColumns(alone.columns[0]?.length ?? 0);
            reuse = { ...columns, cash: columns.equity };
          }
          const result = runBacktest({ ...base, reuse });
          const own = snapshot(result);
          expect(sameSnapshot(own, alone)).toBe(true);
          // Offered columns that fit are used: the property runs through reused columns, not only fresh ones.
          const fits = offer !== 'input' && offer !== 'twice' && reuse?.equity.length === result.bars && result.bars > 0;
          const used = result.equity.equity === reuse?.equity;
          expect(used).toBe(fits);
          if (used && offer === 'previous' && previous !== undefined) previous.offered = true;
          results.push({ result, snapshot: own, offered: false });
        }
        // A result whose columns no later run took still holds its own values.
        for (const { result, snapshot: taken, offered } of results) {
          if (!offered) expect(sameSnapshot(snapshot(result), taken)).toBe(true);
        }
        const now = sets.map((set) => set.map((series) => BAR_COLUMNS.map((name) => series[name])));
        expect(now.every((set, k) => set.every((columns, j) => columns.every((column, c) => sameBits(column, inputs[k]?.[j]?.[c] ?? new Float64Array(0)))))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
