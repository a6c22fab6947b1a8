import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSyntheticCsv } from '@ensemble/data';
import { dataRefOf, runJobs, type ResearchJob } from '@ensemble/research';
import { createRedisExecutor } from '@ensemble/research-redis';
import { startRedisServer } from '@ensemble/research-redis/testing';
const WORKER = fileURLToPath(new URL('../../packages/research-redis/test/worker-process.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'q-'));
const file = join(dir, 'SYN.csv');
writeFileSync(file, generateSyntheticCsv({ rows: 100_000, seed: 11 }));
const data = await dataRefOf({ file }, dir);
const server = await startRedisServer();
const jobs: ResearchJob[] = Array.from({ length: 24 }, (_, index) => ({ version: 1, kind: 'backtest', index, parameters: { fast: 5 + (index % 40) }, config: { data: { file }, strategy: 'sma-crossover', params: { fast: 5 + (index % 40), slow: 60 } }, data: [data], strategyModules: [], window: null }));
const logs: Record<string, string[]> = {};
async function spawnWorker(prefix: string, id: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...(id === 'one-a' && process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/profq', '--cpu-prof-interval', '250'] : []), '--conditions=@ensemble/source', '--import', 'tsx', WORKER, '--url', server.url, '--prefix', prefix, '--id', id, '--concurrency', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  logs[id] = [];
  child.stderr.on('data', (c: Buffer) => { for (const l of c.toString().split('\n')) if (l.includes('job finished') || l.includes('job taken')) logs[id]!.push(`${performance.timeOrigin + performance.now()} ${l}`); });
  await new Promise<void>((r) => child.stdout.on('data', (c: Buffer) => { if (c.toString().includes('ready')) r(); }));
  return child;
}
const kids = [await spawnWorker('one', 'one-a'), await spawnWorker('two', 'two-a'), await spawnWorker('two', 'two-b')];
const pids = [process.pid, ...kids.map((k) => k.pid!), server.pid ?? 0];
import { readdirSync } from 'node:fs';
const threads = (pid: number): Record<string, number> => { const out: Record<string, number> = {}; try { for (const t of readdirSync(`/proc/${pid}/task`)) { const raw = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8'); const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')')); const f = raw.slice(raw.lastIndexOf(') ') + 2).split(' '); out[`${name}#${t}`] = (Number(f[11]) + Number(f[12])) * 10; } } catch {} return out; };
const cpu = (pid: number): number => { try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; } catch { return 0; } };
let n = 0;
for (let round = 0; round < 10; round++) {
  for (const prefix of ['one', 'two']) {
    const before = pids.map(cpu);
    const tb = threads(prefix === 'one' ? kids[0]!.pid! : kids[1]!.pid!);
    for (const k of Object.keys(logs)) logs[k] = [];
    const t0 = performance.now();
    const abs0 = performance.timeOrigin + t0;
    await runJobs(jobs, createRedisExecutor({ url: server.url, prefix, sweepId: `${prefix}-${n++}` }));
    const wall = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
    if (round >= 7) { const all = Object.values(logs).flat().map((l) => [Number(l.split(' ')[0]) - abs0, l.includes('taken') ? 'T' : 'F'] as const).sort((a, b) => a[0] - b[0]); const fin = all.filter((x) => x[1] === 'F'); console.log('first taken', Math.round(all[0]?.[0] ?? -1), 'first fin', Math.round(fin[0]?.[0] ?? -1), 'last fin', Math.round(fin.at(-1)?.[0] ?? -1), 'end', Math.round(wall), 'gaps', fin.slice(1).map((x, i) => Math.round(x[0] - fin[i]![0])).join(',')); }
    const after = pids.map(cpu);
    const ta = threads(prefix === 'one' ? kids[0]!.pid! : kids[1]!.pid!);
    if (round >= 7) console.log(Object.entries(ta).map(([k, v]) => [k, v - (tb[k] ?? 0)]).filter(([, v]) => (v as number) > 0).map(([k, v]) => `${k}=${v}`).join(' '));
    if (round >= 4) console.log(prefix, Math.round(wall), 'cpu coord/one/twoA/twoB/redis', after.map((a, i) => a - before[i]!).join(' '));
  }
}
for (const k of kids) k.kill('SIGTERM');
await server.close();
process.exit(0);
