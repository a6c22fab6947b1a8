import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** Memory (V8 heap + array buffers) the result of an in-process case holds; null for a child-process case. */
  readonly peakHeapMb: number | null;
  /** A child-process case: the peak resident memory of the measured command, and of its baseline. */
  readonly peakRssMb: number | null;
  readonly baselineRssMb: number | null;
  /** A child-process case: its memory goal in words, and whether this run met it. */
  readonly goal: string | null;
  readonly goalMet: boolean | null;
}

declare const gc: (() => void) | undefined;

/** Runs of a case (and of its baseline) before it is timed. */
const WARM_UP_RUNS = 3;

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

/**
 * One timed call. No forced GC before it: V8's forced collection (`gc()`) also throws away the
 * optimised code of every function not running at that moment, so a sample after one times the
 * JIT compiling everything again — for `orchestrator-50x20x5k` about 90 recompiled functions and
 * 2× the time of a warm run. The garbage of the previous sample is collected during this one, as
 * it would be in any long-running process.
 */
async function sample(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function memoryMb(): number {
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 1_048_576;
}

/**
 * Times `bench.run` (median of `repeats`, after three warm-up runs) and its baseline in the same
 * process, their samples interleaved so that a change in the machine's speed while it runs
 * (another process, the CPU's clock) affects both alike; samples are warm (see `sample`).
 * `onSamples` receives every sample (ms). Also measures the memory the run's result holds (heap +
 * array buffers, after a forced GC; run with --expose-gc for it to mean anything).
 */
export async function measure<TContext>(
  bench: BenchCase<TContext>,
  repeats: number,
  onSamples?: (runs: readonly number[], baselines: readonly number[]) => void,
): Promise<BenchResult> {
  const context = await bench.setup();
  // Warm-up: V8 needs a few runs before a case's code is optimised and its heap sized for it.
  for (let k = 0; k < WARM_UP_RUNS; k++) {
    await bench.run(context);
    if (bench.baseline) await bench.baseline(context);
  }
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
    peakRssMb: null,
    baselineRssMb: null,
    goal: null,
    goalMet: null,
  };
}

/** One run of a child process: its wall time, peak resident memory (whole process) and exit code. */
export interface ProcessSample {
  readonly ms: number;
  readonly peakRssMb: number;
  readonly exitCode: number | null;
}

const CHILD_RSS = new URL('./child-rss.ts', import.meta.url).pathname;

/**
 * Runs `node [--conditions=@ensemble/source --import tsx] …args` and returns its time and peak RSS,
 * as the child reports it on exit (its own high-water mark, written by `child-rss.ts`, preloaded):
 * exact even when the peak comes just before the exit. Its stdout and
 * stderr are discarded; a failing exit code is returned, not thrown.
 */
export async function sampleProcess(args: readonly string[], options: { readonly cwd?: string } = {}): Promise<ProcessSample> {
  const directory = mkdtempSync(join(tmpdir(), 'ensemble-bench-rss-'));
  const report = join(directory, 'rss');
  try {
    const start = performance.now();
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--conditions=@ensemble/source', '--import', 'tsx', '--import', CHILD_RSS, ...args], {
        cwd: options.cwd,
        env: { ...process.env, ENSEMBLE_BENCH_RSS_FILE: report },
        stdio: 'ignore',
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        resolve(code);
      });
    });
    const ms = performance.now() - start;
    // A child that died of a signal (e.g. out of memory) wrote nothing: its peak is unknown.
    const kilobytes = existsSync(report) ? Number(readFileSync(report, 'utf8')) : Number.NaN;
    return { ms, peakRssMb: kilobytes / 1024, exitCode };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * A memory goal of a child-process case: peak RSS at most `maxMb`, and/or at most `maxRatio` × the
 * baseline's, and/or at most `maxOverBaselineMb` above the baseline's.
 */
export interface MemoryGoal {
  readonly maxMb?: number;
  readonly maxRatio?: number;
  readonly maxOverBaselineMb?: number;
}

/** A benchmark case run as a child process (the CLI), measured for its peak memory against a goal. */
export interface MemoryCase<TContext> {
  readonly name: string;
  /** Items processed by one run (bars), for throughput. */
  readonly size: number;
  readonly goal: MemoryGoal;
  /** Builds the inputs once (e.g. a data file); not measured. */
  setup(): TContext | Promise<TContext>;
  /** The measured command. */
  run(context: TContext): Promise<ProcessSample>;
  /** The same work without what is measured (e.g. without `--json`), for the ratio goal. */
  baseline?(context: TContext): Promise<ProcessSample>;
  /** Removes what `setup` made. */
  cleanup(): void;
  /**
   * Run and baseline children measured, alternating (default 1): the median peak of each is
   * reported. A child's peak moves by ±15 MB from run to run with the collector's timing (a young
   * generation of 16 or 32 MB, what the last full collection left), so a goal near the edge needs
   * more than one sample.
   */
  readonly samples?: number;
}

