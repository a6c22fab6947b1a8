import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSyntheticCsv } from '@ensemble/data';
import { createLocalResolvers, dataRefOf, runResearchJob, planSweep } from '@ensemble/research';
const dir = mkdtempSync(join(tmpdir(), 'z-'));
const file = join(dir, 'SYN.csv');
writeFileSync(file, generateSyntheticCsv({ rows: 100_000, seed: 11 }));
const data = await dataRefOf({ file }, dir);
const r = createLocalResolvers();
for (const fast of [5, 20, 44]) {
  const res = await runResearchJob({ version: 1, kind: 'backtest', index: 0, parameters: {}, config: { data: { file }, strategy: 'sma-crossover', params: { fast, slow: 60 } }, data: [data], strategyModules: [], window: null } as any, r);
  const p = res.periodReturns; let z = 0; for (const v of p) if (v === 0 && !Object.is(v, -0)) z++;
  console.log(fast, p.length, z, (z / p.length).toFixed(2));
}
const plan = await planSweep({ kind: 'backtest', config: { data: { dataset: 'sp500' }, strategy: 'sma-crossover' }, parameters: [{ path: 'params.fast', values: [5, 50] }, { path: 'params.slow', values: [200] }] });
for (const job of plan.jobs) { const res = await runResearchJob(job, r); const p = res.periodReturns; let z = 0; for (const v of p) if (v === 0) z++; console.log('sp500', p.length, z); }
