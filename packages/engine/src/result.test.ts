import { barSeriesFromCloses } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { fixedWeights, flatBars, gbmSeries, randomSignals, scripted } from '../test/helpers';
import { runBacktest } from './backtest-engine';
import { JsonRows, jsonTextChunks } from './json-text';
import { backtestResultJsonRows, isoTimeFormatter, serializeBacktestResult } from './result';

describe('serializeBacktestResult', () => {
  const series = flatBars('A', '2024-01-01', [10, 11, 12, 13]);
  const result = runBacktest({ series, strategy: scripted({ enter: { 0: { side: 'long' } }, exit: [1] }), cash: 100 });

  it('turns the columns into points and every time into an ISO date', () => {
    const json = serializeBacktestResult(result);
    expect(json.version).toBe(1);
    expect(json.equity).toEqual([
      { time: '2024-01-01', equity: 100, cash: 100, grossExposure: 0 },
      { time: '2024-01-02', equity: 100, cash: 1, grossExposure: 99 },
      { time: '2024-01-03', equity: 109, cash: 109, grossExposure: 0 },
      { time: '2024-01-04', equity: 109, cash: 109, grossExposure: 0 },
    ]);
    expect(json.fills.map((f) => f.time)).toEqual(['2024-01-02', '2024-01-03']);
    expect(json.trades[0]).toEqual(expect.objectContaining({ entryTime: '2024-01-02', exitTime: '2024-01-03', pnl: 9 }));
    expect([json.startTime, json.endTime]).toEqual(['2024-01-01', '2024-01-04']);
    expect(json.options.rebalance).toBeNull();
  });

  it('is what JSON.stringify gives for the result itself, and survives a round trip', () => {
    const text = JSON.stringify(result);
    expect(text).toBe(JSON.stringify(serializeBacktestResult(result)));
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(serializeBacktestResult(result))));
    expect(Object.keys(result)).not.toContain('toJSON');
  });

  it('keeps the full instant for intraday data', () => {
    const hourly = barSeriesFromCloses('H', [Date.UTC(2024, 0, 1, 9), Date.UTC(2024, 0, 1, 10)], [1, 1]);
    const json = serializeBacktestResult(runBacktest({ series: hourly, strategy: scripted({}) }));
    expect(json.equity.map((p) => p.time)).toEqual(['2024-01-01T09:00:00.000Z', '2024-01-01T10:00:00.000Z']);
    expect(isoTimeFormatter([0])(86_400_000)).toBe('1970-01-02');
  });
});

describe('backtestResultJsonRows', () => {
  const results = [
    runBacktest({ series: flatBars('A', '2024-01-01', [10, 11, 12, 13]), strategy: scripted({ enter: { 0: { side: 'long' } }, exit: [1] }), cash: 100 }),
    runBacktest({
      series: [gbmSeries('X', 400, 1), gbmSeries('Y', 300, 2, { spacing: 3_600_000 })],
      strategy: randomSignals(7, { long: true, short: true, stops: true, strength: true }),
      commission: { kind: 'percent', rate: 0.001 },
      fractional: true,
    }),
    runBacktest({
      series: [gbmSeries('X', 300, 3), gbmSeries('Y', 300, 4)],
      strategy: fixedWeights({ X: 0.6, Y: 0.4 }, { kind: 'bars', every: 20 }),
      closeAtEnd: true,
    }),
    runBacktest({ series: gbmSeries('E', 1, 5), strategy: scripted({}) }),
  ];

  it('streams the same text as JSON.stringify of serializeBacktestResult, compact and indented', () => {
    for (const result of results) {
      const rows = backtestResultJsonRows(result);
      expect(rows.equity).toBeInstanceOf(JsonRows);
      for (const indent of [undefined, 2]) {
        const expected = JSON.stringify(serializeBacktestResult(result), null, indent);
        expect([...jsonTextChunks(rows, { indent, chunkSize: 512 })].join('')).toBe(expected);
        expect(JSON.stringify(rows, null, indent)).toBe(expected);
      }
    }
    expect(results[1]?.fills.length).toBeGreaterThan(20);
    expect(results[2]?.rebalances.length).toBeGreaterThan(5);
  });
});
