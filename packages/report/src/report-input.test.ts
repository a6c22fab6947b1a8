import { ConfigError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { buildSmallRun } from './__fixtures__/small-run';
import { parseReportInput } from './report-input';
import type { ReportInput } from './report-input';

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseReportInput(input, 'fixture');
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toContain('fixture');
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('parseReportInput', () => {
  it('accepts a valid input and keeps typed-array columns as they are (no copy)', () => {
    const input = buildSmallRun();
    const equity = Float64Array.from(input.portfolio.equity.equity);
    const parsed = parseReportInput({ ...input, portfolio: { ...input.portfolio, equity: { ...input.portfolio.equity, equity } } });
    expect(parsed.portfolio.equity.equity).toBe(equity);
    expect(parsed.sleeves.map((sleeve) => sleeve.id)).toEqual(['momentum', 'carry']);
  });

  it('lists every problem by path', () => {
    const input = buildSmallRun();
    const [first, second] = input.sleeves;
    if (first === undefined || second === undefined) throw new Error('fixture has two sleeves');
    const broken: ReportInput = {
      ...input,
      portfolio: { ...input.portfolio, equity: { ...input.portfolio.equity, cash: [1, 2, 3] } },
      sleeves: [
        { ...first, weight: [0.5, 0.5] },
        { ...second, id: 'momentum' },
      ],
      correlation: { ids: ['momentum', 'carry'], matrix: [[1, 0.2]] },
      attribution: { periods: [{ label: '2024', bySleeve: { nope: 0.1 } }] },
    };
    const paths = issuesOf(broken).map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['portfolio.equity.cash', 'sleeves.0.weight', 'sleeves.1.id', 'correlation.matrix', 'attribution.periods.0.bySleeve.nope']),
    );
  });

  it('rejects non-finite values and times that do not increase, naming the index', () => {
    const input = buildSmallRun();
    const equity = Float64Array.from(input.portfolio.equity.equity);
    equity[3] = Number.NaN;
    const time = [...input.portfolio.equity.time];
    time[5] = time[4] ?? 0;
    const issues = issuesOf({ ...input, portfolio: { ...input.portfolio, equity: { time, equity, cash: input.portfolio.equity.cash } } });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'portfolio.equity.equity.3', message: 'must be a finite number, got NaN' },
        { path: 'portfolio.equity.time.5', message: 'times must be strictly increasing' },
      ]),
    );
  });

  it('rejects an empty portfolio curve, a sleeve time the portfolio lacks, and a config JSON cannot hold', () => {
    const input = buildSmallRun();
    const [first] = input.sleeves;
    if (first === undefined) throw new Error('fixture has sleeves');
    const shifted = first.equity.time.map((t) => t + 3_600_000);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const paths = issuesOf({
      ...input,
      config: cyclic,
      sleeves: [{ ...first, equity: { ...first.equity, time: shifted } }],
    }).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['sleeves.0.equity.time.0', 'config']));
    expect(issuesOf({ ...input, portfolio: { ...input.portfolio, equity: { time: [], equity: [], cash: [] } }, sleeves: [], attribution: undefined }).map((issue) => issue.path)).toContain(
      'portfolio.equity.time',
    );
  });

  it('rejects a value that is not an object at all', () => {
    expect(issuesOf(null).length).toBeGreaterThan(0);
    expect(issuesOf({ title: 3 }).map((issue) => issue.path)).toEqual(expect.arrayContaining(['title', 'portfolio', 'sleeves']));
  });
});
