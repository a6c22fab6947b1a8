import type { BarSeries, Logger } from '@ensemble/protocol';
import { barSeriesFromBars, seriesToBars } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leveledLogger, prng, testRegistry, throwingSleeves, walkSeries } from '../../test/helpers';
import type { Written } from '../../test/helpers';
import { parseRunConfig } from '../config';
import type { RunConfigInput } from '../config';
import { serializeOrchestratorResult } from '../result/json';
import { Orchestration } from './step-loop';

/** 1–3 symbols of 30–90 seeded bars; symbols after the first miss some dates. */
const seriesSet = fc
  .record({
    count: fc.integer({ min: 1, max: 3 }),
    length: fc.integer({ min: 30, max: 90 }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    gaps: fc.double({ min: 0, max: 0.3, noNaN: true }),
  })
  .map(({ count, length, seed, gaps }): BarSeries[] =>
    Array.from({ length: count }, (_, k) => {
      const full = walkSeries(`S${k}`, length, seed + k * 7919, 0.03, 20 + 40 * k);
      if (k === 0 || gaps === 0) return full;
      const random = prng(seed * 31 + k);
      const kept = seriesToBars(full).filter(() => random() >= gaps);
      return barSeriesFromBars(full.symbol, kept.length > 0 ? kept : seriesToBars(full).slice(0, 1));
    }),
  );

/** One-symbol sleeves of the seeded random strategy (some with stops), several on the same symbol so they cross. */
const sleeves = fc.array(
  fc.record({
    symbol: fc.integer({ min: 0, max: 2 }),
    seed: fc.integer({ min: 1, max: 1_000 }),
    enter: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
    exit: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
    short: fc.constantFrom(0, 0.3),
  }),
  { minLength: 1, maxLength: 6 },
);

const settings = fc.record({
  // Blocks as long as the recorder makes them, or at most a few steps (a value per sleeve and step of a block row).
  blockRow: fc.constantFrom<true | number>(true, 1, 12),
  schedule: fc.constantFrom<NonNullable<RunConfigInput['rebalance']>['schedule']>('never', 'month', 'week', { everyBars: 7 }),
  scheme: fc.constantFrom('equal' as const, 'inverse-volatility' as const),
  rate: fc.constantFrom(0, 0.001, 0.01),
  bps: fc.constantFrom(0, 5),
  fractional: fc.boolean(),
  crossing: fc.boolean(),
  closeAtEnd: fc.boolean(),
  transfers: fc.constantFrom('pro-rata' as const, 'cash' as const),
  // Leverage lends the sleeves beyond the portfolio's cash: at 30 a loss of a thirtieth leaves it
  // below zero, margin-called as a whole (a block that finds it so goes bar by bar).
  leverage: fc.constantFrom(1, 1, 3, 30),
});

function run(config: RunConfigInput, series: readonly BarSeries[], blocks: boolean | number, logger?: Logger): string {
  const parsed = parseRunConfig(config, { registry: testRegistry });
  return JSON.stringify(serializeOrchestratorResult(new Orchestration(parsed, testRegistry, series, { registry: testRegistry, logger }, blocks).run()));
}

describe('sleeve-by-sleeve blocks', () => {
  it('give the same result, bit for bit, as stepping every sleeve bar by bar', () => {
    let marginCalled = 0;
    fc.assert(
      fc.property(seriesSet, sleeves, settings, (series, entries, options) => {
        const config: RunConfigInput = {
          data: { dataset: 'test' },
          cash: 100_000,
          commission: { kind: 'percent', rate: options.rate },
          slippage: { kind: 'bps', bps: options.bps },
          fractional: options.fractional,
          crossing: options.crossing,
          closeAtEnd: options.closeAtEnd,
          transfers: options.transfers,
          // "equal" reads no lookback (a config error there).
          allocation: { scheme: options.scheme, ...(options.scheme === 'equal' ? {} : { lookback: 10 }), leverage: options.leverage },
          rebalance: { schedule: options.schedule },
          strategies: entries.map((entry, i) => ({
            id: `s${i}`,
            strategy: 'random-signal',
            params: { seed: entry.seed, enter: entry.enter, exit: entry.exit, short: entry.short },
            symbols: [series[Math.min(entry.symbol, series.length - 1)]?.symbol ?? 'S0'],
          })),
        };
        const byBar = run(config, series, false);
        expect(run(config, series, options.blockRow)).toBe(byBar);
        if ((JSON.parse(byBar) as { halted: { reason: string } | null }).halted?.reason === 'margin-call') marginCalled++;
        // A logger that writes warnings only: blocks too, its warnings held and written as bar by bar.
        const held: Written[] = [];
        const streamed: Written[] = [];
        expect(run(config, series, options.blockRow, leveledLogger('warn', held))).toBe(byBar);
        run(config, series, false, leveledLogger('warn', streamed));
        expect(held).toEqual(streamed);
      }),
      { numRuns: 60 },
    );
    // The property met portfolios margin-called as a whole.
    expect(marginCalled).toBeGreaterThan(0);
  });

  it('hand a strategy failure to the bar-by-bar run (the error policy acts in bar order)', () => {
    const { config, series } = throwingSleeves();
    const blocks = JSON.parse(run(config, series, true)) as { isolated: { strategyId: string }[] };
    expect(blocks.isolated.map((event) => event.strategyId)).toEqual(['early', 'late']);
    expect(run(config, series, true)).toBe(run(config, series, false));
  });
});
