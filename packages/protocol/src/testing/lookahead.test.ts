import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../bars';
import { LookaheadError, StrategyError } from '../errors';
import type { PortfolioStrategy, Strategy, StrategyContext } from '../strategy';
import { zigzagSeries } from './fixtures.test-helpers';
import { checkLookahead } from './lookahead';

function movingAverage(values: Float64Array, period: number, shift = 0): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let i = 0; i < values.length; i++) {
    const end = i + shift;
    if (end - period + 1 < 0 || end >= values.length) continue;
    let sum = 0;
    for (let k = end - period + 1; k <= end; k++) sum += values[k] ?? 0;
    out[i] = sum / period;
  }
  return out;
}

/** Honest: a 5-bar SMA of bars 0..i. */
const honest: Strategy = {
  id: 'honest-sma',
  warmup: 5,
  indicators: (series: BarSeries) => ({ sma: movingAverage(series.close, 5) }),
  shouldEnter: (context) => (context.close() > context.indicator('sma') ? { side: 'long' } : null),
  shouldExit: (context) => context.close() < context.indicator('sma'),
};

/** Peeks: its "SMA" at bar i ends at bar i + 1. */
const peeking: Strategy = {
  ...honest,
  id: 'peeking-sma',
  indicators: (series: BarSeries) => ({ sma: movingAverage(series.close, 5, 1) }),
};

const series = zigzagSeries('ZZ', 120);

/** The close after the current bar, read through the buffer behind a history view (look-ahead). */
function nextClose(context: StrategyContext): number | undefined {
  const view = context.history('close');
  return new Float64Array(view.buffer, view.byteOffset)[context.index + 1];
}

