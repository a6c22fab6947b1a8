import { ConfigError } from '@ensemble/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDate } from './dates';
import { parseMarketData } from './parse';
import { createSeededRandom, generateSyntheticCsv, generateSyntheticData } from './synthetic';

describe('createSeededRandom', () => {
  it('mulberry32: the first outputs of seed 1 match the reference implementation', () => {
    // Reference values from the published mulberry32 (Tommy Ettinger), seed 1, computed with an
    // independent BigInt re-implementation below rather than with the code under test.
    const reference = (seed: number, count: number): number[] => {
      const mask = (1n << 32n) - 1n;
      const imul = (a: bigint, b: bigint) => (a * b) & mask;
      let state = BigInt(seed) & mask;
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        state = (state + 0x6d2b79f5n) & mask;
        let t = imul(state ^ (state >> 15n), 1n | state);
        t = ((t + imul(t ^ (t >> 7n), 61n | t)) & mask) ^ t;
        out.push(Number((t ^ (t >> 14n)) & mask) / 4_294_967_296);
      }
      return out;
    };
    const random = createSeededRandom(1);
    expect(Array.from({ length: 5 }, () => random.next())).toEqual(reference(1, 5));
  });

  it('normals have mean ≈ 0 and variance ≈ 1', () => {
    const random = createSeededRandom(42);
    const n = 20_000;
    const values = Array.from({ length: n }, () => random.normal());
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean)).toBeLessThan(0.03); // 4 standard errors (1/√20000 ≈ 0.007)
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('generateSyntheticData', () => {
  it('is identical for the same seed and differs for another seed', () => {
    const a = generateSyntheticData({ symbols: 3, bars: 200, seed: 7 });
    const b = generateSyntheticData({ symbols: 3, bars: 200, seed: 7 });
    const c = generateSyntheticData({ symbols: 3, bars: 200, seed: 8 });
    for (let k = 0; k < 3; k++) {
      expect(Array.from(b.series[k]?.close ?? [])).toEqual(Array.from(a.series[k]?.close ?? []));
      expect(Array.from(b.series[k]?.volume ?? [])).toEqual(Array.from(a.series[k]?.volume ?? []));
      expect(c.series[k]?.close[199]).not.toBe(a.series[k]?.close[199]);
    }
    expect(a.series[0]?.close[199]).not.toBe(a.series[1]?.close[199]);
  });

  it("a symbol's path does not depend on how many symbols or bars are generated", () => {
    const small = generateSyntheticData({ symbols: 1, bars: 50, seed: 3 });
    const large = generateSyntheticData({ symbols: 4, bars: 120, seed: 3 });
    expect(Array.from(large.series[0]?.close.subarray(0, 50) ?? [])).toEqual(Array.from(small.series[0]?.close ?? []));
  });

  it('has OHLC-consistent bars with positive prices for any seed and size (property)', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        fc.double({ min: -0.5, max: 0.5, noNaN: true }),
        (seed, bars, symbols, volatility, drift) => {
          const data = generateSyntheticData({ seed, bars, symbols, volatility, drift });
          expect(data.series).toHaveLength(symbols);
          const broken: string[] = [];
          for (const s of data.series) {
            expect(s.length).toBe(bars);
            for (let i = 0; i < s.length; i++) {
              const [o, h, l, c, v] = [s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!];
              if (!(l > 0)) broken.push(`${s.symbol}[${i}] low ${l} ≤ 0`);
              if (!(h >= Math.max(o, c))) broken.push(`${s.symbol}[${i}] high ${h} < max(open, close)`);
              if (!(l <= Math.min(o, c))) broken.push(`${s.symbol}[${i}] low ${l} > min(open, close)`);
              if (!(Number.isInteger(v) && v >= 0)) broken.push(`${s.symbol}[${i}] volume ${v}`);
              if (i > 0 && !(s.time[i]! > s.time[i - 1]!)) broken.push(`${s.symbol}[${i}] time not increasing`);
            }
          }
          expect(broken).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('uses business days from the start date and names symbols SYN1…', () => {
    // 2000-01-01 is a Saturday: the first bar is Monday 2000-01-03, and Friday 2000-01-07 is
    // followed by Monday 2000-01-10.
    const data = generateSyntheticData({ symbols: 12, bars: 6, start: '2000-01-01' });
    expect(data.timeline.symbols.slice(0, 2)).toEqual(['SYN01', 'SYN02']);
    expect(Array.from(data.timeline.time, formatDate)).toEqual([
      '2000-01-03', '2000-01-04', '2000-01-05', '2000-01-06', '2000-01-07', '2000-01-10',
    ]);
    expect(generateSyntheticData({ symbols: ['A', 'B'], bars: 2 }).timeline.symbols).toEqual(['A', 'B']);
  });

  it('starts from startPrice and follows the drift on average', () => {
    // With σ = 0 the path is deterministic: close_t = 100 · exp(μ·t/252).
    const data = generateSyntheticData({ bars: 252, volatility: 0, drift: 0.1, startPrice: 100 });
    expect(data.series[0]?.close[251]).toBeCloseTo(100 * Math.exp(0.1), 8);
    expect(data.series[0]?.open[0]).toBe(100);
  });

  it('rejects invalid options with a ConfigError naming the option', () => {
    expect(() => generateSyntheticData({ bars: 0 })).toThrow(ConfigError);
    expect(() => generateSyntheticData({ volatility: -1 })).toThrow(/volatility/);
    expect(() => generateSyntheticData({ symbols: ['A', 'A'] })).toThrow(/unique/);
    expect(() => generateSyntheticData({ start: 'someday' })).toThrow(/start/);
  });
});

describe('generateSyntheticCsv', () => {
  it('writes exactly `rows` rows that load back as valid OHLCV', () => {
    const csv = generateSyntheticCsv({ rows: 1000, symbols: 3, seed: 5 });
    expect(csv.trimEnd().split('\n')).toHaveLength(1001);
    expect(csv.startsWith('symbol,date,open,high,low,close,volume\n')).toBe(true);
    const data = parseMarketData(csv);
    expect(data.series.map((s) => s.length)).toEqual([334, 334, 332]);
  });

  it('single symbol: no symbol column', () => {
    expect(generateSyntheticCsv({ rows: 3 }).split('\n')[0]).toBe('date,open,high,low,close,volume');
    expect(() => generateSyntheticCsv({ rows: 0 })).toThrow(/rows/);
  });
});
