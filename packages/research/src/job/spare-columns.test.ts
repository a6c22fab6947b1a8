import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMarketData } from '@ensemble/data';
import type * as Engine from '@ensemble/engine';
import type { BacktestResult } from '@ensemble/engine';
import { DAY_MS, barSeriesFromCloses } from '@ensemble/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { ResearchJob } from './research-job';
import type { ResearchResolvers } from './run-research-job';
import { runResearchJob } from './run-research-job';

/** Each engine result a job made, held weakly: whether anything still holds its columns. */
const made: WeakRef<Float64Array>[] = [];

vi.mock('@ensemble/engine', async (importOriginal) => {
  const engine = await importOriginal<typeof Engine>();
  return {
    ...engine,
    runBacktest: (...args: Parameters<typeof engine.runBacktest>): BacktestResult => {
      const result = engine.runBacktest(...args);
      made.push(new WeakRef(result.equity.equity));
      return result;
    },
  };
});

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function resolversOf(bars: number): ResearchResolvers {
  const time = Array.from({ length: bars }, (_, i) => Date.UTC(1700, 0, 1) + i * DAY_MS);
  const close = time.map((_, i) => 100 + 10 * Math.sin(i / 50));
  const data = createMarketData([barSeriesFromCloses('L', time, close)]);
  return { marketData: () => Promise.resolve(data) };
}

function jobOf(index: number): ResearchJob {
  return {
    version: 1,
    kind: 'backtest',
    index,
    parameters: {},
    config: { data: { dataset: 'memory' }, strategy: 'sma-crossover', params: { fast: 10, slow: 40 } },
    data: [{ name: 'memory', sha256: '0'.repeat(64) }],
    strategyModules: [],
    window: null,
  };
}

describe("a thread's spare columns", () => {
  it('a long run leaves no columns behind once its job is done; a short run leaves its columns to the next job', async () => {
    // 200,000 bars: 4.8 MB of curve columns that would stay alive in the thread (or the process
    // running jobs in-process) after its last job, for no job to take.
    expect((await runResearchJob(jobOf(1), resolversOf(200_000))).status).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(made.length).toBe(1);
    expect(made[0]?.deref()).toBeUndefined();
    // Short runs in a row: the second writes into the first's columns.
    const short = resolversOf(5_000);
    for (const index of [2, 3]) expect((await runResearchJob(jobOf(index), short)).status).toBe('ok');
    expect(made.length).toBe(3);
    expect(made[2]?.deref()).toBeDefined();
    expect(made[2]?.deref()).toBe(made[1]?.deref());
  });

  it('the columns left to the next job hold none of the data: a data set no job reads any more is freed', async () => {
    let resolvers: ResearchResolvers | undefined = resolversOf(5_000);
    const data = new WeakRef((await resolvers.marketData(jobOf(4).data[0] ?? { name: 'memory', sha256: '' })).series[0]?.time.buffer ?? new ArrayBuffer(0));
    expect((await runResearchJob(jobOf(4), resolvers)).status).toBe('ok');
    resolvers = undefined;
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(data.deref()).toBeUndefined();
  });
});

