/**
 * CPU time of `orchestrator-50x20x5k`'s config, for comparing two trees on a shared machine where
 * wall-clock times are noise: `node --expose-gc --conditions=@ensemble/source --import tsx
 * orchestrator-cpu.ts [runs]` generates the case's data, runs it once to warm up, then `runs`
 * times (default 5), each after a `gc()` when exposed, and prints the CPU time of each run
 * (`process.cpuUsage`, user + system, ms), their median and the final equity (which must match
 * between trees). Copy it into each tree's `benchmarks/` and alternate processes of the trees.
 */
import { orchestratorFiftyStrategies } from './cases/orchestrator';

const runs = Number(process.argv[2] ?? 5);
const bench = orchestratorFiftyStrategies(5_000);
const context = await bench.setup();
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const finalEquity = (result: unknown): number => (result as { finalEquity: number }).finalEquity;
let equity = finalEquity(bench.run(context));
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  collect();
  const start = process.cpuUsage();
  equity = finalEquity(bench.run(context));
  const used = process.cpuUsage(start);
  times.push(Math.round((used.user + used.system) / 100) / 10);
}
const sorted = [...times].sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ median: sorted[Math.floor(sorted.length / 2)] ?? null, times, equity })}\n`);
