import type { SweepResult, WalkForwardResult } from '@ensemble/research';
import { describe, expect, it } from 'vitest';
import { renderSweepSummary, renderWalkForwardSummary } from './research';

/** A finished sweep of two combinations, as far as its summary reads it. */
function sweepOf(metric: string, objectives: readonly number[]): SweepResult {
  const rows = objectives.map((objective, index) => ({ index, rank: index + 1, parameters: { k: index + 1 }, status: 'ok', objective, error: null }));
  const counts = { grid: rows.length, skipped: 0, notSampled: 0, planned: rows.length, ok: rows.length, failed: 0, timedOut: 0, notRun: 0 };
  const statistics = { deflatedSharpe: null, pbo: null, stability: null, notes: [] };
  return { sweepId: 'fb834d4507e6aa', objective: { metric, direction: 'max' }, counts, rows, statistics } as unknown as SweepResult;
}

describe('the summary of a sweep', () => {
  it('prints an objective in percent as backtest prints it (CAGR 17.03%), a ratio with 4 decimals', () => {
    // 0.1703449 is a CAGR of 17.03449 %: the summary of `backtest` says 17.03%.
    expect(renderSweepSummary(sweepOf('cagr', [0.1703449, -0.0512]))).toContain('    #1  index 0  k=1  cagr 17.03%\n    #2  index 1  k=2  cagr -5.12%\n');
    expect(renderSweepSummary(sweepOf('maxDrawdown', [-0.1234]))).toContain('#1  index 0  k=1  maxDrawdown -12.34%\n');
    expect(renderSweepSummary(sweepOf('sharpe', [0.4943592915509835]))).toContain('#1  index 0  k=1  sharpe 0.4944\n');
    expect(renderSweepSummary(sweepOf('profitFactor', [4.22340658]))).toContain('#1  index 0  k=1  profitFactor 4.2234\n');
  });

  // Regression: a drawdown of 1,120 days read "maxDrawdownDays 1,120.0000".
  // Regression: a sweep whose every combination failed printed a "best" list of "-" rows.
  it('says no combination is best when none has a value of the objective', () => {
    const sweep = sweepOf('sharpe', [0.5, 0.25]);
    const unranked = { ...sweep, rows: sweep.rows.map((row) => ({ ...row, rank: null, objective: null })) } as SweepResult;
    const summary = renderSweepSummary(unranked);
    expect(summary).toContain('  best none: no combination has a value of sharpe\n');
    expect(summary).not.toContain('    -  index');
  });

  it('prints counts of days, bars and trades whole and money with 2 decimals, as backtest does', () => {
    expect(renderSweepSummary(sweepOf('maxDrawdownDays', [1120, 1156]))).toContain('#1  index 0  k=1  maxDrawdownDays 1,120\n    #2  index 1  k=2  maxDrawdownDays 1,156\n');
    expect(renderSweepSummary(sweepOf('tradeCount', [84]))).toContain('#1  index 0  k=1  tradeCount 84\n');
    expect(renderSweepSummary(sweepOf('averageBarsHeld', [34.61]))).toContain('#1  index 0  k=1  averageBarsHeld 34.6\n');
    expect(renderSweepSummary(sweepOf('totalCosts', [1234.5678]))).toContain('#1  index 0  k=1  totalCosts 1,234.57\n');
  });

  // Regression: the value read "∞" alone, without why.
  it('prints an unbounded objective with why: a Calmar ratio without a drawdown as ∞ (no drawdown)', () => {
    expect(renderSweepSummary(sweepOf('calmar', [Number.POSITIVE_INFINITY, 30185603.477006882]))).toContain('    #1  index 0  k=1  calmar ∞ (no drawdown)\n    #2  index 1  k=2  calmar 30,185,603.4770\n');
    expect(renderSweepSummary(sweepOf('sortino', [Number.POSITIVE_INFINITY]))).toContain('    #1  index 0  k=1  sortino ∞ (no return below the risk-free rate)\n');
  });

  it('says what the PBO ranked by when it is not the objective (a drawdown: by the Sharpe ratio)', () => {
    const pbo = (scoredBy: string) => ({ pbo: 0.5609, scoredBy, direction: 'max', probabilityOfLoss: 0.1, trials: 2, observations: 48, blocks: 16, splits: 12_870, logitDistribution: [], degradation: {} });
    const withPbo = (metric: string, scoredBy: string): SweepResult => {
      const sweep = sweepOf(metric, [0.5, 0.4]);
      return { ...sweep, statistics: { ...sweep.statistics, pbo: pbo(scoredBy) } } as unknown as SweepResult;
    };
    expect(renderSweepSummary(withPbo('maxDrawdown', 'sharpe'))).toContain('deflated Sharpe ratio — · PBO 0.561 (by sharpe) · parameter stability —\n');
    expect(renderSweepSummary(withPbo('volatility', 'volatility'))).toContain('deflated Sharpe ratio — · PBO 0.561 · parameter stability —\n');
  });

  it('prints a long first failure by its start and its end, where the advice is, within 300 characters', () => {
    const advice = 'copy it there as "a/mine.ts", or remove the sweep (ensemble queue clean --force 0123456789ab) and plan it again';
    const message = `The job needs the strategy module "a/mine.ts" with SHA-256 ${'f'.repeat(64)}, but it is not in this worker's strategies directory "${'/very/long/path'.repeat(12)}":\n${advice}`;
    const base = sweepOf('sharpe', [0.5, 0.4]);
    const rows = [base.rows[0], { ...base.rows[1], rank: null, status: 'failed', objective: null, error: { code: 'RUN_FAILED', message } }];
    const summary = renderSweepSummary({ ...base, rows, counts: { ...base.counts, ok: 1, failed: 1 } } as unknown as SweepResult);
    const line = summary.split('\n').find((text) => text.startsWith('  first failure:')) ?? '';
    expect(line).toContain('failed: The job needs the strategy module "a/mine.ts" with SHA-256 ');
    expect(line).toContain(` … `);
    expect(line).toContain(`${advice} (results.csv lists every error)`);
    expect(line.length).toBeLessThanOrEqual('  first failure: index 1 (k=2) failed: '.length + 300 + ' (results.csv lists every error)'.length);
  });
});

