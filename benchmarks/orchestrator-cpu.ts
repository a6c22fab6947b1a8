/**
 * CPU time of `orchestrator-50x20x5k`'s config, for comparing two trees on a shared machine where
 * wall-clock times are noise: `node --conditions=@ensemble/source --import tsx orchestrator-cpu.ts
 * [runs]` generates the case's data, runs it three times to warm up, then `runs` times (default
 * 25), and prints the CPU time of each run (`process.cpuUsage`, user + system, ms), their median,
 * the median wall clock and the final equity (which must match between trees). Copy it into each
 * tree's `benchmarks/` and alternate processes of the trees.
 *
 * No `gc()` between runs: a full collection forced before every run (with `--expose-gc`) made each
 * run take about three times its CPU (400–500 ms where a warm run takes 130) and hid what a change
 * does (`docs/DECISIONS.md`, "Orchestrator speed: the rejected entries dropped at the close").
 */
import { orchestratorFiftyStrategies } from './cases/orchestrator';

const runs = Number(process.argv[2] ?? 25);
const bench = orchestratorFiftyStrategies(5_000);
const context = await bench.setup();
const finalEquity = (result: unknown): number => (result as { finalEquity: number }).finalEquity;
let equity = Number.NaN;
for (let i = 0; i < 3; i++) equity = finalEquity(bench.run(context));
const times: number[] = [];
const walls: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = process.cpuUsage();
  const started = performance.now();
  equity = finalEquity(bench.run(context));
  walls.push(performance.now() - started);
  const used = process.cpuUsage(start);
  times.push(Math.round((used.user + used.system) / 100) / 10);
}
const median = (values: readonly number[]): number | null => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? null;
const wall = median(walls);
process.stdout.write(`${JSON.stringify({ median: median(times), wall: wall === null ? null : Math.round(wall * 10) / 10, times, equity })}\n`);
