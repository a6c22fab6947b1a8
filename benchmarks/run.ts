/**
 * `pnpm bench [--quick] [--only NAME] [--samples]`: runs every benchmark case, prints a table and writes
 * `benchmarks/results/latest.json` (an array of { name, size, medianMs, itemsPerSecond,
 * baselineMs, ratioToBaseline, peakHeapMb, peakRssMb, baselineRssMb, goal, goalMet }). Ratios
 * compare a case with its baseline loop timed in the same run, so they mean something on any
 * machine; absolute times do not. The `cli-*` cases run the CLI as a child process and check its
 * peak memory against a goal.
 * `--quick` runs small sizes (a smoke test for CI; nothing is asserted about time); `--samples`
 * also prints every timed sample, to see how much a machine's speed varies.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliBacktestJson, cliRunJson } from './cases/cli';
import { csvLoadCase } from './cases/csv';
import { engineEqualWeight, engineSmaCrossover } from './cases/engine';
import { metricsCase } from './cases/metrics';
import { orchestratorFiftyStrategies, orchestratorTenSleeves, orchestratorThousandSleeves, orchestratorThousandSleevesMemory } from './cases/orchestrator';
import { sweepOneWorker, sweepOverhead, sweepTwoWorkers, walkForwardCase } from './cases/research';
import { queueOverheadCase, queueScalingCase, queueSkipReason } from './cases/queue';
import type { BenchCase, BenchResult, MemoryCase } from './harness';
import { formatTable, measure, measureMemory } from './harness';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
const showSamples = args.includes('--samples');
const format = (samples: readonly number[]) => samples.map((ms) => ms.toFixed(1)).join(' ');
const scale = quick ? 0.01 : 1;
const repeats = quick ? 2 : 9;

const csv = csvLoadCase(Math.round(1_000_000 * scale));
const cases: BenchCase<never>[] = [
  engineSmaCrossover(Math.round(1_000_000 * scale)),
  engineEqualWeight(100, Math.round(10_000 * scale)),
  metricsCase(Math.round(1_000_000 * scale)),
  csv,
  orchestratorTenSleeves(Math.round(1_000_000 * scale)),
  orchestratorFiftyStrategies(Math.round(5_000 * scale)),
  orchestratorThousandSleeves(Math.round(2_520 * Math.sqrt(scale))),
] as unknown as BenchCase<never>[];
// Research on worker threads: their pools are closed at the end. The walk-forward is timed once.
const poolCases = [sweepTwoWorkers(Math.round(200 * Math.max(scale, 0.1))), sweepOneWorker(Math.round(200 * Math.max(scale, 0.1))), sweepOverhead(Math.round(1000 * Math.max(scale, 0.1)))];
const walkForward = walkForwardCase(Math.round(100 * Math.max(scale, 0.1)));
cases.push(...(poolCases as unknown as BenchCase<never>[]));
// The CLI as a child process, for its peak memory (each run once: memory hardly varies).
const memoryCases: MemoryCase<never>[] = [
  cliBacktestJson(Math.round(4_500_000 * scale)),
  cliRunJson(Math.round(400_000 * scale)),
  orchestratorThousandSleevesMemory(Math.round(2_520 * Math.sqrt(scale))),
] as unknown as MemoryCase<never>[];

// Research jobs through a real Redis (redis-server on loopback); skipped with a message on a
// machine without redis-server, never in CI.
const queueSkip = queueSkipReason();
if (queueSkip !== null && process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') throw new Error(queueSkip);
const queueCases = queueSkip === null ? [queueOverheadCase(quick ? 20 : 200, quick ? 2_000 : 5_000), queueScalingCase(quick ? 8 : 24, quick ? 20_000 : 100_000)] : [];

const results: BenchResult[] = [];
try {
  for (const bench of cases) {
    if (only !== undefined && !bench.name.startsWith(only)) continue;
    process.stderr.write(`running ${bench.name} …\n`);
    results.push(
      await measure(bench, repeats, (runs, baselines) => {
        if (!showSamples) return;
        process.stderr.write(`  run ms: ${format(runs)}\n`);
        if (baselines.length > 0) process.stderr.write(`  baseline ms: ${format(baselines)}\n`);
      }),
    );
  }
  if (only === undefined || walkForward.name.startsWith(only)) {
    process.stderr.write(`running ${walkForward.name} (once) …\n`);
    results.push(await measure(walkForward, 1));
  }
  if (queueSkip !== null && (only === undefined || 'queue'.startsWith(only) || only.startsWith('queue'))) process.stderr.write(`${queueSkip}\n`);
  for (const bench of queueCases) {
    if (only !== undefined && !bench.name.startsWith(only)) continue;
    process.stderr.write(`running ${bench.name} …\n`);
    try {
      const result = await measure(bench as unknown as BenchCase<never>, repeats, (runs, baselines) => {
        if (!showSamples) return;
        process.stderr.write(`  run ms: ${format(runs)}\n  baseline ms: ${format(baselines)}\n`);
      });
      const { goal, met } = bench.goal(result);
      results.push({ ...result, goal, goalMet: met });
    } finally {
      await bench.cleanup();
    }
  }
  for (const bench of memoryCases) {
    if (only !== undefined && !bench.name.startsWith(only)) continue;
    process.stderr.write(`running ${bench.name} …\n`);
    results.push(await measureMemory(bench));
  }
} finally {
  csv.cleanup();
  await Promise.all([...poolCases, walkForward].map((bench) => bench.cleanup()));
}

console.log(formatTable(results));
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', quick ? 'quick.json' : 'latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${out}`);
