import { describe, expect, it } from 'vitest';
import { JobResultError, checkJobResult } from './job-result-check';
import type { ResearchJobResult } from './research-job';

describe('checkJobResult', () => {
  const ok: ResearchJobResult = { index: 3, status: 'ok', metrics: null, periodReturns: new Float64Array([0.1]) };
  const fails = (value: unknown): JobResultError => {
    try {
      checkJobResult(value);
    } catch (error) {
      if (JobResultError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('accepted');
  };

  it('accepts a result as an executor reports it, with or without a curve', () => {
    expect(() => { checkJobResult(ok); }).not.toThrow();
    expect(() => { checkJobResult({ ...ok, curve: { time: new Float64Array([1, 2]), equity: new Float64Array([1, 1]) } }); }).not.toThrow();
  });

  it('names the combination and the first field that is wrong', () => {
    expect(fails({ ...ok, periodReturns: [0.1] })).toMatchObject({ index: 3, field: 'periodReturns' });
    expect(fails({ ...ok, periodReturns: new Float32Array([0.1]) }).message).toContain('periodReturns is a Float32Array, not a Float64Array');
    expect(fails({ ...ok, curve: { time: new Float64Array([1, 2]), equity: { 0: 1, 1: 1 } } })).toMatchObject({ index: 3, field: 'curve.equity' });
    expect(fails({ ...ok, curve: { time: new Float64Array([1, 2]), equity: new Float64Array([1]) } }).message).toBe(
      'The executor reported the result of combination 3 whose curve has 2 times but 1 equity values; they must be as many.',
    );
    expect(fails({ ...ok, index: -1 })).toMatchObject({ field: 'index' });
    expect(fails({ ...ok, status: 'done' })).toMatchObject({ field: 'status' });
    expect(fails(null)).toMatchObject({ index: undefined, field: 'value' });
  });
});
