import { computeMetrics } from '@ensemble/performance';
import type { Fill, Trade } from '@ensemble/protocol';
import type { ReportInput } from '../report-input';

const day = (iso: string) => Date.parse(`${iso}T00:00:00.000Z`);

/**
 * A small hand-made orchestrator result: two sleeves over eight daily bars across a month end,
 * one trade each, a rebalance, a conflict, a risk event, attribution, correlation, a benchmark.
 *
 * Portfolio = momentum + carry at every bar (Σ sleeve equity = portfolio equity):
 *   momentum 5000 5100 5050 5200 5150 5300 5250 5400
 *   carry    5000 5020 5040 5030 5060 5080 5070 5100
 *   total   10000 10120 10090 10230 10210 10380 10320 10500
 */
export function buildSmallRun(): ReportInput {
  const time = ['2024-01-29', '2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2024-02-05', '2024-02-06', '2024-02-07'].map(day);
  const momentum = [5000, 5100, 5050, 5200, 5150, 5300, 5250, 5400];
  const carry = [5000, 5020, 5040, 5030, 5060, 5080, 5070, 5100];
  const total = momentum.map((value, i) => value + (carry[i] ?? 0));
  const momentumCash = [5000, 100, 100, 100, 100, 100, 100, 5400];
  const carryCash = [5000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];
  const cash = momentumCash.map((value, i) => value + (carryCash[i] ?? 0));

  const momentumTrade: Trade = {
    strategyId: 'momentum',
    symbol: 'AAPL',
    side: 'long',
    quantity: 49,
    entryTime: day('2024-01-30'),
    entryPrice: 100,
    exitTime: day('2024-02-07'),
    exitPrice: 110.2,
    commission: 2,
    pnl: 49 * 10.2 - 2,
    returnPct: (49 * 10.2 - 2) / (49 * 100),
    barsHeld: 6,
    exitReason: 'exit',
  };
  const carryTrade: Trade = {
    strategyId: 'carry',
    symbol: 'TLT, "long bond"',
    side: 'short',
    quantity: 40,
    entryTime: day('2024-01-30'),
    entryPrice: 100,
    exitTime: day('2024-02-06'),
    exitPrice: 98,
    commission: 1,
    pnl: 40 * 2 - 1,
    returnPct: (40 * 2 - 1) / (40 * 100),
    barsHeld: 5,
    exitReason: 'take-profit',
  };
  const fills: Fill[] = [
    { strategyId: 'momentum', symbol: 'AAPL', time: day('2024-01-30'), side: 'buy', quantity: 49, price: 100, commission: 1, slippage: 0.49, reason: 'entry' },
    { strategyId: 'carry', symbol: 'TLT, "long bond"', time: day('2024-01-30'), side: 'sell', quantity: 40, price: 100, commission: 0.5, slippage: 0.2, reason: 'entry' },
    { strategyId: 'carry', symbol: 'TLT, "long bond"', time: day('2024-02-06'), side: 'buy', quantity: 40, price: 98, commission: 0.5, slippage: 0.2, reason: 'take-profit' },
    { strategyId: 'momentum', symbol: 'AAPL', time: day('2024-02-07'), side: 'sell', quantity: 49, price: 110.2, commission: 1, slippage: 0.49, reason: 'exit' },
  ];
  const trades = [carryTrade, momentumTrade];
  const benchmarkValue = [400, 402, 401, 405, 404, 407, 406, 410];
  const options = { periodsPerYear: 252, benchmark: { time, values: benchmarkValue } };
  const sleeveMetrics = (equity: number[], sleeveTrades: Trade[], sleeveFills: Fill[]) =>
    computeMetrics({ equity: { time, equity }, trades: sleeveTrades, fills: sleeveFills }, options);

  return {
    title: 'Small two-sleeve run',
    subtitle: 'Hand-made fixture | eight daily bars',
    config: { capital: 'sleeves', allocation: 'equal', rebalance: { calendar: 'month' }, note: '```fenced```' },
    periodsPerYear: 252,
    portfolio: {
      equity: { time, equity: total, cash },
      metrics: computeMetrics({ equity: { time, equity: total }, trades, fills }, options),
      trades,
      fills,
    },
    benchmark: { name: 'S&P 500', time, value: benchmarkValue },
    sleeves: [
      {
        id: 'momentum',
        strategy: 'sma-crossover',
        symbols: ['AAPL'],
        equity: { time, equity: momentum, cash: momentumCash },
        weight: momentum.map((value, i) => value / (total[i] ?? 1)),
        metrics: sleeveMetrics(momentum, [momentumTrade], fills.filter((fill) => fill.strategyId === 'momentum')),
        trades: [momentumTrade],
        fills: fills.filter((fill) => fill.strategyId === 'momentum'),
        contribution: 0.04,
      },
      {
        id: 'carry',
        strategy: 'buy-and-hold',
        symbols: ['TLT, "long bond"'],
        equity: { time, equity: carry, cash: carryCash },
        weight: carry.map((value, i) => value / (total[i] ?? 1)),
        metrics: sleeveMetrics(carry, [carryTrade], fills.filter((fill) => fill.strategyId === 'carry')),
        trades: [carryTrade],
        fills: fills.filter((fill) => fill.strategyId === 'carry'),
        contribution: 0.01,
        error: 'threw "boom" on TLT at 2024-02-06',
      },
    ],
    attribution: {
      periods: [
        { label: '2024-01', bySleeve: { momentum: 0.005, carry: 0.004 } },
        { label: '2024-02', bySleeve: { momentum: 0.035, carry: 0.006 } },
      ],
    },
    correlation: { ids: ['momentum', 'carry'], matrix: [[1, -0.25], [-0.25, 1]] },
    diversificationRatio: 1.31,
    rebalances: [
      { time: day('2024-02-01'), reason: 'month', weightsBefore: { momentum: 0.5083, carry: 0.4917 }, weightsAfter: { momentum: 0.5, carry: 0.5 } },
    ],
    conflicts: [
      {
        time: day('2024-02-02'),
        symbol: 'AAPL',
        policy: 'vote',
        inputs: [
          { strategyId: 'momentum', signal: 'long' },
          { strategyId: 'carry', signal: 'exit' },
        ],
        outcome: 'long | kept',
      },
    ],
    risk: [{ time: day('2024-02-05'), kind: 'gross-exposure', detail: 'Gross exposure 1.02 above the cap of 1.00; orders scaled by 0.98.' }],
    crossing: { savedTurnover: 4900, savedCommission: 4.9 },
  };
}
