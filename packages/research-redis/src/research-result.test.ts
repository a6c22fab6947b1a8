import type { ResearchJobResult } from '@ensemble/research';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeResult, parseStoredResult, queueFailedResult } from './research-result';

describe('encodeResult and parseStoredResult', () => {
  it('give back every period return bit for bit (-0, NaN, extremes), as a structured clone does', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 300 }), (returns) => {
        const result: ResearchJobResult = { index: 4, status: 'ok', metrics: null, periodReturns: new Float64Array(returns) };
        const back = parseStoredResult(encodeResult(result), 4);
        expect(back.periodReturns).toHaveLength(returns.length);
        back.periodReturns.forEach((value, i) => {
          expect(Object.is(value, returns[i])).toBe(true);
        });
        expect(back).toEqual(structuredClone(result));
      }),
      { numRuns: 200 },
    );
  });

  it('stores a window curve as JSON arrays and gives it back as columns (NaN kept)', () => {
    const result: ResearchJobResult = {
      index: 5,
      status: 'ok',
      metrics: null,
      periodReturns: new Float64Array([0.5, -0, Number.NaN]),
      curve: { time: new Float64Array([1, 2, 3, 4]), equity: new Float64Array([100, 150, 150, Number.NaN]) },
      error: { code: 'X', message: 'kept in place' },
    };
    const stored = encodeResult(result);
    expect(JSON.parse(stored.json)).toMatchObject({ periodReturns: [], curve: { time: [1, 2, 3, 4], equity: [100, 150, 150, null] } });
    expect(parseStoredResult(stored, 5)).toEqual(result);
  });

  it('reads the raw doubles from a buffer at any byte offset (Redis replies are slices of a larger buffer)', () => {
    const stored = encodeResult({ index: 2, status: 'ok', metrics: null, periodReturns: new Float64Array([0.25, -0, -1e-310, Number.MAX_VALUE]) });
    const binary = stored.binary ?? Buffer.alloc(0);
    const shifted = Buffer.concat([Buffer.from([1, 2, 3]), binary]).subarray(3);
    expect(shifted.byteOffset % 8).not.toBe(0);
    const back = parseStoredResult({ json: stored.json, binary: shifted }, 2);
    expect(back.periodReturns).toEqual(new Float64Array([0.25, -0, -1e-310, Number.MAX_VALUE]));
    expect(Object.is(back.periodReturns[1], -0)).toBe(true);
    expect(binary.toString('hex').slice(0, 16)).toBe('000000000000d03f'); // 0.25, little-endian
  });

  it('refuses a result of another index or shape, and an odd-sized binary part', () => {
    const stored = encodeResult({ index: 1, status: 'ok', metrics: null, periodReturns: new Float64Array([0.5]) });
    expect(() => parseStoredResult(stored, 2)).toThrow('combination 2');
    expect(() => parseStoredResult({ json: '{"index":1}', binary: null }, 1)).toThrow('not a research job result');
    expect(() => parseStoredResult({ json: stored.json, binary: Buffer.alloc(7) }, 1)).toThrow('not a research job result');
    expect(() => parseStoredResult({ json: 'nope', binary: null }, 1)).toThrow('not a research job result');
  });

  it('a job failed on the queue is a failed result with the queue\'s code and message', () => {
    expect(queueFailedResult(3, { code: 'JOB_FAILED', message: 'stalled (after 2 attempts)' })).toEqual({
      index: 3, status: 'failed', metrics: null, periodReturns: new Float64Array(0), error: { code: 'JOB_FAILED', message: 'stalled (after 2 attempts)' },
    });
  });
});
