import { parseResearchReportInput, renderResearchHtml } from '@ensemble/report';
import { describe, expect, it } from 'vitest';
import { createInProcessExecutor } from '../executor/in-process-executor';
import { runSweep } from '../sweep/run-sweep';
import { planSweep } from '../sweep/sweep-plan';
import { runWalkForward } from '../walk-forward/run-walk-forward';
import { planWalkForward } from '../walk-forward/walk-forward-plan';
import { sweepReportInput, walkForwardReportInput } from './research-report-input';

const config = { data: { dataset: 'sp500', from: '2006-01-01', to: '2011-12-31' }, strategy: 'sma-crossover', params: { fast: 10, slow: 50 } };
const parameters = [
  { path: 'params.fast', values: [5, 10, 20] },
  { path: 'params.slow', values: [50, 100] },
];

describe('research report inputs', () => {
  it('turns a sweep into a valid report input: every row, its rank and objective, the statistics', async () => {
    const plan = await planSweep({ kind: 'backtest', config, parameters, objective: 'maxDrawdownBars' });
    const result = await runSweep(plan, createInProcessExecutor());
    const input = parseResearchReportInput(sweepReportInput(result, { spec: { note: 'as written' } }));
    expect(input.objective).toEqual({ metric: 'maxDrawdownBars', direction: 'minimize' });
    expect(input.parameters).toEqual([
      { name: 'fast', values: [5, 10, 20] },
      { name: 'slow', values: [50, 100] },
    ]);
    expect(input.trials).toHaveLength(6);
    for (const row of result.rows) {
      const trial = input.trials.find((candidate) => candidate.index === row.index);
      expect(trial?.rank).toBe(row.rank);
      expect(trial?.objective).toBe(row.objective);
      expect(trial?.parameters).toEqual(row.parameters);
      expect(trial?.metrics?.sharpe).toBe(row.metrics?.sharpe);
    }
    expect(input.statistics.deflatedSharpe?.dsr).toBe(result.statistics.deflatedSharpe?.dsr);
    expect(input.statistics.pbo?.pbo ?? null).toBe(result.statistics.pbo?.pbo ?? null);
    expect(input.config).toEqual({ note: 'as written' });
    expect(renderResearchHtml(input)).toContain('<section id="landscape">');
  });

  it('turns a walk-forward into windows, the stitched curve and its efficiency', async () => {
    const plan = await planWalkForward({ kind: 'backtest', config: { ...config, data: { ...config.data, from: '2005-01-01' } }, parameters, objective: 'sharpe', windows: { train: '2y', test: '1y' } });
    const result = await runWalkForward(plan, createInProcessExecutor());
    const input = parseResearchReportInput(walkForwardReportInput(result));
    const walk = input.walkForward;
    expect(walk?.windows).toHaveLength(result.steps.length);
    result.steps.forEach((step, k) => {
      const window = walk?.windows[k];
      expect(window?.testStart).toBe(step.test.start);
      expect(window?.inSample).toBe(step.objective);
      expect(window?.outOfSample).toBe(step.outOfSample?.sharpe ?? null);
      expect(window?.parameters).toEqual(step.chosen?.parameters ?? null);
    });
    expect(walk?.equity.equity).toEqual(result.outOfSample.equity);
    expect(walk?.efficiency).toBe(result.efficiency);
    expect(input.statistics.notes[0]).toContain('walk-forward is judged by its out-of-sample curve');
    // Its page: the windows numbered as walk-forward.json and windows.csv number them (from 0), no
    // heatmap of the windows' choices, and the stitched curve's return as a card.
    const html = renderResearchHtml(input);
    expect(html).not.toContain('<section id="landscape">');
    expect(html).toContain("<h2>Each window's choice, out of sample</h2>");
    expect(html).toContain(`<span>${String(input.trials.length)} windows&#39; choices</span>`);
    expect(html).not.toMatch(/<span>\d+ trials<\/span>/);
    expect(html).toMatch(/"rows":\[\[0,\d+,/);
    expect(html).toContain(`<div class="label">Out-of-sample return</div><div class="value">${(100 * (result.metrics?.totalReturn ?? Number.NaN)).toFixed(2)}%</div>`);
  });

  it('names the windows whose choice left out train combinations that failed or timed out', async () => {
    const plan = await planWalkForward({ kind: 'backtest', config: { ...config, data: { ...config.data, from: '2005-01-01' } }, parameters, objective: 'sharpe', windows: { train: '2y', test: '1y' } });
    const result = await runWalkForward(plan, createInProcessExecutor());
    expect(walkForwardReportInput(result).statistics.notes.filter((note) => note.startsWith('Train combinations'))).toEqual([]);
    const first = { combination: 2, status: 'timed-out' as const, message: 'the job ran longer than 2000 ms' };
    const partial = { ...result, steps: result.steps.map((step) => (step.index === 1 || step.index === 3 ? { ...step, trainFailures: { failed: 1, timedOut: 2, first } } : step)) };
    const input = parseResearchReportInput(walkForwardReportInput(partial));
    expect(input.statistics.notes).toContain(
      "Train combinations that failed or timed out were left out of the choice of 2 windows: window 1 (3), window 3 (3); walk-forward.json's trainFailures has their first errors.",
    );
  });

  it('names the windows where several train combinations shared the best objective', async () => {
    const plan = await planWalkForward({ kind: 'backtest', config: { ...config, data: { ...config.data, from: '2005-01-01' } }, parameters, objective: 'sharpe', windows: { train: '2y', test: '1y' } });
    const result = await runWalkForward(plan, createInProcessExecutor());
    expect(walkForwardReportInput(result).statistics.notes.filter((note) => note.startsWith('Several train combinations'))).toEqual([]);
    const tied = { ...result, steps: result.steps.map((step) => (step.index === 0 ? { ...step, ties: 2 } : step)) };
    expect(parseResearchReportInput(walkForwardReportInput(tied)).statistics.notes).toContain(
      "Several train combinations had the same sharpe in one window: window 0 (2); the first of them in the grid's order was chosen.",
    );
  });

  // Regression: the report showed an unbounded objective without a value and without why.
  it('says which combinations have an unbounded objective, which the report shows as ∞ with why', async () => {
    // 2009–2010 train window (window 4): fast 10 / slow 100 closed two trades, both winners.
    const plan = await planWalkForward({ kind: 'backtest', config: { ...config, data: { dataset: 'sp500', from: '2005-01-01', to: '2012-12-31' } }, parameters: [{ path: 'params.fast', values: [10, 20] }, { path: 'params.slow', values: [50, 100] }], objective: 'profitFactor', windows: { train: '2y', test: '1y' } });
    const result = await runWalkForward(plan, createInProcessExecutor());
    const input = parseResearchReportInput(walkForwardReportInput(result));
    expect(input.walkForward?.windows[4]?.inSample).toBeNull();
    expect(input.walkForward?.windows[4]?.inSampleUnbounded).toBe(true);
    expect(input.walkForward?.windows.filter((window) => window.inSampleUnbounded === true)).toHaveLength(1);
    // Out of sample likewise: window 2's test trades made into winners only (no losing trade, a win rate of 1).
    const lossless = {
      ...result,
      steps: result.steps.map((step) => (step.index === 2 && step.outOfSample !== null ? { ...step, outOfSample: { ...step.outOfSample, profitFactor: null, averageLoss: null, winRate: 1 } } : step)),
    };
    const losslessInput = parseResearchReportInput(walkForwardReportInput(lossless));
    expect(losslessInput.walkForward?.windows.filter((window) => window.outOfSampleUnbounded === true).map((window) => window.index)).toEqual([2]);
    expect(losslessInput.trials.filter((trial) => trial.unbounded === true).map((trial) => trial.index)).toEqual([2]);
    expect(input.walkForward?.windows.some((window) => window.outOfSampleUnbounded === true)).toBe(false);
    expect(input.statistics.notes[1]).toBe(
      'objective: profitFactor is unbounded (+∞, undefined because unboundedly good) for combination 1 on the train window of window 4; it ranks before every finite value and is shown here as ∞ (no losing trade)',
    );
    const html = renderResearchHtml(input);
    expect(html).toContain('profitFactor is unbounded');
    expect(html).toContain('"∞ (no losing trade)"');
    // A sweep over 2009–2010 (no warm-up before it): a combination without a losing trade ranks first, shown without a value.
    const sweep = await planSweep({ kind: 'backtest', config: { ...config, data: { dataset: 'sp500', from: '2009-01-01', to: '2010-12-31' } }, parameters: [{ path: 'params.fast', values: [10, 20] }, { path: 'params.slow', values: [50, 100] }], objective: 'profitFactor' });
    const swept = await runSweep(sweep, createInProcessExecutor());
    const trials = parseResearchReportInput(sweepReportInput(swept));
    expect(swept.best?.objective).toBe(Number.POSITIVE_INFINITY);
    expect(trials.trials.find((trial) => trial.rank === 1)?.objective).toBeNull();
    expect(trials.trials.find((trial) => trial.rank === 1)?.unbounded).toBe(true);
    expect(trials.trials.filter((trial) => trial.unbounded === true)).toHaveLength(swept.rows.filter((row) => row.objective === Number.POSITIVE_INFINITY).length);
    expect(trials.statistics.notes.filter((note) => note.startsWith('objective: '))).toEqual([
      `objective: profitFactor is unbounded (+∞, undefined because unboundedly good) for combination ${String(swept.best?.index)} in results.json; it ranks before every finite value and is shown here as ∞ (no losing trade)`,
    ]);
    // The best card says it, as the sweep summary does.
    expect(renderResearchHtml(trials)).toContain('<div class="value long">∞ (no losing trade)</div>');
    // A stability whose neighbours include an unbounded one has an unbounded mean neighbour, which the report leaves out.
    const stability = swept.statistics.stability;
    if (stability === null) throw new Error('no stability');
    const unboundedNeighbour = { ...swept, statistics: { ...swept.statistics, stability: { ...stability, meanNeighbourObjective: Number.POSITIVE_INFINITY } } };
    expect(parseResearchReportInput(sweepReportInput(unboundedNeighbour)).statistics.stability?.meanNeighbourObjective).toBeNull();
  });
});
