import type { BarSeries } from '@ensemble/protocol';
import { barSeriesFromCloses, createMemoryLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/helpers';
import type { RunConfigInput } from '../config';
import { runOrchestrator } from '../orchestrator';
import type { OrchestratorResult } from '../result';

// X and Y trade days 0–19, W only days 0–8 (a symbol delisted, or whose data ends).
const days = Array.from({ length: 20 }, (_, i) => Date.UTC(2020, 0, 6) + i * 86_400_000);
const xClose = (i: number) => 100 * 1.01 ** i;
const yClose = (i: number) => 50 * 0.99 ** i;
const wClose = (i: number) => 20 + i;
const LAST_W = 8;
const series: BarSeries[] = [
  barSeriesFromCloses('X', days, days.map((_, i) => xClose(i))),
  barSeriesFromCloses('Y', days, days.map((_, i) => yClose(i))),
  barSeriesFromCloses('W', days.slice(0, LAST_W + 1), days.slice(0, LAST_W + 1).map((_, i) => wClose(i))),
];

const CONFIG: RunConfigInput = {
  data: { dataset: 'test' },
  fill: 'close',
  fractional: true,
  closeAtEnd: true,
  allocation: { scheme: 'equal' },
  rebalance: { schedule: { everyBars: 5 } },
  checkInvariants: true,
  strategies: ['x', 'y', 'w'].map((id) => ({ id, strategy: 'buy-and-hold', symbols: [id.toUpperCase()] })),
};

const at = (result: OrchestratorResult, day: number) => result.rebalances.find((event) => event.time === days[day]);
const equityOf = (result: OrchestratorResult, id: string, day: number) => result.sleeves.find((sleeve) => sleeve.id === id)?.equity.equity[day] ?? Number.NaN;

describe('a sleeve whose symbols have all ended', () => {
  it('hands its capital to the others at the step after its last bar, not at the next scheduled rebalance (by hand)', () => {
    const logger = createMemoryLogger();
    const result = runOrchestrator(CONFIG, series, { registry: testRegistry, logger });
    // Days 0 and 5: thirds (equal weights), each sleeve fully invested in its symbol.
    const e5 = (100_000 / 3) * (xClose(5) / xClose(0) + yClose(5) / yClose(0) + wClose(5) / wClose(0));
    expect(at(result, 5)?.targetWeights).toEqual({ x: 1 / 3, y: 1 / 3, w: 1 / 3 });
    // Day 8, W's last bar: closeAtEnd sells W's book at that close; W's sleeve holds cash only.
    const wCash = (e5 / 3) * (wClose(LAST_W) / wClose(5));
    expect(result.sleeves[2]?.fills.at(-1)).toMatchObject({ symbol: 'W', side: 'sell', reason: 'close-at-end', time: days[LAST_W] });
    expect(equityOf(result, 'w', LAST_W)).toBeCloseTo(wCash, 6);
    // Day 9: W has finished, so the step rebalances at once (the schedule's next is day 10), and X
    // and Y each take half of the portfolio at that close.
    const e9 = (e5 / 3) * (xClose(9) / xClose(5)) + (e5 / 3) * (yClose(9) / yClose(5)) + wCash;
    const event = at(result, LAST_W + 1);
    expect(event?.reasons).toEqual(['sleeve-finished']);
    expect(event?.targetWeights).toEqual({ x: 0.5, y: 0.5, w: 0 });
    expect(event?.transfers.w).toBeCloseTo(-wCash, 6);
    expect(equityOf(result, 'w', LAST_W + 1)).toBe(0);
    expect(equityOf(result, 'x', LAST_W + 1)).toBeCloseTo(e9 / 2, 6);
    expect(equityOf(result, 'y', LAST_W + 1)).toBeCloseTo(e9 / 2, 6);
    // Day 10 (schedule): X and Y grew with their symbols from day 9, and are halves again.
    const e10 = (e9 / 2) * (xClose(10) / xClose(9) + yClose(10) / yClose(9));
    expect(equityOf(result, 'x', 10)).toBeCloseTo(e10 / 2, 6);
    expect(result.portfolio.equity.reserve[LAST_W + 1]).toBeCloseTo(0, 6);
    const logged = logger.records.filter((record) => record.fields.event === 'sleeve-finished');
    expect(logged.map((record) => [record.fields.strategy, record.fields.time])).toEqual([['w', new Date(days[LAST_W + 1] ?? 0).toISOString()]]);
  });

  it('keeps its share while it still holds a position in an ended symbol (no closeAtEnd): nothing to hand over', () => {
    const result = runOrchestrator({ ...CONFIG, closeAtEnd: false }, series, { registry: testRegistry });
    expect(at(result, LAST_W + 1)).toBeUndefined();
    expect(at(result, 10)?.targetWeights.w).toBeCloseTo(1 / 3, 15);
    expect(result.rebalances.every((entry) => !entry.reasons.includes('sleeve-finished'))).toBe(true);
  });

  it('fires only for a sleeve whose last bar was the step before, and only when it has cash to hand over', () => {
    // A never enters (cash only) and ends on day 8; B buys and holds V, which ends on day 12; Z has
    // a fixed weight of 0 (no capital) and ends on day 14; C trades X to the end. No closeAtEnd.
    const extra: BarSeries[] = [
      ...series,
      barSeriesFromCloses('V', days.slice(0, 13), days.slice(0, 13).map((_, i) => 30 + i)),
      barSeriesFromCloses('U', days.slice(0, 15), days.slice(0, 15).map((_, i) => 40 + i)),
    ];
    const result = runOrchestrator(
      {
        ...CONFIG,
        closeAtEnd: false,
        allocation: { scheme: 'fixed' },
        rebalance: { schedule: 'never' },
        strategies: [
          { id: 'a', strategy: 'scripted', params: { enterAt: [] }, symbols: ['W'], weight: 0.3 },
          { id: 'b', strategy: 'buy-and-hold', symbols: ['V'], weight: 0.3 },
          { id: 'z', strategy: 'buy-and-hold', symbols: ['U'], weight: 0 },
          { id: 'c', strategy: 'buy-and-hold', symbols: ['X'], weight: 0.4 },
        ],
      },
      extra,
      { registry: testRegistry },
    );
    // Day 9: A's cash goes (to the reserve, under fixed weights). Day 13 (B holds V, which cannot
    // trade) and day 15 (Z holds nothing to hand over) fire nothing, though A has still finished.
    expect(result.rebalances.map((event) => [days.indexOf(event.time), event.reasons])).toEqual([
      [0, ['initial']],
      [LAST_W + 1, ['sleeve-finished']],
    ]);
  });

  it('fires nothing for a sleeve sold out earlier that keeps only rounding dust', () => {
    // E falls and ends on bar 32; its sleeve is sold out for a target of 0 at bar 5 and keeps about
    // 7e-13 from the transfer's arithmetic. Bar 33 rebalanced (sleeve-finished) to move nothing.
    const bars = Array.from({ length: 50 }, (_, i) => Date.UTC(2021, 0, 1) + i * 86_400_000);
    const closes = (drift: number, from = 0) => bars.slice(from).map((_, i) => 100 * (1 + drift) ** i * (1 + 0.004 * (i % 2)));
    const data = [
      barSeriesFromCloses('L', bars.slice(8), closes(-0.01, 8)),
      barSeriesFromCloses('E', bars.slice(0, 33), closes(-0.008).slice(0, 33)),
      barSeriesFromCloses('UP', bars, closes(0.01)),
    ];
    const result = runOrchestrator(
      {
        data: { dataset: 'test' },
        cash: 10_000,
        fill: 'close',
        closeAtEnd: true,
        commission: { kind: 'fixed', amount: 1 },
        slippage: { kind: 'bps', bps: 5 },
        allocation: { scheme: 'performance', lookback: 5 },
        rebalance: { schedule: { everyBars: 5 } },
        strategies: [
          { id: 'late', strategy: 'buy-and-hold', symbols: ['L'] },
          { id: 'early', strategy: 'buy-and-hold', symbols: ['E'] },
          { id: 'up', strategy: 'buy-and-hold', symbols: ['UP'] },
        ],
      },
      data,
      { registry: testRegistry },
    );
    const early = result.sleeves[1]?.equity.equity[32] ?? Number.NaN;
    expect(early).toBeGreaterThanOrEqual(0);
    expect(early).toBeLessThan(1e-9);
    expect(result.rebalances.filter((event) => event.reasons.includes('sleeve-finished'))).toEqual([]);
  });
});

