/*
 * `ensemble backtest --json` metrics against an independent computation. The golden values were
 * computed with numpy from the run's own JSON equity curve, trades, fills and benchmark closes,
 * with the formulas of the performance package's README written out afresh: simple returns with
 * the starting cash as the first value (`close` fills: one point before the first bar), the
 * per-period risk-free rate (1 + rf)^(1/P) − 1, volatility and Sharpe with ddof 1 and √P, Sortino
 * with the downside deviation over all n returns (empyrical), CAGR (V_n / V_0)^(P/n) − 1, historical
 * VaR by numpy.percentile and CVaR as the mean of the floor((n − 1)(1 − c)) + 1 lowest returns
 * (empyrical), bias-corrected skew and excess kurtosis, alpha compounded from the mean daily excess
 * over β × the benchmark's (empyrical), the annualised information ratio. Independently of that,
 * the equity curves themselves were reproduced to 1e-14 by a separate simulator (the engine
 * package's recomputed-runs test). Every metric agreed to within 2e-11 relative.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli';
import { createCapturedIo } from '../io';

const scratch = mkdtempSync(path.join(tmpdir(), 'ensemble-recomputed-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

interface Episode {
  readonly peakIndex: number;
  readonly troughIndex: number;
  readonly recoveryIndex: number | null;
  readonly depth: number;
}

interface MetricsJson {
  readonly metrics: { readonly metrics: Readonly<Record<string, number | null>>; readonly drawdowns: readonly Episode[] };
}

async function metricsOf(args: readonly string[]): Promise<MetricsJson['metrics']> {
  const io = createCapturedIo({ cwd: scratch, env: {} });
  const code = await main(['node', 'ensemble', 'backtest', ...args, '--json', '-'], io);
  expect(code, io.err()).toBe(0);
  return (JSON.parse(io.out()) as MetricsJson).metrics;
}

function expectMetrics(actual: Readonly<Record<string, number | null>>, golden: Readonly<Record<string, number>>): void {
  for (const [name, expected] of Object.entries(golden)) {
    const value = actual[name];
    expect(value, name).toBeTypeOf('number');
    expect(Math.abs((value ?? Number.NaN) - expected), `${name}: ${String(value)} vs ${String(expected)}`).toBeLessThanOrEqual(1e-9 * Math.max(1e-12, Math.abs(expected)));
  }
}

describe('backtest metrics against an independent computation', () => {
  it('S&P 500 sma-crossover long and short, next-open fills, commission and slippage, the index as benchmark', async () => {
    const result = await metricsOf(['--dataset', 'sp500', '--strategy', 'sma-crossover', '--param', 'allowShort=true', '--commission-rate', '0.001', '--slippage-bps', '5']);
    expectMetrics(result.metrics, {
      bars: 5105,
      startEquity: 100000,
      endEquity: 58694.672161948045,
      totalReturn: -0.41305327838051953,
      cagr: -0.02596398940590683,
      volatility: 0.17201358664316801,
      sharpe: -0.06698611101871647,
      sortino: -0.09449047014864356,
      maxDrawdown: -0.5316426489847864,
      maxDrawdownBars: 4465,
      longestDrawdownBars: 4465,
      calmar: -0.048837295983471446,
      bestReturn: 0.09933293396043141,
      worstReturn: -0.06580222487050646,
      valueAtRisk: -0.01686047464270161,
      conditionalValueAtRisk: -0.026045285453653706,
      skew: 0.1551950354377724,
      kurtosis: 6.373430454335468,
      tradeCount: 168,
      winRate: 0.3333333333333333,
      profitFactor: 0.8225244701167741,
      expectancy: -254.3197563214952,
      averageWin: 3535.9954628032824,
      averageLoss: -2149.4773658838844,
      bestTrade: 19967.1347109082,
      worstTrade: -8062.627258126473,
      averageBarsHeld: 29.06547619047619,
      sqn: -0.901622327410969,
      exposure: 0.9298018787846305,
      timeInMarket: 0.9569049951028403,
      turnover: 329.4690878893199,
      annualTurnover: 16.266890702999337,
      totalCommission: 26679.155084337533,
      totalSlippage: 13339.562847714564,
      totalCosts: 40018.717932052095,
      benchmarkReturn: 0.9753440141593548,
      beta: -0.2692217038523477,
      alpha: 0.0028658894718016636,
      correlation: -0.311324526641317,
      trackingError: 0.30076587626477674,
      informationRatio: -0.2159547666577794,
    });
    expect(result.drawdowns.map(({ peakIndex, troughIndex, recoveryIndex }) => [peakIndex, troughIndex, recoveryIndex])).toEqual([
      [639, 5073, null],
      [57, 279, 637],
      [52, 53, 54],
    ]);
  });

  it('S&P 500 sma-crossover, close fills measured from the cash, fixed commission, a 3 % risk-free rate', async () => {
    const result = await metricsOf(['--dataset', 'sp500', '--strategy', 'sma-crossover', '--fill', 'close', '--commission-fixed', '5', '--risk-free-rate', '0.03']);
    expectMetrics(result.metrics, {
      bars: 5105,
      startEquity: 100000,
      endEquity: 162817.43651099998,
      totalReturn: 0.6281743651099998,
      cagr: 0.024354478026861415,
      volatility: 0.10693041210144996,
      sharpe: 0.002205095419406693,
      sortino: 0.002980473005613603,
      maxDrawdown: -0.2953236342802009,
      maxDrawdownBars: 1722,
      longestDrawdownBars: 1722,
      calmar: 0.08246708085596043,
      bestReturn: 0.037776156757452606,
      worstReturn: -0.0577946898702254,
      valueAtRisk: -0.01095865495595263,
      conditionalValueAtRisk: -0.018092125593405277,
      skew: -0.6247335542084341,
      kurtosis: 7.062521263172482,
      tradeCount: 87,
      winRate: 0.41379310344827586,
      profitFactor: 1.5050941515467011,
      expectancy: 703.7521438045969,
      averageWin: 5067.897365194445,
      averageLoss: -2376.8209536470604,
      bestTrade: 18623.623783999996,
      worstTrade: -7435.161102000003,
      averageBarsHeld: 35.97701149425287,
      sqn: 1.3598325882316142,
      exposure: 0.6094372472081457,
      timeInMarket: 0.6139079333986288,
      turnover: 171.26932604604605,
      annualTurnover: 8.45608741449914,
      totalCommission: 875,
      totalSlippage: 0,
      totalCosts: 875,
      benchmarkReturn: 0.9753440141593548,
      beta: 0.2910238698409499,
      alpha: -0.0066824133972461786,
      correlation: 0.5413159882702124,
      trackingError: 0.1672525898232916,
      informationRatio: -0.1412662007449217,
    });
    // Indexes of the points (the cash before the first bar is not one): the reference's, less one.
    expect(result.drawdowns.slice(0, 3).map(({ peakIndex, troughIndex, recoveryIndex }) => [peakIndex, troughIndex, recoveryIndex])).toEqual([
      [57, 812, 1779],
      [1895, 2322, 2460],
      [4545, 4584, 5058],
    ]);
  });
});
