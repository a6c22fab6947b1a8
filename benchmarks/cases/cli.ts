import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticData, toCsv } from '@ensemble/data';
import type { BarSeries } from '@ensemble/protocol';
import type { MemoryCase } from '../harness';
import { sampleProcess } from '../harness';

const CLI = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));
const MINUTE = 60_000;

interface CsvData {
  readonly directory: string;
  readonly file: string;
}

/** `bars` synthetic one-minute OHLCV bars (the data package's generator, re-timed) written as CSV by `toCsv`, in blocks. */
async function writeMinuteCsv(file: string, bars: number, seed: number): Promise<void> {
  // Volatility scaled down for long series, as generateSyntheticCsv does, so prices stay realistic.
  const volatility = 0.2 * Math.min(1, Math.sqrt(2520 / bars));
  const [series] = generateSyntheticData({ bars, seed, volatility, drift: (volatility * volatility) / 2 }).series;
  if (series === undefined) throw new Error('no series generated');
  const start = Date.UTC(2000, 0, 3, 14, 30);
  for (let i = 0; i < bars; i++) series.time[i] = start + i * MINUTE;
  const out = createWriteStream(file);
  const block = 100_000;
  for (let from = 0; from < bars; from += block) {
    const to = Math.min(bars, from + block);
    const part: BarSeries = {
      ...series,
      length: to - from,
      time: series.time.subarray(from, to),
      open: series.open.subarray(from, to),
      high: series.high.subarray(from, to),
      low: series.low.subarray(from, to),
      close: series.close.subarray(from, to),
      volume: series.volume.subarray(from, to),
    };
    const text = toCsv(part, { decimals: 6 });
    if (!out.write(from === 0 ? text : text.slice(text.indexOf('\n') + 1))) {
      await new Promise<void>((resolve) => {
        out.once('drain', () => {
          resolve();
        });
      });
    }
  }
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(resolve);
  });
}

/**
 * A case's temporary directory, made by its `setup` and removed by its `cleanup`. Not made when
 * the case is built: `pnpm bench --only …` builds every case and sets up only those it runs, so a
 * directory made then was never removed.
 */
function temporaryCsv(): { create(): CsvData; remove(): void } {
  let made: CsvData | null = null;
  return {
    create: () => {
      const directory = mkdtempSync(join(tmpdir(), 'ensemble-bench-cli-'));
      made = { directory, file: join(directory, 'minutes.csv') };
      return made;
    },
    remove: () => {
      if (made !== null) rmSync(made.directory, { recursive: true, force: true });
      made = null;
    },
  };
}

const label = (bars: number) => (bars >= 1_000_000 ? `${bars / 1_000_000}m` : bars >= 1_000 ? `${bars / 1_000}k` : String(bars));

/**
 * `cli-backtest-json-4.5m`: `ensemble backtest --json` of sma-crossover on 4,500,000 one-minute
 * bars (a CSV of about 330 MB, generated in a temporary directory). Goal: it succeeds with a peak
 * RSS under 1.5 GB. Baseline: the same backtest without `--json`.
 */
export function cliBacktestJson(bars: number): MemoryCase<CsvData> {
  const temporary = temporaryCsv();
  const backtest = (data: CsvData, json: boolean) => ['backtest', '--data', data.file, '--strategy', 'sma-crossover', ...(json ? ['--json', join(data.directory, 'result.json')] : [])];
  return {
    name: `cli-backtest-json-${label(bars)}`,
    size: bars,
    goal: { maxMb: 1536 },
    setup: async () => {
      const data = temporary.create();
      await writeMinuteCsv(data.file, bars, 5);
      return data;
    },
    run: (data) => sampleProcess([CLI, ...backtest(data, true)]),
    baseline: (data) => sampleProcess([CLI, ...backtest(data, false)]),
    cleanup: () => {
      temporary.remove();
    },
  };
}

/**
 * `cli-run-json-400k-x4`: `ensemble run --json` of four sleeves (two sma-crossover, rsi, donchian;
 * monthly rebalancing, 0.05% commission) on 400,000 one-minute bars. Goal: at most twice the peak
 * RSS of the same run without `--json` (the baseline).
 */
export function cliRunJson(bars: number): MemoryCase<CsvData> {
  const temporary = temporaryCsv();
  const run = (data: CsvData, json: boolean) => ['run', '--config', join(data.directory, 'run.json'), ...(json ? ['--json', join(data.directory, 'result.json')] : [])];
  return {
    name: `cli-run-json-${label(bars)}-x4`,
    size: bars * 4,
    goal: { maxRatio: 2 },
    setup: async () => {
      const data = temporary.create();
      await writeMinuteCsv(data.file, bars, 6);
      const symbols = ['minutes'];
      writeFileSync(
        join(data.directory, 'run.json'),
        JSON.stringify({
          data: { file: 'minutes.csv' },
          commission: { kind: 'percent', rate: 0.0005 },
          allocation: { scheme: 'equal' },
          rebalance: { schedule: 'month' },
          strategies: [
            { id: 'fast', strategy: 'sma-crossover', params: { fast: 20, slow: 100 }, symbols },
            { id: 'slow', strategy: 'sma-crossover', params: { fast: 50, slow: 200 }, symbols },
            { id: 'dips', strategy: 'rsi-mean-reversion', symbols },
            { id: 'breakout', strategy: 'donchian-breakout', symbols },
          ],
        }),
      );
      return data;
    },
    run: (data) => sampleProcess([CLI, ...run(data, true)]),
    baseline: (data) => sampleProcess([CLI, ...run(data, false)]),
    cleanup: () => {
      temporary.remove();
    },
  };
}
