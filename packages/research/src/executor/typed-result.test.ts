import { describe, expect, it } from 'vitest';
import type { ResearchJobResult } from '../job/research-job';
import { fromTyped, toTyped } from './typed-result';

describe('toTyped / fromTyped', () => {
  it('moves the columns as typed arrays and gives back the same result, every bit kept', () => {
    const result: ResearchJobResult = {
      index: 7,
      status: 'ok',
      metrics: null,
      periodReturns: [0.01, -0, Number.NaN, -0.25, 1e-300],
      curve: { time: [1, 2, 3], equity: [100, 101, Number.NaN] },
    };
    const { wire, transfer } = toTyped(result);
    expect(wire.periodReturns).toBeInstanceOf(Float64Array);
    expect(transfer).toHaveLength(3);
    const back = fromTyped(structuredClone(wire, { transfer }));
    expect(back).toEqual(result);
    expect(Object.is(back.periodReturns[1], -0)).toBe(true);
    expect(Array.isArray(back.periodReturns) && Array.isArray(back.curve?.time)).toBe(true);
  });

  it('keeps a result without a curve without one', () => {
    const result: ResearchJobResult = { index: 0, status: 'failed', metrics: null, periodReturns: [], error: { code: 'RUN_FAILED', message: 'x' } };
    const { wire, transfer } = toTyped(result);
    expect(transfer).toHaveLength(1);
    expect('curve' in fromTyped(wire)).toBe(false);
    expect(fromTyped(wire)).toEqual(result);
  });
});
