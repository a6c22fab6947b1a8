import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

// `ensemble backtest --from` starts a strategy cold: an SMA of 100 bars trades 100 bars later, so a
// walk-forward test window (warmed up on its train window) could not be reproduced with `backtest`.
// `--warmup-from` feeds the bars before --from to the indicators without trading or measuring them.

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-warmup-from-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

interface Metrics {
  readonly metrics: { readonly metrics: Record<string, number | null> };
  readonly bars: number;
  readonly startTime: string;
  readonly trades: readonly { readonly entryTime: string }[];
  readonly config: { readonly data: Record<string, unknown> };
}

const read = (file: string): Metrics => JSON.parse(readFileSync(path.join(scratch, file), 'utf8')) as Metrics;

describe('ensemble backtest --warmup-from', () => {
  it.each(['next-open', 'close'])("reproduces a walk-forward test window's metrics exactly (%s fills)", async (fill) => {
    const out = `wf-${fill}`;
    const walk = await cli(['walk-forward', '--strategy', 'sma-crossover', '--dataset', 'sp500', '--from', '2008-01-01', '--to', '2013-12-31', '--vary', 'fast=10,20', '--vary', 'slow=60,100', '--fill', fill, '--train', '2y', '--test', '1y', '--workers', '1', '--no-progress', '--out', out]);
    expect(walk.code).toBe(0);
    interface Step {
      readonly train: { readonly start: number };
      readonly test: { readonly start: number; readonly end: number };
      readonly startEquity: number;
      readonly chosen: { readonly parameters: { readonly fast: number; readonly slow: number } } | null;
      readonly outOfSample: Record<string, number | null> | null;
    }
    const steps = (JSON.parse(readFileSync(path.join(scratch, out, 'walk-forward.json'), 'utf8')) as { steps: Step[] }).steps;
    const day = (time: number) => new Date(time).toISOString().slice(0, 10);
    let compared = 0;
    for (const [k, step] of steps.entries()) {
      if (step.chosen === null || step.outOfSample === null) continue;
      const file = `window-${fill}-${String(k)}.json`;
      const { fast, slow } = step.chosen.parameters;
      const run = await cli(['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--param', `fast=${String(fast)}`, '--param', `slow=${String(slow)}`, '--fill', fill, '--cash', String(step.startEquity), '--from', day(step.test.start), '--to', day(step.test.end), '--warmup-from', day(step.train.start), '--json', file]);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      const metrics = read(file).metrics.metrics;
      for (const name of ['totalReturn', 'cagr', 'volatility', 'sharpe', 'maxDrawdown', 'bars']) expect(metrics[name], `${name} of window ${String(k)}`).toBe(step.outOfSample[name]);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(3);
  });

  it('trades at the first signal after --from, where a cold start waits for the slow average', async () => {
    // SMA 50/200 from 2010-06-01: cold, the 200-bar average exists only in March 2011, after the
    // cross of October 2010 (a run from 2009 enters on 2010-10-25); warmed up from 2009-06-01 it
    // takes that entry.
    const flags = ['backtest', '--dataset', 'sp500', '--strategy', 'sma-crossover', '--param', 'fast=50', '--param', 'slow=200', '--from', '2010-06-01', '--trades', 'all'];
    const cold = await cli([...flags, '--json', 'cold.json']);
    const warm = await cli([...flags, '--warmup-from', '2009-06-01', '--json', 'warm.json']);
    expect(cold.code).toBe(0);
    expect(warm.code).toBe(0);
    expect(read('cold.json').trades[0]?.entryTime).not.toBe('2010-10-25');
    expect(read('warm.json').trades[0]?.entryTime).toBe('2010-10-25');
    // The run is measured from --from: the same bars and start as the cold one.
    expect(read('warm.json').bars).toBe(read('cold.json').bars);
    expect(read('warm.json').startTime).toBe('2010-06-01');
    expect(read('warm.json').config.data).toMatchObject({ from: '2010-06-01', warmupFrom: '2009-06-01' });
    // 2009-06-01 to 2010-05-28: 252 trading days.
    expect(warm.out).toContain('warm-up    2009-06-01 → the bar before 2010-06-01 · 252 bars: the indicators see them, nothing is traded or measured there (--warmup-from)');
  });

  it('changes nothing for buy and hold, which needs no history', async () => {
    await cli(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--from', '2015-01-01', '--json', 'hold.json']);
    await cli(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--from', '2015-01-01', '--warmup-from', '2014-01-01', '--json', 'hold-warm.json']);
    expect(read('hold-warm.json').metrics).toEqual(read('hold.json').metrics);
  });

  it('needs --from, before it, and bars after it', async () => {
    const alone = await cli(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--warmup-from', '2014-01-01']);
    expect(alone.code).toBe(2);
    expect(alone.err).toContain('--warmup-from 2014-01-01: needs --from, the first date traded and measured: the bars from --warmup-from to it only warm up the indicators');
    const after = await cli(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--from', '2014-01-01', '--warmup-from', '2015-01-01']);
    expect(after.code).toBe(2);
    expect(after.err).toContain('--warmup-from 2015-01-01 --from 2014-01-01: --warmup-from must be before --from: the warm-up is the bars before the first date traded');
    const late = await cli(['backtest', '--dataset', 'sp500', '--strategy', 'buy-and-hold', '--from', '2030-01-01', '--warmup-from', '2019-01-01']);
    expect(late.code).toBe(2);
    expect(late.err).toContain('--from 2030-01-01: no bar of the traded symbols from 2030-01-01 on: the run would hold only its warm-up; choose an earlier --from');
  });
});
