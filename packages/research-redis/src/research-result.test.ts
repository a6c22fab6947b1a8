import type { ResearchJobResult } from '@ensemble/research';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeResult, parseStoredResult, queueFailedResult } from './research-result';

describe('encodeResult and parseStoredResult', () => {
  it('give back every period return bit for bit (-0, NaN, extremes), as a structured clone does', () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 300 }), (returns) => {
        const result: ResearchJobResult = { index: 4, status: 'ok', metrics: null, periodReturns: returns };
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

  it('refuses a result of another index or shape, and an odd-sized binary part', () => {
    const stored = encodeResult({ index: 1, status: 'ok', metrics: null, periodReturns: [0.5] });
    expect(() => parseStoredResult(stored, 2)).toThrow('combination 2');
    expect(() => parseStoredResult({ json: '{"index":1}', binary: null }, 1)).toThrow('not a research job result');
    expect(() => parseStoredResult({ json: stored.json, binary: Buffer.alloc(7) }, 1)).toThrow('not a research job result');
    expect(() => parseStoredResult({ json: 'nope', binary: null }, 1)).toThrow('not a research job result');
  });

  it('a job failed on the queue is a failed result with the queue\'s code and message', () => {
    expect(queueFailedResult(3, { code: 'JOB_FAILED', message: 'stalled (after 2 attempts)' })).toEqual({
      index: 3, status: 'failed', metrics: null, periodReturns: [], error: { code: 'JOB_FAILED', message: 'stalled (after 2 attempts)' },
    });
  });
});
