import type { RunConfigInput } from '@ensemble/orchestrator';

/** One orchestrated run of the demo: its config, a title, and the base name of its report files. */
export interface DemoRun {
  readonly name: string;
  readonly title: string;
  readonly subtitle: string;
  readonly config: RunConfigInput;
}

/**
 * The flagship run: four sample strategies as sleeves on the S&P 500 index, 2000–2020, capital
 * split by inverse volatility of the sleeves' returns and rebalanced monthly, with costs.
 */
export const SP500_FOUR_SLEEVES: DemoRun = {
  name: 'report',
  title: 'Four strategies, one S&P 500 portfolio',
  subtitle: 'Sleeves mode · inverse-volatility allocation · monthly rebalancing · 2000–2020',
  config: {
    name: 'Four sample strategies as sleeves on the S&P 500',
    data: { dataset: 'sp500' },
    cash: 1_000_000,
    commission: { kind: 'percent', rate: 0.0005 },
    slippage: { kind: 'bps', bps: 2 },
    fill: 'next-open',
    mode: 'sleeves',
    crossing: true,
    allocation: { scheme: 'inverse-volatility', lookback: 63, minWeight: 0.05, maxWeight: 0.5 },
    rebalance: { schedule: 'month', drift: { absolute: 0.1 } },
    errorPolicy: 'isolate',
    benchmark: 'SP500',
    strategies: [
      { id: 'buy-and-hold', strategy: 'buy-and-hold', params: {}, symbols: ['SP500'] },
      { id: 'trend', strategy: 'sma-crossover', params: { fast: 50, slow: 200 }, symbols: ['SP500'] },
      { id: 'dip-buyer', strategy: 'rsi-mean-reversion', params: { period: 14, oversold: 30, overbought: 65 }, symbols: ['SP500'] },
      { id: 'breakout', strategy: 'donchian-breakout', params: { entry: 55, exit: 20 }, symbols: ['SP500'] },
    ],
  },
};

/**
 * The multi-asset run: four strategies over the 30 Dow stocks, 1991–2000, risk-parity allocation
 * rebalanced quarterly or when a weight drifts 5 points, with a per-symbol exposure cap.
 */
export const DOW30_MULTI_ASSET: DemoRun = {
  name: 'dow30',
  title: 'Four strategies across the Dow 30',
  subtitle: 'Sleeves mode · risk-parity allocation · quarterly rebalancing with drift bands · 1991–2000',
  config: {
    name: 'Four strategies across the 30 Dow Jones stocks',
    data: { dataset: 'dow30' },
    cash: 1_000_000,
    commission: { kind: 'per-unit', amount: 0.005, minimum: 1 },
    slippage: { kind: 'bps', bps: 5 },
    fill: 'next-open',
    mode: 'sleeves',
    crossing: true,
    allocation: { scheme: 'risk-parity', lookback: 126 },
    rebalance: { schedule: 'quarter', drift: { absolute: 0.05 } },
    risk: { maxSymbolExposure: 0.2 },
    errorPolicy: 'isolate',
    strategies: [
      {
        id: 'equal-weight',
        strategy: 'equal-weight',
        params: { rebalance: 'month' },
        symbols: ['AA', 'AXP', 'T', 'BA', 'CAT', 'C', 'KO', 'DD', 'EK', 'XOM', 'GE', 'GM', 'HWP', 'HD', 'HON'],
      },
      {
        id: 'low-vol',
        strategy: 'inverse-volatility',
        params: { lookback: 60, rebalance: 'month' },
        symbols: ['INTC', 'IBM', 'IP', 'JPM', 'JNJ', 'MCD', 'MRK', 'MSFT', 'MMM', 'MO', 'PG', 'SBC', 'UTX', 'WMT', 'DIS'],
      },
      {
        id: 'momentum',
        strategy: 'sma-crossover',
        params: { fast: 20, slow: 100 },
        symbols: ['IBM', 'MSFT', 'INTC', 'HWP', 'GE', 'WMT'],
        sizing: { kind: 'percent-of-equity', percent: 16 },
      },
      {
        id: 'breakout',
        strategy: 'donchian-breakout',
        params: { entry: 55, exit: 20 },
        symbols: ['KO', 'PG', 'JNJ', 'MRK', 'XOM', 'GE'],
        sizing: { kind: 'percent-of-equity', percent: 16 },
      },
    ],
  },
};

/** Every run of the demo, flagship first. */
export const DEMO_RUNS: readonly DemoRun[] = [SP500_FOUR_SLEEVES, DOW30_MULTI_ASSET];
