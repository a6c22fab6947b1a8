import type { BarSeries } from '@ensemble/protocol';
import { noopLogger } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { leveledLogger, testRegistry, throwingSleeves, walkSeries } from '../../test/helpers';
import type { Written } from '../../test/helpers';
import { parseRunConfig } from '../config';
import type { RunConfigInput } from '../config';
import { serializeOrchestratorResult } from '../result/json';
import type { OrchestratorOptions } from '../orchestrator';
import { HeldWarnings, writesWarningsOnly } from './held-warnings';
import { Orchestration } from './step-loop';

/** Five one-symbol sleeves on two symbols, whole units on little cash: entries shrunk and rejected at the opens (warnings), monthly-ish rebalances. */
function setting(): { config: RunConfigInput; series: BarSeries[] } {
  const series = [walkSeries('S0', 160, 7, 0.03, 900), walkSeries('S1', 160, 11, 0.03, 1_400)];
  const config: RunConfigInput = {
    data: { dataset: 'test' },
    cash: 6_000,
    fractional: false,
    commission: { kind: 'fixed', amount: 3 },
    allocation: { scheme: 'inverse-volatility', lookback: 10 },
    rebalance: { schedule: { everyBars: 9 } },
    strategies: Array.from({ length: 5 }, (_, i) => ({
      id: `s${i}`,
      strategy: 'random-signal',
      params: { seed: 40 + i, enter: 0.3, exit: 0.2 },
      symbols: [i % 2 === 0 ? 'S0' : 'S1'],
    })),
  };
  return { config, series };
}

function orchestration(config: RunConfigInput, series: readonly BarSeries[], options: OrchestratorOptions, blocks = true): Orchestration {
  return new Orchestration(parseRunConfig(config, { registry: testRegistry }), testRegistry, series, { registry: testRegistry, ...options }, blocks);
}

function usesBlocks(run: Orchestration): boolean {
  return (run as unknown as { blocks: unknown }).blocks !== null;
}

const json = (run: Orchestration): string => JSON.stringify(serializeOrchestratorResult(run.run()));

describe('a logger that writes warnings only', () => {
  it('is told from one that writes info events, and from one that cannot say', () => {
    expect(writesWarningsOnly(leveledLogger('warn', []))).toBe(true);
    expect(writesWarningsOnly(leveledLogger('info', []))).toBe(false);
    expect(writesWarningsOnly(noopLogger)).toBe(false);
  });

  it('lets the sleeves step in blocks, with the results and warnings of the bar-by-bar run, in bar order', () => {
    const { config, series } = setting();
    const inBlocks: Written[] = [];
    const byBar: Written[] = [];
    const blocks = orchestration(config, series, { logger: leveledLogger('warn', inBlocks) });
    const bars = orchestration(config, series, { logger: leveledLogger('warn', byBar) }, false);
    expect(usesBlocks(blocks)).toBe(true);
    expect(usesBlocks(bars)).toBe(false);
    const result = json(blocks);
    expect(result).toBe(json(bars));
    expect(result).toBe(json(orchestration(config, series, {})));
    // The setting does warn, at opens inside blocks, and every warning comes as bar by bar.
    expect(inBlocks.filter((event) => event.fields.event === 'order-rejected').length).toBeGreaterThan(3);
    expect(inBlocks).toEqual(byBar);
    const times = inBlocks.map((event) => Date.parse(String(event.fields.time)));
    expect(times.every((time, i) => i === 0 || time >= (times[i - 1] ?? Number.NaN))).toBe(true);
  });

  it("writes a run that a strategy's throw starts again bar by bar once, as bar by bar", () => {
    const { config, series } = throwingSleeves();
    const held: Written[] = [];
    const streamed: Written[] = [];
    const blocks = orchestration(config, series, { logger: leveledLogger('warn', held) });
    expect(usesBlocks(blocks)).toBe(true);
    expect(json(blocks)).toBe(json(orchestration(config, series, { logger: leveledLogger('warn', streamed) }, false)));
    expect(held.filter((event) => event.level === 'error' || event.level === 'warn').map((event) => event.fields.strategy)).toEqual(['early', 'late']);
    expect(held).toEqual(streamed);
  });

  it('skips, in a run a late throw starts again bar by bar, the warnings its first attempt wrote', () => {
    const { config, series } = setting();
    const failing: RunConfigInput = {
      ...config,
      errorPolicy: 'isolate',
      strategies: [...config.strategies, { id: 'thrower', strategy: 'throwing', params: { at: 120 }, symbols: ['S1'] }],
    };
    const held: Written[] = [];
    const streamed: Written[] = [];
    const blocks = orchestration(failing, series, { logger: leveledLogger('warn', held) });
    expect(usesBlocks(blocks)).toBe(true);
    expect(json(blocks)).toBe(json(orchestration(failing, series, { logger: leveledLogger('warn', streamed) }, false)));
    // Warnings before the throw were written by the first attempt, once.
    const before = held.filter((event) => Date.parse(String(event.fields.time)) < (series[1]?.time[119] ?? Number.NaN));
    expect(before.filter((event) => event.fields.event === 'order-rejected').length).toBeGreaterThan(3);
    expect(held.some((event) => event.fields.strategy === 'thrower')).toBe(true);
    expect(held).toEqual(streamed);
  });

  it('is not held for a logger that writes info events: every event comes as it happens, bar by bar', () => {
    const { config, series } = setting();
    const written: Written[] = [];
    const run = orchestration(config, series, { logger: leveledLogger('info', written) });
    expect(usesBlocks(run)).toBe(false);
    run.run();
    expect(written.some((event) => event.fields.event === 'rebalance')).toBe(true);
  });
});

