import { performance } from 'node:perf_hooks';

/** One benchmark case: `run` is timed; `baseline`, if given, is timed in the same process. */
export interface BenchCase<TContext> {
  readonly name: string;
  /** Items processed by one run (bars, rows, points), for throughput. */
  readonly size: number;
  /** Builds the inputs once; not timed. */
  setup(): TContext | Promise<TContext>;
  run(context: TContext): unknown;
  baseline?(context: TContext): unknown;
}

/** One row of `benchmarks/results/latest.json`. */
export interface BenchResult {
  readonly name: string;
  readonly size: number;
  readonly medianMs: number;
  readonly itemsPerSecond: number;
  readonly baselineMs: number | null;
  readonly ratioToBaseline: number | null;
  readonly peakHeapMb: number;
}

declare const gc: (() => void) | undefined;

function collect(): void {
  if (typeof gc === 'function') gc();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A full GC, then a macrotask for array buffers freed by it to be released (their sweeping is lazy). */
async function settle(): Promise<void> {
  collect();
  await new Promise((resolve) => setTimeout(resolve, 0));
  collect();
}

async function sample(fn: () => unknown): Promise<number> {
  collect();
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function memoryMb(): number {
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 1_048_576;
}

/**
 * Times `bench.run` (median of `repeats`, after one warm-up run) and its baseline in the same
 * process, their samples interleaved so that a change in the machine's speed while it runs
 * (another process, the CPU's clock) affects both alike; every sample starts after a full GC.
 * `onSamples` receives every sample (ms). Also measures the memory the run's result holds (heap +
 * array buffers, after a forced GC; run with --expose-gc for it to mean anything).
 */
export async function measure<TContext>(
  bench: BenchCase<TContext>,
  repeats: number,
  onSamples?: (runs: readonly number[], baselines: readonly number[]) => void,
): Promise<BenchResult> {
  const context = await bench.setup();
  await bench.run(context);
  if (bench.baseline) await bench.baseline(context);
  await settle();
  const before = memoryMb();
  const retained: unknown[] = [await bench.run(context)];
  await settle();
  const peakHeapMb = Math.max(0, memoryMb() - before);
  retained.length = 0;
  const runs: number[] = [];
  const baselines: number[] = [];
  for (let k = 0; k < repeats; k++) {
    runs.push(await sample(() => bench.run(context)));
    if (bench.baseline) baselines.push(await sample(() => bench.baseline?.(context)));
  }
  onSamples?.(runs, baselines);
  const medianMs = median(runs);
  const baselineMs = bench.baseline ? median(baselines) : null;
  return {
    name: bench.name,
    size: bench.size,
    medianMs: round(medianMs),
    itemsPerSecond: Math.round((bench.size / medianMs) * 1000),
    baselineMs: baselineMs === null ? null : round(baselineMs),
    ratioToBaseline: baselineMs === null || baselineMs === 0 ? null : round(medianMs / baselineMs),
    peakHeapMb: round(peakHeapMb),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A plain-text table of results. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['case', 'size', 'median ms', 'items/s', 'baseline ms', '× baseline', 'heap MB'];
  const rows = results.map((r) => [
    r.name,
    r.size.toLocaleString('en-US'),
    r.medianMs.toFixed(1),
    r.itemsPerSecond.toLocaleString('en-US'),
    r.baselineMs === null ? '—' : r.baselineMs.toFixed(1),
    r.ratioToBaseline === null ? '—' : r.ratioToBaseline.toFixed(2),
    r.peakHeapMb.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
