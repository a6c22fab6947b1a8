import { describe, expect, it } from 'vitest';
import { sweepResultsCsv } from './sweep-outputs';
import type { SweepResult } from './run-sweep';

describe('sweepResultsCsv', () => {
  it('gives a parameter named like a fixed column its own column name, so that no two columns share one', () => {
    const result = {
      parameters: [
        { name: 'index', path: 'params.index', values: [1] },
        { name: 'sharpe', path: 'params.fast', values: [10] },
        { name: 'slow', path: 'params.slow', values: [100] },
      ],
      rows: [],
    } as unknown as SweepResult;
    const header = sweepResultsCsv(result).split('\n')[0]?.split(',') ?? [];
    expect(header.slice(0, 6)).toEqual(['rank', 'index', 'status', 'param.index', 'param.sharpe', 'slow']);
    expect(new Set(header).size).toBe(header.length);
  });
});
