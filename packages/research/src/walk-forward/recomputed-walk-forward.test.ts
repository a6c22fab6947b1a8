/*
 * A walk-forward against an independent recomputation. The golden values come from a separate
 * Python simulator (written from the engine README, sharing no code with the engine or this
 * package) and numpy metrics: for each anchored window it ran every combination on the bars from
 * the data's first bar to the train window's end, entries held until the train window's start,
 * with close fills measured from the cash (one point before the first bar), and took the highest
 * Sharpe ratio; then it ran that combination on the bars from the train window's start to the
 * test window's end, entries held until the test window's start, with the previous test window's
 * final equity as cash; it stitched the test windows' curves and measured them from the base cash.
 * Every step's choice, objective and out-of-sample metrics, the stitched curve (to the last bit)
 * and its metrics agreed with the package to within 5e-14 relative (and a rolling next-open
 * walk-forward of 750/250 bars the same way).
 */
import { describe, expect, it } from 'vitest';
import { createInProcessExecutor } from '../executor/in-process-executor';
import { runWalkForward } from './run-walk-forward';
import { planWalkForward } from './walk-forward-plan';

function expectClose(actual: number | null | undefined, expected: number, label: string): void {
  expect(actual, label).toBeTypeOf('number');
  expect(Math.abs((actual ?? Number.NaN) - expected), `${label}: ${String(actual)} vs ${String(expected)}`).toBeLessThanOrEqual(1e-9 * Math.max(1e-12, Math.abs(expected)));
}

describe('a walk-forward against an independent recomputation', () => {
  it('S&P 500 sma-crossover long and short, close fills, fixed costs, anchored 3-year train and 1-year test windows', async () => {
    const plan = await planWalkForward({
      kind: 'backtest',
      config: {
        data: { dataset: 'sp500' },
        strategy: 'sma-crossover',
        params: { allowShort: true },
        fill: 'close',
        commission: { kind: 'fixed', amount: 5 },
        slippage: { kind: 'fixed', amount: 0.25 },
      },
      parameters: [
        { path: 'params.fast', values: [5, 10] },
        { path: 'params.slow', values: [30, 60] },
      ],
      objective: 'sharpe',
      windows: { mode: 'anchored', train: '3y', test: '1y' },
    });
    const result = await runWalkForward(plan, createInProcessExecutor());
    // Per step: the chosen combination (fast, slow: 0 = 5/30, 1 = 5/60, 3 = 10/60), its train Sharpe ratio, the test window's final equity.
    const golden: readonly (readonly [number, number, number])[] = [
      [0, 0.3460463257961791, 104468.37652600004],
      [0, 0.34356454673589615, 99406.28870300006],
      [0, 0.2573160904256611, 91463.38478900002],
      [0, 0.12673849663455333, 84437.10163599996],
      [3, 0.13435029408186192, 77854.66714399992],
      [3, 0.04657894146007854, 99640.88777499992],
      [3, 0.2563970001082662, 107153.84836499991],
      [1, 0.3089765823828961, 121125.41406299995],
      [1, 0.33825087583503727, 92531.22142199993],
      [1, 0.19580315127193934, 97450.5242819999],
      [1, 0.2426466813128216, 94383.90822599994],
      [3, 0.2652204816907192, 88204.68737999993],
      [1, 0.22644604429909918, 75181.27765299995],
      [3, 0.160430568857426, 71213.16072699995],
      [1, 0.14666392127623548, 78187.17981399992],
      [3, 0.19561694793625886, 75307.16029699991],
      [3, 0.17784396126158064, 76069.3834759999],
      [1, 0.17359199181160237, 81862.29949199992],
    ];
    expect(result.steps).toHaveLength(golden.length);
    result.steps.forEach((step, k) => {
      const [combination, objective, end] = golden[k] ?? [Number.NaN, Number.NaN, Number.NaN];
      expect(step.chosen?.combination, `step ${String(k)}`).toBe(combination);
      expectClose(step.objective, objective, `step ${String(k)} objective`);
      expectClose(step.outOfSample?.endEquity, end, `step ${String(k)} end`);
    });
    const metrics = result.metrics;
    expectClose(metrics?.bars, 4352, 'bars');
    expectClose(metrics?.startEquity, 100000, 'startEquity');
    expectClose(metrics?.totalReturn, -0.18137700508000076, 'totalReturn');
    expectClose(metrics?.cagr, -0.01152161592239509, 'cagr');
    expectClose(metrics?.volatility, 0.15174927090247642, 'volatility');
    expectClose(metrics?.sharpe, -0.0006345498818813847, 'sharpe');
    expectClose(metrics?.sortino, -0.0009092818354196, 'sortino');
    expectClose(metrics?.maxDrawdown, -0.4446679253930935, 'maxDrawdown');
    expectClose(metrics?.maxDrawdownBars, 2340, 'maxDrawdownBars');
    expectClose(metrics?.calmar, -0.025910607139495834, 'calmar');
    expectClose(metrics?.valueAtRisk, -0.0147181874596987, 'valueAtRisk');
    // The stitched CAGR over the mean in-sample CAGR (0.02390548899398188).
    expectClose(result.efficiency, -0.4819652894486122, 'efficiency');
  }, 60_000);
});