/** A finished walk-forward of windows with the given boundaries (epoch ms), as far as its summary reads it. */
function walkForwardOf(windows: readonly (readonly [number, number, number, number])[]): WalkForwardResult {
  const steps = windows.map(([trainStart, trainEnd, testStart, testEnd], index) => ({
    index,
    train: { start: trainStart, end: trainEnd },
    test: { start: testStart, end: testEnd },
    status: 'ok',
    chosen: { parameters: { fast: 12 } },
    inSample: { cagr: 0.1, sharpe: 1.2 },
    outOfSample: { cagr: 0.05, sharpe: 0.6 },
    efficiency: 0.5,
    error: null,
    trainFailures: { failed: 0, timedOut: 0, first: null },
    objective: 0.5,
    ties: 1,
  }));
  const parameters = [{ name: 'fast', path: 'params.fast', values: [12, 24] }, { name: 'hang', path: 'params.hang', values: [false, true] }];
  return { planId: 'fb834d4507e6aa', mode: 'rolling', objective: { metric: 'sharpe', direction: 'maximize' }, parameters, steps, metrics: null, efficiency: null } as unknown as WalkForwardResult;
}

describe('the summary of a walk-forward', () => {
  it('shows the times of day of windows of intraday bars, where the dates alone had a train window end the day its test starts', () => {
    // 2024-01-02 09:30 UTC is 1704187800000 ms; five-minute bars, a train window to 13:25 on the 17th, its test from 13:30.
    const at = (day: number, hour: number, minute: number, second = 0): number => Date.UTC(2024, 0, day, hour, minute, second);
    const summary = renderWalkForwardSummary(walkForwardOf([[1704187800000, at(17, 13, 25), at(17, 13, 30), at(24, 13, 25)]]));
    expect(summary).toContain('   0  train 2024-01-02 09:30→2024-01-17 13:25  test 2024-01-17 13:30→2024-01-24 13:25  fast=12');
    // Seconds when a boundary has them; daily windows as before, dates alone.
    expect(renderWalkForwardSummary(walkForwardOf([[at(2, 9, 30, 15), at(2, 9, 31), at(2, 9, 32), at(2, 9, 33)]]))).toContain('train 2024-01-02 09:30:15→2024-01-02 09:31:00  test 2024-01-02 09:32:00→2024-01-02 09:33:00');
    expect(renderWalkForwardSummary(walkForwardOf([[at(2, 0, 0), at(17, 0, 0), at(18, 0, 0), at(24, 0, 0)]]))).toContain('   0  train 2024-01-02→2024-01-17  test 2024-01-18→2024-01-24  fast=12');
  });

  it('says under a window how many train combinations failed or timed out, left out of its choice, and the first one\'s error', () => {
    const day = Date.UTC(2024, 0, 2);
    const base = walkForwardOf([[day, day + 10 * 86_400_000, day + 11 * 86_400_000, day + 20 * 86_400_000]]);
    const step = base.steps[0];
    const first = { combination: 1, status: 'timed-out', message: 'the job ran longer than 2000 ms;\nits worker thread was stopped' };
    const result = { ...base, steps: [{ ...step, trainFailures: { failed: 1, timedOut: 2, first } }] } as unknown as WalkForwardResult;
    expect(renderWalkForwardSummary(result)).toContain(
      '  fast=12  IS sharpe 1.2000 · CAGR 10.00%  OOS sharpe 0.6000 · CAGR 5.00%  WFE 0.50\n      train: 3 of 4 combinations left out of the choice (1 failed, 2 timed out); the first, fast=12 hang=true, timed-out: the job ran longer than 2000 ms; its worker thread was stopped\n',
    );
    // Nothing when every combination finished.
    expect(renderWalkForwardSummary(base)).not.toContain('train: ');
  });

  it('notes a window whose best objective several train combinations shared, the grid\'s first of them chosen', () => {
    const day = Date.UTC(2024, 0, 2);
    const base = walkForwardOf([[day, day + 10 * 86_400_000, day + 11 * 86_400_000, day + 20 * 86_400_000]]);
    const tied = { ...base, steps: base.steps.map((step) => ({ ...step, ties: 3 })) } as unknown as WalkForwardResult;
    expect(renderWalkForwardSummary(tied)).toContain(
      '  WFE 0.50\n      note: 3 combinations had the same sharpe on the train window (0.5000): the first of them in the grid\'s order was chosen, not the objective\n',
    );
    expect(renderWalkForwardSummary(base)).not.toContain('note: ');
  });
});
