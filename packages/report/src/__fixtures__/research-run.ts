import type { ResearchReportInput } from '../research/research-input';

/** Sharpe of the fixture's trial with these parameters: a ridge at slow = 100, better with a wider stop. */
export function fixtureObjective(fast: number, slow: number, stop: number): number {
  return 1.2 - Math.abs(slow - 100) / 100 - Math.abs(fast - 10) / 40 + stop * 4;
}

const DAY = 86_400_000;
const START = Date.UTC(2010, 0, 4);

/**
 * A research report input by hand: a 3 × 4 × 2 grid of an SMA crossover's `fast`, `slow` and `stop`
 * with {@link fixtureObjective} as the Sharpe ratio (one trial failed), statistics, and a
 * three-window walk-forward with a stitched out-of-sample curve.
 */
export function buildResearchRun(options: { walkForward?: boolean } = {}): ResearchReportInput {
  const fastValues = [5, 10, 20];
  const slowValues = [50, 100, 150, 200];
  const stopValues = [0.02, 0.05];
  const trials: ResearchReportInput['trials'][number][] = [];
  let index = 0;
  for (const fast of fastValues) {
    for (const slow of slowValues) {
      for (const stop of stopValues) {
        const failed = fast === 20 && slow === 200 && stop === 0.05;
        const objective = failed ? null : fixtureObjective(fast, slow, stop);
        trials.push({
          index,
          rank: null,
          parameters: { fast, slow, stop },
          status: failed ? 'failed' : 'ok',
          objective,
          metrics: objective === null ? null : { sharpe: objective, totalReturn: objective / 4, maxDrawdown: -0.1 - stop, tradeCount: 10 + index },
          ...(failed ? { error: 'strategy "sma-crossover" threw at bar 12: <boom> & more' } : {}),
        });
        index++;
      }
    }
  }
  const ranked = trials.filter((trial) => trial.objective !== null).sort((a, b) => (b.objective ?? 0) - (a.objective ?? 0) || a.index - b.index);
  ranked.forEach((trial, position) => {
    trials[trial.index] = { ...trial, rank: position + 1 };
  });
  const input: ResearchReportInput = {
    title: 'SMA crossover on the S&P 500 <sweep>',
    subtitle: '24 combinations, objective Sharpe',
    objective: { metric: 'sharpe', direction: 'maximize' },
    parameters: [
      { name: 'fast', values: fastValues },
      { name: 'slow', values: slowValues },
      { name: 'stop', values: stopValues },
    ],
    trials,
    counts: { planned: 24, skipped: 0, failed: 1, timedOut: 0 },
    statistics: {
      deflatedSharpe: { dsr: 0.62, psr: 0.99, sharpe: 0.09, expectedMaxSharpe: 0.07, trials: 23, observations: 2520 },
      pbo: {
        pbo: 0.25,
        probabilityOfLoss: 0.1,
        blocks: 16,
        splits: 12870,
        logitDistribution: [
          { logit: -1.2, count: 1000 },
          { logit: -0.1, count: 2217 },
          { logit: 0.4, count: 4000 },
          { logit: 1.5, count: 5653 },
        ],
      },
      stability: { stability: 0.86, meanNeighbourObjective: 1.1, evaluatedNeighbours: 8 },
      notes: [],
    },
    config: { base: 'run.json', parameters: { fast: [5, 10, 20] } },
  };
  if (options.walkForward !== true) return input;
  const windows = [0, 1, 2].map((w) => ({
    index: w,
    trainStart: START + w * 365 * DAY,
    trainEnd: START + (w * 365 + 729) * DAY,
    testStart: START + (w * 365 + 730) * DAY,
    testEnd: START + (w * 365 + 1094) * DAY,
    parameters: { fast: 10, slow: 100, stop: w === 1 ? 0.02 : 0.05 },
    inSample: 1.4 - w * 0.1,
    outOfSample: 0.6 + w * 0.2,
    efficiency: (0.6 + w * 0.2) / (1.4 - w * 0.1),
  }));
  const time: number[] = [];
  const equity: number[] = [];
  for (let day = 0; day < 3 * 365; day++) {
    time.push(START + (730 + day) * DAY);
    equity.push(100_000 * (1 + 0.0003 * day + 0.01 * Math.sin(day / 20)));
  }
  return { ...input, walkForward: { windows, equity: { time, equity }, efficiency: 0.55, metrics: { sharpe: 0.8, totalReturn: 0.33 } } };
}
