import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@ensemble/protocol';
import type { JobExecutor, ResearchJob, ResearchJobResult } from '../job/research-job';
import { dataRefOf } from '../job/resolvers';
import { createInProcessExecutor } from './in-process-executor';
import { openJournal } from './journal';
import { runJobs } from './run-jobs';
import type { ResearchProgress } from './run-jobs';

async function jobs(count: number): Promise<ResearchJob[]> {
  const ref = await dataRefOf({ dataset: 'sp500' }, '.');
  return Array.from({ length: count }, (_, index): ResearchJob => ({
    version: 1,
    kind: 'backtest',
    index,
    parameters: { fast: 5 + index },
    config: { data: { dataset: 'sp500', from: '2016-01-01', to: '2017-12-31' }, strategy: 'sma-crossover', params: { fast: 5 + index, slow: 50 } },
    data: [ref],
    strategyModules: [],
    window: null,
  }));
}

/** An executor that counts the jobs it is given. */
function counting(inner: JobExecutor): { executor: JobExecutor; ran: number[] } {
  const ran: number[] = [];
  return {
    ran,
    executor: {
      run: (list, options) => {
        ran.push(...list.map((job) => job.index));
        return inner.run(list, options);
      },
    },
  };
}

describe('runJobs with a journal', () => {
  it('an interrupted run resumes without redoing finished jobs and ends with the results of an uninterrupted one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'journal-'));
    const file = join(dir, 'journal.jsonl');
    const list = await jobs(5);
    const inner = createInProcessExecutor();
    const controller = new AbortController();
    const first = await openJournal(file, 'plan-a', { resume: false });
    const stopped = await runJobs(list, inner, {
      journal: first,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.done === 2) controller.abort();
      },
    });
    first.close();
    expect(stopped.aborted).toBe(true);
    expect([...stopped.results.keys()]).toEqual([0, 1]);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(3);

    // A torn last line (killed mid-write) is ignored: that job runs again.
    await appendFile(file, '{"index":2,"stat');
    const second = await openJournal(file, 'plan-a', { resume: true });
    expect([...second.finished.keys()]).toEqual([0, 1]);
    const { executor, ran } = counting(inner);
    const progress: ResearchProgress[] = [];
    const resumed = await runJobs(list, executor, { journal: second, onProgress: (p) => progress.push(p), now: () => 1000 * progress.length });
    second.close();
    expect(ran).toEqual([2, 3, 4]);
    expect(resumed.aborted).toBe(false);
    expect(progress[0]).toEqual({ done: 2, total: 5, rate: null, etaMs: null });
    expect(progress.at(-1)?.done).toBe(5);

    const whole = await runJobs(list, inner);
    const byIndex = (map: ReadonlyMap<number, ResearchJobResult>): ResearchJobResult[] => [...map.values()].sort((a, b) => a.index - b.index);
    expect(byIndex(resumed.results)).toEqual(byIndex(whole.results));
  });

  it('refuses the journal of another plan', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'journal-'));
    const file = join(dir, 'journal.jsonl');
    (await openJournal(file, 'plan-a', { resume: false })).close();
    const error = await openJournal(file, 'plan-b', { resume: true }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toContain('belongs to another plan');
  });

  it('reports rate and time left from the jobs of this session', async () => {
    const list = await jobs(4);
    let clock = 0;
    const progress: ResearchProgress[] = [];
    await runJobs(list, createInProcessExecutor(), {
      now: () => clock,
      onProgress: (p) => {
        progress.push(p);
        clock += 500;
      },
    });
    // Calls at clock 0 (start), then after each job: 1 job in 0.5 s → 2/s, 3 left → 1.5 s.
    expect(progress[1]).toEqual({ done: 1, total: 4, rate: 2, etaMs: 1500 });
    expect(progress[4]).toEqual({ done: 4, total: 4, rate: 2, etaMs: 0 });
  });
});
