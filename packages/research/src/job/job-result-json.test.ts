import { describe, expect, it } from 'vitest';
import { JobResultError } from './job-result-check';
import { jobResultFromJson, jobResultToJson } from './job-result-json';
import type { ResearchJobResult } from './research-job';

describe('jobResultToJson / jobResultFromJson', () => {
  it('give back the result through JSON text: returns bit for bit (-0, NaN), the curve with NaN kept', () => {
    const result: ResearchJobResult = {
      index: 2,
      status: 'ok',
      metrics: null,
      periodReturns: new Float64Array([0.01, -0, Number.NaN, -1.5e-300]),
      curve: { time: new Float64Array([86_400_000, 172_800_000]), equity: new Float64Array([100, Number.NaN]) },
      error: { code: 'X', message: 'kept' },
    };
    const text = JSON.stringify(jobResultToJson(result));
    expect(JSON.parse(text)).toMatchObject({ periodReturns: [], curve: { time: [86_400_000, 172_800_000], equity: [100, null] } });
    const back = jobResultFromJson(JSON.parse(text));
    expect(back).toEqual(result);
    expect(Object.is(back.periodReturns[1], -0)).toBe(true);
    expect(back.periodReturns).toBeInstanceOf(Float64Array);
    // The same result, the same text.
    expect(JSON.stringify(jobResultToJson(back))).toBe(text);
  });

  it('reads returns written as a JSON array', () => {
    expect(jobResultFromJson({ index: 1, status: 'ok', metrics: null, periodReturns: [0.5, null] }).periodReturns).toEqual(new Float64Array([0.5, Number.NaN]));
  });

  it('refuses anything else with a JobResultError naming the field', () => {
    const bad = (value: unknown): JobResultError => {
      try {
        jobResultFromJson(value);
      } catch (error) {
        if (JobResultError.isInstance(error)) return error;
        throw error;
      }
      throw new Error('accepted');
    };
    expect(bad({ index: 1, status: 'ok', metrics: null, periodReturns: { 0: 0.5 } })).toMatchObject({ index: 1, field: 'periodReturns' });
    expect(bad({ index: 1, status: 'done', metrics: null, periodReturns: [] })).toMatchObject({ field: 'status' });
    expect(bad({ index: 4, status: 'ok', metrics: null, periodReturns: [], curve: { time: [1, 2], equity: [1] } })).toMatchObject({ index: 4, field: 'curve' });
    expect(bad('text').message).toContain('Not a research job result in its JSON form');
  });
});
