import { createLocalExecutor, createLocalResolvers, planSweep, planWalkForward, runJobs, runResearchJob, runWalkForward } from '@ensemble/research';
import type { JobExecutor, LocalExecutor, ResearchJob, SweepPlan } from '@ensemble/research';
import type { BenchCase } from '../harness';

/** A bench case holding worker threads: `cleanup` ends them. */
export type PoolCase<TContext> = BenchCase<TContext> & { cleanup(): Promise<void> };

interface SweepContext {
  readonly plan: SweepPlan;
  readonly one: LocalExecutor;
  readonly two: LocalExecutor;
}

/** 200 sma-crossover combinations (fast 5–100 by 5 × slow 110–1000 in 10 values) over the S&P 500, 2000–2020. */
function sweep200(count: number): Promise<SweepPlan> {
  const fast = Array.from({ length: 20 }, (_, i) => 5 + 5 * i);
  const slow = Array.from({ length: Math.max(1, Math.round(count / 20)) }, (_, i) => 110 + 100 * i);
  return planSweep({
    kind: 'backtest',
    config: { data: { dataset: 'sp500' }, strategy: 'sma-crossover', commission: { kind: 'percent', rate: 0.0005 } },
    parameters: [
      { path: 'params.fast', values: fast },
      { path: 'params.slow', values: slow },
    ],
  });
}

async function runAll(jobs: readonly ResearchJob[], executor: JobExecutor): Promise<number> {
  const { results } = await runJobs(jobs, executor);
  return results.size;
}

/**
 * How many times each thread runs the whole plan's worth of jobs before timing, after its start
 * and its data's loading (2,400 jobs a thread for the 200-job sweep). V8 optimises a function once
 * it has run enough of its bytecode, per thread: the functions a job calls once (the engine's
 * set-up, the job's measuring, the thread's task) get there only after some 800–1,600 jobs
 * (`--trace-opt`), each such compile taking 10–45 ms of a helper thread. Warmed with fewer, the
 * timed runs would also time those compiles — twice as many with two threads, each of which has
 * run half the jobs — rather than the pool's throughput. Both pools are warmed with the same
 * number of jobs per thread, and the in-process loop they are compared with as much.
 */
const WARM_RUNS_PER_THREAD = 12;

/** Starts the threads and loads their data, then runs {@link WARM_RUNS_PER_THREAD} plans' worth of jobs on each thread. */
async function warm(executor: LocalExecutor, plan: SweepPlan): Promise<void> {
  await runAll(plan.jobs.slice(0, executor.workers * 2), executor);
  for (let k = 0; k < WARM_RUNS_PER_THREAD * executor.workers; k++) await runAll(plan.jobs, executor);
}

function sweepContext(count: number): () => Promise<SweepContext> {
  return async () => {
    const plan = await sweep200(count);
    const one = createLocalExecutor({ workers: 1 });
    const two = createLocalExecutor({ workers: 2 });
    await Promise.all([warm(one, plan), warm(two, plan)]);
    return { plan, one, two };
  };
}

/**
 * `sweep-200-2-workers`: the 200-combination sweep on 2 worker threads; baseline: the same on 1.
 * Goal: ratio ≤ 1 / 1.7 = 0.59 (2 workers ≥ 1.7× the throughput of 1).
 */
export function sweepTwoWorkers(count: number): PoolCase<SweepContext> {
  let context: SweepContext | undefined;
  return {
    name: count >= 200 ? 'sweep-200-2-workers' : `sweep-${count}-2-workers`,
    size: count,
    setup: async () => (context = await sweepContext(count)()),
    run: ({ plan, two }) => runAll(plan.jobs, two),
    baseline: ({ plan, one }) => runAll(plan.jobs, one),
    cleanup: async () => {
      await Promise.all([context?.one.close(), context?.two.close()]);
    },
  };
}

/**
 * `sweep-200-1-worker`: the 200-combination sweep on 1 worker thread; baseline: the same jobs in a
 * plain loop in this thread (`runResearchJob`, data loaded once). Goal: ratio ≤ 1.1.
 */
