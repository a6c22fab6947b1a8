import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../testing/temporary-directory';
import { ConfigError } from '@ensemble/protocol';
import { JobResultError } from '../job/job-result-check';
import { jobResultFromJson, jobResultToJson } from '../job/job-result-json';
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
    const dir = await temporaryDirectory('journal-');
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

  it('times the pace from the first result, not from the start-up before it', async () => {
    // A fake executor and clock: the first result comes 10 s in (threads starting, data loading),
    // then one a second.
    const list = Array.from({ length: 5 }, (_, index) => ({ index }) as ResearchJob);
    let clock = 0;
    const executor: JobExecutor = {
      run: async (jobs, options) => {
        for (const job of jobs) {
          clock += job.index === 0 ? 10_000 : 1_000;
          options.onResult({ index: job.index, status: 'ok', metrics: null, periodReturns: new Float64Array(0) });
          await Promise.resolve();
        }
      },
    };
    const progress: ResearchProgress[] = [];
    await runJobs(list, executor, { onProgress: (p) => progress.push(p), now: () => clock });
    expect(progress.map((p) => p.rate)).toEqual([null, null, 1, 1, 1, 1]);
    expect(progress[2]?.etaMs).toBe(3_000);
  });

  it('times no pace from a first batch of results handed over together, however long it takes', async () => {
    // 500 results handed over in one synchronous run, 1 ms apart on the clock (a backlog read and
    // journalled), then one a second.
    const list = Array.from({ length: 503 }, (_, index) => ({ index }) as ResearchJob);
    let clock = 0;
    const executor: JobExecutor = {
      run: async (jobs, options) => {
        for (const job of jobs.slice(0, 500)) {
          clock = 5_000 + job.index;
          options.onResult({ index: job.index, status: 'ok', metrics: null, periodReturns: new Float64Array(0) });
        }
        for (const job of jobs.slice(500)) {
          await Promise.resolve();
          clock += 1_000;
          options.onResult({ index: job.index, status: 'ok', metrics: null, periodReturns: new Float64Array(0) });
        }
      },
    };
    const progress: ResearchProgress[] = [];
    await runJobs(list, executor, { onProgress: (p) => progress.push(p), now: () => clock });
    // Before, the 501st result read 500 jobs in 1.499 s.
    expect(progress.slice(1, 501).every((p) => p.rate === null)).toBe(true);
    expect(progress.slice(501).map((p) => p.rate)).toEqual([1, 1, 1]);
    expect(progress[501]?.etaMs).toBe(2_000);
  });

  it("times no pace from results that come together at first (a queue's finished results collected at once)", async () => {
    // Four results at 5.00 s (collected at the coordinator's first look), then one a second.
    const list = Array.from({ length: 7 }, (_, index) => ({ index }) as ResearchJob);
    let clock = 0;
    const executor: JobExecutor = {
      run: async (jobs, options) => {
        for (const job of jobs) {
          clock = job.index < 4 ? 5_000 + job.index * 10 : 5_030 + (job.index - 3) * 1_000;
          options.onResult({ index: job.index, status: 'ok', metrics: null, periodReturns: new Float64Array(0) });
          await Promise.resolve();
        }
      },
    };
    const progress: ResearchProgress[] = [];
    await runJobs(list, executor, { onProgress: (p) => progress.push(p), now: () => clock });
    // Before, the fourth result read 3 jobs in 30 ms: 100 jobs/s.
    expect(progress.map((p) => p.rate)).toEqual([null, null, null, null, null, 1, 1, 1]);
    expect(progress[5]?.etaMs).toBe(2_000);
  });

  it('refuses the journal of another plan', async () => {
    const dir = await temporaryDirectory('journal-');
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
    // Calls at clock 0 (start), then after each job, 0.5 s apart. The pace is timed from the first
    // result: none after it alone; after the second, 1 job in 0.5 s → 2/s, 2 left → 1 s.
    expect(progress[1]).toEqual({ done: 1, total: 4, rate: null, etaMs: null });
    expect(progress[2]).toEqual({ done: 2, total: 4, rate: 2, etaMs: 1000 });
    expect(progress[4]).toEqual({ done: 4, total: 4, rate: 2, etaMs: 0 });
  });
});

describe('runJobs with an executor that sends results as JSON', () => {
  /** An executor whose results travel as JSON text (as over HTTP or a message queue), written by `send`. */
  function viaJson(send: (result: ResearchJobResult) => unknown, receive: (value: unknown) => ResearchJobResult): { executor: JobExecutor; signals: (AbortSignal | undefined)[] } {
    const inner = createInProcessExecutor();
    const signals: (AbortSignal | undefined)[] = [];
    return {
      signals,
      executor: {
        run: (list, options) => {
          signals.push(options.signal);
          return inner.run(list, { ...options, onResult: (result) => { options.onResult(receive(JSON.parse(JSON.stringify(send(result))))); } });
        },
      },
    };
  }

  it('refuses a result whose columns went through JSON.stringify, naming the combination and the field, and stops the run', async () => {
    const list = await jobs(3);
    const file = join(await temporaryDirectory('journal-'), 'journal.jsonl');
    const journal = await openJournal(file, 'plan-json', { resume: false });
    const { executor, signals } = viaJson((result) => result, (value) => value as ResearchJobResult);
    const error = await runJobs(list, executor, { journal }).catch((caught: unknown) => caught);
    journal.close();
    expect(JobResultError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'RUN_FAILED', index: 0, field: 'periodReturns' });
    expect((error as JobResultError).message).toBe(
      'The executor reported the result of combination 0 whose periodReturns is a plain object, not a Float64Array. Results carry their columns as Float64Arrays, and JSON.stringify writes each as an object of indexes: send a result as jobResultToJson(result) and read it back with jobResultFromJson.',
    );
    // The run was stopped at once (the in-process executor starts no further job) and nothing was journalled.
    expect(signals[0]?.aborted).toBe(true);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('gives the results of a direct run, every bit, when they travel as jobResultToJson / jobResultFromJson', async () => {
    const list = await jobs(3);
    const direct = await runJobs(list, createInProcessExecutor());
    const { executor } = viaJson(jobResultToJson, jobResultFromJson);
    const sent = await runJobs(list, executor);
    expect(sent.aborted).toBe(false);
    for (const [index, result] of direct.results) {
      const back = sent.results.get(index);
      expect(back?.periodReturns).toBeInstanceOf(Float64Array);
      expect(back).toEqual(result);
      const bytes = (values: Float64Array | undefined): Buffer => (values === undefined ? Buffer.alloc(0) : Buffer.from(values.buffer, values.byteOffset, values.byteLength));
      expect(bytes(back?.periodReturns).equals(bytes(result.periodReturns))).toBe(true);
    }
  });
});
