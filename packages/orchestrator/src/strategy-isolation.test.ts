import type { BarSeries, EntrySignal, Position, Strategy, StrategyContext, StrategyDefinition } from '@ensemble/protocol';
import { StrategyError } from '@ensemble/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testRegistry, walkSeries } from '../test/helpers';
import type { RunConfigInput, StrategyRegistry } from './config';
import { runOrchestrator } from './orchestrator';
import { serializeOrchestratorResult } from './result/json';
import type { OrchestratorResult } from './result';

/*
 * A strategy run by the orchestrator can neither corrupt the books (its position, its account,
 * the data other sleeves see) nor fail anonymously — in sleeves mode and in shared mode.
 */

const Params = z.strictObject({});

/** Buys on bar 1 of each symbol and holds; `hook` runs on every decision. */
function holder(id: string, hook: (context: StrategyContext, position: Position | null) => void, extra: Partial<Strategy> = {}): Strategy {
  return {
    id,
    warmup: 1,
    shouldEnter: (context) => {
      hook(context, null);
      return context.index === 1 ? { side: 'long' } : null;
    },
    shouldExit: (context, position) => {
      hook(context, position);
      return false;
    },
    ...extra,
  };
}

function define(name: string, create: (id: string) => Strategy): StrategyDefinition {
  return { name, kind: 'signal', description: `test strategy ${name}`, schema: Params, create: (_params, id) => create(id) };
}

const nothing = () => undefined;

const quantityWriter = define('holder', (id) =>
    holder(id, (context, position) => {
      if (position === null) return;
      try {
        (position as { quantity: number }).quantity = 1e9;
      } catch {
        // a frozen snapshot: strict-mode code gets a TypeError, which this strategy ignores
      }
      try {
        (context.account as { cash: number }).cash = 1e12;
      } catch {
        // read-only
      }
    }),
);

const closeFiller = define('indicators', (id) => holder(id, nothing, { indicators: (series: BarSeries) => ({ filled: series.close.fill(42) }) }));

const registry: StrategyRegistry = {
  ...testRegistry,
  holder: define('holder', (id) => holder(id, nothing)),
  indicators: define('indicators', (id) => holder(id, nothing, { indicators: (series: BarSeries) => ({ filled: new Float64Array(series.length).fill(42) }) })),
  'open-writer': define('open-writer', (id) =>
    holder(id, (context) => {
      if (context.index !== 10) return;
      const view = context.history('open');
      new Float64Array(view.buffer, view.byteOffset)[51] = 1;
    }),
  ),
  'null-indicators': define('null-indicators', (id) => holder(id, nothing, { indicators: (() => null) as unknown as Strategy['indicators'] & object })),
  'string-strength': define('string-strength', (id) => ({
    ...holder(id, nothing),
    shouldEnter: (context: StrategyContext) => (context.index === 3 ? ({ side: 'long', strength: '0.5' } as unknown as EntrySignal) : null),
  })),
};

const modes = ['sleeves', 'shared'] as const;

function config(mode: (typeof modes)[number], strategies: RunConfigInput['strategies'], errorPolicy: 'fail' | 'isolate' = 'fail'): RunConfigInput {
  return {
    data: { dataset: 'test' },
    mode,
    cash: 100_000,
    rebalance: { schedule: 'month' },
    checkInvariants: true,
    errorPolicy,
    strategies,
  };
}

function data(): BarSeries[] {
  return [walkSeries('W', 80, 3), walkSeries('V', 80, 4, 0.02, 60)];
}