function describeGoal(goal: MemoryGoal): string {
  const parts = [
    goal.maxMb === undefined ? null : `peak RSS < ${goal.maxMb} MB`,
    goal.maxRatio === undefined ? null : `≤ ${goal.maxRatio}× baseline RSS`,
    goal.maxOverBaselineMb === undefined ? null : `≤ ${goal.maxOverBaselineMb.toFixed(1)} MB over baseline RSS`,
  ];
  return parts.filter((part) => part !== null).join(', ');
}

/**
 * Runs a child-process case once (and its baseline once): memory, unlike time, hardly varies
 * between runs of the same input. A command that fails counts as missing its goal.
 */
export async function measureMemory<TContext>(bench: MemoryCase<TContext>): Promise<BenchResult> {
  const context = await bench.setup();
  try {
    const runs: ProcessSample[] = [];
    const baselines: ProcessSample[] = [];
    for (let i = 0; i < Math.max(1, bench.samples ?? 1); i++) {
      runs.push(await bench.run(context));
      if (bench.baseline) baselines.push(await bench.baseline(context));
    }
    const run = medianSample(runs);
    const baseline = baselines.length === 0 ? null : medianSample(baselines);
    const rssRatio = baseline === null ? null : run.peakRssMb / baseline.peakRssMb;
    const goalMet =
      run.exitCode === 0 &&
      (baseline === null || baseline.exitCode === 0) &&
      (bench.goal.maxMb === undefined || run.peakRssMb < bench.goal.maxMb) &&
      (bench.goal.maxRatio === undefined || (rssRatio !== null && rssRatio <= bench.goal.maxRatio)) &&
      (bench.goal.maxOverBaselineMb === undefined || (baseline !== null && run.peakRssMb - baseline.peakRssMb <= bench.goal.maxOverBaselineMb));
    return {
      name: bench.name,
      size: bench.size,
      medianMs: round(run.ms),
      itemsPerSecond: Math.round((bench.size / run.ms) * 1000),
      baselineMs: baseline === null ? null : round(baseline.ms),
      ratioToBaseline: baseline === null ? null : round(run.ms / baseline.ms),
      peakHeapMb: null,
      peakRssMb: round(run.peakRssMb),
      baselineRssMb: baseline === null ? null : round(baseline.peakRssMb),
      goal: describeGoal(bench.goal),
      goalMet,
    };
  } finally {
    bench.cleanup();
  }
}

/** The sample of median peak RSS (the lower middle one of an even count); a failed child wins, so failures are never hidden. */
function medianSample(samples: readonly ProcessSample[]): ProcessSample {
  const failed = samples.find((sample) => sample.exitCode !== 0);
  if (failed !== undefined) return failed;
  const sorted = [...samples].sort((a, b) => a.peakRssMb - b.peakRssMb);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new Error('no memory sample');
  return middle;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A plain-text table of results, then one line per memory goal. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['case', 'size', 'median ms', 'items/s', 'baseline ms', '× baseline', 'heap MB', 'RSS MB', 'baseline RSS MB'];
  const mb = (value: number | null) => (value === null ? '—' : value.toFixed(1));
  const rows = results.map((r) => [
    r.name,
    r.size.toLocaleString('en-US'),
    r.medianMs.toFixed(1),
    r.itemsPerSecond.toLocaleString('en-US'),
    r.baselineMs === null ? '—' : r.baselineMs.toFixed(1),
    r.ratioToBaseline === null ? '—' : r.ratioToBaseline.toFixed(2),
    mb(r.peakHeapMb),
    mb(r.peakRssMb),
    mb(r.baselineRssMb),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const goals = results
    .filter((r) => r.goal !== null)
    .map((r) => {
      const ratio =
        r.peakRssMb !== null && r.baselineRssMb !== null
          ? ` (${(r.peakRssMb / r.baselineRssMb).toFixed(2)}× baseline RSS, ${(r.peakRssMb - r.baselineRssMb).toFixed(1)} MB over it)`
          : '';
      return `${r.goalMet === true ? 'met   ' : 'MISSED'}  ${r.name}: ${r.goal ?? ''} — peak RSS ${mb(r.peakRssMb)} MB${ratio}`;
    });
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line), ...(goals.length > 0 ? ['', ...goals] : [])].join('\n');
}
