import { describe, expect, it } from 'vitest';
import type { ResearchJobResult } from '../job/research-job';
import { fromWire, toWire } from './wire-result';

describe('toWire / fromWire', () => {
  it('moves the columns as typed arrays and gives back the same result, every bit kept', () => {
    const result: ResearchJobResult = {
      index: 7,
      status: 'ok',
      metrics: null,
      periodReturns: [0.01, -0, Number.NaN, -0.25, 1e-300],
      curve: { time: [1, 2, 3], equity: [100, 101, Number.NaN] },
    };
    const { wire, transfer } = toWire(result);
    expect(wire.periodReturns).toBeInstanceOf(Float64Array);
    expect(transfer).toHaveLength(3);
    const back = fromWire(structuredClone(wire, { transfer }));
    expect(back).toEqual(result);
    expect(Object.is(back.periodReturns[1], -0)).toBe(true);
    expect(Array.isArray(back.periodReturns) && Array.isArray(back.curve?.time)).toBe(true);
  });

  it('keeps a result without a curve without one', () => {
    const result: ResearchJobResult = { index: 0, status: 'failed', metrics: null, periodReturns: [], error: { code: 'RUN_FAILED', message: 'x' } };
    const { wire, transfer } = toWire(result);
    expect(transfer).toHaveLength(1);
    expect('curve' in fromWire(wire)).toBe(false);
    expect(fromWire(wire)).toEqual(result);
  });
});