function failure(run: () => unknown): StrategyError {
  try {
    run();
  } catch (error) {
    if (StrategyError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a StrategyError');
}

/** 'same' when both results have the same JSON, else where they first differ. */
function compare(a: OrchestratorResult, b: OrchestratorResult): string {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return i === x.length && i === y.length ? 'same' : `differ at ${i}: …${x.slice(i - 60, i + 60)}… vs …${y.slice(i - 60, i + 60)}…`;
}

describe.each(modes)('a strategy cannot corrupt the books, in %s mode', (mode) => {
  it('p.quantity = 1e9 and ctx.account.cash = 1e12 change nothing', () => {
    const strategies = [{ id: 'a', strategy: 'holder', symbols: ['W', 'V'] }, { id: 'b', strategy: 'holder', symbols: ['W'] }];
    const honest = runOrchestrator(config(mode, strategies), data(), { registry });
    // The same config, but strategy "a" is the tampering one.
    const tampered = runOrchestrator(config(mode, strategies), data(), {
      registry: { ...registry, holder: { ...quantityWriter, create: (params, id) => (id === 'a' ? quantityWriter : registry.holder ?? quantityWriter).create(params, id) } },
    });
    expect(compare(tampered, honest)).toBe('same');
    // cash + positions = equity, for the portfolio and every sleeve.
    const positions = (list: readonly { marketValue: number; quantity: number }[]) => list.reduce((sum, p) => sum + p.marketValue, 0);
    expect(tampered.portfolio.openPositions.length).toBeGreaterThan(0);
    for (const p of tampered.portfolio.openPositions) expect(p.quantity).toBeLessThan(1e6);
    for (const sleeve of tampered.sleeves) expect(sleeve.finalEquity).toBeCloseTo(sleeve.finalCash + positions(sleeve.openPositions), 6);
  });

  it('indicators() writing close.fill(42) does not change what the other strategies see', () => {
    const strategies = [{ id: 'f', strategy: 'indicators', symbols: ['W'] }, { id: 'b', strategy: 'holder', symbols: ['W', 'V'] }];
    const plain = runOrchestrator(config(mode, strategies), data(), { registry });
    const filler = runOrchestrator(config(mode, strategies), data(), { registry: { ...registry, indicators: closeFiller } });
    expect(compare(filler, plain)).toBe('same');
    expect(filler.sleeves[1]?.fills[0]?.price).not.toBe(42);
  });

  it('a write to open[51] fails the run under checkInvariants, naming the strategies that trade the symbol', () => {
    const alone = failure(() => runOrchestrator(config(mode, [{ id: 'vandal', strategy: 'open-writer', symbols: ['V'] }, { id: 'b', strategy: 'holder', symbols: ['W'] }]), data(), { registry }));
    expect([alone.strategyId, alone.symbol]).toEqual(['vandal', 'V']);
    // The bar written is named by its date too: V's 52nd.
    const date51 = new Date(data().find((s) => s.symbol === 'V')?.time[51] ?? Number.NaN).toISOString().slice(0, 10);
    expect(alone.message).toMatch(new RegExp(`^Strategy "vandal" failed on V: changed its input data: open\\[51\\] of V \\(the bar of ${date51}\\) was [\\d.]+ and is now 1\\. `));
    const shared = failure(() => runOrchestrator(config(mode, [{ id: 'vandal', strategy: 'open-writer', symbols: ['V'] }, { id: 'b', strategy: 'holder', symbols: ['W', 'V'] }]), data(), { registry }));
    expect([shared.strategyId, shared.symbol]).toEqual(['vandal or b', 'V']);
  });

  it('indicators() returning null is a StrategyError naming the strategy and the symbol', () => {
    const error = failure(() => runOrchestrator(config(mode, [{ id: 'b', strategy: 'holder', symbols: ['W'] }, { id: 'empty', strategy: 'null-indicators', symbols: ['V'] }]), data(), { registry }));
    expect([error.strategyId, error.symbol]).toEqual(['empty', 'V']);
    expect(error.message).toMatch(/^Strategy "empty" failed on V: indicators\(\) returned null; it must return an object of Float64Array columns/);
  });

  it('an entry strength "0.5" (a string) is rejected, naming strategy, symbol, bar and field; isolate isolates it', () => {
    const series = data();
    const error = failure(() => runOrchestrator(config(mode, [{ id: 'stringy', strategy: 'string-strength', symbols: ['W'] }, { id: 'b', strategy: 'holder', symbols: ['W'] }]), series, { registry }));
    expect([error.strategyId, error.symbol, error.time]).toEqual(['stringy', 'W', series[0]?.time[3]]);
    expect(error.message).toBe('Strategy "stringy" failed on W at 2020-01-04: shouldEnter returned strength "0.5" (a string); it must be a number within 0..1');
    const isolated = runOrchestrator(config(mode, [{ id: 'stringy', strategy: 'string-strength', symbols: ['W'] }, { id: 'b', strategy: 'holder', symbols: ['W'] }], 'isolate'), data(), { registry });
    expect(isolated.isolated.map((event) => [event.strategyId, event.symbol])).toEqual([['stringy', 'W']]);
    // The error itself stays reachable (its cause holds the stack), outside the JSON form.
    const event = isolated.isolated[0];
    expect(StrategyError.isInstance(event?.error)).toBe(true);
    expect(event?.error?.message).toBe(event?.message);
    expect((event?.error?.cause as Error | undefined)?.message).toBe('shouldEnter returned strength "0.5" (a string); it must be a number within 0..1');
    expect(Object.keys(event ?? {})).toEqual(['strategyId', 'symbol', 'time', 'message']);
    expect(JSON.stringify(serializeOrchestratorResult(isolated).isolated)).not.toContain('"error"');
  });
});

// Regression: under policy `net` a flat voter's vote dilutes the target (two longs and a flat
// strategy: 2/3); a strategy isolated while flat left its vote in the target until another
// strategy's wish changed (with no other change, to the end of the run).
describe('shared mode: an isolated strategy leaves the votes at once', () => {
  const toggler = define('toggler', (id) => ({
    id,
    warmup: 1,
    shouldEnter: (context) => {
      if (context.index >= 40) throw new Error('kaboom');
      return context.index === 1 ? { side: 'long' } : null;
    },
    shouldExit: (context) => context.index >= 20,
  }));

  it('the net target is voted again without it', () => {
    const strategies = [
      { id: 'a', strategy: 'holder', symbols: ['W'] },
      { id: 'b', strategy: 'holder', symbols: ['W'] },
      { id: 'c', strategy: 'toggler', symbols: ['W'] },
    ];
    const result = runOrchestrator(
      { ...config('shared', strategies, 'isolate'), conflictPolicy: 'net', fill: 'close', fractional: true, rebalance: { schedule: 'never' } },
      [walkSeries('W', 80, 3)],
      { registry: { ...registry, toggler } },
    );
    expect(result.isolated.map((event) => event.strategyId)).toEqual(['c']);
    const series = walkSeries('W', 80, 3);
    const fills = result.portfolio.fills.map((fill) => [series.time.indexOf(fill.time), fill.side]);
    // Bar 1: all three long (target 1). Flat c at bar 20: two of three (2/3), a sale. Bar 40: c
    // isolated, a and b alone are long: target 1 again, a purchase at that close.
    expect(fills).toEqual([
      [1, 'buy'],
      [20, 'sell'],
      [40, 'buy'],
    ]);
    // Fully invested from bar 40 to the end, as two long votes of two ask: no cash left.
    expect(Math.abs(result.finalCash)).toBeLessThan(1e-9 * result.finalEquity);
  });
});

// Regression: an async create failed as "reading 'length'", and a strategy without an id crashed
// the error that should have named it.
describe('what a definition creates is checked before it runs', () => {
  const makers: [string, (id: string) => unknown, string][] = [
    ['an async create', (id) => Promise.resolve(holder(id, nothing)), 'returned a Promise: create runs synchronously'],
    ['a strategy without an id', () => ({ ...holder('x', nothing), id: undefined }), 'returned a strategy without an id: give it the id create is called with ("odd")'],
    ['a strategy without shouldExit', (id) => ({ id, warmup: 1, shouldEnter: () => null }), 'returned a strategy without shouldExit'],
  ];
  it.each(makers)('%s fails naming the entry', (_, make, message) => {
    const odd: StrategyDefinition = { name: 'odd', kind: 'signal', description: 'test', schema: Params, create: (_params, id) => make(id) as Strategy };
    const error = failure(() => runOrchestrator(config('sleeves', [{ id: 'odd', strategy: 'odd', symbols: ['W'] }]), data(), { registry: { ...registry, odd } }));
    expect(error.strategyId).toBe('odd');
    expect(error.refused).toBe(true);
    expect(error.message).toContain(message);
  });
});
