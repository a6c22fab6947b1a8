import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticCsv, loadMarketData } from '@ensemble/data';
import type { BenchCase } from '../harness';

interface CsvFile {
  readonly path: string;
}

/** Reads the file and parses every field with `split` and `Number`: no validation, no columns. */
function baseline({ path }: CsvFile): number {
  const lines = readFileSync(path, 'utf8').split('\n');
  let sum = 0;
  for (let i = 1; i < lines.length; i++) {
    const fields = (lines[i] ?? '').split(',');
    for (let k = 1; k < fields.length; k++) sum += Number(fields[k]);
  }
  return sum;
}

/** `csv-load-1m`: loading and validating a 1,000,000-row OHLCV CSV file into columns. */
export function csvLoadCase(rows: number): BenchCase<CsvFile> & { cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ensemble-bench-'));
  return {
    name: rows >= 1_000_000 ? 'csv-load-1m' : `csv-load-${rows}`,
    size: rows,
    setup: () => {
      const path = join(dir, 'bars.csv');
      writeFileSync(path, generateSyntheticCsv({ rows, seed: 3 }));
      return { path };
    },
    run: ({ path }) => loadMarketData(path),
    baseline,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
