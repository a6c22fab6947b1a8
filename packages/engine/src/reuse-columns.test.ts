import type { BarSeries } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { gbmSeries, randomSignals } from '../test/helpers';
import { runBacktest } from './backtest-engine';
import type { BacktestOptions, ReusableColumns } from './backtest-engine';

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
});
