import { describe, expect, it } from 'vitest';
import type { BarSeries } from './bars';
import { barSeriesFromCloses } from './bars';
import { StrategyError } from './errors';
import { computeIndicators } from './indicators';
import type { Strategy } from './strategy';

const series = barSeriesFromCloses('AAA', [1, 2, 3, 4], [10, 11, 12, 13]);

function withIndicators(indicators: (series: BarSeries) => unknown): Strategy {
  return { id: 'bad-indicators', warmup: 1, indicators: indicators as NonNullable<Strategy['indicators']>, shouldEnter: () => null, shouldExit: () => false };
}

function failure(strategy: Strategy): StrategyError {
  try {
    computeIndicators(strategy, series);
  } catch (error) {
    if (StrategyError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('computeIndicators did not throw');
}

describe('computeIndicators', () => {
  it('returns {} for a strategy without indicators, and the columns of one with', () => {
    expect(computeIndicators(withIndicators(() => ({})), series)).toEqual({});
    expect(computeIndicators({ id: 'none', warmup: 1, shouldEnter: () => null, shouldExit: () => false }, series)).toEqual({});
    const columns = computeIndicators(withIndicators((s) => ({ double: s.close.map((c) => 2 * c) })), series);
    expect(Array.from(columns.double ?? [])).toEqual([20, 22, 24, 26]);
  });

  it('gives indicators() copies: writing them changes nothing the caller sees', () => {
    let seen: BarSeries | null = null;
    computeIndicators(
      withIndicators((s) => {
        seen = s;
        s.close.fill(42);
        new Float64Array(s.open.buffer).fill(42);
        return { close: s.close };
      }),
      series,
    );
    expect(Array.from(series.close)).toEqual([10, 11, 12, 13]);
    expect(Array.from(series.open)).toEqual([10, 11, 12, 13]);
    expect(seen).not.toBeNull();
    const copy = seen as unknown as BarSeries;
    expect(copy.symbol).toBe('AAA');
    expect(copy.length).toBe(4);
    // A copy's buffer holds that column alone.
    expect(copy.time.buffer.byteLength).toBe(4 * 8);
    expect({ ...copy }.close).toBe(copy.close);
  });

  it('names the strategy and symbol and says what to return when indicators() returns null', () => {
    const error = failure(withIndicators(() => null));
    expect(error.strategyId).toBe('bad-indicators');
    expect(error.symbol).toBe('AAA');
    expect(error.message).toBe(
      'Strategy "bad-indicators" failed on AAA: indicators() returned null; it must return an object of Float64Array columns with one value per bar (4), e.g. { sma: new Float64Array(series.length) }, or {} for none',
    );
  });

  it('rejects a non-object, an array, a column of the wrong type and one of the wrong length', () => {
    expect(failure(withIndicators(() => 42)).message).toMatch(/indicators\(\) returned 42; it must return/);
    expect(failure(withIndicators(() => undefined)).message).toMatch(/indicators\(\) returned undefined;/);
    expect(failure(withIndicators(() => [new Float64Array(4)])).message).toMatch(/indicators\(\) returned \[Float64Array\(4\)\];/);
    expect(failure(withIndicators(() => ({ sma: [1, 2, 3, 4] }))).message).toMatch(/indicators\(\) returned \[1,2,3,4\] as "sma";/);
    expect(failure(withIndicators(() => ({ sma: new Float32Array(4) }))).message).toMatch(/returned Float32Array\(4\) as "sma";/);
    expect(failure(withIndicators(() => ({ sma: new Float64Array(3) }))).message).toMatch(/returned "sma" with 3 values for 4 bars;/);
  });

  it('reports a throw as a StrategyError naming strategy and symbol, with the cause', () => {
    const cause = new Error('window too long');
    const error = failure(
      withIndicators(() => {
        throw cause;
      }),
    );
    expect(error.message).toBe('Strategy "bad-indicators" failed on AAA: indicators() threw: window too long');
    expect(error.cause).toBe(cause);
  });
});

describe('computeIndicators of an async indicators()', () => {
  it('says it returned a Promise', () => {
    expect(failure(withIndicators(() => Promise.resolve({}))).message).toContain('indicators() returned a Promise: strategy methods run synchronously');
  });
});

// Regression: a getter of the returned object threw while its columns were checked, and reached
// the user as "unexpected failure: …" with no strategy named.
describe('computeIndicators of an object whose columns throw when read', () => {
  it('names the strategy and the symbol, and reads each column once', () => {
    const error = failure(
      withIndicators(() => ({
        get sma(): Float64Array {
          // A strategy's code may throw anything; a string is what this one throws.
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw 'not ready';
        },
      })),
    );
    expect(error.message).toBe('Strategy "bad-indicators" failed on AAA: indicators() returned an object whose columns threw when read: "not ready"');
    let reads = 0;
    const column = new Float64Array(series.length);
    const columns = computeIndicators(
      withIndicators(() => ({
        get sma(): Float64Array {
          reads++;
          return column;
        },
      })),
      series,
    );
    expect(columns.sma).toBe(column);
    expect(columns.sma).toBe(column);
    expect(reads).toBe(1);
  });
});