describe('held warnings', () => {
  it('are written in bar order, one bar\'s in the order they came, and never more than 50,000 held at once', () => {
    const written: Written[] = [];
    const held = new HeldWarnings();
    const logger = held.wrap(leveledLogger('warn', written)).child({ strategy: 's' });
    logger.warn({ event: 'before-start', time: '2020-01-03' });
    expect(written).toHaveLength(1);
    held.start();
    logger.warn({ event: 'b', time: '2020-01-02' });
    logger.error({ event: 'a', time: '2020-01-01' });
    logger.warn({ event: 'c', time: '2020-01-02' });
    logger.warn('no time: after the event before it');
    logger.info({ event: 'dropped by the logger', time: '2020-01-01' });
    expect(written).toHaveLength(1);
    held.release();
    expect(written.map((event) => event.fields.event ?? event.fields.msg)).toEqual(['before-start', 'a', 'b', 'c', 'no time: after the event before it']);
    expect(written[1]).toEqual({ level: 'error', fields: { strategy: 's', event: 'a', time: '2020-01-01' } });
    written.length = 0;
    // 50,001 warnings, latest bar first: the first 50,000 are written as one batch in bar order.
    for (let i = 50_000; i >= 0; i--) logger.warn({ event: 'many', time: new Date(Date.UTC(2000, 0, 1) + i * 60_000).toISOString() });
    expect(written).toHaveLength(50_000);
    expect(written[0]?.fields.time).toBe('2000-01-01T00:01:00.000Z');
    held.release();
    expect(written.at(-1)?.fields.time).toBe('2000-01-01T00:00:00.000Z');
    expect(held.written).toBe(50_006);
  });
});

describe('a progress callback', () => {
  it('lets the sleeves step in blocks, reported in increasing steps up to the last, with the same result', () => {
    const { config, series } = setting();
    const calls: [number, number][] = [];
    const run = orchestration(config, series, {
      onProgress: (done, total) => {
        calls.push([done, total]);
      },
    });
    expect(usesBlocks(run)).toBe(true);
    expect(json(run)).toBe(json(orchestration(config, series, {}, false)));
    expect(calls.at(-1)).toEqual([160, 160]);
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.every(([done, total], i) => total === 160 && (i === 0 || done > (calls[i - 1]?.[0] ?? Number.NaN)))).toBe(true);
  });
});