export function sweepOneWorker(count: number): PoolCase<SweepContext> {
  let context: SweepContext | undefined;
  const resolvers = createLocalResolvers();
  return {
    name: count >= 200 ? 'sweep-200-1-worker' : `sweep-${count}-1-worker`,
    size: count,
    setup: async () => {
      context = await sweepContext(count)();
      for (let k = 0; k < WARM_RUNS_PER_THREAD; k++) {
        for (const job of context.plan.jobs) await runResearchJob(job, resolvers);
      }
      return context;
    },
    run: ({ plan, one }) => runAll(plan.jobs, one),
    baseline: async ({ plan }) => {
      for (const job of plan.jobs) await runResearchJob(job, resolvers);
    },
    cleanup: async () => {
      await Promise.all([context?.one.close(), context?.two.close()]);
    },
  };
}

interface OverheadContext {
  readonly jobs: readonly ResearchJob[];
  readonly one: LocalExecutor;
}

/**
 * `sweep-overhead-1000`: 1,000 trivial jobs (buy-and-hold over one week of the S&P 500) on 1
 * worker thread; baseline: the same jobs in a plain loop in this thread. The pool's overhead per
 * job is (run − baseline) / 1,000. Goal: ≤ 1 ms a job.
 */
export function sweepOverhead(count: number): PoolCase<OverheadContext> {
  let context: OverheadContext | undefined;
  const resolvers = createLocalResolvers();
  return {
    name: count >= 1000 ? 'sweep-overhead-1000' : `sweep-overhead-${count}`,
    size: count,
    setup: async () => {
      const plan = await planSweep({
        kind: 'backtest',
        config: { data: { dataset: 'sp500', from: '2010-01-04', to: '2010-01-08' }, strategy: 'buy-and-hold' },
        parameters: [{ path: 'cash', range: { start: 1000, stop: 1000 * count, step: 1000 } }],
      });
      const one = createLocalExecutor({ workers: 1 });
      await runAll(plan.jobs.slice(0, 4), one);
      await runResearchJob(plan.jobs[0], resolvers);
      context = { jobs: plan.jobs, one };
      return context;
    },
    run: ({ jobs, one }) => runAll(jobs, one),
    baseline: async ({ jobs }) => {
      for (const job of jobs) await runResearchJob(job, resolvers);
    },
    cleanup: async () => {
      await context?.one.close();
    },
  };
}

/**
 * `walk-forward-100x3`: a walk-forward of a 3-sleeve run (sma-crossover, rsi-mean-reversion,
 * buy-and-hold on the S&P 500, 2000–2020, monthly rebalancing) over 100 combinations (trend fast
 * × slow × allocation scheme), 3-year train and 1-year test windows, on every core. Goal: under a
 * minute.
 */
export function walkForwardCase(combinations: number): PoolCase<{ executor: LocalExecutor }> {
  let executor: LocalExecutor | undefined;
  const fast = Array.from({ length: Math.max(1, Math.round(combinations / 10)) }, (_, i) => 5 + 5 * i);
  return {
    name: combinations >= 100 ? 'walk-forward-100x3' : `walk-forward-${combinations}x3`,
    size: combinations,
    setup: () => {
      executor = createLocalExecutor();
      return { executor };
    },
    run: async ({ executor: pool }) => {
      const plan = await planWalkForward({
        config: {
          data: { dataset: 'sp500' },
          commission: { kind: 'percent', rate: 0.0005 },
          rebalance: { schedule: 'month' },
          strategies: [
            { id: 'trend', strategy: 'sma-crossover', params: { fast: 20, slow: 100 }, symbols: ['SP500'] },
            { id: 'dip', strategy: 'rsi-mean-reversion', symbols: ['SP500'] },
            { id: 'hold', strategy: 'buy-and-hold', symbols: ['SP500'] },
          ],
        },
        parameters: [
          { path: 'strategies.trend.params.fast', values: fast },
          { path: 'strategies.trend.params.slow', values: [60, 120, 180, 240, 300] },
          { path: 'allocation.scheme', values: ['equal', 'inverse-volatility'] },
        ],
        windows: { train: '3y', test: '1y' },
      });
      return runWalkForward(plan, pool);
    },
    cleanup: async () => {
      await executor?.close();
    },
  };
}
