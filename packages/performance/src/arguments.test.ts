import { configIssuesOf } from '@ensemble/protocol/testing';
import { describe, expect, it } from 'vitest';
import {
  PerformanceCalculator,
  analyzeDrawdowns,
  calendarReturns,
  centralSums,
  computeMetrics,
  describeMetric,
  drawdownSeries,
  describePeriodsPerYearBasis,
  inferPeriodsPerYear,
  intradayCalendar,
  medianSpacingMs,
  periodsPerYearBasis,
  returnsFromEquity,
  rollingSharpe,
  timeWeightedIndex,
  turnoverOf,
  unboundedMetricText,
  weightTurnover,
} from './index';

const DAY = 86_400_000;
const time = Float64Array.from({ length: 6 }, (_, i) => i * DAY);
const equity = Float64Array.of(100, 101, 99, 102, 104, 103);
const curve = { time, equity };

describe('entry points given arguments of the wrong kind from JavaScript', () => {
  // Each failed inside as a TypeError ("Cannot read properties of undefined (reading 'equity')",
  // "Cannot read properties of null (reading 'length')", "fills is not iterable", …).
  const cases: [string, string, () => unknown, string[]][] = [
    ['computeMetrics', 'undefined', () => computeMetrics(undefined as never), ['input']],
    ['computeMetrics', 'null', () => computeMetrics(null as never), ['input']],
    ['computeMetrics', 'a number', () => computeMetrics(5 as never), ['input']],
    ['computeMetrics', 'an array', () => computeMetrics([] as never), ['input']],
    ['computeMetrics', 'an empty object', () => computeMetrics({} as never), ['input.equity']],
    ['computeMetrics', 'an equity curve without equity', () => computeMetrics({ equity: { time } } as never), ['input.equity.equity']],
    ['computeMetrics', 'options of a string', () => computeMetrics({ equity: curve }, 'x' as never), ['options']],
    ['PerformanceCalculator', 'options of a number', () => new PerformanceCalculator(5 as never), ['options']],
    ['PerformanceCalculator', 'a benchmark of a string', () => new PerformanceCalculator({ benchmark: 'SPY' as never }), ['benchmark']],
    ['PerformanceCalculator', 'a benchmark without values', () => new PerformanceCalculator({ benchmark: { time } as never }), ['benchmark.equity']],
    ['PerformanceCalculator', 'a logger of console', () => new PerformanceCalculator({ logger: console as never }), ['logger']],
    ['PerformanceCalculator.compute', 'null', () => new PerformanceCalculator().compute(null as never), ['input']],
    ['PerformanceCalculator.metrics', 'a number', () => new PerformanceCalculator().metrics(5 as never), ['input']],
    ['returnsFromEquity', 'undefined', () => returnsFromEquity(undefined as never), ['equity']],
    ['returnsFromEquity', 'a start of a string', () => returnsFromEquity(equity, '100' as never), ['start']],
    ['calendarReturns', 'nothing', () => (calendarReturns as (...args: unknown[]) => unknown)(), ['time', 'equity', 'period']],
    ['calendarReturns', 'a period of week', () => calendarReturns(time, equity, 'week' as never), ['period']],
    ['rollingSharpe', 'null', () => rollingSharpe(null as never, 3, 252), ['equity']],
    ['rollingSharpe', 'a start of a string', () => rollingSharpe(equity, 3, 252, 0, '100' as never), ['start']],
    ['rollingSharpe', 'no window', () => (rollingSharpe as (...args: unknown[]) => unknown)(equity), ['window', 'periodsPerYear']],
    ['timeWeightedIndex', 'a string', () => timeWeightedIndex('x' as never, 1), ['returns']],
    ['turnoverOf', 'an object', () => turnoverOf({} as never, equity, 252), ['fills']],
    ['turnoverOf', 'a string', () => turnoverOf('x' as never, equity, 252), ['fills']],
    ['weightTurnover', 'undefined', () => weightTurnover(undefined as never, {}), ['before']],
    ['centralSums', 'null', () => centralSums(null as never), ['values']],
    ['drawdownSeries', 'undefined', () => drawdownSeries(undefined as never), ['equity']],
    ['analyzeDrawdowns', 'an object', () => analyzeDrawdowns({} as never, equity), ['time']],
    ['medianSpacingMs', 'null', () => medianSpacingMs(null as never), ['time']],
    ['inferPeriodsPerYear', 'undefined', () => inferPeriodsPerYear(undefined as never), ['time']],
    ['intradayCalendar', 'undefined', () => intradayCalendar(undefined as never), ['time']],
    ['unboundedMetricText', 'a number', () => unboundedMetricText(5 as never), ['metric']],
    ['periodsPerYearBasis', 'nothing', () => (periodsPerYearBasis as (...args: unknown[]) => unknown)(), ['time', 'given']],
    ['describePeriodsPerYearBasis', 'a word of its own', () => describePeriodsPerYearBasis('inferred' as never), ['basis']],
    ['describeMetric', 'null', () => describeMetric(null as never), ['name']],
    // Records the metrics read: a trade without a P&L counted as a losing trade, a P&L "5" read as
    // 5, equity points of strings read as numbers, trades of null failed as "reading 'some'".
    ['computeMetrics', 'trades of null', () => computeMetrics({ equity: curve, trades: null } as never), ['input.trades']],
    ['computeMetrics', 'a trade without a P&L', () => computeMetrics({ equity: curve, trades: [{}] } as never), ['input.trades.0.pnl']],
    ['computeMetrics', 'a trade whose P&L is text', () => computeMetrics({ equity: curve, trades: [{ pnl: 5, barsHeld: 1 }, { pnl: '-3', barsHeld: 1 }] } as never), ['input.trades.1.pnl']],
    ['computeMetrics', 'a trade whose P&L is NaN', () => computeMetrics({ equity: curve, trades: [{ pnl: Number.NaN, barsHeld: 1 }] }), ['input.trades.0.pnl']],
    ['computeMetrics', 'a fill whose commission is NaN', () => computeMetrics({ equity: curve, fills: [{ quantity: 1, price: 10, commission: Number.NaN, slippage: 0 }] }), ['input.fills.0.commission']],
    ['computeMetrics', 'equity points of text', () => computeMetrics({ equity: [{ time: 0, equity: '100' }, { time: DAY, equity: 110 }] } as never), ['input.equity.0.equity']],
  ];

  it.each(cases)('%s given %s throws a ConfigError naming the argument', async (name, _given, call, paths) => {
    expect(await configIssuesOf(call)).toEqual({ heading: `Invalid arguments to ${name}:`, paths });
  });

  // Regression: daily times in epoch seconds read as bars 86.4 s apart in 1970 (periods per year
  // 68,250, a CAGR of 1e305, a Sharpe of 324).
  it('refuses times that look like epoch seconds, and takes millisecond minutes of 1970', () => {
    const start = Date.UTC(2024, 0, 1) / 1000;
    const seconds = Float64Array.from({ length: 30 }, (_, i) => start + i * 86_400);
    const values = Float64Array.from({ length: 30 }, (_, i) => 100 + i);
    expect(() => computeMetrics({ equity: { time: seconds, equity: values } })).toThrow('times look like epoch seconds, not milliseconds: every one falls before 1973-03-03 read as milliseconds, and they are whole minutes of seconds apart (86400 between the first two); give epoch milliseconds (the seconds × 1000)');
    const minutes = Float64Array.from({ length: 30 }, (_, i) => i * 60_000);
    expect(computeMetrics({ equity: { time: minutes, equity: values } }).metrics.totalReturn).toBeCloseTo(129 / 100 - 1, 12);
  });

  it('says what the argument must be and what it got', () => {
    expect(() => computeMetrics(undefined as never)).toThrow('input: must be an object with equity (an equity curve) and optionally trades, fills and startEquity; got undefined');
  });

  it('takes null options as absent and computes as before', () => {
    expect(computeMetrics({ equity: curve }, null as never)).toEqual(computeMetrics({ equity: curve }));
    expect(new PerformanceCalculator(null as never).compute({ equity: curve })).toEqual(computeMetrics({ equity: curve }));
    // Points, plain arrays and typed arrays are all still taken.
    const points = Array.from(time, (t, i) => ({ time: t, equity: equity[i] ?? 0, cash: 0 }));
    expect(computeMetrics({ equity: points }).metrics).toEqual(computeMetrics({ equity: curve }).metrics);
    expect(drawdownSeries([...equity])).toEqual(drawdownSeries(equity));
  });
});
