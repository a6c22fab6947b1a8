import { orchestratorThousandSleeves } from '../cases/orchestrator';
const runs = Number(process.argv[2] ?? 7);
const which = process.argv[3] ?? 'run';
const bench = orchestratorThousandSleeves(2_520);
const context = await bench.setup();
const f = which === 'base' ? bench.baseline! : bench.run;
let eq: unknown;
for (let i = 0; i < 2; i++) eq = f(context);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const s = process.cpuUsage();
  eq = f(context);
  const u = process.cpuUsage(s);
  times.push(Math.round((u.user + u.system) / 1000));
}
times.sort((a, b) => a - b);
console.log(which, times.join(' '), 'median', times[Math.floor(times.length / 2)], (eq as { finalEquity?: number }).finalEquity);
