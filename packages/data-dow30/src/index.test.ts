import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOW30_SYMBOLS, dow30Dataset } from './index';

describe('dow30Dataset', () => {
  it('points at the file it describes: header symbols, row count, first and last date', () => {
    const lines = readFileSync(dow30Dataset.url, 'utf8').trimEnd().split('\n');
    const header = (lines[0] ?? '').split(',').map((name) => name.replaceAll('"', ''));
    expect(header.slice(1)).toEqual(DOW30_SYMBOLS);
    expect(lines.length - 1).toBe(2529);
    expect(dow30Dataset.bars).toBe((lines.length - 1) * 30);
    expect(lines[1]?.split(',')[0]?.replaceAll('"', '')).toContain('1990-12-31');
    expect(lines.at(-1)?.split(',')[0]?.replaceAll('"', '')).toContain('2001-01-02');
  });
});
