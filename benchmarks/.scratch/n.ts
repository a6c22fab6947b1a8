import { generateSyntheticData } from '@ensemble/data';
import { runOrchestrator } from '@ensemble/orchestrator';
import { strategyRegistry } from '@ensemble/strategies';
import { thousandSleeveConfig } from '../cases/orchestrator';
const runs = Number(process.argv[2] ?? 7);
const variant = process.argv[3] ?? 'never';
const series = generateSyntheticData({ bars: 2520, symbols: 100, seed: 11 }).series;
const base = thousandSleeveConfig(series, 1000) as any;
const config = variant === 'never' ? { ...base, allocation: { scheme: 'equal' }, rebalance: { schedule: 'never' } } : base;
const f = () => runOrchestrator(config, series, { registry: strategyRegistry });
let eq: unknown;
for (let i = 0; i < 2; i++) eq = f();
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const s = process.cpuUsage();
  eq = f();
  const u = process.cpuUsage(s);
  times.push(Math.round((u.user + u.system) / 1000));
}
times.sort((a, b) => a - b);
console.log(variant, times.join(' '), 'median', times[Math.floor(times.length / 2)], (eq as { finalEquity?: number }).finalEquity);
