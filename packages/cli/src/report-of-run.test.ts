import { RunError } from '@ensemble/protocol';
import type { ReportInput } from '@ensemble/report';
import { describe, expect, it } from 'vitest';
import { reportOfRun } from './report-of-run';

describe('reportOfRun', () => {
  it('turns a report input the run built but the report rejects into a run failure, not bad input', () => {
    // An equity curve whose equity went non-finite: what a degenerate run could hand the report.
    const input = {
      title: 't',
      portfolio: { equity: { time: [0, 86_400_000], equity: [100, Number.NaN], cash: [100, 100] } },
      sleeves: [],
    } as unknown as ReportInput;
    let caught: unknown;
    try {
      reportOfRun(input, undefined);
    } catch (error) {
      caught = error;
    }
    expect(RunError.isInstance(caught)).toBe(true);
    expect((caught as RunError).code).toBe('RUN_FAILED');
    expect((caught as RunError).message).toMatch(/^The run finished, but its report could not be built/);
  });
});
