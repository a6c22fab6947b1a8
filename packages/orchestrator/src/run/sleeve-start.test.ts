import type { BarSeries } from '@ensemble/protocol';
import { barSeriesFromCloses, createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/helpers';
import { parseRunConfig } from '../config';
import type { RunConfigInput } from '../config';
import { runOrchestrator } from '../orchestrator';
import type { OrchestratorResult } from '../result';
import { serializeOrchestratorResult } from '../result/json';
import { Orchestration } from './step-loop';

// X and Y trade days 0–19, Z only from day 7 (a symbol listed later, as GOOG in stocks5).
const days = Array.from({ length: 20 }, (_, i) => Date.UTC(2020, 0, 6) + i * 86_400_000);
const xClose = (i: number) => 100 * 1.01 ** i;
const yClose = (i: number) => 50 * 0.99 ** i;
const zClose = (i: number) => 20 + i;
const series: BarSeries[] = [
  barSeriesFromCloses('X', days, days.map((_, i) => xClose(i))),
  barSeriesFromCloses('Y', days, days.map((_, i) => yClose(i))),
  barSeriesFromCloses('Z', days.slice(7), days.slice(7).map((_, i) => zClose(i + 7))),
];
const STARTS = 7;

function config(options: Partial<RunConfigInput> = {}, weights: readonly [number, number, number] | null = null): RunConfigInput {
  const ids = ['x', 'y', 'z'] as const;
  return {
    data: { dataset: 'test' },
    fill: 'close',
    fractional: true,
    rebalance: { schedule: { everyBars: 5 } },
    checkInvariants: true,
    strategies: ids.map((id, k) => ({ id, strategy: 'buy-and-hold', symbols: [id.toUpperCase()], ...(weights === null ? {} : { weight: weights[k] }) })),
    ...options,
  };
}

const at = (result: OrchestratorResult, day: number) => result.rebalances.find((event) => event.time === days[day]);
const equityOf = (result: OrchestratorResult, id: string, day: number) => result.sleeves.find((sleeve) => sleeve.id === id)?.equity.equity[day] ?? Number.NaN;

describe('a sleeve whose symbols have not started yet', () => {
  it('gets no capital until its first bar, which rebalances (equal weights, fills at the close; by hand)', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(config({ allocation: { scheme: 'equal' } }), series, { registry: testRegistry, logger });
    // Day 0: X and Y half each, Z nothing (it would hold its third in cash for 7 days).
    expect(at(result, 0)?.targetWeights).toEqual({ x: 0.5, y: 0.5, z: 0 });
    expect(result.sleeves.map((sleeve) => sleeve.initialCash)).toEqual([50_000, 50_000, 0]);
    expect(result.portfolio.equity.reserve[0]).toBe(0);
    // Buy and hold, fully invested with fractional units: each sleeve grows with its symbol.
    const e5 = 50_000 * (xClose(5) / xClose(0)) + 50_000 * (yClose(5) / yClose(0));
    expect(at(result, 5)?.targetWeights).toEqual({ x: 0.5, y: 0.5, z: 0 });
    expect(equityOf(result, 'x', 5)).toBeCloseTo(e5 / 2, 6);
    // Day 7, Z's first bar, between the scheduled rebalances of days 5 and 10: a rebalance brings
    // every sleeve to a third, and Z's strategy buys at that close with its new capital.
    const e7 = (e5 / 2) * (xClose(7) / xClose(5)) + (e5 / 2) * (yClose(7) / yClose(5));
    const event = at(result, STARTS);
    expect(event?.reasons).toEqual(['sleeve-started']);
    expect(event?.targetWeights).toEqual({ x: 1 / 3, y: 1 / 3, z: 1 / 3 });
    expect(event?.transfers.z).toBeCloseTo(e7 / 3, 6);
    for (const id of ['x', 'y', 'z']) expect(equityOf(result, id, STARTS)).toBeCloseTo(e7 / 3, 6);
    // Day 10 (schedule): each third grew with its symbol from day 7.
    const e10 = (e7 / 3) * (xClose(10) / xClose(7) + yClose(10) / yClose(7) + zClose(10) / zClose(7));
    expect(result.portfolio.equity.equity[10]).toBeCloseTo(e10, 6);
    for (const id of ['x', 'y', 'z']) expect(equityOf(result, id, 10)).toBeCloseTo(e10 / 3, 6);
    expect(result.rebalances.map((e) => e.reason)).toEqual(['initial', 'schedule', 'sleeve-started', 'schedule', 'schedule']);
    // Logged once, at the first allocation that left it out.
    expect(logger.records.filter((record) => record.fields.event === 'sleeve-not-started').map((record) => record.fields)).toEqual([
      expect.objectContaining({ strategy: 'z', time: '2020-01-06T00:00:00.000Z', starts: '2020-01-13T00:00:00.000Z' }),
    ]);
    // Z's metrics: its time-weighted return from its first capital (Z from 27 to 39).
    const z = result.sleeves.find((sleeve) => sleeve.id === 'z');
    expect(z?.metrics.metrics.totalReturn).toBeCloseTo(zClose(19) / zClose(7) - 1, 9);
  });

  it('with next-open fills, is funded at the open after its first close, where its entry fills', () => {
    const result = runOrchestrator(config({ fill: 'next-open', allocation: { scheme: 'equal' } }), series, { registry: testRegistry });
    // Open = close in these series. Day 0: X and Y buy at day 1's open; day 5's rebalance moves at day 6's open.
    const e6 = 50_000 * (xClose(6) / xClose(1)) + 50_000 * (yClose(6) / yClose(1));
    const e8 = (e6 / 2) * (xClose(8) / xClose(6)) + (e6 / 2) * (yClose(8) / yClose(6));
    const event = at(result, STARTS);
    expect(event?.reasons).toEqual(['sleeve-started']);
    expect(event?.transfers.z).toBeCloseTo(e8 / 3, 6);
    // Z's buy of day 7's close fills at day 8's open on its third.
    for (const id of ['x', 'y', 'z']) expect(equityOf(result, id, 8)).toBeCloseTo(e8 / 3, 6);
    expect(result.sleeves[2]?.fills.filter((fill) => fill.reason !== 'transfer').map((fill) => [fill.time, fill.quantity])).toEqual([[days[8], expect.closeTo(e8 / 3 / zClose(8), 9)]]);
  });

  it('with fixed weights, leaves its weight in the reserve until it starts', () => {
    const result = runOrchestrator(config({ allocation: { scheme: 'fixed' } }, [0.4, 0.4, 0.2]), series, { registry: testRegistry });
    expect(at(result, 0)?.targetWeights).toEqual({ x: 0.4, y: 0.4, z: 0 });
    expect(result.portfolio.equity.reserve[0]).toBeCloseTo(20_000, 9);
    const e5 = 40_000 * (xClose(5) / xClose(0)) + 40_000 * (yClose(5) / yClose(0)) + 20_000;
    expect(at(result, 5)?.targetWeights).toEqual({ x: 0.4, y: 0.4, z: 0 });
    expect(result.portfolio.equity.reserve[5]).toBeCloseTo(0.2 * e5, 6);
    const e7 = 0.4 * e5 * (xClose(7) / xClose(5) + yClose(7) / yClose(5)) + 0.2 * e5;
    expect(at(result, STARTS)?.targetWeights).toEqual({ x: 0.4, y: 0.4, z: 0.2 });
    expect(equityOf(result, 'z', STARTS)).toBeCloseTo(0.2 * e7, 6);
    expect(result.portfolio.equity.reserve[STARTS]).toBeCloseTo(0, 6);
  });

  it('under inverse volatility, gets the neutral share until its window holds only its own returns', () => {
    const result = runOrchestrator(config({ allocation: { scheme: 'inverse-volatility', lookback: 5 } }), series, { registry: testRegistry });
    expect(at(result, 0)?.targetWeights.z).toBe(0);
    expect(at(result, 5)?.targetWeights.z).toBe(0);
    // Day 10's window (days 5–9) holds Z's returns of days 5–7, before it had capital: none.
    expect(at(result, 10)?.unestimated.z).toBe('non-finite');
    expect(at(result, 10)?.targetWeights.z).toBeCloseTo(1 / 3, 12);
    // Day 15's window (days 10–14) is Z's own: estimated (its σ is X's and Y's scale or not, it is measured).
    expect(at(result, 15)?.unestimated.z).toBeUndefined();
  });

  it('with `never`, is still funded at its first bar (its start is its initial allocation)', () => {
    const result = runOrchestrator(config({ allocation: { scheme: 'equal' }, rebalance: { schedule: 'never' } }), series, { registry: testRegistry });
    expect(result.rebalances.map((event) => [event.time, event.reason])).toEqual([
      [days[0], 'initial'],
      [days[STARTS], 'sleeve-started'],
    ]);
    expect(equityOf(result, 'z', 19)).toBeGreaterThan(0);
  });

  it('counts as started once any of its symbols has a bar (a portfolio strategy over X and Z)', () => {
    const result = runOrchestrator(
      {
        ...config({ allocation: { scheme: 'equal' } }),
        strategies: [
          { id: 'xz', strategy: 'equal-weight', params: { rebalance: 'month' }, symbols: ['X', 'Z'] },
          { id: 'y', strategy: 'buy-and-hold', symbols: ['Y'] },
        ],
      },
      series,
      { registry: testRegistry },
    );
    expect(at(result, 0)?.targetWeights).toEqual({ xz: 0.5, y: 0.5 });
    expect(result.rebalances.some((event) => event.reasons.includes('sleeve-started'))).toBe(false);
  });

  it('keeps its start weight as a shadow in shared mode (shadows are never funded again)', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator({ ...config({ allocation: { scheme: 'equal' }, mode: 'shared' }), fill: 'close' }, series, { registry: testRegistry, logger });
    for (const sleeve of result.sleeves) expect(sleeve.initialCash).toBeCloseTo(100_000 / 3, 9);
    expect(result.rebalances.some((event) => event.reasons.includes('sleeve-started'))).toBe(false);
    expect(logger.records.some((record) => record.fields.event === 'sleeve-not-started')).toBe(false);
  });

  it('gives the same result sleeve by sleeve as bar by bar (the start step runs bar by bar)', () => {
    const input = config({ fill: 'next-open', checkInvariants: false, allocation: { scheme: 'equal' }, rebalance: { schedule: 'never' } });
    const parsed = parseRunConfig(input, { registry: testRegistry });
    const run = (blocks: boolean) => JSON.stringify(serializeOrchestratorResult(new Orchestration(parsed, testRegistry, series, { registry: testRegistry }, blocks).run()));
    const blocks = run(true);
    expect(blocks).toBe(run(false));
    expect((JSON.parse(blocks) as { rebalances: { reason: string }[] }).rebalances.map((event) => event.reason)).toEqual(['initial', 'sleeve-started']);
  });
});