describe('checkLookahead', () => {
  it('passes an honest strategy and counts its comparisons', () => {
    const report = checkLookahead(honest, series);
    expect(report.ok).toBe(true);
    expect(report.violations).toEqual([]);
    expect(report.comparisons).toBeGreaterThan(1000);
  });

  it('catches a strategy whose indicator uses the next bar', () => {
    const report = checkLookahead(peeking, series, { throwOnViolation: false });
    expect(report.ok).toBe(false);
    const first = report.violations[0];
    expect(first?.symbol).toBe('ZZ');
    // The decision that changes is the one on the last bar of a truncated history.
    expect(first?.index).toBe((first?.truncatedAt ?? 0) - 1);
    expect(() => checkLookahead(peeking, series)).toThrow(LookaheadError);
    expect(() => checkLookahead(peeking, series)).toThrow(/peeking-sma.*decision\(s\) changed/s);
  });

  it('catches a peek several bars ahead, on several series', () => {
    const farPeek: Strategy = { ...honest, id: 'far', indicators: (s: BarSeries) => ({ sma: movingAverage(s.close, 5, 4) }) };
    const report = checkLookahead(farPeek, [series, zigzagSeries('YY', 80, 3)], { throwOnViolation: false });
    expect(new Set(report.violations.map((v) => v.symbol))).toEqual(new Set(['ZZ', 'YY']));
  });

  it('checks exits as well as entries', () => {
    const exitPeek: Strategy = {
      id: 'exit-peek',
      warmup: 2,
      indicators: (s: BarSeries) => ({ next: Float64Array.from(s.close, (_, i) => s.close[i + 1] ?? Number.NaN) }),
      shouldEnter: () => null,
      shouldExit: (context) => context.indicator('next') < context.close(),
    };
    const report = checkLookahead(exitPeek, series, { throwOnViolation: false });
    expect(report.violations.some((v) => v.decision === 'exit-long')).toBe(true);
    expect(report.violations.every((v) => v.decision !== 'enter')).toBe(true);
  });

  const momentum: PortfolioStrategy = {
    kind: 'portfolio',
    id: 'momentum',
    warmup: 10,
    rebalance: { kind: 'calendar', period: 'month' },
    targetWeights: (context) => {
      const scores = context.tradable.map((symbol) => {
        const bars = context.bars(symbol);
        return bars === null ? 0 : bars.close() / bars.close(9) - 1;
      });
      const best = context.tradable[scores.indexOf(Math.max(...scores))];
      return best === undefined ? {} : { [best]: 1 };
    },
  };

  it('passes an honest portfolio strategy', () => {
    expect(checkLookahead(momentum, [series, zigzagSeries('YY', 100, 11)]).ok).toBe(true);
  });

  it('catches a portfolio strategy that reads past its views through their buffer', () => {
    const cheat: PortfolioStrategy = {
      ...momentum,
      id: 'cheat',
      targetWeights: (context) => {
        const scores = context.tradable.map((symbol) => {
          const bars = context.bars(symbol);
          if (bars === null) return 0;
          const next = nextClose(bars);
          return next === undefined ? 0 : next / bars.close() - 1;
        });
        const best = context.tradable[scores.indexOf(Math.max(...scores))];
        return best === undefined ? {} : { [best]: 1 };
      },
    };
    const report = checkLookahead(cheat, [series, zigzagSeries('YY', 100, 11)], { throwOnViolation: false });
    expect(report.ok).toBe(false);
    expect(report.violations[0]?.decision).toBe('weights');
    // Regression: the error placed a portfolio strategy's decision at "* bar 66" (its symbol
    // placeholder); its weights are a step's, over every symbol.
    expect(() => checkLookahead(cheat, [series, zigzagSeries('YY', 100, 11)])).toThrow(/:\n {2}step \d+ \(\d{4}-\d{2}-\d{2}\) weights: /);
  });

  // Regression: a strategy keeping a counter between calls was reported as looking ahead, with no
  // word of the state that changed its replayed decisions.
  it('says that state kept between calls also changes past decisions', () => {
    let calls = 0;
    const counting: Strategy = { id: 'counting', warmup: 1, shouldEnter: () => (++calls % 7 === 0 ? { side: 'long' } : null), shouldExit: () => false };
    expect(() => checkLookahead(counting, series)).toThrow('can also come from state kept between calls — a counter, a flag set on an earlier bar');
    // Not said of a read ahead, which is the reason itself.
    const readAhead: Strategy = { id: 'read-ahead', warmup: 1, shouldEnter: (context) => (context.close(-1) > 0 ? null : null), shouldExit: () => false };
    expect(() => checkLookahead(readAhead, series)).toThrow(LookaheadError);
    expect(() => checkLookahead(readAhead, series)).not.toThrow('state kept between calls');
  });

  it('catches a strategy that reads the next bar through the buffer of a history view', () => {
    const bufferPeek: Strategy = {
      id: 'buffer-peek',
      warmup: 1,
      shouldEnter: (context) => {
        const next = nextClose(context);
        return next !== undefined && next > context.close() ? { side: 'long' } : null;
      },
      shouldExit: (context) => {
        const next = nextClose(context);
        return next !== undefined && next < context.close();
      },
    };
    const report = checkLookahead(bufferPeek, series, { throwOnViolation: false });
    expect(report.ok).toBe(false);
    expect(report.violations.some((v) => v.decision === 'enter')).toBe(true);
    expect(report.violations.every((v) => v.index === v.truncatedAt - 1)).toBe(true);
    expect(() => checkLookahead(bufferPeek, series)).toThrow(/buffer-peek.*decision\(s\) changed/s);
  });

  it('shows strategies a context with no way to move ahead or reach the series', () => {
    const seen: unknown[] = [];
    const probe: Strategy = {
      id: 'probe',
      warmup: 1,
      shouldEnter: (context) => {
        const loose = context as unknown as Record<string, unknown>;
        seen.push([typeof loose.moveTo, typeof loose.series]);
        return null;
      },
      shouldExit: () => false,
    };
    checkLookahead(probe, zigzagSeries('Q', 10), { checkpoints: 2 });
    expect(new Set(seen.map((entry) => JSON.stringify(entry)))).toEqual(new Set([JSON.stringify(['undefined', 'undefined'])]));
  });

  it('fails with a StrategyError naming the strategy when it writes to the series', () => {
    const data = zigzagSeries('W', 80);
    const openAt51 = data.open[51];
    const writer: Strategy = {
      id: 'writer',
      warmup: 1,
      shouldEnter: (context) => {
        const view = context.history('open');
        new Float64Array(view.buffer, view.byteOffset)[51] = 1;
        return null;
      },
      shouldExit: () => false,
    };
    let thrown: unknown = null;
    try {
      checkLookahead(writer, data, { throwOnViolation: false });
    } catch (error) {
      thrown = error;
    }
    expect(StrategyError.isInstance(thrown)).toBe(true);
    expect((thrown as StrategyError).strategyId).toBe('writer');
    expect((thrown as StrategyError).message).toContain(`changed its input data: open[51] of W (the bar of 2020-02-21) was ${String(openAt51)} and is now 1`);
    // It wrote to a copy: the caller's data is as it was.
    expect(data.open[51]).toBe(openAt51);
  });

  it('reports a decision that asks its context for a bar ahead, though it does so on every bar alike', () => {
    // ctx.close(-1) throws a LookaheadError on every bar, with the full history and cut alike.
    const asksAhead: Strategy = {
      id: 'asks-ahead',
      warmup: 2,
      shouldEnter: (context) => (context.close(-1) > context.close() ? { side: 'long' } : null),
      shouldExit: () => false,
    };
    const report = checkLookahead(asksAhead, series, { throwOnViolation: false });
    expect(report.ok).toBe(false);
    expect(report.violations).toHaveLength(series.length - 1);
    expect(report.violations[0]).toMatchObject({ kind: 'read-ahead', symbol: 'ZZ', index: 1, truncatedAt: 2, decision: 'enter' });
    expect(report.violations[0]?.withFullHistory).toContain('threw LookaheadError: ');
    expect(() => checkLookahead(asksAhead, series)).toThrow(LookaheadError);
    expect(() => checkLookahead(asksAhead, series)).toThrow(/ZZ bar 1 \(\d{4}-\d\d-\d\d\) enter: asked for a bar ahead \(Strategy "asks-ahead" looks ahead: /);
    // Only in an exit: asked with a held position.
    const exitAhead: Strategy = { id: 'exit-ahead', warmup: 2, shouldEnter: () => null, shouldExit: (context) => context.close(-1) < context.close() };
    const exits = checkLookahead(exitAhead, series, { throwOnViolation: false }).violations;
    expect(new Set(exits.map((v) => v.decision))).toEqual(new Set(['exit-long', 'exit-short']));
    expect(exits.every((v) => v.kind === 'read-ahead')).toBe(true);
    // A portfolio strategy's weights.
    const weightsAhead: PortfolioStrategy = {
      kind: 'portfolio',
      id: 'weights-ahead',
      warmup: 1,
      rebalance: { kind: 'calendar', period: 'month' },
      targetWeights: (context) => ({ ZZ: (context.bars('ZZ')?.close(-1) ?? 0) > 0 ? 1 : 0 }),
    };
    const weights = checkLookahead(weightsAhead, series, { throwOnViolation: false });
    expect(weights.violations[0]).toMatchObject({ kind: 'read-ahead', symbol: '*', index: 0, decision: 'weights' });
    expect(weights.violations).toHaveLength(series.length);
  });

  it('a decision that throws anything else is a StrategyError naming the bar and the decision: it cannot be compared', () => {
    const always: Strategy = {
      id: 'always',
      warmup: 1,
      shouldEnter: () => {
        throw new Error('always');
      },
      shouldExit: () => false,
    };
    const thrown = (() => {
      try {
        checkLookahead(always, series, { throwOnViolation: false });
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(StrategyError.isInstance(thrown)).toBe(true);
    expect((thrown as StrategyError).message).toBe(
      `Strategy "always" failed on ZZ at ${new Date(series.time[0] ?? 0).toISOString().slice(0, 10)}: threw while deciding whether to enter (checkLookahead asks every bar after the warm-up, and shouldExit with a position of each side the strategy enters): always`,
    );
    // A long-only strategy may refuse a short it never holds: no run would ask it.
    const longOnly: Strategy = {
      ...honest,
      id: 'long-only',
      shouldExit: (context, position) => {
        if (position.side === 'short') throw new Error('never short');
        return context.close() < context.indicator('sma');
      },
    };
    expect(checkLookahead(longOnly, series).ok).toBe(true);
    // One that enters short too must answer for its shorts.
    const bothSides: Strategy = { ...longOnly, id: 'both-sides', shouldEnter: (context) => ({ side: context.close() > context.indicator('sma') ? 'long' : 'short' }) };
    expect(() => checkLookahead(bothSides, series)).toThrow(/^Strategy "both-sides" failed on ZZ at .*: threw while deciding whether to exit a short position \(.*\): never short$/);
    // A portfolio strategy's throw says what it was deciding, without a word about shouldExit.
    const weightsThrow: PortfolioStrategy = {
      kind: 'portfolio',
      id: 'weights-throw',
      warmup: 1,
      rebalance: { kind: 'calendar', period: 'month' },
      targetWeights: () => {
        throw new Error('no weights');
      },
    };
    expect(() => checkLookahead(weightsThrow, series)).toThrow(/^Strategy "weights-throw" failed at .*: threw while deciding its target weights \(checkLookahead asks every step after the warm-up\): no weights$/);
  });

  it('reports indicators() that return null as a StrategyError naming the strategy', () => {
    const broken = { ...honest, id: 'null-indicators', indicators: () => null } as unknown as Strategy;
    expect(() => checkLookahead(broken, series)).toThrow(StrategyError);
    expect(() => checkLookahead(broken, series)).toThrow('Strategy "null-indicators" failed on ZZ: indicators() returned null');
  });

  it('keeps NaN apart from null in the decisions it compares', () => {
    const nanThenNull: Strategy = {
      id: 'nan-strength',
      warmup: 1,
      // NaN strength with the full history, null strength once the data is cut: JSON would print both as null.
      shouldEnter: (context) => ({ side: 'long', strength: nextClose(context) === undefined ? (null as unknown as number) : Number.NaN }),
      shouldExit: () => false,
    };
    const report = checkLookahead(nanThenNull, series, { throwOnViolation: false });
    expect(report.ok).toBe(false);
    expect(report.violations[0]?.withFullHistory).toBe('{"side":"long","strength":NaN}');
    expect(report.violations[0]?.withTruncatedHistory).toBe('{"side":"long","strength":null}');
  });
});

describe('checkLookahead progress', () => {
  it('counts the bars of the full pass and of every replay, ending at the total', () => {
    const strategy: Strategy = { id: 'flat', warmup: 3, shouldEnter: () => null, shouldExit: () => false };
    const series = [zigzagSeries('A', 12), zigzagSeries('B', 8)];
    const calls: [number, number][] = [];
    checkLookahead(strategy, series, { checkpoints: 4, onProgress: (done, total) => calls.push([done, total]) });
    // A: 12 bars, cut-offs spread over 3..11 → 3, 6, 8, 11 (rounded); B: 8 bars, over 3..7 → 3, 4, 6, 7.
    // The cuts replay in ascending order, then the full history.
    const expected = [3, 6, 8, 11, 12, 3, 4, 6, 7, 8];
    const total = expected.reduce((sum, bars) => sum + bars, 0);
    let done = 0;
    expect(calls).toEqual(expected.map((bars) => [(done += bars), total]));
  });

  it('counts timeline steps for a portfolio strategy', () => {
    const strategy: PortfolioStrategy = { kind: 'portfolio', id: 'equal', warmup: 2, rebalance: { kind: 'calendar', period: 'month' }, targetWeights: () => ({}) };
    const calls: [number, number][] = [];
    checkLookahead(strategy, [zigzagSeries('A', 6), zigzagSeries('B', 6)], { checkpoints: 40, onProgress: (done, total) => calls.push([done, total]) });
    // Six common steps: the cut-offs of 2 to 5 steps, then the full pass.
    expect(calls).toEqual([[2, 20], [5, 20], [9, 20], [14, 20], [20, 20]]);
  });
});

describe('checkLookahead against cached indicators', () => {
  /** A centred mean of closes i − half … i + half: each value reads `half` bars ahead. */
  const centred = (close: Float64Array, half: number): Float64Array =>
    close.map((_, i) => {
      const from = Math.max(0, i - half);
      const to = Math.min(close.length - 1, i + half);
      let sum = 0;
      for (let k = from; k <= to; k++) sum += close[k] ?? 0;
      return sum / (to - from + 1);
    });
  const rules = {
    shouldEnter: (context: StrategyContext) => (context.close() < context.indicator('cma') ? { side: 'long' as const } : null),
    shouldExit: (context: StrategyContext) => context.close() > context.indicator('cma'),
  };
  const series = zigzagSeries('A', 120);

  it('catches a look-ahead an instance hides in a cache of its longest series, one instance per replay', () => {
    // The cache is recomputed only for a longer series: replayed on one instance after the full
    // history, every cut would read the full history's values.
    const create = (): Strategy => {
      let cache: Float64Array | null = null;
      return {
        id: 'memo',
        warmup: 5,
        indicators: (s: BarSeries) => {
          if (cache === null || cache.length < s.close.length) cache = centred(s.close, 2);
          return { cma: cache.slice(0, s.close.length) };
        },
        ...rules,
      };
    };
    const fresh = checkLookahead(create, series, { throwOnViolation: false });
    expect(fresh.ok).toBe(false);
    // Each replay had an instance of its own: the same violations as the rule without a cache.
    const plain: Strategy = { id: 'plain', warmup: 5, indicators: (s: BarSeries) => ({ cma: centred(s.close, 2) }), ...rules };
    const uncached = checkLookahead(plain, series, { throwOnViolation: false });
    expect(uncached.violations.length).toBeGreaterThan(10);
    expect(fresh.violations).toEqual(uncached.violations);
    // One instance too: the cuts replay in ascending order before the full history, so each is
    // the longest it has seen yet and its column is computed again.
    expect(checkLookahead(create(), series, { throwOnViolation: false }).violations).toEqual(uncached.violations);
  });

  it('catches a look-ahead a module-level cache of the longest series hides, replaying the cuts in ascending order', () => {
    const cache = new Map<string, Float64Array>();
    const create = (): Strategy => ({
      id: 'module-longest',
      warmup: 5,
      indicators: (s: BarSeries) => {
        const key = String(s.time[0]);
        let column = cache.get(key);
        if (column === undefined || column.length < s.close.length) cache.set(key, (column = centred(s.close, 2)));
        return { cma: column.slice(0, s.close.length) };
      },
      ...rules,
    });
    const plain: Strategy = { id: 'plain', warmup: 5, indicators: (s: BarSeries) => ({ cma: centred(s.close, 2) }), ...rules };
    const uncached = checkLookahead(plain, series, { throwOnViolation: false });
    expect(checkLookahead(create, series, { throwOnViolation: false }).violations).toEqual(uncached.violations);
    // Run again, the cache now holds the full history from the start: hidden then, which is why
    // the cuts come first (a strategy's module is loaded once per process).
    expect(checkLookahead(create, series, { throwOnViolation: false }).ok).toBe(true);
  });

  it('catches a look-ahead a module-level cache hides, keyed by the series, replaying the shortest cut first', () => {
    const cache = new Map<string, Float64Array>();
    const create = (): Strategy => ({
      id: 'module-memo',
      warmup: 5,
      indicators: (s: BarSeries) => {
        const key = String(s.time[0]);
        const column = cache.get(key) ?? centred(s.close, 2);
        cache.set(key, column);
        return { cma: column.slice(0, s.close.length) };
      },
      ...rules,
    });
    // The first series this cache sees is the shortest cut, not the full history: the full run
    // gets a column shorter than its bars, which the indicator check refuses.
    expect(() => checkLookahead(create, series)).toThrow(/module-memo/);
  });
});

describe('checkLookahead reports each decision once', () => {
  it('finds a decision that flips back and forth across the cuts, with the longest cut that still differs', () => {
    // Long on every bar when the history has an even length: the full 12 bars say long, the cuts
    // of odd length (1, 3, …, 11 bars) say null, the even ones long again — a chain A, B, A, B, ….
    let seriesLength = 0;
    const flips: Strategy = {
      id: 'parity',
      warmup: 1,
      // The length of the series being replayed, seen when its indicators are computed: a look-ahead.
      indicators: (s: BarSeries) => {
        seriesLength = s.length;
        return {};
      },
      shouldEnter: () => (seriesLength % 2 === 0 ? { side: 'long' } : null),
      shouldExit: () => false,
    };
    const report = checkLookahead(flips, zigzagSeries('A', 12), { checkpoints: Number.MAX_SAFE_INTEGER, throwOnViolation: false });
    // Bars 0 to 10 (each seen by the 11-bar cut, the longest odd one): one violation each.
    expect(report.violations.map((v) => [v.index, v.decision, v.truncatedAt, v.withFullHistory, v.withTruncatedHistory])).toEqual(
      Array.from({ length: 11 }, (_, i) => [i, 'enter', 11, '{"side":"long"}', 'null']),
    );
    // Every cut compared with the next longer one on the bars they share: 1 + 2 + … + 11.
    expect(report.comparisons).toBe(66);
  });
});
